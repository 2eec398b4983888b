//! The request shapes Hark speaks. Each module only translates its
//! dialect's JSON into [`SpeechRequest`](crate::http::speech::SpeechRequest) and
//! its responses back; every feature lives below, once.

pub mod flat;
pub mod openai;
pub mod transcript;

use hark_audio::{Container, Encoding, OutputFormat};
use hark_engine::{ErrorCode, VoiceInfo};
use serde_json::{json, Value};

use crate::app::error::ApiError;

/// Builds an output format from a dialect's parts, with errors naming `param`.
pub fn output_format(
    container: &str,
    encoding: Option<&str>,
    sample_rate: u32,
    bit_rate: Option<u32>,
    param: &str,
) -> Result<OutputFormat, ApiError> {
    let container: Container = container.parse().map_err(|e: hark_audio::AudioError| {
        ApiError::new(ErrorCode::FormatNotRecognized, e.to_string()).with_param(param)
    })?;
    let encoding = encoding
        .map(|e| e.parse::<Encoding>())
        .transpose()
        .map_err(|e| {
            ApiError::new(ErrorCode::FormatNotRecognized, e.to_string()).with_param(param)
        })?;
    OutputFormat::with_bit_rate(container, encoding, sample_rate, bit_rate).map_err(|e| {
        let mut err = ApiError::from(e);
        if err.param.as_deref() == Some("output_format") {
            err.param = Some(param.to_string());
        }
        err
    })
}

/// Rejects a speed outside the dialect's own range with its field name.
pub fn check_speed(speed: f32, min: f32, max: f32, param: &str) -> Result<f32, ApiError> {
    if speed.is_finite() && (min..=max).contains(&speed) {
        Ok(speed)
    } else {
        Err(ApiError::invalid(
            param,
            format!("{param} {speed} is out of range: must be {min}-{max}"),
        ))
    }
}

/// A voice as the voice endpoints show it.
pub fn voice_json(v: &VoiceInfo) -> Value {
    json!({
        "id": v.id,
        "voice_id": v.id,
        "name": v.name,
        "slug": v.slug,
        "description": v.description,
        "language": v.languages.first(),
        "languages": v.languages,
        "gender": v.gender,
        "model_id": v.model_id,
        "engine": v.engine,
        "sample_rate": v.sample_rate,
        "speakers": v.speakers,
        "is_public": true,
        "is_owner": false,
    })
}
