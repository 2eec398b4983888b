//! Compressed output as other programs see it: each format is encoded from
//! a speech-like signal pushed in uneven chunks, then probed and decoded by
//! ffprobe/ffmpeg (skipped with a note where they are not installed).
//! Checks: codec, rate, channels, duration, that the decoded signal is the
//! input (exactly for FLAC), that a prefix cut before `finish` already
//! decodes (a client can start playing early), bit rates, and errors.

use std::path::Path;
use std::process::Command;

use hark_audio::encode::f32_to_i16;
use hark_audio::{
    AudioEncoder, AudioError, AudioPipeline, Container, FlacEncoder, OpusEncoder, OutputFormat,
    Resampler,
};

/// A typical voice's native rate.
const NATIVE_RATE: u32 = 22050;
const SECONDS: f64 = 2.0;
/// Engine chunks of varied, awkward sizes (cycled), one of a single sample.
const CHUNKS: &[usize] = &[1000, 37, 4410, 1, 2999, 512];

/// Two seconds of "speech": a 140 Hz voice with harmonics whose loudness
/// follows syllables (about 4 a second) with short gaps, faded in and out.
fn speech() -> Vec<f32> {
    let n = (f64::from(NATIVE_RATE) * SECONDS) as usize;
    let tau = std::f64::consts::TAU;
    (0..n)
        .map(|i| {
            let t = i as f64 / f64::from(NATIVE_RATE);
            let f0 = 140.0 * (1.0 + 0.05 * (tau * 1.3 * t).sin());
            let voice: f64 = [(1.0, 0.5), (2.0, 0.3), (3.0, 0.2), (5.0, 0.1), (9.0, 0.05)]
                .iter()
                .map(|&(h, a)| a * (tau * f0 * h * t).sin())
                .sum();
            let syllable = (tau * 4.0 * t).sin().max(0.0).powf(0.7);
            let fade = (t / 0.05).min(1.0) * ((SECONDS - t) / 0.05).min(1.0);
            (0.8 * voice * syllable * fade) as f32
        })
        .collect()
}

/// What the pipeline hands the encoder at `rate`.
fn reference(rate: u32) -> Vec<f32> {
    let mut r = Resampler::new(NATIVE_RATE, rate).unwrap();
    let mut out = r.process(&speech());
    out.extend(r.flush());
    out
}

struct Encoded {
    /// The streamed bytes, as a client receives them.
    bytes: Vec<u8>,
    /// Header plus the output of the first pushes, cut once at least
    /// `PREFIX_SECONDS` of input went in and some audio came out.
    prefix: Vec<u8>,
    /// The bytes with `final_header` written at offset 0, where there is one.
    finalized: Option<Vec<u8>>,
    samples: u64,
}

const PREFIX_SECONDS: f64 = 0.5;

fn encode(format: &OutputFormat) -> Encoded {
    let input = speech();
    let mut pipeline = AudioPipeline::new(NATIVE_RATE, format).unwrap();
    let header = pipeline.header();
    let mut bytes = header.clone();
    let mut prefix = None;
    let mut pushed = 0;
    let mut rest = &input[..];
    for &n in CHUNKS.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (chunk, tail) = rest.split_at(n.min(rest.len()));
        rest = tail;
        bytes.extend(pipeline.push(chunk).unwrap());
        pushed += chunk.len();
        if prefix.is_none()
            && pushed as f64 >= PREFIX_SECONDS * f64::from(NATIVE_RATE)
            && bytes.len() > header.len()
        {
            prefix = Some(bytes.clone());
        }
    }
    bytes.extend(pipeline.finish().unwrap());
    let finalized = pipeline.final_header().map(|h| {
        assert!(h.len() <= bytes.len());
        let mut f = bytes.clone();
        f[..h.len()].copy_from_slice(&h);
        f
    });
    Encoded {
        prefix: prefix.expect("audio before the end"),
        bytes,
        finalized,
        samples: pipeline.samples_out(),
    }
}

