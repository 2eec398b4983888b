//! A live session: text arrives in pieces (an LLM's tokens), audio leaves
//! utterance by utterance as soon as a clause is known, for many contexts
//! at once. It knows no protocol: the WebSocket dialects and the telephone
//! bridge translate their messages into these calls and these events.
//!
//! Each context (one turn of speech, named by the client) has its own
//! thread, which owns its text buffer ([`IncrementalSplitter`]) and speaks
//! each complete piece as one [`Engine::synthesize`] request, so live text
//! takes the same path as any other: frontend, session pool, priorities.
//! A context's first piece goes out with the in-sentence streaming path
//! (the first audio comes from a few decoded frames), and its chunks wait
//! for sessions behind every context's earlier chunks: a new context's
//! first clause overtakes the tenth sentence of one already playing.
//!
//! Contexts interleave on the one event channel, each context's audio in
//! order. A cancelled context stops at once: its thread stops taking
//! audio (the inference in progress finishes and is dropped) and the
//! caller drops whatever of its audio is still queued ([`LiveEvent::serial`]
//! tells a context from a later one of the same name).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hark_text::incremental::IncrementalSplitter;

use crate::{Engine, EngineError, SynthesisRequest, VoiceInfo, WordTiming};

/// Something held while work goes on (a concurrency slot, an admission
/// ticket), released by dropping it.
pub type Hold = Box<dyn std::any::Any + Send>;

/// Where a live session asks before it spends: the server's per-key limits,
/// quota, admission and usage. [`LiveGate::utterance`] and
/// [`LiveGate::spoken`] are called on the context's own thread (never on an
/// async runtime's), so they may block; [`LiveGate::open`] must not.
pub trait LiveGate: Send + Sync {
    /// A context opens (called on the session's thread, in order); Err
    /// refuses it. The hold lives as long as the context.
    fn open(&self, context: &str) -> Result<Hold, EngineError>;
    /// An utterance of `text` is about to be synthesized with `voice`; the
    /// hold lives until its audio is made.
    fn utterance(&self, context: &str, text: &str, voice: &VoiceInfo) -> Result<Hold, EngineError>;
    /// `seconds` of audio were made by `voice` for one utterance.
    fn spoken(&self, voice: &VoiceInfo, seconds: f64);
}

/// A gate that lets everything through (the CLI, tests, benchmarks).
pub struct OpenGate;

impl LiveGate for OpenGate {
    fn open(&self, _: &str) -> Result<Hold, EngineError> {
        Ok(Box::new(()))
    }
    fn utterance(&self, _: &str, _: &str, _: &VoiceInfo) -> Result<Hold, EngineError> {
        Ok(Box::new(()))
    }
    fn spoken(&self, _: &VoiceInfo, _: f64) {}
}

/// What a live session sends back.
#[derive(Debug)]
pub enum LiveEvent {
    /// Audio of a context, in order, at the voice's own rate. Word times
    /// count from the context's first audio.
    Audio {
        context: Arc<str>,
        serial: u64,
        samples: Vec<f32>,
        sample_rate: u32,
        words: Vec<WordTiming>,
    },
    /// An utterance's audio is complete: more of this context, if any,
    /// may be a while away (a resampler should give out what it holds).
    UtteranceEnd { context: Arc<str>, serial: u64 },
    /// Something went wrong for this context alone; it says nothing more,
    /// but still ends with [`LiveEvent::Done`] once closed or cancelled.
    Error {
        context: Arc<str>,
        serial: u64,
        error: EngineError,
    },
    /// The context is over: all its audio has been sent (closed), or it
    /// was cancelled. Exactly once per opened context.
    Done {
        context: Arc<str>,
        serial: u64,
        cancelled: bool,
    },
}

impl LiveEvent {
    /// Which context instance the event belongs to.
    pub fn serial(&self) -> u64 {
        match self {
            LiveEvent::Audio { serial, .. }
            | LiveEvent::UtteranceEnd { serial, .. }
            | LiveEvent::Error { serial, .. }
            | LiveEvent::Done { serial, .. } => *serial,
        }
    }
}

#[derive(Debug, Clone)]
pub struct LiveConfig {
    /// Contexts open (or still speaking) at once on one session.
    pub max_contexts: usize,
    /// Most characters a context may hold unspoken.
    pub max_buffered_chars: usize,
}

impl Default for LiveConfig {
    fn default() -> Self {
        LiveConfig {
            max_contexts: 64,
            max_buffered_chars: 20_000,
        }
    }
}

/// Audio further ahead of real time than this: the context's next
/// utterance waits for its whole sentence (better prosody) and is decoded
/// whole; below it, the next clause goes as soon as it is known, with its
/// first audio from a few frames.
const AHEAD_FOR_WHOLE_SENTENCES: f64 = 0.5;
/// How often a context waiting on audio looks whether it was cancelled.
const CANCEL_POLL: Duration = Duration::from_millis(20);

