//! The Twilio bridge: `GET /twilio/media-stream` speaks Twilio's Media
//! Streams protocol for a bidirectional `<Connect><Stream>`, and the HTTP
//! side drives each call: `POST /v1/calls/{streamSid}/say` and `/clear`,
//! `GET /twilio/twiml` for the TwiML that connects a call.
//!
//! A call is one [`Realtime`] session whose utterances all use one context
//! name, so each queues behind the one before (a call has one voice
//! channel); `clear` cancels the whole queue. Audio leaves as 8 kHz mu-law
//! in 160-byte (20 ms) `media` messages, each utterance followed by a
//! `mark`. Twilio sends no custom headers and drops query strings, so the
//! stream proves itself in its `start` message with a short-lived,
//! single-use token that `GET /twilio/twiml` made for a key (a key header
//! on the upgrade also works, for tests and other callers).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use base64::Engine as _;
use hark_audio::{Container, Encoding, OutputFormat};
use hark_engine::{ErrorCode, SynthesisRequest};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use super::session::{Out, Realtime};
use super::{Command, Dialect, Reply, MAX_MESSAGE_BYTES};
use crate::app::auth::Caller;
use crate::app::error::ApiError;
use crate::app::extract::ApiJson;
use crate::app::state::AppState;

/// Bytes of mu-law in one `media` message: 20 ms at 8 kHz.
pub const FRAME_BYTES: usize = 160;
/// mu-law silence, to pad an utterance's last frame.
const MULAW_SILENCE: u8 = 0xFF;
/// How long a TwiML token stays valid.
const TOKEN_TTL: Duration = Duration::from_secs(300);
/// The one context name of a call: utterances queue behind each other.
const CALL_CONTEXT: &str = "call";

/// Calls in progress on this server and the tokens waiting for theirs.
#[derive(Default)]
pub struct Calls {
    calls: Mutex<HashMap<String, CallEntry>>,
    tokens: Mutex<HashMap<String, PendingToken>>,
}

struct CallEntry {
    /// The key the stream authenticated as (None: `--no-auth`).
    owner: Option<Uuid>,
    call_sid: String,
    started: std::time::SystemTime,
    tx: mpsc::UnboundedSender<Command>,
}

struct PendingToken {
    caller: Caller,
    expires: Instant,
}

impl Calls {
    fn lock_calls(&self) -> std::sync::MutexGuard<'_, HashMap<String, CallEntry>> {
        self.calls.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A new single-use token for `caller`.
    fn issue(&self, caller: Caller) -> String {
        let token = format!("tt_{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
        let mut t = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        t.retain(|_, p| p.expires > now);
        t.insert(
            token.clone(),
            PendingToken {
                caller,
                expires: now + TOKEN_TTL,
            },
        );
        token
    }

    /// The caller a token was made for, once: it is spent by this call.
    fn redeem(&self, token: &str) -> Option<Caller> {
        let mut t = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        let p = t.remove(token)?;
        (p.expires > Instant::now()).then_some(p.caller)
    }

    /// The command channel of a call `who` may drive (another key's call
    /// is as good as absent).
    fn channel(&self, sid: &str, who: &Caller) -> Result<mpsc::UnboundedSender<Command>, ApiError> {
        let calls = self.lock_calls();
        match calls.get(sid) {
            Some(c) if who.principal.admin || who.principal.key_id == c.owner => Ok(c.tx.clone()),
            _ => Err(ApiError::not_found(&format!("call '{sid}'")).with_param("stream_sid")),
        }
    }
}

/// `GET /twilio/media-stream`: no key needed to connect (Twilio cannot
/// send one); the stream's `start` must carry a token, unless a key header
/// came with the upgrade.
pub async fn upgrade(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Response {
    let bridge = Bridge::new(state.clone(), caller.clone());
    ws.max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| super::serve_socket(socket, state, caller, "twilio", bridge))
}

/// One call's side of the bridge.
pub struct Bridge {
    state: AppState,
    /// Who the upgrade authenticated (anonymous without a key header).
    upgrade_caller: Caller,
    stream_sid: Option<String>,
    /// Defaults of the call, from `start`'s custom parameters.
    voice: Option<String>,
    language: Option<String>,
    tx: mpsc::UnboundedSender<Command>,
    rx: Option<mpsc::UnboundedReceiver<Command>>,
    /// Mark names of the utterances queued, in order.
    marks: VecDeque<String>,
    next_utterance: u64,
    /// mu-law bytes not yet making a whole frame.
    pending: Vec<u8>,
    /// Inbound audio seen (dropped): for the log.
    inbound_frames: u64,
}

impl Bridge {
    fn new(state: AppState, upgrade_caller: Caller) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        Bridge {
            state,
            upgrade_caller,
            stream_sid: None,
            voice: None,
            language: None,
            tx,
            rx: Some(rx),
            marks: VecDeque::new(),
            next_utterance: 1,
            pending: Vec::new(),
            inbound_frames: 0,
        }
    }

