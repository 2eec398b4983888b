//! The voice catalog: every voice Hark can speak with, from every engine,
//! under one stable id and a human name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use uuid::Uuid;

use crate::piper::PiperVoiceFiles;
use crate::voice::{normalize_lang, EngineKind, Gender, VoiceInfo, VOICE_NAMESPACE};
use crate::EngineError;

/// How to speak with a voice.
#[derive(Debug, Clone)]
pub enum VoiceSource {
    Piper(Arc<PiperVoiceFiles>),
    /// espeak-ng voice name as `espeak_SetVoiceByName` takes it ("en-us", "en-us+klatt").
    Espeak(String),
    /// A Kokoro style pack, or a weighted blend of several.
    Kokoro(Arc<crate::kokoro_voices::KokoroVoice>),
}

#[derive(Debug, Clone)]
pub struct CatalogEntry {
    pub info: VoiceInfo,
    pub source: VoiceSource,
}

/// Problems met while scanning, reported instead of failing the start.
#[derive(Debug, Clone)]
pub struct ScanProblem {
    pub path: PathBuf,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct VoiceCatalog {
    entries: Vec<CatalogEntry>,
    by_id: HashMap<Uuid, usize>,
    pub problems: Vec<ScanProblem>,
}

impl VoiceCatalog {
    /// Scans `dirs` for Piper voices (`*.onnx` with their json) and adds
    /// espeak-ng's languages and variants. Unreadable voices are skipped and
    /// listed in [`VoiceCatalog::problems`].
    pub fn scan(dirs: &[PathBuf], with_espeak: bool) -> Result<Self, EngineError> {
        Self::scan_with_kokoro(dirs, None, with_espeak)
    }

    /// Like [`VoiceCatalog::scan`], with Kokoro's voices from `kokoro`
    /// (the set-up's `HOME/kokoro`) after the Piper ones, when installed.
    pub fn scan_with_kokoro(
        dirs: &[PathBuf],
        kokoro: Option<&Path>,
        with_espeak: bool,
    ) -> Result<Self, EngineError> {
        let mut cat = VoiceCatalog::default();
        for dir in dirs {
            cat.scan_piper_dir(dir);
        }
        if let Some(dir) = kokoro {
            cat.add_kokoro(dir);
        }
        if with_espeak {
            cat.add_espeak()?;
        }
        Ok(cat)
    }

