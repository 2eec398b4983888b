//! `hark serve`: the HTTP API.

use std::net::SocketAddr;
use std::sync::Arc;

use clap::Args;
use hark_engine::{Engine, EngineConfig};
use hark_server::ServerConfig;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "HARK_ADDR")]
    addr: SocketAddr,
    /// Syntheses running at once (default: 8 per core); more wait in the queue.
    #[arg(long)]
    max_in_flight: Option<usize>,
    /// Requests allowed to wait for a slot before 503 OVERLOADED.
    #[arg(long, default_value_t = 64)]
    max_queue: usize,
    /// Longest text accepted, in characters.
    #[arg(long, default_value_t = 20_000)]
    max_chars: usize,
    /// Longest a request may take, in seconds (admission to last byte).
    #[arg(long, default_value_t = 600)]
    request_timeout: u64,
    /// Skip loading the default voice's sessions at start.
    #[arg(long)]
    no_warm: bool,
}

pub fn run(config: EngineConfig, args: ServeArgs) -> anyhow::Result<()> {
    let narrow = config.narrow_sessions;
    let db = config.home.join("hark.db");
    let store: Arc<dyn hark_store::Store> = Arc::new(
        hark_store::sqlite::SqliteStore::open(&db)
            .map_err(|e| anyhow::anyhow!("cannot open the store {}: {e}", db.display()))?,
    );
    let engine = Arc::new(Engine::new(config)?);
    if !args.no_warm {
        if let Some(default) = engine.catalog().default_voice(None, None) {
            let name = default.info.id.to_string();
            engine.warm(&name, narrow)?;
            eprintln!(
                "hark: default voice {} ({}) ready",
                default.info.name, default.info.id
            );
        } else {
            eprintln!(
                "hark: no neural voice installed (run scripts/setup.sh); espeak-ng voices only"
            );
        }
    }
    eprintln!("hark: {} voices", engine.catalog().len());
    let mut sc = ServerConfig {
        max_queue: args.max_queue,
        max_chars: args.max_chars,
        request_deadline: std::time::Duration::from_secs(args.request_timeout.max(1)),
        ..ServerConfig::default()
    };
    if let Some(n) = args.max_in_flight {
        anyhow::ensure!(n >= 1, "--max-in-flight must be at least 1");
        sc.max_in_flight = n;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(hark_server::serve(engine, store, sc, args.addr))?;
    Ok(())
}
