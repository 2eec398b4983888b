//! The engine facade: one validated request in, a stream of audio chunks out.
//!
//! Text is cut into sentences (the first one into a short clause, so that
//! audio starts early), each chunk is synthesized on a pooled session and
//! sent as soon as it is done. A whole file is just the chunks collected.
//! Dropping the stream stops the work after the chunk in progress.

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::align::{self, ClauseIds, WordTiming};
use crate::catalog::{CatalogEntry, VoiceCatalog, VoiceSource};
use crate::frontend::{self, Chunk, Reader, Step};
use crate::piper::{self, PiperVoiceFiles, Scales};
use crate::runtime;
use crate::voice::{EngineKind, VoiceInfo};
use crate::EngineError;

/// Speed limits, as a multiple of the voice's natural rate.
pub const MIN_SPEED: f32 = 0.25;
pub const MAX_SPEED: f32 = 4.0;
pub use crate::frontend::{FIRST_CHUNK_CHARS, MAX_CHUNK_CHARS};
/// Added to a background request's chunk numbers (lower runs first).
const BACKGROUND_PRIORITY: u64 = 1 << 40;

#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Where set-up put the runtime and voices (`lib/`, `voices/`).
    pub home: PathBuf,
    /// Directories scanned for Piper voices (default: `home/voices`).
    pub voice_dirs: Vec<PathBuf>,
    /// Explicit onnxruntime library (else `ORT_DYLIB_PATH`, else `home/lib`).
    pub ort_library: Option<PathBuf>,
    /// Threads of each voice's "wide" session, the one a lone request runs
    /// on (0: no wide session).
    pub wide_threads: usize,
    /// One-thread sessions per voice for parallel requests (0: none; then
    /// parallel requests queue for the wide session).
    pub narrow_sessions: usize,
    /// Whether to list espeak-ng's own voices.
    pub espeak_voices: bool,
    /// Whether to split Piper voices at the decoder for audio within the
    /// sentence (off: whole-sentence synthesis, for comparison).
    pub split_voices: bool,
    /// Where set-up put Kokoro (model, style packs, vocabulary; default
    /// `home/kokoro`); None: no Kokoro voices.
    pub kokoro_dir: Option<PathBuf>,
}

impl EngineConfig {
    /// Defaults sized from the machine: a wide session with one thread per
    /// core, and one narrow (1-thread) session per core. Measured on 2 cores
    /// (bench/engine.sh): a lone request is fastest on all cores with
    /// spinning threads (RTF 0.026 vs 0.046 on one), but two such sessions
    /// side by side fight over the cores (73% of the machine's ceiling),
    /// while 1-thread sessions in parallel reach it. So each chunk goes to
    /// the wide session when nothing else runs, else to a narrow one.
    pub fn new(home: PathBuf) -> Self {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        EngineConfig {
            voice_dirs: vec![home.join("voices")],
            kokoro_dir: Some(home.join("kokoro")),
            home,
            ort_library: None,
            wide_threads: cores,
            narrow_sessions: if cores > 1 { cores } else { 0 },
            espeak_voices: true,
            split_voices: true,
        }
    }
}

