//! The Twilio bridge end to end: a scripted Twilio peer
//! (`tests/clients/twilio_peer.py`, Python `websockets`) plays Twilio's side
//! of a bidirectional Media Stream against the real server and voice:
//! TwiML with a token, start, paced inbound media, marks, say, clear,
//! stop; what the call said must be intelligible.

mod common;
use common::server::Server;
use common::ws::assert_intelligible;
use serde_json::Value;

fn clients_python() -> String {
    std::env::var("HARK_CLIENTS_PYTHON")
        .expect("HARK_CLIENTS_PYTHON unset: run the suite with scripts/test.sh")
}

#[test]
fn a_scripted_twilio_peer_holds_a_call() {
    let s = Server::start_with_auth(&[]);
    let key = s.admin_key();
    let other = s.create_key("other", &[]);
    let dir = tempfile::tempdir().unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/clients/twilio_peer.py");
    let out = std::process::Command::new(clients_python())
        .args([script, &s.base, &key, &other])
        .arg(dir.path())
        .output()
        .expect("the peer runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "peer failed:\n{stderr}\n{}", s.log());
    let r: Value = serde_json::from_slice(
        out.stdout
            .split(|&b| b == b'\n')
            .rfind(|l| l.starts_with(b"{"))
            .expect("a JSON summary"),
    )
    .unwrap();
    println!("{r:#}");
    // The TwiML carried the text, the voice and a token.
    assert_eq!(r["params"], serde_json::json!(["text", "token", "voice"]));
    assert!(r["stream_url"]
        .as_str()
        .unwrap()
        .ends_with("/twilio/media-stream"));
    // Every frame 160 bytes of mu-law with our streamSid; a mark after each.
    assert_eq!(r["bad_frames"], serde_json::json!([]));
    assert_eq!(r["utt1"]["mark"], "utt-1");
    assert_eq!(r["utt2"]["mark"], "booked");
    assert_eq!(r["say_status"], 202);
    assert_eq!(r["say_body"]["mark"], "booked");
    for u in ["utt1", "utt2", "utt3"] {
        assert!(r[u]["seconds"].as_f64().unwrap() > 1.0, "{u}: {}", r[u]);
    }
    // Another key's call is not there; nor is an unknown one.
    assert_eq!(r["other_say_status"], 404);
    assert_eq!(r["unknown_say_status"], 404);
    // Clear: Twilio is told at once, and the cleared answer stops.
    assert_eq!(r["clear_status"], 200);
    assert!(r["clear_event_after_s"].as_f64().unwrap() < 0.3, "{r}");
    assert!(r["media_frames_after_clear_request"].as_u64().unwrap() <= 15);
    assert_eq!(r["media_frames_after_clear_event"], 0);
    assert!(
        r.get("mark_after_clear").is_none(),
        "no mark for cleared words"
    );
    // A token works once; stop closes the stream cleanly.
    assert_eq!(r["reused_token"], 1008);
    assert_eq!(r["stop_close_code"], 1000);
    assert_eq!(r["calls_after_stop"], serde_json::json!([]));
    // What the call said, decoded from the mu-law.
    let d = dir.path();
    assert_intelligible(
        &[
            (
                d.join("utt1.wav"),
                "Hello, thanks for calling. How can I help you today?",
            ),
            (
                d.join("utt2.wav"),
                "Your table for two is booked for eight o'clock tonight.",
            ),
            (d.join("utt3.wav"), "Sorry, go ahead."),
        ],
        10.0,
    );
}

#[test]
fn a_stream_without_a_token_or_key_is_refused() {
    let s = Server::start_with_auth(&[]);
    let url = format!("{}/twilio/media-stream", s.base.replacen("http", "ws", 1));
    let mut ws = common::ws::Ws::connect(&url, &[]).expect("the upgrade needs no key");
    ws.send(serde_json::json!({"event": "connected", "protocol": "Call", "version": "1.0.0"}));
    // Media before start, garbage: ignored; the connection stays.
    ws.send(serde_json::json!({"event": "media", "media": {"payload": "AAAA"}}));
    ws.send_raw(tungstenite::Message::Text("{not json".into()));
    ws.send(serde_json::json!({"event": "start", "streamSid": "MZ1",
        "start": {"streamSid": "MZ1", "customParameters": {"text": "Hello"}}}));
    match ws.next(std::time::Duration::from_secs(30)) {
        common::ws::Next::Closed(code, reason) => {
            assert_eq!(code, Some(1008));
            assert!(reason.contains("token"), "{reason}");
        }
        other => panic!("expected a close, got {other:?}"),
    }
    // A start without a streamSid closes too (here with a key header).
    let key = s.admin_key();
    let mut ws = common::ws::Ws::connect(&url, &[("x-api-key", &key)]).unwrap();
    ws.send(serde_json::json!({"event": "start", "start": {"customParameters": {}}}));
    match ws.next(std::time::Duration::from_secs(30)) {
        common::ws::Next::Closed(code, _) => assert_eq!(code, Some(1008)),
        other => panic!("expected a close, got {other:?}"),
    }
    // A wrong key header is refused before the upgrade.
    match common::ws::Ws::connect(&url, &[("x-api-key", "hk_wrong")]) {
        Err(tungstenite::Error::Http(r)) => assert_eq!(r.status(), 401),
        other => panic!("expected 401, got {:?}", other.map(|_| ())),
    }
}
