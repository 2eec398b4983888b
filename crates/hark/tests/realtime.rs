//! The realtime WebSockets end to end: a real server, the real voice, a
//! scripted client per dialect (AsyncFlow and Waves): text deltas,
//! contexts side by side, flush, keepalives, both ways to end, cancel,
//! timestamps, limits, bad input. What was said is checked by ASR.

mod common;
use common::server::Server;
use common::ws::{assert_intelligible, b64, write_wav, Gathered, Next, Ws};

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tungstenite::Message;

const T: Duration = Duration::from_secs(60);
const RATE: u32 = 16_000;

fn ws_url(s: &Server, path: &str) -> String {
    format!("{}{}", s.base.replacen("http", "ws", 1), path)
}

fn asyncflow(s: &Server, key: &str) -> Ws {
    Ws::connect(
        &ws_url(
            s,
            &format!("/text_to_speech/websocket/ws?api_key={key}&version=v1"),
        ),
        &[],
    )
    .expect("connects")
}

fn init(timestamps: bool) -> Value {
    json!({
        "model_id": "hark-piper-v1",
        "voice": {"mode": "id", "id": "joe"},
        "output_format": {"container": "raw", "encoding": "pcm_s16le", "sample_rate": RATE},
        "language": null,
        "add_timestamps": timestamps,
    })
}

/// Reads AsyncFlow messages until every context in `open` has its final;
/// panics on a second final for a context.
fn gather_asyncflow(ws: &mut Ws, open: &[&str]) -> Gathered {
    let mut g = Gathered::default();
    let mut finals: Vec<String> = Vec::new();
    while finals.len() < open.len() {
        let m = ws.json(T);
        let ctx = m["context_id"].as_str().unwrap_or("").to_string();
        if m["final"] == json!(true) {
            assert!(!finals.contains(&ctx), "a second final for {ctx}: {m}");
            finals.push(ctx.clone());
        } else if let Some(a) = m["audio"].as_str() {
            assert!(!finals.contains(&ctx), "audio after the final of {ctx}");
            g.audio.entry(ctx).or_default().extend(b64(a));
        }
        g.messages.push(m);
    }
    g
}

