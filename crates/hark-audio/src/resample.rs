//! Streaming mono sample-rate conversion.
//!
//! Built on rubato's synchronous FFT resampler, which gives a proper
//! anti-aliasing filter when going down (e.g. 22050 -> 8000 for telephony).
//! rubato works in fixed blocks and delays its output by half a block; this
//! wrapper hides both so callers can push engine chunks of any length and get
//! a time-aligned stream of exactly the expected length.

use rubato::audioadapter_buffers::direct::SequentialSlice;
use rubato::{Fft, FixedSync, Resampler as _, WindowFunction};

use crate::format::{MAX_SAMPLE_RATE, MIN_SAMPLE_RATE};
use crate::AudioError;

/// Input frames per FFT block we aim for. Larger blocks push the
/// anti-aliasing cutoff closer to Nyquist (~98.7% at 1024) but add latency:
/// a block is ~46 ms at 22050 Hz, plus half a block of filter delay.
const TARGET_BLOCK: usize = 1024;

/// A streaming mono resampler from `from_hz` to `to_hz`.
///
/// Feed it with [`process`](Self::process) as audio arrives and call
/// [`flush`](Self::flush) once at the end. Over a whole stream the output has
/// `round(total_in * to / from)` samples, starts without leading delay, and
/// does not depend on how the input was chunked. After `flush` the resampler
/// is ready for a new stream.
pub struct Resampler {
    /// `None` when the rates are equal: no filtering, no delay.
    fft: Option<FftStream>,
}

struct FftStream {
    from_hz: u32,
    to_hz: u32,
    fft: Fft<f32>,
    /// Input not yet forming a whole block.
    pending: Vec<f32>,
    /// One block of output from rubato.
    block_out: Vec<f32>,
    /// Leading output samples still to drop: the filter's delay.
    to_skip: usize,
    /// Input samples received in this stream.
    total_in: u64,
    /// Output samples returned in this stream.
    total_out: u64,
}

impl Resampler {
    /// Both rates must lie in [`MIN_SAMPLE_RATE`]..=[`MAX_SAMPLE_RATE`].
    pub fn new(from_hz: u32, to_hz: u32) -> Result<Self, AudioError> {
        for rate in [from_hz, to_hz] {
            if !(MIN_SAMPLE_RATE..=MAX_SAMPLE_RATE).contains(&rate) {
                return Err(AudioError::SampleRateOutOfRange(rate));
            }
        }
        if from_hz == to_hz {
            return Ok(Self { fft: None });
        }

        // rubato's FFT blocks must be a multiple of the smallest block that
        // maps whole input frames onto whole output frames.
        let (from, to) = (from_hz as usize, to_hz as usize);
        let min_in = from / gcd(from, to);
        // The filter is a sinc centred on block_in / 2 while rubato reports
        // block_out / 2 as its delay; both are whole frames only when the
        // blocks are even, so use an even number of minimal blocks. Awkward
        // rate pairs (e.g. 47999 -> 48000) have minimal blocks of a second
        // or more; there doubling is not worth it for half a sample.
        let min_blocks = if min_in >= TARGET_BLOCK {
            1
        } else {
            // 2 * round(TARGET_BLOCK / (2 * min_in)), at least 2.
            2 * ((TARGET_BLOCK + min_in) / (2 * min_in)).max(1)
        };
        // With FixedSync::Both one call processes exactly one FFT block of
        // `chunk_size` input frames (sub_chunks only applies to the other modes).
        let fft = Fft::<f32>::new_custom(
            from,
            to,
            min_blocks * min_in,
            1,
            1,
            WindowFunction::BlackmanHarris2,
            FixedSync::Both,
        )
        .map_err(|source| AudioError::Resampler {
            from: from_hz,
            to: to_hz,
            source,
        })?;

        Ok(Self {
            fft: Some(FftStream {
                from_hz,
                to_hz,
                pending: Vec::with_capacity(fft.input_frames_max()),
                block_out: vec![0.0; fft.output_frames_max()],
                to_skip: fft.output_delay(),
                total_in: 0,
                total_out: 0,
                fft,
            }),
        })
    }

