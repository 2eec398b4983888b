//! The split of a Piper voice into front and decoder: found by structure,
//! exact when decoded whole, and joinable to float rounding when decoded
//! in windows with context. Runs on the real Joe voice (HARK_HOME, default
//! the repository's .hark).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use hark_engine::piper::{phoneme_ids, phonemize_sentence, PiperSession, PiperVoiceFiles, Scales};
use hark_engine::runtime;
use hark_engine::split::{
    build_decoder, build_front, find_split, graph_summary, SplitError, SplitPoints, SplitVoice,
};
use prost::encoding::{encode_key, encode_varint, WireType};

fn home() -> PathBuf {
    std::env::var_os("HARK_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.hark"))
}

fn joe() -> PathBuf {
    home().join("voices/en_US-joe-medium.onnx")
}

fn env() -> ort::environment::Environment {
    runtime::environment(None, &home(), 0).unwrap()
}

const QUIET: Scales = Scales {
    noise_scale: 0.0,
    length_scale: 1.0,
    noise_w: 0.0,
};

const SENTENCE: &str = "The quick brown fox jumps over the lazy dog, and then, having rested \
     for a while under the old oak tree, it runs all the way back home again.";

fn ids(text: &str) -> Vec<i64> {
    let files = PiperVoiceFiles::open(&joe()).unwrap();
    phoneme_ids(
        &files.config,
        &phonemize_sentence(&files.espeak_voice(), text).unwrap(),
    )
}

#[test]
fn finds_z_and_durations_on_joe() {
    let model = std::fs::read(joe()).unwrap();
    let points = find_split(&model).unwrap();
    assert_eq!(points.z, "/Mul_7_output_0");
    assert_eq!(points.durations, "/Ceil_output_0");
    assert!(points.extra_decoder_inputs.is_empty());

    let original = graph_summary(&model).unwrap();
    let t = std::time::Instant::now();
    let front_bytes = build_front(&model, &points).unwrap();
    let decoder_bytes = build_decoder(&model, &points).unwrap();
    eprintln!(
        "model {} B -> front {} B + decoder {} B (built in {:?})",
        model.len(),
        front_bytes.len(),
        decoder_bytes.len(),
        t.elapsed()
    );
    let front = graph_summary(&front_bytes).unwrap();
    let decoder = graph_summary(&decoder_bytes).unwrap();
    assert_eq!(front.outputs, vec!["/Mul_7_output_0", "/Ceil_output_0"]);
    assert_eq!(front.inputs, original.inputs);
    assert_eq!(decoder.inputs, vec!["/Mul_7_output_0"]);
    assert_eq!(decoder.outputs, original.outputs);
    assert_eq!(decoder.ops.len(), 68);
    assert_eq!(front.ops.len() + decoder.ops.len(), original.ops.len());
    assert_eq!(
        decoder.ops.iter().filter(|o| *o == "ConvTranspose").count(),
        3
    );
    assert!(!front.ops.iter().any(|o| o == "ConvTranspose"));
    // Each weight lives in one half only, except the constants both read.
    let f: HashSet<&String> = front.initializers.iter().collect();
    let d: HashSet<&String> = decoder.initializers.iter().collect();
    let shared: Vec<&&String> = f.intersection(&d).collect();
    assert!(shared.len() <= 2, "shared initializers: {shared:?}");
    assert!(d
        .iter()
        .all(|n| n.starts_with("dec.") || n.starts_with('/')));
    eprintln!(
        "front: {} nodes, {} initializers; decoder: {} nodes, {} initializers; shared {:?}",
        front.ops.len(),
        front.initializers.len(),
        decoder.ops.len(),
        decoder.initializers.len(),
        shared
    );
}

