//! API keys, per-key limits and usage, end to end: the real server with
//! keys required, the real voice, keys made with `hark keys`.

mod common;
use common::server::Server;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const LONG: &str = "The first train reached the valley in the spring. Farmers came down from the hills to watch it pass. \
Nobody expected the railway to change much at first. The station was small and the timetable was short. \
Within a few seasons the markets were full of new goods. Young people began to talk about the cities at the end of the line.";

fn speech(text: &str) -> Value {
    json!({"model": "hark-piper-v1", "input": text, "voice": "joe", "response_format": "pcm"})
}

async fn post_speech(c: &reqwest::Client, s: &Server, key: &str, text: &str) -> reqwest::Response {
    c.post(s.url("/v1/audio/speech"))
        .header("x-api-key", key)
        .json(&speech(text))
        .send()
        .await
        .unwrap()
}

/// Asserts status, the contract's error body and (for 429) a sane
/// Retry-After; returns the code.
async fn error_code(resp: reqwest::Response, status: u16) -> String {
    assert_eq!(resp.status().as_u16(), status);
    if status == 429 {
        let ra: u64 = resp.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(ra >= 1, "retry-after {ra}");
    }
    let body: Value = resp.json().await.unwrap();
    body["error"]["code"].as_str().unwrap().to_string()
}