enum Cmd {
    /// Text to append; `force` speaks what is buffered now; `delay`: the
    /// longest buffered text may wait for its sentence to end.
    Text {
        text: String,
        force: bool,
        delay: Option<Duration>,
    },
    Flush,
    Close,
    /// Wakes the thread; the flag says why.
    Cancel,
}

struct Handle {
    serial: u64,
    tx: flume::Sender<Cmd>,
    cancel: Arc<AtomicBool>,
    /// Disconnects when the context's thread has ended.
    ended: flume::Receiver<()>,
    /// Closed or cancelled: no more text; it may still be speaking.
    closing: bool,
}

impl Handle {
    fn ended(&self) -> bool {
        self.ended.is_disconnected()
    }
}

/// Per-connection live synthesis (see the module doc).
pub struct LiveSession {
    engine: Arc<Engine>,
    gate: Arc<dyn LiveGate>,
    config: LiveConfig,
    events: flume::Sender<LiveEvent>,
    /// Contexts by name, oldest first: the last may be open; the ones
    /// before it are closing and speak in turn (a name reused while its
    /// previous context still speaks queues behind it).
    contexts: HashMap<Arc<str>, Vec<Handle>>,
    next_serial: u64,
}

impl LiveSession {
    /// A session and the receiver of its events. The channel is bounded:
    /// a consumer that falls behind slows synthesis down instead of
    /// queueing audio without end.
    pub fn new(
        engine: Arc<Engine>,
        gate: Arc<dyn LiveGate>,
        config: LiveConfig,
    ) -> (Self, flume::Receiver<LiveEvent>) {
        let (tx, rx) = flume::bounded(256);
        (
            LiveSession {
                engine,
                gate,
                config,
                events: tx,
                contexts: HashMap::new(),
                next_serial: 1,
            },
            rx,
        )
    }

    /// Whether context `id` is open (takes text).
    pub fn is_open(&self, id: &str) -> bool {
        self.current(id).is_some()
    }

    /// The open context of this name.
    fn current(&self, id: &str) -> Option<&Handle> {
        self.contexts
            .get(id)
            .and_then(|q| q.last())
            .filter(|h| !h.closing)
    }

    /// Contexts open or still speaking.
    pub fn active(&mut self) -> usize {
        for q in self.contexts.values_mut() {
            q.retain(|h| !h.ended());
        }
        self.contexts.retain(|_, q| !q.is_empty());
        self.contexts.values().map(Vec::len).sum()
    }

    /// Opens context `id` speaking as `request` says. Its text, if any,
    /// serves only to pick a voice for `language: "auto"`: the voice is
    /// chosen and checked now (an error refuses the context), and kept for
    /// every utterance. A context of the same name that is still speaking
    /// finishes first. Returns the new context's serial.
    pub fn open(&mut self, id: &str, mut request: SynthesisRequest) -> Result<u64, EngineError> {
        if self.is_open(id) {
            return Err(EngineError::invalid(
                "context_id",
                format!("context '{id}' is already open"),
            ));
        }
        if self.active() >= self.config.max_contexts {
            return Err(EngineError::invalid(
                "context_id",
                format!(
                    "too many contexts on this connection (at most {} open or speaking at once); close or cancel some first",
                    self.config.max_contexts
                ),
            ));
        }
        let voice = self.engine.resolve_voice(&request)?.info;
        // Asked here, in the caller's order: contexts opened one after the
        // other take limited slots in that order.
        let hold = self.gate.open(id)?;
        // Pin the voice: each utterance alone might detect another language.
        if request.voice.as_deref().is_none_or(|v| v.trim().is_empty()) {
            request.voice = Some(voice.id.to_string());
        }
        if request
            .language
            .as_deref()
            .is_some_and(|l| l.trim().eq_ignore_ascii_case("auto"))
        {
            request.language = None;
        }
        request.text.clear();
        let serial = self.next_serial;
        self.next_serial += 1;
        let id: Arc<str> = Arc::from(id);
        let after = self
            .contexts
            .get(&id)
            .and_then(|q| q.last())
            .map(|h| h.ended.clone());
        let (tx, rx) = flume::unbounded();
        let (ended_tx, ended_rx) = flume::bounded::<()>(0);
        let cancel = Arc::new(AtomicBool::new(false));
        let mut worker = Worker {
            engine: self.engine.clone(),
            gate: self.gate.clone(),
            events: self.events.clone(),
            id: id.clone(),
            serial,
            template: request,
            voice,
            cancel: cancel.clone(),
            splitter: IncrementalSplitter::new(),
            max_buffered: self.config.max_buffered_chars,
            failed: false,
            chunks: 0,
            samples: 0,
            first_audio: None,
            _open: hold,
        };
        std::thread::Builder::new()
            .name("hark-live".into())
            .spawn(move || {
                let _ended = ended_tx;
                if let Some(prev) = after {
                    // Returns when the previous context's thread ends.
                    let _ = prev.recv();
                }
                worker.run(rx);
            })
            .map_err(|e| EngineError::Inference(format!("cannot start a context thread: {e}")))?;
        self.contexts.entry(id).or_default().push(Handle {
            serial,
            tx,
            cancel,
            ended: ended_rx,
            closing: false,
        });
        Ok(serial)
    }