    fn sid(&self) -> &str {
        self.stream_sid.as_deref().unwrap_or("")
    }

    fn media(&self, frame: &[u8]) -> Value {
        json!({
            "event": "media",
            "streamSid": self.sid(),
            "media": {"payload": base64::engine::general_purpose::STANDARD.encode(frame)},
        })
    }

    /// The call's `start`: who it is, then its first words.
    async fn start(&mut self, rt: &mut Realtime, msg: &Value) -> Reply {
        if self.stream_sid.is_some() {
            tracing::warn!("twilio: a second start on one stream; ignored");
            return Reply::Send(Vec::new());
        }
        let start = &msg["start"];
        let sid = msg["streamSid"]
            .as_str()
            .or_else(|| start["streamSid"].as_str())
            .filter(|s| !s.is_empty());
        let Some(sid) = sid else {
            return Reply::Close(1008, "start without a streamSid".into());
        };
        let params = &start["customParameters"];
        let param = |k: &str| {
            params[k]
                .as_str()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let caller = if !self.state.config.auth || self.upgrade_caller.key.is_some() {
            self.upgrade_caller.clone()
        } else {
            match param("token").and_then(|t| self.state.calls.redeem(&t)) {
                Some(c) => c,
                None => {
                    tracing::warn!(stream_sid = sid, "twilio: stream without a valid token");
                    return Reply::Close(
                        1008,
                        "no valid token: connect calls with the TwiML from GET /twilio/twiml"
                            .into(),
                    );
                }
            }
        };
        let owner = caller.principal.key_id;
        rt.set_caller(caller);
        self.stream_sid = Some(sid.to_string());
        self.voice = param("voice");
        self.language = param("language");
        self.state.calls.lock_calls().insert(
            sid.to_string(),
            CallEntry {
                owner,
                call_sid: start["callSid"].as_str().unwrap_or("").to_string(),
                started: std::time::SystemTime::now(),
                tx: self.tx.clone(),
            },
        );
        tracing::info!(stream_sid = sid, "twilio: call started");
        if let Some(text) = param("text") {
            if let Err(e) = self.say(rt, &text, None, None).await {
                tracing::warn!(
                    stream_sid = sid,
                    code = e.code.as_str(),
                    "twilio: first words refused: {}",
                    e.message
                );
            }
        }
        Reply::Send(Vec::new())
    }

    /// Queues an utterance; returns the mark that will follow its audio.
    async fn say(
        &mut self,
        rt: &mut Realtime,
        text: &str,
        voice: Option<String>,
        mark: Option<String>,
    ) -> Result<String, ApiError> {
        if text.trim().is_empty() {
            return Err(ApiError::new(ErrorCode::EmptyText, "the text is empty").with_param("text"));
        }
        let mut req = SynthesisRequest::new(text);
        req.voice = voice.or_else(|| self.voice.clone());
        req.language = self.language.clone();
        let format = OutputFormat::new(Container::Raw, Some(Encoding::PcmMulaw), 8000)?;
        rt.open(CALL_CONTEXT, req, &[], format).await?;
        rt.text(CALL_CONTEXT, text, true, None)?;
        rt.close(CALL_CONTEXT);
        let n = self.next_utterance;
        self.next_utterance += 1;
        let mark = mark
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| format!("utt-{n}"));
        self.marks.push_back(mark.clone());
        Ok(mark)
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        if let Some(sid) = &self.stream_sid {
            self.state.calls.lock_calls().remove(sid);
            tracing::info!(
                stream_sid = %sid,
                inbound_frames = self.inbound_frames,
                "twilio: call ended"
            );
        }
    }
}

