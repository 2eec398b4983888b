//! The one internal speech request every dialect translates into, and the
//! three ways its audio leaves: whole, chunked, or as Server-Sent Events.

use std::time::Instant;

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures::stream::{self, Stream};
use hark_audio::{AudioPipeline, OutputFormat};
use hark_engine::{ChunkStream, ErrorCode, SynthesisRequest, WordTiming};

use crate::app::error::ApiError;
use crate::app::state::{AppState, Permit};

/// A validated request: what to say, how, and in which format.
#[derive(Debug, Clone)]
pub struct SpeechRequest {
    pub synthesis: SynthesisRequest,
    pub format: OutputFormat,
    /// Which dialect it came in through, for metrics and logs.
    pub dialect: &'static str,
}

/// A started synthesis whose audio is encoded as it comes.
pub struct EncodedStream {
    chunks: ChunkStream,
    pipeline: AudioPipeline,
    /// Container header, sent with the first audio.
    header: Option<Vec<u8>>,
    finished: bool,
    /// Held until the stream is dropped, so admission counts are exact
    /// (None: background work, see [`EncodedStream::start_background`]).
    _permit: Option<Permit>,
    started: Instant,
    first_audio: Option<f64>,
    dialect: &'static str,
    /// Characters of the request text, for usage.
    pub chars: usize,
    /// Native-rate samples so far: the time base of word timestamps.
    native_samples: usize,
    /// When the request must be done.
    deadline: tokio::time::Instant,
    /// Whose usage the audio counts as, once it is done or dropped.
    meter: Option<Meter>,
}

/// Where a stream's seconds of audio are counted.
struct Meter {
    store: std::sync::Arc<dyn hark_store::Store>,
    key_id: Option<uuid::Uuid>,
    model: &'static str,
}

impl EncodedStream {
    /// Admits the request, validates it and starts synthesis. Request
    /// errors surface here, before any response is sent.
    pub async fn start(state: &AppState, req: SpeechRequest) -> Result<Self, ApiError> {
        let started = Instant::now();
        let permit = state.admit().await?;
        Self::begin(state, req, Some(permit), started).await
    }

    /// Starts background work (async jobs) without taking an admission
    /// slot: the job workers are few and fixed, so requests never wait
    /// behind jobs for a slot, and the jobs' chunks wait behind theirs.
    pub async fn start_background(state: &AppState, req: SpeechRequest) -> Result<Self, ApiError> {
        Self::begin(state, req, None, Instant::now()).await
    }

    async fn begin(
        state: &AppState,
        req: SpeechRequest,
        permit: Option<Permit>,
        started: Instant,
    ) -> Result<Self, ApiError> {
        let mut synthesis = req.synthesis;
        synthesis.max_chars = Some(state.config.max_chars);
        let chars = synthesis.text.chars().count();
        // Validate the format before spending anything on synthesis.
        req.format.validate()?;
        let engine = state.engine.clone();
        // May load a session (~0.4 s) on first use: off the async threads.
        let chunks = tokio::task::spawn_blocking(move || engine.synthesize(synthesis))
            .await
            .map_err(|e| {
                ApiError::new(ErrorCode::Internal, format!("synthesis task failed: {e}"))
            })??;
        // Bill the request's caller (and enforce its monthly quota) once the
        // request has proven valid; dropping `chunks` on refusal stops it.
        let model = chunks.voice.model_id;
        let meter = match crate::app::auth::current() {
            Some(caller) => {
                crate::app::usage::charge(state, &caller, model, chars, text_param(req.dialect))
                    .await?;
                Some(Meter {
                    store: state.store.clone(),
                    key_id: caller.principal.key_id,
                    model,
                })
            }
            None => None,
        };
        let mut pipeline = AudioPipeline::new(chunks.sample_rate, &req.format)?;
        let header = pipeline.header();
        metrics::counter!("hark_requests_total", "dialect" => req.dialect).increment(1);
        metrics::counter!("hark_characters_total").increment(chars as u64);
        Ok(EncodedStream {
            chunks,
            pipeline,
            header: Some(header),
            finished: false,
            _permit: permit,
            started,
            first_audio: None,
            dialect: req.dialect,
            chars,
            native_samples: 0,
            deadline: tokio::time::Instant::from_std(started) + state.config.request_deadline,
            meter,
        })
    }

    pub fn format(&self) -> &OutputFormat {
        self.pipeline.format()
    }

    /// The next encoded bytes (the first call's include the header), or
    /// None at the end. Empty results are skipped.
    pub async fn next_bytes(&mut self) -> Option<Result<Bytes, ApiError>> {
        self.next_piece().await.map(|r| r.map(|(b, _)| b))
    }