#[test]
fn front_plus_decoder_is_the_original_bit_for_bit() {
    let env = env();
    let mut whole = PiperSession::load(&env, &joe(), 2, false).unwrap();
    let mut split = SplitVoice::load(&env, &joe(), 2).unwrap();
    assert_eq!(split.hop(), 256);
    for text in [SENTENCE, "Hi.", "Is this the right way to the station?"] {
        let ids = ids(text);
        let reference = whole.infer(&ids, QUIET, None).unwrap();
        let front = split.front(&ids, QUIET, None).unwrap();
        assert_eq!(front.channels, 192);
        let audio = split.decode(&front, 0..front.frames, 0).unwrap();
        assert_eq!(audio.len(), reference.audio.len(), "{text}");
        let differing = audio
            .iter()
            .zip(&reference.audio)
            .filter(|(a, b)| a.to_bits() != b.to_bits())
            .count();
        assert_eq!(differing, 0, "{differing} samples differ for {text:?}");
        assert_eq!(Some(front.durations.clone()), reference.durations);
        let sum: f32 = front.durations.iter().sum();
        assert_eq!(sum as usize, front.frames);
    }
}

/// (max abs error, SNR in dB) of `test` against `reference`.
fn compare(reference: &[f32], test: &[f32]) -> (f32, f64) {
    let mut max = 0f32;
    let (mut signal, mut noise) = (0f64, 0f64);
    for (r, t) in reference.iter().zip(test) {
        max = max.max((r - t).abs());
        signal += (*r as f64).powi(2);
        noise += ((r - t) as f64).powi(2);
    }
    (max, 10.0 * (signal / noise.max(1e-30)).log10())
}

fn windows(frames: usize, first: usize, rest: usize) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut size = first;
    while at < frames {
        let end = (at + size).min(frames);
        out.push(at..end);
        at = end;
        size = rest;
    }
    out
}

#[test]
fn windows_with_context_join_to_float_rounding() {
    let env = env();
    let mut split = SplitVoice::load(&env, &joe(), 2).unwrap();
    for text in [SENTENCE, "Hi."] {
        let front = split.front(&ids(text), QUIET, None).unwrap();
        let whole = split.decode(&front, 0..front.frames, 0).unwrap();
        let mut joined = Vec::new();
        let ranges = windows(front.frames, 10, 50);
        for r in &ranges {
            let part = split.decode(&front, r.clone(), 11).unwrap();
            assert_eq!(part.len(), r.len() * split.hop());
            joined.extend(part);
        }
        assert_eq!(joined.len(), whole.len());
        let (max, snr) = compare(&whole, &joined);
        eprintln!(
            "{} frames in {} windows, context 11: max abs error {max:.3e}, SNR {snr:.1} dB",
            front.frames,
            ranges.len()
        );
        assert!(max <= 1e-4, "max abs error {max}");
    }
    // Less context than the receptive field is measurably worse: the test
    // above would pass vacuously if context did nothing.
    let front = split.front(&ids(SENTENCE), QUIET, None).unwrap();
    let whole = split.decode(&front, 0..front.frames, 0).unwrap();
    let mut joined = Vec::new();
    for r in windows(front.frames, 10, 50) {
        joined.extend(split.decode(&front, r, 0).unwrap());
    }
    let (max0, snr0) = compare(&whole, &joined);
    eprintln!("no context: max abs error {max0:.3e}, SNR {snr0:.1} dB");
    assert!(max0 > 1e-3);
}

#[test]
fn bad_ranges_are_errors() {
    let env = env();
    let mut split = SplitVoice::load(&env, &joe(), 1).unwrap();
    let front = split.front(&ids("Hi."), QUIET, None).unwrap();
    let n = front.frames;
    assert!(split.decode(&front, 0..n + 1, 11).is_err());
    #[allow(clippy::reversed_empty_ranges)]
    let backwards = 5..2;
    assert!(split.decode(&front, backwards, 11).is_err());
    assert!(split.decode(&front, 3..3, 11).unwrap().is_empty());
    let mut broken = front.clone();
    broken.z.pop();
    assert!(split.decode(&broken, 0..n, 11).is_err());
    assert!(split.front(&[], QUIET, None).is_err());
}

