//! WAV output as other programs see it: every encoding is written to disk,
//! with the streaming header and with the final one, and read back by hound
//! (PCM), by our own header parser (all) and by ffprobe/ffmpeg when present.

use std::path::{Path, PathBuf};
use std::process::Command;

use hark_audio::encode::{f32_to_i16, g711};
use hark_audio::{AudioPipeline, Container, Encoding, OutputFormat, Resampler};

const NATIVE_RATE: u32 = 22050;
const OUT_RATE: u32 = 16000;
/// One second plus one sample, so the output count (16001) is odd and the
/// 8-bit variants need a RIFF pad byte.
const INPUT_LEN: usize = 22051;

fn input() -> Vec<f32> {
    (0..INPUT_LEN)
        .map(|n| (0.5 * (std::f64::consts::TAU * 440.0 * n as f64 / 22050.0).sin()) as f32)
        .collect()
}

/// What the pipeline should have encoded, before quantisation.
fn reference() -> Vec<f32> {
    let mut r = Resampler::new(NATIVE_RATE, OUT_RATE).unwrap();
    let mut out = r.process(&input());
    out.extend(r.flush());
    out
}

struct Written {
    encoding: Encoding,
    streaming: PathBuf,
    finalized: PathBuf,
    samples: usize,
}

/// Streams through the pipeline in engine-sized chunks, like the server does.
fn write_variants(dir: &Path) -> Vec<Written> {
    let input = input();
    Encoding::ALL
        .iter()
        .map(|&encoding| {
            let format = OutputFormat::new(Container::Wav, Some(encoding), OUT_RATE).unwrap();
            let mut pipeline = AudioPipeline::new(NATIVE_RATE, &format).unwrap();
            let mut bytes = pipeline.header();
            for chunk in input.chunks(3000) {
                bytes.extend(pipeline.push(chunk).unwrap());
            }
            bytes.extend(pipeline.finish().unwrap());

            let streaming = dir.join(format!("{encoding}_streaming.wav"));
            std::fs::write(&streaming, &bytes).unwrap();
            let header = pipeline.final_header().unwrap();
            bytes[..header.len()].copy_from_slice(&header);
            let finalized = dir.join(format!("{encoding}_final.wav"));
            std::fs::write(&finalized, &bytes).unwrap();

            Written {
                encoding,
                streaming,
                finalized,
                samples: pipeline.samples_out() as usize,
            }
        })
        .collect()
}

/// The header fields we promise, parsed by hand so the G.711 variants
/// (which hound does not read) are covered too.
#[derive(Debug, PartialEq)]
struct Header {
    format_tag: u16,
    channels: u16,
    sample_rate: u32,
    byte_rate: u32,
    block_align: u16,
    bits: u16,
    fact_frames: Option<u32>,
    riff_size: u32,
    data_size: u32,
    data_offset: usize,
}

fn parse_header(b: &[u8]) -> Header {
    let u16_at = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
    let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    assert_eq!(&b[0..4], b"RIFF");
    assert_eq!(&b[8..12], b"WAVE");
    assert_eq!(&b[12..16], b"fmt ");
    let fmt_len = u32_at(16) as usize;
    let mut pos = 20 + fmt_len;
    let mut fact_frames = None;
    if &b[pos..pos + 4] == b"fact" {
        fact_frames = Some(u32_at(pos + 8));
        pos += 12;
    }
    assert_eq!(&b[pos..pos + 4], b"data");
    Header {
        format_tag: u16_at(20),
        channels: u16_at(22),
        sample_rate: u32_at(24),
        byte_rate: u32_at(28),
        block_align: u16_at(32),
        bits: u16_at(34),
        fact_frames,
        riff_size: u32_at(4),
        data_size: u32_at(pos + 4),
        data_offset: pos + 8,
    }
}

#[test]
fn headers_have_the_promised_fields() {
    let dir = tempfile::tempdir().unwrap();
    for w in write_variants(dir.path()) {
        let bytes_per_sample = w.encoding.bytes_per_sample();
        let (tag, has_fact) = match w.encoding {
            Encoding::PcmS16le => (1, false),
            Encoding::PcmF32le => (3, true),
            Encoding::PcmAlaw => (6, true),
            Encoding::PcmMulaw => (7, true),
        };
        assert_eq!(w.samples, 16001);

        let streaming = std::fs::read(&w.streaming).unwrap();
        let finalized = std::fs::read(&w.finalized).unwrap();
        let s = parse_header(&streaming);
        let f = parse_header(&finalized);
        for h in [&s, &f] {
            assert_eq!(h.format_tag, tag, "{}", w.encoding);
            assert_eq!(h.channels, 1);
            assert_eq!(h.sample_rate, OUT_RATE);
            assert_eq!(h.block_align as usize, bytes_per_sample);
            assert_eq!(h.bits as usize, 8 * bytes_per_sample);
            assert_eq!(h.byte_rate as usize, OUT_RATE as usize * bytes_per_sample);
            assert_eq!(h.fact_frames.is_some(), has_fact);
        }

        assert_eq!(s.riff_size, u32::MAX);
        assert_eq!(s.data_size, u32::MAX);
        assert_eq!(s.fact_frames.unwrap_or(0), 0);

        let data = w.samples * bytes_per_sample;
        assert_eq!(f.data_size as usize, data, "{}", w.encoding);
        assert_eq!(finalized.len(), f.data_offset + data + data % 2);
        assert_eq!(f.riff_size as usize, finalized.len() - 8);
        assert_eq!(
            f.fact_frames.map(|n| n as usize),
            has_fact.then_some(w.samples)
        );
    }
}

