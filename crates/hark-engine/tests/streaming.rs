//! The engine's two paths over a split voice: whole chunks stay bit for bit
//! what the unsplit graph gives; low-latency chunks come in windows that
//! join to the same audio within float rounding.

use std::path::{Path, PathBuf};

use hark_engine::piper::{phoneme_ids, phonemize_sentence, PiperSession, PiperVoiceFiles, Scales};
use hark_engine::{runtime, Engine, EngineConfig, SynthesisRequest};

fn home() -> PathBuf {
    std::env::var_os("HARK_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.hark"))
}

const SENTENCE: &str =
    "The windows join so closely that nobody could hear where one ends and the next begins.";

fn engine() -> Engine {
    let mut c = EngineConfig::new(home());
    c.espeak_voices = false;
    Engine::new(c).unwrap()
}

fn request(low_latency: bool) -> SynthesisRequest {
    let mut r = SynthesisRequest::new(SENTENCE);
    r.noise_scale = Some(0.0);
    r.noise_w = Some(0.0);
    r.low_latency = low_latency;
    r
}

fn unsplit() -> Vec<f32> {
    let model = home().join("voices/en_US-joe-medium.onnx");
    let files = PiperVoiceFiles::open(&model).unwrap();
    let env = runtime::environment(None, &home(), 0).unwrap();
    let mut s = PiperSession::load(&env, &model, 2, false).unwrap();
    let ids = phoneme_ids(
        &files.config,
        &phonemize_sentence(&files.espeak_voice(), SENTENCE).unwrap(),
    );
    s.infer(
        &ids,
        Scales {
            noise_scale: 0.0,
            length_scale: 1.0,
            noise_w: 0.0,
        },
        None,
    )
    .unwrap()
    .audio
}

#[test]
fn whole_path_is_bit_identical_to_the_unsplit_voice() {
    let e = engine();
    let stream = e.synthesize(request(false)).unwrap();
    let chunks: Vec<_> = stream.map(|c| c.unwrap()).collect();
    assert_eq!(chunks.len(), 1, "one sentence, one piece");
    let reference = unsplit();
    assert_eq!(chunks[0].samples.len(), reference.len());
    assert!(chunks[0].samples == reference, "not bit-identical");
}

#[test]
fn low_latency_windows_join_to_the_same_audio() {
    let e = engine();
    let stream = e.synthesize(request(true)).unwrap();
    let chunks: Vec<_> = stream.map(|c| c.unwrap()).collect();
    assert!(chunks.len() >= 3, "{} pieces", chunks.len());
    // The first piece is tiny: 10 frames of 256 samples.
    assert_eq!(chunks[0].samples.len(), 10 * 256);
    let joined: Vec<f32> = chunks
        .iter()
        .flat_map(|c| c.samples.iter().copied())
        .collect();
    let reference = unsplit();
    assert_eq!(joined.len(), reference.len());
    let max = joined
        .iter()
        .zip(&reference)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    assert!(max < 1e-4, "max join error {max}");
}

#[test]
fn timestamps_come_with_the_first_window() {
    let e = engine();
    let mut r = request(true);
    r.word_timestamps = true;
    let chunks: Vec<_> = e.synthesize(r).unwrap().map(|c| c.unwrap()).collect();
    let words: Vec<&str> = chunks[0].words.iter().map(|w| w.word.as_str()).collect();
    assert_eq!(
        words.len(),
        SENTENCE.split_whitespace().count(),
        "{words:?}"
    );
    assert!(chunks[1..].iter().all(|c| c.words.is_empty()));
}