    /// Like [`next_bytes`](Self::next_bytes), with the words whose audio
    /// the chunk holds (times in seconds from the start of the audio).
    pub async fn next_piece(&mut self) -> Option<Result<(Bytes, Vec<WordTiming>), ApiError>> {
        let mut words = Vec::new();
        loop {
            if self.finished {
                return None;
            }
            let mut out = self.header.take().unwrap_or_default();
            let next = match tokio::time::timeout_at(self.deadline, self.chunks.next_async()).await
            {
                Ok(next) => next,
                Err(_) => {
                    // Dropping the stream (with `self`) stops the synthesis.
                    self.finished = true;
                    tracing::warn!("request deadline exceeded");
                    return Some(Err(ApiError::new(
                        ErrorCode::Overloaded,
                        "the request took longer than the server's deadline",
                    )
                    .retry_after(1)));
                }
            };
            match next {
                Some(Ok(chunk)) => {
                    let offset = self.native_samples as f64 / self.chunks.sample_rate as f64;
                    self.native_samples += chunk.samples.len();
                    words.extend(chunk.words.into_iter().map(|mut w| {
                        w.start += offset;
                        w.end += offset;
                        w
                    }));
                    match self.pipeline.push(&chunk.samples) {
                        Ok(b) => out.extend_from_slice(&b),
                        Err(e) => return Some(Err(e.into())),
                    }
                }
                Some(Err(e)) => {
                    self.finished = true;
                    return Some(Err(e.into()));
                }
                None => {
                    self.finished = true;
                    match self.pipeline.finish() {
                        Ok(b) => out.extend_from_slice(&b),
                        Err(e) => return Some(Err(e.into())),
                    }
                    self.record_done();
                }
            }
            if !out.is_empty() {
                if self.first_audio.is_none() {
                    let t = self.started.elapsed().as_secs_f64();
                    self.first_audio = Some(t);
                    metrics::histogram!("hark_time_to_first_byte_seconds", "dialect" => self.dialect).record(t);
                }
                return Some(Ok((Bytes::from(out), words)));
            }
        }
    }

    fn record_done(&self) {
        let wall = self.started.elapsed().as_secs_f64();
        let audio = self.pipeline.duration().as_secs_f64();
        metrics::histogram!("hark_synthesis_seconds").record(wall);
        metrics::counter!("hark_audio_seconds_total").increment(audio.round() as u64);
        if audio > 0.0 {
            metrics::histogram!("hark_real_time_factor").record(wall / audio);
        }
        tracing::info!(
            dialect = self.dialect,
            chars = self.chars,
            audio_s = audio,
            wall_s = wall,
            "synthesis done"
        );
    }

    /// Everything, for whole-file responses; WAV headers carry true sizes.
    pub async fn collect(self) -> Result<Vec<u8>, ApiError> {
        Ok(self.collect_with_words().await?.0)
    }

    /// Everything, with all word timestamps.
    pub async fn collect_with_words(mut self) -> Result<(Vec<u8>, Vec<WordTiming>), ApiError> {
        self.collect_in_place().await
    }

    /// Everything, with word timestamps, the seconds of audio and the
    /// model that spoke (async jobs).
    pub async fn collect_timed(
        mut self,
    ) -> Result<(Vec<u8>, Vec<WordTiming>, f64, &'static str), ApiError> {
        let (all, words) = self.collect_in_place().await?;
        Ok((all, words, self.audio_seconds(), self.chunks.voice.model_id))
    }

    async fn collect_in_place(&mut self) -> Result<(Vec<u8>, Vec<WordTiming>), ApiError> {
        let mut all = Vec::new();
        let mut words = Vec::new();
        while let Some(piece) = self.next_piece().await {
            let (b, w) = piece?;
            all.extend_from_slice(&b);
            words.extend(w);
        }
        if let Some(h) = self.pipeline.final_header() {
            if h.len() <= all.len() {
                all[..h.len()].copy_from_slice(&h);
            }
        }
        Ok((all, words))
    }

    /// Seconds of audio produced so far.
    pub fn audio_seconds(&self) -> f64 {
        self.pipeline.duration().as_secs_f64()
    }

    /// A chunked HTTP body that ends early, and stops synthesis, when the
    /// client goes away (the body is dropped with the stream in it).
    pub fn into_body_stream(self) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send {
        stream::unfold(self, |mut s| async move {
            match s.next_bytes().await? {
                Ok(b) => Some((Ok(b), s)),
                Err(e) => {
                    tracing::warn!(
                        code = e.code.as_str(),
                        "stream ended with an error: {}",
                        e.message
                    );
                    Some((Err(std::io::Error::other(e.message)), s))
                }
            }
        })
    }
}

impl Drop for EncodedStream {
    /// Counts the audio made, whole or (client gone, error) partial.
    fn drop(&mut self) {
        let Some(m) = self.meter.take() else {
            return;
        };
        let secs = self.pipeline.duration().as_secs_f64();
        if secs <= 0.0 {
            return;
        }
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                crate::app::usage::record_audio(&*m.store, m.key_id, m.model, secs).await;
            });
        }
    }
}

/// Whole audio in one response body.
pub async fn whole_response(stream: EncodedStream) -> Result<Response, ApiError> {
    let mime = stream.format().mime_type();
    let bytes = stream.collect().await?;
    Ok(audio_response(mime, Body::from(bytes)))
}

/// Chunked audio: bytes leave as each chunk is synthesized.
pub fn streaming_response(stream: EncodedStream) -> Response {
    let mime = stream.format().mime_type();
    audio_response(mime, Body::from_stream(stream.into_body_stream()))
}

fn audio_response(mime: &'static str, body: Body) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    r
}

/// The field that holds the text in each dialect's body, for errors about
/// the text (a quota refusal names the field the client sent).
pub fn text_param(dialect: &str) -> &'static str {
    match dialect {
        "transcript" => "transcript",
        "openai" | "async" => "input",
        _ => "text",
    }
}