#[test]
fn hound_reads_pcm_variants() {
    let dir = tempfile::tempdir().unwrap();
    let reference = reference();
    for w in write_variants(dir.path()) {
        let mut reader = match hound::WavReader::open(&w.finalized) {
            Ok(r) => r,
            // hound only knows PCM and IEEE float.
            Err(hound::Error::Unsupported)
                if matches!(w.encoding, Encoding::PcmMulaw | Encoding::PcmAlaw) =>
            {
                continue;
            }
            Err(e) => panic!("{}: {e}", w.encoding),
        };
        let spec = reader.spec();
        assert_eq!(spec.channels, 1);
        assert_eq!(spec.sample_rate, OUT_RATE);
        assert_eq!(reader.len() as usize, w.samples);
        match w.encoding {
            Encoding::PcmS16le => {
                assert_eq!(spec.sample_format, hound::SampleFormat::Int);
                assert_eq!(spec.bits_per_sample, 16);
                let got: Vec<i16> = reader.samples::<i16>().map(Result::unwrap).collect();
                let want: Vec<i16> = reference.iter().map(|&s| f32_to_i16(s)).collect();
                assert_eq!(got, want);
            }
            Encoding::PcmF32le => {
                assert_eq!(spec.sample_format, hound::SampleFormat::Float);
                assert_eq!(spec.bits_per_sample, 32);
                let got: Vec<f32> = reader.samples::<f32>().map(Result::unwrap).collect();
                assert_eq!(got, reference);
            }
            _ => unreachable!(),
        }
    }
}

#[test]
fn g711_variants_decode_close_to_the_signal() {
    let dir = tempfile::tempdir().unwrap();
    let reference = reference();
    for w in write_variants(dir.path()) {
        let decode: fn(u8) -> i16 = match w.encoding {
            Encoding::PcmMulaw => g711::mulaw_to_linear,
            Encoding::PcmAlaw => g711::alaw_to_linear,
            _ => continue,
        };
        let bytes = std::fs::read(&w.finalized).unwrap();
        let h = parse_header(&bytes);
        let data = &bytes[h.data_offset..h.data_offset + h.data_size as usize];
        for (&code, &want) in data.iter().zip(&reference) {
            let got = f32::from(decode(code)) / 32767.0;
            // Companding error: ~1/32 of the level, at least one small step.
            assert!(
                (got - want).abs() <= want.abs() / 30.0 + 0.001,
                "{}: {got} vs {want}",
                w.encoding
            );
        }
    }
}

/// Runs ffprobe/ffmpeg if installed; `None` (with a note) if not.
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

#[test]
fn ffmpeg_reads_streaming_and_final_headers() {
    let dir = tempfile::tempdir().unwrap();
    let reference = reference();
    for w in write_variants(dir.path()) {
        for path in [&w.streaming, &w.finalized] {
            let path = path.to_str().unwrap();
            let Some(probe) = tool(
                "ffprobe",
                &[
                    "-v",
                    "error",
                    "-show_entries",
                    "stream=codec_name,sample_rate,channels",
                    "-of",
                    "default=noprint_wrappers=1",
                    path,
                ],
            ) else {
                return;
            };
            let probe = String::from_utf8(probe).unwrap();
            assert!(
                probe.contains(&format!("codec_name={}\n", w.encoding)),
                "{path}: {probe}"
            );
            assert!(
                probe.contains(&format!("sample_rate={OUT_RATE}\n")),
                "{path}: {probe}"
            );
            assert!(probe.contains("channels=1\n"), "{path}: {probe}");

            // Decoding with ffmpeg checks the samples (and our G.711) against
            // an independent implementation.
            let Some(raw) = tool("ffmpeg", &["-v", "error", "-i", path, "-f", "f32le", "-"]) else {
                return;
            };
            let decoded: Vec<f32> = raw
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            // A streaming header can't tell the pad byte from audio, so it
            // plays as one extra sample of silence.
            let padded = path.contains("streaming")
                && w.samples % 2 == 1
                && w.encoding.bytes_per_sample() == 1;
            assert_eq!(decoded.len(), w.samples + usize::from(padded), "{path}");
            if padded {
                assert!(decoded[w.samples].abs() < 0.001, "{path}: pad is silent");
            }
            for (i, (&got, &want)) in decoded.iter().zip(&reference).enumerate() {
                let expected = match w.encoding {
                    Encoding::PcmF32le => want,
                    Encoding::PcmS16le => f32::from(f32_to_i16(want)) / 32768.0,
                    Encoding::PcmMulaw => {
                        f32::from(g711::mulaw_to_linear(g711::linear_to_mulaw(f32_to_i16(
                            want,
                        )))) / 32768.0
                    }
                    Encoding::PcmAlaw => {
                        f32::from(g711::alaw_to_linear(g711::linear_to_alaw(f32_to_i16(want))))
                            / 32768.0
                    }
                };
                assert_eq!(got, expected, "{path} sample {i}");
            }
        }
    }
}
