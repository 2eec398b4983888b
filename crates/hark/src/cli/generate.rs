//! `hark generate`: text in, audio out, streamed as it is made.

use std::io::{IsTerminal, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Args;
use hark_audio::{AudioPipeline, Container, Encoding, OutputFormat};
use hark_engine::{Engine, EngineConfig, EngineError, SynthesisRequest};

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Model id (hark-piper-v1, hark-espeak-v1). Default: the voice's.
    #[arg(short = 'm', long)]
    model: Option<String>,
    /// Text to speak. Read from stdin when absent.
    #[arg(short = 'p', long)]
    prompt: Option<String>,
    /// Voice id, name or slug (see `hark voices list`). Default: Joe.
    #[arg(long)]
    voice: Option<String>,
    /// wav, mp3, opus, flac, aac, raw, mulaw or alaw. Default: from the output file's extension, else wav.
    #[arg(long)]
    container: Option<String>,
    /// Output sample rate, 8000-48000 Hz.
    #[arg(long, default_value_t = 24000)]
    sample_rate: u32,
    /// pcm_s16le (default), pcm_f32le, pcm_mulaw or pcm_alaw (wav and raw).
    #[arg(long)]
    encoding: Option<String>,
    /// Bit rate of mp3, opus and aac, 32000-320000 (default: the best the rate allows, up to 192000).
    #[arg(long)]
    bit_rate: Option<u32>,
    /// Speaking rate, 0.25-4.0.
    #[arg(long, default_value_t = 1.0)]
    speed: f32,
    /// Language of the text (e.g. en); checked against the voice. `auto`
    /// detects it and, without --voice, picks a voice that speaks it.
    #[arg(long)]
    language: Option<String>,
    /// Pronunciation dictionary, JSON as the API takes it
    /// (`{"items": [{"word": "Hark", "pronunciation": "hahrk"}]}`;
    /// IPA between slashes). Repeat for several; the first match wins.
    #[arg(long = "dictionary", value_name = "FILE")]
    dictionaries: Vec<PathBuf>,
    /// Speaker of a multi-speaker voice, by name or number.
    #[arg(long)]
    speaker: Option<String>,
    /// VITS noise scale, 0-2 (default: the voice's).
    #[arg(long)]
    noise_scale: Option<f32>,
    /// VITS duration noise, 0-2 (default: the voice's).
    #[arg(long)]
    noise_w: Option<f32>,
    /// Extra silence after each sentence, seconds.
    #[arg(long, default_value_t = 0.0)]
    sentence_pause: f32,
    /// Output file; `-` writes to stdout (also the default when stdout is not a terminal).
    #[arg(short = 'o', long)]
    output: Option<PathBuf>,
    /// Write word timestamps here: .json (the API's shape), .srt or .vtt captions.
    #[arg(long, value_name = "FILE")]
    timestamps: Option<PathBuf>,
    /// Speak the text as written: no reading of numbers, money, dates or abbreviations as words.
    #[arg(long)]
    no_normalize: bool,
    /// No summary line and no progress bar.
    #[arg(short, long)]
    quiet: bool,
}

enum Sink {
    Stdout(std::io::Stdout),
    /// A temporary file renamed into place once complete, so a failure
    /// never leaves a truncated or empty file under the requested name.
    File {
        tmp: tempfile::NamedTempFile,
        dest: PathBuf,
    },
}

