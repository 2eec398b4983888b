//! `hark generate` end to end, with the real Joe voice.

mod common;
use common::*;

#[test]
fn speaks_a_wav_with_the_default_voice() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a.wav");
    let o = run(&[
        "generate",
        "-p",
        "Hello there. This is Hark speaking.",
        "-o",
        out.to_str().unwrap(),
    ]);
    ok(o);
    let (spec, frames) = wav_info(&out);
    assert_eq!(spec.sample_rate, 24000);
    assert_eq!(spec.channels, 1);
    assert_eq!(spec.bits_per_sample, 16);
    let secs = frames as f64 / 24000.0;
    assert!((1.0..6.0).contains(&secs), "{secs} s");
    // Real speech, not silence: RMS well above the noise floor.
    let samples: Vec<i16> = hound::WavReader::open(&out)
        .unwrap()
        .samples::<i16>()
        .map(|s| s.unwrap())
        .collect();
    let rms =
        (samples.iter().map(|&s| (s as f64).powi(2)).sum::<f64>() / samples.len() as f64).sqrt();
    assert!(rms > 300.0, "rms {rms}");
}

#[test]
fn duration_grows_with_text_and_shrinks_with_speed() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let short = "The weather is nice today.";
    let long = "The weather is nice today. Tomorrow it will rain in the morning, and the afternoon will be cold and windy.";
    // Durations are random with the default noise; without it they are exact.
    let gen = |text: &str, speed: &str, out: &str| {
        ok(run(&[
            "generate",
            "-p",
            text,
            "--speed",
            speed,
            "--noise-w",
            "0",
            "--noise-scale",
            "0",
            "-o",
            &p(out),
        ]))
    };
    gen(short, "1", "s.wav");
    gen(long, "1", "l.wav");
    gen(long, "2.0", "fast.wav");
    gen(long, "0.5", "slow.wav");
    let (s, l, fast, slow) = (
        wav_seconds(p("s.wav").as_ref()),
        wav_seconds(p("l.wav").as_ref()),
        wav_seconds(p("fast.wav").as_ref()),
        wav_seconds(p("slow.wav").as_ref()),
    );
    assert!(l > s * 2.0, "long {l} vs short {s}");
    assert!(fast < l * 0.65 && fast > l * 0.35, "fast {fast} vs {l}");
    assert!(slow > l * 1.6 && slow < l * 2.4, "slow {slow} vs {l}");
}

#[test]
fn every_format_has_the_right_rate_and_size() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Formats and rates.";
    // Reference duration from a wav at 24 kHz.
    let refp = dir.path().join("ref.wav");
    ok(run(&[
        "generate",
        "-p",
        text,
        "--noise-w",
        "0",
        "-o",
        refp.to_str().unwrap(),
    ]));
    let ref_s = wav_seconds(&refp);
    for rate in [8000u32, 16000, 22050, 44100, 48000] {
        for (container, encoding, bytes_per) in [
            ("wav", "pcm_s16le", 2usize),
            ("wav", "pcm_f32le", 4),
            ("wav", "pcm_mulaw", 1),
            ("wav", "pcm_alaw", 1),
            ("raw", "pcm_s16le", 2),
            ("raw", "pcm_f32le", 4),
            ("mulaw", "pcm_mulaw", 1),
            ("alaw", "pcm_alaw", 1),
        ] {
            let out = dir.path().join(format!("o-{rate}-{container}-{encoding}"));
            ok(run(&[
                "generate",
                "-p",
                text,
                "--noise-w",
                "0",
                "--container",
                container,
                "--encoding",
                encoding,
                "--sample-rate",
                &rate.to_string(),
                "-o",
                out.to_str().unwrap(),
            ]));
            let data = std::fs::read(&out).unwrap();
            let payload = if container == "wav" {
                assert_eq!(&data[..4], b"RIFF");
                assert_eq!(&data[8..12], b"WAVE");
                let sr = u32::from_le_bytes(data[24..28].try_into().unwrap());
                assert_eq!(sr, rate, "{container}/{encoding}");
                let tag = u16::from_le_bytes(data[20..22].try_into().unwrap());
                let want_tag = match encoding {
                    "pcm_s16le" => 1,
                    "pcm_f32le" => 3,
                    "pcm_mulaw" => 7,
                    _ => 6,
                };
                assert_eq!(tag, want_tag, "{encoding}");
                // The data chunk's declared size matches what follows (final header written).
                let pos = data
                    .windows(4)
                    .position(|w| w == b"data")
                    .expect("data chunk");
                let size = u32::from_le_bytes(data[pos + 4..pos + 8].try_into().unwrap()) as usize;
                assert_eq!(size, data.len() - pos - 8);
                size
            } else {
                data.len()
            };
            let secs = payload as f64 / bytes_per as f64 / rate as f64;
            assert!(
                (secs - ref_s).abs() < 0.01,
                "{container}/{encoding}@{rate}: {secs} s vs {ref_s} s"
            );
        }
    }
}

