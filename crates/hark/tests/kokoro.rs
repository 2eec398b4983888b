//! Kokoro-82M, the second neural engine, with the real model that
//! scripts/setup.sh installed: its voices in the catalog, intelligible
//! English, Spanish and French that speak, blends, and its errors.

mod common;
use common::server::Server;
use common::*;
use serde_json::{json, Value};
use std::path::Path;

fn voices() -> Vec<Value> {
    let v: Value = serde_json::from_slice(&ok(run(&["voices", "list", "--json"]))).unwrap();
    v.as_array().unwrap().clone()
}

fn samples(path: &Path) -> Vec<f32> {
    let mut r = hound::WavReader::open(path).unwrap();
    r.samples::<i16>()
        .map(|s| s.unwrap() as f32 / 32768.0)
        .collect()
}

fn rms(s: &[f32]) -> f32 {
    (s.iter().map(|x| x * x).sum::<f32>() / s.len().max(1) as f32).sqrt()
}

fn say(voice: &str, text: &str, out: &Path) {
    ok(run(&[
        "generate",
        "-q",
        "--voice",
        voice,
        "-p",
        text,
        "-o",
        out.to_str().unwrap(),
    ]));
}

#[test]
fn catalog_lists_all_54_voices_and_marks_the_unavailable_ones() {
    let all = voices();
    let kokoro: Vec<&Value> = all
        .iter()
        .filter(|v| v["model_id"] == "hark-kokoro-v1")
        .collect();
    assert_eq!(kokoro.len(), 54);
    let neural = all
        .iter()
        .filter(|v| v["model_id"] != "hark-espeak-v1")
        .count();
    assert!(all.len() >= 150, "{} voices", all.len());
    assert!(neural >= 50, "{neural} neural voices");
    for (slug, name, lang, gender) in [
        ("af_heart", "Heart", "en-US", "female"),
        ("am_michael", "Michael", "en-US", "male"),
        ("bf_emma", "Emma", "en-GB", "female"),
        ("ff_siwis", "Siwis", "fr-FR", "female"),
    ] {
        let v = kokoro.iter().find(|v| v["slug"] == slug).unwrap();
        assert_eq!(v["name"], name);
        assert_eq!(v["languages"][0], lang);
        assert_eq!(v["gender"], gender);
        assert_eq!(v["sample_rate"], 24000);
        assert!(v.get("unavailable").is_none());
    }
    // Japanese and Mandarin: listed, with the reason they cannot speak here.
    let unavailable: Vec<&&Value> = kokoro
        .iter()
        .filter(|v| v["unavailable"].is_string())
        .collect();
    assert_eq!(unavailable.len(), 13);
    assert!(unavailable
        .iter()
        .all(|v| matches!(v["languages"][0].as_str(), Some("ja" | "zh"))));
    let o = run(&[
        "generate",
        "--voice",
        "jf_alpha",
        "-p",
        "hello",
        "-o",
        "/dev/null",
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("espeak-ng"), "{}", stderr(&o));
    // The model describes itself, word timestamps included.
    let m: Value =
        serde_json::from_slice(&ok(run(&["models", "info", "hark-kokoro-v1", "--json"]))).unwrap();
    assert_eq!(m["voices"].as_array().unwrap().len(), 54);
    assert!(m["timestamps"].as_str().unwrap().contains("durations"));
}

#[test]
fn english_voices_are_intelligible() {
    let wer = std::env::var("HARK_ASR_WER")
        .expect("HARK_ASR_WER unset: run the suite with scripts/test.sh");
    let dir = tempfile::tempdir().unwrap();
    let text = "The quick brown fox jumps over the lazy dog. \
                She opened the window and looked at the garden below. \
                Our team will meet in the library after lunch.";
    let mut tsv = String::new();
    for v in ["af_heart", "am_michael", "bf_emma", "bm_george"] {
        let out = dir.path().join(format!("{v}.wav"));
        say(v, text, &out);
        tsv.push_str(&format!("{}\t{}\n", out.display(), text));
    }
    let tsv_path = dir.path().join("cases.tsv");
    std::fs::write(&tsv_path, tsv).unwrap();
    let o = std::process::Command::new(&wer)
        .args(["--tsv", tsv_path.to_str().unwrap(), "--max-wer", "5"])
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    println!("{report}");
    assert!(o.status.success(), "word error rate above 5%:\n{report}");
}

#[test]
fn spanish_and_french_voices_speak() {
    let dir = tempfile::tempdir().unwrap();
    for (voice, text) in [
        (
            "ef_dora",
            "Buenos días. Mañana vamos a visitar el museo con mis amigos.",
        ),
        (
            "ff_siwis",
            "Bonjour à tous. Demain nous allons visiter le musée avec nos amis.",
        ),
    ] {
        let out = dir.path().join(format!("{voice}.wav"));
        say(voice, text, &out);
        let secs = wav_seconds(&out);
        // ~60 characters of speech: a few seconds, not a blip, not a drone.
        assert!((2.0..9.0).contains(&secs), "{voice}: {secs} s");
        let s = samples(&out);
        assert!(rms(&s) > 0.02, "{voice}: rms {}", rms(&s));
        // Speech has pauses: some 50 ms windows are much quieter than the loudest.
        let win: Vec<f32> = s.chunks(1200).map(rms).collect();
        let loud = win.iter().cloned().fold(0.0, f32::max);
        assert!(win.iter().any(|&w| w < loud * 0.1), "{voice}: no pauses");
    }
}

#[test]
fn blends_differ_from_their_parts_and_save_as_voices() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Blending voices makes a new one.";
    let path = |n: &str| dir.path().join(format!("{n}.wav"));
    say("af_bella", text, &path("bella"));
    say("af_bella", text, &path("bella2"));
    say("af_sky", text, &path("sky"));
    say("af_bella:2+af_sky:1", text, &path("blend"));
    let (bella, bella2, sky, blend) = (
        samples(&path("bella")),
        samples(&path("bella2")),
        samples(&path("sky")),
        samples(&path("blend")),
    );
    // The model is deterministic, so a difference is the voice's.
    assert_eq!(bella, bella2);
    assert!(blend.len() > 24000 / 2);
    assert_ne!(blend, bella);
    assert_ne!(blend, sky);
    // By ids too, and the same mix written either way is the same voice.
    let all = voices();
    let id = |slug: &str| {
        all.iter().find(|v| v["slug"] == slug).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let by_ids = format!("{}:2+{}:1", id("af_bella"), id("af_sky"));
    say(&by_ids, text, &path("blend_ids"));
    assert_eq!(samples(&path("blend_ids")), blend);

    // Saved as a custom voice in a home of its own.
    let home = tempfile::tempdir().unwrap();
    for d in ["lib", "kokoro"] {
        std::os::unix::fs::symlink(common::home().join(d), home.path().join(d)).unwrap();
    }
    let in_home = |args: &[&str]| {
        hark()
            .env("HARK_HOME", home.path())
            .args(args)
            .output()
            .unwrap()
    };
    let out = String::from_utf8(ok(in_home(&[
        "voices",
        "save-blend",
        "--name",
        "Bella Sky",
        "af_bella:2+af_sky:1",
    ])))
    .unwrap();
    let new_id = out.split_whitespace().next().unwrap().to_string();
    assert!(new_id.len() == 36 && new_id != id("af_bella"), "{out}");
    let v: Value =
        serde_json::from_slice(&ok(in_home(&["voices", "info", "Bella Sky", "--json"]))).unwrap();
    assert_eq!(v["id"], new_id.as_str());
    assert_eq!(v["model_id"], "hark-kokoro-v1");
    let saved = path("saved");
    ok(in_home(&[
        "generate",
        "-q",
        "--voice",
        &new_id,
        "-p",
        text,
        "-o",
        saved.to_str().unwrap(),
    ]));
    assert_eq!(samples(&saved), blend);
    // A second voice of the same name is refused.
    assert!(
        !in_home(&["voices", "save-blend", "--name", "Bella Sky", "af_sky"])
            .status
            .success()
    );
}

#[test]
fn blend_errors_name_the_problem() {
    let o = run(&[
        "generate",
        "--voice",
        "af_bella:2+nobody:1",
        "-p",
        "hi",
        "-o",
        "/dev/null",
    ]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("VOICE_NOT_FOUND") && e.contains("nobody"), "{e}");
    let o = run(&[
        "generate",
        "--voice",
        "af_bella+joe",
        "-p",
        "hi",
        "-o",
        "/dev/null",
    ]);
    let e = stderr(&o);
    assert!(!o.status.success() && e.contains("INVALID_REQUEST"), "{e}");
    let o = run(&[
        "generate",
        "--voice",
        "af_bella:-1+af_sky",
        "-p",
        "hi",
        "-o",
        "/dev/null",
    ]);
    let e = stderr(&o);
    assert!(!o.status.success() && e.contains("INVALID_REQUEST"), "{e}");
}

#[test]
fn word_timestamps_come_from_the_model_durations() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("w.wav");
    let ts = dir.path().join("w.json");
    ok(run(&[
        "generate",
        "-q",
        "--voice",
        "am_michael",
        "-p",
        "One small step, then a giant leap.",
        "-o",
        out.to_str().unwrap(),
        "--timestamps",
        ts.to_str().unwrap(),
    ]));
    let t: Value = serde_json::from_slice(&std::fs::read(&ts).unwrap()).unwrap();
    let words: Vec<&str> = t["words"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert_eq!(
        words,
        ["One", "small", "step", "then", "a", "giant", "leap"]
    );
    let (start, end) = (t["start"].as_array().unwrap(), t["end"].as_array().unwrap());
    let secs = wav_seconds(&out);
    let mut last = 0.0;
    for (s, e) in start.iter().zip(end) {
        let (s, e) = (s.as_f64().unwrap(), e.as_f64().unwrap());
        assert!(s >= last - 1e-6 && e > s && e <= secs + 1e-3, "{t}");
        last = s;
    }
    // The pause at the comma lies between "step" and "then".
    let gap = start[3].as_f64().unwrap() - end[2].as_f64().unwrap();
    assert!(gap > 0.05, "{t}");
}

#[tokio::test]
async fn every_dialect_speaks_with_kokoro_voices() {
    let s = Server::start(&[]);
    let c = reqwest::Client::new();
    let michael = voices()
        .into_iter()
        .find(|v| v["slug"] == "am_michael")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Dialect 1, by id.
    let r = c
        .post(s.url("/text_to_speech"))
        .header("version", "v1")
        .json(&json!({"model_id": "hark-kokoro-v1", "transcript": "Welcome to Hark.", "voice": {"mode": "id", "id": michael},
                      "output_format": {"container": "raw", "encoding": "pcm_f32le", "sample_rate": 24000}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let secs = r.bytes().await.unwrap().len() as f64 / 4.0 / 24000.0;
    assert!((0.5..4.0).contains(&secs), "{secs}");
    // Dialect 2, by slug.
    let r = c
        .post(s.url("/waves/v1/hark-kokoro-v1/get_speech"))
        .json(&json!({"text": "A flat body.", "voice_id": "bf_emma", "output_format": "wav"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().len() > 44100);
    // Dialect 3, a blend; and OpenAI's "nova" is Kokoro's Nova.
    for (model, voice) in [("hark-kokoro-v1", "af_bella:2+af_sky:1"), ("tts-1", "nova")] {
        let r = c
            .post(s.url("/v1/audio/speech"))
            .json(&json!({"model": model, "input": "OpenAI shaped.", "voice": voice, "response_format": "pcm"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{voice}");
        assert!(r.bytes().await.unwrap().len() > 24000, "{voice}");
    }
    // An unknown voice in a blend is VOICE_NOT_FOUND, naming it.
    let r = c
        .post(s.url("/v1/audio/speech"))
        .json(&json!({"model": "hark-kokoro-v1", "input": "hi", "voice": "af_bella+nobody", "response_format": "pcm"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["error"]["code"], "VOICE_NOT_FOUND");
    assert!(b["error"]["message"].as_str().unwrap().contains("nobody"));
}
