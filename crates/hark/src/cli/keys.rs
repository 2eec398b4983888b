//! `hark keys`: make, list and revoke API keys, straight on the database
//! (works with the server running; revocation takes effect at once).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use hark_store::{KeyLimits, KeyRecord, KeyStore, NewKey};

#[derive(Debug, Args)]
pub struct DataDirArg {
    /// Where the database (hark.db) lives (default: the home).
    #[arg(long, env = "HARK_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
}

impl DataDirArg {
    pub fn resolve(&self, home: &std::path::Path) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(|| home.to_path_buf())
    }
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Make a key and print it (the only time it is shown).
    Create {
        /// A name to tell the key apart.
        #[arg(long)]
        name: String,
        /// May manage keys and see everyone's usage.
        #[arg(long)]
        admin: bool,
        /// Requests in flight at once (default: no limit).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        max_concurrency: Option<u32>,
        /// Requests per minute (default: no limit).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        rpm: Option<u32>,
        /// Characters per calendar month, UTC (default: no limit).
        #[arg(long)]
        monthly_chars: Option<u64>,
        /// Print the key and its record as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        dir: DataDirArg,
    },
    /// List keys (never their secrets).
    List {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        dir: DataDirArg,
    },
    /// Revoke a key, by id, prefix or name.
    Revoke {
        key: String,
        #[command(flatten)]
        dir: DataDirArg,
    },
}

pub fn open_store(dir: &std::path::Path) -> anyhow::Result<hark_store::sqlite::SqliteStore> {
    let db = dir.join("hark.db");
    eprintln_if_new(&db);
    hark_store::sqlite::SqliteStore::open(&db)
        .map_err(|e| anyhow::anyhow!("cannot open the store {}: {e}", db.display()))
}

/// The store at `dir`, which must exist: reading or revoking on a
/// mistyped `--data-dir` would otherwise make an empty database there and
/// report nothing wrong.
pub fn open_existing_store(
    dir: &std::path::Path,
) -> anyhow::Result<hark_store::sqlite::SqliteStore> {
    let db = dir.join("hark.db");
    anyhow::ensure!(
        db.is_file(),
        "no database at {} (the server makes it on its first start: `hark serve --data-dir {}`)",
        db.display(),
        dir.display()
    );
    open_store(dir)
}

/// Says where a new database is being made, so that a key made on a
/// mistyped `--data-dir` does not go unnoticed.
fn eprintln_if_new(db: &std::path::Path) {
    if !db.exists() {
        eprintln!("hark: no database yet: making {}", db.display());
    }
}

/// A small runtime for the store's async interface.
pub fn block_on<F: std::future::Future>(f: F) -> anyhow::Result<F::Output> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(f))
}

pub fn run(home: &std::path::Path, command: KeysCommand) -> anyhow::Result<()> {
    match command {
        KeysCommand::Create {
            name,
            admin,
            max_concurrency,
            rpm,
            monthly_chars,
            json,
            dir,
        } => {
            let name = hark_server::app::auth::check_key_name(&name)
                .map_err(|m| anyhow::anyhow!("--name: {m}"))?;
            let store = open_store(&dir.resolve(home))?;
            let made = block_on(store.create_key(NewKey {
                name,
                admin,
                limits: KeyLimits {
                    max_concurrency,
                    rpm,
                    monthly_chars,
                },
            }))??;
            if json {
                let mut v = hark_server::app::auth::key_json(&made.record);
                v["key"] = serde_json::Value::String(made.secret);
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                println!("{}", made.secret);
                eprintln!(
                    "hark: made {} '{}' (id {}); this is the only time it is shown",
                    if admin { "admin key" } else { "key" },
                    made.record.name,
                    made.record.id
                );
            }
        }
        KeysCommand::List { json, dir } => {
            let store = open_existing_store(&dir.resolve(home))?;
            let keys = block_on(store.list_keys())??;
            if json {
                let v: Vec<_> = keys.iter().map(hark_server::app::auth::key_json).collect();
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                println!(
                    "{:<36}  {:<14}  {:<16}  {:<5}  {:>6}  {:>6}  {:>12}  status",
                    "id", "prefix", "name", "admin", "conc", "rpm", "month chars"
                );
                for k in &keys {
                    let opt = |o: Option<u64>| o.map_or("-".to_string(), |n| n.to_string());
                    println!(
                        "{:<36}  {:<14}  {:<16}  {:<5}  {:>6}  {:>6}  {:>12}  {}",
                        k.id,
                        format!("{}…", k.prefix),
                        k.name,
                        if k.admin { "yes" } else { "no" },
                        opt(k.limits.max_concurrency.map(u64::from)),
                        opt(k.limits.rpm.map(u64::from)),
                        opt(k.limits.monthly_chars),
                        if k.revoked_at.is_some() {
                            "revoked"
                        } else {
                            "active"
                        }
                    );
                }
            }
        }
        KeysCommand::Revoke { key, dir } => {
            let store = open_existing_store(&dir.resolve(home))?;
            let keys = block_on(store.list_keys())??;
            let k = pick(&keys, &key)?;
            if k.revoked_at.is_some() {
                eprintln!("hark: key '{}' ({}) was already revoked", k.name, k.id);
                return Ok(());
            }
            let done = block_on(store.revoke_key(k.id))??;
            eprintln!("hark: revoked key '{}' ({})", done.name, done.id);
        }
    }
    Ok(())
}

/// The one key `which` names: an id, a prefix, or a name.
fn pick<'a>(keys: &'a [KeyRecord], which: &str) -> anyhow::Result<&'a KeyRecord> {
    let which = which.trim_end_matches('…');
    let by_id: Vec<_> = keys.iter().filter(|k| k.id.to_string() == which).collect();
    let found: Vec<_> = if !by_id.is_empty() {
        by_id
    } else {
        keys.iter()
            .filter(|k| k.name == which || (which.len() >= 6 && k.prefix.starts_with(which)))
            .collect()
    };
    // A name may be reused once its key is revoked: the live key is meant.
    let found = if found.len() > 1 && found.iter().any(|k| k.revoked_at.is_none()) {
        found
            .into_iter()
            .filter(|k| k.revoked_at.is_none())
            .collect()
    } else {
        found
    };
    match found.as_slice() {
        [k] => Ok(k),
        [] => anyhow::bail!("no key '{which}' (see `hark keys list`)"),
        _ => anyhow::bail!("'{which}' names {} keys; use the id", found.len()),
    }
}
