//! `hark models ...`

use clap::Subcommand;
use hark_engine::models::describe;
use hark_engine::{Engine, EngineError, EngineKind};

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// One line per model.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Parameters (type, range, default) and voices of one model.
    Info {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(engine: &Engine, cmd: ModelsCommand) -> anyhow::Result<()> {
    let cat = engine.catalog();
    match cmd {
        ModelsCommand::List { json } => {
            let models: Vec<_> = EngineKind::ALL.iter().map(|&k| describe(k, cat)).collect();
            if json {
                let slim: Vec<_> = models
                    .iter()
                    .map(|m| serde_json::json!({"id": m.id, "name": m.name, "description": m.description, "voice_count": m.voice_count, "languages": m.languages.len(), "default_voice": m.default_voice}))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&slim)?);
            } else {
                for m in models {
                    println!(
                        "{:<16} {:>4} voices  {:>3} languages  {}",
                        m.id,
                        m.voice_count,
                        m.languages.len(),
                        m.description
                    );
                }
            }
        }
        ModelsCommand::Info { id, json } => {
            let kind = EngineKind::from_model_id(&id).ok_or(EngineError::ModelNotFound(id))?;
            let m = describe(kind, cat);
            if json {
                println!("{}", serde_json::to_string_pretty(&m)?);
            } else {
                println!("{} ({})\n{}\n", m.id, m.name, m.description);
                println!("parameters:");
                for p in &m.parameters {
                    let range = match (p.min, p.max, &p.values) {
                        (Some(a), Some(b), _) => format!("{a}-{b}"),
                        (_, _, Some(v)) => v.join("|"),
                        _ => String::new(),
                    };
                    println!(
                        "  {:<15} {:<15} {:<22} default {}",
                        p.name, p.kind, range, p.default
                    );
                }
                println!("\n{} voices in {} languages (`hark voices list` shows them; --json here lists them all)", m.voice_count, m.languages.len());
            }
        }
    }
    Ok(())
}