/// Runs a tool if installed; `None` (with a note) if not.
fn tool(name: &str, args: &[&str]) -> Option<Vec<u8>> {
    match Command::new(name).args(args).output() {
        Ok(out) => {
            assert!(
                out.status.success(),
                "{name} {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(out.stdout)
        }
        Err(e) => {
            eprintln!("note: skipping, {name} not runnable: {e}");
            None
        }
    }
}

#[derive(Debug)]
struct Probe {
    codec: String,
    sample_rate: u32,
    channels: u32,
}

fn probe(path: &Path) -> Option<Probe> {
    let out = tool(
        "ffprobe",
        &[
            "-v",
            "error",
            "-show_streams",
            "-of",
            "default=noprint_wrappers=1",
            path.to_str().unwrap(),
        ],
    )?;
    let text = String::from_utf8(out).unwrap();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name} in {text}"))
            .to_string()
    };
    Some(Probe {
        codec: field("codec_name"),
        sample_rate: field("sample_rate").parse().unwrap(),
        channels: field("channels").parse().unwrap(),
    })
}

/// Decodes to mono f32 at `rate` (ffmpeg resamples where the decoder runs
/// at another rate, as its Opus decoder always runs at 48 kHz).
fn decode(path: &Path, rate: u32) -> Option<Vec<f32>> {
    let rate = rate.to_string();
    let raw = tool(
        "ffmpeg",
        &[
            "-v",
            "error",
            "-i",
            path.to_str().unwrap(),
            "-ar",
            &rate,
            "-ac",
            "1",
            "-f",
            "f32le",
            "-",
        ],
    )?;
    Some(
        raw.chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
    )
}

fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|&s| f64::from(s) * f64::from(s)).sum::<f64>() / x.len().max(1) as f64).sqrt()
}

/// Normalised cross-correlation of `decoded[lag..]` with `reference`, over
/// the reference's length.
fn correlation(decoded: &[f32], reference: &[f32], lag: usize) -> f64 {
    let d = decoded.get(lag..).unwrap_or(&[]);
    let n = d.len().min(reference.len());
    let (mut xy, mut xx, mut yy) = (0.0, 0.0, 0.0);
    for (&a, &b) in d[..n].iter().zip(&reference[..n]) {
        let (a, b) = (f64::from(a), f64::from(b));
        xy += a * b;
        xx += a * a;
        yy += b * b;
    }
    xy / (xx * yy).sqrt().max(f64::MIN_POSITIVE)
}

