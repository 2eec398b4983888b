//! One realtime connection's speech: the engine's [`LiveSession`] with the
//! server's concerns around it (per-key limits, quota and usage through a
//! [`LiveGate`], custom voices and dictionaries from the store, each
//! context's output format), turning engine events into encoded audio for
//! the dialect to wrap. Both WebSocket dialects and the Twilio bridge
//! drive this one type; they translate messages only.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use hark_audio::{AudioPipeline, OutputFormat};
use hark_engine::live::{Hold, LiveConfig, LiveEvent, LiveGate, LiveSession};
use hark_engine::{EngineError, SynthesisRequest, VoiceInfo, WordTiming};

use crate::app::auth::Caller;
use crate::app::error::ApiError;
use crate::app::state::AppState;
use crate::app::{limits, usage};
use crate::http::resolve;

/// What a dialect sends on, in order per context.
#[derive(Debug)]
pub enum Out {
    /// Encoded audio of a context (never empty), with the words it holds
    /// (times in seconds from the context's first audio).
    Audio {
        context: Arc<str>,
        bytes: Vec<u8>,
        words: Vec<WordTiming>,
    },
    /// The context failed; it says nothing more (a [`Out::Done`] follows
    /// when it is closed or cancelled).
    Error { context: Arc<str>, error: ApiError },
    /// The context is over, exactly once: all its audio was sent, or it
    /// was cancelled.
    Done { context: Arc<str>, cancelled: bool },
}

/// A context's output side.
struct Output {
    format: OutputFormat,
    /// Made at the first audio (it needs the voice's rate).
    pipeline: Option<AudioPipeline>,
    /// When its first text arrived, for the time-to-first-audio metric.
    opened: Instant,
    first_audio: bool,
}

pub struct Realtime {
    state: AppState,
    /// Shared with the gate: the Twilio bridge learns its caller from the
    /// stream's first message, after the connection is made.
    caller: Arc<std::sync::Mutex<Caller>>,
    /// Which surface, for metrics and the text field errors name.
    dialect: &'static str,
    live: LiveSession,
    events: flume::Receiver<hark_engine::live::LiveEvent>,
    /// Output of each context instance, by serial.
    outputs: HashMap<u64, Output>,
    /// Serials cancelled: whatever of theirs is still queued is dropped.
    cancelled: HashSet<u64>,
    /// Serial of each open context name.
    serials: HashMap<Arc<str>, u64>,
}

impl Realtime {
    /// A session for `caller` on the `dialect` surface.
    pub fn new(state: &AppState, caller: Caller, dialect: &'static str) -> Self {
        let caller = Arc::new(std::sync::Mutex::new(caller));
        let gate = Arc::new(Gate {
            state: state.clone(),
            caller: caller.clone(),
            runtime: tokio::runtime::Handle::current(),
            param: crate::http::speech::text_param(dialect),
        });
        let (live, events) = LiveSession::new(
            state.engine.clone(),
            gate,
            LiveConfig {
                max_contexts: MAX_CONTEXTS,
                max_buffered_chars: state.config.max_chars,
            },
        );
        Realtime {
            state: state.clone(),
            caller,
            dialect,
            live,
            events,
            outputs: HashMap::new(),
            cancelled: HashSet::new(),
            serials: HashMap::new(),
        }
    }

    /// Who the connection's work is billed to and limited as.
    pub fn caller(&self) -> Caller {
        lock(&self.caller).clone()
    }

    /// Sets who the connection acts for, before any context opens (the
    /// Twilio bridge authenticates in the stream's first message).
    pub fn set_caller(&mut self, caller: Caller) {
        *lock(&self.caller) = caller;
    }

    /// Whether context `id` is open (takes text).
    pub fn is_open(&self, id: &str) -> bool {
        self.live.is_open(id)
    }

    /// Whether context `id` is open or still speaking (its end is yet to
    /// come).
    pub fn is_live(&self, id: &str) -> bool {
        self.serials.contains_key(id)
    }

    /// Contexts open or still speaking.
    pub fn active(&mut self) -> usize {
        self.live.active()
    }

    /// Opens context `id`: the request's custom voice and dictionaries
    /// resolved against the caller, the format checked, the voice too.
    pub async fn open(
        &mut self,
        id: &str,
        mut request: SynthesisRequest,
        dictionary_ids: &[String],
        format: OutputFormat,
    ) -> Result<(), ApiError> {
        format.validate()?;
        let who = self.caller().principal;
        resolve::custom_voice(&self.state, &who, &mut request).await?;
        request.dictionaries =
            resolve::dictionaries(&self.state, &who, dictionary_ids, "pronunciation_dicts").await?;
        request.max_chars = Some(self.state.config.max_chars);
        request.low_latency = true;
        let serial = self.live.open(id, request)?;
        self.outputs.insert(
            serial,
            Output {
                format,
                pipeline: None,
                opened: Instant::now(),
                first_audio: false,
            },
        );
        self.serials.insert(Arc::from(id), serial);
        Ok(())
    }

    /// Appends text to open context `id` (see [`LiveSession::text`]).
    pub fn text(
        &mut self,
        id: &str,
        text: &str,
        force: bool,
        delay: Option<std::time::Duration>,
    ) -> Result<(), ApiError> {
        Ok(self.live.text(id, text, force, delay)?)
    }

    pub fn flush(&mut self, id: &str) -> Result<(), ApiError> {
        Ok(self.live.flush(id)?)
    }

    /// Ends context `id` after what it holds is spoken; false when it is
    /// not open.
    pub fn close(&mut self, id: &str) -> bool {
        self.live.close(id).is_some()
    }

