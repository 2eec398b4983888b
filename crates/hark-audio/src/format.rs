//! Output format types as they appear in the API (`container`, `encoding`,
//! `sample_rate`, `bit_rate`).

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

/// Lowest `bit_rate` accepted for the lossy codecs: below this mono speech
/// from MP3 or AAC-LC is audibly poor, and the API keeps one range for all.
pub const MIN_BIT_RATE: u32 = 32_000;
/// Highest `bit_rate` accepted: the top of MP3's table; more buys nothing
/// audible for mono speech in any of the codecs.
pub const MAX_BIT_RATE: u32 = 320_000;
/// The bit rate a lossy format gets when the request names none, unless the
/// codec cannot reach it at the chosen sample rate; then it gets the highest
/// it can (see [`OutputFormat::effective_bit_rate`]).
/// Opus's default when none is asked for (see [`OutputFormat::effective_bit_rate`]).
pub const OPUS_SPEECH_BIT_RATE: u32 = 64_000;
pub const DEFAULT_BIT_RATE: u32 = 192_000;

/// Sample rates of MPEG audio (MP3 and AAC): MPEG-1, MPEG-2 and MPEG-2.5
/// each define three, and a stream can only be at one of them.
pub const MPEG_SAMPLE_RATES: &[u32] =
    &[8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000];
/// The only rates libopus encodes at; the pipeline resamples to one of them.
pub const OPUS_SAMPLE_RATES: &[u32] = &[8000, 12000, 16000, 24000, 48000];

/// MP3 bit rates (bit/s) LAME writes at MPEG-2.5 rates (8-12 kHz). The
/// format's table goes to 160 kbps but LAME caps these rates at 64 kbps
/// (measured: asking for more gives 64).
const MP3_BIT_RATES_MPEG25: &[u32] = &[32_000, 40_000, 48_000, 64_000];
/// MP3 bit rates at MPEG-2 rates (16-24 kHz), whose table tops out at 160
/// kbps. 56 and 144 kbps are in the table too but `mp3lame-encoder` cannot
/// ask for them.
const MP3_BIT_RATES_MPEG2: &[u32] = &[
    32_000, 40_000, 48_000, 64_000, 80_000, 96_000, 112_000, 128_000, 160_000,
];
/// MP3 bit rates at MPEG-1 rates (32-48 kHz), less 56 kbps as above.
const MP3_BIT_RATES_MPEG1: &[u32] = &[
    32_000, 40_000, 48_000, 64_000, 80_000, 96_000, 112_000, 128_000, 160_000, 192_000, 224_000,
    256_000, 320_000,
];

