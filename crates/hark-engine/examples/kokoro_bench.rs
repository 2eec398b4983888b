//! Kokoro benchmark (not a test): real-time factor at 1 and all threads,
//! time to the first audio chunk, parallel throughput and memory,
//! in-process. `bench/kokoro.sh` runs it beside Python kokoro-onnx on the
//! same model, voice and texts and prints the ratios.
//!
//!   cargo run --release -p hark-engine --example kokoro_bench -- HOME TEXTS.json REPS VOICE
//!
//! Prints one JSON object on stdout.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use hark_engine::{Engine, EngineConfig, SynthesisRequest};
use serde_json::{json, Value};

/// Resident memory of this process now and at its peak, in MB.
fn rss_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
            .unwrap_or(0.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn request(text: &str, voice: &str) -> SynthesisRequest {
    let mut r = SynthesisRequest::new(text);
    r.voice = Some(voice.to_string());
    r
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: kokoro_bench HOME TEXTS.json REPS VOICE";
    let home = PathBuf::from(args.get(1).ok_or(usage)?);
    let texts: serde_json::Map<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(args.get(2).ok_or(usage)?)?)?;
    let reps: usize = args.get(3).map(|s| s.parse()).transpose()?.unwrap_or(3);
    let voice = args.get(4).cloned().unwrap_or_else(|| "af_heart".into());
    let cores = std::thread::available_parallelism()?.get();
    let paragraph = texts
        .get("paragraph")
        .and_then(Value::as_str)
        .ok_or("texts.json needs a 'paragraph'")?
        .to_string();

    let mut out = serde_json::Map::new();
    out.insert("cores".into(), json!(cores));
    let mut lone = serde_json::Map::new();
    for threads in [cores, 1] {
        let mut cfg = EngineConfig::new(home.clone());
        cfg.wide_threads = threads;
        cfg.narrow_sessions = 0;
        cfg.espeak_voices = false;
        let engine = Engine::new(cfg)?;
        engine.warm(&voice, 0)?;
        let mut per_text = serde_json::Map::new();
        for name in ["short", "paragraph"] {
            let text = texts
                .get(name)
                .and_then(Value::as_str)
                .ok_or("texts.json needs 'short' and 'paragraph'")?;
            let mut walls = Vec::new();
            let mut firsts = Vec::new();
            let mut audio_s = 0.0;
            for _ in 0..reps {
                let t0 = Instant::now();
                let stream = engine.synthesize(request(text, &voice))?;
                let rate = stream.sample_rate as f64;
                let mut first = None;
                let mut n = 0usize;
                for c in stream {
                    first.get_or_insert(t0.elapsed().as_secs_f64());
                    n += c?.samples.len();
                }
                walls.push(t0.elapsed().as_secs_f64());
                firsts.push(first.unwrap_or_default());
                audio_s = n as f64 / rate;
            }
            // A streaming consumer: the first piece is cut short (low latency).
            let mut streamed = Vec::new();
            for _ in 0..reps {
                let t0 = Instant::now();
                let mut r = request(text, &voice);
                r.low_latency = true;
                let mut stream = engine.synthesize(r)?;
                stream.next().transpose()?;
                streamed.push(t0.elapsed().as_secs_f64());
                drop(stream);
                // Let the dropped request's utterance in progress finish.
                std::thread::sleep(std::time::Duration::from_millis(1500));
            }
            per_text.insert(
                name.into(),
                json!({"audio_s": audio_s, "wall_s": walls, "first_chunk_s": firsts, "first_audio_streaming_s": streamed}),
            );
        }
        lone.insert(format!("threads_{threads}"), Value::Object(per_text));
        if threads == cores {
            // One session loaded and used: comparable to the peer's process.
            let (rss, _) = rss_mb();
            out.insert("rss_one_session_mb".into(), json!(rss));
        }
    }
    out.insert("lone".into(), Value::Object(lone));

    // Parallel requests with the default configuration (wide + narrow sessions).
    let engine = Arc::new(Engine::new({
        let mut c = EngineConfig::new(home.clone());
        c.espeak_voices = false;
        c
    })?);
    engine.warm(&voice, cores)?;
    let mut parallel = serde_json::Map::new();
    for clients in [1usize, 2, 4] {
        let t0 = Instant::now();
        let handles: Vec<_> = (0..clients)
            .map(|_| {
                let engine = engine.clone();
                let text = paragraph.clone();
                let voice = voice.clone();
                std::thread::spawn(move || -> Result<f64, String> {
                    let s = engine
                        .synthesize(request(&text, &voice))
                        .map_err(|e| e.to_string())?;
                    let rate = s.sample_rate as f64;
                    Ok(s.collect_samples().map_err(|e| e.to_string())?.len() as f64 / rate)
                })
            })
            .collect();
        let mut audio = 0.0;
        for h in handles {
            audio += h.join().map_err(|_| "bench thread panicked")??;
        }
        let wall = t0.elapsed().as_secs_f64();
        parallel.insert(
            format!("clients_{clients}"),
            json!({"audio_s": audio, "wall_s": wall, "audio_s_per_s": audio / wall}),
        );
    }
    out.insert("parallel".into(), Value::Object(parallel));
    let (_, peak) = rss_mb();
    out.insert("rss_peak_mb".into(), json!(peak));
    println!("{}", Value::Object(out));
    Ok(())
}