    /// Appends text to open context `id`; with `force`, speaks what is
    /// buffered now. `delay`: the longest text may wait for its sentence
    /// to end before it is spoken anyway (None: until forced or closed).
    pub fn text(
        &mut self,
        id: &str,
        text: &str,
        force: bool,
        delay: Option<Duration>,
    ) -> Result<(), EngineError> {
        self.send(
            id,
            Cmd::Text {
                text: text.to_string(),
                force,
                delay,
            },
        )
    }

    /// Speaks what context `id` has buffered now.
    pub fn flush(&mut self, id: &str) -> Result<(), EngineError> {
        self.send(id, Cmd::Flush)
    }

    /// Ends context `id`: what is buffered is spoken, then
    /// [`LiveEvent::Done`]. Returns its serial; None when no such context
    /// is open.
    pub fn close(&mut self, id: &str) -> Option<u64> {
        let h = self
            .contexts
            .get_mut(id)
            .and_then(|q| q.last_mut())
            .filter(|h| !h.closing)?;
        h.closing = true;
        let _ = h.tx.send(Cmd::Close);
        Some(h.serial)
    }

    /// Stops context `id` at once (barge-in), and the closing ones of its
    /// name queued before it: nothing more is synthesized for them, and a
    /// [`LiveEvent::Done`] follows for each. Returns their serials, so the
    /// caller can drop their queued audio (empty: nothing to stop).
    pub fn cancel(&mut self, id: &str) -> Vec<u64> {
        let Some(q) = self.contexts.get_mut(id) else {
            return Vec::new();
        };
        q.iter_mut()
            .filter(|h| !h.ended())
            .map(|h| {
                h.cancel.store(true, Ordering::SeqCst);
                h.closing = true;
                let _ = h.tx.send(Cmd::Cancel);
                h.serial
            })
            .collect()
    }

    /// Closes every open context (they finish speaking); returns how many.
    pub fn close_all(&mut self) -> usize {
        let ids: Vec<Arc<str>> = self.contexts.keys().cloned().collect();
        ids.iter().filter_map(|id| self.close(id)).count()
    }

    /// Cancels every context; returns their serials.
    pub fn cancel_all(&mut self) -> Vec<u64> {
        let ids: Vec<Arc<str>> = self.contexts.keys().cloned().collect();
        ids.iter().flat_map(|id| self.cancel(id)).collect()
    }

    fn send(&mut self, id: &str, cmd: Cmd) -> Result<(), EngineError> {
        match self.current(id) {
            Some(h) => {
                let _ = h.tx.send(cmd);
                Ok(())
            }
            None => Err(EngineError::invalid(
                "context_id",
                format!("context '{id}' is not open"),
            )),
        }
    }
}

impl Drop for LiveSession {
    /// The connection is gone: stop everything, say nothing.
    fn drop(&mut self) {
        for h in self.contexts.values().flatten() {
            h.cancel.store(true, Ordering::SeqCst);
            let _ = h.tx.send(Cmd::Cancel);
        }
    }
}

/// One context's thread.
struct Worker {
    engine: Arc<Engine>,
    gate: Arc<dyn LiveGate>,
    events: flume::Sender<LiveEvent>,
    id: Arc<str>,
    serial: u64,
    /// Voice, speed, language, timestamps... of every utterance.
    template: SynthesisRequest,
    voice: VoiceInfo,
    cancel: Arc<AtomicBool>,
    splitter: IncrementalSplitter,
    max_buffered: usize,
    /// Refused or broken: says nothing more until closed.
    failed: bool,
    /// Chunks spoken so far: where the next utterance's chunks queue.
    chunks: u64,
    /// Samples sent so far, at the voice's rate: the word-time base.
    samples: usize,
    first_audio: Option<Instant>,
    /// The gate's hold for the whole context.
    _open: Hold,
}

