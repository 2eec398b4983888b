//! The crate's error type.

use crate::format::{
    BitRates, Container, Encoding, MAX_BIT_RATE, MAX_SAMPLE_RATE, MIN_BIT_RATE, MIN_SAMPLE_RATE,
};

/// Everything that can go wrong between engine samples and output bytes.
///
/// Messages are written for API clients: most variants come straight from a
/// request parameter, so they name the parameter and list what is accepted.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("sample_rate {0} is out of range: must be {MIN_SAMPLE_RATE}-{MAX_SAMPLE_RATE}")]
    SampleRateOutOfRange(u32),

    #[error("unknown container '{0}': expected one of {list}", list = names(Container::ALL))]
    UnknownContainer(String),

    #[error("unknown encoding '{0}': expected one of {list}", list = names(Encoding::ALL))]
    UnknownEncoding(String),

    #[error("container '{container}' requires encoding '{required}', got '{encoding}'")]
    IncompatibleEncoding {
        container: Container,
        encoding: Encoding,
        required: Encoding,
    },

    #[error(
        "sample_rate {sample_rate} is not supported by {container}: must be one of {list}",
        list = names(allowed)
    )]
    UnsupportedSampleRate {
        container: Container,
        sample_rate: u32,
        allowed: &'static [u32],
    },

    #[error("bit_rate {0} is out of range: must be {MIN_BIT_RATE}-{MAX_BIT_RATE}")]
    BitRateOutOfRange(u32),

    /// An explicit bit rate the codec cannot honour at this sample rate. It
    /// is not silently changed: the client asked for a size/quality trade.
    #[error(
        "bit_rate {bit_rate} is not possible for {container} at {sample_rate} Hz: \
         possible bit rates there are {possible}{hint}",
        hint = if *bit_rate > possible.max() { " (higher ones need a higher sample_rate)" } else { "" }
    )]
    UnsupportedBitRate {
        container: Container,
        bit_rate: u32,
        sample_rate: u32,
        possible: BitRates,
    },

    /// The container's codec is behind a cargo feature this build lacks
    /// (aac: the FDK licence is not free software).
    #[error("{0} support is not built in (build with --features {0})")]
    NotBuiltIn(Container),

    /// The codec library refused; with a validated format this means a bug
    /// or an allocation failure, not a bad request.
    #[error("{codec} encoder failed: {message}")]
    Encoder {
        codec: &'static str,
        message: String,
    },

    #[error("cannot resample from {from} Hz to {to} Hz")]
    Resampler {
        from: u32,
        to: u32,
        #[source]
        source: rubato::ResamplerConstructionError,
    },

    /// The stream was already finished; pushing more would corrupt the
    /// container (e.g. audio after a WAV pad byte).
    #[error("audio stream already finished")]
    Finished,
}

/// "a, b, c" from the enum's canonical names, so the error lists can't drift
/// from what `FromStr` accepts.
fn names<T: std::fmt::Display>(all: &[T]) -> String {
    all.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
