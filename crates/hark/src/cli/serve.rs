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
    /// Where the database (hark.db), async job audio and voice previews
    /// live (default: the home).
    #[arg(long, env = "HARK_DATA_DIR")]
    data_dir: Option<std::path::PathBuf>,
    /// Serve without API keys: everyone is admin. Refused unless --addr is
    /// a loopback address.
    #[arg(long)]
    no_auth: bool,
    /// Seconds a realtime connection (WebSocket) may go without a message
    /// either way before it is closed.
    #[arg(long, default_value_t = 300)]
    ws_idle_timeout: u64,
    /// Where clients reach this server from outside (e.g.
    /// https://voice.example.com), for the URLs it hands out (the Twilio
    /// stream in TwiML); default: each request's Host.
    #[arg(long, env = "HARK_PUBLIC_URL")]
    public_url: Option<String>,
    /// JSON price file for usage costs (default: prices.json in the data
    /// directory, if any, else the built-in table).
    #[arg(long, env = "HARK_PRICES")]
    prices: Option<std::path::PathBuf>,
}

pub fn run(config: EngineConfig, args: ServeArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        !args.no_auth || args.addr.ip().is_loopback(),
        "--no-auth is allowed only on a loopback address (127.0.0.1 or ::1): \
         on {} anyone who can reach it could use it",
        args.addr
    );
    let narrow = config.narrow_sessions;
    let data_dir = args.data_dir.clone().unwrap_or_else(|| config.home.clone());
    let prices = super::usage::load_prices(args.prices.as_deref(), &data_dir)?;
    let db = data_dir.join("hark.db");
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
        data_dir: data_dir.clone(),
        auth: !args.no_auth,
        prices,
        realtime_idle: std::time::Duration::from_secs(args.ws_idle_timeout.max(1)),
        public_url: args.public_url.clone(),
        ..ServerConfig::default()
    };
    if let Some(n) = args.max_in_flight {
        anyhow::ensure!(n >= 1, "--max-in-flight must be at least 1");
        sc.max_in_flight = n;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    if args.no_auth {
        eprintln!("hark: --no-auth: API keys are not checked (loopback only)");
    } else {
        let made = rt
            .block_on(hark_server::app::auth::bootstrap_admin_key(
                &*store, &data_dir,
            ))
            .map_err(|e| anyhow::anyhow!("cannot make the first admin key: {e}"))?;
        if let Some(path) = made {
            // The path only: the secret never goes into the log stream.
            eprintln!(
                "hark: no API keys yet: made an admin key and saved it to {} (readable only by you)",
                path.display()
            );
            eprintln!(
                "hark:   send it as 'x-api-key: <key>' or 'Authorization: Bearer <key>'; \
                 `hark keys create --name NAME` makes more"
            );
        }
    }
    rt.block_on(hark_server::serve(engine, store, sc, args.addr))?;
    Ok(())
}
