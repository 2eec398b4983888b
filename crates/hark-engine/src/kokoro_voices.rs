//! Kokoro's voices in the catalog: the 54 style packs, weighted blends of
//! them (`af_bella:2+af_sky:1`, by code, name or id), and blends saved as
//! custom voices (a small JSON file each under `HOME/voices/custom/`,
//! until the store keeps them).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use uuid::Uuid;

use crate::catalog::{CatalogEntry, ScanProblem, VoiceCatalog, VoiceSource};
use crate::kokoro::{self, KokoroFiles, Style};
use crate::voice::{EngineKind, Gender, VoiceInfo, VOICE_NAMESPACE};
use crate::EngineError;

/// A Kokoro voice: one or more style packs with weights.
#[derive(Debug, Clone)]
pub struct KokoroVoice {
    pub files: Arc<KokoroFiles>,
    /// (voice code, weight), weights summing to one.
    pub parts: Vec<(String, f32)>,
    /// espeak-ng voice for the phonemes (the first part's language).
    pub espeak: &'static str,
    /// Why it cannot speak here, when it cannot.
    pub unavailable: Option<String>,
}

impl KokoroVoice {
    /// The voice's style rows, read from its packs.
    pub fn style(&self) -> Result<Style, EngineError> {
        let parts: Vec<(PathBuf, f32)> = self
            .parts
            .iter()
            .map(|(code, w)| (self.files.pack_path(code), *w))
            .collect();
        Style::blend(&parts)
    }

    /// The blend in its canonical written form (`af_bella:0.667+af_sky:0.333`).
    pub fn spec(&self) -> String {
        self.parts
            .iter()
            .map(|(c, w)| format!("{c}:{}", trim_float(*w)))
            .collect::<Vec<_>>()
            .join("+")
    }
}