pub fn run(config: EngineConfig, args: GenerateArgs) -> anyhow::Result<()> {
    let text = match &args.prompt {
        Some(p) => p.clone(),
        None => read_stdin()?,
    };
    let to_stdout = match &args.output {
        Some(p) => p.as_os_str() == "-",
        None => {
            if std::io::stdout().is_terminal() {
                bail!("no output file: pass -o FILE (or -o - to write audio to stdout)");
            }
            true
        }
    };
    let format = output_format(&args)?;
    let mut dictionaries = Vec::new();
    for path in &args.dictionaries {
        let json = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the dictionary {}", path.display()))?;
        let name = path.display().to_string();
        let d = hark_text::dictionary::Dictionary::from_api_json(name.clone(), name, &json)
            .map_err(|e| anyhow::anyhow!("dictionary {}: {e}", path.display()))?;
        dictionaries.push(std::sync::Arc::new(d));
    }

    let engine = Engine::new(config)?;
    let mut req = SynthesisRequest::new(text);
    req.voice = args.voice.clone();
    req.model = args.model.clone();
    req.speed = args.speed;
    req.language = args.language.clone();
    req.speaker = args.speaker.clone();
    req.noise_scale = args.noise_scale;
    req.noise_w = args.noise_w;
    req.sentence_pause = args.sentence_pause;
    req.word_timestamps = args.timestamps.is_some();
    req.normalize = !args.no_normalize;
    req.dictionaries = dictionaries;
    // A pipe to a player wants the first audio at once.
    req.low_latency = to_stdout;

    let started = Instant::now();
    let stream = engine.synthesize(req)?;
    let voice = stream.voice.clone();
    let mut pipeline = AudioPipeline::new(stream.sample_rate, &format)?;

    let mut sink = if to_stdout {
        Sink::Stdout(std::io::stdout())
    } else {
        let dest = args.output.clone().unwrap_or_default();
        let dir = dest
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        let tmp = tempfile::Builder::new()
            .prefix(".hark-")
            .suffix(".part")
            .tempfile_in(dir)
            .with_context(|| format!("cannot write in {}", dir.display()))?;
        Sink::File { tmp, dest }
    };

    let show_progress = !args.quiet && std::io::stderr().is_terminal() && stream.chunks > 1;
    let bar = show_progress.then(|| {
        let b = indicatif::ProgressBar::new(stream.text_len as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {percent}% of the text, eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });

    let mut first_audio = None;
    let native_rate = stream.sample_rate as f64;
    let mut native_samples = 0usize;
    let mut words = Vec::new();
    write(&mut sink, &pipeline.header())?;
    for chunk in stream {
        let chunk = chunk?;
        let offset = native_samples as f64 / native_rate;
        words.extend(chunk.words.iter().cloned().map(|mut w| {
            w.start += offset;
            w.end += offset;
            w
        }));
        native_samples += chunk.samples.len();
        first_audio.get_or_insert_with(|| started.elapsed());
        write(&mut sink, &pipeline.push(&chunk.samples)?)?;
        if let Some(b) = &bar {
            b.set_position(chunk.text.end as u64);
        }
    }
    write(&mut sink, &pipeline.finish()?)?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let elapsed = started.elapsed();
    let audio_s = pipeline.duration().as_secs_f64();
    if let Some(path) = &args.timestamps {
        write_timestamps(path, &words)?;
    }

    let where_to = match sink {
        Sink::Stdout(mut out) => {
            out.flush().context("cannot write to stdout")?;
            "stdout".to_string()
        }
        Sink::File { mut tmp, dest } => {
            if let Some(h) = pipeline.final_header() {
                let f = tmp.as_file_mut();
                f.seek(SeekFrom::Start(0))?;
                f.write_all(&h)?;
            }
            tmp.as_file().sync_all().ok();
            tmp.persist(&dest)
                .with_context(|| format!("cannot write {}", dest.display()))?;
            dest.display().to_string()
        }
    };
    if !args.quiet {
        eprintln!(
            "{where_to}: {audio_s:.2} s of audio ({} {} {} Hz), voice {} ({}), made in {:.2} s (real-time factor {:.3}, first audio after {:.0} ms)",
            format.container,
            format.encoding,
            format.sample_rate,
            voice.name,
            voice.id,
            elapsed.as_secs_f64(),
            elapsed.as_secs_f64() / audio_s.max(1e-9),
            first_audio.unwrap_or_default().as_secs_f64() * 1000.0,
        );
    }
    Ok(())
}

fn write_timestamps(
    path: &std::path::Path,
    words: &[hark_engine::WordTiming],
) -> anyhow::Result<()> {
    use hark_engine::captions;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let text = match ext.as_deref() {
        Some("srt") => captions::to_srt(words),
        Some("vtt") => captions::to_vtt(words),
        _ => serde_json::to_string_pretty(&captions::word_timestamps_json(words))?,
    };
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

fn write(sink: &mut Sink, bytes: &[u8]) -> anyhow::Result<()> {
    if bytes.is_empty() {
        return Ok(());
    }
    match sink {
        Sink::Stdout(out) => {
            out.write_all(bytes).context("cannot write to stdout")?;
            // Streaming consumers (a player on a pipe) want audio now.
            out.flush().context("cannot write to stdout")?;
        }
        Sink::File { tmp, .. } => tmp
            .write_all(bytes)
            .context("cannot write the output file")?,
    }
    Ok(())
}

fn read_stdin() -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .context("cannot read stdin")?;
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => Err(EngineError::InvalidParameter {
            param: "text",
            message: format!(
                "stdin is not valid UTF-8 (bad byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        }
        .into()),
    }
}

fn output_format(args: &GenerateArgs) -> anyhow::Result<OutputFormat> {
    let container = match &args.container {
        Some(c) => c.parse::<Container>()?,
        None => match args
            .output
            .as_ref()
            .and_then(|p| p.extension())
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref()
        {
            Some("raw" | "pcm") => Container::Raw,
            Some("mp3") => Container::Mp3,
            Some("opus" | "ogg" | "oga") => Container::Opus,
            Some("flac") => Container::Flac,
            Some("aac" | "adts") => Container::Aac,
            Some("ulaw" | "mulaw" | "mu") => Container::Mulaw,
            Some("alaw" | "al") => Container::Alaw,
            _ => Container::Wav,
        },
    };
    let encoding = args
        .encoding
        .as_deref()
        .map(str::parse::<Encoding>)
        .transpose()?;
    Ok(OutputFormat::with_bit_rate(
        container,
        encoding,
        args.sample_rate,
        args.bit_rate,
    )?)
}
