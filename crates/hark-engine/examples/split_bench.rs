//! Benchmark (not a test) of streaming inside a sentence with a split voice:
//! time to first audio (front + first 10-frame window) against a whole
//! unsplit inference, and what decoding in windows with context costs over
//! decoding the whole z at once.
//!
//!   cargo run --release -p hark-engine --example split_bench -- [HOME] [REPS]
//!
//! HOME defaults to $HARK_HOME or the repository's .hark; REPS (default 7)
//! runs per measurement, of which the median is printed.

use std::path::{Path, PathBuf};
use std::time::Instant;

use hark_engine::piper::{phoneme_ids, phonemize_sentence, PiperSession, PiperVoiceFiles, Scales};
use hark_engine::runtime;
use hark_engine::split::SplitVoice;

const SENTENCES: &[(&str, &str)] = &[
    ("5 words", "Please close the door."),
    (
        "20 words",
        "The old lighthouse keeper climbed the winding stairs every evening to light the lamp before \
         the ships came home.",
    ),
    (
        "60 words",
        "When the morning train finally pulled into the little station, the passengers stepped out \
         onto the wet platform, gathered their bags and umbrellas, and hurried toward the town, \
         where the bakery had just opened its doors, the smell of fresh bread drifted along the \
         narrow street, and the church bell rang seven times as if to welcome everyone back from \
         their long journey through the hills.",
    ),
];

const FIRST: usize = 10;
const REST: usize = 50;
const CONTEXT: usize = 11;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let home = args
        .get(1)
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HARK_HOME").map(PathBuf::from))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.hark"));
    let reps: usize = args
        .get(2)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(7)
        .max(1);
    let model = home.join("voices/en_US-joe-medium.onnx");
    let files = PiperVoiceFiles::open(&model)?;
    let scales = Scales {
        noise_scale: files.config.inference.noise_scale,
        length_scale: files.config.inference.length_scale,
        noise_w: files.config.inference.noise_w,
    };
    let env = runtime::environment(None, &home, 0)?;

    println!(
        "median of {reps} runs, ms; windows {FIRST} then {REST} frames, {CONTEXT} frames of context"
    );
    println!(
        "{:>3} {:>9} {:>6} {:>7} | {:>7} {:>7} {:>7} {:>7} | {:>7} {:>7} {:>8}",
        "thr",
        "sentence",
        "frames",
        "audio_s",
        "whole",
        "front",
        "win1",
        "ttfa",
        "dec_all",
        "dec_win",
        "overhead"
    );
    for threads in [1, 2] {
        let t = Instant::now();
        let mut whole = PiperSession::load(&env, &model, threads, false)?;
        let load_whole = ms(t);
        let t = Instant::now();
        let mut split = SplitVoice::load(&env, &model, threads)?;
        let load_split = ms(t);
        println!(
            "{threads} thread(s): load {load_whole:.0} ms unsplit, {load_split:.0} ms split \
             (find + build + 2 sessions + warm-up)"
        );
        for (label, text) in SENTENCES {
            let ids = phoneme_ids(
                &files.config,
                &phonemize_sentence(&files.espeak_voice(), text)?,
            );
            // Warm both paths on this length once.
            whole.infer(&ids, scales, None)?;
            let f = split.front(&ids, scales, None)?;
            split.decode(&f, 0..f.frames, 0)?;

            let (mut t_whole, mut t_front, mut t_win1, mut t_dec, mut t_windows) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
            let mut frames = 0;
            for _ in 0..reps {
                let t = Instant::now();
                whole.infer(&ids, scales, None)?;
                t_whole.push(ms(t));

                let t = Instant::now();
                let f = split.front(&ids, scales, None)?;
                t_front.push(ms(t));
                frames = f.frames;

                let mut total = 0.0;
                let mut at = 0;
                let mut size = FIRST;
                while at < f.frames {
                    let end = (at + size).min(f.frames);
                    let t = Instant::now();
                    split.decode(&f, at..end, CONTEXT)?;
                    let took = ms(t);
                    if at == 0 {
                        t_win1.push(took);
                    }
                    total += took;
                    at = end;
                    size = REST;
                }
                t_windows.push(total);

                let t = Instant::now();
                split.decode(&f, 0..f.frames, 0)?;
                t_dec.push(ms(t));
            }
            let (front, win1) = (median(t_front), median(t_win1));
            let (dec, windows) = (median(t_dec), median(t_windows));
            let audio_s = (frames * split.hop()) as f64 / f64::from(files.config.audio.sample_rate);
            println!(
                "{:>3} {:>9} {:>6} {:>7.2} | {:>7.1} {:>7.1} {:>7.1} {:>7.1} | {:>7.1} {:>7.1} {:>7.0}%",
                threads,
                label,
                frames,
                audio_s,
                median(t_whole),
                front,
                win1,
                front + win1,
                dec,
                windows,
                (windows / dec - 1.0) * 100.0
            );
        }
    }
    println!(
        "whole: unsplit inference; ttfa = front + win1 (time to first audio); dec_all: decoder on \
         the whole z; dec_win: all windows; overhead: dec_win over dec_all"
    );
    Ok(())
}
