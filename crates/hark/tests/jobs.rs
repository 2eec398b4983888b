//! Async jobs end to end: the real server, the real voice, real keys.
//! Private per key, fallbacks, results that expire with their audio, and
//! jobs that survive a kill -9 mid-synthesis.

mod common;
use std::time::{Duration, Instant};

use base64::Engine as _;
use common::server::Server;
use serde_json::{json, Value};

const SUBMIT: &str = "/v1/async/audio/speech";

struct Client {
    c: reqwest::Client,
    base: String,
    key: String,
}

impl Client {
    fn new(s: &Server, key: &str) -> Client {
        Client {
            c: reqwest::Client::new(),
            base: s.base.clone(),
            key: key.to_string(),
        }
    }

    async fn submit(&self, body: Value, ttl: Option<&str>) -> (u16, Value) {
        let mut r = self
            .c
            .post(format!("{}{SUBMIT}", self.base))
            .header("x-api-key", &self.key)
            .json(&body);
        if let Some(t) = ttl {
            r = r.header("x-hark-async-job-result-ttl", t);
        }
        let resp = r.send().await.unwrap();
        (resp.status().as_u16(), resp.json().await.unwrap())
    }

    async fn get(&self, path: &str) -> (u16, Value, reqwest::header::HeaderMap) {
        let resp = self
            .c
            .get(format!("{}{path}", self.base))
            .header("x-api-key", &self.key)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            headers,
        )
    }

    async fn job(&self, id: &str) -> (u16, Value) {
        let (s, v, _) = self.get(&format!("{SUBMIT}/{id}")).await;
        (s, v)
    }

    /// Polls until the job is completed or failed (200).
    async fn wait(&self, id: &str, within: Duration) -> Value {
        let end = Instant::now() + within;
        loop {
            let (s, v) = self.job(id).await;
            match s {
                200 => return v,
                202 => assert!(
                    ["pending", "processing"].contains(&v["status"].as_str().unwrap()),
                    "{v}"
                ),
                _ => panic!("job {id}: {s} {v}"),
            }
            assert!(Instant::now() < end, "job {id} not done: {v}");
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }
}

fn speech(text: &str) -> Value {
    json!({"model": "hark-piper-v1", "input": text, "voice": "joe", "response_format": "wav"})
}

#[tokio::test]
async fn jobs_are_private_fall_back_and_report_failures() {
    let s = Server::start_with_auth(&[]);
    let a = Client::new(&s, &s.create_key("a", &[]));
    let b = Client::new(&s, &s.create_key("b", &[]));

    let mut body = speech("An async job. It speaks later.");
    body["with_timestamps"] = json!(true);
    let (st, v) = a.submit(body, None).await;
    assert_eq!(st, 202, "{v}");
    assert_eq!(v["status"], "pending");
    let id = v["id"].as_str().unwrap().to_string();
    let created = v["created_at"].as_i64().unwrap();
    assert!(v["expires_at"].as_i64().unwrap() >= created + 3600);

    // Another key cannot tell it exists.
    let listed = |v: Value| -> Vec<String> {
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| j["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(listed(a.get(SUBMIT).await.1), std::slice::from_ref(&id));
    assert!(listed(b.get(SUBMIT).await.1).is_empty());
    let (st, v) = b.job(&id).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (404, Some("JOB_NOT_FOUND"))
    );
    assert_eq!(b.get(&format!("{SUBMIT}/{id}/audio")).await.0, 404);

    let done = a.wait(&id, Duration::from_secs(60)).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["model"], "hark-piper-v1");
    assert_eq!(done["word_timestamps"]["words"][0], "An");
    let audio = base64::engine::general_purpose::STANDARD
        .decode(done["audio"].as_str().unwrap())
        .unwrap();
    let w = hound::WavReader::new(std::io::Cursor::new(&audio)).unwrap();
    assert!(w.duration() as f64 / w.spec().sample_rate as f64 > 1.0);
    // The same audio from its URL, with its type.
    let (st, _, h) = a.get(&format!("{SUBMIT}/{id}/audio")).await;
    assert_eq!(
        (st, h["content-type"].to_str().unwrap()),
        (200, "audio/wav")
    );
    assert_eq!(b.job(&id).await.0, 404);

    // A model that fails: the fallback makes it, and says so.
    let (_, v) = a
        .submit(
            json!({"model": "hark-nonexistent", "input": "Second choice.", "voice": "joe",
                   "fallbacks": ["hark-espeak-v1"]}),
            None,
        )
        .await;
    let fb = a
        .wait(v["id"].as_str().unwrap(), Duration::from_secs(60))
        .await;
    assert_eq!(
        (fb["status"].as_str(), fb["model"].as_str()),
        (Some("completed"), Some("hark-espeak-v1")),
        "{fb}"
    );
    assert_eq!(fb["content_type"], "audio/mpeg");

    // No fallback: failed, with the reason, still 200.
    let (_, v) = a
        .submit(
            json!({"model": "hark-piper-v1", "input": "Nobody.", "voice": "nobody"}),
            None,
        )
        .await;
    let failed = a
        .wait(v["id"].as_str().unwrap(), Duration::from_secs(60))
        .await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["error"]["code"], "VOICE_NOT_FOUND");

    // Refused at once: bad TTL, bad fallback, empty text, unknown dictionary.
    for (body, ttl, code) in [
        (speech("Hi."), Some("0"), "INVALID_REQUEST"),
        (speech("Hi."), Some("soon"), "INVALID_REQUEST"),
        (
            json!({"model": "hark-piper-v1", "input": "Hi.", "voice": "joe", "fallbacks": ["nope"]}),
            None,
            "MODEL_NOT_FOUND",
        ),
        (speech("  ...  "), None, "EMPTY_TEXT"),
        (
            json!({"model": "hark-piper-v1", "input": "Hi.", "voice": "joe",
                   "pronunciation_dictionary_locators": [uuid::Uuid::new_v4().to_string()]}),
            None,
            "NOT_FOUND",
        ),
    ] {
        let (st, v) = a.submit(body, ttl).await;
        assert_eq!(v["error"]["code"], code, "{v}");
        assert!(st >= 400);
    }
}

