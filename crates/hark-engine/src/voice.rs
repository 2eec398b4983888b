//! What the catalog knows about a voice, independent of its engine.

use serde::Serialize;
use uuid::Uuid;

/// Namespace for Hark's name-based (v5) voice ids, so the same voice files
/// get the same id on every machine.
pub const VOICE_NAMESPACE: Uuid = Uuid::from_u128(0x5d1c_7b1e_3a0f_4c2b_9e61_1f0d_8a7c_4b20);

/// The synthesis engine family a voice runs on; each is one model id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    Piper,
    Espeak,
    Kokoro,
}

impl EngineKind {
    pub const ALL: [EngineKind; 3] = [EngineKind::Piper, EngineKind::Kokoro, EngineKind::Espeak];

    /// The public model id of this engine.
    pub fn model_id(self) -> &'static str {
        match self {
            EngineKind::Piper => "hark-piper-v1",
            EngineKind::Espeak => "hark-espeak-v1",
            EngineKind::Kokoro => "hark-kokoro-v1",
        }
    }

    /// Accepts the model id, optionally with a provider prefix (`hark/hark-piper-v1`).
    pub fn from_model_id(id: &str) -> Option<Self> {
        let id = id.strip_prefix("hark/").unwrap_or(id);
        EngineKind::ALL.into_iter().find(|k| k.model_id() == id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Male,
    Female,
}

/// One entry of the voice catalog.
#[derive(Debug, Clone, Serialize)]
pub struct VoiceInfo {
    /// Stable id: derived from the voice files' content, not from where they lie.
    pub id: Uuid,
    /// Human name, unique within the catalog where the source allows ("Joe").
    pub name: String,
    /// Short handle accepted wherever a voice is named ("joe", "en-us+klatt").
    pub slug: String,
    pub model_id: &'static str,
    pub engine: EngineKind,
    /// BCP 47-style tags, most specific first ("en-US", "en").
    pub languages: Vec<String>,
    pub gender: Option<Gender>,
    /// Rate the engine produces before any resampling.
    pub sample_rate: u32,
    pub description: String,
    /// Named speakers of a multi-speaker voice (empty for single-speaker ones).
    pub speakers: Vec<String>,
    /// Why the voice is listed but cannot speak here (None: it can).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unavailable: Option<String>,
}

impl VoiceInfo {
    /// Whether the voice speaks `language` ("en" matches "en-US"; case and
    /// `_`/`-` do not matter).
    pub fn speaks(&self, language: &str) -> bool {
        let want = normalize_lang(language);
        self.languages.iter().any(|l| {
            let have = normalize_lang(l);
            have == want
                || have.starts_with(&format!("{want}-"))
                || want.starts_with(&format!("{have}-"))
        })
    }
}

/// Lowercases a language tag and uses `-` as its separator.
pub fn normalize_lang(tag: &str) -> String {
    tag.trim().replace('_', "-").to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn voice(langs: &[&str]) -> VoiceInfo {
        VoiceInfo {
            id: Uuid::nil(),
            name: "T".into(),
            slug: "t".into(),
            model_id: "m",
            engine: EngineKind::Piper,
            languages: langs.iter().map(|s| s.to_string()).collect(),
            gender: None,
            sample_rate: 22050,
            description: String::new(),
            speakers: vec![],
            unavailable: None,
        }
    }

    #[test]
    fn language_matching_is_prefix_and_case_insensitive() {
        let v = voice(&["en-US", "en"]);
        assert!(v.speaks("en"));
        assert!(v.speaks("en_us"));
        assert!(v.speaks("EN-US"));
        assert!(!v.speaks("es"));
        assert!(!v.speaks("e"));
        assert!(voice(&["es"]).speaks("es-419"));
    }

    #[test]
    fn model_ids_round_trip() {
        for k in EngineKind::ALL {
            assert_eq!(EngineKind::from_model_id(k.model_id()), Some(k));
        }
        assert_eq!(
            EngineKind::from_model_id("hark/hark-piper-v1"),
            Some(EngineKind::Piper)
        );
        assert_eq!(EngineKind::from_model_id("tts-1"), None);
    }
}