/// The lag (decoded delay in samples, 0..=max_lag) where the decoded signal
/// best matches the reference, and the correlation there.
fn best_alignment(decoded: &[f32], reference: &[f32], max_lag: usize) -> (usize, f64) {
    (0..=max_lag)
        .map(|lag| (lag, correlation(decoded, reference, lag)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap()
}

/// What a format's decoded output must look like.
struct Expect {
    codec: &'static str,
    /// ffprobe's rate: the Opus decoder always reports 48 kHz.
    probe_rate: Option<u32>,
    /// Leading samples a decoder plays before the audio (codec delay that
    /// the format cannot signal), and the most it may add at the end.
    delay: usize,
    tail: usize,
}

/// Runs the checks common to all formats on `bytes` written to `path`:
/// probe fields, length, and similarity to what was encoded.
fn check_decodes(path: &Path, bytes: &[u8], format: &OutputFormat, samples: u64, expect: &Expect) {
    std::fs::write(path, bytes).unwrap();
    let rate = format.sample_rate;
    let Some(p) = probe(path) else { return };
    assert_eq!(p.codec, expect.codec, "{path:?}");
    assert_eq!(p.sample_rate, expect.probe_rate.unwrap_or(rate), "{path:?}");
    assert_eq!(p.channels, 1, "{path:?}");

    let Some(decoded) = decode(path, rate) else {
        return;
    };
    let reference = reference(rate);
    assert_eq!(reference.len() as u64, samples);
    // Duration within 50 ms once the delay the format cannot signal and
    // the padding of the last frame are allowed for.
    let slack = (0.05 * f64::from(rate)) as usize;
    let want = samples as usize + expect.delay;
    assert!(
        decoded.len() + slack >= want && decoded.len() <= want + expect.tail + slack,
        "{path:?}: decoded {} samples, encoded {samples} (+{} delay, +{} tail allowed)",
        decoded.len(),
        expect.delay,
        expect.tail,
    );

    let (lag, corr) = best_alignment(&decoded, &reference, expect.delay + 64);
    assert!(corr > 0.9, "{path:?}: correlation {corr} at lag {lag}");
    // Where the delay is signalled, decoders line the audio up exactly (a
    // couple of samples of resampling or filter offset aside).
    assert!(
        lag.abs_diff(expect.delay) <= 2,
        "{path:?}: audio starts at {lag}, want {}",
        expect.delay
    );
    let end = (lag + reference.len()).min(decoded.len());
    let ratio = rms(&decoded[lag..end]) / rms(&reference);
    eprintln!(
        "{}: {} samples decoded for {samples}, lag {lag}, correlation {corr:.4}, rms ratio {ratio:.3}",
        path.file_name().unwrap().to_string_lossy(),
        decoded.len()
    );
    assert!((ratio - 1.0).abs() < 0.1, "{path:?}: rms ratio {ratio}");
}

/// The prefix cut before `finish` decodes to some audio on its own.
fn check_prefix_plays(path: &Path, prefix: &[u8], rate: u32) {
    std::fs::write(path, prefix).unwrap();
    let Some(decoded) = decode(path, rate) else {
        return;
    };
    let seconds = decoded.len() as f64 / f64::from(rate);
    eprintln!(
        "{}: {} bytes decode to {seconds:.3} s",
        path.file_name().unwrap().to_string_lossy(),
        prefix.len()
    );
    // Half a second went in; allow for what the codec still held.
    assert!(
        seconds >= 0.2,
        "{path:?}: prefix decodes to only {seconds} s"
    );
    assert!(rms(&decoded) > 0.01, "{path:?}: prefix decodes to silence");
}

fn run_format(container: Container, rate: u32, bit_rate: Option<u32>, expect: &Expect) {
    let dir = tempfile::tempdir().unwrap();
    let format = OutputFormat::with_bit_rate(container, None, rate, bit_rate).unwrap();
    let e = encode(&format);
    let name = format!("{container}_{rate}");
    let ext = format.file_extension();
    check_prefix_plays(
        &dir.path().join(format!("{name}_prefix.{ext}")),
        &e.prefix,
        rate,
    );
    // A client's view: the streamed bytes as they came.
    check_decodes(
        &dir.path().join(format!("{name}_stream.{ext}")),
        &e.bytes,
        &format,
        e.samples,
        expect,
    );
    if let Some(f) = &e.finalized {
        check_decodes(
            &dir.path().join(format!("{name}_final.{ext}")),
            f,
            &format,
            e.samples,
            expect,
        );
    }
}

#[test]
fn mp3_decodes_at_several_rates() {
    for rate in [8000, 16000, 24000, 44100, 48000] {
        // Before final_header, the streamed file has LAME's empty Info frame
        // (played as a frame of silence) and no record of the encoder delay
        // (about 1105 samples) or the end padding; decoders play both.
        let frame = if rate >= 32000 { 1152 } else { 576 };
        let dir = tempfile::tempdir().unwrap();
        let format = OutputFormat::new(Container::Mp3, None, rate).unwrap();
        let e = encode(&format);
        let ext = format.file_extension();
        check_prefix_plays(&dir.path().join(format!("prefix.{ext}")), &e.prefix, rate);
        // LAME's delay is 576 + 529 samples; the empty Info frame adds one
        // frame before it.
        let streamed = Expect {
            codec: "mp3",
            probe_rate: None,
            delay: frame + 1105,
            tail: 2 * frame,
        };
        check_decodes(
            &dir.path().join(format!("stream.{ext}")),
            &e.bytes,
            &format,
            e.samples,
            &streamed,
        );
        // With the Info frame filled in, decoders trim delay and padding.
        let finalized = e.finalized.expect("mp3 has a final header");
        check_decodes(
            &dir.path().join(format!("final.{ext}")),
            &finalized,
            &format,
            e.samples,
            &Expect {
                codec: "mp3",
                probe_rate: None,
                delay: 0,
                tail: 0,
            },
        );
    }
}

#[test]
fn opus_decodes_at_every_rate() {
    for rate in [8000, 12000, 16000, 24000, 48000] {
        run_format(
            Container::Opus,
            rate,
            None,
            &Expect {
                codec: "opus",
                probe_rate: Some(48000),
                delay: 0,
                tail: 0,
            },
        );
    }
}

#[test]
fn flac_decodes_at_several_rates() {
    for rate in [8000, 16000, 22050, 44100, 48000] {
        run_format(
            Container::Flac,
            rate,
            None,
            &Expect {
                codec: "flac",
                probe_rate: None,
                delay: 0,
                tail: 0,
            },
        );
    }
}

/// Lossless: ffmpeg's samples are exactly ours after 16-bit quantisation.
#[test]
fn flac_is_exact() {
    let dir = tempfile::tempdir().unwrap();
    let rate = 16000;
    let format = OutputFormat::new(Container::Flac, None, rate).unwrap();
    let e = encode(&format);
    let want: Vec<f32> = reference(rate)
        .iter()
        .map(|&s| f32::from(f32_to_i16(s)) / 32768.0)
        .collect();
    for (name, bytes) in [
        ("stream", &e.bytes),
        ("final", e.finalized.as_ref().unwrap()),
    ] {
        let path = dir.path().join(format!("{name}.flac"));
        std::fs::write(&path, bytes).unwrap();
        let Some(decoded) = decode(&path, rate) else {
            return;
        };
        assert_eq!(decoded.len(), want.len(), "{name}");
        assert!(decoded == want, "{name}: samples differ");
    }
}

/// STREAMINFO fields: (total samples, min frame size, max frame size, MD5).
fn streaminfo(bytes: &[u8]) -> (u64, u32, u32, [u8; 16]) {
    assert_eq!(&bytes[..4], b"fLaC");
    assert_eq!(bytes[4], 0x80, "STREAMINFO, the last metadata block");
    let si = &bytes[8..42];
    let u24 = |i: usize| u32::from_be_bytes([0, si[i], si[i + 1], si[i + 2]]);
    let total = (u64::from(si[13] & 0x0F) << 32)
        | u64::from(u32::from_be_bytes([si[14], si[15], si[16], si[17]]));
    (total, u24(4), u24(7), si[18..34].try_into().unwrap())
}

#[test]
fn flac_final_header_has_exact_totals() {
    let format = OutputFormat::new(Container::Flac, None, 24000).unwrap();
    let e = encode(&format);
    assert_eq!(e.samples, 48000);

    let (total, min_frame, max_frame, md5) = streaminfo(&e.bytes);
    assert_eq!(
        (total, min_frame, max_frame, md5),
        (0, 0, 0, [0; 16]),
        "unknown while streaming"
    );

    let finalized = e.finalized.unwrap();
    let (total, min_frame, max_frame, md5) = streaminfo(&finalized);
    assert_eq!(total, e.samples);
    assert!(0 < min_frame && min_frame <= max_frame);
    assert_ne!(md5, [0; 16]);
    assert_eq!(finalized.len(), e.bytes.len());
    assert_eq!(finalized[42..], e.bytes[42..]);

    // ffmpeg's MD5 of the decoded 16-bit samples is the one FLAC defines.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("final.flac");
    std::fs::write(&path, &finalized).unwrap();
    let Some(out) = tool(
        "ffmpeg",
        &[
            "-v",
            "error",
            "-i",
            path.to_str().unwrap(),
            "-c:a",
            "pcm_s16le",
            "-f",
            "md5",
            "-",
        ],
    ) else {
        return;
    };
    let hex: String = md5.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(String::from_utf8(out).unwrap().trim(), format!("MD5={hex}"));
}

/// The final short block may be any length, down to one sample, and an
/// empty stream is a valid header alone.
#[test]
fn flac_handles_any_tail_length() {
    for len in [0, 1, 2, 15, 16, 17, 1023, 1024, 1025] {
        let mut enc = FlacEncoder::new(8000).unwrap();
        let mut bytes = enc.header();
        let input: Vec<f32> = (0..len).map(|i| ((i % 50) as f32 / 50.0) - 0.5).collect();
        enc.encode(&input, &mut bytes).unwrap();
        enc.finish(&mut bytes).unwrap();
        let fin = enc.final_header().unwrap();
        assert_eq!(streaminfo(&fin).0, len as u64);
        bytes[..fin.len()].copy_from_slice(&fin);

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.flac");
        std::fs::write(&path, &bytes).unwrap();
        let Some(decoded) = decode(&path, 8000) else {
            return;
        };
        let want: Vec<f32> = input
            .iter()
            .map(|&s| f32::from(f32_to_i16(s)) / 32768.0)
            .collect();
        assert_eq!(decoded, want, "{len} samples");
    }
}

fn file_kbps(bytes: usize, seconds: f64) -> f64 {
    bytes as f64 * 8.0 / seconds / 1000.0
}

#[test]
fn mp3_bit_rate_is_honoured() {
    let format = OutputFormat::with_bit_rate(Container::Mp3, None, 48000, Some(128_000)).unwrap();
    assert_eq!(format.effective_bit_rate(), Some(128_000));
    let e = encode(&format);
    let kbps = file_kbps(e.bytes.len(), SECONDS);
    assert!((kbps - 128.0).abs() < 12.8, "{kbps} kbps");

    // The bit rate is in every frame header: MPEG-1 Layer III, index 9.
    assert_eq!(e.bytes[0], 0xFF);
    assert_eq!(e.bytes[1] & 0xFE, 0xFA);
    assert_eq!(e.bytes[2] >> 4, 9);
}

#[test]
fn mp3_rejects_impossible_explicit_bit_rates() {
    let err = OutputFormat::with_bit_rate(Container::Mp3, None, 24000, Some(192_000)).unwrap_err();
    assert!(matches!(err, AudioError::UnsupportedBitRate { .. }));
    assert_eq!(
        err.to_string(),
        "bit_rate 192000 is not possible for mp3 at 24000 Hz: possible bit rates there are \
         32000, 40000, 48000, 64000, 80000, 96000, 112000, 128000, 160000 \
         (higher ones need a higher sample_rate)"
    );
    // Not in MP3's table at all.
    let err = OutputFormat::with_bit_rate(Container::Mp3, None, 48000, Some(100_000)).unwrap_err();
    assert!(
        err.to_string()
            .contains("possible bit rates there are 32000, 40000"),
        "{err}"
    );
    // Outside the API's range.
    let err = OutputFormat::with_bit_rate(Container::Mp3, None, 48000, Some(8000)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "bit_rate 8000 is out of range: must be 32000-320000"
    );
    // Unspecified gets the best the rate allows, so it never fails.
    for (rate, best) in [(8000, 64_000), (24000, 160_000), (44100, 192_000)] {
        let f = OutputFormat::new(Container::Mp3, None, rate).unwrap();
        assert_eq!(f.bit_rate, None);
        assert_eq!(f.effective_bit_rate(), Some(best), "{rate}");
    }
}

#[test]
fn mp3_rejects_non_mpeg_rates() {
    let err = OutputFormat::new(Container::Mp3, None, 20000).unwrap_err();
    assert_eq!(
        err.to_string(),
        "sample_rate 20000 is not supported by mp3: must be one of \
         8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000"
    );
}

#[test]
fn opus_bit_rate_is_honoured() {
    for (rate, bit_rate) in [(48000, 64_000), (24000, 32_000), (16000, 96_000)] {
        let format =
            OutputFormat::with_bit_rate(Container::Opus, None, rate, Some(bit_rate)).unwrap();
        let e = encode(&format);
        // Constrained VBR averages the target; Ogg adds about 1 kbps of
        // page headers at our page rate, and the header pages ~100 bytes.
        let kbps = file_kbps(e.bytes.len(), SECONDS);
        let want = f64::from(bit_rate) / 1000.0;
        eprintln!("opus {rate} Hz at {want} kbps: {kbps:.1} kbps");
        assert!(
            (kbps - want).abs() < 0.15 * want,
            "{rate} Hz: {kbps} kbps, want {want}"
        );
    }
}

#[test]
fn opus_rejects_rates_it_cannot_run_at() {
    let err = OutputFormat::new(Container::Opus, None, 22050).unwrap_err();
    assert_eq!(
        err.to_string(),
        "sample_rate 22050 is not supported by opus: must be one of 8000, 12000, 16000, 24000, 48000"
    );
    assert!(AudioPipeline::new(
        22050,
        &OutputFormat {
            container: Container::Opus,
            encoding: hark_audio::Encoding::PcmS16le,
            sample_rate: 44100,
            bit_rate: None,
        }
    )
    .is_err());
    assert!(matches!(
        OpusEncoder::new(22050, 64000),
        Err(AudioError::UnsupportedSampleRate { .. })
    ));
}

/// OpusHead and OpusTags come first, on pages of their own, and the first
/// audio page starts a new page; the last page has the end-of-stream flag
/// and a granule position of pre-skip plus the samples pushed.
#[test]
fn opus_ogg_structure() {
    let rate = 16000;
    let format = OutputFormat::new(Container::Opus, None, rate).unwrap();
    let e = encode(&format);
    let pages = ogg_pages(&e.bytes);
    assert!(pages.len() > 3);
    let (flags, granule, body) = &pages[0];
    assert_eq!(*flags, 0x02, "first page: beginning of stream");
    assert_eq!(*granule, 0);
    assert_eq!(&body[..8], b"OpusHead");
    assert_eq!(body.len(), 19);
    assert_eq!(body[9], 1, "mono");
    let pre_skip = u64::from(u16::from_le_bytes([body[10], body[11]]));
    assert!(pre_skip > 0);
    assert_eq!(u32::from_le_bytes(body[12..16].try_into().unwrap()), rate);
    let (flags, granule, body) = &pages[1];
    assert_eq!((*flags, *granule), (0, 0));
    assert_eq!(&body[..8], b"OpusTags");

    let (flags, granule, _) = pages.last().unwrap();
    assert_eq!(*flags & 0x04, 0x04, "end of stream");
    assert_eq!(*granule, pre_skip + e.samples * u64::from(48000 / rate));
    assert!(pages[..pages.len() - 1].iter().all(|p| p.0 & 0x04 == 0));
    // Audio granule positions never go back.
    assert!(pages.windows(2).all(|w| w[0].1 <= w[1].1));
}

/// (header flags, granule position, payload) per Ogg page.
fn ogg_pages(mut bytes: &[u8]) -> Vec<(u8, u64, Vec<u8>)> {
    let mut pages = Vec::new();
    while !bytes.is_empty() {
        assert_eq!(&bytes[..4], b"OggS");
        let flags = bytes[5];
        let granule = u64::from_le_bytes(bytes[6..14].try_into().unwrap());
        let segments = usize::from(bytes[26]);
        let lacing = &bytes[27..27 + segments];
        let len: usize = lacing.iter().map(|&l| usize::from(l)).sum();
        let start = 27 + segments;
        pages.push((flags, granule, bytes[start..start + len].to_vec()));
        bytes = &bytes[start + len..];
    }
    pages
}

#[cfg(not(feature = "aac"))]
#[test]
fn aac_needs_the_feature() {
    assert_eq!("aac".parse::<Container>().unwrap(), Container::Aac);
    assert!(!Container::Aac.is_available());
    let err = OutputFormat::new(Container::Aac, None, 24000).unwrap_err();
    assert_eq!(
        err.to_string(),
        "aac support is not built in (build with --features aac)"
    );
}

#[cfg(feature = "aac")]
mod aac {
    use super::*;

    /// ADTS cannot signal the FDK's 2048-sample delay, so decoders play it
    /// as leading silence, and the end is padded to whole 1024-sample
    /// frames.
    const AAC: Expect = Expect {
        codec: "aac",
        probe_rate: None,
        delay: 2048,
        tail: 1024,
    };

    #[test]
    fn aac_decodes_at_several_rates() {
        for rate in [8000, 16000, 24000, 44100, 48000] {
            run_format(Container::Aac, rate, None, &AAC);
        }
    }

    #[test]
    fn aac_bit_rate_is_honoured_and_bounded() {
        let format =
            OutputFormat::with_bit_rate(Container::Aac, None, 48000, Some(128_000)).unwrap();
        let e = encode(&format);
        // The file also holds the delay and the padding of the last frame.
        let seconds = SECONDS + (2048.0 + 1024.0) / 48000.0;
        let kbps = file_kbps(e.bytes.len(), seconds);
        assert!((kbps - 128.0).abs() < 12.8, "{kbps} kbps");

        let err =
            OutputFormat::with_bit_rate(Container::Aac, None, 8000, Some(64_000)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "bit_rate 64000 is not possible for aac at 8000 Hz: possible bit rates there are \
             32000-48000 (higher ones need a higher sample_rate)"
        );
        let f = OutputFormat::new(Container::Aac, None, 16000).unwrap();
        assert_eq!(f.effective_bit_rate(), Some(96_000));
    }
}

/// The encoding field does not apply to compressed containers: whatever
/// is asked, the format stores pcm_s16le; the bit rate does not apply to
/// lossless or PCM ones and is dropped.
#[test]
fn compressed_containers_normalise_inapplicable_fields() {
    use hark_audio::Encoding;
    for c in [Container::Mp3, Container::Opus, Container::Flac] {
        let f = OutputFormat::new(c, Some(Encoding::PcmMulaw), 16000).unwrap();
        assert_eq!(f.encoding, Encoding::PcmS16le, "{c}");
        assert!(c.allowed_encodings().is_empty());
    }
    let f = OutputFormat::with_bit_rate(Container::Flac, None, 16000, Some(1)).unwrap();
    assert_eq!((f.bit_rate, f.effective_bit_rate()), (None, None));
    let f = OutputFormat::with_bit_rate(Container::Wav, None, 16000, Some(64000)).unwrap();
    assert_eq!(f.bit_rate, None);
}

/// Every compressed container available in this build.
fn compressed() -> Vec<Container> {
    Container::ALL
        .iter()
        .copied()
        .filter(|c| c.is_compressed() && c.is_available())
        .collect()
}

/// No audio at all, and hostile samples (NaN, infinities, far over full
/// scale), still give a stream and no error or panic.
#[test]
fn empty_and_hostile_input() {
    let dir = tempfile::tempdir().unwrap();
    for c in compressed() {
        let format = OutputFormat::new(c, None, 16000).unwrap();
        let mut p = AudioPipeline::new(16000, &format).unwrap();
        let mut bytes = p.header();
        bytes.extend(p.finish().unwrap());
        assert!(matches!(p.push(&[0.0]), Err(AudioError::Finished)), "{c}");
        // A seekable sink can always write the final header over the start.
        if let Some(h) = p.final_header() {
            assert!(h.len() <= bytes.len(), "{c}: {} > {}", h.len(), bytes.len());
        }
        eprintln!("{c}: empty stream is {} bytes", bytes.len());

        let mut p = AudioPipeline::new(16000, &format).unwrap();
        let mut bytes = p.header();
        let hostile = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 1e30, -1e30, 0.5];
        for _ in 0..2000 {
            bytes.extend(p.push(&hostile).unwrap());
        }
        bytes.extend(p.finish().unwrap());
        let path = dir
            .path()
            .join(format!("hostile.{}", format.file_extension()));
        std::fs::write(&path, &bytes).unwrap();
        let Some(decoded) = decode(&path, 16000) else {
            return;
        };
        assert!(decoded.len() >= 12000, "{c}: {} samples", decoded.len());
        assert!(
            decoded.iter().all(|s| s.is_finite() && s.abs() <= 1.5),
            "{c}"
        );
    }
}

/// Encoders built directly (not through a validated format) check their
/// parameters too, and refuse audio after `finish`.
#[test]
fn encoders_check_their_own_parameters() {
    use hark_audio::Mp3Encoder;
    assert!(matches!(
        Mp3Encoder::new(24000, 192_000),
        Err(AudioError::UnsupportedBitRate { .. })
    ));
    assert!(matches!(
        Mp3Encoder::new(20000, 64_000),
        Err(AudioError::UnsupportedSampleRate { .. })
    ));
    assert!(matches!(
        OpusEncoder::new(48000, 1_000_000),
        Err(AudioError::UnsupportedBitRate { .. })
    ));

    let mut encoders: Vec<Box<dyn AudioEncoder>> = vec![
        Box::new(Mp3Encoder::new(24000, 64_000).unwrap()),
        Box::new(OpusEncoder::new(24000, 64_000).unwrap()),
        Box::new(FlacEncoder::new(24000).unwrap()),
    ];
    for enc in &mut encoders {
        let mut out = Vec::new();
        enc.encode(&[0.1; 100], &mut out).unwrap();
        enc.finish(&mut out).unwrap();
        assert!(!out.is_empty());
        assert!(matches!(
            enc.encode(&[0.1], &mut out),
            Err(AudioError::Finished)
        ));
    }
}
