//! `hark serve` end to end: the real server on loopback, the real voice.

mod common;
use common::server::Server;
use futures::StreamExt;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const LONG: &str = "The first train reached the valley in the spring. Farmers came down from the hills to watch it pass. \
Nobody expected the railway to change much at first. The station was small and the timetable was short. \
Within a few seasons the markets were full of new goods. Young people began to talk about the cities at the end of the line. \
Some of them left and never came back. Others returned with new ideas about farming and trade.";

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn get_json(c: &reqwest::Client, url: impl reqwest::IntoUrl) -> Value {
    c.get(url).send().await.unwrap().json().await.unwrap()
}

/// Asserts the contract's error shape and returns the code.
async fn error_code(resp: reqwest::Response, status: u16) -> String {
    assert_eq!(resp.status().as_u16(), status);
    let id = resp
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["request_id"], id.as_str(), "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    body["error"]["code"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn every_dialect_speaks() {
    let s = Server::start(&[]);
    let c = client();
    // Dialect 1: raw f32 at 44.1 kHz.
    let r = c
        .post(s.url("/text_to_speech"))
        .header("version", "v1")
        .json(&json!({"model_id": "hark-piper-v1", "transcript": "Welcome to Hark.", "voice": {"mode": "id", "id": "joe"},
                      "output_format": {"container": "raw", "encoding": "pcm_f32le", "sample_rate": 44100}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().contains_key("x-request-id"));
    let b = r.bytes().await.unwrap();
    assert_eq!(b.len() % 4, 0);
    let secs = b.len() as f64 / 4.0 / 44100.0;
    assert!((0.5..4.0).contains(&secs), "{secs}");
    // Dialect 2: wav at its default 44.1 kHz.
    let r = c
        .post(s.url("/waves/v1/hark-piper-v1/get_speech"))
        .json(&json!({"text": "A flat body.", "voice_id": "joe", "output_format": "wav"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "audio/wav");
    let b = r.bytes().await.unwrap();
    let spec = hound::WavReader::new(std::io::Cursor::new(b.to_vec()))
        .unwrap()
        .spec();
    assert_eq!(spec.sample_rate, 44100);
    // Dialect 3 with OpenAI's own names: pcm is 24 kHz s16le.
    let r = c
        .post(s.url("/v1/audio/speech"))
        .json(&json!({"model": "tts-1", "input": "OpenAI shaped.", "voice": "alloy", "response_format": "pcm"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let b = r.bytes().await.unwrap();
    assert!(b.len() > 24000, "{} bytes", b.len());
    // Models and voices.
    let m: Value = get_json(&c, s.url("/v1/models")).await;
    assert!(m["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["id"] == "hark-piper-v1"));
    let m: Value = get_json(&c, s.url("/v1/models/hark-piper-v1")).await;
    assert!(m["parameters"].as_array().unwrap().len() > 5);
    let v: Value = get_json(&c, s.url("/v1/audio/voices")).await;
    assert!(v["voices"].as_array().unwrap().len() >= 100);
    let v: Value = c
        .get(s.url("/voices/joe"))
        .header("version", "v1")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["name"], "Joe");
    let st: Value = get_json(&c, s.url("/status")).await;
    assert_eq!(st["status"], "ok");
    assert!(st["version"].is_string() && st["queue_depth"].is_number());
}

#[tokio::test]
async fn streaming_sends_first_bytes_long_before_the_end() {
    let s = Server::start(&[]);
    let c = client();
    let t0 = Instant::now();
    let r = c
        .post(s.url("/text_to_speech/streaming"))
        .header("version", "v1")
        .json(&json!({"transcript": LONG, "voice": {"mode": "id", "id": "joe"},
                      "output_format": {"container": "raw", "encoding": "pcm_s16le", "sample_rate": 16000}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mut body = r.bytes_stream();
    let mut first = None;
    let mut total = 0usize;
    let mut pieces = 0;
    while let Some(b) = body.next().await {
        let b = b.unwrap();
        first.get_or_insert(t0.elapsed());
        total += b.len();
        pieces += 1;
    }
    let whole = t0.elapsed();
    let first = first.unwrap();
    println!("first bytes after {first:?}, all after {whole:?}, {pieces} pieces, {total} bytes");
    assert!(pieces >= 4, "{pieces} pieces");
    assert!(
        first.as_secs_f64() < whole.as_secs_f64() * 0.4,
        "first {first:?} vs whole {whole:?}"
    );
    assert!(total as f64 / 2.0 / 16000.0 > 15.0);
}

#[tokio::test]
async fn server_sent_events_in_both_dialects() {
    let s = Server::start(&[]);
    let c = client();
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    // Dialect 2.
    let text = c
        .post(s.url("/waves/v1/hark-piper-v1/stream"))
        .json(&json!({"text": "One. Two, three. Four.", "voice_id": "joe", "sample_rate": 16000}))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut audio = 0usize;
    let mut events = Vec::new();
    for block in text.split("\n\n").filter(|b| !b.trim().is_empty()) {
        let ev = block
            .lines()
            .find_map(|l| l.strip_prefix("event: "))
            .unwrap_or("");
        let data: Value = serde_json::from_str(
            block
                .lines()
                .find_map(|l| l.strip_prefix("data: "))
                .unwrap(),
        )
        .unwrap();
        if ev == "chunk" {
            audio += b64.decode(data["audio"].as_str().unwrap()).unwrap().len();
        }
        events.push(ev.to_string());
    }
    assert_eq!(events.last().unwrap(), "complete");
    assert!(
        events.iter().filter(|e| *e == "chunk").count() >= 2,
        "{events:?}"
    );
    assert!(audio > 16000, "{audio} bytes of audio");
    // Dialect 3.
    let text = c
        .post(s.url("/v1/audio/speech"))
        .json(&json!({"model": "hark-piper-v1", "input": "Deltas then done.", "voice": "joe", "response_format": "pcm", "stream_format": "sse"}))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let datas: Vec<Value> = text
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    assert!(datas.iter().any(|d| d["type"] == "speech.audio.delta"));
    assert_eq!(datas.last().unwrap()["type"], "speech.audio.done");
}

#[tokio::test]
async fn every_documented_error_is_reachable() {
    let s = Server::start(&["--max-chars", "500"]);
    let c = client();
    let d1 = |body: Value| {
        c.post(s.url("/text_to_speech"))
            .header("version", "v1")
            .json(&body)
    };
    let voice = json!({"mode": "id", "id": "joe"});
    let fmt = json!({"container": "wav", "sample_rate": 16000});
    let send = |rb: reqwest::RequestBuilder| async move { rb.send().await.unwrap() };

    // INVALID_REQUEST: malformed JSON, wrong type, missing field, out of range.
    let r = c
        .post(s.url("/v1/audio/speech"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(r, 400).await, "INVALID_REQUEST");
    let r = send(d1(
        json!({"transcript": 7, "voice": voice, "output_format": fmt}),
    ))
    .await;
    assert_eq!(error_code(r, 400).await, "INVALID_REQUEST");
    let r = send(d1(json!({"voice": voice, "output_format": fmt}))).await;
    assert_eq!(error_code(r, 400).await, "INVALID_REQUEST");
    let r = send(d1(json!({"transcript": "hi", "voice": voice, "output_format": {"container": "wav", "sample_rate": 4000}}))).await;
    assert_eq!(error_code(r, 400).await, "INVALID_REQUEST");
    let r = c
        .post(s.url("/v1/audio/speech"))
        .json(&json!({"model": "hark-piper-v1", "input": "hi", "voice": "joe", "speed": 9}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(r, 400).await, "INVALID_REQUEST");
    let r = c
        .post(s.url("/v1/audio/speech"))
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(r, 400).await, "INVALID_REQUEST");
    // INVALID_LANGUAGE
    let r = send(d1(
        json!({"transcript": "hi", "voice": voice, "output_format": fmt, "language": "ja"}),
    ))
    .await;
    assert_eq!(error_code(r, 400).await, "INVALID_LANGUAGE");
    // FORMAT_NOT_RECOGNIZED
    let r = send(d1(
        json!({"transcript": "hi", "voice": voice, "output_format": {"container": "webm"}}),
    ))
    .await;
    assert_eq!(error_code(r, 400).await, "FORMAT_NOT_RECOGNIZED");
    // TEXT_TOO_LONG
    let r = send(d1(
        json!({"transcript": "word ".repeat(200), "voice": voice, "output_format": fmt}),
    ))
    .await;
    assert_eq!(error_code(r, 400).await, "TEXT_TOO_LONG");
    // EMPTY_TEXT
    let r = send(d1(
        json!({"transcript": "   ", "voice": voice, "output_format": fmt}),
    ))
    .await;
    assert_eq!(error_code(r, 400).await, "EMPTY_TEXT");
    // VOICE_NOT_FOUND, MODEL_NOT_FOUND, VERSION_NOT_FOUND, NOT_FOUND
    let r = send(d1(
        json!({"transcript": "hi", "voice": {"mode": "id", "id": "nobody"}, "output_format": fmt}),
    ))
    .await;
    assert_eq!(error_code(r, 404).await, "VOICE_NOT_FOUND");
    let r = c
        .post(s.url("/waves/v1/no-such-model/get_speech"))
        .json(&json!({"text": "hi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(r, 404).await, "MODEL_NOT_FOUND");
    let r = c
        .get(s.url("/v1/models/no-such-model"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(r, 404).await, "MODEL_NOT_FOUND");
    let r = c
        .post(s.url("/text_to_speech"))
        .header("version", "2099-01-01")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(r, 404).await, "VERSION_NOT_FOUND");
    let r = c.get(s.url("/no/such/path")).send().await.unwrap();
    assert_eq!(error_code(r, 404).await, "NOT_FOUND");
    // PAYLOAD_TOO_LARGE
    let big = json!({"model": "hark-piper-v1", "input": "x".repeat(2 << 20), "voice": "joe"});
    let r = c
        .post(s.url("/v1/audio/speech"))
        .json(&big)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(r, 413).await, "PAYLOAD_TOO_LARGE");
}

#[tokio::test]
async fn a_full_queue_answers_503_with_retry_after() {
    let s = Server::start(&["--max-in-flight", "1", "--max-queue", "0"]);
    let c = client();
    let body =
        json!({"model": "hark-piper-v1", "input": LONG, "voice": "joe", "response_format": "pcm"});
    // Hold the only slot with a streaming request we read slowly.
    let held = c
        .post(s.url("/v1/audio/speech"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(held.status(), 200);
    let r = c
        .post(s.url("/v1/audio/speech"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers().get("retry-after").map(|v| v.to_str().unwrap()),
        Some("1")
    );
    assert_eq!(error_code(r, 503).await, "OVERLOADED");
    drop(held);
}

#[tokio::test]
async fn a_client_that_goes_away_stops_the_work() {
    let s = Server::start(&[]);
    let c = client();
    let text = LONG.repeat(6);
    let r = c
        .post(s.url("/v1/audio/speech"))
        .json(&json!({"model": "hark-piper-v1", "input": text, "voice": "joe", "response_format": "pcm"}))
        .send()
        .await
        .unwrap();
    let mut body = r.bytes_stream();
    body.next().await.unwrap().unwrap();
    drop(body);
    // At most the chunk in progress finishes; then the CPU goes quiet.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let a = s.cpu_seconds();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let b = s.cpu_seconds();
    assert!(
        b - a < 0.2,
        "server kept working after the client left: {:.2} CPU s in 1.5 s",
        b - a
    );
    let st: Value = get_json(&c, s.url("/status")).await;
    assert_eq!(st["in_flight"], 0);
}

#[test]
fn the_official_openai_sdk_works_unchanged() {
    let py = std::env::var("HARK_PEER_PYTHON")
        .expect("HARK_PEER_PYTHON unset: run the suite with scripts/test.sh");
    let s = Server::start(&[]);
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scripts/peer/openai_sdk_check.py");
    let formats =
        std::env::var("HARK_SDK_FORMATS").unwrap_or_else(|_| "wav,pcm,mp3,opus,flac".into());
    let o = std::process::Command::new(py)
        .arg(script)
        .arg(&s.base)
        .arg(formats)
        .output()
        .unwrap();
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    println!("{out}");
    assert!(o.status.success(), "{out}");
}

#[tokio::test]
async fn word_timestamps_are_monotonic_and_inside_the_audio() {
    let s = Server::start(&[]);
    let c = client();
    let text =
        "The first sentence is here. After a pause, the second one follows, and then it ends.";
    for (speed, rate) in [(1.0, 16000u32), (2.0, 44100)] {
        let v: Value = c
            .post(s.url("/text_to_speech/with_timestamps"))
            .header("version", "v1")
            .json(&json!({"transcript": text, "voice": {"mode": "id", "id": "joe"}, "speed": speed,
                          "output_format": {"container": "raw", "encoding": "pcm_s16le", "sample_rate": rate}}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        use base64::Engine as _;
        let audio = base64::engine::general_purpose::STANDARD
            .decode(v["audio"].as_str().unwrap())
            .unwrap();
        let duration = audio.len() as f64 / 2.0 / rate as f64;
        let ts = &v["word_timestamps"];
        let words: Vec<&str> = ts["words"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect();
        assert_eq!(
            words,
            text.split_whitespace()
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
                .collect::<Vec<_>>()
        );
        let start: Vec<f64> = ts["start"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        let end: Vec<f64> = ts["end"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        for i in 0..words.len() {
            assert!(end[i] > start[i], "{i}: {} {}", start[i], end[i]);
            if i > 0 {
                assert!(start[i] >= end[i - 1] - 1e-6, "overlap at {i}");
            }
        }
        assert!(
            *end.last().unwrap() <= duration + 1e-3,
            "{} > {duration}",
            end.last().unwrap()
        );
        assert!(
            *end.last().unwrap() > duration * 0.8,
            "last word ends at {} of {duration}",
            end.last().unwrap()
        );
        // The words of the audio's louder half are where the timestamps say: the
        // gap between the sentences is quieter than the words around it.
        let samples: Vec<f64> = audio
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]) as f64)
            .collect();
        let rms = |a: f64, b: f64| {
            let (i, j) = (
                (a * rate as f64) as usize,
                ((b * rate as f64) as usize).min(samples.len()),
            );
            (samples[i..j].iter().map(|x| x * x).sum::<f64>() / (j - i).max(1) as f64).sqrt()
        };
        let gap = rms(end[4], start[5]);
        let word = rms(start[3], end[3]);
        assert!(
            gap < word * 0.5,
            "sentence gap rms {gap} vs word rms {word}"
        );
    }
}

#[tokio::test]
async fn openapi_describes_every_route() {
    let s = Server::start(&["--no-warm"]);
    let doc: Value = get_json(&client(), s.url("/openapi.json")).await;
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/text_to_speech",
        "/text_to_speech/streaming",
        "/text_to_speech/with_timestamps",
        "/voices",
        "/voices/{id}",
        "/waves/v1/{model}/get_speech",
        "/waves/v1/{model}/stream",
        "/v1/audio/speech",
        "/v1/models",
        "/v1/models/{id}",
        "/v1/audio/voices",
        "/status",
        "/metrics",
        "/v1/keys",
        "/v1/keys/{id}",
        "/v1/usage",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    // Keys everywhere but the probes.
    assert!(doc["components"]["securitySchemes"]["apiKey"].is_object());
    assert_eq!(doc["paths"]["/health"]["get"]["security"], json!([]));
    // Metrics are Prometheus text with Hark's series after a request.
    let c = client();
    c.post(s.url("/v1/audio/speech")).json(&json!({"model": "hark-piper-v1", "input": "Count me.", "voice": "joe", "response_format": "wav"}))
        .send().await.unwrap().bytes().await.unwrap();
    let m = c
        .get(s.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for series in [
        "hark_requests_total",
        "hark_time_to_first_byte_seconds",
        "hark_real_time_factor",
        "hark_queue_depth",
    ] {
        assert!(m.contains(series), "{series} missing from:\n{m}");
    }
}

#[tokio::test]
async fn a_request_past_its_deadline_is_stopped() {
    let s = Server::start(&["--request-timeout", "1"]);
    let c = client();
    let r = c
        .post(s.url("/text_to_speech"))
        .header("version", "v1")
        .json(
            &json!({"transcript": LONG.repeat(4), "voice": {"mode": "id", "id": "joe"},
                      "output_format": {"container": "wav", "sample_rate": 16000}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(r, 503).await, "OVERLOADED");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let st: Value = get_json(&c, s.url("/status")).await;
    assert_eq!(st["in_flight"], 0);
}