/// One synthesis request, after a dialect or the CLI has translated its own shape.
#[derive(Debug, Clone)]
pub struct SynthesisRequest {
    pub text: String,
    /// Voice id, name or slug; None: the model's default voice.
    pub voice: Option<String>,
    /// Model id; None: the voice's own.
    pub model: Option<String>,
    /// Multiple of the voice's natural rate (0.25-4.0).
    pub speed: f32,
    /// Language the caller says the text is in; checked against the voice.
    pub language: Option<String>,
    /// Speaker of a multi-speaker voice, by name or number.
    pub speaker: Option<String>,
    pub noise_scale: Option<f32>,
    pub noise_w: Option<f32>,
    /// Silence added after each sentence, in seconds.
    pub sentence_pause: f32,
    /// Upper bound on text length (the server sets one; the CLI does not).
    pub max_chars: Option<usize>,
    /// Whether to compute word timestamps (costs ~1 ms per sentence).
    pub word_timestamps: bool,
    /// The consumer plays audio as it arrives (streaming responses, stdout):
    /// the first chunk's audio then comes in small windows, the first
    /// after a few frames. Off, every chunk is decoded whole, exactly as
    /// the unsplit voice would.
    pub low_latency: bool,
    /// Whether to read numbers, money, dates, abbreviations... as words
    /// first (on by default; off for text that is already spoken form).
    pub normalize: bool,
    /// Pronunciation dictionaries applied to the text, first match wins
    /// in this order (the server resolves the request's dictionary ids).
    pub dictionaries: Vec<Arc<hark_text::dictionary::Dictionary>>,
    /// Background work (async jobs): its chunks wait behind every chunk of
    /// interactive requests.
    pub background: bool,
    /// Added to each chunk's number when it waits for a session (lower
    /// goes first): a live context's later utterances continue its count,
    /// so another context's first clause overtakes them.
    pub priority_offset: u64,
}

impl SynthesisRequest {
    pub fn new(text: impl Into<String>) -> Self {
        SynthesisRequest {
            text: text.into(),
            voice: None,
            model: None,
            speed: 1.0,
            language: None,
            speaker: None,
            noise_scale: None,
            noise_w: None,
            sentence_pause: 0.0,
            max_chars: None,
            word_timestamps: false,
            low_latency: false,
            normalize: true,
            dictionaries: Vec::new(),
            background: false,
            priority_offset: 0,
        }
    }
}

/// Audio for one piece of the request's text.
#[derive(Debug, Clone)]
pub struct AudioChunk {
    /// Mono samples in [-1, 1] at the stream's sample rate.
    pub samples: Vec<f32>,
    /// Byte range of the request text this chunk speaks.
    pub text: Range<usize>,
    pub index: usize,
    /// Words spoken in this chunk, with times from the chunk's start (only
    /// when asked for, and for voices that report durations).
    pub words: Vec<WordTiming>,
}

/// Audio chunks in text order, as they are made.
pub struct ChunkStream {
    rx: flume::Receiver<Result<AudioChunk, EngineError>>,
    pub voice: VoiceInfo,
    pub sample_rate: u32,
    /// Length of the request text in bytes, for progress.
    pub text_len: usize,
    /// Number of chunks that will come.
    pub chunks: usize,
}

impl ChunkStream {
    /// Next chunk, waiting on it; None at the end.
    pub fn next_blocking(&self) -> Option<Result<AudioChunk, EngineError>> {
        self.rx.recv().ok()
    }

    /// Next chunk, waiting at most `timeout`: None when the time ran out,
    /// `Some(Ok(None))` at the end.
    #[allow(clippy::type_complexity)]
    pub fn next_timeout(
        &self,
        timeout: std::time::Duration,
    ) -> Option<Result<Option<AudioChunk>, EngineError>> {
        match self.rx.recv_timeout(timeout) {
            Ok(Ok(c)) => Some(Ok(Some(c))),
            Ok(Err(e)) => Some(Err(e)),
            Err(flume::RecvTimeoutError::Disconnected) => Some(Ok(None)),
            Err(flume::RecvTimeoutError::Timeout) => None,
        }
    }

    /// Next chunk for async callers (the server).
    pub async fn next_async(&self) -> Option<Result<AudioChunk, EngineError>> {
        self.rx.recv_async().await.ok()
    }

    /// All samples, for callers that want the whole audio.
    pub fn collect_samples(self) -> Result<Vec<f32>, EngineError> {
        let mut all = Vec::new();
        for c in self {
            all.extend_from_slice(&c?.samples);
        }
        Ok(all)
    }
}

impl Iterator for ChunkStream {
    type Item = Result<AudioChunk, EngineError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_blocking()
    }
}

/// Where a job hands each piece of audio (with its words); false: stop,
/// nobody is listening.
type PieceSink<'a> = dyn FnMut(Vec<f32>, Vec<WordTiming>) -> bool + 'a;

