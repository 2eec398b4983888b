//! Request extraction with the contract's errors: malformed JSON, wrong
//! types and missing fields are INVALID_REQUEST naming the field; bodies
//! over the limit are PAYLOAD_TOO_LARGE. Never a bare framework rejection.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use hark_engine::ErrorCode;
use serde::de::DeserializeOwned;

use crate::app::error::ApiError;

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(ErrorCode::PayloadTooLarge, "the request body is too large")
            } else {
                ApiError::new(
                    ErrorCode::InvalidRequest,
                    format!("cannot read the request body: {e}"),
                )
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses JSON, naming the offending field in the error (`voice.id`).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "the request body is empty: a JSON object is expected",
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let msg = if inner.is_syntax() || inner.is_eof() {
            format!("malformed JSON: {inner}")
        } else {
            format!("invalid request: {inner}")
        };
        let mut err = ApiError::new(ErrorCode::InvalidRequest, msg);
        if path != "." && path != "?" && !path.is_empty() {
            err = err.with_param(&path);
        }
        err
    })
}
