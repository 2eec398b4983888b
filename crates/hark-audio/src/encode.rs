//! Streaming encoders: mono f32 samples (already at the output rate) in,
//! container bytes out, one piece at a time so an HTTP body can start before
//! synthesis ends.
//!
//! The PCM encoders live here; the compressed ones each have a submodule.
//! All of them emit whole codec frames (or Ogg pages) from every
//! [`encode`](AudioEncoder::encode) call, so the concatenation of
//! [`header`](AudioEncoder::header) and the bytes so far is always a
//! playable prefix of the stream.

#[cfg(feature = "aac")]
mod aac;
mod flac;
mod mp3;
mod opus;

#[cfg(feature = "aac")]
pub use aac::AacEncoder;
pub use flac::FlacEncoder;
pub use mp3::Mp3Encoder;
pub use opus::OpusEncoder;

use crate::format::{Container, Encoding, OutputFormat};
use crate::AudioError;

/// A streaming encoder. The PCM formats write each sample at once; the
/// compressed ones buffer up to a codec frame (plus the codec's lookahead)
/// and emit only complete frames.
pub trait AudioEncoder: Send {
    /// Bytes that open the stream (e.g. a WAV header), written before any audio.
    fn header(&mut self) -> Vec<u8>;
    /// Encode the next mono f32 samples (already at the output rate); may
    /// append nothing while buffering.
    fn encode(&mut self, samples: &[f32], out: &mut Vec<u8>) -> Result<(), AudioError>;
    /// Flush buffered audio and write any trailer.
    fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), AudioError>;
    /// For seekable sinks: a header with the true sizes, to overwrite at
    /// offset 0 after finish (WAV, FLAC, MP3); `None` when not needed. It
    /// is never longer than what the stream had there.
    fn final_header(&self) -> Option<Vec<u8>>;
}

/// The encoder for `format`. The G.711 containers always get their own
/// encoding, and the compressed ones ignore it, whatever `format.encoding`
/// says; call [`OutputFormat::validate`] first to reject such mismatches.
///
/// Fails when the codec cannot run with these parameters (the compressed
/// encoders check sample rate and bit rate again, since `format` may not
/// have been validated) or its library fails to initialise.
pub fn encoder_for(format: &OutputFormat) -> Result<Box<dyn AudioEncoder>, AudioError> {
    let rate = format.sample_rate;
    // Lossy containers always have an effective bit rate; the fallback only
    // satisfies the type.
    let bit_rate = format
        .effective_bit_rate()
        .unwrap_or(crate::format::DEFAULT_BIT_RATE);
    Ok(match format.container {
        Container::Wav => Box::new(WavEncoder::new(format.encoding, rate)),
        Container::Raw => Box::new(RawEncoder::new(format.encoding)),
        Container::Mulaw => Box::new(RawEncoder::new(Encoding::PcmMulaw)),
        Container::Alaw => Box::new(RawEncoder::new(Encoding::PcmAlaw)),
        Container::Mp3 => Box::new(Mp3Encoder::new(rate, bit_rate)?),
        Container::Opus => Box::new(OpusEncoder::new(rate, bit_rate)?),
        Container::Flac => Box::new(FlacEncoder::new(rate)?),
        #[cfg(feature = "aac")]
        Container::Aac => Box::new(AacEncoder::new(rate, bit_rate)?),
        #[cfg(not(feature = "aac"))]
        Container::Aac => return Err(AudioError::NotBuiltIn(Container::Aac)),
    })
}

/// The error for an encoder constructed directly with a rate its codec
/// cannot run at (through [`encoder_for`] validation catches it first).
fn check_rate(container: Container, sample_rate: u32) -> Result<(), AudioError> {
    match container.sample_rates() {
        Some(allowed) if !allowed.contains(&sample_rate) => {
            Err(AudioError::UnsupportedSampleRate {
                container,
                sample_rate,
                allowed,
            })
        }
        _ => Ok(()),
    }
}

/// Like [`check_rate`], for the bit rate.
fn check_bit_rate(container: Container, sample_rate: u32, bit_rate: u32) -> Result<(), AudioError> {
    match container.bit_rates(sample_rate) {
        Some(possible) if !possible.contains(bit_rate) => Err(AudioError::UnsupportedBitRate {
            container,
            bit_rate,
            sample_rate,
            possible,
        }),
        _ => Ok(()),
    }
}