/// How the encoded samples are packaged in the byte stream.
///
/// The PCM containers (wav, raw, mulaw, alaw) carry samples in an
/// [`Encoding`]. The compressed ones (mp3, opus, flac, aac) bring their own
/// codec, so `Encoding` does not apply to them (see
/// [`allowed_encodings`](Self::allowed_encodings)); the lossy ones take a
/// bit rate instead.
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
    /// MPEG-1/2 Layer III frames (CBR, no ID3 or Xing tag): every byte
    /// range that starts at a frame is playable, so it streams as is.
    Mp3,
    /// Opus in Ogg (RFC 7845). `ogg` is accepted as another name, since Opus
    /// is the only codec we put in Ogg.
    #[serde(alias = "ogg")]
    Opus,
    /// Native FLAC, 16-bit, lossless.
    Flac,
    /// AAC-LC in ADTS frames; only in builds with the `aac` feature.
    Aac,
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
    /// Every container, whether or not this build can encode it (see
    /// [`is_available`](Self::is_available)): a request for aac in a build
    /// without it should hear "not built in", not "unknown container".
    pub const ALL: &'static [Container] = &[
        Self::Wav,
        Self::Raw,
        Self::Mulaw,
        Self::Alaw,
        Self::Mp3,
        Self::Opus,
        Self::Flac,
        Self::Aac,
    ];

    /// The name used in the API (same as serde).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Wav => "wav",
            Self::Raw => "raw",
            Self::Mulaw => "mulaw",
            Self::Alaw => "alaw",
            Self::Mp3 => "mp3",
            Self::Opus => "opus",
            Self::Flac => "flac",
            Self::Aac => "aac",
        }
    }

    /// Whether this build can encode the container. Only aac can be missing:
    /// it needs the cargo feature of the same name, off by default because
    /// the Fraunhofer FDK licence is not free software.
    pub fn is_available(self) -> bool {
        self != Self::Aac || cfg!(feature = "aac")
    }

    /// The encoding used when a request names only the container.
    ///
    /// For the compressed containers the encoding does not apply; they
    /// report `pcm_s16le`, the sample precision their codecs are fed, and
    /// [`OutputFormat::new`] stores that whatever was asked.
    pub fn default_encoding(self) -> Encoding {
        match self {
            Self::Mulaw => Encoding::PcmMulaw,
            Self::Alaw => Encoding::PcmAlaw,
            Self::Wav | Self::Raw | Self::Mp3 | Self::Opus | Self::Flac | Self::Aac => {
                Encoding::PcmS16le
            }
        }
    }

    /// Encodings this container can carry. The G.711 containers are defined
    /// by their encoding, so they admit exactly one. The compressed ones
    /// carry codec frames, not PCM samples, so the list is empty: the
    /// `encoding` field does not apply to them and is ignored.
    pub fn allowed_encodings(self) -> &'static [Encoding] {
        match self {
            Self::Wav | Self::Raw => Encoding::ALL,
            Self::Mulaw => &[Encoding::PcmMulaw],
            Self::Alaw => &[Encoding::PcmAlaw],
            Self::Mp3 | Self::Opus | Self::Flac | Self::Aac => &[],
        }
    }

    /// Whether the container holds codec frames rather than PCM samples.
    pub fn is_compressed(self) -> bool {
        self.allowed_encodings().is_empty()
    }

    /// Sample rates the codec can run at; `None` means any rate in
    /// [`MIN_SAMPLE_RATE`]..=[`MAX_SAMPLE_RATE`].
    pub fn sample_rates(self) -> Option<&'static [u32]> {
        match self {
            Self::Mp3 | Self::Aac => Some(MPEG_SAMPLE_RATES),
            Self::Opus => Some(OPUS_SAMPLE_RATES),
            Self::Wav | Self::Raw | Self::Mulaw | Self::Alaw | Self::Flac => None,
        }
    }

    /// The bit rates the codec can honour at `sample_rate`, or `None` for
    /// containers without a bit-rate choice (PCM and lossless FLAC), where
    /// a requested `bit_rate` is ignored.
    ///
    /// All are within [`MIN_BIT_RATE`]..=[`MAX_BIT_RATE`]. MP3 frames carry
    /// an index into a fixed table, so only its entries are possible, and
    /// MPEG-2/2.5 rates have a shorter table; AAC-LC cannot spend more than
    /// 6144 bits on a 1024-sample mono frame (6 bits a sample), which
    /// fdk-aac enforces by quietly lowering the rate; libopus takes any
    /// rate from 6 to 510 kbps.
    pub fn bit_rates(self, sample_rate: u32) -> Option<BitRates> {
        match self {
            Self::Mp3 => Some(BitRates::OneOf(if sample_rate < 16_000 {
                MP3_BIT_RATES_MPEG25
            } else if sample_rate < 32_000 {
                MP3_BIT_RATES_MPEG2
            } else {
                MP3_BIT_RATES_MPEG1
            })),
            Self::Aac => Some(BitRates::Range {
                min: MIN_BIT_RATE,
                max: sample_rate
                    .saturating_mul(6)
                    .clamp(MIN_BIT_RATE, MAX_BIT_RATE),
            }),
            Self::Opus => Some(BitRates::Range {
                min: MIN_BIT_RATE,
                max: MAX_BIT_RATE,
            }),
            Self::Wav | Self::Raw | Self::Mulaw | Self::Alaw | Self::Flac => None,
        }
    }

    /// `Content-Type` for this container.
    ///
    /// Raw PCM gets `application/octet-stream` because the only registered
    /// PCM type (`audio/L16`) is big-endian and would mislead clients. Opus
    /// names its codec (RFC 7845) because `audio/ogg` alone is commonly
    /// read as Vorbis.
    pub fn mime_type(self) -> &'static str {
        match self {
            Self::Wav => "audio/wav",
            Self::Raw => "application/octet-stream",
            Self::Mulaw => "audio/basic",
            Self::Alaw => "audio/x-alaw-basic",
            Self::Mp3 => "audio/mpeg",
            Self::Opus => "audio/ogg; codecs=opus",
            Self::Flac => "audio/flac",
            Self::Aac => "audio/aac",
        }
    }

    /// File extension (without dot) that sox and ffmpeg recognise.
    pub fn file_extension(self) -> &'static str {
        match self {
            Self::Wav => "wav",
            Self::Raw => "raw",
            Self::Mulaw => "ul",
            Self::Alaw => "al",
            Self::Mp3 => "mp3",
            Self::Opus => "opus",
            Self::Flac => "flac",
            Self::Aac => "aac",
        }
    }
}

