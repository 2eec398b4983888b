//! Custom voices and pronunciation dictionaries end to end: the real
//! server with keys, two ordinary keys and the admin, each seeing and
//! changing only what is theirs.

mod common;
use common::server::Server;
use serde_json::{json, Value};

/// A client that sends `key` with every request.
struct As {
    c: reqwest::Client,
    key: String,
    base: String,
}

impl As {
    fn new(s: &Server, key: &str) -> As {
        As {
            c: reqwest::Client::new(),
            key: key.to_string(),
            base: s.base.clone(),
        }
    }

    fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.c
            .request(method, format!("{}{path}", self.base))
            .header("x-api-key", &self.key)
            .header("version", "v1")
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut r = self.req(method, path);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let resp = r.send().await.unwrap();
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// Status and error code (empty when the response is not an error).
    async fn code(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, String) {
        let (s, v) = self.send(method, path, body).await;
        (s, v["error"]["code"].as_str().unwrap_or("").to_string())
    }

    /// Seconds of a WAV the flat dialect makes.
    async fn wav_seconds(&self, body: Value) -> f64 {
        let r = self
            .req(reqwest::Method::POST, "/waves/v1/hark-piper-v1/get_speech")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let b = r.bytes().await.unwrap();
        let w = hound::WavReader::new(std::io::Cursor::new(b.to_vec())).unwrap();
        w.duration() as f64 / w.spec().sample_rate as f64
    }
}

use reqwest::Method as M;

