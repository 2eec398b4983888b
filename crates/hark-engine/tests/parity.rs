//! Parity with Python piper-tts, the reference implementation: the same
//! text gives the same phoneme ids, and the same ids give the same samples
//! (noise scales 0, where the model is deterministic).

use std::path::{Path, PathBuf};
use std::process::Command;

use hark_engine::piper::{phoneme_ids, phonemize_sentence, PiperSession, PiperVoiceFiles, Scales};
use hark_engine::runtime;

fn home() -> PathBuf {
    std::env::var_os("HARK_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.hark"))
}

fn peer() -> (String, PathBuf) {
    let py = std::env::var("HARK_PEER_PYTHON")
        .expect("HARK_PEER_PYTHON unset: run the suite with scripts/test.sh");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/peer/piper_peer.py");
    (py, script)
}

const SENTENCES: &[&str] = &[
    "The quick brown fox jumps over the lazy dog.",
    "Hello, world; this is a test: of clauses, and commas!",
    "Is this the right way to the station?",
];

#[test]
fn same_text_gives_the_same_phoneme_ids() {
    let (py, script) = peer();
    let model = home().join("voices/en_US-joe-medium.onnx");
    let files = PiperVoiceFiles::open(&model).unwrap();
    for s in SENTENCES {
        let ours = phoneme_ids(
            &files.config,
            &phonemize_sentence(&files.espeak_voice(), s).unwrap(),
        );
        let o = Command::new(&py)
            .arg(&script)
            .args(["phonemize", model.to_str().unwrap(), s])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let theirs: Vec<i64> = String::from_utf8(o.stdout)
            .unwrap()
            .trim()
            .split(',')
            .map(|x| x.parse().unwrap())
            .collect();
        assert_eq!(ours, theirs, "ids differ for {s:?}");
    }
}

#[test]
fn same_ids_give_the_same_samples() {
    let (py, script) = peer();
    let model = home().join("voices/en_US-joe-medium.onnx");
    let files = PiperVoiceFiles::open(&model).unwrap();
    let env = runtime::environment(None, &home(), 0).unwrap();
    let mut session = PiperSession::load(&env, &model, 2, false).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (i, s) in SENTENCES.iter().enumerate() {
        let ids = phoneme_ids(
            &files.config,
            &phonemize_sentence(&files.espeak_voice(), s).unwrap(),
        );
        let ours = session
            .infer(
                &ids,
                Scales {
                    noise_scale: 0.0,
                    length_scale: 1.0,
                    noise_w: 0.0,
                },
                None,
            )
            .unwrap()
            .audio;
        let out = dir.path().join(format!("{i}.f32"));
        let csv: Vec<String> = ids.iter().map(|x| x.to_string()).collect();
        let o = Command::new(&py)
            .arg(&script)
            .args([
                "ids",
                model.to_str().unwrap(),
                &csv.join(","),
                out.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let theirs: Vec<f32> = std::fs::read(&out)
            .unwrap()
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        assert_eq!(ours.len(), theirs.len(), "length differs for {s:?}");
        let max_diff = ours
            .iter()
            .zip(&theirs)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(
            max_diff <= 1e-6,
            "samples differ by up to {max_diff} for {s:?}"
        );
    }
}
