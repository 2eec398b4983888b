//! A small blocking WebSocket client for the realtime tests: JSON in,
//! JSON out, with timeouts, and helpers to gather each context's audio.

use std::collections::HashMap;
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::Value;
use tungstenite::client::IntoClientRequest;
use tungstenite::http::HeaderValue;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

pub struct Ws {
    pub socket: WebSocket<MaybeTlsStream<TcpStream>>,
}

/// What the server did next.
#[derive(Debug)]
pub enum Next {
    Json(Value),
    Closed(Option<u16>, String),
    Timeout,
}

impl Ws {
    /// Connects to `url` (ws://...) with extra headers.
    pub fn connect(url: &str, headers: &[(&str, &str)]) -> Result<Ws, tungstenite::Error> {
        let mut req = url.into_client_request()?;
        for (k, v) in headers {
            req.headers_mut().insert(
                tungstenite::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        let (socket, _) = tungstenite::connect(req)?;
        if let MaybeTlsStream::Plain(s) = socket.get_ref() {
            s.set_nodelay(true).unwrap();
        }
        Ok(Ws { socket })
    }

    pub fn send(&mut self, v: Value) {
        self.socket
            .send(Message::Text(v.to_string().into()))
            .expect("send");
    }

    pub fn send_raw(&mut self, m: Message) {
        self.socket.send(m).expect("send");
    }

    /// The next message, waiting at most `timeout`.
    pub fn next(&mut self, timeout: Duration) -> Next {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Next::Timeout;
            }
            if let MaybeTlsStream::Plain(s) = self.socket.get_ref() {
                s.set_read_timeout(Some(left)).unwrap();
            }
            match self.socket.read() {
                Ok(Message::Text(t)) => {
                    return Next::Json(serde_json::from_str(t.as_str()).expect("JSON"))
                }
                Ok(Message::Close(f)) => {
                    return Next::Closed(
                        f.as_ref().map(|f| u16::from(f.code)),
                        f.map(|f| f.reason.to_string()).unwrap_or_default(),
                    )
                }
                Ok(_) => continue,
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    return Next::Timeout
                }
                Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                    return Next::Closed(None, String::new())
                }
                Err(e) => return Next::Closed(None, e.to_string()),
            }
        }
    }

    /// The next JSON message; panics on close or timeout.
    pub fn json(&mut self, timeout: Duration) -> Value {
        match self.next(timeout) {
            Next::Json(v) => v,
            other => panic!("expected a message, got {other:?}"),
        }
    }
}

/// Decodes base64 audio.
pub fn b64(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .expect("base64 audio")
}

/// Audio per context, in arrival order.
#[derive(Default, Debug)]
pub struct Gathered {
    pub audio: HashMap<String, Vec<u8>>,
    pub messages: Vec<Value>,
}

impl Gathered {
    pub fn seconds(&self, ctx: &str, rate: u32) -> f64 {
        self.audio.get(ctx).map_or(0.0, |a| a.len() as f64) / (2.0 * rate as f64)
    }
}

/// Writes 16-bit mono PCM as a WAV file.
pub fn write_wav(path: &Path, pcm: &[u8], rate: u32) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for c in pcm.chunks_exact(2) {
        w.write_sample(i16::from_le_bytes([c[0], c[1]])).unwrap();
    }
    w.finalize().unwrap();
}

/// Word error rate of each (wav, reference) pair against `max` percent,
/// with the ASR checker (`HARK_ASR_WER`); panics with the report above it.
pub fn assert_intelligible(cases: &[(std::path::PathBuf, &str)], max: f64) {
    let wer = std::env::var("HARK_ASR_WER")
        .expect("HARK_ASR_WER unset: run the suite with scripts/test.sh");
    let dir = tempfile::tempdir().unwrap();
    let tsv: String = cases
        .iter()
        .map(|(p, r)| format!("{}\t{}\n", p.display(), r))
        .collect();
    let tsv_path = dir.path().join("cases.tsv");
    std::fs::write(&tsv_path, tsv).unwrap();
    let o = std::process::Command::new(&wer)
        .args([
            "--tsv",
            tsv_path.to_str().unwrap(),
            "--max-wer",
            &max.to_string(),
        ])
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    println!("{report}");
    assert!(
        o.status.success(),
        "word error rate above {max}%:\n{report}"
    );
}
