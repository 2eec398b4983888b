//! `hark usage`: usage per key, model and day with cost, read straight
//! from the database.

use std::path::{Path, PathBuf};

use clap::Args;
use hark_store::usage::{self, UsageQuery};
use hark_store::{KeyStore, PriceTable, UsageStore};

use super::keys::{block_on, open_existing_store, DataDirArg};

#[derive(Debug, Args)]
pub struct UsageArgs {
    /// First day, YYYY-MM-DD (default: the first of this month, UTC).
    #[arg(long)]
    from: Option<String>,
    /// Last day, included (default: today).
    #[arg(long)]
    to: Option<String>,
    /// Only this key (id, or name).
    #[arg(long)]
    key: Option<String>,
    /// JSON price file (default: prices.json in the data directory, if any).
    #[arg(long, env = "HARK_PRICES")]
    prices: Option<PathBuf>,
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    dir: DataDirArg,
}

/// The price table: `--prices FILE`, else `<data dir>/prices.json`, else
/// the defaults.
pub fn load_prices(explicit: Option<&Path>, data_dir: &Path) -> anyhow::Result<PriceTable> {
    let default_file = data_dir.join("prices.json");
    match explicit {
        Some(p) => Ok(PriceTable::load(p)?),
        None if default_file.is_file() => Ok(PriceTable::load(&default_file)?),
        None => Ok(PriceTable::default()),
    }
}

/// A day as `YYYY-MM-DD`, or an error naming the flag.
fn checked_day(flag: &str, d: String) -> anyhow::Result<String> {
    usage::parse_day(&d)
        .map(|_| d.clone())
        .map_err(|_| anyhow::anyhow!("{flag} '{d}' is not a date: expected YYYY-MM-DD"))
}

pub fn run(home: &Path, args: UsageArgs) -> anyhow::Result<()> {
    let dir = args.dir.resolve(home);
    let prices = load_prices(args.prices.as_deref(), &dir)?;
    let store = open_existing_store(&dir)?;
    let today = usage::today();
    let from = match args.from {
        Some(d) => checked_day("--from", d)?,
        None => usage::month_start(&today)?,
    };
    let to = match args.to {
        Some(d) => checked_day("--to", d)?,
        None => today,
    };
    anyhow::ensure!(from <= to, "--from {from} is after --to {to}");
    let keys = block_on(store.list_keys())??;
    let key_id = match &args.key {
        Some(k) => Some(
            keys.iter()
                .find(|r| r.id.to_string() == *k || r.name == *k)
                .map(|r| r.id)
                .ok_or_else(|| anyhow::anyhow!("no key '{k}' (see `hark keys list`)"))?,
        ),
        None => None,
    };
    let rows = block_on(store.usage(UsageQuery {
        key_id,
        from: Some(from.clone()),
        to: Some(to.clone()),
    }))??;
    let name = |id: Option<uuid::Uuid>| {
        id.and_then(|id| keys.iter().find(|k| k.id == id))
            .map_or("(no auth)".to_string(), |k| k.name.clone())
    };
    let cost: Vec<f64> = rows
        .iter()
        .map(|r| prices.cost(&r.model, r.characters))
        .collect();
    if args.json {
        let v: Vec<_> = rows
            .iter()
            .zip(&cost)
            .map(|(r, c)| {
                serde_json::json!({
                    "key_id": r.key_id, "key_name": name(r.key_id), "model": r.model,
                    "day": r.day, "requests": r.requests, "characters": r.characters,
                    "audio_seconds": r.audio_seconds, "cost": c,
                })
            })
            .collect();
        let out = serde_json::json!({
            "from": from, "to": to, "currency": prices.currency, "usage": v,
            "total": {
                "requests": rows.iter().map(|r| r.requests).sum::<u64>(),
                "characters": rows.iter().map(|r| r.characters).sum::<u64>(),
                "audio_seconds": rows.iter().fold(0.0, |a, r| a + r.audio_seconds),
                "cost": cost.iter().fold(0.0, |a, c| a + c),
            },
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    println!("usage {from} .. {to} ({})", prices.currency);
    println!(
        "{:<10}  {:<16}  {:<16}  {:>8}  {:>10}  {:>9}  {:>10}",
        "day", "key", "model", "requests", "characters", "audio s", "cost"
    );
    for (r, c) in rows.iter().zip(&cost) {
        println!(
            "{:<10}  {:<16}  {:<16}  {:>8}  {:>10}  {:>9.1}  {:>10.4}",
            r.day,
            name(r.key_id),
            r.model,
            r.requests,
            r.characters,
            r.audio_seconds,
            c
        );
    }
    println!(
        "{:<10}  {:<16}  {:<16}  {:>8}  {:>10}  {:>9.1}  {:>10.4}",
        "total",
        "",
        "",
        rows.iter().map(|r| r.requests).sum::<u64>(),
        rows.iter().map(|r| r.characters).sum::<u64>(),
        rows.iter().fold(0.0, |a, r| a + r.audio_seconds),
        cost.iter().fold(0.0, |a, c| a + c)
    );
    Ok(())
}
