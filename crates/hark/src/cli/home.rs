//! Where Hark's data lives.

use std::path::PathBuf;

/// `--home`/`HARK_HOME`; else the `.hark` of the checkout this binary was
/// built in (target/<profile>/hark -> <repo>/.hark), or of the working
/// directory; else `~/.local/share/hark`.
pub fn resolve(explicit: Option<PathBuf>) -> PathBuf {
    if let Some(p) = explicit {
        return p;
    }
    if let Ok(exe) = std::env::current_exe() {
        // target/release/hark or target/release/deps/... -> repo root
        for anc in exe.ancestors().skip(1).take(4) {
            let cand = anc.join(".hark");
            if cand.join("lib").is_dir() || cand.join("voices").is_dir() {
                return cand;
            }
        }
    }
    let local = PathBuf::from(".hark");
    if local.is_dir() {
        return local;
    }
    std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".local/share/hark"))
        .unwrap_or(local)
}
