//! Dialect 1: `transcript` + `voice` object + `output_format` object, with a
//! `version: v1` header.

use axum::extract::State;
use axum::response::Response;
use axum::{Extension, Json};
use hark_store::Principal;
use serde::Deserialize;
use serde_json::Value;

use super::{check_speed, output_format};
use crate::app::error::ApiError;
use crate::app::extract::ApiJson;
use crate::app::state::AppState;
use crate::http::resolve;
use crate::http::speech::{streaming_response, whole_response, EncodedStream, SpeechRequest};

/// The field dictionaries are named in, for errors.
const DICTS: &str = "pronunciation_dict_ids";

#[derive(Debug, Deserialize)]
pub struct Body {
    #[serde(default)]
    model_id: Option<String>,
    transcript: String,
    voice: VoiceSpec,
    output_format: FormatSpec,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    speed: Option<Speed>,
    /// Extra silence after each sentence, seconds (0-10; a Hark extension).
    #[serde(default)]
    sentence_pause: Option<f32>,
    /// Pronunciation dictionaries by id, the first winning conflicts.
    #[serde(default)]
    pronunciation_dict_ids: Vec<String>,
    #[serde(default)]
    pronunciation_dict_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct VoiceSpec {
    #[serde(default = "mode_id")]
    mode: String,
    #[serde(default)]
    id: Option<String>,
}

fn mode_id() -> String {
    "id".into()
}

#[derive(Debug, Deserialize)]
struct FormatSpec {
    container: String,
    #[serde(default)]
    encoding: Option<String>,
    #[serde(default)]
    sample_rate: Option<u32>,
    #[serde(default)]
    bit_rate: Option<u32>,
}

/// A number, or the words some clients send.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Speed {
    Number(f32),
    Word(String),
}

/// The request and the dictionary ids it names.
fn translate(b: Body) -> Result<(SpeechRequest, Vec<String>), ApiError> {
    let mut dicts = b.pronunciation_dict_ids;
    dicts.extend(b.pronunciation_dict_id);
    if b.voice.mode != "id" {
        return Err(ApiError::invalid(
            "voice.mode",
            format!("voice mode '{}' is not supported; use \"id\"", b.voice.mode),
        ));
    }
    let voice = b
        .voice
        .id
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ApiError::invalid("voice.id", "voice.id is required"))?;
    let format = output_format(
        &b.output_format.container,
        b.output_format.encoding.as_deref(),
        b.output_format.sample_rate.unwrap_or(24000),
        b.output_format.bit_rate,
        "output_format",
    )?;
    let speed = match b.speed {
        None => 1.0,
        Some(Speed::Number(n)) => check_speed(n, 0.25, 4.0, "speed")?,
        Some(Speed::Word(w)) => match w.as_str() {
            "slowest" => 0.6,
            "slow" => 0.8,
            "normal" => 1.0,
            "fast" => 1.25,
            "fastest" => 1.5,
            other => return Err(ApiError::invalid("speed", format!("speed '{other}' is not one of slowest, slow, normal, fast, fastest or a number"))),
        },
    };
    let mut s = hark_engine::SynthesisRequest::new(b.transcript);
    s.model = b.model_id;
    s.voice = Some(voice);
    s.language = b.language;
    s.speed = speed;
    s.sentence_pause = b.sentence_pause.unwrap_or(0.0);
    Ok((
        SpeechRequest {
            synthesis: s,
            format,
            dialect: "transcript",
        },
        dicts,
    ))
}

/// `POST /text_to_speech`: the whole audio in the body.
pub async fn bytes(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    ApiJson(body): ApiJson<Body>,
) -> Result<Response, ApiError> {
    let (mut req, dicts) = translate(body)?;
    resolve::prepare(&state, &who, &mut req, &dicts, DICTS).await?;
    let stream = EncodedStream::start(&state, req).await?;
    whole_response(stream).await
}

/// `POST /text_to_speech/streaming`: chunked audio as it is made.
pub async fn streaming(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    ApiJson(body): ApiJson<Body>,
) -> Result<Response, ApiError> {
    let (mut req, dicts) = translate(body)?;
    req.synthesis.low_latency = true;
    resolve::prepare(&state, &who, &mut req, &dicts, DICTS).await?;
    let stream = EncodedStream::start(&state, req).await?;
    Ok(streaming_response(stream))
}

/// `POST /text_to_speech/with_timestamps`: base64 audio and word times.
pub async fn with_timestamps(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    ApiJson(body): ApiJson<Body>,
) -> Result<Json<Value>, ApiError> {
    let (mut req, dicts) = translate(body)?;
    req.synthesis.word_timestamps = true;
    resolve::prepare(&state, &who, &mut req, &dicts, DICTS).await?;
    let stream = EncodedStream::start(&state, req).await?;
    let (audio, words) = stream.collect_with_words().await?;
    use base64::Engine as _;
    Ok(Json(serde_json::json!({
        "audio": base64::engine::general_purpose::STANDARD.encode(audio),
        "word_timestamps": hark_engine::captions::word_timestamps_json(&words),
    })))
}
