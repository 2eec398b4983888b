//! The HTTP surfaces: the three request dialects (and the Waves model-in-body
//! paths), voices, dictionaries, async jobs, OpenAPI. Each translates its own
//! shapes into [`speech::SpeechRequest`] and back.

pub mod dialect;
pub mod dicts;
pub mod jobs;
pub mod openapi;
pub mod resolve;
pub mod speech;
pub mod voices;
