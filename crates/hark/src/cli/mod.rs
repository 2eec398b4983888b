//! Argument parsing and dispatch.

mod generate;
mod home;
mod keys;
mod models;
mod serve;
mod usage;
mod voices;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use hark_engine::{Engine, EngineConfig, EngineError};

#[derive(Debug, Parser)]
#[command(
    name = "hark",
    version,
    about = "Self-hosted speech synthesis",
    propagate_version = true
)]
pub struct Cli {
    /// Hark's data directory (runtime, voices, cache). Default: $HARK_HOME,
    /// else the .hark folder of the checkout the binary was built in, else ~/.local/share/hark.
    #[arg(long, global = true, env = "HARK_HOME")]
    pub home: Option<PathBuf>,
    /// More log output on stderr (or set HARK_LOG=debug).
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// One-thread sessions per neural voice, for parallel requests. Default: one per core.
    #[arg(long, global = true, env = "HARK_SESSIONS")]
    pub sessions: Option<usize>,
    /// Threads of the session a lone request runs on (0: none). Default: all cores.
    #[arg(long, global = true, env = "HARK_THREADS")]
    pub threads: Option<usize>,
    /// Synthesize whole sentences only: do not split voices at the decoder
    /// (first audio then waits for the whole first chunk).
    #[arg(long, global = true, env = "HARK_NO_SPLIT")]
    pub no_split: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Speak text into an audio file or stdout.
    Generate(generate::GenerateArgs),
    /// List and describe models (engine families).
    Models {
        #[command(subcommand)]
        command: models::ModelsCommand,
    },
    /// Serve the HTTP API (all three dialects).
    Serve(serve::ServeArgs),
    /// Make, list and revoke API keys.
    Keys {
        #[command(subcommand)]
        command: keys::KeysCommand,
    },
    /// Usage per key, model and day, with cost.
    Usage(usage::UsageArgs),
    /// List, describe and import voices.
    Voices {
        #[command(subcommand)]
        command: voices::VoicesCommand,
    },
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    let home = home::resolve(cli.home.clone());
    let mut config = EngineConfig::new(home);
    if let Some(s) = cli.sessions {
        config.narrow_sessions = s;
    }
    if let Some(t) = cli.threads {
        config.wide_threads = t;
    }
    config.split_voices = !cli.no_split;
    anyhow::ensure!(
        config.narrow_sessions + config.wide_threads > 0,
        "--threads 0 needs --sessions of at least 1"
    );
    match cli.command {
        Command::Generate(args) => generate::run(config, args),
        Command::Models { command } => models::run(&engine(config)?, command),
        Command::Voices { command } => voices::run(config, command),
        Command::Serve(args) => serve::run(config, args),
        Command::Keys { command } => keys::run(&config.home, command),
        Command::Usage(args) => usage::run(&config.home, args),
    }
}

fn engine(config: EngineConfig) -> anyhow::Result<Engine> {
    Ok(Engine::new(config)?)
}

/// One line for the terminal: the contract's code where there is one, then the message.
pub fn describe_error(e: &anyhow::Error) -> String {
    if let Some(ee) = e.downcast_ref::<EngineError>() {
        return format!("error [{}]: {ee}", ee.code().as_str());
    }
    if let Some(ae) = e.downcast_ref::<hark_audio::AudioError>() {
        return format!("error [INVALID_REQUEST]: {ae}");
    }
    let mut s = format!("error: {e}");
    for cause in e.chain().skip(1) {
        s.push_str(&format!(": {cause}"));
    }
    s
}
