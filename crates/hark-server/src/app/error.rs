//! The one error response: `{"error": {"code", "message", "param", "request_id"}}`
//! with the status of the contract's table. Internals never leak: a 500 says
//! only that it happened; the log has the details under the request id.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hark_engine::{EngineError, ErrorCode};
use serde_json::json;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub param: Option<String>,
    /// Seconds, for 429 and 503.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            param: None,
            retry_after: None,
        }
    }

    pub fn invalid(param: &str, message: impl Into<String>) -> Self {
        ApiError::new(ErrorCode::InvalidRequest, message).with_param(param)
    }

    pub fn with_param(mut self, param: &str) -> Self {
        self.param = Some(param.to_string());
        self
    }

    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    pub fn not_found(what: &str) -> Self {
        ApiError::new(ErrorCode::NotFound, format!("{what} not found"))
    }

    /// The JSON body, with the request id the middleware assigned.
    pub fn body(&self, request_id: &str) -> serde_json::Value {
        json!({"error": {
            "code": self.code.as_str(),
            "message": self.message,
            "param": self.param,
            "request_id": request_id,
        }})
    }
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        let code = e.code();
        let message = if code == ErrorCode::Internal {
            tracing::error!(error = %e, "synthesis failed");
            "internal error; see the server log under this request id".to_string()
        } else {
            e.to_string()
        };
        ApiError {
            code,
            message,
            param: e.param().map(str::to_string),
            retry_after: None,
        }
    }
}

impl From<hark_audio::AudioError> for ApiError {
    fn from(e: hark_audio::AudioError) -> Self {
        use hark_audio::AudioError as A;
        let (code, param) = match &e {
            A::SampleRateOutOfRange(_) | A::UnsupportedSampleRate { .. } => {
                (ErrorCode::InvalidRequest, "sample_rate")
            }
            A::BitRateOutOfRange(_) | A::UnsupportedBitRate { .. } => {
                (ErrorCode::InvalidRequest, "bit_rate")
            }
            A::UnknownContainer(_)
            | A::UnknownEncoding(_)
            | A::IncompatibleEncoding { .. }
            | A::NotBuiltIn(_) => (ErrorCode::FormatNotRecognized, "output_format"),
            A::Encoder { .. } | A::Resampler { .. } | A::Finished => {
                tracing::error!(error = %e, "audio pipeline failed");
                return ApiError::new(
                    ErrorCode::Internal,
                    "internal error; see the server log under this request id",
                );
            }
        };
        ApiError::new(code, e.to_string()).with_param(param)
    }
}

/// Errors become responses in the request-id middleware, which knows the id;
/// this carries the error there inside the response's extensions.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = (status, axum::Json(self.body(""))).into_response();
        if let Some(s) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                resp.headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, v);
            }
        }
        resp.extensions_mut().insert(self);
        resp
    }
}
