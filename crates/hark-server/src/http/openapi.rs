//! `GET /openapi.json`: every endpoint, its body and its responses.

use serde_json::{json, Value};

fn error_responses(codes: &[u16]) -> Value {
    let mut m = serde_json::Map::new();
    for c in codes {
        m.insert(
            c.to_string(),
            json!({"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
        );
    }
    Value::Object(m)
}

fn audio_ok(description: &str) -> Value {
    json!({"description": description, "content": {
        "audio/wav": {}, "audio/mpeg": {}, "audio/ogg": {}, "audio/flac": {}, "audio/aac": {},
        "audio/basic": {}, "application/octet-stream": {}}})
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

fn post(summary: &str, schema: &str, ok: Value, version: bool) -> Value {
    let mut op = json!({
        "summary": summary,
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}},
        "responses": merge(json!({"200": ok}), error_responses(&[400, 404, 413, 429, 500, 503])),
    });
    if version {
        op["parameters"] = json!([{"name": "version", "in": "header", "required": true, "schema": {"type": "string", "enum": ["v1"]}}]);
    }
    json!({"post": op})
}

fn get(summary: &str, params: Value) -> Value {
    json!({"get": {"summary": summary, "parameters": params,
        "responses": merge(json!({"200": {"description": "ok", "content": {"application/json": {}}}}), error_responses(&[404]))}})
}

fn path_param(name: &str) -> Value {
    json!([{"name": name, "in": "path", "required": true, "schema": {"type": "string"}}])
}

/// The OpenAPI 3.1 description of the server.
pub fn document() -> Value {
    let formats = json!(["wav", "raw", "mp3", "opus", "flac", "aac", "mulaw", "alaw"]);
    let encodings = json!(["pcm_s16le", "pcm_f32le", "pcm_mulaw", "pcm_alaw"]);
    let sse = json!({"description": "Server-Sent Events", "content": {"text/event-stream": {}}});
    let version = json!([{"name": "version", "in": "header", "required": true, "schema": {"type": "string", "enum": ["v1"]}}]);
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "Hark", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Self-hosted speech synthesis in three request dialects."},
        "paths": {
            "/text_to_speech": post("Dialect 1: whole audio", "TranscriptRequest", audio_ok("audio"), true),
            "/text_to_speech/streaming": post("Dialect 1: chunked audio as it is made", "TranscriptRequest", audio_ok("chunked audio"), true),
            "/text_to_speech/with_timestamps": post("Dialect 1: base64 audio and word timestamps", "TranscriptRequest",
                json!({"description": "audio and timestamps", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AudioWithTimestamps"}}}}), true),
            "/voices": {"get": {"summary": "Dialect 1: all voices", "parameters": version,
                "responses": {"200": {"description": "voices", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Voice"}}}}}}}},
            "/voices/{id}": {"get": {"summary": "Dialect 1: one voice by id, name or slug",
                "parameters": [version[0].clone(), path_param("id")[0].clone()],
                "responses": merge(json!({"200": {"description": "voice", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Voice"}}}}}), error_responses(&[404]))}},
            "/waves/v1/{model}/get_speech": merge(post("Dialect 2: whole audio", "FlatRequest", audio_ok("audio"), false), json!({"parameters": path_param("model")})),
            "/waves/v1/{model}/stream": merge(post("Dialect 2: SSE, one event per chunk, then complete", "FlatRequest", sse.clone(), false), json!({"parameters": path_param("model")})),
            "/v1/audio/speech": post("Dialect 3 (OpenAI-compatible): chunked audio, or SSE with stream_format sse", "OpenAiRequest", audio_ok("chunked audio or SSE"), false),
            "/v1/models": get("All models", json!([])),
            "/v1/models/{id}": get("One model: every parameter (type, range, default) and its voices", path_param("id")),
            "/v1/audio/voices": get("All voices", json!([])),
            "/status": get("Version, voices, queue depth", json!([])),
            "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {"200": {"description": "text format", "content": {"text/plain": {}}}}}},
            "/health": {"get": {"summary": "Liveness", "responses": {"200": {"description": "ok"}}}},
            "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI", "content": {"application/json": {}}}}}},
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object",
                "required": ["code", "message", "request_id"],
                "properties": {"code": {"type": "string", "enum": [
                    "INVALID_REQUEST", "INVALID_LANGUAGE", "FORMAT_NOT_RECOGNIZED", "TEXT_TOO_LONG", "EMPTY_TEXT",
                    "INVALID_API_KEY", "FORBIDDEN", "VOICE_NOT_FOUND", "VERSION_NOT_FOUND", "MODEL_NOT_FOUND",
                    "JOB_NOT_FOUND", "NOT_FOUND", "PAYLOAD_TOO_LARGE", "TOO_MANY_CONCURRENT_REQUESTS",
                    "RATE_LIMIT_EXCEEDED", "USAGE_LIMIT_EXCEEDED", "INTERNAL", "OVERLOADED"]},
                    "message": {"type": "string"}, "param": {"type": ["string", "null"]}, "request_id": {"type": "string"}}}}},
            "TranscriptRequest": {"type": "object", "required": ["transcript", "voice", "output_format"], "properties": {
                "model_id": {"type": "string", "examples": ["hark-piper-v1"]},
                "transcript": {"type": "string"},
                "voice": {"type": "object", "required": ["id"], "properties": {"mode": {"type": "string", "enum": ["id"]}, "id": {"type": "string"}}},
                "output_format": {"type": "object", "required": ["container"], "properties": {
                    "container": {"type": "string", "enum": formats}, "encoding": {"type": "string", "enum": encodings},
                    "sample_rate": {"type": "integer", "minimum": 8000, "maximum": 48000, "default": 24000},
                    "bit_rate": {"type": "integer", "minimum": 32000, "maximum": 320000}}},
                "language": {"type": "string"},
                "speed": {"oneOf": [{"type": "number", "minimum": 0.25, "maximum": 4.0}, {"type": "string", "enum": ["slowest", "slow", "normal", "fast", "fastest"]}]}}},
                "sentence_pause": {"type": "number", "minimum": 0, "maximum": 10, "default": 0, "description": "extra silence after each sentence, seconds"},
            "FlatRequest": {"type": "object", "required": ["text"], "properties": {
                "text": {"type": "string"}, "voice_id": {"type": "string"},
                "sample_rate": {"type": "integer", "minimum": 8000, "maximum": 48000, "default": 44100},
                "speed": {"type": "number", "minimum": 0.5, "maximum": 2.0, "default": 1.0},
                "sentence_pause": {"type": "number", "minimum": 0, "maximum": 10, "default": 0, "description": "extra silence after each sentence, seconds"},
                "language": {"type": "string", "default": "auto"},
                "output_format": {"type": "string", "enum": ["pcm", "wav", "mp3", "mulaw", "alaw", "opus", "flac"], "default": "pcm"},
                "pronunciation_dicts": {"type": "array", "items": {"type": "string"}},
                "with_timestamps": {"type": "boolean", "default": false}}},
            "OpenAiRequest": {"type": "object", "required": ["model", "input", "voice"], "properties": {
                "model": {"type": "string", "examples": ["hark-piper-v1", "hark/hark-piper-v1", "tts-1"]},
                "input": {"type": "string"},
                "voice": {"oneOf": [{"type": "string"}, {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}]},
                "response_format": {"type": "string", "enum": ["mp3", "opus", "aac", "flac", "wav", "pcm"], "default": "mp3"},
                "speed": {"type": "number", "minimum": 0.25, "maximum": 4.0, "default": 1.0},
                "sentence_pause": {"type": "number", "minimum": 0, "maximum": 10, "default": 0, "description": "extra silence after each sentence, seconds"},
                "stream_format": {"type": "string", "enum": ["audio", "sse"], "default": "audio"},
                "instructions": {"type": "string"}, "language_code": {"type": "string"},
                "sample_rate": {"type": "integer", "minimum": 8000, "maximum": 48000, "default": 24000},
                "with_timestamps": {"type": "boolean", "default": false},
                "pronunciation_dictionary_locators": {"type": "array", "items": {"type": "object"}}}},
            "AudioWithTimestamps": {"type": "object", "properties": {
                "audio": {"type": "string", "contentEncoding": "base64"},
                "word_timestamps": {"type": "object", "properties": {
                    "words": {"type": "array", "items": {"type": "string"}},
                    "start": {"type": "array", "items": {"type": "number"}},
                    "end": {"type": "array", "items": {"type": "number"}}}}}},
            "Voice": {"type": "object", "properties": {
                "id": {"type": "string", "format": "uuid"}, "name": {"type": "string"}, "slug": {"type": "string"},
                "description": {"type": "string"}, "language": {"type": "string"}, "languages": {"type": "array", "items": {"type": "string"}},
                "gender": {"type": ["string", "null"]}, "model_id": {"type": "string"}, "sample_rate": {"type": "integer"}}},
        }},
    });
    add_voices_dictionaries_jobs(&mut doc);
    add_keys_usage(&mut doc);
    doc
}

/// API keys (every path but /health and /openapi.json needs one), key
/// management and usage.
fn add_keys_usage(doc: &mut Value) {
    let ok = |d: &str| json!({"description": d, "content": {"application/json": {}}});
    let day = |name: &str, d: &str| {
        json!({"name": name, "in": "query", "required": false, "description": d,
        "schema": {"type": "string", "format": "date"}})
    };
    doc["components"]["securitySchemes"] = json!({
        "apiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"},
        "bearer": {"type": "http", "scheme": "bearer"}});
    doc["security"] = json!([{"apiKey": []}, {"bearer": []}]);
    for public in ["/health", "/openapi.json"] {
        if let Some(get) = doc["paths"][public]["get"].as_object_mut() {
            get.insert("security".into(), json!([]));
        }
    }
    let paths = json!({
        "/v1/keys": {
            "get": {"summary": "Admin: all keys (prefix, name, limits; never secrets)",
                "responses": merge(json!({"200": ok("keys")}), error_responses(&[401, 403]))},
            "post": {"summary": "Admin: makes a key; the response carries it, the only time it is shown",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                    "required": ["name"], "properties": {"name": {"type": "string"}, "admin": {"type": "boolean", "default": false},
                    "max_concurrency": {"type": "integer", "minimum": 1}, "rpm": {"type": "integer", "minimum": 1},
                    "monthly_chars": {"type": "integer", "minimum": 0}}}}}},
                "responses": merge(json!({"201": ok("the key, with its secret")}), error_responses(&[400, 401, 403]))}},
        "/v1/keys/{id}": {"delete": {"summary": "Admin: revokes a key at once", "parameters": path_param("id"),
            "responses": merge(json!({"200": ok("the revoked key")}), error_responses(&[401, 403, 404]))}},
        "/v1/usage": {"get": {"summary": "Requests, characters, audio seconds and cost per key, model and UTC day: the caller's own; admins everyone's",
            "parameters": [day("from", "first day (default: the first of this month)"), day("to", "last day, included (default: today)"),
                {"name": "key", "in": "query", "required": false, "description": "admins: only this key id", "schema": {"type": "string", "format": "uuid"}}],
            "responses": merge(json!({"200": ok("usage rows and totals")}), error_responses(&[400, 401, 403]))}},
    });
    if let (Some(p), Value::Object(add)) = (doc["paths"].as_object_mut(), paths) {
        p.extend(add);
    }
}

