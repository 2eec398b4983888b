//! The crate's error type.

use crate::format::{Container, Encoding, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE};

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