    /// Stops context `id` now; its queued audio is dropped. False when
    /// there is nothing to stop.
    pub fn cancel(&mut self, id: &str) -> bool {
        let stopped = self.live.cancel(id);
        let any = !stopped.is_empty();
        // Only those whose end is still to come (their Done clears them).
        let live: Vec<u64> = stopped
            .into_iter()
            .filter(|s| self.outputs.contains_key(s))
            .collect();
        self.cancelled.extend(live);
        any
    }

    /// Ends every open context (they finish speaking); how many.
    pub fn close_all(&mut self) -> usize {
        self.live.close_all()
    }

    /// Stops every context now.
    pub fn cancel_all(&mut self) {
        for serial in self.live.cancel_all() {
            if self.outputs.contains_key(&serial) {
                self.cancelled.insert(serial);
            }
        }
    }

    /// The engine's events, to wait on beside the connection's messages
    /// (then [`translate`](Self::translate) each).
    pub fn events(&self) -> flume::Receiver<LiveEvent> {
        self.events.clone()
    }

    /// An engine event as what the dialect sends, or None when there is
    /// nothing to send (a cancelled context's audio, a flush with nothing
    /// held back).
    pub fn translate(&mut self, event: LiveEvent) -> Option<Out> {
        let serial = event.serial();
        let dropped = self.cancelled.contains(&serial);
        match event {
            LiveEvent::Audio {
                context,
                samples,
                sample_rate,
                words,
                ..
            } => {
                if dropped {
                    return None;
                }
                let out = self.outputs.get_mut(&serial)?;
                let pipeline = match &mut out.pipeline {
                    Some(p) => p,
                    None => match AudioPipeline::new(sample_rate, &out.format) {
                        Ok(p) => out.pipeline.insert(p),
                        Err(e) => {
                            return Some(Out::Error {
                                context,
                                error: e.into(),
                            })
                        }
                    },
                };
                let bytes = match pipeline.push(&samples) {
                    Ok(b) => b,
                    Err(e) => {
                        return Some(Out::Error {
                            context,
                            error: e.into(),
                        })
                    }
                };
                if bytes.is_empty() && words.is_empty() {
                    return None;
                }
                if !out.first_audio {
                    out.first_audio = true;
                    metrics::histogram!("hark_time_to_first_byte_seconds", "dialect" => self.dialect)
                        .record(out.opened.elapsed().as_secs_f64());
                }
                Some(Out::Audio {
                    context,
                    bytes,
                    words,
                })
            }
            LiveEvent::UtteranceEnd { context, .. } => {
                if dropped {
                    return None;
                }
                let pipeline = self.outputs.get_mut(&serial)?.pipeline.as_mut()?;
                match pipeline.flush() {
                    Ok(bytes) if bytes.is_empty() => None,
                    Ok(bytes) => Some(Out::Audio {
                        context,
                        bytes,
                        words: Vec::new(),
                    }),
                    Err(e) => Some(Out::Error {
                        context,
                        error: e.into(),
                    }),
                }
            }
            LiveEvent::Error { context, error, .. } => {
                if dropped {
                    return None;
                }
                Some(Out::Error {
                    context,
                    error: error.into(),
                })
            }
            LiveEvent::Done {
                context, cancelled, ..
            } => {
                self.outputs.remove(&serial);
                self.cancelled.remove(&serial);
                if self.serials.get(&context) == Some(&serial) {
                    self.serials.remove(&context);
                }
                metrics::counter!("hark_requests_total", "dialect" => self.dialect).increment(1);
                Some(Out::Done { context, cancelled })
            }
        }
    }
}

/// Contexts one connection may have open or speaking at once (API.md asks
/// for at least 16).
pub const MAX_CONTEXTS: usize = 64;

/// The server's side of a live session's questions: per-key concurrency and
/// rate when a context opens, the monthly quota before each utterance,
/// usage after it.
struct Gate {
    state: AppState,
    caller: Arc<std::sync::Mutex<Caller>>,
    runtime: tokio::runtime::Handle,
    /// The dialect's text field, for quota errors.
    param: &'static str,
}

impl LiveGate for Gate {
    fn open(&self, _context: &str) -> Result<Hold, EngineError> {
        let slot = limits::admit(&self.state, &lock(&self.caller)).map_err(refused)?;
        Ok(Box::new(slot))
    }

    fn utterance(
        &self,
        _context: &str,
        text: &str,
        voice: &VoiceInfo,
    ) -> Result<Hold, EngineError> {
        let chars = text.chars().count();
        let caller = lock(&self.caller).clone();
        self.runtime
            .block_on(usage::charge(
                &self.state,
                &caller,
                voice.model_id,
                chars,
                self.param,
            ))
            .map_err(refused)?;
        metrics::counter!("hark_characters_total").increment(chars as u64);
        Ok(Box::new(()))
    }

    fn spoken(&self, voice: &VoiceInfo, seconds: f64) {
        let store = self.state.store.clone();
        let key = lock(&self.caller).principal.key_id;
        let model = voice.model_id;
        metrics::counter!("hark_audio_seconds_total").increment(seconds.round() as u64);
        self.runtime.spawn(async move {
            usage::record_audio(&*store, key, model, seconds).await;
        });
    }
}

fn lock(c: &std::sync::Mutex<Caller>) -> std::sync::MutexGuard<'_, Caller> {
    c.lock().unwrap_or_else(|p| p.into_inner())
}

/// A refusal from the server's limits, carried through the engine.
fn refused(e: ApiError) -> EngineError {
    EngineError::Refused {
        code: e.code,
        message: e.message,
    }
}