/// Custom voices, pronunciation dictionaries and async jobs.
fn add_voices_dictionaries_jobs(doc: &mut Value) {
    let version = json!({"name": "version", "in": "header", "required": true, "schema": {"type": "string", "enum": ["v1"]}});
    let id = path_param("id")[0].clone();
    let ok = |d: &str| json!({"description": d, "content": {"application/json": {}}});
    let body = |schema: &str| json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    let errs = |codes: &[u16]| error_responses(codes);
    let paths = json!({
        "/voices": {
            "get": {"summary": "Dialect 1: built-in voices and the caller's custom voices", "parameters": [version],
                "responses": {"200": ok("voices")}},
            "post": {"summary": "A custom voice: a built-in voice with its speaker, speed and noise scales, under a new id and name",
                "parameters": [version], "requestBody": body("CustomVoice"),
                "responses": merge(json!({"201": ok("the voice")}), errs(&[400, 404]))}},
        "/voices/{id}": {
            "get": {"summary": "Dialect 1: one voice by id, name or slug (another key's custom voice: 403)",
                "parameters": [version, id],
                "responses": merge(json!({"200": ok("voice")}), errs(&[403, 404]))},
            "patch": {"summary": "Name, description, tags of a custom voice (built-in voices are read-only: 403)",
                "parameters": [version, id], "requestBody": body("VoicePatch"),
                "responses": merge(json!({"200": ok("voice")}), errs(&[400, 403, 404]))},
            "delete": {"summary": "Deletes a custom voice", "parameters": [version, id],
                "responses": merge(json!({"204": {"description": "deleted"}}), errs(&[403, 404]))}},
        "/voices/{id}/preview": {"get": {"summary": "A short sample of the voice (made once, then cached)",
            "parameters": [version, id],
            "responses": merge(json!({"200": {"description": "WAV", "content": {"audio/wav": {}}}}), errs(&[403, 404]))}},
        "/waves/v1/pronunciation-dicts": {
            "get": {"summary": "The caller's pronunciation dictionaries", "responses": {"200": ok("dictionaries")}},
            "post": {"summary": "A dictionary: items of word and pronunciation (a respelling, or IPA between slashes)",
                "requestBody": body("Dictionary"), "responses": merge(json!({"201": ok("the dictionary")}), errs(&[400]))},
            "patch": {"summary": "Replaces a dictionary's items (id in the body)", "requestBody": body("Dictionary"),
                "responses": merge(json!({"200": ok("the dictionary")}), errs(&[400, 403, 404]))},
            "delete": {"summary": "Deletes a dictionary (id in the body)", "requestBody": body("Dictionary"),
                "responses": merge(json!({"200": ok("deleted")}), errs(&[403, 404]))}},
        "/waves/v1/pronunciation-dicts/{id}": {
            "get": {"summary": "One dictionary", "parameters": [id],
                "responses": merge(json!({"200": ok("the dictionary")}), errs(&[403, 404]))},
            "patch": {"summary": "Replaces its items (and name)", "parameters": [id], "requestBody": body("Dictionary"),
                "responses": merge(json!({"200": ok("the dictionary")}), errs(&[400, 403, 404]))},
            "delete": {"summary": "Deletes it", "parameters": [id],
                "responses": merge(json!({"200": ok("deleted")}), errs(&[403, 404]))}},
        "/v1/async/audio/speech": {"get": {"summary": "The caller's jobs, newest first, without audio",
            "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}}],
            "responses": {"200": ok("jobs")}}, "post": {
            "summary": "Async job: dialect 3's body plus fallbacks; 202 at once",
            "parameters": [{"name": "x-hark-async-job-result-ttl", "in": "header", "required": false,
                "schema": {"type": "integer", "minimum": 1, "maximum": 604800, "default": 3600},
                "description": "Seconds the result is kept after the job finishes"}],
            "requestBody": body("AsyncSpeechRequest"),
            "responses": merge(json!({"202": ok("the job, pending")}), errs(&[400, 403, 404, 413, 429]))}},
        "/v1/async/audio/speech/{id}": {
            "get": {"summary": "202 while pending or processing; 200 completed (audio base64, audio_url, word_timestamps) or failed (error)",
                "parameters": [id, {"name": "include_audio", "in": "query", "schema": {"type": "boolean", "default": true}}],
                "responses": merge(json!({"200": ok("finished job"), "202": ok("job in progress")}), errs(&[404]))},
            "delete": {"summary": "Cancels or deletes a job and its audio", "parameters": [id],
                "responses": merge(json!({"200": ok("deleted")}), errs(&[404]))}},
        "/v1/async/audio/speech/{id}/audio": {"get": {"summary": "A completed job's audio", "parameters": [id],
            "responses": merge(json!({"200": audio_ok("audio")}), errs(&[404]))}},
    });
    let schemas = json!({
        "CustomVoice": {"type": "object", "required": ["name", "base_voice_id"], "properties": {
            "name": {"type": "string", "maxLength": 100}, "description": {"type": "string", "maxLength": 1000},
            "tags": {"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 50}},
            "base_voice_id": {"type": "string", "description": "a built-in voice: id, name or slug"},
            "speaker": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            "speed": {"type": "number", "minimum": 0.25, "maximum": 4.0, "description": "multiplies the request's speed"},
            "noise_scale": {"type": "number", "minimum": 0, "maximum": 2},
            "noise_w": {"type": "number", "minimum": 0, "maximum": 2}}},
        "VoicePatch": {"type": "object", "properties": {
            "name": {"type": "string"}, "description": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}}},
        "Dictionary": {"type": "object", "properties": {
            "id": {"type": "string", "format": "uuid"}, "name": {"type": "string"},
            "items": {"type": "array", "maxItems": 10000, "items": {"type": "object", "required": ["word", "pronunciation"], "properties": {
                "word": {"type": "string"}, "pronunciation": {"type": "string", "examples": ["hahrk", "/hɑːrk/"]},
                "case_sensitive": {"type": "boolean", "default": false}}}}}},
        "AsyncSpeechRequest": {"allOf": [{"$ref": "#/components/schemas/OpenAiRequest"}, {"type": "object", "properties": {
            "fallbacks": {"type": "array", "maxItems": 4, "items": {"oneOf": [{"type": "string"},
                {"type": "object", "required": ["model"], "properties": {"model": {"type": "string"}, "voice": {"type": "string"}}}]}}}}]},
    });
    doc["components"]["schemas"]["TranscriptRequest"]["properties"]["pronunciation_dict_ids"] =
        json!({"type": "array", "items": {"type": "string"}});
    if let (Some(p), Value::Object(add)) = (doc["paths"].as_object_mut(), paths) {
        p.extend(add);
    }
    if let (Some(s), Value::Object(add)) = (doc["components"]["schemas"].as_object_mut(), schemas) {
        s.extend(add);
    }
}