    fn scan_piper_dir(&mut self, dir: &Path) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if p.is_dir() {
                self.scan_piper_dir(&p);
            } else if p.extension().is_some_and(|e| e == "onnx") {
                match PiperVoiceFiles::open(&p) {
                    Ok(files) => {
                        self.add_piper(files);
                    }
                    Err(e) => self.problems.push(ScanProblem {
                        path: p.clone(),
                        reason: e.to_string(),
                    }),
                }
            }
        }
    }

    /// Adds a Piper voice; the same files twice are one voice.
    pub fn add_piper(&mut self, files: PiperVoiceFiles) -> &CatalogEntry {
        if let Some(&i) = self.by_id.get(&files.id) {
            return &self.entries[i];
        }
        let name = files.display_name();
        let langs = files.languages();
        let quality = files.config.audio.quality.clone().unwrap_or_default();
        let speakers = files.speakers();
        let lang_label = files
            .config
            .language
            .as_ref()
            .map(|l| match (&l.name_english, &l.country_english) {
                (Some(n), Some(c)) => format!("{n} ({c})"),
                (Some(n), None) => n.clone(),
                _ => l.code.clone(),
            })
            .unwrap_or_else(|| langs.join(", "));
        let description = format!(
            "Neural Piper VITS voice{}, {lang_label}, {} speaker{}",
            if quality.is_empty() {
                String::new()
            } else {
                format!(" ({quality} quality)")
            },
            files.config.num_speakers,
            if files.config.num_speakers == 1 {
                ""
            } else {
                "s"
            }
        );
        let info = VoiceInfo {
            id: files.id,
            slug: name.to_ascii_lowercase().replace(' ', "-"),
            name,
            model_id: EngineKind::Piper.model_id(),
            engine: EngineKind::Piper,
            languages: langs,
            gender: files.gender(),
            sample_rate: files.config.audio.sample_rate,
            description,
            speakers,
            unavailable: None,
        };
        self.push(CatalogEntry {
            info,
            source: VoiceSource::Piper(Arc::new(files)),
        })
    }

    fn add_espeak(&mut self) -> Result<(), EngineError> {
        let rate = hark_espeak::sample_rate()?;
        let voices = hark_espeak::list_voices()?;
        let gender = |g: u8| match g {
            1 => Some(Gender::Male),
            2 => Some(Gender::Female),
            _ => None,
        };
        // Variants are timbres over a language; they are offered over American English.
        for v in voices.iter().filter(|v| !v.is_variant()) {
            let Some(lang) = v.languages.first() else {
                continue;
            };
            let mut langs = vec![lang.clone()];
            if let Some(family) = lang.split('-').next() {
                if family != lang {
                    langs.push(family.to_string());
                }
            }
            self.push(CatalogEntry {
                info: VoiceInfo {
                    id: Uuid::new_v5(
                        &VOICE_NAMESPACE,
                        format!("espeak-ng:{}", v.identifier).as_bytes(),
                    ),
                    name: v.name.clone(),
                    slug: normalize_lang(lang),
                    model_id: EngineKind::Espeak.model_id(),
                    engine: EngineKind::Espeak,
                    languages: langs,
                    gender: gender(v.gender),
                    sample_rate: rate,
                    description: format!("espeak-ng formant voice for {} ({lang})", v.name),
                    speakers: vec![],
                    unavailable: None,
                },
                source: VoiceSource::Espeak(lang.clone()),
            });
        }
        for v in voices.iter().filter(|v| v.is_variant()) {
            let variant = v.identifier.trim_start_matches("!v/").to_string();
            let slug = format!("en-us+{}", variant.to_ascii_lowercase());
            self.push(CatalogEntry {
                info: VoiceInfo {
                    id: Uuid::new_v5(
                        &VOICE_NAMESPACE,
                        format!("espeak-ng:en-us+{}", v.identifier).as_bytes(),
                    ),
                    name: format!("{} (espeak variant)", v.name),
                    slug,
                    model_id: EngineKind::Espeak.model_id(),
                    engine: EngineKind::Espeak,
                    languages: vec!["en-US".into(), "en".into()],
                    gender: gender(v.gender),
                    sample_rate: rate,
                    description: format!("espeak-ng variant '{}' over American English", v.name),
                    speakers: vec![],
                    unavailable: None,
                },
                source: VoiceSource::Espeak(format!("en-us+{variant}")),
            });
        }
        Ok(())
    }

    pub(crate) fn push(&mut self, entry: CatalogEntry) -> &CatalogEntry {
        let i = self.entries.len();
        self.by_id.insert(entry.info.id, i);
        self.entries.push(entry);
        &self.entries[i]
    }

    pub fn entries(&self) -> &[CatalogEntry] {
        &self.entries
    }

    pub fn voices(&self) -> impl Iterator<Item = &VoiceInfo> {
        self.entries.iter().map(|e| &e.info)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, id: &Uuid) -> Option<&CatalogEntry> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }

    /// Finds a voice by id, name or slug (case-insensitive), optionally
    /// within one engine. A name shared by several voices is an error that
    /// lists them, rather than a silent pick.
    pub fn resolve(
        &self,
        reference: &str,
        engine: Option<EngineKind>,
    ) -> Result<&CatalogEntry, EngineError> {
        let r = reference.trim();
        if let Ok(id) = Uuid::parse_str(r) {
            return self
                .get(&id)
                .filter(|e| engine.is_none_or(|k| e.info.engine == k))
                .ok_or_else(|| EngineError::VoiceNotFound(r.to_string()));
        }
        let lower = r.to_lowercase();
        let in_engine = |e: &&CatalogEntry| engine.is_none_or(|k| e.info.engine == k);
        let by_slug: Vec<&CatalogEntry> = self
            .entries
            .iter()
            .filter(in_engine)
            .filter(|e| e.info.slug == lower)
            .collect();
        let matches = if by_slug.is_empty() {
            self.entries
                .iter()
                .filter(in_engine)
                .filter(|e| e.info.name.to_lowercase() == lower)
                .collect()
        } else {
            by_slug
        };
        match matches.as_slice() {
            [] => Err(EngineError::VoiceNotFound(r.to_string())),
            [one] => Ok(one),
            many => {
                // Neural voices win over espeak ones of the same name.
                let neural: Vec<_> = many
                    .iter()
                    .filter(|e| e.info.engine != EngineKind::Espeak)
                    .collect();
                if neural.len() == 1 {
                    return Ok(neural[0]);
                }
                Err(EngineError::AmbiguousVoice {
                    name: r.to_string(),
                    candidates: many
                        .iter()
                        .map(|e| format!("{} ({})", e.info.id, e.info.model_id))
                        .collect::<Vec<_>>()
                        .join(", "),
                })
            }
        }
    }

    /// The voice used when a request names none: the first neural voice
    /// speaking `language` (Joe for English), else the first voice of the engine.
    pub fn default_voice(
        &self,
        engine: Option<EngineKind>,
        language: Option<&str>,
    ) -> Option<&CatalogEntry> {
        let engine = engine.unwrap_or(EngineKind::Piper);
        let of_engine = || self.entries.iter().filter(move |e| e.info.engine == engine);
        let lang = language
            .filter(|l| !l.eq_ignore_ascii_case("auto"))
            .unwrap_or("en-US");
        of_engine()
            .find(|e| e.info.slug == "joe" && e.info.speaks(lang))
            .or_else(|| {
                of_engine().find(|e| {
                    e.info
                        .languages
                        .first()
                        .is_some_and(|l| normalize_lang(l) == normalize_lang(lang))
                })
            })
            .or_else(|| of_engine().find(|e| e.info.speaks(lang)))
            .or_else(|| {
                if language.is_some() {
                    None
                } else {
                    of_engine().next()
                }
            })
    }
}
