//! Dialect 3: OpenAI-compatible `/v1/audio/speech`, so the official SDKs
//! work by changing the base URL and key.

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use base64::Engine as _;
use futures::stream;
use hark_engine::{EngineKind, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{check_speed, output_format};
use crate::app::error::ApiError;
use crate::app::extract::ApiJson;
use crate::app::state::AppState;
use crate::http::speech::{streaming_response, EncodedStream, SpeechRequest};

#[derive(Debug, Deserialize)]
pub struct Body {
    model: String,
    input: String,
    voice: VoiceField,
    #[serde(default)]
    response_format: Option<String>,
    #[serde(default)]
    speed: Option<f32>,
    /// Extra silence after each sentence, seconds (0-10; a Hark extension).
    #[serde(default)]
    sentence_pause: Option<f32>,
    #[serde(default)]
    stream_format: Option<String>,
    /// Style instructions; Piper and espeak-ng voices take none, so ignored.
    #[serde(default)]
    #[allow(dead_code)]
    instructions: Option<String>,
    #[serde(default)]
    language_code: Option<String>,
    #[serde(default)]
    sample_rate: Option<u32>,
    #[serde(default)]
    pronunciation_dictionary_locators: Option<Vec<Value>>,
    /// Hark extension: word timestamps in SSE deltas.
    #[serde(default)]
    with_timestamps: bool,
}

/// `"voice": "joe"` or `"voice": {"id": "..."}`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum VoiceField {
    Name(String),
    Object { id: String },
}

/// OpenAI's own model and voice names, so unchanged client code runs: the
/// models map to Piper, the voices to the model's default voice, except
/// where the library has a voice of that name (Kokoro's Alloy, Echo,
/// Fable, Nova, Onyx), which then speaks with its own model.
const OPENAI_MODELS: &[&str] = &["tts-1", "tts-1-hd", "gpt-4o-mini-tts"];
const OPENAI_VOICES: &[&str] = &[
    "alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer", "verse",
];

/// The request, whether it streams as SSE, and the dictionary ids it names.
pub(crate) fn translate(
    state: &AppState,
    b: Body,
) -> Result<(SpeechRequest, bool, Vec<String>), ApiError> {
    let dictionary_ids = crate::http::resolve::locator_ids(
        b.pronunciation_dictionary_locators
            .as_deref()
            .unwrap_or(&[]),
        "pronunciation_dictionary_locators",
    )?;
    let model = b
        .model
        .strip_prefix("hark/")
        .unwrap_or(&b.model)
        .to_string();
    let openai_model = OPENAI_MODELS.contains(&model.as_str());
    let model = if openai_model {
        EngineKind::Piper.model_id().to_string()
    } else {
        model
    };
    let voice = match b.voice {
        VoiceField::Name(n) | VoiceField::Object { id: n } => n,
    };
    let voice = if OPENAI_VOICES.contains(&voice.to_ascii_lowercase().as_str())
        && state.engine.catalog().resolve(&voice, None).is_err()
    {
        None
    } else {
        Some(voice)
    };
    let rate = b.sample_rate.unwrap_or(24000);
    let format = match b.response_format.as_deref().unwrap_or("mp3") {
        // OpenAI's pcm: raw 16-bit little-endian at 24 kHz.
        "pcm" => output_format("raw", Some("pcm_s16le"), rate, None, "response_format")?,
        "wav" => output_format("wav", Some("pcm_s16le"), rate, None, "response_format")?,
        other => output_format(other, None, rate, None, "response_format")?,
    };
    let sse = match b.stream_format.as_deref() {
        None | Some("audio") => false,
        Some("sse") => true,
        Some(other) => {
            return Err(ApiError::invalid(
                "stream_format",
                format!("stream_format '{other}' is not one of audio, sse"),
            ))
        }
    };
    let mut s = hark_engine::SynthesisRequest::new(b.input);
    s.model = if openai_model && voice.is_some() {
        None
    } else {
        Some(model)
    };
    s.voice = voice;
    s.speed = check_speed(b.speed.unwrap_or(1.0), 0.25, 4.0, "speed")?;
    s.sentence_pause = b.sentence_pause.unwrap_or(0.0);
    s.language = b.language_code;
    s.word_timestamps = b.with_timestamps;
    Ok((
        SpeechRequest {
            synthesis: s,
            format,
            dialect: "openai",
        },
        sse,
        dictionary_ids,
    ))
}

/// `POST /v1/audio/speech`: chunked audio, or SSE with `stream_format: sse`.
pub async fn speech(
    State(state): State<AppState>,
    Extension(who): Extension<hark_store::Principal>,
    ApiJson(body): ApiJson<Body>,
) -> Result<Response, ApiError> {
    let (mut req, sse, dicts) = translate(&state, body)?;
    crate::http::resolve::prepare(
        &state,
        &who,
        &mut req,
        &dicts,
        "pronunciation_dictionary_locators",
    )
    .await?;
    // Every response of this dialect streams.
    req.synthesis.low_latency = true;
    let s = EncodedStream::start(&state, req).await?;
    if !sse {
        return Ok(streaming_response(s));
    }
    let events = stream::unfold((s, false), |(mut s, done)| async move {
        if done {
            return None;
        }
        let b64 = base64::engine::general_purpose::STANDARD;
        let (data, done) = match s.next_piece().await {
            Some(Ok((bytes, words))) => {
                let mut d = json!({"type": "speech.audio.delta", "audio": b64.encode(&bytes)});
                if !words.is_empty() {
                    d["word_timestamps"] = hark_engine::captions::word_timestamps_json(&words);
                }
                (d, false)
            }
            Some(Err(e)) => (
                json!({"type": "error", "error": {"code": e.code.as_str(), "message": e.message}}),
                true,
            ),
            None => {
                let chars = s.chars as u64;
                (
                    json!({"type": "speech.audio.done", "usage": {"input_tokens": chars, "output_tokens": 0, "total_tokens": chars}}),
                    true,
                )
            }
        };
        Some((
            Ok::<_, std::convert::Infallible>(Event::default().data(data.to_string())),
            (s, done),
        ))
    });
    Ok(Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response())
}

/// `GET /v1/models`
pub async fn list_models(State(state): State<AppState>) -> Json<Value> {
    let data: Vec<Value> = EngineKind::ALL
        .iter()
        .map(|&k| {
            let m = hark_engine::models::describe(k, state.engine.catalog());
            json!({"id": m.id, "object": "model", "created": 0, "owned_by": "hark", "name": m.name, "description": m.description, "voice_count": m.voice_count})
        })
        .collect();
    Json(json!({"object": "list", "data": data}))
}

/// `GET /v1/models/{id}`: the full parameter surface and voices.
pub async fn get_model(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let kind = EngineKind::from_model_id(&id).ok_or_else(|| {
        ApiError::new(ErrorCode::ModelNotFound, format!("model '{id}' not found"))
            .with_param("model")
    })?;
    let m = hark_engine::models::describe(kind, state.engine.catalog());
    let mut v =
        serde_json::to_value(&m).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    if let Some(o) = v.as_object_mut() {
        o.insert("object".into(), json!("model"));
        o.insert("owned_by".into(), json!("hark"));
    }
    Ok(Json(v))
}
