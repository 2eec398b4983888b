//! The Waves WebSocket, `GET /waves/v1/tts/live`: every message carries the
//! whole request (text, voice_id, model, sample_rate, speed, language,
//! output_format, word_timestamps) and how it continues: `continue: true`
//! appends to the utterance of its `context_id`; `continue: false` (or
//! absent) or `flush: true` ends it, answered by one `complete` after its
//! audio; `cancel_request` stops it. Audio goes out as `chunk` messages,
//! word times as `word_timestamp` messages.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::Extension;
use base64::Engine as _;
use hark_engine::SynthesisRequest;
use serde::Deserialize;
use serde_json::{json, Value};

use super::asyncflow::round_ms;
use super::session::{Out, Realtime};
use super::{parse, Dialect, Reply, MAX_MESSAGE_BYTES};
use crate::app::auth::Caller;
use crate::app::error::ApiError;
use crate::app::state::AppState;
use crate::http::dialect::{check_speed, output_format};

/// `GET /waves/v1/tts/live`: the key in `Authorization: Bearer` (or the
/// other usual ways), checked before the upgrade.
/// `?timeout=SECS` sets this connection's idle timeout (as the provider's
/// API does; 1 s to an hour).
pub async fn upgrade(
    ws: WebSocketUpgrade,
    State(mut state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<TimeoutQuery>,
) -> Response {
    if let Some(secs) = q.timeout {
        let mut config = (*state.config).clone();
        config.realtime_idle = Duration::from_secs(secs.clamp(1, 3600));
        state.config = std::sync::Arc::new(config);
    }
    ws.max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| {
            super::serve_socket(socket, state, caller, "waves", Waves::default())
        })
}

#[derive(Debug, Deserialize)]
pub struct TimeoutQuery {
    timeout: Option<u64>,
}

/// A message; every field may also be `null` (SDKs send unset fields so).
#[derive(Debug, Default, Deserialize)]
struct Msg {
    text: Option<String>,
    voice_id: Option<String>,
    model: Option<String>,
    sample_rate: Option<u32>,
    speed: Option<f32>,
    language: Option<String>,
    output_format: Option<String>,
    word_timestamps: Option<bool>,
    context_id: Option<String>,
    /// Absent: the message is a whole utterance.
    #[serde(rename = "continue")]
    continues: Option<bool>,
    flush: Option<bool>,
    cancel_request: Option<bool>,
    /// How long text may wait for its sentence to end (`max_buffer_flush_ms`
    /// in the older protocol; 0 there means no limit).
    max_buffer_delay_ms: Option<u64>,
    max_buffer_flush_ms: Option<u64>,
    pronunciation_dicts: Option<Vec<String>>,
}

/// Default rate when a message names none.
const DEFAULT_RATE: u32 = 24_000;
/// Longest `max_buffer_delay_ms` honoured.
const MAX_BUFFER_DELAY_MS: u64 = 60_000;

/// One utterance's identity on the wire.
struct Utterance {
    request_id: String,
    timestamps: bool,
}

#[derive(Default)]
pub struct Waves {
    /// Open utterances by context.
    open: HashMap<String, Utterance>,
    /// Contexts whose utterance was refused: text dropped until it ends.
    refused: HashSet<String>,
}

impl Waves {
    fn error(context: Option<&str>, e: &ApiError) -> Value {
        let mut v = json!({"status": "error", "message": e.message, "code": e.code.as_str()});
        if let Some(c) = context.filter(|c| !c.is_empty()) {
            v["context_id"] = json!(c);
        }
        v
    }

    fn complete(context: &str, request_id: Option<&str>) -> Value {
        let mut v = json!({"status": "complete"});
        if !context.is_empty() {
            v["context_id"] = json!(context);
        }
        if let Some(r) = request_id {
            v["request_id"] = json!(r);
        }
        v
    }

