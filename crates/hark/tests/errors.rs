//! Bad input of every kind: a clear message, a non-zero exit, no panic and
//! no output file left behind.

mod common;
use common::*;

fn fails_with(args: &[&str], needle: &str) {
    let o = run(args);
    let err = stderr(&o);
    assert!(!o.status.success(), "expected failure for {args:?}");
    assert!(!err.contains("panicked"), "panic for {args:?}: {err}");
    assert!(
        err.contains(needle),
        "for {args:?} expected '{needle}' in: {err}"
    );
}

#[test]
fn unknown_voice_and_model() {
    fails_with(
        &["generate", "-p", "hi", "--voice", "nobody-here", "-o", "-"],
        "VOICE_NOT_FOUND",
    );
    fails_with(
        &["generate", "-p", "hi", "-m", "tts-9", "-o", "-"],
        "MODEL_NOT_FOUND",
    );
    fails_with(&["models", "info", "tts-9"], "MODEL_NOT_FOUND");
    fails_with(
        &["voices", "info", "00000000-0000-0000-0000-000000000000"],
        "VOICE_NOT_FOUND",
    );
    // A voice of another model.
    fails_with(
        &[
            "generate",
            "-p",
            "hi",
            "-m",
            "hark-espeak-v1",
            "--voice",
            "joe",
            "-o",
            "-",
        ],
        "belongs to model",
    );
}

#[test]
fn out_of_range_parameters() {
    fails_with(
        &["generate", "-p", "hi", "--speed", "10", "-o", "-"],
        "speed",
    );
    fails_with(
        &["generate", "-p", "hi", "--speed", "NaN", "-o", "-"],
        "speed",
    );
    fails_with(
        &["generate", "-p", "hi", "--sample-rate", "7000", "-o", "-"],
        "7000",
    );
    fails_with(
        &["generate", "-p", "hi", "--sample-rate", "96000", "-o", "-"],
        "96000",
    );
    fails_with(
        &["generate", "-p", "hi", "--container", "webm", "-o", "-"],
        "webm",
    );
    fails_with(
        &[
            "generate",
            "-p",
            "hi",
            "--container",
            "opus",
            "--sample-rate",
            "22050",
            "-o",
            "-",
        ],
        "22050",
    );
    fails_with(
        &[
            "generate",
            "-p",
            "hi",
            "--container",
            "mp3",
            "--sample-rate",
            "24000",
            "--bit-rate",
            "320000",
            "-o",
            "-",
        ],
        "320000",
    );
    fails_with(
        &["generate", "-p", "hi", "--container", "aac", "-o", "-"],
        "aac",
    );
    fails_with(
        &[
            "generate",
            "-p",
            "hi",
            "--container",
            "mulaw",
            "--encoding",
            "pcm_s16le",
            "-o",
            "-",
        ],
        "mulaw",
    );
    fails_with(
        &["generate", "-p", "hi", "--noise-scale", "5", "-o", "-"],
        "noise_scale",
    );
    fails_with(
        &["generate", "-p", "hi", "--speaker", "7", "-o", "-"],
        "speaker",
    );
    fails_with(
        &[
            "generate",
            "-p",
            "hi",
            "--voice",
            "joe",
            "--language",
            "de",
            "-o",
            "-",
        ],
        "INVALID_LANGUAGE",
    );
}

#[test]
fn empty_text_and_bad_stdin() {
    fails_with(&["generate", "-p", "", "-o", "-"], "EMPTY_TEXT");
    fails_with(&["generate", "-p", "  ... !! ", "-o", "-"], "EMPTY_TEXT");
    let o = run_with_stdin(&["generate", "-o", "-"], b"ok \xff\xfe bad");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("UTF-8"), "{}", stderr(&o));
}

#[test]
fn no_file_is_left_when_generation_fails() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.wav");
    fails_with(
        &["generate", "-p", "", "-o", out.to_str().unwrap()],
        "EMPTY_TEXT",
    );
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temp files either"
    );
}