/// The bit rates (bit/s) a lossy codec can honour at one sample rate; see
/// [`Container::bit_rates`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BitRates {
    /// Exactly these, ascending (MP3's table).
    OneOf(&'static [u32]),
    /// Anything in this inclusive range.
    Range { min: u32, max: u32 },
}

impl BitRates {
    pub fn contains(&self, bit_rate: u32) -> bool {
        match *self {
            Self::OneOf(list) => list.contains(&bit_rate),
            Self::Range { min, max } => (min..=max).contains(&bit_rate),
        }
    }

    /// The highest possible bit rate.
    pub fn max(&self) -> u32 {
        match *self {
            Self::OneOf(list) => list.last().copied().unwrap_or(0),
            Self::Range { max, .. } => max,
        }
    }

    /// The highest possible bit rate not above `limit`, or the lowest
    /// possible one if all are above it.
    pub fn best_up_to(&self, limit: u32) -> u32 {
        match *self {
            Self::OneOf(list) => list
                .iter()
                .copied()
                .filter(|&b| b <= limit)
                .max()
                .or_else(|| list.first().copied())
                .unwrap_or(limit),
            Self::Range { min, max } => limit.clamp(min, max),
        }
    }
}

/// "32000, 40000, 48000" or "32000-144000", for error messages.
impl fmt::Display for BitRates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OneOf(list) => {
                for (i, b) in list.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{b}")?;
                }
                Ok(())
            }
            Self::Range { min, max } => write!(f, "{min}-{max}"),
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

    /// Accepts the API names and, like serde, `ogg` for opus.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().eq_ignore_ascii_case("ogg") {
            return Ok(Self::Opus);
        }
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
/// [`with_bit_rate`](Self::with_bit_rate), or call
/// [`validate`](Self::validate).
///
/// For the compressed containers `encoding` does not apply: the
/// constructors store `pcm_s16le` there whatever was asked (so two requests
/// that differ only in an ignored field compare equal) and `validate`
/// accepts any value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OutputFormat {
    pub container: Container,
    pub encoding: Encoding,
    pub sample_rate: u32,
    /// Requested bit rate in bit/s for the lossy containers (mp3, opus,
    /// aac); `None` means the default (see
    /// [`effective_bit_rate`](Self::effective_bit_rate)). The other
    /// containers ignore it and the constructors store `None` for them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bit_rate: Option<u32>,
}

impl OutputFormat {
    /// Builds a validated format with the default bit rate; a missing
    /// encoding takes the container's default, so `container=mulaw` alone
    /// means 8-bit G.711 mu-law.
    pub fn new(
        container: Container,
        encoding: Option<Encoding>,
        sample_rate: u32,
    ) -> Result<Self, AudioError> {
        Self::with_bit_rate(container, encoding, sample_rate, None)
    }