#[test]
fn garbage_models_give_errors_not_panics() {
    let model = std::fs::read(joe()).unwrap();
    let garbage: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"not a model at all".to_vec(),
        vec![0xff; 64],
        model[..model.len() / 2].to_vec(),
        model[..1000].to_vec(),
        // A valid message with a graph of garbage.
        {
            let mut m = Vec::new();
            put(&mut m, 7, b"\x0a\xff\xff\xff\x0f");
            m
        },
        // A well-formed graph with nothing in it.
        {
            let mut m = Vec::new();
            put(&mut m, 7, &[]);
            m
        },
    ];
    for (i, g) in garbage.iter().enumerate() {
        let r = find_split(g);
        assert!(r.is_err(), "garbage {i} was accepted");
        eprintln!("garbage {i}: {}", r.unwrap_err());
    }
    // Bytes flipped inside the model (in the protobuf structure near the
    // start, where names and nodes live): an error or a (different) split,
    // never a panic.
    for at in (0..4000).step_by(37) {
        let mut m = model[..200_000.min(model.len())].to_vec();
        m[at] ^= 0x5a;
        let _ = find_split(&m);
    }
    // Split points from another model.
    let wrong = SplitPoints {
        z: "nope".into(),
        durations: "/Ceil_output_0".into(),
        extra_decoder_inputs: vec![],
    };
    assert!(matches!(
        build_front(&model, &wrong),
        Err(SplitError::BadPoints(_))
    ));
    assert!(build_decoder(&model, &wrong).is_err());
    let too_early = SplitPoints {
        z: "/Ceil_output_0".into(),
        durations: "/Ceil_output_0".into(),
        extra_decoder_inputs: vec![],
    };
    assert!(matches!(
        build_decoder(&model, &too_early),
        Err(SplitError::BadPoints(_))
    ));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.onnx");
    std::fs::write(&bad, &model[..model.len() / 3]).unwrap();
    assert!(SplitVoice::load(&env(), &bad, 1).is_err());
}

// ---------------------------------------------------------------------------
// Multi-speaker: Joe with a speaker embedding grafted on, the way VITS
// conditions its decoder (`x = conv_pre(z); x = x + cond(g)`), and the
// front made to read it too (as the duration predictor and flow do).

fn put(out: &mut Vec<u8>, field: u32, payload: &[u8]) {
    encode_key(field, WireType::LengthDelimited, out);
    encode_varint(payload.len() as u64, out);
    out.extend_from_slice(payload);
}

fn node(op: &str, inputs: &[&str], output: &str) -> Vec<u8> {
    let mut n = Vec::new();
    for i in inputs {
        put(&mut n, 1, i.as_bytes());
    }
    put(&mut n, 2, output.as_bytes());
    put(&mut n, 3, format!("graft/{output}").as_bytes());
    put(&mut n, 4, op.as_bytes());
    n
}

fn tensor(name: &str, dims: &[i64], data: TensorValues) -> Vec<u8> {
    let mut t = Vec::new();
    for d in dims {
        encode_key(1, WireType::Varint, &mut t);
        encode_varint(*d as u64, &mut t);
    }
    let (ty, raw): (u64, Vec<u8>) = match data {
        TensorValues::F32(v) => (1, v.iter().flat_map(|x| x.to_le_bytes()).collect()),
        TensorValues::I64(v) => (7, v.iter().flat_map(|x| x.to_le_bytes()).collect()),
    };
    encode_key(2, WireType::Varint, &mut t);
    encode_varint(ty, &mut t);
    put(&mut t, 8, name.as_bytes());
    put(&mut t, 9, &raw);
    t
}

enum TensorValues {
    F32(Vec<f32>),
    I64(Vec<i64>),
}