/// Converts to 16-bit PCM. Clamps first so that overshoot (resampler
/// ringing, hot voices) saturates instead of wrapping into a loud click;
/// NaN maps to 0 through the saturating cast.
pub fn f32_to_i16(sample: f32) -> i16 {
    (sample.clamp(-1.0, 1.0) * f32::from(i16::MAX)).round() as i16
}

/// Appends `samples` in `encoding` to `out`.
fn encode_samples(encoding: Encoding, samples: &[f32], out: &mut Vec<u8>) {
    out.reserve(samples.len() * encoding.bytes_per_sample());
    match encoding {
        Encoding::PcmS16le => {
            for &s in samples {
                out.extend_from_slice(&f32_to_i16(s).to_le_bytes());
            }
        }
        // Float keeps out-of-range values: the format can carry them and
        // the client may want to apply its own gain.
        Encoding::PcmF32le => {
            for &s in samples {
                out.extend_from_slice(&s.to_le_bytes());
            }
        }
        Encoding::PcmMulaw => {
            out.extend(
                samples
                    .iter()
                    .map(|&s| g711::linear_to_mulaw(f32_to_i16(s))),
            );
        }
        Encoding::PcmAlaw => {
            out.extend(samples.iter().map(|&s| g711::linear_to_alaw(f32_to_i16(s))));
        }
    }
}

/// Headerless samples: raw PCM, or bare G.711 bytes for telephony.
#[derive(Debug, Clone)]
pub struct RawEncoder {
    encoding: Encoding,
}

impl RawEncoder {
    pub fn new(encoding: Encoding) -> Self {
        Self { encoding }
    }
}

impl AudioEncoder for RawEncoder {
    fn header(&mut self) -> Vec<u8> {
        Vec::new()
    }

    fn encode(&mut self, samples: &[f32], out: &mut Vec<u8>) -> Result<(), AudioError> {
        encode_samples(self.encoding, samples, out);
        Ok(())
    }

    fn finish(&mut self, _out: &mut Vec<u8>) -> Result<(), AudioError> {
        Ok(())
    }

    fn final_header(&self) -> Option<Vec<u8>> {
        None
    }
}

/// Mono RIFF/WAVE.
///
/// The stream starts with a header whose RIFF and data sizes are
/// `0xFFFFFFFF`, so it can go out before the length is known: ffmpeg reads
/// such a file to the end, sox too (with a "premature EOF" warning), whereas
/// with size 0, the other common placeholder, sox reads nothing. Seekable
/// sinks overwrite it with [`final_header`](AudioEncoder::final_header),
/// which has the same length. Non-PCM formats (float, G.711) use the 18-byte
/// `WAVEFORMATEX` and a `fact` chunk, as the format requires.
#[derive(Debug, Clone)]
pub struct WavEncoder {
    encoding: Encoding,
    sample_rate: u32,
    data_bytes: u64,
    finished: bool,
}

/// Size field meaning "unknown" in a streaming header.
const UNKNOWN_SIZE: u32 = u32::MAX;

impl WavEncoder {
    pub fn new(encoding: Encoding, sample_rate: u32) -> Self {
        Self {
            encoding,
            sample_rate,
            data_bytes: 0,
            finished: false,
        }
    }

    /// `WAVE_FORMAT_*` tag from mmreg.h.
    fn format_tag(&self) -> u16 {
        match self.encoding {
            Encoding::PcmS16le => 1,
            Encoding::PcmF32le => 3,
            Encoding::PcmAlaw => 6,
            Encoding::PcmMulaw => 7,
        }
    }