#[test]
fn asyncflow_speaks_deltas_per_context_in_order() {
    let s = Server::start_with_auth(&[]);
    let key = s.admin_key();
    let mut ws = asyncflow(&s, &key);
    ws.send(init(true));
    let a = "The quick brown fox jumps over the lazy dog. She opened the window and looked at the garden below.";
    let b = "Our team will meet in the library after lunch, and then we will walk to the station.";
    // Token-sized deltas, interleaved between two contexts.
    let split = |t: &str| -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = String::new();
        for (i, w) in t.split(' ').enumerate() {
            if i > 0 {
                cur.push(' ');
            }
            cur.push_str(w);
            if cur.len() > 6 {
                out.push(std::mem::take(&mut cur));
            }
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        out
    };
    let (da, db) = (split(a), split(b));
    for i in 0..da.len().max(db.len()) {
        if let Some(p) = da.get(i) {
            ws.send(json!({"transcript": p, "context_id": "a"}));
        }
        if let Some(p) = db.get(i) {
            ws.send(json!({"transcript": p, "context_id": "b"}));
        }
    }
    // Speaks clause by clause: audio of the complete first sentence of
    // "a" arrives before either context is ended.
    let first = ws.json(T);
    assert!(
        first["audio"].as_str().is_some_and(|x| !x.is_empty()),
        "{first}"
    );
    let mut g = gather_first(first);
    ws.send(json!({"transcript": "", "context_id": "a", "close_context": true}));
    ws.send(json!({"transcript": "", "context_id": "b"}));
    let rest = gather_asyncflow(&mut ws, &["a", "b"]);
    for (ctx, audio) in rest.audio {
        g.audio.entry(ctx).or_default().extend(audio);
    }
    g.messages.extend(rest.messages);
    // Word timestamps: present, named words, times rising per context.
    for ctx in ["a", "b"] {
        let mut last = -1.0;
        let mut words = Vec::new();
        for m in g.messages.iter().filter(|m| m["context_id"] == ctx) {
            if let Some(ts) = m.get("word_timestamps") {
                for (w, st) in ts["words"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .zip(ts["start"].as_array().unwrap())
                {
                    let st = st.as_f64().unwrap();
                    assert!(st >= last, "{ctx}: times go back at {w}");
                    last = st;
                    words.push(w.as_str().unwrap().to_string());
                }
            }
        }
        assert!(
            words.len() >= 12,
            "{ctx}: {words:?}\n{:#?}",
            g.messages
                .iter()
                .map(|m| {
                    let mut m = m.clone();
                    m["audio"] = json!(m["audio"].as_str().map(str::len));
                    m
                })
                .collect::<Vec<_>>()
        );
    }
    // Each context's audio alone says its own text, in order.
    let dir = tempfile::tempdir().unwrap();
    let mut cases = Vec::new();
    for (ctx, text) in [("a", a), ("b", b)] {
        let p = dir.path().join(format!("{ctx}.wav"));
        write_wav(&p, &g.audio[ctx], RATE);
        cases.push((p, text));
    }
    assert_intelligible(&cases, 10.0);
    // A final came once per context; nothing more after terminate.
    ws.send(json!({"terminate": true}));
    match ws.next(T) {
        Next::Closed(code, _) => assert_eq!(code, Some(1000)),
        other => panic!("expected the socket to close, got {other:?}"),
    }
}

fn gather_first(first: Value) -> Gathered {
    let mut g = Gathered::default();
    let ctx = first["context_id"].as_str().unwrap_or("").to_string();
    g.audio
        .entry(ctx)
        .or_default()
        .extend(b64(first["audio"].as_str().unwrap()));
    g.messages.push(first);
    g
}

#[test]
fn asyncflow_cancel_keepalive_and_bad_input() {
    let s = Server::start_with_auth(&[]);
    let key = s.admin_key();
    let mut ws = asyncflow(&s, &key);
    ws.send(init(false));

    // A keepalive makes no audio, and needs no answer.
    ws.send(json!({"transcript": " "}));
    ws.send(json!({"transcript": " ", "context_id": "k"}));
    assert!(matches!(ws.next(Duration::from_millis(800)), Next::Timeout));

    // Barge-in: a long forced turn, cancelled at its first audio.
    let long = "This sentence is one of many that make a very long answer. ".repeat(30);
    ws.send(json!({"transcript": long, "context_id": "long", "force": true}));
    let first = ws.json(T);
    assert_eq!(first["context_id"], "long");
    let t = Instant::now();
    ws.send(json!({"context_id": "long", "cancel": true}));
    let mut after = 0usize;
    loop {
        let m = ws.json(T);
        if m["final"] == json!(true) {
            assert_eq!(m["context_id"], "long");
            break;
        }
        after += b64(m["audio"].as_str().unwrap_or("")).len();
    }
    let audio_after = after as f64 / (2.0 * RATE as f64);
    assert!(audio_after <= 0.3, "{audio_after} s of audio after cancel");
    assert!(t.elapsed() < Duration::from_secs(5));

    // An unknown voice is an error for its context alone.
    ws.send(
        json!({"transcript": "Nobody hears this. ", "context_id": "bad",
                   "voice": {"mode": "id", "id": "no-such-voice"}}),
    );
    let e = ws.json(T);
    assert_eq!(e["error_code"], "VOICE_NOT_FOUND", "{e}");
    assert_eq!(e["context_id"], "bad");
    // Its end still gets exactly one final.
    ws.send(json!({"transcript": "", "context_id": "bad"}));
    let f = ws.json(T);
    assert_eq!(f, json!({"audio": "", "final": true, "context_id": "bad"}));

    // Not JSON, a binary frame, a field of the wrong type: errors, socket open.
    ws.send_raw(Message::Text("this is not json".into()));
    assert_eq!(ws.json(T)["error_code"], "INVALID_REQUEST");
    ws.send_raw(Message::Binary(vec![1u8, 2, 3].into()));
    assert_eq!(ws.json(T)["error_code"], "INVALID_REQUEST");
    ws.send(json!({"transcript": 5, "context_id": "x"}));
    let e = ws.json(T);
    assert_eq!(e["error_code"], "INVALID_REQUEST");
    assert!(e["message"].as_str().unwrap().contains("transcript"), "{e}");
    // A megabyte of text: too long, said so, nothing spoken.
    let huge = "word ".repeat(210_000);
    ws.send(json!({"transcript": huge, "context_id": "huge", "force": true}));
    let e = ws.json(T);
    assert_eq!(e["error_code"], "TEXT_TOO_LONG", "{e}");
    assert_eq!(e["context_id"], "huge");
    ws.send(json!({"context_id": "huge", "close_context": true, "transcript": ""}));
    assert_eq!(ws.json(T)["final"], json!(true));

    // Too many contexts: the ones past the limit are refused.
    for i in 0..70 {
        ws.send(json!({"transcript": "Hold on", "context_id": format!("c{i}")}));
    }
    let mut refused = 0;
    while let Next::Json(m) = ws.next(Duration::from_secs(2)) {
        if m["error_code"] == "INVALID_REQUEST" {
            assert!(m["message"].as_str().unwrap().contains("too many contexts"));
            refused += 1;
        }
    }
    assert_eq!(refused, 6, "64 open at once, 6 refused");
    for i in 0..70 {
        ws.send(json!({"context_id": format!("c{i}"), "cancel": true}));
    }
    let mut finals = 0;
    while let Next::Json(m) = ws.next(Duration::from_secs(5)) {
        if m["final"] == json!(true) {
            finals += 1;
        }
    }
    assert_eq!(finals, 70, "each context one final");

    // The socket still works after all of that.
    ws.send(json!({"transcript": "Still here.", "context_id": "ok", "force": true}));
    ws.send(json!({"transcript": "", "context_id": "ok"}));
    let g = gather_asyncflow(&mut ws, &["ok"]);
    assert!(g.seconds("ok", RATE) > 0.4);
}

#[test]
fn asyncflow_auth_first_message_and_idle() {
    let s = Server::start_with_auth(&["--ws-idle-timeout", "2"]);
    let admin = s.admin_key();
    // No key: refused before the upgrade.
    let err = Ws::connect(&ws_url(&s, "/text_to_speech/websocket/ws"), &[]);
    match err {
        Err(tungstenite::Error::Http(r)) => assert_eq!(r.status(), 401),
        other => panic!("expected 401, got {:?}", other.map(|_| ())),
    }
    // A key header works too.
    let mut ws = Ws::connect(
        &ws_url(&s, "/text_to_speech/websocket/ws"),
        &[("x-api-key", &admin)],
    )
    .unwrap();
    // A bad first message closes with 1008.
    ws.send(
        json!({"output_format": {"container": "raw", "encoding": "pcm_s48", "sample_rate": 16000}}),
    );
    match ws.next(T) {
        Next::Closed(code, reason) => {
            assert_eq!(code, Some(1008));
            assert!(reason.contains("encoding"), "{reason}");
        }
        other => panic!("expected close 1008, got {other:?}"),
    }
    // Idle: closed after 2 s without a message.
    let mut ws = asyncflow(&s, &admin);
    ws.send(init(false));
    let t = Instant::now();
    match ws.next(Duration::from_secs(20)) {
        Next::Closed(code, _) => assert_eq!(code, Some(1000)),
        other => panic!("expected an idle close, got {other:?}"),
    }
    assert!(
        t.elapsed() >= Duration::from_millis(1900),
        "{:?}",
        t.elapsed()
    );
}

#[test]
fn asyncflow_contexts_count_against_limits_and_bill_as_spoken() {
    let s = Server::start_with_auth(&[]);
    // Concurrency: each context counts; a key with 1 slot speaks one at a time.
    let one = s.create_key("one", &["--max-concurrency", "1"]);
    let mut ws = asyncflow(&s, &one);
    ws.send(init(false));
    ws.send(json!({"transcript": "First context speaking now. ", "context_id": "a"}));
    ws.send(json!({"transcript": "Second context. ", "context_id": "b"}));
    let mut refused = false;
    let mut audio_a = false;
    while !(refused && audio_a) {
        let m = ws.json(T);
        if m["error_code"] == "TOO_MANY_CONCURRENT_REQUESTS" {
            assert_eq!(m["context_id"], "b");
            refused = true;
        }
        if m["context_id"] == "a" && m["audio"].as_str().is_some_and(|a| !a.is_empty()) {
            audio_a = true;
        }
    }
    ws.send(json!({"transcript": "", "context_id": "a"}));
    ws.send(json!({"transcript": "", "context_id": "b"}));
    let mut finals = 0;
    while finals < 2 {
        if ws.json(T)["final"] == json!(true) {
            finals += 1;
        }
    }
    // The slot is free again.
    ws.send(json!({"transcript": "Now it is my turn.", "context_id": "c", "force": true}));
    ws.send(json!({"transcript": "", "context_id": "c"}));
    let g = gather_asyncflow(&mut ws, &["c"]);
    assert!(g.seconds("c", RATE) > 0.5);
    // Billed as spoken: the characters of what was said, one request per
    // context that spoke.
    let out = common::ok(
        common::hark()
            .args(["usage", "--json", "--key", "one", "--data-dir"])
            .arg(&s.data_dir)
            .output()
            .unwrap(),
    );
    let usage: Value = serde_json::from_slice(&out).unwrap();
    let said = "First context speaking now.".len() + "Now it is my turn.".len();
    assert_eq!(usage["total"]["characters"], said, "{usage}");
    assert_eq!(usage["total"]["requests"], 2, "{usage}");
}

fn waves(s: &Server, key: &str) -> Ws {
    Ws::connect(
        &ws_url(s, "/waves/v1/tts/live"),
        &[("authorization", &format!("Bearer {key}"))],
    )
    .expect("connects")
}

fn waves_msg(text: &str, ctx: &str, cont: bool) -> Value {
    json!({"text": text, "voice_id": "joe", "model": "hark-piper-v1", "sample_rate": RATE,
           "speed": 1.0, "language": "en", "output_format": "pcm", "word_timestamps": true,
           "context_id": ctx, "continue": cont, "flush": false, "max_buffer_delay_ms": 3000})
}

/// Reads Waves messages until `ctx` completes; panics on a second complete.
fn gather_waves(ws: &mut Ws, ctx: &str) -> (Vec<u8>, Vec<Value>) {
    let mut audio = Vec::new();
    let mut msgs = Vec::new();
    loop {
        let m = ws.json(T);
        assert_ne!(m["status"], "error", "{m}");
        if m["context_id"] == ctx {
            match m["status"].as_str() {
                Some("chunk") => audio.extend(b64(m["data"]["audio"].as_str().unwrap())),
                Some("complete") => {
                    msgs.push(m);
                    break;
                }
                _ => {}
            }
        }
        msgs.push(m);
    }
    // Nothing more for it: one complete per utterance.
    while let Next::Json(m) = ws.next(Duration::from_millis(500)) {
        assert_ne!(m["context_id"], ctx, "after complete: {m}");
    }
    (audio, msgs)
}

#[test]
fn waves_continuations_flush_cancel_timestamps() {
    let s = Server::start_with_auth(&[]);
    let key = s.admin_key();
    let mut ws = waves(&s, &key);
    let dir = tempfile::tempdir().unwrap();
    let mut cases = Vec::new();

    // Continuations: LLM-sized pieces, then the end.
    let text = "Please remember to bring your umbrella tomorrow morning. The river flows quietly through the old town.";
    for piece in text.split_inclusive(' ') {
        ws.send(waves_msg(piece, "u1", true));
    }
    ws.send(waves_msg("", "u1", false));
    let (audio, msgs) = gather_waves(&mut ws, "u1");
    let words: Vec<&Value> = msgs
        .iter()
        .filter(|m| m["status"] == "word_timestamp")
        .collect();
    assert!(words.len() >= 15, "{} words", words.len());
    assert!(words
        .iter()
        .all(|w| w["data"]["end"].as_f64() >= w["data"]["start"].as_f64()));
    let rid = msgs.iter().find(|m| m["status"] == "chunk").unwrap()["request_id"].clone();
    assert!(rid.as_str().is_some_and(|r| r.len() > 8));
    let p = dir.path().join("u1.wav");
    write_wav(&p, &audio, RATE);
    cases.push((p, text));

    // Legacy mode: one message with flush, then a whole-utterance message
    // without `continue` (the smallestai SDK's shape), same socket.
    let mut m = waves_msg("Our team will meet in the library after lunch.", "u2", true);
    m["flush"] = json!(true);
    ws.send(m);
    let (audio, _) = gather_waves(&mut ws, "u2");
    let p = dir.path().join("u2.wav");
    write_wav(&p, &audio, RATE);
    cases.push((p, "Our team will meet in the library after lunch."));
    let mut m = waves_msg(
        "She opened the window and looked at the garden below.",
        "u3",
        false,
    );
    m.as_object_mut().unwrap().remove("continue");
    ws.send(m);
    let (audio, _) = gather_waves(&mut ws, "u3");
    let p = dir.path().join("u3.wav");
    write_wav(&p, &audio, RATE);
    cases.push((p, "She opened the window and looked at the garden below."));
    assert_intelligible(&cases, 10.0);

    // Cancel: a long utterance stops at once, then completes once.
    let long = "This sentence is one of many that make a very long answer. ".repeat(30);
    ws.send(waves_msg(&long, "u4", true));
    ws.send(waves_msg("", "u4", true).tap_flush());
    loop {
        let m = ws.json(T);
        if m["status"] == "chunk" {
            break;
        }
    }
    let mut c = waves_msg("", "u4", true);
    c["cancel_request"] = json!(true);
    ws.send(c);
    let mut after = 0usize;
    loop {
        let m = ws.json(T);
        match m["status"].as_str() {
            Some("chunk") => after += b64(m["data"]["audio"].as_str().unwrap()).len(),
            Some("complete") => break,
            _ => {}
        }
    }
    assert!(
        after as f64 / (2.0 * RATE as f64) <= 0.3,
        "{after} bytes after cancel"
    );

    // Errors keep the socket: a bad voice, then a good utterance.
    let mut bad = waves_msg("Nobody hears this.", "u5", false);
    bad["voice_id"] = json!("no-such-voice");
    ws.send(bad);
    let e = ws.json(T);
    assert_eq!(e["status"], "error");
    assert_eq!(e["code"], "VOICE_NOT_FOUND");
    assert_eq!(ws.json(T)["status"], "complete");
    ws.send(waves_msg("Still here.", "u6", false));
    let (audio, _) = gather_waves(&mut ws, "u6");
    assert!(audio.len() > 2 * RATE as usize / 3);
}

trait TapFlush {
    fn tap_flush(self) -> Self;
}

impl TapFlush for Value {
    fn tap_flush(mut self) -> Self {
        self["flush"] = json!(true);
        self
    }
}
