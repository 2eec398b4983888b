//! Hark's audio pipeline: mono f32 samples from a TTS engine at the voice's
//! native rate in, encoded bytes for an HTTP body or file out: PCM (WAV,
//! raw, G.711) or compressed (MP3, Opus in Ogg, FLAC, and AAC with the
//! `aac` feature), all streamable.
//!
//! [`AudioPipeline`] is the entry point; [`Resampler`] and the
//! [`AudioEncoder`]s are exposed for callers that need only one half.

pub mod encode;
mod error;
pub mod filter;
pub mod format;
mod pipeline;
pub mod resample;

#[cfg(feature = "aac")]
pub use encode::AacEncoder;
pub use encode::{
    encoder_for, AudioEncoder, FlacEncoder, Mp3Encoder, OpusEncoder, RawEncoder, WavEncoder,
};
pub use error::AudioError;
pub use format::{
    BitRates, Container, Encoding, OutputFormat, DEFAULT_BIT_RATE, MAX_BIT_RATE, MAX_SAMPLE_RATE,
    MIN_BIT_RATE, MIN_SAMPLE_RATE,
};
pub use pipeline::AudioPipeline;
pub use resample::Resampler;