/// A loaded Piper voice: its files and its sessions.
struct PiperRuntime {
    files: Arc<PiperVoiceFiles>,
    sessions: crate::sessions::VoiceSessions,
}

pub struct Engine {
    config: EngineConfig,
    catalog: VoiceCatalog,
    piper: Mutex<HashMap<uuid::Uuid, Arc<PiperRuntime>>>,
    /// Kokoro's sessions, one set for all its voices, made on first use.
    kokoro: Mutex<Option<Arc<crate::kokoro::KokoroSessions>>>,
}

impl Engine {
    /// Scans the voices. onnxruntime is loaded when the first neural voice is used.
    pub fn new(config: EngineConfig) -> Result<Self, EngineError> {
        let mut catalog = VoiceCatalog::scan_with_kokoro(
            &config.voice_dirs,
            config.kokoro_dir.as_deref(),
            config.espeak_voices,
        )?;
        catalog.add_custom_voices(&config.home.join("voices").join("custom"));
        for p in &catalog.problems {
            tracing::warn!(path = %p.path.display(), "voice skipped: {}", p.reason);
        }
        Ok(Engine {
            config,
            catalog,
            piper: Mutex::new(HashMap::new()),
            kokoro: Mutex::new(None),
        })
    }

    pub fn catalog(&self) -> &VoiceCatalog {
        &self.catalog
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    fn piper_runtime(
        &self,
        files: &Arc<PiperVoiceFiles>,
    ) -> Result<Arc<PiperRuntime>, EngineError> {
        let mut map = self.piper.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(rt) = map.get(&files.id) {
            return Ok(rt.clone());
        }
        let (env, shared) = self.environment()?;
        let rt = Arc::new(PiperRuntime {
            files: files.clone(),
            sessions: crate::sessions::VoiceSessions::new(
                env,
                files.onnx.clone(),
                self.config.wide_threads,
                self.config.narrow_sessions,
                self.config.split_voices,
                shared,
            ),
        });
        map.insert(files.id, rt.clone());
        Ok(rt)
    }

    /// onnxruntime (loaded on first use), and whether wide sessions run
    /// on its shared pool: they do when it was made with this engine's
    /// thread count (else each gets its own).
    fn environment(&self) -> Result<(ort::environment::Environment, bool), EngineError> {
        let env = runtime::environment(
            self.config.ort_library.as_deref(),
            &self.config.home,
            self.config.wide_threads,
        )?;
        let shared =
            self.config.wide_threads > 1 && runtime::shared_threads() == self.config.wide_threads;
        Ok((env, shared))
    }

    fn kokoro_sessions(
        &self,
        files: &crate::kokoro::KokoroFiles,
    ) -> Result<Arc<crate::kokoro::KokoroSessions>, EngineError> {
        let mut slot = self.kokoro.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = slot.as_ref() {
            return Ok(s.clone());
        }
        let (env, shared) = self.environment()?;
        let s = Arc::new(crate::kokoro::KokoroSessions::new(
            env,
            files.model.clone(),
            self.config.wide_threads,
            self.config.narrow_sessions,
            shared,
        ));
        *slot = Some(s.clone());
        Ok(s)
    }

    /// Loads a voice's wide session and `narrow` narrow ones ahead of use
    /// (server start, benchmarks), so first requests do not pay ~0.4 s each.
    pub fn warm(&self, voice: &str, narrow: usize) -> Result<(), EngineError> {
        let entry = self.resolve_voice(&SynthesisRequest {
            voice: Some(voice.to_string()),
            ..SynthesisRequest::new("")
        })?;
        if let VoiceSource::Kokoro(v) = &entry.source {
            let sessions = self.kokoro_sessions(&v.files)?;
            let mut tokens = Vec::new();
            crate::kokoro::ipa_to_tokens(&v.files.vocab, "həlˈO wˈɜɹld.", &mut tokens);
            let style = v.style()?;
            sessions.warm(narrow, &tokens, style.row(tokens.len()))?;
        }
        if let VoiceSource::Piper(files) = &entry.source {
            let rt = self.piper_runtime(files)?;
            let ids = piper::phoneme_ids(&files.config, "həlˈoʊ wˈɜːld.");
            rt.sessions
                .warm(narrow, &ids, default_scales(&files.config))?;
        }
        Ok(())
    }

    /// Finds the voice a request means, checking model and language.
    /// A voice may be a blend of Kokoro voices (`af_bella:2+af_sky:1`).
    pub fn resolve_voice(&self, req: &SynthesisRequest) -> Result<CatalogEntry, EngineError> {
        let engine = match req
            .model
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
        {
            Some(m) => Some(
                EngineKind::from_model_id(m)
                    .ok_or_else(|| EngineError::ModelNotFound(m.to_string()))?,
            ),
            None => None,
        };
        let lang = req
            .language
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.eq_ignore_ascii_case("auto"));
        let auto = req
            .language
            .as_deref()
            .is_some_and(|l| l.trim().eq_ignore_ascii_case("auto"));
        let entry = match req
            .voice
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            Some(v) => {
                let e = match self.catalog.resolve(v, None) {
                    Ok(e) => e.clone(),
                    Err(EngineError::VoiceNotFound(missing)) => match self.catalog.resolve_blend(v)
                    {
                        Some(blend) => blend?,
                        None => return Err(EngineError::VoiceNotFound(missing)),
                    },
                    Err(e) => return Err(e),
                };
                if let Some(k) = engine {
                    if e.info.engine != k {
                        return Err(EngineError::invalid(
                            "voice",
                            format!(
                                "voice '{}' belongs to model {}, not {}",
                                e.info.name,
                                e.info.model_id,
                                k.model_id()
                            ),
                        ));
                    }
                }
                e
            }
            None => {
                let detected = if auto {
                    detect_language(&req.text)
                } else {
                    None
                };
                match detected
                    .as_deref()
                    .and_then(|d| self.default_voice_for(engine, Some(d)))
                {
                    Some(e) => e.clone(),
                    None => self
                        .default_voice_for(engine, lang)
                        .ok_or_else(|| match lang {
                            Some(l) => EngineError::InvalidLanguage {
                                language: l.to_string(),
                                voice: "(default)".into(),
                                spoken: "no installed voice speaks it".into(),
                            },
                            None => EngineError::VoiceNotFound(
                                "(default voice; run scripts/setup.sh)".into(),
                            ),
                        })?
                        .clone(),
                }
            }
        };
        if let Some(l) = lang {
            if !entry.info.speaks(l) {
                return Err(EngineError::InvalidLanguage {
                    language: l.to_string(),
                    voice: entry.info.name.clone(),
                    spoken: entry.info.languages.join(", "),
                });
            }
        }
        Ok(entry)
    }

    /// The default voice of `engine` (any engine when None: neural ones
    /// first) for `language`.
    fn default_voice_for(
        &self,
        engine: Option<EngineKind>,
        language: Option<&str>,
    ) -> Option<&CatalogEntry> {
        match engine {
            Some(_) => self.catalog.default_voice(engine, language),
            None => EngineKind::ALL
                .iter()
                .find_map(|&k| self.catalog.default_voice(Some(k), language)),
        }
    }

    /// Validates the request and starts synthesis; errors in the request
    /// come back here, before any audio.
    pub fn synthesize(&self, req: SynthesisRequest) -> Result<ChunkStream, EngineError> {
        let entry = self.resolve_voice(&req)?;
        validate(&req)?;
        let script = frontend::script(&req.text, &req.dictionaries)?;
        if !script.has_speech() {
            return Err(EngineError::EmptyText);
        }
        // Kokoro pays a fixed cost and a silence at both ends per inference,
        // so a whole file goes faster in longer chunks; a stream keeps
        // sentence-sized ones, each ready before the one before has played.
        let merge = (matches!(entry.source, VoiceSource::Kokoro(_)) && !req.low_latency)
            .then_some(MAX_CHUNK_CHARS);
        let plan = frontend::plan_merged(&script, req.sentence_pause.max(0.0), merge);
        let chunks = plan.iter().filter(|s| matches!(s, Step::Speak(_))).count();
        if chunks == 0 {
            return Err(EngineError::EmptyText);
        }
        let (tx, rx) = flume::bounded(8);
        let text_len = req.text.len();
        let info = entry.info.clone();
        let sample_rate = info.sample_rate;

        let timestamps = req.word_timestamps;
        // The normalizer reads by the language the caller named, else the voice's.
        let lang_tag = req
            .language
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.eq_ignore_ascii_case("auto"))
            .map(str::to_string)
            .or_else(|| info.languages.first().cloned())
            .unwrap_or_default();
        let reader = Reader {
            lang_tag,
            normalize: req.normalize,
        };
        // A chunk and its number -> audio pieces with their words, handed
        // to the sink as they are made.
        // `first`: the request's first chunk (its audio is awaited, so it
        // may come in small windows); `priority`: its place among waiters.
        type Job =
            Box<dyn FnMut(&Chunk, bool, u64, &mut PieceSink<'_>) -> Result<(), EngineError> + Send>;
        let low_latency = req.low_latency;
        let speed = req.speed;
        let job: Job = match &entry.source {
            VoiceSource::Piper(files) => {
                let rt = self.piper_runtime(files)?;
                let scales = piper_scales(&files.config, &req)?;
                let natural_length = default_scales(&files.config).length_scale;
                let speaker = piper_speaker(files, req.speaker.as_deref())?;
                let espeak_voice = files.espeak_voice();
                Box::new(
                    move |chunk: &Chunk, first: bool, priority: u64, sink: &mut PieceSink<'_>| {
                        let clauses = frontend::phonemize(chunk, &espeak_voice, &reader)?;
                        if clauses.iter().all(|c| c.phonemes.trim().is_empty()) {
                            return Ok(());
                        }
                        let config = &rt.files.config;
                        let get =
                            |s: &str| config.phoneme_id_map.get(s).cloned().unwrap_or_default();
                        let mut ids = get("^");
                        ids.extend(get("_"));
                        let mut spans = Vec::with_capacity(clauses.len());
                        for c in &clauses {
                            let start = ids.len();
                            piper::body_ids(config, &c.phonemes, &mut ids);
                            spans.push(start..ids.len());
                        }
                        ids.extend(get("$"));
                        // Words are known before any audio: durations come first.
                        let word_times = |d: &[f32], total: usize| -> Vec<WordTiming> {
                            let clause_ids: Vec<ClauseIds> = clauses
                                .iter()
                                .zip(spans.iter())
                                .map(|(c, span)| ClauseIds {
                                    ids: span.clone(),
                                    words: c
                                        .words
                                        .iter()
                                        .map(|w| (w.source.clone(), w.phoneme_count(&espeak_voice)))
                                        .collect(),
                                })
                                .collect();
                            let mask = align::speech_mask(config, &ids);
                            align::merge_same_source(align::align(
                                &clause_ids,
                                &mask,
                                d,
                                total,
                                config.audio.sample_rate,
                            ))
                        };
                        // Only the first chunk needs its audio within the sentence.
                        let windows = low_latency && first;
                        let mut emit =
                            |audio: Vec<f32>, durations: Option<&[f32]>, total: usize| {
                                let words = match (durations, timestamps) {
                                    (Some(d), true) => word_times(d, total),
                                    _ => Vec::new(),
                                };
                                sink(audio, words)
                            };
                        let scales = Scales {
                            length_scale: natural_length / effective_speed(speed, chunk.rate),
                            ..scales
                        };
                        rt.sessions
                            .run(&ids, scales, speaker, priority, windows, &mut emit)
                    },
                )
            }
            VoiceSource::Kokoro(voice) => {
                if let Some(why) = &voice.unavailable {
                    return Err(EngineError::invalid(
                        "voice",
                        format!("voice '{}' is unavailable: {why}", info.name),
                    ));
                }
                if req.speaker.is_some() {
                    return Err(EngineError::invalid(
                        "speaker",
                        "Kokoro voices have a single speaker (blend voices instead)",
                    ));
                }
                let sessions = self.kokoro_sessions(&voice.files)?;
                let style = voice.style()?;
                let files = voice.files.clone();
                let espeak_voice = voice.espeak;
                let speed = req.speed;
                Box::new(
                    move |chunk: &Chunk, first: bool, priority: u64, sink: &mut PieceSink<'_>| {
                        let clauses = frontend::phonemize(chunk, espeak_voice, &reader)?;
                        let clauses = crate::kokoro::clause_tokens(
                            &files,
                            espeak_voice,
                            &clauses,
                            timestamps,
                        );
                        // Kokoro has no audio before its whole utterance: the
                        // first utterance of a streamed request is cut short.
                        let utterances = crate::kokoro::utterances(
                            clauses,
                            files.vocab.get(&' ').copied(),
                            low_latency && first,
                        );
                        crate::kokoro::speak(
                            &sessions,
                            &files,
                            &style,
                            utterances,
                            effective_speed(speed, chunk.rate),
                            priority,
                            timestamps,
                            sink,
                        )?;
                        Ok(())
                    },
                )
            }
            VoiceSource::Espeak(name) => {
                if req.speaker.is_some() {
                    return Err(EngineError::invalid(
                        "speaker",
                        "espeak-ng voices have a single speaker",
                    ));
                }
                let name = name.clone();
                Box::new(
                    move |chunk: &Chunk, _first: bool, _priority: u64, sink: &mut PieceSink<'_>| {
                        let text = frontend::spoken_text(chunk, &reader);
                        let wpm = (175.0 * effective_speed(speed, chunk.rate)).round() as i32;
                        let mut out = Vec::new();
                        hark_espeak::synthesize(&name, &text, wpm, |s| {
                            out.extend(s.iter().map(|&v| v as f32 / 32768.0));
                            true
                        })?;
                        sink(out, Vec::new());
                        Ok(())
                    },
                )
            }
        };

        let text = req.text;
        let priority_base = req.priority_offset
            + if req.background {
                BACKGROUND_PRIORITY
            } else {
                0
            };
        let mut job = job;
        std::thread::Builder::new()
            .name("hark-synth".into())
            .spawn(move || {
                let mut index = 0usize;
                // Where the last chunk was, for silences after it.
                let mut at: Range<usize> = 0..0;
                for step in plan {
                    if tx.is_disconnected() {
                        tracing::debug!(index, "client gone; synthesis stopped");
                        return;
                    }
                    match step {
                        Step::Speak(chunk) => {
                            let range = chunk.source.clone();
                            let mut send = |samples: Vec<f32>, mut words: Vec<WordTiming>| {
                                for w in &mut words {
                                    if let Some(t) = text.get(w.text.clone()) {
                                        w.word = t.to_string();
                                    }
                                }
                                let chunk = AudioChunk {
                                    samples,
                                    text: range.clone(),
                                    index,
                                    words,
                                };
                                tx.send(Ok(chunk)).is_ok()
                            };
                            let priority = priority_base + index as u64;
                            if let Err(e) = job(&chunk, index == 0, priority, &mut send) {
                                let _ = tx.send(Err(e));
                                return;
                            }
                            at = range;
                            index += 1;
                        }
                        Step::Silence { seconds, .. } => {
                            let n = (seconds * sample_rate as f32) as usize;
                            let silence = AudioChunk {
                                samples: vec![0.0; n],
                                text: at.end..at.end,
                                index: index.saturating_sub(1),
                                words: Vec::new(),
                            };
                            if n > 0 && tx.send(Ok(silence)).is_err() {
                                return;
                            }
                        }
                    }
                }
            })
            .map_err(|e| EngineError::Inference(format!("cannot start a synthesis thread: {e}")))?;

        Ok(ChunkStream {
            rx,
            voice: info,
            sample_rate,
            text_len,
            chunks,
        })
    }
}