    /// Resamples the next piece of the stream. Output lags the input by up
    /// to one block plus the filter delay (tens of milliseconds); the rest
    /// comes out of later calls or [`flush`](Self::flush).
    ///
    /// Non-finite samples are replaced by silence: one NaN would otherwise
    /// smear across a whole FFT block.
    pub fn process(&mut self, input: &[f32]) -> Vec<f32> {
        let clean = input.iter().map(|&s| if s.is_finite() { s } else { 0.0 });
        let Some(st) = &mut self.fft else {
            return clean.collect();
        };
        st.total_in += input.len() as u64;
        st.pending.extend(clean);

        let block_in = st.fft.input_frames_next();
        let mut out = Vec::with_capacity(st.pending.len() / block_in * st.fft.output_frames_next());
        let mut used = 0;
        while st.pending.len() - used >= block_in {
            st.run_block(used, &mut out, u64::MAX);
            used += block_in;
        }
        st.pending.drain(..used);
        out
    }

    /// Ends the stream: returns the remaining output and resets for the
    /// next stream.
    pub fn flush(&mut self) -> Vec<f32> {
        let Some(st) = &mut self.fft else {
            return Vec::new();
        };
        // round(total_in * to / from) in exact integer arithmetic.
        let (from, to) = (u128::from(st.from_hz), u128::from(st.to_hz));
        let expected = ((u128::from(st.total_in) * to + from / 2) / from) as u64;

        let mut out = Vec::new();
        // Pad the tail with silence and keep pumping whole blocks until the
        // delayed output has caught up with the end of the input.
        let block_in = st.fft.input_frames_next();
        while st.total_out < expected {
            st.pending.resize(block_in, 0.0);
            st.run_block(0, &mut out, expected);
            st.pending.clear();
        }

        st.fft.reset();
        st.pending.clear();
        st.to_skip = st.fft.output_delay();
        st.total_in = 0;
        st.total_out = 0;
        out
    }
}

impl FftStream {
    /// Resamples the block starting at `pending[offset]` and appends its
    /// output to `out`, dropping the filter delay and anything past `limit`
    /// total output samples.
    fn run_block(&mut self, offset: usize, out: &mut Vec<f32>, limit: u64) {
        let block_in = self.fft.input_frames_next();
        let block_out = self.fft.output_frames_next();
        let input = &self.pending[offset..offset + block_in];
        // Both buffers are sized from the resampler's own block sizes, which
        // is all rubato checks; audio content cannot make this fail.
        let input =
            SequentialSlice::new(input, 1, block_in).expect("input slice holds exactly one block");
        let mut output = SequentialSlice::new_mut(&mut self.block_out, 1, block_out)
            .expect("output buffer sized to output_frames_max");
        let (_, produced) = self
            .fft
            .process_into_buffer(&input, &mut output, None)
            .expect("buffers sized to the resampler's block sizes");

        let skip = self.to_skip.min(produced);
        self.to_skip -= skip;
        let room = usize::try_from(limit - self.total_out).unwrap_or(usize::MAX);
        let take = (produced - skip).min(room);
        out.extend_from_slice(&self.block_out[skip..skip + take]);
        self.total_out += take as u64;
    }
}

