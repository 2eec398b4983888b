//! The AsyncFlow WebSocket, `GET /text_to_speech/websocket/ws`: an init
//! message (model, voice, output format, language, timestamps), then
//! transcript deltas per `context_id`, `force` to speak what is buffered,
//! `close_context` or an empty transcript to end a context (answered by one
//! `final`), `cancel` to stop one at once, `terminate` to end the socket.

use std::collections::HashSet;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::State;
use axum::response::Response;
use axum::Extension;
use base64::Engine as _;
use hark_audio::{Container, Encoding, OutputFormat};
use hark_engine::SynthesisRequest;
use serde::Deserialize;
use serde_json::{json, Value};

use super::session::{Out, Realtime};
use super::{parse, Dialect, Reply, MAX_MESSAGE_BYTES};
use crate::app::auth::Caller;
use crate::app::error::ApiError;
use crate::app::state::AppState;

/// `GET /text_to_speech/websocket/ws`: the key in `?api_key=` or the usual
/// headers (checked before the upgrade).
pub async fn upgrade(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Response {
    ws.max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| {
            super::serve_socket(socket, state, caller, "asyncflow", AsyncFlow::default())
        })
}

#[derive(Debug, Default, Deserialize)]
struct VoiceRef {
    #[serde(default)]
    id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct FormatSpec {
    container: Option<String>,
    encoding: Option<String>,
    sample_rate: Option<u32>,
}

/// Any message: the init's fields and a context message's fields; every
/// field may also be `null`.
#[derive(Debug, Default, Deserialize)]
struct Msg {
    model_id: Option<String>,
    voice: Option<VoiceRef>,
    output_format: Option<FormatSpec>,
    /// `null` and absent both mean the voice's own.
    language: Option<String>,
    add_timestamps: Option<bool>,
    speed: Option<f32>,
    transcript: Option<String>,
    context_id: Option<String>,
    force: Option<bool>,
    close_context: Option<bool>,
    cancel: Option<bool>,
    terminate: Option<bool>,
    /// `{"text": ""}` ends the socket, like `terminate`.
    text: Option<String>,
    pronunciation_dict_ids: Option<Vec<String>>,
}

/// The socket's settings, from the init message.
struct Init {
    model: Option<String>,
    voice: Option<String>,
    language: Option<String>,
    speed: f32,
    timestamps: bool,
    format: OutputFormat,
    dictionaries: Vec<String>,
}

#[derive(Default)]
pub struct AsyncFlow {
    init: Option<Init>,
    terminating: bool,
    /// Contexts refused at open: their text is dropped, and their end
    /// still gets its one `final`.
    refused: HashSet<String>,
    /// Contexts that have had their `final` (a repeated end is ignored).
    finished: HashSet<String>,
}

/// Default output when the init names none: raw 16-bit PCM at 24 kHz.
const DEFAULT_RATE: u32 = 24_000;
/// Contexts remembered as finished, so a repeated end gets no second
/// `final`; beyond it the oldest are forgotten.
const FINISHED_MEMORY: usize = 4096;

impl AsyncFlow {
    fn init(msg: &Msg) -> Result<Init, ApiError> {
        let f = msg.output_format.as_ref();
        let container = match f.and_then(|f| f.container.as_deref()) {
            None | Some("raw") => Container::Raw,
            Some(other) => {
                return Err(ApiError::new(
                    hark_engine::ErrorCode::FormatNotRecognized,
                    format!("output_format.container '{other}': the WebSocket sends raw audio"),
                )
                .with_param("output_format.container"))
            }
        };
        let encoding = match f.and_then(|f| f.encoding.as_deref()) {
            None => Encoding::PcmS16le,
            Some(e) => e.parse::<Encoding>().map_err(|err| {
                ApiError::new(hark_engine::ErrorCode::FormatNotRecognized, err.to_string())
                    .with_param("output_format.encoding")
            })?,
        };
        let rate = f.and_then(|f| f.sample_rate).unwrap_or(DEFAULT_RATE);
        let format = OutputFormat::new(container, Some(encoding), rate).map_err(|e| {
            let mut err = ApiError::from(e);
            err.param = Some("output_format".into());
            err
        })?;
        format.validate()?;
        let speed = msg.speed.unwrap_or(1.0);
        crate::http::dialect::check_speed(speed, 0.25, 4.0, "speed")?;
        Ok(Init {
            model: msg.model_id.clone(),
            voice: msg.voice.as_ref().and_then(|v| v.id.clone()),
            language: msg.language.clone(),
            speed,
            timestamps: msg.add_timestamps.unwrap_or(false),
            format,
            dictionaries: msg.pronunciation_dict_ids.clone().unwrap_or_default(),
        })
    }

    fn error(context: Option<&str>, e: &ApiError) -> Value {
        let mut v = json!({"error_code": e.code.as_str(), "message": e.message});
        if let Some(c) = context {
            v["context_id"] = json!(c);
        }
        v
    }

    fn final_msg(context: &str) -> Value {
        let mut v = json!({"audio": "", "final": true});
        if !context.is_empty() {
            v["context_id"] = json!(context);
        }
        v
    }