fn default_scales(c: &piper::PiperConfig) -> Scales {
    Scales {
        noise_scale: c.inference.noise_scale,
        length_scale: c.inference.length_scale,
        noise_w: c.inference.noise_w,
    }
}

fn validate(req: &SynthesisRequest) -> Result<(), EngineError> {
    if !req.speed.is_finite() || !(MIN_SPEED..=MAX_SPEED).contains(&req.speed) {
        return Err(EngineError::invalid(
            "speed",
            format!(
                "{} is out of range: must be {MIN_SPEED}-{MAX_SPEED}",
                req.speed
            ),
        ));
    }
    for (param, v) in [("noise_scale", req.noise_scale), ("noise_w", req.noise_w)] {
        if let Some(v) = v {
            if !v.is_finite() || !(0.0..=2.0).contains(&v) {
                return Err(EngineError::invalid(
                    param,
                    format!("{v} is out of range: must be 0-2"),
                ));
            }
        }
    }
    if !req.sentence_pause.is_finite() || !(0.0..=10.0).contains(&req.sentence_pause) {
        return Err(EngineError::invalid(
            "sentence_pause",
            "must be 0-10 seconds",
        ));
    }
    let chars = req.text.chars().count();
    if let Some(max) = req.max_chars {
        if chars > max {
            return Err(EngineError::TextTooLong { len: chars, max });
        }
    }
    if !req.text.chars().any(|c| c.is_alphanumeric()) {
        return Err(EngineError::EmptyText);
    }
    Ok(())
}

