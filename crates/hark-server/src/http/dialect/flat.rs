//! Dialect 2: a flat body (`text`, `voice_id`, `sample_rate`, `output_format`
//! as a word) on `/waves/v1/{model}/...`.

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use base64::Engine as _;
use futures::stream;
use hark_store::Principal;
use serde::Deserialize;
use serde_json::json;

use super::{check_speed, output_format};
use crate::app::error::ApiError;
use crate::app::extract::ApiJson;
use crate::app::state::AppState;
use crate::http::resolve;
use crate::http::speech::{whole_response, EncodedStream, SpeechRequest};

#[derive(Debug, Deserialize)]
pub struct Body {
    text: String,
    #[serde(default)]
    voice_id: Option<String>,
    #[serde(default)]
    sample_rate: Option<u32>,
    #[serde(default)]
    speed: Option<f32>,
    /// Extra silence after each sentence, seconds (0-10; a Hark extension).
    #[serde(default)]
    sentence_pause: Option<f32>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    output_format: Option<String>,
    #[serde(default)]
    pronunciation_dicts: Option<Vec<String>>,
    /// Add `word_timestamps` to each streamed chunk.
    #[serde(default, alias = "add_timestamps")]
    with_timestamps: bool,
}

/// The request and the dictionary ids it names.
fn translate(model: String, b: Body) -> Result<(SpeechRequest, Vec<String>), ApiError> {
    let rate = b.sample_rate.unwrap_or(44100);
    let format = match b.output_format.as_deref().unwrap_or("pcm") {
        "pcm" => output_format("raw", Some("pcm_s16le"), rate, None, "output_format")?,
        "wav" => output_format("wav", Some("pcm_s16le"), rate, None, "output_format")?,
        "mulaw" => output_format("mulaw", None, rate, None, "output_format")?,
        "alaw" => output_format("alaw", None, rate, None, "output_format")?,
        other => output_format(other, None, rate, None, "output_format")?,
    };
    let mut s = hark_engine::SynthesisRequest::new(b.text);
    s.model = Some(model);
    s.voice = b.voice_id;
    s.speed = check_speed(b.speed.unwrap_or(1.0), 0.5, 2.0, "speed")?;
    s.sentence_pause = b.sentence_pause.unwrap_or(0.0);
    // The contract's default: detect (matters only when no voice is named).
    s.language = Some(b.language.unwrap_or_else(|| "auto".into()));
    s.word_timestamps = b.with_timestamps;
    Ok((
        SpeechRequest {
            synthesis: s,
            format,
            dialect: "flat",
        },
        b.pronunciation_dicts.unwrap_or_default(),
    ))
}

/// `POST /waves/v1/{model}/get_speech`
pub async fn get_speech(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(model): Path<String>,
    ApiJson(body): ApiJson<Body>,
) -> Result<Response, ApiError> {
    let (mut req, dicts) = translate(model, body)?;
    resolve::prepare(&state, &who, &mut req, &dicts, "pronunciation_dicts").await?;
    let stream = EncodedStream::start(&state, req).await?;
    whole_response(stream).await
}

/// `POST /waves/v1/{model}/stream`: one SSE event per audio chunk, then `complete`.
pub async fn stream(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(model): Path<String>,
    ApiJson(body): ApiJson<Body>,
) -> Result<Response, ApiError> {
    let (mut req, dicts) = translate(model, body)?;
    req.synthesis.low_latency = true;
    resolve::prepare(&state, &who, &mut req, &dicts, "pronunciation_dicts").await?;
    let s = EncodedStream::start(&state, req).await?;
    let events = stream::unfold((s, 0usize, false), |(mut s, i, done)| async move {
        if done {
            return None;
        }
        let b64 = base64::engine::general_purpose::STANDARD;
        match s.next_piece().await {
            Some(Ok((bytes, words))) => {
                let mut data = json!({"audio": b64.encode(&bytes), "index": i});
                if !words.is_empty() {
                    data["word_timestamps"] = hark_engine::captions::word_timestamps_json(&words);
                }
                let ev = Event::default().event("chunk").data(data.to_string());
                Some((Ok::<_, std::convert::Infallible>(ev), (s, i + 1, false)))
            }
            Some(Err(e)) => {
                let ev = Event::default().event("error").data(
                    json!({"error": {"code": e.code.as_str(), "message": e.message}}).to_string(),
                );
                Some((Ok(ev), (s, i, true)))
            }
            None => {
                let ev = Event::default().event("complete").data(
                    json!({"done": true, "chunks": i, "audio_seconds": s.audio_seconds()})
                        .to_string(),
                );
                Some((Ok(ev), (s, i, true)))
            }
        }
    });
    Ok(Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response())
}