fn int64_input(name: &str) -> Vec<u8> {
    let mut dim = Vec::new();
    encode_key(1, WireType::Varint, &mut dim);
    encode_varint(1, &mut dim);
    let mut shape = Vec::new();
    put(&mut shape, 1, &dim);
    let mut tt = Vec::new();
    encode_key(1, WireType::Varint, &mut tt);
    encode_varint(7, &mut tt);
    put(&mut tt, 2, &shape);
    let mut ty = Vec::new();
    put(&mut ty, 1, &tt);
    let mut vi = Vec::new();
    put(&mut vi, 1, name.as_bytes());
    put(&mut vi, 2, &ty);
    vi
}

/// Deterministic small pseudo-random weights.
fn weights(n: usize, seed: u64, scale: f32) -> Vec<f32> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * scale
        })
        .collect()
}

/// Rewrites every node input `from` to `to` (wire level, test only).
fn rewire(graph: &[u8], from: &str, to: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for (field, payload) in message(graph) {
        if field == 1 {
            let mut n = Vec::new();
            for (nf, np) in message(&payload) {
                if nf == 1 && np == from.as_bytes() {
                    put(&mut n, 1, to.as_bytes());
                } else {
                    put_any(&mut n, nf, &np);
                }
            }
            put(&mut out, 1, &n);
        } else {
            put_any(&mut out, field, &payload);
        }
    }
    out
}

/// Renames an initializer (wire level, test only).
fn rename_initializer(graph: &[u8], from: &str, to: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for (field, payload) in message(graph) {
        let named = field == 5
            && message(&payload)
                .iter()
                .any(|(f, p)| *f == 8 && p == from.as_bytes());
        if named {
            let mut t = Vec::new();
            for (tf, tp) in message(&payload) {
                put_any(&mut t, tf, if tf == 8 { to.as_bytes() } else { &tp });
            }
            put(&mut out, 5, &t);
        } else {
            put_any(&mut out, field, &payload);
        }
    }
    out
}

/// (field, payload) of a message whose fields are all length-delimited or
/// varints (true of ModelProto, GraphProto and NodeProto); varints come
/// back as their encoded bytes with field number + 1000.
fn message(mut b: &[u8]) -> Vec<(u32, Vec<u8>)> {
    use prost::encoding::{decode_key, decode_varint};
    let mut out = Vec::new();
    while !b.is_empty() {
        let (f, w) = decode_key(&mut b).unwrap();
        match w {
            WireType::LengthDelimited => {
                let len = decode_varint(&mut b).unwrap() as usize;
                out.push((f, b[..len].to_vec()));
                b = &b[len..];
            }
            WireType::Varint => {
                let v = decode_varint(&mut b).unwrap();
                let mut e = Vec::new();
                encode_varint(v, &mut e);
                out.push((f + 1000, e));
            }
            other => panic!("unexpected wire type {other:?}"),
        }
    }
    out
}

fn put_any(out: &mut Vec<u8>, field: u32, payload: &[u8]) {
    if field > 1000 {
        encode_key(field - 1000, WireType::Varint, out);
        out.extend_from_slice(payload);
    } else {
        put(out, field, payload);
    }
}