impl Dialect for Bridge {
    async fn incoming(&mut self, rt: &mut Realtime, text: &str) -> Reply {
        let msg: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!("twilio: a message that is not JSON ({e}); ignored");
                return Reply::Send(Vec::new());
            }
        };
        match msg["event"].as_str() {
            Some("connected") => Reply::Send(Vec::new()),
            Some("start") => self.start(rt, &msg).await,
            // The caller's voice: not used here, and never kept.
            Some("media") => {
                if self.stream_sid.is_some() {
                    self.inbound_frames += 1;
                }
                Reply::Send(Vec::new())
            }
            Some("mark") => {
                tracing::debug!(stream_sid = self.sid(), mark = %msg["mark"]["name"], "twilio: played up to a mark");
                Reply::Send(Vec::new())
            }
            Some("dtmf") => {
                tracing::info!(stream_sid = self.sid(), digit = %msg["dtmf"]["digit"], "twilio: dtmf");
                Reply::Send(Vec::new())
            }
            Some("stop") => Reply::Close(1000, "call ended".into()),
            other => {
                tracing::warn!(event = ?other, "twilio: unknown event; ignored");
                Reply::Send(Vec::new())
            }
        }
    }

    fn outgoing(&mut self, out: Out) -> Vec<Value> {
        match out {
            Out::Audio { bytes, .. } => {
                self.pending.extend_from_slice(&bytes);
                let whole = self.pending.len() / FRAME_BYTES * FRAME_BYTES;
                let frames: Vec<Value> = self.pending[..whole]
                    .chunks(FRAME_BYTES)
                    .map(|f| self.media(f))
                    .collect();
                self.pending.drain(..whole);
                frames
            }
            Out::Done { cancelled, .. } => {
                let mark = self.marks.pop_front();
                if cancelled {
                    self.pending.clear();
                    return Vec::new();
                }
                let mut out = Vec::new();
                if !self.pending.is_empty() {
                    let mut last = std::mem::take(&mut self.pending);
                    last.resize(FRAME_BYTES, MULAW_SILENCE);
                    out.push(self.media(&last));
                }
                if let Some(name) = mark {
                    out.push(
                        json!({"event": "mark", "streamSid": self.sid(), "mark": {"name": name}}),
                    );
                }
                out
            }
            Out::Error { error, .. } => {
                tracing::warn!(
                    stream_sid = self.sid(),
                    code = error.code.as_str(),
                    "twilio: utterance failed: {}",
                    error.message
                );
                Vec::new()
            }
        }
    }

    fn not_text(&mut self) -> Vec<Value> {
        tracing::warn!("twilio: a binary message; ignored");
        Vec::new()
    }

    fn terminating(&self) -> bool {
        false
    }

    fn commands(&mut self) -> Option<mpsc::UnboundedReceiver<Command>> {
        self.rx.take()
    }

    async fn command(&mut self, rt: &mut Realtime, cmd: Command) -> Reply {
        match cmd {
            Command::Say {
                text,
                voice,
                mark,
                reply,
            } => {
                let r = self.say(rt, &text, voice, mark).await;
                let _ = reply.send(r);
                Reply::Send(Vec::new())
            }
            Command::Clear { reply } => {
                rt.cancel(CALL_CONTEXT);
                self.pending.clear();
                let _ = reply.send(());
                Reply::Send(vec![json!({"event": "clear", "streamSid": self.sid()})])
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct SayBody {
    text: String,
    #[serde(default)]
    voice: Option<String>,
    #[serde(default)]
    mark: Option<String>,
}

/// `POST /v1/calls/{streamSid}/say`: queues words on a call; answers with
/// the mark that will follow them.
pub async fn say(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(sid): Path<String>,
    ApiJson(body): ApiJson<SayBody>,
) -> Result<Response, ApiError> {
    if body.text.chars().count() > state.config.max_chars {
        return Err(ApiError::new(
            ErrorCode::TextTooLong,
            format!(
                "the text is longer than {} characters",
                state.config.max_chars
            ),
        )
        .with_param("text"));
    }
    let tx = state.calls.channel(&sid, &caller)?;
    let (reply, answer) = oneshot::channel();
    tx.send(Command::Say {
        text: body.text,
        voice: body.voice,
        mark: body.mark,
        reply,
    })
    .map_err(|_| gone(&sid))?;
    let mark = answer.await.map_err(|_| gone(&sid))??;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({"stream_sid": sid, "mark": mark, "status": "queued"})),
    )
        .into_response())
}

/// `POST /v1/calls/{streamSid}/clear`: barge-in: stops what the call is
/// saying and tells Twilio to drop what it has buffered.
pub async fn clear(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(sid): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let tx = state.calls.channel(&sid, &caller)?;
    let (reply, answer) = oneshot::channel();
    tx.send(Command::Clear { reply }).map_err(|_| gone(&sid))?;
    answer.await.map_err(|_| gone(&sid))?;
    Ok(Json(json!({"stream_sid": sid, "status": "cleared"})))
}

