//! Cross-cutting HTTP concerns: request ids, error bodies that carry them,
//! and dialect 1's version header.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hark_engine::ErrorCode;
use tracing::Instrument;

use crate::app::error::ApiError;

/// The id of the request being served, for handlers and logs.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Assigns every request an id (or keeps a sane one the client sent), logs
/// under it, and stamps it on the response and into any error body.
pub async fn request_id(mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|s| {
            !s.is_empty()
                && s.len() <= 128
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c))
        })
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    let span =
        tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path());
    let mut resp = next.run(req).instrument(span.clone()).await;
    if let Some(err) = resp.extensions().get::<ApiError>().cloned() {
        span.in_scope(|| {
            tracing::info!(code = err.code.as_str(), "request refused: {}", err.message)
        });
        let headers = resp.headers().clone();
        let status = resp.status();
        resp = (status, axum::Json(err.body(&id))).into_response();
        for (k, v) in headers.iter() {
            if k != axum::http::header::CONTENT_LENGTH && k != axum::http::header::CONTENT_TYPE {
                resp.headers_mut().insert(k.clone(), v.clone());
            }
        }
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

/// Dialect 1 requires `version: v1`; any other value is VERSION_NOT_FOUND.
pub async fn require_version(req: Request, next: Next) -> Response {
    let version = req
        .headers()
        .get("version")
        .or_else(|| req.headers().get("cartesia-version"))
        .map(|v| v.to_str().unwrap_or("").to_string())
        .or_else(|| {
            // WebSocket clients pass it in the query string.
            req.uri().query().and_then(|q| {
                q.split('&')
                    .find_map(|kv| kv.strip_prefix("version=").map(str::to_string))
            })
        });
    match version.as_deref() {
        Some("v1") => next.run(req).await,
        Some(other) => ApiError::new(
            ErrorCode::VersionNotFound,
            format!("API version '{other}' not found; this server speaks version v1"),
        )
        .with_param("version")
        .into_response(),
        None => ApiError::invalid("version", "missing header 'version: v1'").into_response(),
    }
}
