//! SSML and inline pronunciations over HTTP, in every dialect: markup is
//! spoken (breaks lengthen the audio), malformed markup is a 400
//! INVALID_REQUEST that says what and where.

mod common;
use common::server::Server;
use serde_json::{json, Value};

/// WAV bytes -> seconds (16-bit mono; a streamed WAV has no sizes filled
/// in, so count what follows the `data` tag).
fn wav_seconds(bytes: &[u8]) -> f64 {
    let rate = u32::from_le_bytes(bytes[24..28].try_into().unwrap()) as f64;
    let data = bytes
        .windows(4)
        .position(|w| w == b"data")
        .expect("a data chunk");
    (bytes.len() - data - 8) as f64 / 2.0 / rate
}

#[tokio::test]
async fn ssml_in_every_dialect() {
    let server = Server::start(&[]);
    let c = reqwest::Client::new();
    let plain = "One. Two.";
    let ssml = r#"<speak>One.<break time="2s"/>Two.</speak>"#;
    // Dialect 3 (OpenAI).
    let d3 = |input: &str| {
        c.post(server.url("/v1/audio/speech")).json(
            &json!({"model": "tts-1", "input": input, "voice": "joe", "response_format": "wav"}),
        )
    };
    let a = d3(plain).send().await.unwrap();
    assert_eq!(a.status(), 200);
    let a = wav_seconds(&a.bytes().await.unwrap());
    let b = d3(ssml).send().await.unwrap();
    assert_eq!(b.status(), 200);
    let b = wav_seconds(&b.bytes().await.unwrap());
    assert!((1.6..2.4).contains(&(b - a)), "break added {} s", b - a);
    // A pause between sentences, asked for in the body.
    let paused = c
        .post(server.url("/v1/audio/speech"))
        .json(&json!({"model": "tts-1", "input": plain, "voice": "joe", "response_format": "wav", "sentence_pause": 1.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(paused.status(), 200);
    let p = wav_seconds(&paused.bytes().await.unwrap());
    assert!(
        (0.8..1.3).contains(&(p - a)),
        "sentence pause added {} s",
        p - a
    );

    // Dialect 1 and 2 take the same markup.
    let r = c
        .post(server.url("/text_to_speech"))
        .header("version", "v1")
        .json(&json!({"transcript": ssml, "voice": {"mode": "id", "id": "joe"},
                      "output_format": {"container": "wav", "encoding": "pcm_s16le", "sample_rate": 22050}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!((wav_seconds(&r.bytes().await.unwrap()) - b).abs() < 0.3);
    let r = c
        .post(server.url("/waves/v1/hark-piper-v1/get_speech"))
        .json(&json!({"text": "I like [tomatoes](/təˈmɑːtoʊz/).", "voice_id": "joe", "output_format": "wav"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // Malformed: 400 INVALID_REQUEST naming the problem and its place.
    let r = d3("<speak>Hello <break time=\"1s\"></speak>")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "INVALID_REQUEST", "{body}");
    let msg = body["error"]["message"].as_str().unwrap_or("");
    assert!(msg.contains("</speak>") && msg.contains("line 1"), "{msg}");
    let r = d3("<speak><audio src=\"a.mp3\"/></speak>")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Only markup, nothing to say.
    let r = d3("<speak><break time=\"1s\"/></speak>")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "EMPTY_TEXT", "{body}");
}
