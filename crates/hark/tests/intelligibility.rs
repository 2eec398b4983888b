//! Is the speech intelligible? Whisper (../shared/asr-eval) transcribes
//! what Hark says and the word error rate must stay at most 5%.

mod common;
use common::*;

#[test]
fn plain_sentences_are_understood() {
    let wer = std::env::var("HARK_ASR_WER")
        .expect("HARK_ASR_WER unset: run the suite with scripts/test.sh");
    let dir = tempfile::tempdir().unwrap();
    let sentences = [
        "The quick brown fox jumps over the lazy dog.",
        "She opened the window and looked at the garden below.",
        "Please remember to bring your umbrella tomorrow morning.",
        "Our team will meet in the library after lunch.",
        "The river flows quietly through the old town, past the market and the church.",
    ];
    let mut tsv = String::new();
    for (i, s) in sentences.iter().enumerate() {
        let out = dir.path().join(format!("s{i}.wav"));
        ok(run(&[
            "generate",
            "-p",
            s,
            "--sample-rate",
            "16000",
            "-o",
            out.to_str().unwrap(),
        ]));
        tsv.push_str(&format!("{}\t{}\n", out.display(), s));
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