/// `GET /v1/calls`: the caller's calls in progress on this server.
pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Json<Value> {
    let calls = state.calls.lock_calls();
    let mine: Vec<Value> = calls
        .iter()
        .filter(|(_, c)| caller.principal.admin || caller.principal.key_id == c.owner)
        .map(|(sid, c)| {
            json!({
                "stream_sid": sid,
                "call_sid": c.call_sid,
                "started_at": c.started.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0),
            })
        })
        .collect();
    Json(json!({"calls": mine}))
}

fn gone(sid: &str) -> ApiError {
    ApiError::not_found(&format!("call '{sid}' (it has ended)")).with_param("stream_sid")
}

#[derive(Debug, Deserialize)]
pub struct TwimlQuery {
    text: Option<String>,
    voice: Option<String>,
    language: Option<String>,
}

/// `GET /twilio/twiml?text=..&voice=..&language=..`: TwiML that connects a
/// call to this server's media stream, with the words, the voice and a
/// fresh token (for the calling key) as stream parameters.
pub async fn twiml(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Query(q): Query<TwimlQuery>,
) -> Result<Response, ApiError> {
    let url = stream_url(state.config.public_url.as_deref(), &headers)?;
    let token = state.calls.issue(caller);
    let mut params = String::new();
    for (name, value) in [
        ("text", q.text),
        ("voice", q.voice),
        ("language", q.language),
        ("token", Some(token)),
    ] {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            params.push_str(&format!(
                "      <Parameter name=\"{name}\" value=\"{}\"/>\n",
                xml_escape(&v)
            ));
        }
    }
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>\n  <Connect>\n    <Stream url=\"{}\">\n{params}    </Stream>\n  </Connect>\n</Response>\n",
        xml_escape(&url)
    );
    let mut r = body.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/xml; charset=utf-8"),
    );
    Ok(r)
}

/// The stream's public WebSocket URL: from `--public-url`, else the
/// request's Host (wss, but ws for a loopback host).
fn stream_url(public: Option<&str>, headers: &HeaderMap) -> Result<String, ApiError> {
    let base = match public {
        Some(p) => p.trim_end_matches('/').to_string(),
        None => {
            let host = headers
                .get("x-forwarded-host")
                .or_else(|| headers.get(header::HOST))
                .and_then(|h| h.to_str().ok())
                .filter(|h| !h.is_empty())
                .ok_or_else(|| {
                    ApiError::invalid(
                        "host",
                        "no Host header: start the server with --public-url to say where Twilio should connect",
                    )
                })?;
            let local = host.starts_with("127.")
                || host.starts_with("localhost")
                || host.starts_with("[::1]");
            let proto = headers
                .get("x-forwarded-proto")
                .and_then(|h| h.to_str().ok())
                .unwrap_or(if local { "http" } else { "https" });
            format!("{proto}://{host}")
        }
    };
    let ws = if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        base
    };
    Ok(format!("{ws}/twilio/media-stream"))
}

/// Escapes text for an XML attribute.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot hold at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_attributes_are_escaped() {
        assert_eq!(
            xml_escape("Tom & \"Jerry\" <b>'s\n\u{1}"),
            "Tom &amp; &quot;Jerry&quot; &lt;b&gt;&apos;s&#10;"
        );
    }

    #[test]
    fn stream_url_from_public_url_or_host() {
        let mut h = HeaderMap::new();
        assert_eq!(
            stream_url(Some("https://voice.example.com/"), &h).unwrap(),
            "wss://voice.example.com/twilio/media-stream"
        );
        h.insert(header::HOST, HeaderValue::from_static("abc.ngrok.app"));
        assert_eq!(
            stream_url(None, &h).unwrap(),
            "wss://abc.ngrok.app/twilio/media-stream"
        );
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert_eq!(
            stream_url(None, &h).unwrap(),
            "ws://127.0.0.1:8080/twilio/media-stream"
        );
        assert!(stream_url(None, &HeaderMap::new()).is_err());
    }

    #[test]
    fn tokens_are_single_use() {
        let calls = Calls::default();
        let t = calls.issue(Caller::unauthenticated());
        assert!(calls.redeem(&t).is_some());
        assert!(calls.redeem(&t).is_none());
        assert!(calls.redeem("tt_made_up").is_none());
    }
}
