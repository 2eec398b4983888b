//! Opus in Ogg (RFC 7845) through libopus (the `opus` crate, libopus built
//! from source and linked statically) and the `ogg` crate's page writer.

use std::borrow::Cow;
use std::hash::{BuildHasher, Hasher};

use ogg::writing::{PacketWriteEndInfo, PacketWriter};
use opus::{Application, Bitrate, Channels, Signal};

use super::{check_bit_rate, check_rate, AudioEncoder};
use crate::format::Container;
use crate::AudioError;

/// Opus packet length: 20 ms, the codec's usual frame. Longer frames save a
/// little overhead but add latency; shorter ones lose quality.
const FRAME_MS: u32 = 20;
/// RFC 7845 counts granule positions and pre-skip at 48 kHz whatever rate
/// the encoder ran at.
const GRANULE_RATE: u32 = 48_000;
/// Largest packet libopus can produce for one frame (RFC 6716, 3.2.1:
/// 1275 bytes per 20 ms frame, plus TOC and framing); the opus docs suggest
/// 4000 as a safe buffer.
const MAX_PACKET: usize = 4000;

/// Mono Opus in an Ogg stream, one 20 ms packet at a time.
///
/// [`header`](AudioEncoder::header) is the OpusHead and OpusTags pages,
/// each on its own page as RFC 7845 requires. Each
/// [`encode`](AudioEncoder::encode) call that completes at least one packet
/// ends with a page boundary, so the client can decode everything sent so
/// far (Ogg readers only see packets of finished pages); callers that push
/// whole sentences pay the 27-byte page header rarely. Granule positions
/// count 48 kHz samples including the pre-skip (the encoder's lookahead),
/// and the last page's granule position trims the padding of the last
/// frame, so decoders play back exactly the samples pushed.
pub struct OpusEncoder {
    opus: opus::Encoder,
    ogg: PacketWriter<'static, Vec<u8>>,
    serial: u32,
    header: Vec<u8>,
    /// Samples per packet at the encoder's rate.
    frame: usize,
    /// 48 kHz samples per input sample (48000 divides by every Opus rate).
    granule_step: u64,
    /// Encoder lookahead in input samples: the real audio starts this late
    /// in the decoded output, and the end needs as much extra input.
    lookahead: u64,
    /// Input not yet forming a whole packet.
    pending: Vec<f32>,
    /// Input samples received.
    samples_in: u64,
    /// Packets written.
    packets: u64,
    packet: Vec<u8>,
    finished: bool,
}

impl OpusEncoder {
    /// `sample_rate` must be one of [`crate::format::OPUS_SAMPLE_RATES`];
    /// `bit_rate` (bit/s) within [`Container::bit_rates`] for opus.
    pub fn new(sample_rate: u32, bit_rate: u32) -> Result<Self, AudioError> {
        check_rate(Container::Opus, sample_rate)?;
        check_bit_rate(Container::Opus, sample_rate, bit_rate)?;

        // Audio rather than VoIP: speech synthesis is clean studio-like
        // audio, and the VoIP tuning (high-pass, emphasis on
        // intelligibility) is for noisy microphones. The signal hint still
        // tells it the content is voice.
        let mut opus = opus::Encoder::new(sample_rate, Channels::Mono, Application::Audio)
            .map_err(opus_err)?;
        let bits = i32::try_from(bit_rate).unwrap_or(i32::MAX);
        opus.set_bitrate(Bitrate::Bits(bits)).map_err(opus_err)?;
        // Constrained VBR: the average stays at the requested rate (what
        // a client sizing a stream expects) and no packet overshoots much,
        // while the encoder can still spend fewer bits on pauses.
        opus.set_vbr(true).map_err(opus_err)?;
        opus.set_vbr_constraint(true).map_err(opus_err)?;
        opus.set_signal(Signal::Voice).map_err(opus_err)?;
        let lookahead = u64::try_from(opus.get_lookahead().map_err(opus_err)?).unwrap_or(0);

        let granule_step = u64::from(GRANULE_RATE / sample_rate);
        let pre_skip =
            u16::try_from(lookahead * granule_step).map_err(|_| AudioError::Encoder {
                codec: "opus",
                message: format!("lookahead of {lookahead} samples does not fit OpusHead"),
            })?;

        let mut encoder = Self {
            opus,
            ogg: PacketWriter::new(Vec::new()),
            serial: random_serial(),
            header: Vec::new(),
            frame: (sample_rate * FRAME_MS / 1000) as usize,
            granule_step,
            lookahead,
            pending: Vec::new(),
            samples_in: 0,
            packets: 0,
            packet: vec![0; MAX_PACKET],
            finished: false,
        };
        encoder.header = encoder.header_pages(sample_rate, pre_skip)?;
        Ok(encoder)
    }

