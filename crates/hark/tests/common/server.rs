//! A real `hark serve` on a free loopback port, killed when dropped.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

pub struct Server {
    child: Child,
    pub base: String,
    pub pid: u32,
}

impl Server {
    pub fn start(extra: &[&str]) -> Server {
        let mut child = super::hark()
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("hark serve starts");
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let mut base = None;
        let mut seen = String::new();
        for line in lines.by_ref() {
            let line = line.unwrap();
            seen.push_str(&line);
            seen.push('\n');
            if let Some(rest) = line.split("listening on ").nth(1) {
                base = Some(rest.trim().to_string());
                break;
            }
        }
        let base = base.unwrap_or_else(|| panic!("server did not start:\n{seen}"));
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let pid = child.id();
        Server { child, base, pid }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// CPU seconds the server process has used (utime + stime).
    pub fn cpu_seconds(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid)).unwrap();
        let after = stat.rsplit(')').next().unwrap();
        let f: Vec<&str> = after.split_whitespace().collect();
        let ticks: f64 = f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap();
        ticks / 100.0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