    /// Opens the utterance of `ctx` with this message's settings.
    async fn open(&mut self, rt: &mut Realtime, ctx: &str, msg: &Msg) -> Result<(), ApiError> {
        let rate = msg.sample_rate.unwrap_or(DEFAULT_RATE);
        let format = match msg.output_format.as_deref().unwrap_or("pcm") {
            "pcm" => output_format("raw", Some("pcm_s16le"), rate, None, "output_format")?,
            "mulaw" => output_format("raw", Some("pcm_mulaw"), rate, None, "output_format")?,
            "alaw" => output_format("raw", Some("pcm_alaw"), rate, None, "output_format")?,
            other => {
                return Err(ApiError::new(
                    hark_engine::ErrorCode::FormatNotRecognized,
                    format!("output_format '{other}': the WebSocket sends pcm, mulaw or alaw"),
                )
                .with_param("output_format"))
            }
        };
        let mut req = SynthesisRequest::new(msg.text.clone().unwrap_or_default());
        req.model = msg.model.clone();
        req.voice = msg.voice_id.clone();
        req.speed = check_speed(msg.speed.unwrap_or(1.0), 0.5, 2.0, "speed")?;
        req.language = msg.language.clone();
        let timestamps = msg.word_timestamps.unwrap_or(false);
        req.word_timestamps = timestamps;
        let dicts = msg.pronunciation_dicts.clone().unwrap_or_default();
        rt.open(ctx, req, &dicts, format).await?;
        self.open.insert(
            ctx.to_string(),
            Utterance {
                request_id: uuid::Uuid::new_v4().to_string(),
                timestamps,
            },
        );
        Ok(())
    }

    /// Ends the utterance of `ctx`: its `complete` follows its audio, or
    /// comes now when it never opened.
    fn end(&mut self, rt: &mut Realtime, ctx: &str) -> Vec<Value> {
        if rt.close(ctx) {
            return Vec::new();
        }
        if self.open.contains_key(ctx) {
            // Closed already; its `complete` is on the way.
            return Vec::new();
        }
        self.refused.remove(ctx);
        vec![Self::complete(ctx, None)]
    }
}

impl Dialect for Waves {
    async fn incoming(&mut self, rt: &mut Realtime, text: &str) -> Reply {
        let msg: Msg = match parse(text) {
            Ok(m) => m,
            Err(e) => return Reply::Send(vec![Self::error(None, &e)]),
        };
        let ctx = msg.context_id.clone().unwrap_or_default();
        if msg.cancel_request == Some(true) {
            if rt.cancel(&ctx) {
                return Reply::Send(Vec::new());
            }
            return Reply::Send(self.end(rt, &ctx));
        }
        let mut out = Vec::new();
        let text = msg.text.as_deref().unwrap_or("");
        if !text.is_empty() && !self.refused.contains(&ctx) {
            if !rt.is_open(&ctx) && !text.trim().is_empty() {
                if let Err(e) = self.open(rt, &ctx, &msg).await {
                    self.refused.insert(ctx.clone());
                    out.push(Self::error(Some(&ctx), &e));
                }
            }
            if rt.is_open(&ctx) {
                let delay = msg
                    .max_buffer_delay_ms
                    .or(msg.max_buffer_flush_ms.filter(|&ms| ms > 0))
                    .map(|ms| Duration::from_millis(ms.min(MAX_BUFFER_DELAY_MS)));
                if let Err(e) = rt.text(&ctx, text, false, delay) {
                    out.push(Self::error(Some(&ctx), &e));
                }
            }
        }
        if msg.continues != Some(true) || msg.flush == Some(true) {
            out.extend(self.end(rt, &ctx));
        }
        Reply::Send(out)
    }

    fn outgoing(&mut self, out: Out) -> Vec<Value> {
        match out {
            Out::Audio {
                context,
                bytes,
                words,
            } => {
                let (request_id, timestamps) = match self.open.get(&*context) {
                    Some(u) => (json!(u.request_id), u.timestamps),
                    None => (Value::Null, false),
                };
                let mut msgs = Vec::new();
                if timestamps {
                    for w in &words {
                        msgs.push(json!({
                            "status": "word_timestamp",
                            "context_id": &*context,
                            "request_id": request_id,
                            "data": {"word": w.word, "start": round_ms(w.start), "end": round_ms(w.end)},
                        }));
                    }
                }
                if !bytes.is_empty() {
                    msgs.push(json!({
                        "status": "chunk",
                        "context_id": &*context,
                        "request_id": request_id,
                        "data": {"audio": base64::engine::general_purpose::STANDARD.encode(&bytes)},
                    }));
                }
                msgs
            }
            Out::Error { context, error } => vec![Self::error(Some(&context), &error)],
            Out::Done { context, .. } => {
                let u = self.open.remove(&*context);
                vec![Self::complete(
                    &context,
                    u.as_ref().map(|u| u.request_id.as_str()),
                )]
            }
        }
    }

    fn not_text(&mut self) -> Vec<Value> {
        vec![Self::error(
            None,
            &ApiError::invalid(
                "message",
                "binary messages are not accepted: send JSON text messages",
            ),
        )]
    }

    fn terminating(&self) -> bool {
        false
    }
}
