//! Helpers for the end-to-end tests: they run the real `hark` binary with
//! the real voice that scripts/setup.sh installed.
#![allow(dead_code)]

pub mod server;
pub mod ws;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn home() -> PathBuf {
    std::env::var_os("HARK_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.hark"))
}

pub fn joe_model() -> PathBuf {
    let p = home().join("voices/en_US-joe-medium.onnx");
    assert!(
        p.is_file(),
        "{} is missing: run scripts/setup.sh first",
        p.display()
    );
    p
}

pub fn hark() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hark"));
    c.env("HARK_HOME", home());
    c
}

/// Runs hark with args; returns the output whatever the exit code.
pub fn run(args: &[&str]) -> Output {
    hark().args(args).output().expect("hark runs")
}

pub fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = hark()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hark runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts success and returns stdout.
pub fn ok(o: Output) -> Vec<u8> {
    assert!(o.status.success(), "hark failed: {}", stderr(&o));
    o.stdout
}

pub fn wav_info(path: &Path) -> (hound::WavSpec, u32) {
    let r = hound::WavReader::open(path).expect("readable wav");
    (r.spec(), r.duration())
}

pub fn wav_seconds(path: &Path) -> f64 {
    let (spec, frames) = wav_info(path);
    frames as f64 / spec.sample_rate as f64
}