fn piper_scales(c: &piper::PiperConfig, req: &SynthesisRequest) -> Result<Scales, EngineError> {
    let d = default_scales(c);
    Ok(Scales {
        noise_scale: req.noise_scale.unwrap_or(d.noise_scale),
        length_scale: d.length_scale / req.speed,
        noise_w: req.noise_w.unwrap_or(d.noise_w),
    })
}

fn piper_speaker(
    files: &PiperVoiceFiles,
    speaker: Option<&str>,
) -> Result<Option<i64>, EngineError> {
    let Some(s) = speaker.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let n = files.config.num_speakers as i64;
    if let Some(&id) = files.config.speaker_id_map.get(s) {
        return Ok(Some(id));
    }
    match s.parse::<i64>() {
        Ok(id) if (0..n).contains(&id) => Ok(Some(id)),
        Ok(id) => Err(EngineError::invalid(
            "speaker",
            format!(
                "speaker {id} is out of range: this voice has {n} speaker(s), 0-{}",
                n - 1
            ),
        )),
        Err(_) => Err(EngineError::invalid(
            "speaker",
            format!("this voice has no speaker named '{s}'"),
        )),
    }
}

/// The chunk ranges plain `text` is synthesized in (see
/// [`frontend::chunk_ranges`]), each with whether it ends a sentence.
pub fn plan_chunks(text: &str) -> Vec<(Range<usize>, bool)> {
    frontend::chunk_ranges(text, true)
}

/// Confidence below which `language: "auto"` keeps the default voice.
const MIN_LANGUAGE_CONFIDENCE: f64 = 0.75;

/// The language of `text` as a two-letter tag (`language: "auto"`), when
/// the detector is confident; markup is left out of the guess.
pub fn detect_language(text: &str) -> Option<String> {
    let plain = if hark_text::markup::is_ssml(text) {
        hark_text::markup::parse(text).ok()?.to_text()
    } else {
        text.to_string()
    };
    let info = whatlang::detect(&plain)?;
    // whatlang's own "reliable" flag is strict for a sentence or two
    // (0.87 for a plain 13-word Spanish sentence); a wrong guess switches
    // voices, so still ask for a clear margin.
    if !info.is_reliable() && info.confidence() < MIN_LANGUAGE_CONFIDENCE {
        return None;
    }
    let lang = isolang::Language::from_639_3(info.lang().code())?;
    Some(lang.to_639_1()?.to_string())
}

/// The request's speed times a `<prosody rate>`, kept in the speed range.
fn effective_speed(speed: f32, rate: f32) -> f32 {
    (speed * rate).clamp(MIN_SPEED, MAX_SPEED)
}