fn multi_speaker_joe() -> Vec<u8> {
    const SPEAKERS: usize = 4;
    const GIN: usize = 16;
    const PRE: usize = 256; // conv_pre's output channels in a medium voice
    let model = std::fs::read(joe()).unwrap();
    let mut out = Vec::new();
    for (field, payload) in message(&model) {
        if field != 7 {
            put_any(&mut out, field, &payload);
            continue;
        }
        // Joe has an initializer called "sid" (an export artifact): rename it.
        let mut g = rename_initializer(&payload, "sid", "graft.joe_sid");
        g = rewire(&g, "sid", "graft.joe_sid");
        g = rewire(&g, "/dec/conv_pre/Conv_output_0", "graft/pre_plus_cond");
        g = rewire(&g, "/Mul_1_output_0", "graft/w");
        let mut extra = Vec::new();
        put(
            &mut extra,
            5,
            &tensor(
                "graft.emb_g",
                &[SPEAKERS as i64, GIN as i64],
                TensorValues::F32(weights(SPEAKERS * GIN, 1, 2.0)),
            ),
        );
        put(
            &mut extra,
            5,
            &tensor(
                "graft.cond",
                &[PRE as i64, GIN as i64, 1],
                TensorValues::F32(weights(PRE * GIN, 2, 0.2)),
            ),
        );
        put(
            &mut extra,
            5,
            &tensor("graft.axes", &[1], TensorValues::I64(vec![2])),
        );
        put(
            &mut extra,
            5,
            &tensor("graft.zero", &[], TensorValues::F32(vec![0.0])),
        );
        for n in [
            node("Gather", &["graft.emb_g", "sid"], "graft/g0"),
            node("Unsqueeze", &["graft/g0", "graft.axes"], "graft/g"),
            node("Conv", &["graft/g", "graft.cond"], "graft/cond"),
            node(
                "Add",
                &["/dec/conv_pre/Conv_output_0", "graft/cond"],
                "graft/pre_plus_cond",
            ),
            // The front reads g too (0 * sum(g): same durations, new dependency).
            node("ReduceSum", &["graft/g"], "graft/gsum"),
            node("Mul", &["graft/gsum", "graft.zero"], "graft/gzero"),
            node("Add", &["/Mul_1_output_0", "graft/gzero"], "graft/w"),
        ] {
            put(&mut extra, 1, &n);
        }
        put(&mut extra, 11, &int64_input("sid"));
        g.extend(extra);
        put(&mut out, 7, &g);
    }
    out
}

#[test]
fn multi_speaker_voice_gets_its_speaker_as_an_extra_decoder_input() {
    let model = multi_speaker_joe();
    let points = find_split(&model).unwrap();
    assert_eq!(points.z, "/Mul_7_output_0");
    assert_eq!(points.durations, "/Ceil_output_0");
    // The decoder reads the speaker through cond(g), computed in the front.
    assert_eq!(points.extra_decoder_inputs, vec!["graft/cond".to_string()]);
    let decoder = graph_summary(&build_decoder(&model, &points).unwrap()).unwrap();
    assert_eq!(decoder.inputs, vec!["/Mul_7_output_0", "graft/cond"]);
    assert!(!decoder.initializers.iter().any(|i| i.starts_with("graft.")));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("multi.onnx");
    std::fs::write(&path, &model).unwrap();
    let env = env();
    let mut whole = PiperSession::load(&env, &path, 2, false).unwrap();
    let mut split = SplitVoice::load(&env, &path, 2).unwrap();
    let ids = ids("Is this the right way to the station?");
    let mut previous: Option<Vec<f32>> = None;
    for speaker in [1, 3] {
        let reference = whole.infer(&ids, QUIET, Some(speaker)).unwrap().audio;
        let front = split.front(&ids, QUIET, Some(speaker)).unwrap();
        assert_eq!(front.extras.len(), 1);
        assert_eq!(front.extras[0].shape, vec![1, PRE_CHANNELS, 1]);
        let audio = split.decode(&front, 0..front.frames, 0).unwrap();
        assert!(audio
            .iter()
            .zip(&reference)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
        assert_eq!(audio.len(), reference.len());
        let mut joined = Vec::new();
        for r in windows(front.frames, 10, 50) {
            joined.extend(split.decode(&front, r, 11).unwrap());
        }
        let (max, snr) = compare(&audio, &joined);
        eprintln!("speaker {speaker}: windows max abs error {max:.3e}, SNR {snr:.1} dB");
        assert!(max <= 1e-4);
        if let Some(p) = &previous {
            assert_ne!(p, &audio, "the speaker made no difference");
        }
        previous = Some(audio);
    }
}

const PRE_CHANNELS: i64 = 256;