fn gcd(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::TAU;

    /// Phase in f64: in f32 it drifts enough over a second to put broadband
    /// noise at -70 dB, which would mask the filter's real stopband.
    fn sine(freq: f64, rate: u32, len: usize, amp: f32) -> Vec<f32> {
        (0..len)
            .map(|n| amp * (TAU * freq * n as f64 / f64::from(rate)).sin() as f32)
            .collect()
    }

    fn rms(x: &[f32]) -> f32 {
        (x.iter().map(|s| s * s).sum::<f32>() / x.len() as f32).sqrt()
    }

    /// Resamples `input` fed in pieces of the given sizes (cycled).
    fn run(from: u32, to: u32, input: &[f32], pieces: &[usize]) -> Vec<f32> {
        let mut r = Resampler::new(from, to).unwrap();
        let mut out = Vec::new();
        let mut rest = input;
        for &n in pieces.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (head, tail) = rest.split_at(n.min(rest.len()));
            out.extend(r.process(head));
            rest = tail;
        }
        out.extend(r.flush());
        out
    }

    const PAIRS: &[(u32, u32)] = &[
        (22050, 8000),
        (22050, 16000),
        (22050, 44100),
        (22050, 48000),
        (24000, 16000),
        (24000, 8000),
        (16000, 24000),
        (8000, 48000),
        (48000, 8000),
        (44100, 48000),
        (22050, 22050),
    ];

    #[test]
    fn length_is_exact_and_independent_of_chunking() {
        let input = sine(440.0, 22050, 12345, 0.5);
        for &(from, to) in PAIRS {
            for len in [0, 1, 7, 1000, 5000, 12345] {
                let input = &input[..len];
                let expected = (len as f64 * f64::from(to) / f64::from(from)).round() as usize;
                let whole = run(from, to, input, &[usize::MAX]);
                assert_eq!(whole.len(), expected, "{from}->{to}, {len} samples");
                for pieces in [&[1][..], &[3, 500, 1], &[1024], &[4096, 17]] {
                    let chunked = run(from, to, input, pieces);
                    assert_eq!(chunked.len(), expected, "{from}->{to} {pieces:?}");
                    let max_diff = whole
                        .iter()
                        .zip(&chunked)
                        .map(|(a, b)| (a - b).abs())
                        .fold(0.0, f32::max);
                    assert!(max_diff < 1e-6, "{from}->{to} {pieces:?}: {max_diff}");
                }
            }
        }
    }

    #[test]
    fn reusable_after_flush() {
        let input = sine(440.0, 24000, 3000, 0.5);
        let mut r = Resampler::new(24000, 16000).unwrap();
        let mut first = r.process(&input);
        first.extend(r.flush());
        let mut second = r.process(&input);
        second.extend(r.flush());
        assert_eq!(first, second);
    }

    #[test]
    fn downsampling_keeps_in_band_tone() {
        let (from, to) = (22050, 8000);
        let input = sine(1000.0, from, from as usize, 0.5);
        let out = run(from, to, &input, &[700]);
        // Skip the edges, where the tone starts and stops abruptly.
        let mid = &out[400..out.len() - 400];
        let crossings = mid
            .windows(2)
            .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
            .count();
        let seconds = mid.len() as f32 / to as f32;
        let measured = crossings as f32 / 2.0 / seconds;
        assert!((measured - 1000.0).abs() < 5.0, "frequency {measured}");
        let ratio = rms(mid) / rms(&input);
        assert!((ratio - 1.0).abs() < 0.01, "rms ratio {ratio}");
    }

    #[test]
    fn downsampling_removes_tone_above_nyquist() {
        let (from, to) = (22050, 8000);
        let input = sine(5000.0, from, from as usize, 0.5);
        let out = run(from, to, &input, &[700]);
        let mid = &out[400..out.len() - 400];
        let ratio = rms(mid) / rms(&input);
        assert!(ratio < 0.01, "aliased rms ratio {ratio}");
    }

    #[test]
    fn impulse_stays_aligned() {
        for &(from, to) in PAIRS {
            for k in [0usize, 100, 3001] {
                let mut input = vec![0.0; 6000];
                input[k] = 1.0;
                let out = run(from, to, &input, &[333]);
                let peak = out
                    .iter()
                    .enumerate()
                    .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
                    .map(|(i, _)| i)
                    .unwrap();
                let want = k as f64 * f64::from(to) / f64::from(from);
                assert!(
                    (peak as f64 - want).abs() <= 1.0,
                    "{from}->{to}: impulse at {k} peaks at {peak}, want {want}"
                );
            }
        }
    }

    #[test]
    fn rejects_rates_out_of_range() {
        assert!(matches!(
            Resampler::new(7999, 8000),
            Err(AudioError::SampleRateOutOfRange(7999))
        ));
        assert!(Resampler::new(22050, 96000).is_err());
    }

    #[test]
    fn awkward_rate_pair_still_works() {
        // gcd(47999, 48000) = 1: one FFT block spans a full second.
        let input = sine(440.0, 47999, 20000, 0.5);
        let out = run(47999, 48000, &input, &[4000]);
        assert_eq!(out.len(), (20000.0f64 * 48000.0 / 47999.0).round() as usize);
    }

    #[test]
    fn non_finite_input_becomes_silence() {
        let mut input = vec![0.0; 3000];
        input[1500] = f32::NAN;
        input[1501] = f32::INFINITY;
        let out = run(22050, 16000, &input, &[1000]);
        assert!(out.iter().all(|s| *s == 0.0));
    }
}
