//! AAC-LC in ADTS through the Fraunhofer FDK (the `fdk-aac` crate). Only
//! built with the `aac` feature: the FDK licence is not free software.

use fdk_aac::enc::{
    AudioObjectType, BitRate, ChannelMode, Encoder, EncoderError, EncoderParams, Transport,
};

use super::{check_bit_rate, check_rate, f32_to_i16, AudioEncoder};
use crate::format::Container;
use crate::AudioError;

/// Mono AAC-LC, constant bit rate, in ADTS frames.
///
/// ADTS puts a small header on every frame and needs nothing at the start,
/// so any prefix of whole frames plays: it is the streaming form of AAC
/// (MP4 would need its index first). It has no way to say how much of the
/// start is encoder delay or of the end is padding, so decoders play the
/// FDK's 2048-sample delay as leading silence and the last frame in full.
pub struct AacEncoder {
    fdk: Encoder,
    /// Samples per AAC frame (1024 for AAC-LC).
    frame: usize,
    /// Encoder delay in samples, as the FDK reports it.
    delay: u64,
    /// Input not yet forming a whole frame.
    pending: Vec<i16>,
    out_buf: Vec<u8>,
    samples_in: u64,
    /// Frames (ADTS access units) written.
    frames_out: u64,
    finished: bool,
}

fn fdk_err(e: EncoderError) -> AudioError {
    AudioError::Encoder {
        codec: "aac",
        message: e.to_string(),
    }
}

impl AacEncoder {
    /// `sample_rate` must be one of [`crate::format::MPEG_SAMPLE_RATES`];
    /// `bit_rate` (bit/s) within [`Container::bit_rates`] for aac, since
    /// above 6 bits per sample the FDK would silently lower it.
    pub fn new(sample_rate: u32, bit_rate: u32) -> Result<Self, AudioError> {
        check_rate(Container::Aac, sample_rate)?;
        check_bit_rate(Container::Aac, sample_rate, bit_rate)?;
        let fdk = Encoder::new(EncoderParams {
            bit_rate: BitRate::Cbr(bit_rate),
            sample_rate,
            transport: Transport::Adts,
            channels: ChannelMode::Mono,
            audio_object_type: AudioObjectType::Mpeg4LowComplexity,
        })
        .map_err(fdk_err)?;
        let info = fdk.info().map_err(fdk_err)?;
        let frame = usize::try_from(info.frameLength).unwrap_or(0);
        if frame == 0 {
            return Err(AudioError::Encoder {
                codec: "aac",
                message: "encoder reports a frame length of 0".into(),
            });
        }
        Ok(Self {
            fdk,
            frame,
            delay: u64::from(info.nDelay),
            pending: Vec::with_capacity(frame),
            // The FDK's own bound on one encoded frame.
            out_buf: vec![0; (info.maxOutBufBytes as usize).max(8192)],
            samples_in: 0,
            frames_out: 0,
            finished: false,
        })
    }

    /// Feeds one frame of samples; the FDK takes what fits its input buffer
    /// and returns at most one access unit per call, so call until all is
    /// taken.
    fn feed(&mut self, mut input: &[i16], out: &mut Vec<u8>) -> Result<(), AudioError> {
        while !input.is_empty() {
            let info = self.fdk.encode(input, &mut self.out_buf).map_err(fdk_err)?;
            if info.output_size > 0 {
                let size = info.output_size.min(self.out_buf.len());
                out.extend_from_slice(&self.out_buf[..size]);
                self.frames_out += 1;
            }
            if info.input_consumed == 0 && info.output_size == 0 {
                // Neither progress nor output: looping again would spin.
                return Err(AudioError::Encoder {
                    codec: "aac",
                    message: "encoder accepted no input".into(),
                });
            }
            input = &input[info.input_consumed.min(input.len())..];
        }
        Ok(())
    }
}

impl AudioEncoder for AacEncoder {
    /// Nothing: every ADTS frame carries its own header.
    fn header(&mut self) -> Vec<u8> {
        Vec::new()
    }

    /// Whole 1024-sample frames go to the FDK; output lags the input by
    /// the encoder delay (two frames), so the first calls may return
    /// nothing.
    fn encode(&mut self, samples: &[f32], out: &mut Vec<u8>) -> Result<(), AudioError> {
        if self.finished {
            return Err(AudioError::Finished);
        }
        self.samples_in += samples.len() as u64;
        for &s in samples {
            self.pending.push(f32_to_i16(s));
            if self.pending.len() == self.frame {
                let frame = std::mem::take(&mut self.pending);
                let fed = self.feed(&frame, out);
                self.pending = frame;
                self.pending.clear();
                fed?;
            }
        }
        Ok(())
    }

    /// Pads with silence until every pushed sample is out of the encoder.
    /// (The FDK's own end-of-stream flush is not reachable through the
    /// crate's API; silence does the same, at most a frame more.)
    fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), AudioError> {
        if self.finished {
            return Ok(());
        }
        self.finished = true;
        let frame = self.frame as u64;
        let target = (self.samples_in + self.delay).div_ceil(frame);
        let mut block = std::mem::take(&mut self.pending);
        block.resize(self.frame, 0);
        // Each frame fed yields one access unit once the delay is filled;
        // the bound only guards against an encoder that stops producing.
        let mut budget = target.saturating_sub(self.frames_out) + self.delay / frame + 4;
        while self.frames_out < target && budget > 0 {
            self.feed(&block, out)?;
            block.fill(0);
            budget -= 1;
        }
        Ok(())
    }

    fn final_header(&self) -> Option<Vec<u8>> {
        None
    }
}
