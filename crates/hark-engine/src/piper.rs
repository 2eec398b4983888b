//! Piper VITS voices: a `.onnx` graph plus its `.onnx.json` config (phoneme
//! map, sample rate, default scales). Nothing else registers a voice.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

use crate::voice::{Gender, VOICE_NAMESPACE};
use crate::EngineError;

/// Piper's special symbols: pad (between phonemes), begin and end of utterance.
const PAD: &str = "_";
pub(crate) const PAD_SYMBOL: &str = PAD;
const BOS: &str = "^";
const EOS: &str = "$";

/// The parts of a Piper `.onnx.json` that synthesis needs.
#[derive(Debug, Clone, Deserialize)]
pub struct PiperConfig {
    pub audio: AudioConfig,
    #[serde(default)]
    pub espeak: Option<EspeakConfig>,
    #[serde(default)]
    pub inference: InferenceConfig,
    #[serde(default)]
    pub phoneme_type: Option<String>,
    /// Optional phoneme -> replacement phonemes, applied before the id map.
    #[serde(default)]
    pub phoneme_map: HashMap<String, Vec<String>>,
    pub phoneme_id_map: HashMap<String, Vec<i64>>,
    #[serde(default = "one")]
    pub num_speakers: u32,
    #[serde(default)]
    pub speaker_id_map: HashMap<String, i64>,
    #[serde(default)]
    pub language: Option<LanguageConfig>,
    #[serde(default)]
    pub dataset: Option<String>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Deserialize)]
pub struct AudioConfig {
    pub sample_rate: u32,
    #[serde(default)]
    pub quality: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EspeakConfig {
    pub voice: String,
}

/// Default scales the voice was trained with.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct InferenceConfig {
    #[serde(default = "default_noise_scale")]
    pub noise_scale: f32,
    #[serde(default = "default_length_scale")]
    pub length_scale: f32,
    #[serde(default = "default_noise_w")]
    pub noise_w: f32,
}

fn default_noise_scale() -> f32 {
    0.667
}
fn default_length_scale() -> f32 {
    1.0
}
fn default_noise_w() -> f32 {
    0.8
}