#[tokio::test]
async fn custom_voices_are_presets_private_to_their_key() {
    let s = Server::start_with_auth(&[]);
    let a = As::new(&s, &s.create_key("a", &[]));
    let b = As::new(&s, &s.create_key("b", &[]));
    let admin = As::new(&s, &s.admin_key());

    // A preset over Joe at double speed.
    let (st, v) = a
        .send(
            M::POST,
            "/voices",
            Some(
                json!({"name": "Quick Joe", "description": "fast", "tags": ["demo"],
                        "base_voice_id": "joe", "speed": 2.0}),
            ),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 4);
    assert_eq!(v["speed"], 2.0);
    assert_eq!(v["is_owner"], true);
    assert_eq!(v["model_id"], "hark-piper-v1");

    // Listed for its key only.
    let customs = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .filter(|x| x["is_custom"] == true)
            .map(|x| x["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        customs(&a.send(M::GET, "/voices", None).await.1),
        std::slice::from_ref(&id)
    );
    assert!(customs(&b.send(M::GET, "/voices", None).await.1).is_empty());
    let (_, oa) = b.send(M::GET, "/v1/audio/voices", None).await;
    assert!(customs(&oa["voices"]).is_empty());

    // Another key: 403 on everything; the admin may look.
    let path = format!("/voices/{id}");
    assert_eq!(b.code(M::GET, &path, None).await, (403, "FORBIDDEN".into()));
    assert_eq!(
        b.code(M::PATCH, &path, Some(json!({"name": "Mine"}))).await,
        (403, "FORBIDDEN".into())
    );
    assert_eq!(
        b.code(M::DELETE, &path, None).await,
        (403, "FORBIDDEN".into())
    );
    assert_eq!(
        b.code(M::GET, &format!("{path}/preview"), None).await,
        (403, "FORBIDDEN".into())
    );
    let (st, _) = b
        .send(
            M::POST,
            "/v1/audio/speech",
            Some(json!({"model": "hark-piper-v1", "input": "Hello.", "voice": id})),
        )
        .await;
    assert_eq!(st, 403);
    assert_eq!(admin.send(M::GET, &path, None).await.0, 200);

    // The preset speaks: at speed 2 the same text takes well under the time.
    let text = "The quick brown fox jumps over the lazy dog near the river bank.";
    let plain = a
        .wav_seconds(json!({"text": text, "voice_id": "joe", "output_format": "wav"}))
        .await;
    let quick = a
        .wav_seconds(json!({"text": text, "voice_id": id, "output_format": "wav"}))
        .await;
    assert!(
        quick < plain * 0.7,
        "preset {quick:.2}s vs plain {plain:.2}s"
    );
    // By name too, for its owner only.
    let by_name = a
        .wav_seconds(json!({"text": text, "voice_id": "Quick Joe", "output_format": "wav"}))
        .await;
    assert!(by_name < plain * 0.7);

    // Rename and tag; the base and scales stay.
    let (st, v) = a
        .send(
            M::PATCH,
            &path,
            Some(json!({"name": "Speedy", "tags": ["a", "b"]})),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        (v["name"].as_str(), v["speed"].as_f64()),
        (Some("Speedy"), Some(2.0))
    );
    assert_eq!(
        a.send(M::GET, &path, None).await.1["tags"],
        json!(["a", "b"])
    );
    assert_eq!(
        a.code(M::PATCH, &path, Some(json!({"base_voice_id": "x"})))
            .await
            .1,
        "INVALID_REQUEST"
    );

    // Built-in voices are read-only.
    assert_eq!(
        a.code(M::PATCH, "/voices/joe", Some(json!({"name": "Bob"})))
            .await,
        (403, "FORBIDDEN".into())
    );
    assert_eq!(a.code(M::DELETE, "/voices/joe", None).await.0, 403);

    // Bad presets are refused with the field named.
    let (st, v) = a
        .send(
            M::POST,
            "/voices",
            Some(json!({"name": "x", "base_voice_id": "joe", "speed": 9})),
        )
        .await;
    assert_eq!((st, v["error"]["param"].as_str()), (400, Some("speed")));
    assert_eq!(
        a.code(
            M::POST,
            "/voices",
            Some(json!({"name": "x", "base_voice_id": "nobody"}))
        )
        .await,
        (404, "VOICE_NOT_FOUND".into())
    );
    // A preset of a preset is a clear 400, not "not found" (for its owner).
    let (st, v) = a
        .send(
            M::POST,
            "/voices",
            Some(json!({"name": "x", "base_voice_id": id})),
        )
        .await;
    assert_eq!(st, 400, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("custom voice"),
        "{v}"
    );
    assert_eq!(
        a.code(
            M::POST,
            "/voices",
            Some(json!({"name": "x", "base_voice_id": "joe", "speaker": 3}))
        )
        .await
        .0,
        400
    );

    // The preview is made once, then served from the cache.
    for cache in ["miss", "hit"] {
        let r = a
            .req(M::GET, &format!("{path}/preview"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "audio/wav");
        assert_eq!(r.headers()["x-hark-cache"], cache);
        let b = r.bytes().await.unwrap();
        let w = hound::WavReader::new(std::io::Cursor::new(b.to_vec())).unwrap();
        assert!(w.duration() > w.spec().sample_rate / 2);
    }
    let cached = s.data_dir.join(format!("previews/{id}.wav"));
    assert!(cached.is_file());

    // Deleted: gone, with its preview.
    assert_eq!(a.send(M::DELETE, &path, None).await.0, 204);
    assert_eq!(
        a.code(M::GET, &path, None).await,
        (404, "VOICE_NOT_FOUND".into())
    );
    assert!(!cached.exists());
}

#[tokio::test]
async fn dictionaries_are_owned_per_key_and_used_by_id_in_every_dialect() {
    let s = Server::start_with_auth(&[]);
    let a = As::new(&s, &s.create_key("a", &[]));
    let b = As::new(&s, &s.create_key("b", &[]));
    let coll = "/waves/v1/pronunciation-dicts";

    let (st, d) = a
        .send(
            M::POST,
            coll,
            Some(json!({"name": "brands", "items": [
                {"word": "Hark", "pronunciation": "hahrk"},
                {"word": "GIF", "pronunciation": "/dʒɪf/", "case_sensitive": true}]})),
        )
        .await;
    assert_eq!(st, 201, "{d}");
    let id = d["id"].as_str().unwrap().to_string();
    assert_eq!(d["version"], 1);
    assert_eq!(d["items"][1]["pronunciation"], "/dʒɪf/");

    // Listed and readable by its key only.
    assert_eq!(
        a.send(M::GET, coll, None).await.1.as_array().unwrap().len(),
        1
    );
    assert_eq!(b.send(M::GET, coll, None).await.1, json!([]));
    let one = format!("{coll}/{id}");
    assert_eq!(a.send(M::GET, &one, None).await.1["name"], "brands");
    assert_eq!(b.code(M::GET, &one, None).await, (403, "FORBIDDEN".into()));
    assert_eq!(
        b.code(M::PATCH, coll, Some(json!({"id": id, "items": []})))
            .await,
        (403, "FORBIDDEN".into())
    );
    assert_eq!(
        b.code(M::DELETE, coll, Some(json!({"id": id}))).await.0,
        403
    );

    // Used by id in each dialect by its owner; 403 for another key, 404
    // for an unknown id.
    let unknown = uuid::Uuid::new_v4().to_string();
    let flat = |d: &str| json!({"text": "Hark, a GIF.", "voice_id": "joe", "output_format": "wav", "pronunciation_dicts": [d]});
    let openai = |d: &str| {
        json!({"model": "hark-piper-v1", "input": "Hark, a GIF.", "voice": "joe", "response_format": "wav",
               "pronunciation_dictionary_locators": [{"pronunciation_dictionary_id": d, "version_id": "1"}]})
    };
    let transcript = |d: &str| {
        json!({"transcript": "Hark, a GIF.", "voice": {"mode": "id", "id": "joe"},
               "output_format": {"container": "wav"}, "pronunciation_dict_ids": [d]})
    };
    let paths = [
        (
            "/waves/v1/hark-piper-v1/get_speech",
            &flat as &dyn Fn(&str) -> Value,
        ),
        ("/v1/audio/speech", &openai),
        ("/text_to_speech", &transcript),
    ];
    for (path, body) in paths {
        let r = a.req(M::POST, path).json(&body(&id)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(!r.bytes().await.unwrap().is_empty());
        assert_eq!(
            b.code(M::POST, path, Some(body(&id))).await,
            (403, "FORBIDDEN".into()),
            "{path}"
        );
        assert_eq!(
            a.code(M::POST, path, Some(body(&unknown))).await,
            (404, "NOT_FOUND".into()),
            "{path}"
        );
    }

    // The dictionary changes what is said: a long respelling lengthens the audio.
    let (st, long) = a
        .send(
            M::POST,
            coll,
            Some(json!({"name": "long", "items": [
                {"word": "cat", "pronunciation": "most wonderful animal in the whole wide world"}]})),
        )
        .await;
    assert_eq!(st, 201, "{long}");
    let long_id = long["id"].as_str().unwrap().to_string();
    let plain = a
        .wav_seconds(json!({"text": "I saw a cat.", "voice_id": "joe", "output_format": "wav"}))
        .await;
    let respelled = a
        .wav_seconds(
            json!({"text": "I saw a cat.", "voice_id": "joe", "output_format": "wav",
                            "pronunciation_dicts": [long_id]}),
        )
        .await;
    assert!(
        respelled > plain + 1.0,
        "dictionary not applied: {plain:.2} s plain, {respelled:.2} s with it"
    );

    // Updates are validated (the bad item named) and bump the version.
    let (st, v) = a
        .send(
            M::PATCH,
            coll,
            Some(json!({"id": id, "items": [{"word": "ok", "pronunciation": "fine"}, {"word": "", "pronunciation": "x"}]})),
        )
        .await;
    assert_eq!((st, v["error"]["param"].as_str()), (400, Some("items[1]")));
    let (st, v) = a
        .send(
            M::PATCH,
            &one,
            Some(json!({"items": [{"word": "Hark", "pronunciation": "harken"}]})),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        (v["version"].as_i64(), v["items"].as_array().map(Vec::len)),
        (Some(2), Some(1))
    );

    // The API description lists these paths.
    let doc: Value = reqwest::get(s.url("/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for p in [
        "/voices/{id}/preview",
        "/waves/v1/pronunciation-dicts",
        "/waves/v1/pronunciation-dicts/{id}",
        "/v1/async/audio/speech",
        "/v1/async/audio/speech/{id}",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} missing");
    }

    // Deleted by its owner: gone for everyone.
    assert_eq!(
        a.send(M::DELETE, coll, Some(json!({"id": id}))).await.0,
        200
    );
    assert_eq!(a.code(M::GET, &one, None).await, (404, "NOT_FOUND".into()));
    assert_eq!(
        a.code(
            M::POST,
            "/waves/v1/hark-piper-v1/get_speech",
            Some(flat(&id))
        )
        .await
        .0,
        404
    );
}