    /// Like [`new`](Self::new), with a bit rate for the lossy containers.
    ///
    /// The encoding is normalised to `pcm_s16le` for compressed containers
    /// and the bit rate to `None` for the others, where they mean nothing;
    /// an explicit bit rate the codec cannot honour at `sample_rate` is an
    /// error rather than being changed behind the client's back.
    pub fn with_bit_rate(
        container: Container,
        encoding: Option<Encoding>,
        sample_rate: u32,
        bit_rate: Option<u32>,
    ) -> Result<Self, AudioError> {
        let encoding = match encoding {
            Some(e) if !container.is_compressed() => e,
            _ => container.default_encoding(),
        };
        let bit_rate = bit_rate.filter(|_| container.bit_rates(sample_rate).is_some());
        let format = Self {
            container,
            encoding,
            sample_rate,
            bit_rate,
        };
        format.validate()?;
        Ok(format)
    }

    /// Rejects rates outside [`MIN_SAMPLE_RATE`]..=[`MAX_SAMPLE_RATE`] or
    /// that the codec cannot run at (opus at 22050 Hz), encodings the
    /// container cannot carry (e.g. `mulaw` + `pcm_s16le`), bit rates the
    /// codec cannot honour at the sample rate, and containers this build
    /// lacks. Nothing is silently changed, since either reading could be
    /// what the client meant; the errors list what would be accepted.
    pub fn validate(&self) -> Result<(), AudioError> {
        if !(MIN_SAMPLE_RATE..=MAX_SAMPLE_RATE).contains(&self.sample_rate) {
            return Err(AudioError::SampleRateOutOfRange(self.sample_rate));
        }
        if !self.container.is_available() {
            return Err(AudioError::NotBuiltIn(self.container));
        }
        if let Some(allowed) = self.container.sample_rates() {
            if !allowed.contains(&self.sample_rate) {
                return Err(AudioError::UnsupportedSampleRate {
                    container: self.container,
                    sample_rate: self.sample_rate,
                    allowed,
                });
            }
        }
        let allowed = self.container.allowed_encodings();
        if !allowed.is_empty() && !allowed.contains(&self.encoding) {
            return Err(AudioError::IncompatibleEncoding {
                container: self.container,
                encoding: self.encoding,
                required: self.container.default_encoding(),
            });
        }
        if let (Some(bit_rate), Some(possible)) =
            (self.bit_rate, self.container.bit_rates(self.sample_rate))
        {
            if !(MIN_BIT_RATE..=MAX_BIT_RATE).contains(&bit_rate) {
                return Err(AudioError::BitRateOutOfRange(bit_rate));
            }
            if !possible.contains(bit_rate) {
                return Err(AudioError::UnsupportedBitRate {
                    container: self.container,
                    bit_rate,
                    sample_rate: self.sample_rate,
                    possible,
                });
            }
        }
        Ok(())
    }

