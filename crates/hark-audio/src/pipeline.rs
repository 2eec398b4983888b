//! Resampler plus encoder: what a request handler drives per stream.

use std::time::Duration;

use crate::encode::{encoder_for, AudioEncoder};
use crate::filter::HighShelf;
use crate::format::OutputFormat;
use crate::resample::Resampler;
use crate::AudioError;

/// Output at this rate or below gets the telephone emphasis
/// ([`HighShelf::telephone`]).
const TELEPHONE_RATE: u32 = 8000;

/// Turns engine output (mono f32 at the voice's native rate, any chunking)
/// into bytes of the requested format.
///
/// Write [`header`](Self::header) first, then each [`push`](Self::push)
/// result as it comes, then [`finish`](Self::finish). Seekable sinks may
/// overwrite the start with [`final_header`](Self::final_header).
pub struct AudioPipeline {
    format: OutputFormat,
    resampler: Resampler,
    encoder: Box<dyn AudioEncoder>,
    /// Telephone-band emphasis, for 8 kHz output.
    emphasis: Option<HighShelf>,
    samples_out: u64,
    finished: bool,
}

impl AudioPipeline {
    /// Validates `format` and sets up conversion from `native_rate`.
    pub fn new(native_rate: u32, format: &OutputFormat) -> Result<Self, AudioError> {
        format.validate()?;
        Ok(Self {
            format: *format,
            resampler: Resampler::new(native_rate, format.sample_rate)?,
            encoder: encoder_for(format)?,
            emphasis: (format.sample_rate <= TELEPHONE_RATE)
                .then(|| HighShelf::telephone(format.sample_rate)),
            samples_out: 0,
            finished: false,
        })
    }

    pub fn format(&self) -> &OutputFormat {
        &self.format
    }

    /// Bytes that open the stream (empty for headerless formats).
    pub fn header(&mut self) -> Vec<u8> {
        self.encoder.header()
    }

    /// Encodes the next engine chunk. May return fewer bytes than the chunk
    /// is worth (or none): the resampler holds back up to one block.
    pub fn push(&mut self, samples: &[f32]) -> Result<Vec<u8>, AudioError> {
        if self.finished {
            return Err(AudioError::Finished);
        }
        let resampled = self.resampler.process(samples);
        self.encode(&resampled)
    }

    /// Ends a stretch of audio (a live utterance) without ending the stream:
    /// what the resampler holds back comes out now instead of waiting for
    /// audio that may be seconds away. The next push starts afresh.
    pub fn flush(&mut self) -> Result<Vec<u8>, AudioError> {
        if self.finished {
            return Err(AudioError::Finished);
        }
        let tail = self.resampler.flush();
        self.encode(&tail)
    }

    /// Ends the stream: everything still held back, plus any trailer.
    pub fn finish(&mut self) -> Result<Vec<u8>, AudioError> {
        if self.finished {
            return Err(AudioError::Finished);
        }
        self.finished = true;
        let tail = self.resampler.flush();
        let mut out = self.encode(&tail)?;
        self.encoder.finish(&mut out)?;
        Ok(out)
    }

    /// Header with exact sizes to write at offset 0 after `finish`, for
    /// formats whose streaming header has placeholders: WAV (sizes), FLAC
    /// (STREAMINFO totals and MD5) and MP3 (LAME's Info frame, which lets
    /// players trim encoder delay and padding). Always no longer than the
    /// bytes it replaces; `None` for the rest.
    pub fn final_header(&self) -> Option<Vec<u8>> {
        self.encoder.final_header()
    }

    /// Output samples encoded so far.
    pub fn samples_out(&self) -> u64 {
        self.samples_out
    }

    /// Duration of the audio encoded so far.
    pub fn duration(&self) -> Duration {
        Duration::from_secs_f64(self.samples_out as f64 / f64::from(self.format.sample_rate))
    }

    fn encode(&mut self, samples: &[f32]) -> Result<Vec<u8>, AudioError> {
        let mut out = Vec::new();
        match &mut self.emphasis {
            Some(f) => {
                let mut v = samples.to_vec();
                f.process(&mut v);
                self.encoder.encode(&v, &mut out)?;
            }
            None => self.encoder.encode(samples, &mut out)?,
        }
        self.samples_out += samples.len() as u64;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{Container, Encoding};

    #[test]
    fn wav_stream_matches_final_sizes() {
        let format = OutputFormat::new(Container::Wav, None, 16000).unwrap();
        let mut p = AudioPipeline::new(22050, &format).unwrap();
        let mut bytes = p.header();
        for _ in 0..10 {
            bytes.extend(p.push(&[0.25; 2205]).unwrap());
        }
        bytes.extend(p.finish().unwrap());
        assert_eq!(p.samples_out(), 16000);
        assert_eq!(p.duration(), Duration::from_secs(1));
        let header = p.final_header().unwrap();
        assert_eq!(bytes.len(), header.len() + 2 * 16000);
        bytes[..header.len()].copy_from_slice(&header);
        assert_eq!(&bytes[40..44], &(32000u32).to_le_bytes());
    }

    #[test]
    fn raw_mulaw_is_headerless_g711() {
        let format = OutputFormat::new(Container::Mulaw, None, 8000).unwrap();
        let mut p = AudioPipeline::new(24000, &format).unwrap();
        assert!(p.header().is_empty());
        let mut bytes = p.push(&[0.0; 2400]).unwrap();
        bytes.extend(p.finish().unwrap());
        assert_eq!(bytes.len(), 800);
        assert!(bytes.iter().all(|&b| b == 0xFF));
        assert!(p.final_header().is_none());
    }

    #[test]
    fn rejects_bad_format_and_use_after_finish() {
        let bad = OutputFormat {
            container: Container::Alaw,
            encoding: Encoding::PcmF32le,
            sample_rate: 8000,
            bit_rate: None,
        };
        assert!(AudioPipeline::new(22050, &bad).is_err());

        let format = OutputFormat::new(Container::Raw, None, 22050).unwrap();
        let mut p = AudioPipeline::new(22050, &format).unwrap();
        assert_eq!(p.push(&[0.5]).unwrap(), 16384i16.to_le_bytes());
        p.finish().unwrap();
        assert!(matches!(p.push(&[0.5]), Err(AudioError::Finished)));
        assert!(matches!(p.finish(), Err(AudioError::Finished)));
    }
}