fn trim_float(w: f32) -> String {
    let s = format!("{w:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Splits `name:weight+name:weight` (weight optional, default 1) into its
/// parts; None when `spec` is not written as a blend (no `+`, no `:`).
pub fn parse_blend(spec: &str) -> Option<Result<Vec<(String, f32)>, EngineError>> {
    if !spec.contains('+') && !spec.contains(':') {
        return None;
    }
    let mut out = Vec::new();
    for part in spec.split('+') {
        let part = part.trim();
        let (name, weight) = match part.rsplit_once(':') {
            Some((n, w)) => match w.trim().parse::<f32>() {
                Ok(w) if w.is_finite() && w > 0.0 => (n.trim(), w),
                _ => {
                    return Some(Err(EngineError::invalid(
                        "voice",
                        format!(
                            "blend weight '{}' of '{}' must be a positive number",
                            w.trim(),
                            n.trim()
                        ),
                    )))
                }
            },
            None => (part, 1.0),
        };
        if name.is_empty() {
            return Some(Err(EngineError::invalid(
                "voice",
                format!("blend '{spec}' has an empty voice name; write name:weight+name:weight"),
            )));
        }
        out.push((name.to_string(), weight));
    }
    Some(Ok(out))
}

/// A saved blend as it lies on disk.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CustomVoiceFile {
    pub id: Uuid,
    pub name: String,
    /// The blend, as `parse_blend` reads it.
    pub blend: String,
    #[serde(default)]
    pub description: Option<String>,
}

impl VoiceCatalog {
    /// Adds Kokoro's 54 voices when the model is installed in `dir`; a
    /// broken install is reported in `problems`, not fatal.
    pub fn add_kokoro(&mut self, dir: &Path) {
        let files = match KokoroFiles::open(dir) {
            Ok(Some(f)) => Arc::new(f),
            Ok(None) => return,
            Err(e) => {
                self.problems.push(ScanProblem {
                    path: dir.to_path_buf(),
                    reason: e.to_string(),
                });
                return;
            }
        };
        // Names shared across languages (Santa, Dora, Alex, Alpha) carry the language.
        let names: Vec<String> = kokoro::VOICE_CODES
            .iter()
            .filter_map(|c| kokoro::parse_code(c).map(|(_, _, n)| n))
            .collect();
        for code in kokoro::VOICE_CODES {
            let Some((lang, gender, name)) = kokoro::parse_code(code) else {
                continue;
            };
            let pack = files.pack_path(code);
            if !pack.is_file() {
                self.problems.push(ScanProblem {
                    path: pack,
                    reason: "Kokoro style pack missing; run scripts/setup.sh".into(),
                });
                continue;
            }
            let shared = names.iter().filter(|n| **n == name).count() > 1;
            let display = if shared {
                format!("{name} ({})", lang.label)
            } else {
                name
            };
            let unavailable = lang.unavailable.map(str::to_string);
            let gender = if gender == 'f' {
                Gender::Female
            } else {
                Gender::Male
            };
            let mut languages = vec![lang.tag.to_string()];
            if let Some((family, _)) = lang.tag.split_once('-') {
                languages.push(family.to_string());
            }
            let info = VoiceInfo {
                id: Uuid::new_v5(&VOICE_NAMESPACE, format!("kokoro-v1:{code}").as_bytes()),
                name: display,
                slug: code.to_string(),
                model_id: EngineKind::Kokoro.model_id(),
                engine: EngineKind::Kokoro,
                languages,
                gender: Some(gender),
                sample_rate: kokoro::SAMPLE_RATE,
                description: format!(
                    "Neural Kokoro-82M voice, {}, {}",
                    lang.label,
                    if gender == Gender::Female {
                        "female"
                    } else {
                        "male"
                    }
                ),
                speakers: vec![],
                unavailable: unavailable.clone(),
            };
            self.push(CatalogEntry {
                info,
                source: VoiceSource::Kokoro(Arc::new(KokoroVoice {
                    files: files.clone(),
                    parts: vec![(code.to_string(), 1.0)],
                    espeak: lang.espeak,
                    unavailable,
                })),
            });
        }
    }

    /// A blend of Kokoro voices (`af_bella:2+af_sky:1`; parts by code,
    /// name or id, saved blends too), as a catalog entry of its own. None:
    /// `spec` is not written as a blend. An unknown part is VOICE_NOT_FOUND
    /// naming it; a part of another engine is INVALID_REQUEST.
    pub fn resolve_blend(&self, spec: &str) -> Option<Result<CatalogEntry, EngineError>> {
        let parts = match parse_blend(spec)? {
            Ok(p) => p,
            Err(e) => return Some(Err(e)),
        };
        Some(self.blend_entry(spec, &parts))
    }

    fn blend_entry(
        &self,
        spec: &str,
        parts: &[(String, f32)],
    ) -> Result<CatalogEntry, EngineError> {
        let mut resolved: Vec<(Arc<KokoroVoice>, f32, String)> = Vec::new();
        for (name, w) in parts {
            let e = self.resolve(name, None)?;
            match &e.source {
                VoiceSource::Kokoro(v) => resolved.push((v.clone(), *w, e.info.name.clone())),
                _ => {
                    return Err(EngineError::invalid(
                        "voice",
                        format!(
                            "'{name}' is a {} voice: only Kokoro voices ({}) can be blended",
                            e.info.model_id,
                            EngineKind::Kokoro.model_id()
                        ),
                    ))
                }
            }
        }
        let total: f32 = resolved.iter().map(|(_, w, _)| w).sum();
        let Some((first, _, _)) = resolved.first() else {
            return Err(EngineError::invalid("voice", "an empty blend"));
        };
        // Flatten saved blends and merge repeated packs.
        let mut flat: Vec<(String, f32)> = Vec::new();
        for (v, w, _) in &resolved {
            for (code, pw) in &v.parts {
                let k = w / total * pw;
                match flat.iter_mut().find(|(c, _)| c == code) {
                    Some((_, acc)) => *acc += k,
                    None => flat.push((code.clone(), k)),
                }
            }
        }
        let voice = KokoroVoice {
            files: first.files.clone(),
            parts: flat,
            espeak: first.espeak,
            unavailable: resolved.iter().find_map(|(v, _, _)| v.unavailable.clone()),
        };
        let canonical = voice.spec();
        let first_entry = self.resolve(&parts[0].0, None)?;
        let label = resolved
            .iter()
            .map(|(_, w, n)| format!("{n} {:.0}%", w / total * 100.0))
            .collect::<Vec<_>>()
            .join(" + ");
        let info = VoiceInfo {
            id: Uuid::new_v5(
                &VOICE_NAMESPACE,
                format!("kokoro-blend:{canonical}").as_bytes(),
            ),
            name: format!("Blend: {label}"),
            slug: spec.trim().to_string(),
            model_id: EngineKind::Kokoro.model_id(),
            engine: EngineKind::Kokoro,
            languages: first_entry.info.languages.clone(),
            gender: None,
            sample_rate: kokoro::SAMPLE_RATE,
            description: format!("Kokoro blend {canonical}"),
            speakers: vec![],
            unavailable: voice.unavailable.clone(),
        };
        Ok(CatalogEntry {
            info,
            source: VoiceSource::Kokoro(Arc::new(voice)),
        })
    }

    /// Adds the saved blends in `dir` (`*.json`, see [`CustomVoiceFile`]);
    /// unreadable ones or ones whose voices are gone go to `problems`.
    pub fn add_custom_voices(&mut self, dir: &Path) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        for p in paths {
            let parsed = std::fs::read(&p).map_err(|e| e.to_string()).and_then(|b| {
                serde_json::from_slice::<CustomVoiceFile>(&b).map_err(|e| e.to_string())
            });
            let result = parsed.and_then(|f| {
                let parts = match parse_blend(&f.blend) {
                    Some(r) => r.map_err(|e| e.to_string())?,
                    None => vec![(f.blend.clone(), 1.0)],
                };
                let mut e = self
                    .blend_entry(&f.blend, &parts)
                    .map_err(|e| e.to_string())?;
                e.info.id = f.id;
                e.info.slug = slugify(&f.name);
                e.info.description = f
                    .description
                    .clone()
                    .unwrap_or_else(|| format!("Custom Kokoro blend {}", f.blend));
                e.info.name = f.name;
                Ok(e)
            });
            match result {
                Ok(e) if self.get(&e.info.id).is_none() => {
                    self.push(e);
                }
                Ok(e) => self.problems.push(ScanProblem {
                    path: p,
                    reason: format!("id {} is already taken", e.info.id),
                }),
                Err(reason) => self.problems.push(ScanProblem { path: p, reason }),
            }
        }
    }
}

