//! MP3 through LAME (the `mp3lame-encoder` crate, LAME built from source and
//! linked statically).

use std::num::NonZeroU32;

use mp3lame_encoder::{Bitrate, Builder, FlushGap, Mode, MonoPcm, Quality};

use super::{check_bit_rate, check_rate, f32_to_i16, AudioEncoder};
use crate::format::Container;
use crate::AudioError;

/// Samples handed to LAME per call. LAME's C API counts in `int` and wants
/// an output buffer of 1.25 times the input plus 7200 bytes; bounding the
/// piece keeps both small whatever the caller pushes.
const PIECE: usize = 1 << 16;

/// Mono constant-bit-rate MP3.
///
/// CBR because every frame then has the same size, so a client (or
/// ffmpeg) can estimate duration and seek from the first header, and the
/// bit rate the client asked for is the one it gets.
///
/// The stream opens with an empty "Info" frame (LAME writes it as a
/// placeholder; it decodes as one frame of silence where it stays empty).
/// [`final_header`](AudioEncoder::final_header) is the filled-in frame, of
/// the same size, for seekable sinks to write at offset 0: it records
/// LAME's encoder delay and padding, so decoders can trim them and play the
/// exact length (without it the decoded audio is about 1100 samples plus up
/// to one frame longer, which is 0.2 s at 8 kHz).
pub struct Mp3Encoder {
    lame: mp3lame_encoder::Encoder,
    /// Reused conversion buffer.
    pcm: Vec<i16>,
    finished: bool,
}

impl Mp3Encoder {
    /// `sample_rate` must be one of [`crate::format::MPEG_SAMPLE_RATES`]
    /// and `bit_rate` (bit/s) one of those
    /// [`Container::bit_rates`] lists for it.
    pub fn new(sample_rate: u32, bit_rate: u32) -> Result<Self, AudioError> {
        check_rate(Container::Mp3, sample_rate)?;
        check_bit_rate(Container::Mp3, sample_rate, bit_rate)?;
        // Every entry of our MP3 tables has a constant; this only guards
        // against the two drifting apart.
        let brate = lame_bitrate(bit_rate).ok_or_else(|| AudioError::Encoder {
            codec: "mp3",
            message: format!("no LAME setting for {bit_rate} bit/s"),
        })?;
        let lame_err = |e: mp3lame_encoder::BuildError| AudioError::Encoder {
            codec: "mp3",
            message: e.to_string(),
        };

        let mut builder = Builder::new().ok_or(AudioError::Encoder {
            codec: "mp3",
            message: "LAME could not allocate its state".into(),
        })?;
        builder.set_num_channels(1).map_err(lame_err)?;
        builder.set_sample_rate(sample_rate).map_err(lame_err)?;
        // Left unset, LAME picks its own output rate for the bit rate and
        // resamples; the client asked for this rate, so pin it.
        builder
            .set_output_sample_rate(NonZeroU32::new(sample_rate))
            .map_err(lame_err)?;
        builder.set_mode(Mode::Mono).map_err(lame_err)?;
        builder.set_brate(brate).map_err(lame_err)?;
        // LAME's recommended "high quality" setting (-q 2): noticeably
        // better than the default 5 at low bit rates, still hundreds of
        // times real time for mono speech.
        builder.set_quality(Quality::NearBest).map_err(lame_err)?;
        builder.set_to_write_vbr_tag(true).map_err(lame_err)?;
        let lame = builder.build().map_err(lame_err)?;
        Ok(Self {
            lame,
            pcm: Vec::new(),
            finished: false,
        })
    }
}

/// The `mp3lame-encoder` constant for `bit_rate` bit/s, if it has one.
fn lame_bitrate(bit_rate: u32) -> Option<Bitrate> {
    Some(match bit_rate {
        32_000 => Bitrate::Kbps32,
        40_000 => Bitrate::Kbps40,
        48_000 => Bitrate::Kbps48,
        64_000 => Bitrate::Kbps64,
        80_000 => Bitrate::Kbps80,
        96_000 => Bitrate::Kbps96,
        112_000 => Bitrate::Kbps112,
        128_000 => Bitrate::Kbps128,
        160_000 => Bitrate::Kbps160,
        192_000 => Bitrate::Kbps192,
        224_000 => Bitrate::Kbps224,
        256_000 => Bitrate::Kbps256,
        320_000 => Bitrate::Kbps320,
        _ => return None,
    })
}

fn encode_err(e: mp3lame_encoder::EncodeError) -> AudioError {
    AudioError::Encoder {
        codec: "mp3",
        message: e.to_string(),
    }
}

impl AudioEncoder for Mp3Encoder {
    /// Nothing: MP3 has no stream header; the first frame (LAME's Info
    /// placeholder) comes with the first audio.
    fn header(&mut self) -> Vec<u8> {
        Vec::new()
    }

    /// LAME keeps up to about two frames (1152 samples each at 32-48 kHz,
    /// 576 below) plus its lookahead, so short pushes may return nothing.
    fn encode(&mut self, samples: &[f32], out: &mut Vec<u8>) -> Result<(), AudioError> {
        if self.finished {
            return Err(AudioError::Finished);
        }
        for piece in samples.chunks(PIECE) {
            self.pcm.clear();
            self.pcm.extend(piece.iter().map(|&s| f32_to_i16(s)));
            out.reserve(mp3lame_encoder::max_required_buffer_size(piece.len()));
            self.lame
                .encode_to_vec(MonoPcm(self.pcm.as_slice()), out)
                .map_err(encode_err)?;
        }
        Ok(())
    }

    /// Pads the last frame with silence ("gap" flush: the stream ends here,
    /// nothing is to be joined on gaplessly).
    fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), AudioError> {
        if self.finished {
            return Ok(());
        }
        self.finished = true;
        // LAME documents 7200 bytes as always enough for the flush.
        out.reserve(7200);
        self.lame
            .flush_to_vec::<FlushGap>(out)
            .map_err(encode_err)?;
        Ok(())
    }

    /// The completed Info frame, once finished; `None` before (LAME only
    /// knows the frame count and padding at the end).
    fn final_header(&self) -> Option<Vec<u8>> {
        if !self.finished {
            return None;
        }
        let mut tag = Vec::with_capacity(self.lame.lame_tag_size());
        self.lame.lame_tag_encode_to_vec(&mut tag)?;
        Some(tag)
    }
}
