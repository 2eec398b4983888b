//! Output format types as they appear in the API (`container`, `encoding`,
//! `sample_rate`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::AudioError;

/// Lowest output rate we serve: telephony (G.711) runs at 8 kHz, nothing
/// useful is lower.
pub const MIN_SAMPLE_RATE: u32 = 8000;
/// Highest output rate we serve: voices are at most 48 kHz natively, so
/// anything above only adds bytes.
pub const MAX_SAMPLE_RATE: u32 = 48000;

/// How the encoded samples are packaged in the byte stream.
///
/// Compressed containers (Mp3, Opus, Flac, Aac) will be added here; each
/// brings its own codec, so for them `Encoding` will not apply and
/// [`Container::allowed_encodings`] will say so, while `encoder_for` gains
/// one arm per container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Container {
    /// RIFF/WAVE with a streaming-friendly header.
    Wav,
    /// Headerless samples in the chosen encoding.
    Raw,
    /// Headerless G.711 mu-law bytes (what telephony APIs call "audio/basic").
    Mulaw,
    /// Headerless G.711 A-law bytes.
    Alaw,
}

/// How a single sample is represented in bytes (all little-endian, mono).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// Signed 16-bit integer PCM.
    PcmS16le,
    /// 32-bit IEEE float PCM.
    PcmF32le,
    /// 8-bit G.711 mu-law.
    PcmMulaw,
    /// 8-bit G.711 A-law.
    PcmAlaw,
}

impl Container {
    pub const ALL: &'static [Container] = &[Self::Wav, Self::Raw, Self::Mulaw, Self::Alaw];

    /// The name used in the API (same as serde).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Wav => "wav",
            Self::Raw => "raw",
            Self::Mulaw => "mulaw",
            Self::Alaw => "alaw",
        }
    }

    /// The encoding used when a request names only the container.
    pub fn default_encoding(self) -> Encoding {
        match self {
            Self::Wav | Self::Raw => Encoding::PcmS16le,
            Self::Mulaw => Encoding::PcmMulaw,
            Self::Alaw => Encoding::PcmAlaw,
        }
    }

    /// Encodings this container can carry. The G.711 containers are defined
    /// by their encoding, so they admit exactly one.
    pub fn allowed_encodings(self) -> &'static [Encoding] {
        match self {
            Self::Wav | Self::Raw => Encoding::ALL,
            Self::Mulaw => &[Encoding::PcmMulaw],
            Self::Alaw => &[Encoding::PcmAlaw],
        }
    }

    /// `Content-Type` for this container.
    ///
    /// Raw PCM gets `application/octet-stream` because the only registered
    /// PCM type (`audio/L16`) is big-endian and would mislead clients.
    pub fn mime_type(self) -> &'static str {
        match self {
            Self::Wav => "audio/wav",
            Self::Raw => "application/octet-stream",
            Self::Mulaw => "audio/basic",
            Self::Alaw => "audio/x-alaw-basic",
        }
    }

    /// File extension (without dot) that sox and ffmpeg recognise.
    pub fn file_extension(self) -> &'static str {
        match self {
            Self::Wav => "wav",
            Self::Raw => "raw",
            Self::Mulaw => "ul",
            Self::Alaw => "al",
        }
    }
}

impl Encoding {
    pub const ALL: &'static [Encoding] = &[
        Self::PcmS16le,
        Self::PcmF32le,
        Self::PcmMulaw,
        Self::PcmAlaw,
    ];

    /// The name used in the API (same as serde).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PcmS16le => "pcm_s16le",
            Self::PcmF32le => "pcm_f32le",
            Self::PcmMulaw => "pcm_mulaw",
            Self::PcmAlaw => "pcm_alaw",
        }
    }

    /// Bytes per (mono) sample, i.e. the WAV block alignment.
    pub fn bytes_per_sample(self) -> usize {
        match self {
            Self::PcmS16le => 2,
            Self::PcmF32le => 4,
            Self::PcmMulaw | Self::PcmAlaw => 1,
        }
    }
}

/// Parses the API name, ignoring ASCII case, because query strings are
/// typed by hand.
fn parse_name<T: Copy>(s: &str, all: &[T], name: impl Fn(T) -> &'static str) -> Option<T> {
    all.iter()
        .copied()
        .find(|&v| name(v).eq_ignore_ascii_case(s.trim()))
}

impl FromStr for Container {
    type Err = AudioError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_name(s, Self::ALL, Self::as_str)
            .ok_or_else(|| AudioError::UnknownContainer(s.to_owned()))
    }
}

impl FromStr for Encoding {
    type Err = AudioError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_name(s, Self::ALL, Self::as_str)
            .ok_or_else(|| AudioError::UnknownEncoding(s.to_owned()))
    }
}