fn slugify(name: &str) -> String {
    name.trim()
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Checks `blend` against the catalog and saves it as a custom voice named
/// `name` under `dir` (a new UUIDv4); returns its file contents.
pub fn save_blend(
    catalog: &VoiceCatalog,
    dir: &Path,
    name: &str,
    blend: &str,
) -> Result<CustomVoiceFile, EngineError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(EngineError::invalid("name", "a custom voice needs a name"));
    }
    if catalog.resolve(name, None).is_ok() {
        return Err(EngineError::invalid(
            "name",
            format!("a voice named '{name}' exists already"),
        ));
    }
    let entry = match catalog.resolve_blend(blend) {
        Some(r) => r?,
        None => catalog.blend_entry(blend, &[(blend.trim().to_string(), 1.0)])?,
    };
    let file = CustomVoiceFile {
        id: Uuid::new_v4(),
        name: name.to_string(),
        blend: blend.trim().to_string(),
        description: Some(format!(
            "Custom Kokoro blend: {}",
            entry.info.name.trim_start_matches("Blend: ")
        )),
    };
    let io = |e: std::io::Error| EngineError::VoiceFile {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let json = serde_json::to_vec_pretty(&file)
        .map_err(|e| EngineError::Inference(format!("cannot write the voice: {e}")))?;
    std::fs::write(dir.join(format!("{}.json", file.id)), json).map_err(io)?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blend_specs_parse_with_default_weights() {
        let p = parse_blend("af_bella:2+af_sky").unwrap().unwrap();
        assert_eq!(p, vec![("af_bella".into(), 2.0), ("af_sky".into(), 1.0)]);
        assert!(parse_blend("af_bella").is_none());
        assert!(parse_blend("af_bella:0+af_sky").unwrap().is_err());
        assert!(parse_blend("af_bella:x").unwrap().is_err());
        assert!(parse_blend("+af_sky").unwrap().is_err());
    }

    #[test]
    fn names_slugify() {
        assert_eq!(slugify("  My Narrator #2 "), "my-narrator-2");
    }
}