    /// The bit rate the encoder will use: `None` for containers without a
    /// bit-rate choice; otherwise the requested one, or when none was
    /// requested the highest the codec allows at this sample rate up to
    /// [`DEFAULT_BIT_RATE`]. So an unspecified bit rate never fails: mp3 at
    /// 24000 Hz gets 160 kbps and at 8000 Hz 64 kbps, where asking for
    /// 192 kbps explicitly is an error.
    pub fn effective_bit_rate(&self) -> Option<u32> {
        let possible = self.container.bit_rates(self.sample_rate)?;
        // Opus is transparent for mono speech far below the API's 192 kbps
        // default (meant for mp3); 64 kbps keeps streams light.
        let default = if self.container == Container::Opus {
            OPUS_SPEECH_BIT_RATE
        } else {
            DEFAULT_BIT_RATE
        };
        Some(
            self.bit_rate
                .unwrap_or_else(|| possible.best_up_to(default)),
        )
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
                sample_rate: 24000,
                bit_rate: None,
            }
        );
        // bit_rate is optional both ways, so old clients' JSON still reads.
        assert!(!serde_json::to_string(&f).unwrap().contains("bit_rate"));
        let f: OutputFormat = serde_json::from_str(
            r#"{"container":"ogg","encoding":"pcm_s16le","sample_rate":48000,"bit_rate":64000}"#,
        )
        .unwrap();
        assert_eq!((f.container, f.bit_rate), (Container::Opus, Some(64000)));
        assert!(serde_json::to_string(&f)
            .unwrap()
            .contains(r#""bit_rate":64000"#));
    }

    #[test]
    fn ogg_is_another_name_for_opus() {
        assert_eq!("ogg".parse::<Container>().unwrap(), Container::Opus);
        assert_eq!(" OGG ".parse::<Container>().unwrap(), Container::Opus);
        assert_eq!(Container::Opus.to_string(), "opus");
    }

    #[test]
    fn compressed_containers_metadata() {
        let table = [
            (Container::Mp3, "audio/mpeg", "mp3"),
            (Container::Opus, "audio/ogg; codecs=opus", "opus"),
            (Container::Flac, "audio/flac", "flac"),
            (Container::Aac, "audio/aac", "aac"),
        ];
        for (c, mime, ext) in table {
            assert_eq!(c.mime_type(), mime);
            assert_eq!(c.file_extension(), ext);
            assert!(c.is_compressed());
            assert!(c.allowed_encodings().is_empty());
        }
        for c in [
            Container::Wav,
            Container::Raw,
            Container::Mulaw,
            Container::Alaw,
        ] {
            assert!(!c.is_compressed());
            assert!(c.bit_rates(16000).is_none());
            assert!(c.sample_rates().is_none());
        }
        assert!(Container::Flac.bit_rates(16000).is_none());
        assert_eq!(Container::Aac.is_available(), cfg!(feature = "aac"));
    }

    #[test]
    fn bit_rate_tables() {
        let mp3 = |rate| Container::Mp3.bit_rates(rate).unwrap();
        assert_eq!(mp3(8000).max(), 64_000);
        assert_eq!(mp3(12000).max(), 64_000);
        assert_eq!(mp3(16000).max(), 160_000);
        assert_eq!(mp3(24000).max(), 160_000);
        assert_eq!(mp3(32000).max(), 320_000);
        assert!(mp3(48000).contains(128_000));
        assert!(!mp3(48000).contains(128_001));
        assert_eq!(mp3(24000).best_up_to(DEFAULT_BIT_RATE), 160_000);
        assert_eq!(mp3(48000).best_up_to(DEFAULT_BIT_RATE), 192_000);
        assert_eq!(mp3(48000).best_up_to(1), 32_000);
        assert_eq!(mp3(8000).to_string(), "32000, 40000, 48000, 64000");

        let aac = |rate| Container::Aac.bit_rates(rate).unwrap();
        assert_eq!(
            aac(8000),
            BitRates::Range {
                min: 32_000,
                max: 48_000
            }
        );
        assert_eq!(aac(22050).max(), 132_300);
        assert_eq!(aac(48000).max(), 288_000);
        assert_eq!(aac(24000).to_string(), "32000-144000");

        let opus = Container::Opus.bit_rates(8000).unwrap();
        assert_eq!(
            opus,
            BitRates::Range {
                min: MIN_BIT_RATE,
                max: MAX_BIT_RATE
            }
        );
        assert_eq!(opus.best_up_to(DEFAULT_BIT_RATE), DEFAULT_BIT_RATE);
    }

    #[test]
    fn explicit_bit_rates_are_validated_per_codec() {
        let with = |c, rate, b| OutputFormat::with_bit_rate(c, None, rate, Some(b));
        assert!(with(Container::Opus, 8000, 320_000).is_ok());
        assert!(with(Container::Opus, 48000, 33_333).is_ok());
        assert!(matches!(
            with(Container::Opus, 48000, 510_000),
            Err(AudioError::BitRateOutOfRange(510_000))
        ));
        assert!(matches!(
            with(Container::Mp3, 8000, 80_000),
            Err(AudioError::UnsupportedBitRate { .. })
        ));
        // Validation order: an unsupported rate is reported before the bit
        // rate, since the bit rates depend on it.
        assert!(matches!(
            with(Container::Mp3, 20000, 1),
            Err(AudioError::UnsupportedSampleRate { .. })
        ));
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
        let err = "m4a".parse::<Container>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown container 'm4a': expected one of wav, raw, mulaw, alaw, mp3, opus, flac, aac"
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