    /// `None` writes the streaming header; `Some(n)` the exact one for `n`
    /// data bytes.
    fn build_header(&self, data_bytes: Option<u64>) -> Vec<u8> {
        let block_align = self.encoding.bytes_per_sample() as u16;
        let is_pcm = self.format_tag() == 1;
        let fmt_len: u32 = if is_pcm { 16 } else { 18 };
        let fact_len: u32 = if is_pcm { 0 } else { 12 };
        let header_len = 12 + 8 + fmt_len + fact_len + 8;

        // Sizes saturate rather than wrap: past 4 GiB WAV cannot say the
        // truth, and "unknown" is the most useful lie.
        let (riff_size, data_size, frames) = match data_bytes {
            None => (UNKNOWN_SIZE, UNKNOWN_SIZE, 0),
            Some(n) => {
                let pad = n % 2;
                let sat = |v: u64| u32::try_from(v).unwrap_or(UNKNOWN_SIZE);
                (
                    sat(u64::from(header_len) - 8 + n + pad),
                    sat(n),
                    sat(n / u64::from(block_align)),
                )
            }
        };

        let mut h = Vec::with_capacity(header_len as usize);
        h.extend_from_slice(b"RIFF");
        h.extend_from_slice(&riff_size.to_le_bytes());
        h.extend_from_slice(b"WAVE");
        h.extend_from_slice(b"fmt ");
        h.extend_from_slice(&fmt_len.to_le_bytes());
        h.extend_from_slice(&self.format_tag().to_le_bytes());
        h.extend_from_slice(&1u16.to_le_bytes()); // channels
        h.extend_from_slice(&self.sample_rate.to_le_bytes());
        h.extend_from_slice(&(self.sample_rate * u32::from(block_align)).to_le_bytes());
        h.extend_from_slice(&block_align.to_le_bytes());
        h.extend_from_slice(&(block_align * 8).to_le_bytes()); // bits per sample
        if !is_pcm {
            h.extend_from_slice(&0u16.to_le_bytes()); // cbSize: no extension
            h.extend_from_slice(b"fact");
            h.extend_from_slice(&4u32.to_le_bytes());
            // 0, not 0xFFFFFFFF, while unknown: ffmpeg takes a nonzero
            // count as the duration.
            h.extend_from_slice(&frames.to_le_bytes());
        }
        h.extend_from_slice(b"data");
        h.extend_from_slice(&data_size.to_le_bytes());
        h
    }
}

impl AudioEncoder for WavEncoder {
    fn header(&mut self) -> Vec<u8> {
        self.build_header(None)
    }

    fn encode(&mut self, samples: &[f32], out: &mut Vec<u8>) -> Result<(), AudioError> {
        let before = out.len();
        encode_samples(self.encoding, samples, out);
        self.data_bytes += (out.len() - before) as u64;
        Ok(())
    }

    /// RIFF chunks have even length, so an odd number of 8-bit samples gets
    /// a pad byte. It is the encoding's silence code rather than 0: readers
    /// of the streaming header (size unknown) play it as one more sample.
    fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), AudioError> {
        if !self.finished && self.data_bytes % 2 == 1 {
            encode_samples(self.encoding, &[0.0], out);
        }
        self.finished = true;
        Ok(())
    }

    fn final_header(&self) -> Option<Vec<u8>> {
        Some(self.build_header(Some(self.data_bytes)))
    }
}

/// ITU-T G.711 companding, computed rather than tabled: 16-bit linear in,
/// 8-bit codes out. Both laws split the magnitude into a 3-bit segment
/// (power-of-two range) and a 4-bit position within it, then invert bits so
/// that idle lines carry many ones.
pub mod g711 {
    /// mu-law adds this before finding the segment, so segment 0 starts at 0.
    const MULAW_BIAS: i32 = 0x84;
    /// Largest magnitude that still fits segment 7 after the bias.
    const MULAW_CLIP: i32 = 32635;

    /// Magnitude and the sign bit as transmitted by both laws (set for
    /// positive). Negative samples use the one's complement (-x-1), as in the
    /// ITU-T G.191 reference code, so the quantiser is symmetric about -0.5
    /// and i16::MIN needs no special case.
    fn split(sample: i16) -> (i32, u8) {
        if sample < 0 {
            (i32::from(!sample), 0x00)
        } else {
            (i32::from(sample), 0x80)
        }
    }

    pub fn linear_to_mulaw(sample: i16) -> u8 {
        let (magnitude, sign) = split(sample);
        let magnitude = magnitude.min(MULAW_CLIP) + MULAW_BIAS;
        // The biased magnitude is at least 2^7; each segment doubles it.
        let segment = (i32::BITS - magnitude.leading_zeros() - 8).min(7);
        let mantissa = (magnitude >> (segment + 3)) & 0x0F;
        sign | (!((segment << 4) as u8 | mantissa as u8) & 0x7F)
    }

