//! A real `hark serve` on a free loopback port, killed when dropped.
//!
//! Each server gets its own data directory (database, admin key, job
//! audio) so tests never share state; voices come from the shared home.
//! [`Server::start`] serves without keys (`--no-auth`), for tests about
//! speech; [`Server::start_with_auth`] checks keys like a real deployment.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};

pub struct Server {
    child: Child,
    pub base: String,
    pub pid: u32,
    /// Where its database lives.
    pub data_dir: PathBuf,
    /// Everything the server wrote to stderr so far.
    log: Arc<Mutex<String>>,
    _own_dir: Option<tempfile::TempDir>,
}

impl Server {
    /// No keys needed (`--no-auth`), a fresh data directory.
    pub fn start(extra: &[&str]) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = Server::start_in(dir.path(), false, extra);
        s._own_dir = Some(dir);
        s
    }

    /// Keys required, a fresh data directory (so the first start makes
    /// the admin key: [`Server::admin_key`]).
    pub fn start_with_auth(extra: &[&str]) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = Server::start_in(dir.path(), true, extra);
        s._own_dir = Some(dir);
        s
    }

    /// A server on `data_dir`, which the caller keeps (to restart on it).
    pub fn start_in(data_dir: &Path, auth: bool, extra: &[&str]) -> Server {
        let mut cmd = super::hark();
        cmd.args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .args(extra);
        if !auth {
            cmd.arg("--no-auth");
        }
        let mut child = cmd
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
        let log = Arc::new(Mutex::new(seen));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let mut l = sink.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        let pid = child.id();
        Server {
            child,
            base,
            pid,
            data_dir: data_dir.to_path_buf(),
            log,
            _own_dir: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The admin key the first start saved.
    pub fn admin_key(&self) -> String {
        std::fs::read_to_string(self.data_dir.join("admin.key"))
            .expect("the first start saved an admin key")
            .trim()
            .to_string()
    }

    /// Makes a key with `hark keys create --name NAME ARGS` on this
    /// server's database and returns it.
    pub fn create_key(&self, name: &str, args: &[&str]) -> String {
        let out = super::hark()
            .args(["keys", "create", "--name", name, "--data-dir"])
            .arg(&self.data_dir)
            .args(args)
            .output()
            .expect("hark keys runs");
        assert!(out.status.success(), "{}", super::stderr(&out));
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    /// What the server wrote to stderr so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Stops it at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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
        self.kill();
    }
}