/// Every file of the server's database, as bytes.
fn database_bytes(s: &Server) -> Vec<u8> {
    let mut all = Vec::new();
    for e in std::fs::read_dir(&s.data_dir).unwrap() {
        let p = e.unwrap().path();
        if p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("hark.db")
        {
            // Only the owner reads it: customers' texts, key hashes.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&p).unwrap().permissions().mode();
                assert_eq!(mode & 0o077, 0, "{} is mode {mode:o}", p.display());
            }
            all.extend(std::fs::read(p).unwrap());
        }
    }
    assert!(!all.is_empty());
    all
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn keys_are_required_checked_and_never_stored_or_logged() {
    // Debug logging: the most the log ever says.
    let s = Server::start_with_auth(&["--verbose"]);
    assert!(
        s.log().contains("admin.key"),
        "the first start says where the admin key is"
    );
    let admin = s.admin_key();
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(s.data_dir.join("admin.key"))
            .unwrap()
            .permissions(),
    );
    assert_eq!(mode & 0o077, 0, "admin.key readable by others: {mode:o}");
    let bob = s.create_key("bob", &[]);
    let c = reqwest::Client::new();

    // Public: /health only (and the API description).
    assert_eq!(c.get(s.url("/health")).send().await.unwrap().status(), 200);
    let r = c.get(s.url("/v1/models")).send().await.unwrap();
    assert_eq!(error_code(r, 401).await, "INVALID_API_KEY");
    let r = c.get(s.url("/status")).send().await.unwrap();
    assert_eq!(error_code(r, 401).await, "INVALID_API_KEY");
    let wrong = "hk_this-is-not-a-real-key-0123456789abcdefghij";
    let r = c
        .get(s.url("/v1/models"))
        .header("x-api-key", wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(r, 401).await, "INVALID_API_KEY");
    // Both header styles.
    let r = c
        .get(s.url("/v1/models"))
        .header("x-api-key", &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = c
        .get(s.url("/v1/models"))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // An empty x-api-key (an unset variable) does not hide the bearer key.
    let r = c
        .get(s.url("/v1/models"))
        .header("x-api-key", "")
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Every dialect, streaming included, is counted.
    let r = post_speech(&c, &s, &bob, "Hello from Bob.").await;
    assert_eq!(r.status(), 200);
    assert!(!r.bytes().await.unwrap().is_empty());
    let r = c
        .post(s.url("/text_to_speech/streaming"))
        .header("version", "v1")
        .bearer_auth(&bob)
        .json(&json!({"model_id": "hark-piper-v1", "transcript": "Streams count.", "voice": {"mode": "id", "id": "joe"},
                      "output_format": {"container": "raw", "encoding": "pcm_s16le", "sample_rate": 16000}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.bytes().await.unwrap();
    let r = post_speech(&c, &s, &admin, "Admin speaks.").await;
    assert_eq!(r.status(), 200);
    r.bytes().await.unwrap();

    // Keys over HTTP: admins only.
    let r = c
        .get(s.url("/v1/keys"))
        .header("x-api-key", &bob)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(r, 403).await, "FORBIDDEN");
    let made: Value = c
        .post(s.url("/v1/keys"))
        .header("x-api-key", &admin)
        .json(&json!({"name": "carol", "rpm": 100}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let carol = made["key"].as_str().unwrap().to_string();
    let carol_id = made["id"].as_str().unwrap().to_string();
    // Names are bounded and printable: they end up in terminal tables.
    for name in [
        "x".repeat(101),
        "red\u{1b}[31m".to_string(),
        "  ".to_string(),
    ] {
        let r = c
            .post(s.url("/v1/keys"))
            .header("x-api-key", &admin)
            .json(&json!({ "name": name }))
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(r, 400).await, "INVALID_REQUEST", "{name:?}");
    }
    let listed = c
        .get(s.url("/v1/keys"))
        .header("x-api-key", &admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(listed.contains("carol") && listed.contains("bob"));
    assert!(!listed.contains(&carol) && !listed.contains(&bob) && !listed.contains(&admin));
    let r = c
        .get(s.url("/v1/models"))
        .header("x-api-key", &carol)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = c
        .delete(s.url(&format!("/v1/keys/{carol_id}")))
        .header("x-api-key", &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = c
        .get(s.url("/v1/models"))
        .header("x-api-key", &carol)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(r, 401).await, "INVALID_API_KEY");

    // Usage: a key sees its own; an admin sees everyone's.
    tokio::time::sleep(Duration::from_millis(300)).await; // audio seconds land after the body
    let mine: Value = c
        .get(s.url("/v1/usage"))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rows = mine["usage"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{mine}");
    assert_eq!(rows[0]["key_name"], "bob");
    assert_eq!(rows[0]["requests"], 2);
    assert_eq!(
        rows[0]["characters"],
        ("Hello from Bob.".len() + "Streams count.".len()) as u64
    );
    assert!(rows[0]["audio_seconds"].as_f64().unwrap() > 1.0, "{mine}");
    assert!(mine["total"]["cost"].as_f64().unwrap() > 0.0, "{mine}");
    let admin_id = {
        let v: Value = c
            .get(s.url("/v1/keys"))
            .header("x-api-key", &admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["keys"][0]["id"].as_str().unwrap().to_string()
    };
    let r = c
        .get(s.url(&format!("/v1/usage?key={admin_id}")))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(r, 403).await, "FORBIDDEN");
    let r = c
        .get(s.url("/v1/usage?from=2026-11-30&to=2026-11-01"))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(r, 400).await, "INVALID_REQUEST");
    let all: Value = c
        .get(s.url("/v1/usage"))
        .header("x-api-key", &admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all["usage"].as_array().unwrap().len(), 2, "{all}");
    assert_eq!(all["total"]["requests"], 3);
    // The CLI reads the same table.
    let out = common::ok(
        common::hark()
            .args(["usage", "--json", "--data-dir"])
            .arg(&s.data_dir)
            .output()
            .unwrap(),
    );
    let cli: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(cli["total"]["requests"], 3);
    assert_eq!(cli["total"]["characters"], all["total"]["characters"]);

    // Revoked with the CLI: refused at once.
    common::ok(
        common::hark()
            .args(["keys", "revoke", "bob", "--data-dir"])
            .arg(&s.data_dir)
            .output()
            .unwrap(),
    );
    let r = post_speech(&c, &s, &bob, "Still here?").await;
    assert_eq!(error_code(r, 401).await, "INVALID_API_KEY");

    // No secret in the database or the log, good keys or bad.
    let db = database_bytes(&s);
    let log = s.log();
    for secret in [&admin, &bob, &carol, &wrong.to_string()] {
        assert!(!contains(&db, secret), "a key in the database");
        assert!(!log.contains(secret.as_str()), "a key in the log:\n{log}");
    }
    assert!(
        log.contains("INVALID_API_KEY"),
        "refusals are logged:\n{log}"
    );
    // Not a terminal: plain text, no colour codes in a log file.
    assert!(!log.contains('\u{1b}'), "ANSI escapes in the log:\n{log}");
}

#[tokio::test]
async fn limits_hold_exactly_under_concurrent_clients() {
    let s = Server::start_with_auth(&[]);
    let c = reqwest::Client::new();

    // Concurrency 2, six clients at once: exactly two streams, four 429s.
    let conc = s.create_key("conc", &["--max-concurrency", "2"]);
    let text = LONG.repeat(4);
    let tries = (0..6).map(|_| post_speech(&c, &s, &conc, &text));
    let answers = futures::future::join_all(tries).await;
    let (held, refused): (Vec<_>, Vec<_>) = answers.into_iter().partition(|r| r.status() == 200);
    assert_eq!(held.len(), 2, "exactly the limit succeeds");
    for r in refused {
        assert_eq!(error_code(r, 429).await, "TOO_MANY_CONCURRENT_REQUESTS");
    }
    // The streams hold their slots until the client goes away.
    let r = post_speech(&c, &s, &conc, "One more.").await;
    assert_eq!(error_code(r, 429).await, "TOO_MANY_CONCURRENT_REQUESTS");
    drop(held);
    let t0 = Instant::now();
    loop {
        let r = post_speech(&c, &s, &conc, "One more.").await;
        if r.status() == 200 {
            break;
        }
        assert!(t0.elapsed() < Duration::from_secs(10), "slots never freed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // 3 requests per minute, five at once: three pass.
    let rpm = s.create_key("rpm", &["--rpm", "3"]);
    let answers = futures::future::join_all((0..5).map(|_| post_speech(&c, &s, &rpm, "Hi."))).await;
    let mut ok = 0;
    for r in answers {
        if r.status() == 200 {
            ok += 1;
        } else {
            let ra: u64 = r.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=60).contains(&ra), "retry-after {ra}");
            assert_eq!(error_code(r, 429).await, "RATE_LIMIT_EXCEEDED");
        }
    }
    assert_eq!(ok, 3);

    // 30 characters a month, five 10-character requests at once: three.
    let quota = s.create_key("quota", &["--monthly-chars", "30"]);
    let answers =
        futures::future::join_all((0..5).map(|_| post_speech(&c, &s, &quota, "Ten chars."))).await;
    let mut ok = 0;
    for r in answers {
        if r.status() == 200 {
            ok += 1;
        } else {
            let ra: u64 = r.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(ra <= 31 * 86_400, "retry-after {ra}: the month's end");
            assert_eq!(error_code(r, 429).await, "USAGE_LIMIT_EXCEEDED");
        }
    }
    assert_eq!(ok, 3);
    let r = post_speech(&c, &s, &quota, "A").await;
    assert_eq!(r.status(), 429);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "USAGE_LIMIT_EXCEEDED");
    // The field this dialect's text is in.
    assert_eq!(body["error"]["param"], "input", "{body}");
}

#[test]
fn keys_and_usage_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let missing = dir.path().join("typo");
    let m = missing.to_str().unwrap();
    // Reading or revoking on a mistyped data directory is an error, not a
    // fresh empty database.
    for args in [
        vec!["keys", "list", "--data-dir", m],
        vec!["keys", "revoke", "ci", "--data-dir", m],
        vec!["usage", "--data-dir", m],
    ] {
        let out = common::run(&args);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(
            common::stderr(&out).contains("no database"),
            "{}",
            common::stderr(&out)
        );
    }
    assert!(!missing.exists(), "a database was made on a read");
    let out = common::run(&[
        "keys",
        "create",
        "--name",
        &"k".repeat(101),
        "--data-dir",
        d,
    ]);
    assert!(!out.status.success(), "a 101-character key name");
    // A name reused after its key was revoked names the live key.
    for _ in 0..2 {
        let out = common::run(&["keys", "create", "--name", "ci", "--data-dir", d]);
        assert!(out.status.success(), "{}", common::stderr(&out));
        let out = common::run(&["keys", "revoke", "ci", "--data-dir", d]);
        assert!(out.status.success(), "{}", common::stderr(&out));
    }
    let out = common::run(&["keys", "list", "--json", "--data-dir", d]);
    let keys: Value = serde_json::from_slice(&out.stdout).unwrap();
    let revoked = keys.as_array().unwrap().iter();
    assert_eq!(revoked.filter(|k| !k["revoked_at"].is_null()).count(), 2);
    // Bad dates name the flag.
    let out = common::run(&["usage", "--from", "2026-13-01", "--data-dir", d]);
    assert!(
        common::stderr(&out).contains("--from"),
        "{}",
        common::stderr(&out)
    );
    let out = common::run(&[
        "usage",
        "--from",
        "2026-11-30",
        "--to",
        "2026-11-01",
        "--data-dir",
        d,
    ]);
    assert!(!out.status.success());
}

#[test]
fn no_auth_only_on_loopback() {
    let out = common::run(&["serve", "--addr", "0.0.0.0:0", "--no-auth", "--no-warm"]);
    assert!(!out.status.success());
    assert!(
        common::stderr(&out).contains("loopback"),
        "{}",
        common::stderr(&out)
    );
}