    pub fn mulaw_to_linear(code: u8) -> i16 {
        let code = !code;
        let segment = (code >> 4) & 0x07;
        let mantissa = i32::from(code & 0x0F);
        // Reconstruct at the middle of the quantisation step.
        let magnitude = (((mantissa << 3) + MULAW_BIAS) << segment) - MULAW_BIAS;
        let value = if code & 0x80 != 0 {
            -magnitude
        } else {
            magnitude
        };
        value as i16
    }

    pub fn linear_to_alaw(sample: i16) -> u8 {
        // A-law works on the top 13 bits.
        let (magnitude, sign) = split(sample);
        let magnitude = magnitude >> 3;
        // Segments 0 and 1 share a step size; from then on each doubles.
        let segment = (i32::BITS - magnitude.leading_zeros()).saturating_sub(5);
        let mantissa = (magnitude >> segment.max(1)) & 0x0F;
        (sign | (segment << 4) as u8 | mantissa as u8) ^ 0x55
    }

    pub fn alaw_to_linear(code: u8) -> i16 {
        let code = code ^ 0x55;
        let segment = (code >> 4) & 0x07;
        let mantissa = i32::from(code & 0x0F);
        // Middle of the step; above segment 0 the leading one is implicit.
        let magnitude = match segment {
            0 => (mantissa << 4) + 8,
            _ => ((mantissa << 4) + 0x108) << (segment - 1),
        };
        let value = if code & 0x80 != 0 {
            magnitude
        } else {
            -magnitude
        };
        value as i16
    }
}

#[cfg(test)]
mod tests {
    use super::g711::*;
    use super::*;

    #[test]
    fn s16_conversion_clamps_and_rounds() {
        assert_eq!(f32_to_i16(0.0), 0);
        assert_eq!(f32_to_i16(1.0), 32767);
        assert_eq!(f32_to_i16(-1.0), -32767);
        assert_eq!(f32_to_i16(1.5), 32767);
        assert_eq!(f32_to_i16(-7.0), -32767);
        assert_eq!(f32_to_i16(f32::INFINITY), 32767);
        assert_eq!(f32_to_i16(f32::NAN), 0);
        assert_eq!(f32_to_i16(0.6 / 32767.0), 1);
        assert_eq!(f32_to_i16(-0.6 / 32767.0), -1);
    }

    #[test]
    fn g711_reference_values() {
        // Silence, smallest magnitudes, full scale (ITU-T G.711 tables).
        assert_eq!(linear_to_mulaw(0), 0xFF);
        assert_eq!(linear_to_mulaw(-1), 0x7F);
        assert_eq!(linear_to_mulaw(i16::MAX), 0x80);
        assert_eq!(linear_to_mulaw(i16::MIN), 0x00);
        assert_eq!(mulaw_to_linear(0xFF), 0);
        assert_eq!(mulaw_to_linear(0x80), 32124);
        assert_eq!(mulaw_to_linear(0x00), -32124);
        // Mid-scale, and the one's complement rule for negatives (G.191).
        assert_eq!(linear_to_mulaw(1000), 0xCE);
        assert_eq!(linear_to_mulaw(-4), 0x7F);
        assert_eq!(linear_to_mulaw(-5), 0x7E);

        assert_eq!(linear_to_alaw(0), 0xD5);
        assert_eq!(linear_to_alaw(-1), 0x55);
        assert_eq!(linear_to_alaw(i16::MAX), 0xAA);
        assert_eq!(linear_to_alaw(i16::MIN), 0x2A);
        assert_eq!(alaw_to_linear(0xD5), 8);
        assert_eq!(alaw_to_linear(0x55), -8);
        assert_eq!(alaw_to_linear(0xAA), 32256);
        assert_eq!(alaw_to_linear(0x2A), -32256);
        assert_eq!(linear_to_alaw(1000), 0xFA);
        assert_eq!(linear_to_alaw(-16), 0x55);
        assert_eq!(linear_to_alaw(-17), 0x54);
    }

