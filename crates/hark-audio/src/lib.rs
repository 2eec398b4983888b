//! Hark's audio pipeline: mono f32 samples from a TTS engine at the voice's
//! native rate in, encoded bytes for an HTTP body or file out.
//!
//! [`AudioPipeline`] is the entry point; [`Resampler`] and the
//! [`AudioEncoder`]s are exposed for callers that need only one half.

pub mod encode;
mod error;
pub mod format;
mod pipeline;
pub mod resample;

pub use encode::{encoder_for, AudioEncoder, RawEncoder, WavEncoder};
pub use error::AudioError;
pub use format::{Container, Encoding, OutputFormat, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE};
pub use pipeline::AudioPipeline;
pub use resample::Resampler;
