//! Finding and starting onnxruntime. Hark loads the library at run time
//! (from the PyPI wheel the set-up script unpacks), so a missing or wrong
//! library is an ordinary error with a clear message, not a crash at start.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::EngineError;

static ENV: OnceLock<Result<(ort::environment::Environment, PathBuf, usize), String>> =
    OnceLock::new();

/// Candidate library paths, most explicit first.
fn candidates(explicit: Option<&Path>, home: &Path) -> Vec<PathBuf> {
    let mut c = Vec::new();
    if let Some(p) = explicit {
        c.push(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os("ORT_DYLIB_PATH") {
        c.push(PathBuf::from(p));
    }
    c.push(home.join("lib").join("libonnxruntime.so"));
    if let Ok(entries) = std::fs::read_dir(home.join("lib")) {
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("libonnxruntime.so."))
            })
            .collect();
        found.sort();
        c.extend(found.into_iter().rev());
    }
    c
}

/// Loads onnxruntime once per process and returns its environment. Later
/// calls return the first result, whatever their arguments.
pub fn environment(
    explicit: Option<&Path>,
    home: &Path,
    shared_threads: usize,
) -> Result<ort::environment::Environment, EngineError> {
    let result = ENV.get_or_init(|| {
        let tried = candidates(explicit, home);
        let path = tried.iter().find(|p| p.is_file()).cloned().ok_or_else(|| {
            format!(
                "no libonnxruntime found (looked at {}); run scripts/setup.sh or set ORT_DYLIB_PATH",
                tried
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
        let builder = ort::init_from(&path)
            .map_err(|e| format!("cannot load {}: {e}", path.display()))?
            .with_name("hark");
        // One pool for every session that does not bring its own (the wide
        // sessions: a split voice's front and decoder take turns on it, so
        // spinning threads of one never steal the cores from the other).
        let builder = if shared_threads > 0 {
            let opts = ort::environment::GlobalThreadPoolOptions::default()
                .with_intra_threads(shared_threads)
                .and_then(|o| o.with_inter_threads(1))
                .and_then(|o| o.with_spin_control(true))
                .map_err(|e| format!("thread pool options: {e}"))?;
            builder.with_global_thread_pool(opts)
        } else {
            builder
        };
        let env = builder
            .build()
            .map_err(|e| format!("cannot start onnxruntime from {}: {e}", path.display()))?;
        Ok((env, path, shared_threads))
    });
    match result {
        Ok((env, _, _)) => Ok(env.clone()),
        Err(e) => Err(EngineError::Runtime(e.clone())),
    }
}

/// The library that was loaded, once [`environment`] succeeded.
pub fn loaded_library() -> Option<PathBuf> {
    ENV.get()
        .and_then(|r| r.as_ref().ok())
        .map(|(_, p, _)| p.clone())
}

/// Threads of the shared pool the environment was made with (0: none).
pub fn shared_threads() -> usize {
    ENV.get()
        .and_then(|r| r.as_ref().ok())
        .map(|(_, _, n)| *n)
        .unwrap_or(0)
}

/// A session for an in-memory model with `threads` intra-op threads of its
/// own (0: the environment's shared pool). `spin`: idle threads busy-wait
/// for the next operator, faster alone but a thief beside other sessions.
#[allow(clippy::result_large_err)]
pub fn session(
    env: &ort::environment::Environment,
    model: &[u8],
    threads: usize,
    spin: bool,
) -> Result<ort::session::Session, ort::Error> {
    let mut builder = ort::session::Session::builder(env)?
        .with_optimization_level(ort::session::builder::GraphOptimizationLevel::All)?;
    if threads > 0 {
        builder = builder
            .with_independent_thread_pool()?
            .with_intra_threads(threads)?
            .with_inter_threads(1)?
            .with_intra_op_spinning(spin && threads > 1)?;
    }
    builder.commit_from_memory(model)
}