    /// OpusHead and OpusTags, each ending its page (RFC 7845, section 3).
    fn header_pages(&mut self, sample_rate: u32, pre_skip: u16) -> Result<Vec<u8>, AudioError> {
        let mut head = Vec::with_capacity(19);
        head.extend_from_slice(b"OpusHead");
        head.push(1); // version
        head.push(1); // channels
        head.extend_from_slice(&pre_skip.to_le_bytes());
        // The rate we were fed, which players may resample back to.
        head.extend_from_slice(&sample_rate.to_le_bytes());
        head.extend_from_slice(&0i16.to_le_bytes()); // output gain
        head.push(0); // mapping family 0: mono or stereo, no table
        self.write_packet(head, PacketWriteEndInfo::EndPage, 0)?;

        let vendor = format!("hark-audio ({})", opus::version());
        let mut tags = Vec::with_capacity(16 + vendor.len());
        tags.extend_from_slice(b"OpusTags");
        tags.extend_from_slice(&(vendor.len() as u32).to_le_bytes());
        tags.extend_from_slice(vendor.as_bytes());
        tags.extend_from_slice(&0u32.to_le_bytes()); // no user comments
        self.write_packet(tags, PacketWriteEndInfo::EndPage, 0)?;

        Ok(std::mem::take(self.ogg.inner_mut()))
    }

    fn write_packet(
        &mut self,
        packet: Vec<u8>,
        end: PacketWriteEndInfo,
        granule: u64,
    ) -> Result<(), AudioError> {
        self.ogg
            .write_packet(Cow::Owned(packet), self.serial, end, granule)
            .map_err(|e| AudioError::Encoder {
                codec: "ogg",
                message: e.to_string(),
            })
    }

    /// Encodes `count` packets from the front of `pending`. The last one
    /// ends the page, or with `last_granule` the stream, whose final
    /// granule position it becomes.
    fn encode_packets(
        &mut self,
        count: usize,
        last_granule: Option<u64>,
    ) -> Result<(), AudioError> {
        for i in 0..count {
            let input = &self.pending[i * self.frame..(i + 1) * self.frame];
            let len = self
                .opus
                .encode_float(input, &mut self.packet)
                .map_err(opus_err)?;
            self.packets += 1;
            let is_last = i + 1 == count;
            let (end, granule) = match (is_last, last_granule) {
                (true, Some(g)) => (PacketWriteEndInfo::EndStream, g),
                (true, None) => (PacketWriteEndInfo::EndPage, self.decoded_granule()),
                (false, _) => (PacketWriteEndInfo::NormalPacket, self.decoded_granule()),
            };
            let packet = self.packet[..len].to_vec();
            self.write_packet(packet, end, granule)?;
        }
        self.pending.drain(..count * self.frame);
        Ok(())
    }

    /// Granule position after the packets so far: everything they decode
    /// to, pre-skip included.
    fn decoded_granule(&self) -> u64 {
        self.packets * self.frame as u64 * self.granule_step
    }
}

fn opus_err(e: opus::Error) -> AudioError {
    AudioError::Encoder {
        codec: "opus",
        message: e.to_string(),
    }
}

/// Ogg wants a serial number unique among streams that may be chained or
/// multiplexed together; a random one is the usual choice. std's hasher
/// keys are random per process and per instance, which is enough here.
fn random_serial() -> u32 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0x6861_726b); // any input: the key supplies the randomness
    hasher.finish() as u32
}

impl AudioEncoder for OpusEncoder {
    fn header(&mut self) -> Vec<u8> {
        self.header.clone()
    }

    /// Emits one packet per whole 20 ms of input, the rest waits.
    /// Non-finite samples become silence and the rest is clamped to full
    /// scale, as for the PCM encoders.
    fn encode(&mut self, samples: &[f32], out: &mut Vec<u8>) -> Result<(), AudioError> {
        if self.finished {
            return Err(AudioError::Finished);
        }
        self.samples_in += samples.len() as u64;
        self.pending.extend(samples.iter().map(|&s| clean(s)));
        let whole = self.pending.len() / self.frame;
        self.encode_packets(whole, None)?;
        out.append(self.ogg.inner_mut());
        Ok(())
    }

    /// Pads with silence until the lookahead is flushed out too, and ends
    /// the stream with a granule position of pre-skip plus the samples
    /// pushed, which tells decoders to drop the padding.
    fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), AudioError> {
        if self.finished {
            return Ok(());
        }
        self.finished = true;
        let frame = self.frame as u64;
        let needed = (self.samples_in + self.lookahead).div_ceil(frame);
        // At least one packet: `pending` holds less than a frame, so the
        // lookahead (> 0) always spills into another one. The end-of-stream
        // flag needs a packet to ride on in any case.
        let count = needed.saturating_sub(self.packets).max(1);
        let count = usize::try_from(count).unwrap_or(usize::MAX);
        self.pending.resize(count * self.frame, 0.0);
        let end_granule = (self.lookahead + self.samples_in) * self.granule_step;
        self.encode_packets(count, Some(end_granule))?;
        out.append(self.ogg.inner_mut());
        Ok(())
    }

    /// `None`: Ogg needs no rewrite, the last page carries the length.
    fn final_header(&self) -> Option<Vec<u8>> {
        None
    }
}

fn clean(s: f32) -> f32 {
    if s.is_finite() {
        s.clamp(-1.0, 1.0)
    } else {
        0.0
    }
}