#[test]
fn missing_onnxruntime_is_explained() {
    // A home with the voice but no runtime library.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("voices")).unwrap();
    let joe = joe_model();
    std::os::unix::fs::symlink(&joe, dir.path().join("voices/joe.onnx")).unwrap();
    std::os::unix::fs::symlink(
        joe.with_extension("onnx.json"),
        dir.path().join("voices/joe.onnx.json"),
    )
    .unwrap();
    let o = hark()
        .env("HARK_HOME", dir.path())
        .env_remove("ORT_DYLIB_PATH")
        .args(["generate", "-p", "hi", "-o", "-"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("onnxruntime") && e.contains("setup.sh"), "{e}");
    assert!(!e.contains("panicked"), "{e}");
    // A file that is not a library.
    let fake = dir.path().join("libonnxruntime.so");
    std::fs::write(&fake, b"not a library").unwrap();
    let o = hark()
        .env("HARK_HOME", dir.path())
        .env("ORT_DYLIB_PATH", &fake)
        .args(["generate", "-p", "hi", "-o", "-"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("cannot load"), "{}", stderr(&o));
}

#[test]
fn corrupt_or_truncated_voices_are_refused_on_import() {
    let dir = tempfile::tempdir().unwrap();
    let joe = joe_model();
    let json = std::fs::read(joe.with_extension("onnx.json")).unwrap();
    let model = std::fs::read(&joe).unwrap();
    let home = dir.path().join("home");
    let imp = |onnx: &std::path::Path| {
        hark()
            .env("HARK_HOME", &home)
            .env(
                "ORT_DYLIB_PATH",
                common::home().join("lib/libonnxruntime.so"),
            )
            .args(["voices", "import", onnx.to_str().unwrap()])
            .output()
            .unwrap()
    };
    let check = |o: std::process::Output, needle: &str| {
        let e = stderr(&o);
        assert!(!o.status.success(), "import should fail ({needle})");
        assert!(
            e.contains(needle) && !e.contains("panicked"),
            "expected '{needle}' in {e}"
        );
    };

    // Truncated model (half the bytes).
    let t = dir.path().join("trunc.onnx");
    std::fs::write(&t, &model[..model.len() / 2]).unwrap();
    std::fs::write(dir.path().join("trunc.onnx.json"), &json).unwrap();
    check(imp(&t), "corrupt or truncated");

    // Missing json.
    let m = dir.path().join("nojson.onnx");
    std::fs::write(&m, &model[..2 << 20]).unwrap();
    check(imp(&m), "config is missing");

    // Truncated json.
    let tj = dir.path().join("tj.onnx");
    std::os::unix::fs::symlink(&joe, &tj).unwrap();
    std::fs::write(dir.path().join("tj.onnx.json"), &json[..json.len() / 3]).unwrap();
    check(imp(&tj), "not a valid Piper voice config");

    // Tiny file.
    let tiny = dir.path().join("tiny.onnx");
    std::fs::write(&tiny, b"x").unwrap();
    std::fs::write(dir.path().join("tiny.onnx.json"), &json).unwrap();
    check(imp(&tiny), "truncated");

    assert!(
        !home.join("voices").exists()
            || std::fs::read_dir(home.join("voices")).unwrap().count() == 0
    );
}

#[test]
fn import_adds_a_voice_with_a_stable_id() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let joe = joe_model();
    // Same files under another name: same id.
    std::os::unix::fs::symlink(&joe, src.join("my-voice.onnx")).unwrap();
    std::os::unix::fs::symlink(
        joe.with_extension("onnx.json"),
        src.join("my-voice.onnx.json"),
    )
    .unwrap();
    let home = dir.path().join("home");
    let o = hark()
        .env("HARK_HOME", &home)
        .env(
            "ORT_DYLIB_PATH",
            common::home().join("lib/libonnxruntime.so"),
        )
        .args([
            "voices",
            "import",
            src.join("my-voice.onnx").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&ok(o)).to_string();
    let id = out.split_whitespace().next().unwrap().to_string();
    assert!(home.join("voices/my-voice.onnx").is_file());
    let info = String::from_utf8_lossy(&ok(run(&["voices", "info", "joe", "--json"]))).to_string();
    assert!(
        info.contains(&id),
        "imported id {id} differs from the installed Joe's: {info}"
    );
    // Listed from the new home.
    let o = hark()
        .env("HARK_HOME", &home)
        .args(["voices", "list", "--json", "-m", "hark-piper-v1"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&ok(o)).contains(&id));
}
