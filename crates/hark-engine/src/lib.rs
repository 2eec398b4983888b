//! Hark's engine: voices, engines and the chunk stream. Knows nothing of HTTP.
//!
//! Layers: [`catalog`] (what voices exist) -> [`frontend`] (text, markup and
//! dictionaries become chunks of phonemes) -> [`engine`] (a request becomes
//! audio chunks) -> [`piper`] / espeak-ng (inference) on sessions from [`pool`].

pub mod align;
pub mod captions;
pub mod catalog;
pub mod engine;
pub mod error;
pub mod frontend;
pub mod kokoro;
pub mod kokoro_voices;
pub mod live;
pub mod models;
pub mod onnx_patch;
pub mod piper;
pub mod pool;
pub mod runtime;
pub mod sessions;
pub mod split;
pub mod voice;

pub use align::WordTiming;
pub use catalog::{CatalogEntry, VoiceCatalog, VoiceSource};
pub use engine::{AudioChunk, ChunkStream, Engine, EngineConfig, SynthesisRequest};
pub use error::{EngineError, ErrorCode};
pub use voice::{EngineKind, Gender, VoiceInfo};
