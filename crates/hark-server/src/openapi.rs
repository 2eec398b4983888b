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
    json!({
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
            "FlatRequest": {"type": "object", "required": ["text"], "properties": {
                "text": {"type": "string"}, "voice_id": {"type": "string"},
                "sample_rate": {"type": "integer", "minimum": 8000, "maximum": 48000, "default": 44100},
                "speed": {"type": "number", "minimum": 0.5, "maximum": 2.0, "default": 1.0},
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
    })
}
