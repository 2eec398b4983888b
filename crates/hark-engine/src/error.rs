//! One error type for everything below the API, and the table that maps it
//! to the API contract's codes (../shared/API.md, "Errors").

use std::path::PathBuf;

/// The error codes of the API contract. HTTP statuses live here too so the
/// server, the CLI and the job runner agree on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    InvalidRequest,
    InvalidLanguage,
    FormatNotRecognized,
    TextTooLong,
    EmptyText,
    InvalidApiKey,
    Forbidden,
    VoiceNotFound,
    VersionNotFound,
    ModelNotFound,
    JobNotFound,
    NotFound,
    PayloadTooLarge,
    TooManyConcurrentRequests,
    RateLimitExceeded,
    UsageLimitExceeded,
    Internal,
    Overloaded,
}

impl ErrorCode {
    /// HTTP status for this code, as in the contract's table.
    pub fn http_status(self) -> u16 {
        use ErrorCode::*;
        match self {
            InvalidRequest | InvalidLanguage | FormatNotRecognized | TextTooLong | EmptyText => 400,
            InvalidApiKey => 401,
            Forbidden => 403,
            VoiceNotFound | VersionNotFound | ModelNotFound | JobNotFound | NotFound => 404,
            PayloadTooLarge => 413,
            TooManyConcurrentRequests | RateLimitExceeded | UsageLimitExceeded => 429,
            Internal => 500,
            Overloaded => 503,
        }
    }

    /// The code as it appears on the wire (`VOICE_NOT_FOUND`).
    pub fn as_str(self) -> &'static str {
        use ErrorCode::*;
        match self {
            InvalidRequest => "INVALID_REQUEST",
            InvalidLanguage => "INVALID_LANGUAGE",
            FormatNotRecognized => "FORMAT_NOT_RECOGNIZED",
            TextTooLong => "TEXT_TOO_LONG",
            EmptyText => "EMPTY_TEXT",
            InvalidApiKey => "INVALID_API_KEY",
            Forbidden => "FORBIDDEN",
            VoiceNotFound => "VOICE_NOT_FOUND",
            VersionNotFound => "VERSION_NOT_FOUND",
            ModelNotFound => "MODEL_NOT_FOUND",
            JobNotFound => "JOB_NOT_FOUND",
            NotFound => "NOT_FOUND",
            PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            TooManyConcurrentRequests => "TOO_MANY_CONCURRENT_REQUESTS",
            RateLimitExceeded => "RATE_LIMIT_EXCEEDED",
            UsageLimitExceeded => "USAGE_LIMIT_EXCEEDED",
            Internal => "INTERNAL",
            Overloaded => "OVERLOADED",
        }
    }
}

/// Everything that can go wrong between a request and its audio.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("voice '{0}' not found (see `hark voices list`)")]
    VoiceNotFound(String),
    #[error("voice name '{name}' is ambiguous: it matches {candidates}; use the voice id")]
    AmbiguousVoice { name: String, candidates: String },
    #[error("model '{0}' not found (see `hark models list`)")]
    ModelNotFound(String),
    #[error("{param}: {message}")]
    InvalidParameter {
        param: &'static str,
        message: String,
    },
    #[error("the text is empty: there is nothing to speak")]
    EmptyText,
    #[error("the text has {len} characters; the limit is {max}")]
    TextTooLong { len: usize, max: usize },
    #[error("language '{language}' is not spoken by voice '{voice}' (it speaks {spoken})")]
    InvalidLanguage {
        language: String,
        voice: String,
        spoken: String,
    },
    #[error("voice file {path}: {reason}")]
    VoiceFile { path: PathBuf, reason: String },
    #[error("onnxruntime is not available: {0}")]
    Runtime(String),
    #[error("synthesis failed: {0}")]
    Inference(String),
    #[error(transparent)]
    Espeak(#[from] hark_espeak::EspeakError),
    #[error("the request was cancelled")]
    Cancelled,
    /// Refused by the caller's limits, quota or the server's load (a live
    /// session's gate), with the contract's code.
    #[error("{message}")]
    Refused { code: ErrorCode, message: String },
}

impl EngineError {
    /// The contract's code for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            EngineError::VoiceNotFound(_) => ErrorCode::VoiceNotFound,
            EngineError::AmbiguousVoice { .. } => ErrorCode::InvalidRequest,
            EngineError::ModelNotFound(_) => ErrorCode::ModelNotFound,
            EngineError::InvalidParameter { .. } => ErrorCode::InvalidRequest,
            EngineError::EmptyText => ErrorCode::EmptyText,
            EngineError::TextTooLong { .. } => ErrorCode::TextTooLong,
            EngineError::InvalidLanguage { .. } => ErrorCode::InvalidLanguage,
            EngineError::VoiceFile { .. }
            | EngineError::Runtime(_)
            | EngineError::Inference(_)
            | EngineError::Espeak(_)
            | EngineError::Cancelled => ErrorCode::Internal,
            EngineError::Refused { code, .. } => *code,
        }
    }

    /// The request field the error is about, when there is one.
    pub fn param(&self) -> Option<&'static str> {
        match self {
            EngineError::VoiceNotFound(_) | EngineError::AmbiguousVoice { .. } => Some("voice"),
            EngineError::ModelNotFound(_) => Some("model"),
            EngineError::InvalidParameter { param, .. } => Some(param),
            EngineError::EmptyText | EngineError::TextTooLong { .. } => Some("text"),
            EngineError::InvalidLanguage { .. } => Some("language"),
            _ => None,
        }
    }

    pub(crate) fn invalid(param: &'static str, message: impl Into<String>) -> Self {
        EngineError::InvalidParameter {
            param,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_the_contract_table() {
        assert_eq!(EngineError::EmptyText.code().http_status(), 400);
        assert_eq!(
            EngineError::VoiceNotFound("x".into()).code().as_str(),
            "VOICE_NOT_FOUND"
        );
        assert_eq!(
            EngineError::ModelNotFound("x".into()).code().http_status(),
            404
        );
        assert_eq!(ErrorCode::Overloaded.http_status(), 503);
        assert_eq!(
            serde_json::to_string(&ErrorCode::TooManyConcurrentRequests).unwrap(),
            "\"TOO_MANY_CONCURRENT_REQUESTS\""
        );
    }
}