#[tokio::test]
async fn results_expire_with_their_audio() {
    let s = Server::start_with_auth(&[]);
    let a = Client::new(&s, &s.create_key("a", &[]));
    // One job is asked about after its TTL, the other never: the sweep
    // removes that one.
    let (_, v) = a.submit(speech("Kept for two seconds."), Some("2")).await;
    let asked = v["id"].as_str().unwrap().to_string();
    let (_, v) = a.submit(speech("Never fetched."), Some("1")).await;
    let swept = v["id"].as_str().unwrap().to_string();
    let done = a.wait(&asked, Duration::from_secs(60)).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(
        done["expires_at"].as_i64(),
        done["finished_at"].as_i64().map(|f| f + 2)
    );
    let file = |id: &str| s.data_dir.join(format!("jobs/{id}.wav"));
    assert!(file(&asked).is_file());

    let end = Instant::now() + Duration::from_secs(20);
    while file(&swept).exists() || a.job(&asked).await.0 != 404 {
        assert!(Instant::now() < end, "expired jobs still there");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let (st, v) = a.job(&asked).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (404, Some("JOB_NOT_FOUND"))
    );
    assert!(!file(&asked).exists());
    assert_eq!(a.job(&swept).await.0, 404);
}

#[tokio::test]
async fn accepted_jobs_survive_a_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Server::start_in(dir.path(), true, &[]);
    let key = s.create_key("a", &[]);
    let a = Client::new(&s, &key);
    let long = "The first train reached the valley in the spring. Farmers came down from the hills to watch it pass. \
        Nobody expected the railway to change much at first. The station was small and the timetable was short. \
        Within a few seasons the markets were full of new goods. ";
    let text = long.repeat(4);
    let mut ids = Vec::new();
    for _ in 0..4 {
        let (st, v) = a.submit(speech(&text), None).await;
        assert_eq!(st, 202, "{v}");
        ids.push(v["id"].as_str().unwrap().to_string());
    }
    // Kill it while a job is being made.
    let end = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, v) = a.job(&ids[0]).await;
        if v["status"] == "processing" {
            break;
        }
        assert_eq!(
            v["status"], "pending",
            "the first job finished before the kill: {v}"
        );
        assert!(Instant::now() < end);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    s.kill();

    let s = Server::start_in(dir.path(), true, &[]);
    let a = Client::new(&s, &key);
    let mut retried = 0;
    for id in &ids {
        let v = a.wait(id, Duration::from_secs(180)).await;
        assert_eq!(v["status"], "completed", "{v}");
        if v["attempts"].as_i64().unwrap() > 1 {
            retried += 1;
        }
        let f = dir.path().join(format!("jobs/{id}.wav"));
        let w = hound::WavReader::open(&f).unwrap();
        assert!(w.duration() as f64 / w.spec().sample_rate as f64 > 20.0);
    }
    assert!(retried >= 1, "the interrupted job was not retried");
    let (_, all, _) = a.get(SUBMIT).await;
    let all = all["data"].as_array().unwrap();
    assert_eq!(all.len(), ids.len());
    assert!(all.iter().all(|j| j["status"] == "completed"));
    // Nothing half-written is left beside the results.
    let files = std::fs::read_dir(dir.path().join("jobs")).unwrap().count();
    assert_eq!(files, ids.len());
}