impl Default for InferenceConfig {
    fn default() -> Self {
        InferenceConfig {
            noise_scale: default_noise_scale(),
            length_scale: default_length_scale(),
            noise_w: default_noise_w(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct LanguageConfig {
    pub code: String,
    #[serde(default)]
    pub name_english: Option<String>,
    #[serde(default)]
    pub country_english: Option<String>,
}

/// The json that goes with a Piper model: `model.onnx.json` (Piper's
/// convention) or `model.json`.
pub fn config_path_for(onnx: &Path) -> PathBuf {
    let mut p = onnx.as_os_str().to_owned();
    p.push(".json");
    let beside = PathBuf::from(p);
    if beside.is_file() {
        return beside;
    }
    let alt = onnx.with_extension("json");
    if alt.is_file() {
        alt
    } else {
        beside
    }
}

/// A Piper voice on disk, checked and described, not yet loaded into a session.
#[derive(Debug, Clone)]
pub struct PiperVoiceFiles {
    pub onnx: PathBuf,
    pub config_path: PathBuf,
    pub config: PiperConfig,
    /// Content-derived id: the same files give the same id anywhere.
    pub id: Uuid,
}

impl PiperVoiceFiles {
    /// Reads and checks a voice's config, and derives its id. Does not load
    /// the graph (that costs ~0.4 s and ~200 MB): see [`PiperSession::load`].
    pub fn open(onnx: &Path) -> Result<Self, EngineError> {
        let bad = |reason: String| EngineError::VoiceFile {
            path: onnx.to_path_buf(),
            reason,
        };
        let meta = std::fs::metadata(onnx).map_err(|e| bad(format!("cannot read: {e}")))?;
        if !meta.is_file() {
            return Err(bad("not a file".into()));
        }
        // The smallest public Piper voices ("x_low") are ~20 MB; anything
        // under 1 MB is a truncated download or a wrong file.
        if meta.len() < 1 << 20 {
            return Err(bad(format!(
                "only {} bytes: not a Piper model (truncated?)",
                meta.len()
            )));
        }
        let config_path = config_path_for(onnx);
        let json = std::fs::read(&config_path).map_err(|e| EngineError::VoiceFile {
            path: config_path.clone(),
            reason: format!("the voice's config is missing or unreadable ({e}); a Piper voice is model.onnx plus model.onnx.json"),
        })?;
        let config: PiperConfig =
            serde_json::from_slice(&json).map_err(|e| EngineError::VoiceFile {
                path: config_path.clone(),
                reason: format!("not a valid Piper voice config: {e}"),
            })?;
        validate_config(&config).map_err(|reason| EngineError::VoiceFile {
            path: config_path.clone(),
            reason,
        })?;
        let id = voice_id(onnx, &json, meta.len()).map_err(|e| bad(format!("cannot read: {e}")))?;
        Ok(PiperVoiceFiles {
            onnx: onnx.to_path_buf(),
            config_path,
            config,
            id,
        })
    }

    /// A display name: the dataset, capitalized ("joe" -> "Joe").
    pub fn display_name(&self) -> String {
        let raw = self.config.dataset.clone().unwrap_or_else(|| {
            self.onnx
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("voice")
                .to_string()
        });
        raw.split(['_', '-', ' '])
            .filter(|w| !w.is_empty())
            .map(|w| {
                let mut c = w.chars();
                match c.next() {
                    Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                    None => String::new(),
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Language tags, most specific first ("en-US", "en").
    pub fn languages(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(l) = &self.config.language {
            let tag = l.code.replace('_', "-");
            let family = tag.split('-').next().unwrap_or(&tag).to_string();
            out.push(tag.clone());
            if family != tag {
                out.push(family);
            }
        } else if let Some(e) = &self.config.espeak {
            out.push(e.voice.clone());
        }
        out
    }

    /// The espeak-ng voice to phonemize with.
    pub fn espeak_voice(&self) -> String {
        self.config
            .espeak
            .as_ref()
            .map(|e| e.voice.clone())
            .unwrap_or_else(|| "en-us".into())
    }

    /// Speaker names in id order (empty for single-speaker voices).
    pub fn speakers(&self) -> Vec<String> {
        let mut v: Vec<(&String, &i64)> = self.config.speaker_id_map.iter().collect();
        v.sort_by_key(|(_, id)| **id);
        v.into_iter().map(|(n, _)| n.clone()).collect()
    }

    /// Gender of well-known public Piper datasets; Piper's config has no field for it.
    pub fn gender(&self) -> Option<Gender> {
        let ds = self.config.dataset.as_deref()?.to_ascii_lowercase();
        const MALE: &[&str] = &[
            "joe",
            "ryan",
            "john",
            "bryce",
            "kusal",
            "norman",
            "danny",
            "alan",
            "arctic_bdl",
            "carlfm",
            "thorsten",
            "davefx",
            "pavoque",
            "gilles",
            "denis",
            "dmitri",
            "ruslan",
        ];
        const FEMALE: &[&str] = &[
            "amy",
            "lessac",
            "kristin",
            "kathleen",
            "ljspeech",
            "hfc_female",
            "jenny_dioco",
            "southern_english_female",
            "alba",
            "cori",
            "jenny",
            "eva_k",
            "irina",
            "siwis",
            "ramona",
            "kerstin",
            "mls",
        ];
        if MALE.contains(&ds.as_str()) || ds.ends_with("_male") {
            Some(Gender::Male)
        } else if FEMALE.contains(&ds.as_str()) || ds.ends_with("_female") {
            Some(Gender::Female)
        } else {
            None
        }
    }
}

fn validate_config(c: &PiperConfig) -> Result<(), String> {
    if !(4000..=96000).contains(&c.audio.sample_rate) {
        return Err(format!(
            "audio.sample_rate {} is not plausible",
            c.audio.sample_rate
        ));
    }
    if let Some(t) = &c.phoneme_type {
        if t != "espeak" {
            return Err(format!(
                "phoneme_type '{t}' is not supported (Hark phonemizes with espeak-ng)"
            ));
        }
    }
    for sym in [PAD, BOS, EOS] {
        if !c.phoneme_id_map.contains_key(sym) {
            return Err(format!("phoneme_id_map lacks the special symbol '{sym}'"));
        }
    }
    if c.phoneme_id_map.len() < 10 {
        return Err("phoneme_id_map is too small to be a voice's".into());
    }
    let s = c.inference;
    for (name, v) in [
        ("noise_scale", s.noise_scale),
        ("length_scale", s.length_scale),
        ("noise_w", s.noise_w),
    ] {
        if !v.is_finite() || !(0.0..=10.0).contains(&v) {
            return Err(format!("inference.{name} = {v} is out of range"));
        }
    }
    if s.length_scale <= 0.0 {
        return Err("inference.length_scale must be positive".into());
    }
    if c.num_speakers == 0 {
        return Err("num_speakers must be at least 1".into());
    }
    Ok(())
}

/// A v5 UUID over the config and a sample of the graph's bytes. Hashing the
/// whole graph would be exact but costs ~0.3 s per voice at every start; the
/// config (phoneme map, dataset) plus the size and both ends of the graph
/// tell voices apart in practice.
fn voice_id(onnx: &Path, json: &[u8], len: u64) -> std::io::Result<Uuid> {
    const SAMPLE: u64 = 1 << 20;
    let mut h = Sha256::new();
    h.update(b"piper\0");
    h.update(json);
    h.update(len.to_le_bytes());
    let mut f = std::fs::File::open(onnx)?;
    let mut buf = vec![0u8; SAMPLE.min(len) as usize];
    f.read_exact(&mut buf)?;
    h.update(&buf);
    if len > SAMPLE {
        f.seek(SeekFrom::Start(len - SAMPLE))?;
        f.read_exact(&mut buf)?;
        h.update(&buf);
    }
    Ok(Uuid::new_v5(&VOICE_NAMESPACE, &h.finalize()))
}

/// Turns IPA phonemes into the voice's ids: `^`, then each phoneme's id
/// followed by the pad id, then `$`; Piper's own convention, so that the
/// same text gives the same ids (and so the same audio) as piper-tts.
/// Phonemes the voice does not know are skipped.
pub fn phoneme_ids(config: &PiperConfig, phonemes: &str) -> Vec<i64> {
    let map = &config.phoneme_id_map;
    let get = |s: &str| map.get(s).map(|v| v.as_slice()).unwrap_or(&[]);
    let mut ids = Vec::with_capacity(phonemes.len() * 2 + 4);
    ids.extend_from_slice(get(BOS));
    ids.extend_from_slice(get(PAD));
    body_ids(config, phonemes, &mut ids);
    ids.extend_from_slice(get(EOS));
    ids
}

/// Phonemizes one sentence the way Piper does: clause by clause through
/// espeak-ng, with each clause's punctuation kept as a phoneme (the model
/// was trained to shape prosody on it) and a space after inner clauses.
pub fn phonemize_sentence(espeak_voice: &str, sentence: &str) -> Result<String, EngineError> {
    Ok(phonemize_clauses(espeak_voice, sentence)?
        .into_iter()
        .map(|c| c.phonemes)
        .collect())
}

/// One clause's phonemes, with the text it came from.
#[derive(Debug, Clone)]
pub struct ClausePhonemes {
    /// Byte range of the clause in the sentence given.
    pub text: std::ops::Range<usize>,
    /// Phonemes, with the clause's punctuation and trailing space as Piper puts them.
    pub phonemes: String,
}

/// Like [`phonemize_sentence`], clause by clause; the concatenation of the
/// clauses' phonemes is exactly `phonemize_sentence`'s result.
pub fn phonemize_clauses(
    espeak_voice: &str,
    sentence: &str,
) -> Result<Vec<ClausePhonemes>, EngineError> {
    let mut out: Vec<ClausePhonemes> = Vec::new();
    let clauses = hark_text::segment::split_clauses(sentence);
    let last = clauses.len().saturating_sub(1);
    for (i, (seg, punct)) in clauses.iter().enumerate() {
        let text = sentence.get(seg.start..seg.end).unwrap_or("");
        let mut ph = strip_language_flags(&hark_espeak::phonemize(espeak_voice, text)?);
        if ph.is_empty() && punct.is_none() {
            continue;
        }
        if let Some(p) = punct.and_then(piper_punctuation) {
            ph.push(p);
        }
        if i < last {
            ph.push(' ');
        }
        out.push(ClausePhonemes {
            text: seg.start..seg.end,
            phonemes: ph,
        });
    }
    // The sentence ends without a trailing space.
    if let Some(l) = out.last_mut() {
        let trimmed = l.phonemes.trim_end().len();
        l.phonemes.truncate(trimmed);
    }
    Ok(out)
}

/// Ids for phonemes without the utterance's begin and end marks: each
/// phoneme's id followed by the pad id.
pub fn body_ids(config: &PiperConfig, phonemes: &str, ids: &mut Vec<i64>) {
    let map = &config.phoneme_id_map;
    let pad = map.get(PAD).map(|v| v.as_slice()).unwrap_or(&[]);
    let mut buf = [0u8; 4];
    for ch in phonemes.nfd() {
        let s: &str = ch.encode_utf8(&mut buf);
        let mapped: Vec<String>;
        let symbols: &[String] = match config.phoneme_map.get(s) {
            Some(m) => m,
            None => {
                mapped = vec![s.to_string()];
                &mapped
            }
        };
        for sym in symbols {
            if let Some(id) = map.get(sym.as_str()) {
                ids.extend_from_slice(id);
                ids.extend_from_slice(pad);
            } else {
                tracing::trace!(phoneme = %sym, "phoneme not in the voice's map; skipped");
            }
        }
    }
}

/// espeak-ng marks words it reads in another language with "(fr)...(en)";
/// the marks are not phonemes and Piper drops them too.
fn strip_language_flags(ph: &str) -> String {
    let mut out = String::with_capacity(ph.len());
    let mut depth = 0usize;
    for c in ph.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The punctuation symbols Piper voices were trained with; other clause
/// marks are read as the nearest of them.
fn piper_punctuation(c: char) -> Option<char> {
    match c {
        '.' | ',' | ';' | ':' | '!' | '?' => Some(c),
        '…' | '。' => Some('.'),
        '—' | '–' | '-' | '、' | '，' => Some(','),
        '！' => Some('!'),
        '？' => Some('?'),
        '；' => Some(';'),
        '：' => Some(':'),
        _ => None,
    }
}

/// Noise and length scales for one inference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scales {
    pub noise_scale: f32,
    pub length_scale: f32,
    pub noise_w: f32,
}

/// One inference's result.
#[derive(Debug, Clone)]
pub struct Inference {
    /// Mono samples at the voice's rate.
    pub audio: Vec<f32>,
    /// Frames (of `audio.len() / sum` samples each) per phoneme id, when
    /// the voice's duration output could be exposed; for word timestamps.
    pub durations: Option<Vec<f32>>,
}

/// One loaded Piper graph. `ort::Session::run` takes `&mut self`, so a
/// session serves one inference at a time; the engine holds several.
pub struct PiperSession {
    session: ort::session::Session,
    has_sid: bool,
    /// Name of the audio output (the graph's first).
    audio: String,
    /// Name of the exposed duration output, when there is one.
    durations: Option<String>,
}

impl PiperSession {
    /// Loads the graph into onnxruntime with its own pool of `threads`
    /// intra-op threads. `spin`: idle threads busy-wait for the next
    /// operator, which makes a lone inference ~15% faster but steals the
    /// core from any other session running at the same time.
    ///
    /// The duration predictor's `Ceil` output is added as a graph output on
    /// the way in (the file is not changed), so every inference also yields
    /// phoneme durations; a graph where it cannot be found still loads.
    #[allow(clippy::result_large_err)]
    pub fn load(
        env: &ort::environment::Environment,
        onnx: &Path,
        threads: usize,
        spin: bool,
    ) -> Result<Self, EngineError> {
        let err = |e: String| EngineError::VoiceFile {
            path: onnx.to_path_buf(),
            reason: e,
        };
        let bytes = std::fs::read(onnx).map_err(|e| err(format!("cannot read: {e}")))?;
        let ceil = crate::onnx_patch::node_outputs(&bytes, "Ceil")
            .filter(|c| c.len() == 1)
            .and_then(|mut c| c.pop());
        let already = crate::onnx_patch::graph_outputs(&bytes).unwrap_or_default();
        let (model, durations) = match ceil {
            Some(name) if already.contains(&name) => (bytes, Some(name)),
            Some(name) => match crate::onnx_patch::add_float_output(&bytes, &name) {
                Some(patched) => (patched, Some(name)),
                None => (bytes, None),
            },
            None => (bytes, None),
        };
        if durations.is_none() {
            tracing::info!(path = %onnx.display(), "no duration output found: word timestamps unavailable for this voice");
        }
        let session = crate::runtime::session(env, &model, threads, spin).map_err(|e| {
            err(format!(
                "onnxruntime cannot load it (corrupt or truncated?): {e}"
            ))
        })?;
        let names: Vec<&str> = session.inputs().iter().map(|i| i.name()).collect();
        for want in ["input", "input_lengths", "scales"] {
            if !names.contains(&want) {
                return Err(err(format!(
                    "not a Piper VITS graph: it has no '{want}' input (inputs: {})",
                    names.join(", ")
                )));
            }
        }
        let has_sid = names.contains(&"sid");
        let audio = session
            .outputs()
            .first()
            .map(|o| o.name().to_string())
            .ok_or_else(|| err("the graph has no outputs".into()))?;
        Ok(PiperSession {
            session,
            has_sid,
            audio,
            durations,
        })
    }

    /// Whether inferences report phoneme durations.
    pub fn has_durations(&self) -> bool {
        self.durations.is_some()
    }

    /// Runs the graph on one utterance's ids.
    pub fn infer(
        &mut self,
        ids: &[i64],
        scales: Scales,
        speaker: Option<i64>,
    ) -> Result<Inference, EngineError> {
        use ort::value::Tensor;
        let inf = |e: ort::Error| EngineError::Inference(e.to_string());
        let n = ids.len();
        let input = Tensor::from_array(([1usize, n], ids.to_vec())).map_err(inf)?;
        let lengths = Tensor::from_array(([1usize], vec![n as i64])).map_err(inf)?;
        let sc = Tensor::from_array((
            [3usize],
            vec![scales.noise_scale, scales.length_scale, scales.noise_w],
        ))
        .map_err(inf)?;
        let outputs = if self.has_sid {
            let sid = Tensor::from_array(([1usize], vec![speaker.unwrap_or(0)])).map_err(inf)?;
            self.session.run(ort::inputs![
                "input" => input, "input_lengths" => lengths, "scales" => sc, "sid" => sid
            ])
        } else {
            self.session
                .run(ort::inputs!["input" => input, "input_lengths" => lengths, "scales" => sc])
        }
        .map_err(inf)?;
        let (_, audio) = outputs
            .get(self.audio.as_str())
            .ok_or_else(|| EngineError::Inference("the graph returned no audio".into()))?
            .try_extract_tensor::<f32>()
            .map_err(inf)?;
        let durations = match &self.durations {
            Some(name) => outputs
                .get(name.as_str())
                .and_then(|v| v.try_extract_tensor::<f32>().ok())
                .map(|(_, d)| d.to_vec())
                .filter(|d| d.len() == n),
            None => None,
        };
        Ok(Inference {
            audio: audio.to_vec(),
            durations,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> PiperConfig {
        let mut map = HashMap::new();
        for (i, s) in ["_", "^", "$", " ", "a", "b", ",", ".", "\u{303}", "c", "d"]
            .iter()
            .enumerate()
        {
            map.insert(s.to_string(), vec![i as i64]);
        }
        PiperConfig {
            audio: AudioConfig {
                sample_rate: 22050,
                quality: None,
            },
            espeak: None,
            inference: InferenceConfig::default(),
            phoneme_type: Some("espeak".into()),
            phoneme_map: HashMap::new(),
            phoneme_id_map: map,
            num_speakers: 1,
            speaker_id_map: HashMap::new(),
            language: None,
            dataset: Some("joe".into()),
        }
    }

    #[test]
    fn ids_are_bos_pad_interspersed_eos() {
        let c = config();
        // ^ _ a _ b _ <space> _ a _ . _ $
        assert_eq!(
            phoneme_ids(&c, "ab a."),
            vec![1, 0, 4, 0, 5, 0, 3, 0, 4, 0, 7, 0, 2]
        );
    }

    #[test]
    fn unknown_phonemes_are_skipped_and_nfd_applies() {
        let c = config();
        // 'x' unknown; 'ã' decomposes to 'a' + combining tilde (id 8).
        assert_eq!(phoneme_ids(&c, "xã"), vec![1, 0, 4, 0, 8, 0, 2]);
    }

    #[test]
    fn phoneme_map_replaces_before_ids() {
        let mut c = config();
        c.phoneme_map
            .insert("x".into(), vec!["b".into(), "a".into()]);
        assert_eq!(phoneme_ids(&c, "x"), vec![1, 0, 5, 0, 4, 0, 2]);
    }

    #[test]
    fn config_validation_catches_missing_symbols_and_bad_scales() {
        let mut c = config();
        assert!(validate_config(&c).is_ok());
        c.inference.length_scale = 0.0;
        assert!(validate_config(&c).is_err());
        let mut c = config();
        c.phoneme_id_map.remove("^");
        assert!(validate_config(&c).unwrap_err().contains("'^'"));
    }

    #[test]
    fn clauses_keep_their_punctuation() {
        let ph = phonemize_sentence("en-us", "Hello, world.").unwrap();
        assert_eq!(ph, "həlˈoʊ, wˈɜːld.");
    }

    #[test]
    fn language_switch_flags_are_dropped() {
        assert_eq!(strip_language_flags("(fr)bɔ̃ʒˈuʁ(en) ðɛɹ"), "bɔ̃ʒˈuʁ ðɛɹ");
    }

    #[test]
    fn display_name_from_dataset() {
        let c = config();
        let f = PiperVoiceFiles {
            onnx: PathBuf::from("/x/en_US-joe-medium.onnx"),
            config_path: PathBuf::new(),
            config: c,
            id: Uuid::nil(),
        };
        assert_eq!(f.display_name(), "Joe");
        assert_eq!(f.gender(), Some(Gender::Male));
    }
}