    fn finish(&mut self, context: &str) {
        if self.finished.len() >= FINISHED_MEMORY {
            self.finished.clear();
        }
        self.finished.insert(context.to_string());
    }

    /// Ends `ctx`: closes it when open (its `final` comes when its audio is
    /// done), else answers with `final` now unless it had one already or
    /// has one coming.
    fn end(&mut self, rt: &mut Realtime, ctx: &str) -> Vec<Value> {
        // Open: closed now; closing: its final is on the way.
        if rt.close(ctx) || rt.is_live(ctx) {
            return Vec::new();
        }
        if self.refused.remove(ctx) || !self.finished.contains(ctx) {
            self.finish(ctx);
            return vec![Self::final_msg(ctx)];
        }
        Vec::new()
    }

    async fn handle(&mut self, rt: &mut Realtime, msg: Msg) -> Vec<Value> {
        let Some(init) = &self.init else {
            return Vec::new();
        };
        if msg.terminate == Some(true)
            || (msg.text.as_deref() == Some("") && msg.transcript.is_none())
        {
            self.terminating = true;
            rt.close_all();
            return Vec::new();
        }
        let ctx = msg.context_id.clone().unwrap_or_default();
        if msg.cancel == Some(true) {
            if rt.cancel(&ctx) {
                return Vec::new();
            }
            return self.end(rt, &ctx);
        }
        let transcript = msg.transcript.as_deref();
        let force = msg.force == Some(true);
        let ends = msg.close_context == Some(true) || transcript == Some("");
        let mut out = Vec::new();
        if let Some(t) = transcript.filter(|t| !t.is_empty()) {
            let speakable = !t.trim().is_empty();
            if !rt.is_open(&ctx) && speakable && !self.refused.contains(&ctx) {
                let mut req = SynthesisRequest::new("");
                req.model = init.model.clone();
                req.voice = msg
                    .voice
                    .as_ref()
                    .and_then(|v| v.id.clone())
                    .or_else(|| init.voice.clone());
                req.language = msg.language.clone().or_else(|| init.language.clone());
                req.speed = init.speed;
                req.word_timestamps = init.timestamps;
                let (dicts, format) = (init.dictionaries.clone(), init.format);
                if let Err(e) = rt.open(&ctx, req, &dicts, format).await {
                    self.refused.insert(ctx.clone());
                    self.finished.remove(&ctx);
                    out.push(Self::error(Some(&ctx), &e));
                }
            }
            if rt.is_open(&ctx) {
                // Whitespace is a keepalive: appended (it may end a word)
                // but never spoken by itself; with force it flushes.
                if let Err(e) = rt.text(&ctx, t, force, None) {
                    out.push(Self::error(Some(&ctx), &e));
                }
            }
        } else if force && rt.is_open(&ctx) {
            if let Err(e) = rt.flush(&ctx) {
                out.push(Self::error(Some(&ctx), &e));
            }
        }
        if ends {
            out.extend(self.end(rt, &ctx));
        }
        out
    }
}

impl Dialect for AsyncFlow {
    async fn incoming(&mut self, rt: &mut Realtime, text: &str) -> Reply {
        let msg: Msg = match parse(text) {
            Ok(m) => m,
            Err(e) if self.init.is_none() => {
                return Reply::Close(1008, format!("bad init message: {}", e.message));
            }
            Err(e) => return Reply::Send(vec![Self::error(None, &e)]),
        };
        if self.init.is_none() {
            match Self::init(&msg) {
                Ok(i) => self.init = Some(i),
                Err(e) => return Reply::Close(1008, format!("bad init message: {}", e.message)),
            }
            // An init may carry a first transcript too.
            if msg.transcript.is_none() {
                return Reply::Send(Vec::new());
            }
        }
        Reply::Send(self.handle(rt, msg).await)
    }

    fn outgoing(&mut self, out: Out) -> Vec<Value> {
        match out {
            Out::Audio {
                context,
                bytes,
                words,
            } => {
                let mut v = json!({
                    "audio": base64::engine::general_purpose::STANDARD.encode(&bytes),
                    "final": false,
                });
                if !context.is_empty() {
                    v["context_id"] = json!(&*context);
                }
                let timestamps = self.init.as_ref().is_some_and(|i| i.timestamps);
                if timestamps && !words.is_empty() {
                    v["word_timestamps"] = json!({
                        "words": words.iter().map(|w| w.word.as_str()).collect::<Vec<_>>(),
                        "start": words.iter().map(|w| round_ms(w.start)).collect::<Vec<_>>(),
                        "end": words.iter().map(|w| round_ms(w.end)).collect::<Vec<_>>(),
                    });
                }
                vec![v]
            }
            Out::Error { context, error } => vec![Self::error(Some(&context), &error)],
            Out::Done { context, .. } => {
                self.finish(&context);
                vec![Self::final_msg(&context)]
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
        self.terminating
    }
}

/// Seconds rounded to the millisecond, as the timestamps are meant.
pub fn round_ms(s: f64) -> f64 {
    (s * 1000.0).round() / 1000.0
}
