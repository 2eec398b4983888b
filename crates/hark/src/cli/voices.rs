//! `hark voices ...`

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use hark_engine::piper::{config_path_for, PiperSession, PiperVoiceFiles};
use hark_engine::{Engine, EngineConfig, EngineKind, VoiceInfo};

#[derive(Debug, Subcommand)]
pub enum VoicesCommand {
    /// All voices, one per line.
    List {
        #[arg(long)]
        json: bool,
        /// Only voices of this model (hark-piper-v1, hark-kokoro-v1, hark-espeak-v1).
        #[arg(short = 'm', long)]
        model: Option<String>,
        /// Only voices speaking this language (e.g. en, es, pt-BR).
        #[arg(long)]
        language: Option<String>,
    },
    /// Everything about one voice.
    Info {
        /// Voice id, name or slug.
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Checks a Piper voice (model.onnx with model.onnx.json beside it) and adds it to the library.
    Import { model: PathBuf },
    /// Saves a blend of Kokoro voices ("af_bella:2+af_sky:1", names or ids)
    /// as a custom voice with its own id and name.
    SaveBlend {
        /// Name of the new voice.
        #[arg(long)]
        name: String,
        /// The blend: voice:weight+voice:weight (weight optional, default 1).
        blend: String,
    },
}

pub fn run(config: EngineConfig, cmd: VoicesCommand) -> anyhow::Result<()> {
    match cmd {
        VoicesCommand::List {
            json,
            model,
            language,
        } => {
            let engine = Engine::new(config)?;
            let kind = match model {
                Some(m) => Some(
                    EngineKind::from_model_id(&m)
                        .ok_or(hark_engine::EngineError::ModelNotFound(m))?,
                ),
                None => None,
            };
            let voices: Vec<&VoiceInfo> = engine
                .catalog()
                .voices()
                .filter(|v| kind.is_none_or(|k| v.engine == k))
                .filter(|v| language.as_deref().is_none_or(|l| v.speaks(l)))
                .collect();
            if json {
                println!("{}", serde_json::to_string_pretty(&voices)?);
            } else {
                for v in &voices {
                    println!(
                        "{}  {:<14} {:<32} {:<10} {:<7} {}",
                        v.id,
                        v.model_id,
                        truncate(&v.name, 32),
                        v.languages.first().map(String::as_str).unwrap_or("-"),
                        v.gender
                            .map(|g| format!("{g:?}").to_lowercase())
                            .unwrap_or_else(|| "-".into()),
                        match &v.unavailable {
                            Some(_) => format!("{} (unavailable)", v.slug),
                            None => v.slug.clone(),
                        }
                    );
                }
                eprintln!("{} voices", voices.len());
            }
        }
        VoicesCommand::Info { id, json } => {
            let engine = Engine::new(config)?;
            let entry = match engine.catalog().resolve(&id, None) {
                Ok(e) => e.clone(),
                Err(e) => match engine.catalog().resolve_blend(&id) {
                    Some(blend) => blend?,
                    None => return Err(e.into()),
                },
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&entry.info)?);
            } else {
                let v = &entry.info;
                println!("id:          {}", v.id);
                println!("name:        {}", v.name);
                println!("slug:        {}", v.slug);
                println!("model:       {}", v.model_id);
                println!("languages:   {}", v.languages.join(", "));
                println!(
                    "gender:      {}",
                    v.gender
                        .map(|g| format!("{g:?}").to_lowercase())
                        .unwrap_or_else(|| "unknown".into())
                );
                println!("sample rate: {} Hz", v.sample_rate);
                println!("description: {}", v.description);
                if !v.speakers.is_empty() {
                    println!("speakers:    {}", v.speakers.join(", "));
                }
                if let Some(why) = &v.unavailable {
                    println!("unavailable: {why}");
                }
                if let hark_engine::VoiceSource::Kokoro(k) = &entry.source {
                    println!("blend:       {}", k.spec());
                }
                if let hark_engine::VoiceSource::Piper(files) = &entry.source {
                    println!("file:        {}", files.onnx.display());
                    let split = std::fs::read(&files.onnx)
                        .map_err(|e| e.to_string())
                        .and_then(|b| {
                            hark_engine::split::find_split(&b).map_err(|e| e.to_string())
                        });
                    match split {
                        Ok(p) => println!(
                            "streaming:   within the sentence (graph split at the decoder input {}; durations from {})",
                            p.z, p.durations
                        ),
                        Err(e) => println!("streaming:   a sentence at a time: the graph cannot be split ({e})"),
                    }
                }
            }
        }
        VoicesCommand::Import { model } => import(config, &model)?,
        VoicesCommand::SaveBlend { name, blend } => {
            let dir = config.home.join("voices").join("custom");
            let engine = Engine::new(config)?;
            let saved =
                hark_engine::kokoro_voices::save_blend(engine.catalog(), &dir, &name, &blend)?;
            println!("{}  {}", saved.id, saved.name);
            eprintln!(
                "saved {} as '{}' in {}",
                saved.blend,
                saved.name,
                dir.display()
            );
        }
    }
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// Checks the json and that onnxruntime loads the graph, then copies both
/// files into the voices directory, where every later start finds them.
fn import(config: EngineConfig, model: &std::path::Path) -> anyhow::Result<()> {
    let files = PiperVoiceFiles::open(model)?;
    let env = hark_engine::runtime::environment(config.ort_library.as_deref(), &config.home, 0)?;
    PiperSession::load(&env, model, 1, false)?;
    let dir = config
        .voice_dirs
        .first()
        .cloned()
        .unwrap_or_else(|| config.home.join("voices"));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = model
        .file_name()
        .context("the model path has no file name")?;
    let dest = dir.join(name);
    let dest_json = {
        let mut p = dest.as_os_str().to_owned();
        p.push(".json");
        PathBuf::from(p)
    };
    if dest.exists() {
        let existing = PiperVoiceFiles::open(&dest).ok();
        if existing.as_ref().is_some_and(|e| e.id == files.id) {
            println!(
                "{}  {} is already in the library",
                files.id,
                files.display_name()
            );
            return Ok(());
        }
        anyhow::bail!(
            "{} already exists and holds a different voice; rename the file to import it",
            dest.display()
        );
    }
    // Copy to temporary names first so a failed copy leaves no half voice behind.
    let tmp_json = dir.join(format!(".{}.json.part", name.to_string_lossy()));
    let tmp_onnx = dir.join(format!(".{}.part", name.to_string_lossy()));
    std::fs::copy(config_path_for(model), &tmp_json).context("cannot copy the voice's json")?;
    std::fs::copy(model, &tmp_onnx).context("cannot copy the voice's model")?;
    std::fs::rename(&tmp_json, &dest_json)?;
    std::fs::rename(&tmp_onnx, &dest)?;
    println!(
        "{}  imported {} ({}, {} Hz, {} speaker(s)) into {}",
        files.id,
        files.display_name(),
        files.languages().join(", "),
        files.config.audio.sample_rate,
        files.config.num_speakers,
        dir.display()
    );
    Ok(())
}