#[test]
fn ffprobe_reads_every_wav_variant() {
    if std::process::Command::new("ffprobe")
        .arg("-version")
        .output()
        .is_err()
    {
        panic!("ffprobe missing: scripts/setup.sh installs ffmpeg");
    }
    let dir = tempfile::tempdir().unwrap();
    for (encoding, codec) in [
        ("pcm_s16le", "pcm_s16le"),
        ("pcm_f32le", "pcm_f32le"),
        ("pcm_mulaw", "pcm_mulaw"),
        ("pcm_alaw", "pcm_alaw"),
    ] {
        let out = dir.path().join(format!("{encoding}.wav"));
        ok(run(&[
            "generate",
            "-p",
            "Probe me.",
            "--encoding",
            encoding,
            "--sample-rate",
            "16000",
            "-o",
            out.to_str().unwrap(),
        ]));
        let probe = std::process::Command::new("ffprobe")
            .args([
                "-v",
                "error",
                "-show_entries",
                "stream=codec_name,sample_rate,channels",
                "-of",
                "csv=p=0",
            ])
            .arg(&out)
            .output()
            .unwrap();
        let s = String::from_utf8_lossy(&probe.stdout);
        assert_eq!(s.trim(), format!("{codec},16000,1"), "{encoding}");
    }
}

#[test]
fn writes_to_stdout_as_a_stream_and_reads_stdin() {
    let o = run_with_stdin(
        &[
            "generate",
            "--container",
            "raw",
            "--sample-rate",
            "16000",
            "-o",
            "-",
        ],
        b"Read from standard input.",
    );
    let bytes = ok(o);
    assert!(bytes.len() > 16000 * 2 / 2, "{} bytes", bytes.len());
    assert_eq!(bytes.len() % 2, 0);
    // A wav streamed to stdout has a header whose sizes say "unknown length".
    let o = run(&["generate", "-p", "Streaming wav.", "-o", "-"]);
    let bytes = ok(o);
    assert_eq!(&bytes[..4], b"RIFF");
}

#[test]
fn espeak_voices_speak_other_languages() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("es.wav");
    ok(run(&[
        "generate",
        "-m",
        "hark-espeak-v1",
        "--voice",
        "es",
        "--language",
        "es",
        "-p",
        "Hola, ¿cómo estás?",
        "-o",
        out.to_str().unwrap(),
    ]));
    let s = wav_seconds(&out);
    assert!((0.5..5.0).contains(&s), "{s}");
}

#[test]
fn long_text_comes_in_many_chunks_and_all_of_it_is_spoken() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("long.wav");
    let text = "One sentence here. ".repeat(20);
    ok(run(&["generate", "-p", &text, "-o", out.to_str().unwrap()]));
    let s = wav_seconds(&out);
    assert!(s > 15.0, "{s} s for 20 sentences");
}

#[test]
fn compressed_formats_decode_with_a_real_decoder() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Compressed audio, decoded by ffmpeg.";
    let refp = dir.path().join("ref.wav");
    ok(run(&[
        "generate",
        "-p",
        text,
        "--noise-w",
        "0",
        "-o",
        refp.to_str().unwrap(),
    ]));
    let ref_s = wav_seconds(&refp);
    for (file, codec, rate, extra) in [
        ("a.mp3", "mp3", "44100", vec!["--bit-rate", "128000"]),
        ("b.mp3", "mp3", "24000", vec![]),
        ("c.opus", "opus", "48000", vec![]),
        ("d.opus", "opus", "16000", vec!["--bit-rate", "32000"]),
        ("e.flac", "flac", "22050", vec![]),
        ("f.flac", "flac", "8000", vec![]),
    ] {
        let out = dir.path().join(file);
        let mut args = vec![
            "generate",
            "-p",
            text,
            "--noise-w",
            "0",
            "--sample-rate",
            rate,
            "-o",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        ok(run(&args));
        let probe = std::process::Command::new("ffprobe")
            .args([
                "-v",
                "error",
                "-show_entries",
                "stream=codec_name:format=duration",
                "-of",
                "csv=p=0",
            ])
            .arg(&out)
            .output()
            .unwrap();
        let s = String::from_utf8_lossy(&probe.stdout).to_string();
        assert!(s.contains(codec), "{file}: {s}");
        // Decode fully: every byte must be valid, and the length right.
        let dec = std::process::Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(&out)
            .args(["-f", "s16le", "-ac", "1", "-ar", "16000", "-"])
            .output()
            .unwrap();
        assert!(
            dec.status.success() && dec.stderr.is_empty(),
            "{file}: {}",
            String::from_utf8_lossy(&dec.stderr)
        );
        let secs = dec.stdout.len() as f64 / 2.0 / 16000.0;
        assert!((secs - ref_s).abs() < 0.1, "{file}: {secs} s vs {ref_s} s");
    }
}