impl Worker {
    fn run(&mut self, rx: flume::Receiver<Cmd>) {
        // When buffered text must be spoken even without a sentence end.
        let mut due: Option<Instant> = None;
        loop {
            if self.cancelled() {
                break;
            }
            let cmd = match due {
                Some(t) => match rx.recv_deadline(t) {
                    Ok(c) => Some(c),
                    Err(flume::RecvTimeoutError::Timeout) => None,
                    Err(flume::RecvTimeoutError::Disconnected) => return,
                },
                None => match rx.recv() {
                    Ok(c) => Some(c),
                    // The session is gone: nobody listens.
                    Err(_) => return,
                },
            };
            match cmd {
                Some(Cmd::Text { text, force, delay }) => {
                    if self.failed {
                        continue;
                    }
                    let was_empty = self.splitter.is_empty();
                    self.splitter.push(&text);
                    // Bytes, so at most 4 per character: a bound on memory;
                    // each utterance is held to the limit in characters.
                    let pending = self.splitter.pending_len();
                    if pending > self.max_buffered.saturating_mul(4) {
                        self.splitter.clear();
                        self.fail(EngineError::TextTooLong {
                            len: pending,
                            max: self.max_buffered,
                        });
                        continue;
                    }
                    if force {
                        self.speak_all();
                    } else {
                        while let Some(piece) = self.splitter.ready(self.eager()) {
                            self.speak(piece);
                            if self.cancelled() {
                                break;
                            }
                        }
                    }
                    if self.splitter.is_empty() {
                        due = None;
                    } else if was_empty || due.is_none() {
                        due = delay.map(|d| Instant::now() + d);
                    }
                }
                Some(Cmd::Flush) | None => {
                    self.speak_all();
                    due = None;
                }
                Some(Cmd::Close) => {
                    self.speak_all();
                    break;
                }
                Some(Cmd::Cancel) => {}
            }
        }
        let _ = self.events.send(LiveEvent::Done {
            context: self.id.clone(),
            serial: self.serial,
            cancelled: self.cancelled(),
        });
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    fn fail(&mut self, error: EngineError) {
        if self.failed {
            return;
        }
        self.failed = true;
        let _ = self.events.send(LiveEvent::Error {
            context: self.id.clone(),
            serial: self.serial,
            error,
        });
    }

    /// Seconds of audio sent beyond what has played in real time since
    /// the first audio.
    fn ahead(&self) -> f64 {
        let Some(t0) = self.first_audio else {
            return 0.0;
        };
        let sent = self.samples as f64 / self.voice.sample_rate.max(1) as f64;
        sent - t0.elapsed().as_secs_f64()
    }

    /// Nothing (or little) is playing: speak a clause as soon as it is known.
    fn eager(&self) -> bool {
        self.ahead() < AHEAD_FOR_WHOLE_SENTENCES
    }

    fn speak_all(&mut self) {
        if let Some(rest) = self.splitter.take_all() {
            if !self.failed {
                self.speak(rest);
            }
        }
    }

    /// Synthesizes one utterance and sends its audio as it comes.
    fn speak(&mut self, text: String) {
        if self.failed || self.cancelled() {
            return;
        }
        let chars = text.chars().count();
        if chars > self.max_buffered {
            self.fail(EngineError::TextTooLong {
                len: chars,
                max: self.max_buffered,
            });
            return;
        }
        let _ticket = match self.gate.utterance(&self.id, &text, &self.voice) {
            Ok(t) => t,
            Err(e) => return self.fail(e),
        };
        let mut req = self.template.clone();
        req.text = text;
        req.priority_offset = self.chunks;
        // Audio already well ahead: decode whole, as the unsplit voice would.
        req.low_latency = self.eager();
        let stream = match self.engine.synthesize(req) {
            Ok(s) => s,
            // Only punctuation or symbols: nothing to say, nothing wrong.
            Err(EngineError::EmptyText) => return,
            Err(e) => return self.fail(e),
        };
        let rate = stream.sample_rate;
        let mut made = 0usize;
        loop {
            if self.cancelled() {
                // Dropping the stream stops its synthesis after the
                // inference in progress.
                break;
            }
            let chunk = match stream.next_timeout(CANCEL_POLL) {
                Some(Ok(Some(c))) => c,
                Some(Ok(None)) => break,
                Some(Err(e)) => {
                    self.fail(e);
                    break;
                }
                None => continue,
            };
            let offset = self.samples as f64 / rate as f64;
            let words = chunk
                .words
                .into_iter()
                .map(|mut w| {
                    w.start += offset;
                    w.end += offset;
                    w
                })
                .collect();
            self.samples += chunk.samples.len();
            made += chunk.samples.len();
            self.chunks += 1;
            self.first_audio.get_or_insert_with(Instant::now);
            let sent = self.events.send(LiveEvent::Audio {
                context: self.id.clone(),
                serial: self.serial,
                samples: chunk.samples,
                sample_rate: rate,
                words,
            });
            if sent.is_err() {
                break;
            }
        }
        if made > 0 {
            self.gate.spoken(&self.voice, made as f64 / rate as f64);
            let _ = self.events.send(LiveEvent::UtteranceEnd {
                context: self.id.clone(),
                serial: self.serial,
            });
        }
    }
}