impl fmt::Display for Container {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the client asked to receive. Deserializing does not validate (serde
/// cannot default the encoding per container); use [`OutputFormat::new`] or
/// call [`validate`](Self::validate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OutputFormat {
    pub container: Container,
    pub encoding: Encoding,
    pub sample_rate: u32,
}

impl OutputFormat {
    /// Builds a validated format; a missing encoding takes the container's
    /// default, so `container=mulaw` alone means 8-bit G.711 mu-law.
    pub fn new(
        container: Container,
        encoding: Option<Encoding>,
        sample_rate: u32,
    ) -> Result<Self, AudioError> {
        let format = Self {
            container,
            encoding: encoding.unwrap_or(container.default_encoding()),
            sample_rate,
        };
        format.validate()?;
        Ok(format)
    }

    /// Rejects rates outside [`MIN_SAMPLE_RATE`]..=[`MAX_SAMPLE_RATE`] and
    /// encodings the container cannot carry (e.g. `mulaw` + `pcm_s16le`),
    /// rather than silently picking one, since either reading could be what
    /// the client meant.
    pub fn validate(&self) -> Result<(), AudioError> {
        if !(MIN_SAMPLE_RATE..=MAX_SAMPLE_RATE).contains(&self.sample_rate) {
            return Err(AudioError::SampleRateOutOfRange(self.sample_rate));
        }
        if !self.container.allowed_encodings().contains(&self.encoding) {
            return Err(AudioError::IncompatibleEncoding {
                container: self.container,
                encoding: self.encoding,
                required: self.container.default_encoding(),
            });
        }
        Ok(())
    }

    /// See [`Container::mime_type`].
    pub fn mime_type(&self) -> &'static str {
        self.container.mime_type()
    }

    /// See [`Container::file_extension`].
    pub fn file_extension(&self) -> &'static str {
        self.container.file_extension()
    }

    /// See [`Encoding::bytes_per_sample`].
    pub fn bytes_per_sample(&self) -> usize {
        self.encoding.bytes_per_sample()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_names_match_api() {
        for &c in Container::ALL {
            assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{c}\""));
        }
        for &e in Encoding::ALL {
            assert_eq!(serde_json::to_string(&e).unwrap(), format!("\"{e}\""));
        }
        let f: OutputFormat = serde_json::from_str(
            r#"{"container":"wav","encoding":"pcm_f32le","sample_rate":24000}"#,
        )
        .unwrap();
        assert_eq!(
            f,
            OutputFormat {
                container: Container::Wav,
                encoding: Encoding::PcmF32le,
                sample_rate: 24000
            }
        );
    }

    #[test]
    fn from_str_round_trips_and_ignores_case() {
        for &c in Container::ALL {
            assert_eq!(c.as_str().parse::<Container>().unwrap(), c);
        }
        for &e in Encoding::ALL {
            assert_eq!(e.as_str().parse::<Encoding>().unwrap(), e);
        }
        assert_eq!(" WAV".parse::<Container>().unwrap(), Container::Wav);
        assert_eq!("PCM_Mulaw".parse::<Encoding>().unwrap(), Encoding::PcmMulaw);
    }

    #[test]
    fn unknown_names_list_accepted_values() {
        let err = "ogg".parse::<Container>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown container 'ogg': expected one of wav, raw, mulaw, alaw"
        );
        let err = "s16".parse::<Encoding>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown encoding 's16': expected one of pcm_s16le, pcm_f32le, pcm_mulaw, pcm_alaw"
        );
    }

    #[test]
    fn validate_checks_rate_range() {
        let err = OutputFormat::new(Container::Wav, None, 7000).unwrap_err();
        assert_eq!(
            err.to_string(),
            "sample_rate 7000 is out of range: must be 8000-48000"
        );
        assert!(OutputFormat::new(Container::Wav, None, 48001).is_err());
        assert!(OutputFormat::new(Container::Wav, None, MIN_SAMPLE_RATE).is_ok());
        assert!(OutputFormat::new(Container::Wav, None, MAX_SAMPLE_RATE).is_ok());
    }

    #[test]
    fn g711_containers_imply_their_encoding() {
        let f = OutputFormat::new(Container::Mulaw, None, 8000).unwrap();
        assert_eq!(f.encoding, Encoding::PcmMulaw);
        assert_eq!(f.mime_type(), "audio/basic");
        assert_eq!(f.bytes_per_sample(), 1);
        let f = OutputFormat::new(Container::Alaw, None, 8000).unwrap();
        assert_eq!(f.encoding, Encoding::PcmAlaw);

        let err = OutputFormat::new(Container::Mulaw, Some(Encoding::PcmS16le), 8000).unwrap_err();
        assert_eq!(
            err.to_string(),
            "container 'mulaw' requires encoding 'pcm_mulaw', got 'pcm_s16le'"
        );
        // Raw and WAV carry any encoding, G.711 included.
        for &e in Encoding::ALL {
            assert!(OutputFormat::new(Container::Raw, Some(e), 16000).is_ok());
            assert!(OutputFormat::new(Container::Wav, Some(e), 16000).is_ok());
        }
    }
}
