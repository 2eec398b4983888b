//! Engine benchmark (not a test): real-time factor, time to first chunk and
//! parallel throughput, in-process. `bench/engine.sh` runs it beside Python
//! piper-tts on the same voice and texts and prints the ratios.
//!
//!   cargo run --release -p hark-engine --example bench -- HOME TEXTS.json REPS
//!
//! Prints one JSON object on stdout.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use hark_engine::piper::{phoneme_ids, phonemize_sentence, PiperSession, Scales};
use hark_engine::runtime;
use hark_engine::{Engine, EngineConfig, SynthesisRequest, VoiceSource};
use serde_json::{json, Value};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let home = PathBuf::from(args.get(1).ok_or("usage: bench HOME TEXTS.json REPS")?);
    let texts: serde_json::Map<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(args.get(2).ok_or("texts")?)?)?;
    let reps: usize = args.get(3).map(|s| s.parse()).transpose()?.unwrap_or(5);
    let cores = std::thread::available_parallelism()?.get();
    let paragraph = texts
        .get("paragraph")
        .and_then(Value::as_str)
        .ok_or("texts.json needs a 'paragraph'")?
        .to_string();

    let mut out = serde_json::Map::new();
    out.insert("cores".into(), json!(cores));

    // Lone requests: real-time factor and first chunk, at 1 and `cores` threads.
    // Each configuration is its own engine; onnxruntime's environment is shared.
    let mut lone = serde_json::Map::new();
    // The all-cores engine first: it makes the process's onnxruntime
    // environment, with the shared pool the default configuration uses.
    for threads in [cores, 1] {
        let mut cfg = EngineConfig::new(home.clone());
        // A lone request on a `threads`-thread session.
        cfg.wide_threads = threads;
        cfg.narrow_sessions = 0;
        cfg.split_voices = std::env::var_os("HARK_NO_SPLIT").is_none();
        cfg.espeak_voices = false;
        let engine = Engine::new(cfg)?;
        engine.warm("joe", 0)?;
        let mut per_text = serde_json::Map::new();
        for (name, text) in &texts {
            let text = text.as_str().ok_or("texts must be strings")?;
            let mut walls = Vec::new();
            let mut firsts = Vec::new();
            let mut audio_s = 0.0;
            for _ in 0..reps {
                let t0 = Instant::now();
                let stream = engine.synthesize(SynthesisRequest::new(text))?;
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
            // Time to first audio for a streaming consumer (low-latency mode:
            // the first audio is decoded from a few frames of the first
            // chunk); the rest is dropped, which stops the synthesis.
            let mut streamed = Vec::new();
            for _ in 0..reps {
                let t0 = Instant::now();
                let mut r = SynthesisRequest::new(text);
                r.low_latency = true;
                let mut stream = engine.synthesize(r)?;
                stream.next().transpose()?;
                streamed.push(t0.elapsed().as_secs_f64());
                drop(stream);
                std::thread::sleep(std::time::Duration::from_millis(300));
            }
            per_text.insert(
                name.clone(),
                json!({"audio_s": audio_s, "wall_s": walls, "first_chunk_s": firsts, "first_audio_streaming_s": streamed}),
            );
        }
        lone.insert(format!("threads_{threads}"), Value::Object(per_text));
    }
    out.insert("lone".into(), Value::Object(lone));

    // Parallel requests with the default configuration.
    let engine = Arc::new(Engine::new({
        let mut c = EngineConfig::new(home.clone());
        c.espeak_voices = false;
        c.split_voices = std::env::var_os("HARK_NO_SPLIT").is_none();
        c
    })?);
    engine.warm("joe", cores)?;
    let mut parallel = serde_json::Map::new();
    for clients in [1usize, 2, 4] {
        let t0 = Instant::now();
        let per_client = reps.max(2);
        let handles: Vec<_> = (0..clients)
            .map(|_| {
                let engine = engine.clone();
                let text = paragraph.clone();
                std::thread::spawn(move || -> Result<f64, String> {
                    let mut audio = 0.0;
                    for _ in 0..per_client {
                        let s = engine
                            .synthesize(SynthesisRequest::new(text.clone()))
                            .map_err(|e| e.to_string())?;
                        let rate = s.sample_rate as f64;
                        audio +=
                            s.collect_samples().map_err(|e| e.to_string())?.len() as f64 / rate;
                    }
                    Ok(audio)
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

    // The machine's ceiling: `cores` raw 1-thread sessions, back to back, no engine around them.
    let entry = engine.catalog().resolve("joe", None)?;
    let VoiceSource::Piper(files) = &entry.source else {
        return Err("joe is not a piper voice".into());
    };
    let env = runtime::environment(None, &home, 0)?;
    let sentences: Vec<Vec<i64>> = hark_engine::engine::plan_chunks(&paragraph)
        .into_iter()
        .map(|(r, _)| {
            phonemize_sentence(&files.espeak_voice(), &paragraph[r])
                .map(|p| phoneme_ids(&files.config, &p))
        })
        .collect::<Result<_, _>>()?;
    let scales = Scales {
        noise_scale: files.config.inference.noise_scale,
        length_scale: files.config.inference.length_scale,
        noise_w: files.config.inference.noise_w,
    };
    let mut sessions: Vec<PiperSession> = (0..cores)
        .map(|_| PiperSession::load(&env, &files.onnx, 1, false))
        .collect::<Result<_, _>>()?;
    for s in sessions.iter_mut() {
        s.infer(&sentences[0], scales, None)?;
    }
    let rate = files.config.audio.sample_rate as f64;
    let t0 = Instant::now();
    let per = reps.max(2);
    let total: f64 = std::thread::scope(|scope| {
        let hs: Vec<_> = sessions
            .iter_mut()
            .map(|s| {
                let sentences = &sentences;
                scope.spawn(move || {
                    let mut n = 0usize;
                    for _ in 0..per {
                        for ids in sentences {
                            n += s
                                .infer(ids, scales, None)
                                .map(|a| a.audio.len())
                                .unwrap_or(0);
                        }
                    }
                    n as f64 / rate
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap_or(0.0)).sum()
    });
    let wall = t0.elapsed().as_secs_f64();
    out.insert("ceiling".into(), json!({"sessions": cores, "threads_each": 1, "audio_s": total, "wall_s": wall, "audio_s_per_s": total / wall}));

    println!("{}", Value::Object(out));
    Ok(())
}
