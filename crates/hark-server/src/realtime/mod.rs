//! Realtime surfaces: WebSockets for voice agents (text deltas in, audio
//! out, contexts, flush, barge-in) and the Twilio bridge. One
//! [`session::Realtime`] per connection does the work; each dialect only
//! translates its messages onto it ([`Dialect`]), and [`serve_socket`] is
//! the one connection loop: messages in, audio out, idle timeout.

pub mod asyncflow;
pub mod session;
pub mod twilio;
pub mod waves;

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures::{SinkExt, StreamExt};
use serde_json::Value;

use crate::app::auth::Caller;
use crate::app::error::ApiError;
use crate::app::state::AppState;
use session::{Out, Realtime};

/// Largest message read: well past any text a client should send at once
/// (the text limit answers with a clear error); beyond, the connection
/// cannot be read and closes (1009).
pub const MAX_MESSAGE_BYTES: usize = 4 << 20;

/// What a dialect decides after a message.
pub enum Reply {
    /// Messages to send now (maybe none).
    Send(Vec<Value>),
    /// Close the connection now with this code and reason (a bad first
    /// message: 1008).
    Close(u16, String),
}

/// What the HTTP side asks of a live connection (the Twilio bridge's
/// `say` and `clear`), with where to answer.
pub enum Command {
    Say {
        text: String,
        voice: Option<String>,
        mark: Option<String>,
        /// The mark that will follow the utterance's audio.
        reply: tokio::sync::oneshot::Sender<Result<String, ApiError>>,
    },
    Clear {
        reply: tokio::sync::oneshot::Sender<()>,
    },
}

/// A WebSocket dialect: its messages onto the session, the session's
/// output into its messages.
pub trait Dialect: Send {
    /// One text message from the client.
    fn incoming(
        &mut self,
        rt: &mut Realtime,
        text: &str,
    ) -> impl std::future::Future<Output = Reply> + Send;

    /// One piece of output as the dialect's messages.
    fn outgoing(&mut self, out: Out) -> Vec<Value>;

    /// A message that is not JSON text (a binary frame): the error to send.
    fn not_text(&mut self) -> Vec<Value>;

    /// The client asked to end the connection once open contexts finish.
    fn terminating(&self) -> bool;

    /// Commands from outside the connection, when the dialect takes any
    /// (asked once, when the connection starts).
    fn commands(&mut self) -> Option<tokio::sync::mpsc::UnboundedReceiver<Command>> {
        None
    }

    /// One command from outside the connection.
    fn command(
        &mut self,
        _rt: &mut Realtime,
        _cmd: Command,
    ) -> impl std::future::Future<Output = Reply> + Send {
        async { Reply::Send(Vec::new()) }
    }
}

/// Runs one connection to its end: reads messages and hands them to the
/// dialect, sends the session's audio as it comes, closes after
/// `idle` without any message in or out, or when the dialect's client
/// asked to terminate and nothing is left speaking.
pub async fn serve_socket<D: Dialect>(
    socket: WebSocket,
    state: AppState,
    caller: Caller,
    dialect_name: &'static str,
    mut dialect: D,
) {
    let idle = state.config.realtime_idle;
    let (mut tx, mut rx) = socket.split();
    let mut rt = Realtime::new(&state, caller, dialect_name);
    let events = rt.events();
    let mut commands = dialect.commands();
    let mut deadline = tokio::time::Instant::now() + idle;
    metrics::gauge!("hark_realtime_connections").increment(1.0);
    let close = loop {
        let out: Vec<Value> = tokio::select! {
            msg = rx.next() => {
                deadline = tokio::time::Instant::now() + idle;
                match msg {
                    None | Some(Err(_)) => break None,
                    Some(Ok(Message::Close(_))) => break None,
                    Some(Ok(Message::Text(t))) => match dialect.incoming(&mut rt, t.as_str()).await {
                        Reply::Send(v) => v,
                        Reply::Close(code, reason) => break Some((code, reason)),
                    },
                    Some(Ok(Message::Binary(_))) => dialect.not_text(),
                    // Pings are answered by the library.
                    Some(Ok(_)) => Vec::new(),
                }
            }
            Some(cmd) = next_command(&mut commands) => {
                match dialect.command(&mut rt, cmd).await {
                    Reply::Send(v) => v,
                    Reply::Close(code, reason) => break Some((code, reason)),
                }
            }
            ev = events.recv_async() => {
                deadline = tokio::time::Instant::now() + idle;
                match ev {
                    Ok(ev) => rt.translate(ev).map(|o| dialect.outgoing(o)).unwrap_or_default(),
                    Err(_) => break Some((1011, "internal error".into())),
                }
            }
            _ = tokio::time::sleep_until(deadline) => {
                break Some((1000, format!("idle for {} s", idle.as_secs())));
            }
        };
        let mut failed = false;
        for v in out {
            if tx
                .send(Message::Text(Utf8Bytes::from(v.to_string())))
                .await
                .is_err()
            {
                failed = true;
                break;
            }
        }
        if failed {
            break None;
        }
        if dialect.terminating() && rt.active() == 0 {
            break Some((1000, "terminated".into()));
        }
    };
    metrics::gauge!("hark_realtime_connections").decrement(1.0);
    // Whatever still speaks stops with the session.
    rt.cancel_all();
    if let Some((code, reason)) = close {
        let _ = tx
            .send(Message::Close(Some(CloseFrame {
                code,
                reason: Utf8Bytes::from(reason),
            })))
            .await;
    }
}

/// The next command, or never when there is no command channel (or it
/// has closed).
async fn next_command(
    rx: &mut Option<tokio::sync::mpsc::UnboundedReceiver<Command>>,
) -> Option<Command> {
    match rx {
        Some(rx) => match rx.recv().await {
            Some(c) => Some(c),
            None => futures::future::pending().await,
        },
        None => futures::future::pending().await,
    }
}

/// Parses a message into `T`, with an error naming the field that is
/// wrong, as the HTTP dialects do.
pub fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::invalid("message", format!("not a JSON message: {inner}"))
        } else if path == "." {
            ApiError::invalid("message", format!("expected a JSON object: {inner}"))
        } else {
            ApiError::invalid(&path, format!("{path}: {inner}"))
        }
    })
}

/// How long idle connections live when the server is not told otherwise
/// (API.md: 5 minutes without a message).
pub const DEFAULT_IDLE: Duration = Duration::from_secs(300);