    #[test]
    fn g711_codes_round_trip_exactly() {
        for code in 0..=255u8 {
            assert_eq!(linear_to_alaw(alaw_to_linear(code)), code);
            // mu-law has two zeros (0x7F and 0xFF); both decode to 0.
            if code != 0x7F {
                assert_eq!(linear_to_mulaw(mulaw_to_linear(code)), code);
            }
        }
    }

    #[test]
    fn g711_error_is_within_half_a_step() {
        for x in i16::MIN..=i16::MAX {
            let mag = i32::from(x).abs();
            // Steps double per segment, so the error grows with the level:
            // at most 1/32 of the (biased) magnitude.
            let mu_err = (i32::from(mulaw_to_linear(linear_to_mulaw(x))) - i32::from(x)).abs();
            assert!(mu_err <= (mag + 132) / 32 + 1, "mu-law {x}: error {mu_err}");
            let a_err = (i32::from(alaw_to_linear(linear_to_alaw(x))) - i32::from(x)).abs();
            assert!(a_err <= (mag / 32).max(8) + 1, "A-law {x}: error {a_err}");
        }
        // mu-law is monotonic in its decoded value.
        let decoded: Vec<i16> = (i16::MIN..=i16::MAX)
            .map(|x| mulaw_to_linear(linear_to_mulaw(x)))
            .collect();
        assert!(decoded.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn raw_encodings() {
        let samples = [0.0, 1.0, -1.0, 0.5];
        let mut out = Vec::new();
        RawEncoder::new(Encoding::PcmS16le)
            .encode(&samples, &mut out)
            .unwrap();
        let expect: Vec<u8> = [0i16, 32767, -32767, 16384]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        assert_eq!(out, expect);

        out.clear();
        RawEncoder::new(Encoding::PcmF32le)
            .encode(&samples, &mut out)
            .unwrap();
        assert_eq!(out.len(), 16);
        assert_eq!(&out[4..8], &1.0f32.to_le_bytes());

        out.clear();
        RawEncoder::new(Encoding::PcmMulaw)
            .encode(&samples, &mut out)
            .unwrap();
        assert_eq!(out[0], 0xFF);
        out.clear();
        RawEncoder::new(Encoding::PcmAlaw)
            .encode(&samples, &mut out)
            .unwrap();
        assert_eq!(out[0], 0xD5);
    }

    #[test]
    fn wav_header_sizes() {
        for &(encoding, len) in &[
            (Encoding::PcmS16le, 44),
            (Encoding::PcmF32le, 58),
            (Encoding::PcmMulaw, 58),
            (Encoding::PcmAlaw, 58),
        ] {
            let mut enc = WavEncoder::new(encoding, 8000);
            let header = enc.header();
            assert_eq!(header.len(), len);
            assert_eq!(&header[4..8], &[0xFF; 4]);
            assert_eq!(&header[len - 4..], &[0xFF; 4]);

            let mut body = Vec::new();
            enc.encode(&[0.1; 3], &mut body).unwrap();
            enc.finish(&mut body).unwrap();
            assert_eq!(body.len() % 2, 0, "{encoding}: pad to even");
            let fin = enc.final_header().unwrap();
            assert_eq!(fin.len(), len);
            let u32_at =
                |i: usize| u32::from_le_bytes([fin[i], fin[i + 1], fin[i + 2], fin[i + 3]]);
            assert_eq!(
                u32_at(4) as usize,
                len - 8 + body.len(),
                "{encoding}: RIFF size"
            );
            assert_eq!(u32_at(len - 4) as usize, 3 * encoding.bytes_per_sample());
        }
    }

    #[test]
    fn encoder_for_g711_containers_ignores_encoding_field() {
        let format = OutputFormat {
            container: Container::Alaw,
            encoding: Encoding::PcmS16le,
            sample_rate: 8000,
            bit_rate: None,
        };
        let mut enc = encoder_for(&format).unwrap();
        assert!(enc.header().is_empty());
        let mut out = Vec::new();
        enc.encode(&[0.0, 0.0], &mut out).unwrap();
        assert_eq!(out, [0xD5, 0xD5]);
    }
}
