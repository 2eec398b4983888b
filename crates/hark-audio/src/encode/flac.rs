//! FLAC through `flacenc` (pure Rust), one fixed-size frame at a time.

use flacenc::bitsink::ByteSink;
use flacenc::component::{BitRepr, Stream, StreamInfo};
use flacenc::error::{Verified, Verify};
use flacenc::source::{Context, Fill, FrameBuf};

use super::{f32_to_i16, AudioEncoder};
use crate::AudioError;

/// FLAC carries our 16-bit quantisation losslessly; more bits would only
/// encode the resampler's noise floor.
const BITS_PER_SAMPLE: usize = 16;

/// Mono 16-bit FLAC, streamed one block at a time.
///
/// [`header`](AudioEncoder::header) is `fLaC` plus a STREAMINFO whose total
/// sample count, frame sizes and MD5 are 0, which the FLAC format defines
/// as "unknown" so that a stream can start before its end is known; the
/// block size is fixed from the start, so each frame can be decoded alone.
/// [`final_header`](AudioEncoder::final_header) has the true values, the
/// same 42 bytes long, for seekable sinks to write at offset 0.
pub struct FlacEncoder {
    config: Verified<flacenc::config::Encoder>,
    /// The streaming STREAMINFO; also what frames are encoded against.
    info: StreamInfo,
    block_size: usize,
    /// Samples of the block being filled.
    block: Vec<i32>,
    /// flacenc's frame input (filled from `block`) and the running MD5 and
    /// sample count.
    input: (FrameBuf, Context),
    frames: usize,
    /// Smallest and largest frame in bytes, for the final STREAMINFO.
    frame_bytes: Option<(usize, usize)>,
    sink: ByteSink,
    /// After the short last block nothing may follow.
    finished: bool,
}

/// Block size for `sample_rate`: the usual 4096 at 32 kHz and above, less
/// below so that a frame (the unit a client can decode) never holds more
/// than 128 ms; smaller blocks compress slightly worse but a streaming
/// client starts sooner.
fn block_size_for(sample_rate: u32) -> usize {
    match sample_rate {
        ..16_000 => 1024,
        16_000..32_000 => 2048,
        _ => 4096,
    }
}

fn flac_err(e: impl std::fmt::Display) -> AudioError {
    AudioError::Encoder {
        codec: "flac",
        message: e.to_string(),
    }
}

impl FlacEncoder {
    /// Any rate FLAC can signal works; the pipeline keeps it within
    /// [`crate::MIN_SAMPLE_RATE`]..=[`crate::MAX_SAMPLE_RATE`].
    pub fn new(sample_rate: u32) -> Result<Self, AudioError> {
        let block_size = block_size_for(sample_rate);
        let mut config = flacenc::config::Encoder::default();
        // Only informational here: encode_fixed_size_frame takes the size
        // of the buffer it is given.
        config.block_size = block_size;
        let config = config.into_verified().map_err(|(_, e)| flac_err(e))?;
        let mut info =
            StreamInfo::new(sample_rate as usize, 1, BITS_PER_SAMPLE).map_err(flac_err)?;
        info.set_block_sizes(block_size, block_size)
            .map_err(flac_err)?;
        // StreamInfo::new starts the minimum at u32::MAX (for updating);
        // written out that would claim 16 MiB frames. 0 means unknown.
        info.set_frame_sizes(0, 0).map_err(flac_err)?;
        Ok(Self {
            config,
            info,
            block_size,
            block: Vec::with_capacity(block_size),
            input: (
                FrameBuf::with_size(1, block_size).map_err(flac_err)?,
                Context::new(BITS_PER_SAMPLE, 1),
            ),
            frames: 0,
            frame_bytes: None,
            sink: ByteSink::new(),
            finished: false,
        })
    }

    /// `fLaC` and a STREAMINFO block marked last.
    fn write_header(info: &StreamInfo) -> Vec<u8> {
        let mut sink = ByteSink::new();
        // Writing a frameless stream only fails for out-of-range fields,
        // which StreamInfo's setters already rejected; an empty header
        // would show up at once in any decoder, and in our tests.
        match Stream::with_stream_info(info.clone()).write(&mut sink) {
            Ok(()) => sink.as_slice().to_vec(),
            Err(_) => Vec::new(),
        }
    }

    /// Encodes `self.block` as the next frame and appends it to `out`.
    fn flush_block(&mut self, out: &mut Vec<u8>) -> Result<(), AudioError> {
        self.input.fill_interleaved(&self.block).map_err(flac_err)?;
        self.block.clear();
        let frame =
            flacenc::encode_fixed_size_frame(&self.config, &self.input.0, self.frames, &self.info)
                .map_err(flac_err)?;
        self.sink.clear();
        frame.write(&mut self.sink).map_err(flac_err)?;
        let bytes = self.sink.as_slice();
        out.extend_from_slice(bytes);
        self.frames += 1;
        let n = bytes.len();
        self.frame_bytes = Some(match self.frame_bytes {
            None => (n, n),
            Some((lo, hi)) => (lo.min(n), hi.max(n)),
        });
        Ok(())
    }
}

impl AudioEncoder for FlacEncoder {
    fn header(&mut self) -> Vec<u8> {
        Self::write_header(&self.info)
    }

    /// Emits a frame for each block filled; the rest waits.
    fn encode(&mut self, samples: &[f32], out: &mut Vec<u8>) -> Result<(), AudioError> {
        if self.finished {
            return Err(AudioError::Finished);
        }
        for &s in samples {
            self.block.push(i32::from(f32_to_i16(s)));
            if self.block.len() == self.block_size {
                self.flush_block(out)?;
            }
        }
        Ok(())
    }

    /// The last, shorter block (FLAC allows the last block of a
    /// fixed-block-size stream to be short).
    fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), AudioError> {
        self.finished = true;
        if !self.block.is_empty() {
            self.flush_block(out)?;
        }
        Ok(())
    }

    /// STREAMINFO with the total sample count, frame sizes and MD5 of
    /// everything encoded so far.
    fn final_header(&self) -> Option<Vec<u8>> {
        let mut info = self.info.clone();
        let context = &self.input.1;
        info.set_total_samples(context.total_samples());
        info.set_md5_digest(&context.md5_digest());
        if let Some((lo, hi)) = self.frame_bytes {
            // Frame sizes are 24-bit fields; ours are at most a few KiB, but
            // if one were not, "unknown" is the honest value.
            if hi < 1 << 24 {
                info.set_frame_sizes(lo, hi).ok()?;
            }
        }
        Some(Self::write_header(&info))
    }
}
