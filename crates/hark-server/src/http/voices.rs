//! Voice management: the catalog's built-in voices (read-only) plus custom
//! voices, presets over a built-in one (base voice + speaker, speed and
//! noise scales) under their own UUID and name. A custom voice is seen and
//! changed only by the key that made it and by admins (403 otherwise).

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use hark_audio::{Container, Encoding, OutputFormat};
use hark_engine::{CatalogEntry, ErrorCode, SynthesisRequest, VoiceInfo};
use hark_store::{Principal, VoicePatch, VoiceRecord};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::app::error::ApiError;
use crate::app::extract::ApiJson;
use crate::app::state::AppState;
use crate::http::dialect::voice_json;
use crate::http::resolve::{find_voice, forbidden, store_error};
use crate::http::speech::{EncodedStream, SpeechRequest};

const MAX_NAME_CHARS: usize = 100;
const MAX_DESCRIPTION_CHARS: usize = 1000;
const MAX_TAGS: usize = 20;
const MAX_TAG_CHARS: usize = 50;

/// A built-in voice as the voice endpoints show it.
fn builtin_json(v: &VoiceInfo) -> Value {
    let mut j = voice_json(v);
    j["tags"] = json!([]);
    j["is_custom"] = json!(false);
    j["preview_url"] = json!(format!("/voices/{}/preview", v.id));
    j
}

/// A custom voice: its own fields over its base voice's.
fn custom_json(state: &AppState, r: &VoiceRecord, who: &Principal) -> Value {
    let base = state.engine.catalog().resolve(&r.base, None).ok();
    let mut j = base
        .map(|b| voice_json(&b.info))
        .unwrap_or_else(|| json!({}));
    let fields = json!({
        "id": r.id, "voice_id": r.id, "name": r.name, "slug": Value::Null,
        "description": r.description, "tags": r.tags, "is_public": false,
        "is_owner": who.key_id.is_some() && who.key_id == r.owner, "is_custom": true,
        "base_voice_id": r.base, "speaker": r.speaker, "speed": r.speed,
        "noise_scale": r.noise_scale, "noise_w": r.noise_w,
        "created_at": r.created_at, "updated_at": r.updated_at,
        "preview_url": format!("/voices/{}/preview", r.id),
    });
    if let (Some(o), Value::Object(f)) = (j.as_object_mut(), fields) {
        o.extend(f);
    }
    j
}

async fn all_voices(state: &AppState, who: &Principal) -> Result<Vec<Value>, ApiError> {
    let mut out: Vec<Value> = state.engine.catalog().voices().map(builtin_json).collect();
    let custom = state.store.list_voices(who).await.map_err(store_error)?;
    out.extend(custom.iter().map(|r| custom_json(state, r, who)));
    Ok(out)
}

/// `GET /voices`: built-in voices, then the caller's custom ones.
pub async fn list(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(Value::Array(all_voices(&state, &who).await?)))
}

/// `GET /v1/audio/voices`
pub async fn list_openai(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({"voices": all_voices(&state, &who).await?})))
}

/// A voice named in a path: built-in, or a custom one the caller may see.
enum Found<'a> {
    Builtin(&'a CatalogEntry),
    Custom(Box<VoiceRecord>),
}

async fn find<'a>(state: &'a AppState, who: &Principal, id: &str) -> Result<Found<'a>, ApiError> {
    if let Ok(e) = state.engine.catalog().resolve(id, None) {
        return Ok(Found::Builtin(e));
    }
    match find_voice(state, who, id.trim()).await? {
        Some(r) if who.may_access(r.owner) => Ok(Found::Custom(Box::new(r))),
        Some(_) => Err(forbidden(&format!("voice '{id}'"))),
        None => Err(
            ApiError::new(ErrorCode::VoiceNotFound, format!("voice '{id}' not found"))
                .with_param("id"),
        ),
    }
}

fn read_only() -> ApiError {
    ApiError::new(
        ErrorCode::Forbidden,
        "built-in voices are read-only; create a custom voice over this one instead",
    )
}

/// `GET /voices/{id}`
pub async fn get(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(match find(&state, &who, &id).await? {
        Found::Builtin(e) => builtin_json(&e.info),
        Found::Custom(r) => custom_json(&state, &r, &who),
    }))
}

/// A speaker by name or number, as clients send it.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Speaker {
    Number(u32),
    Name(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    /// The built-in voice it speaks with (id, name or slug).
    #[serde(alias = "base")]
    base_voice_id: String,
    #[serde(default)]
    speaker: Option<Speaker>,
    #[serde(default)]
    speed: Option<f64>,
    #[serde(default)]
    noise_scale: Option<f64>,
    #[serde(default)]
    noise_w: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatchBody {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    tags: Option<Vec<String>>,
}

fn check_text(param: &str, s: &str, max: usize, allow_empty: bool) -> Result<String, ApiError> {
    let t = s.trim();
    if t.is_empty() && !allow_empty {
        return Err(ApiError::invalid(param, format!("{param} is empty")));
    }
    if t.chars().count() > max {
        return Err(ApiError::invalid(
            param,
            format!("{param} is longer than {max} characters"),
        ));
    }
    if t.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ApiError::invalid(
            param,
            format!("{param} contains a control character"),
        ));
    }
    Ok(t.to_string())
}

fn check_tags(tags: &[String]) -> Result<Vec<String>, ApiError> {
    if tags.len() > MAX_TAGS {
        return Err(ApiError::invalid(
            "tags",
            format!("at most {MAX_TAGS} tags"),
        ));
    }
    tags.iter()
        .enumerate()
        .map(|(i, t)| check_text(&format!("tags[{i}]"), t, MAX_TAG_CHARS, false))
        .collect()
}

fn check_range(param: &str, v: Option<f64>, min: f64, max: f64) -> Result<Option<f64>, ApiError> {
    match v {
        Some(x) if !x.is_finite() || !(min..=max).contains(&x) => Err(ApiError::invalid(
            param,
            format!("{param} {x} is out of range: must be {min}-{max}"),
        )),
        _ => Ok(v),
    }
}

fn check_speaker(base: &VoiceInfo, speaker: Option<Speaker>) -> Result<Option<String>, ApiError> {
    let Some(s) = speaker else { return Ok(None) };
    let n = base.speakers.len();
    let ok = match &s {
        Speaker::Number(i) => (*i as usize) < n,
        Speaker::Name(name) => base.speakers.iter().any(|x| x == name),
    };
    let text = match s {
        Speaker::Number(i) => i.to_string(),
        Speaker::Name(name) => name,
    };
    if ok {
        Ok(Some(text))
    } else if n == 0 {
        Err(ApiError::invalid(
            "speaker",
            format!("voice '{}' has a single speaker", base.name),
        ))
    } else {
        Err(ApiError::invalid(
            "speaker",
            format!(
                "voice '{}' has no speaker '{text}' (0-{} or a name)",
                base.name,
                n - 1
            ),
        ))
    }
}

/// `POST /voices`: a custom voice over a built-in one.
pub async fn create(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    ApiJson(b): ApiJson<CreateBody>,
) -> Result<Response, ApiError> {
    let base = match state.engine.catalog().resolve(&b.base_voice_id, None) {
        Ok(base) => base,
        Err(e) => {
            // A preset of a preset: say so rather than "not found".
            let custom =
                crate::http::resolve::find_voice(&state, &who, b.base_voice_id.trim()).await?;
            if custom.is_some_and(|r| who.may_access(r.owner)) {
                return Err(ApiError::invalid(
                    "base_voice_id",
                    format!(
                        "'{}' is a custom voice; a custom voice's base is a built-in voice \
                         (use that voice's base_voice_id)",
                        b.base_voice_id
                    ),
                ));
            }
            return Err(ApiError::from(e).with_param("base_voice_id"));
        }
    };
    let now = hark_store::now();
    let record = VoiceRecord {
        id: Uuid::new_v4(),
        owner: who.key_id,
        name: check_text("name", &b.name, MAX_NAME_CHARS, false)?,
        description: check_text(
            "description",
            b.description.as_deref().unwrap_or(""),
            MAX_DESCRIPTION_CHARS,
            true,
        )?,
        tags: check_tags(&b.tags)?,
        base: base.info.id.to_string(),
        speaker: check_speaker(&base.info, b.speaker)?,
        speed: check_range(
            "speed",
            b.speed,
            hark_engine::engine::MIN_SPEED.into(),
            hark_engine::engine::MAX_SPEED.into(),
        )?,
        noise_scale: check_range("noise_scale", b.noise_scale, 0.0, 2.0)?,
        noise_w: check_range("noise_w", b.noise_w, 0.0, 2.0)?,
        created_at: now,
        updated_at: now,
    };
    state
        .store
        .create_voice(record.clone())
        .await
        .map_err(store_error)?;
    tracing::info!(voice = %record.id, base = %record.base, "custom voice created");
    Ok((
        StatusCode::CREATED,
        Json(custom_json(&state, &record, &who)),
    )
        .into_response())
}

/// `PATCH /voices/{id}`: name, description, tags of a custom voice.
pub async fn patch(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<PatchBody>,
) -> Result<Json<Value>, ApiError> {
    let r = match find(&state, &who, &id).await? {
        Found::Builtin(_) => return Err(read_only()),
        Found::Custom(r) => r,
    };
    let patch = VoicePatch {
        name: b
            .name
            .map(|n| check_text("name", &n, MAX_NAME_CHARS, false))
            .transpose()?,
        description: b
            .description
            .map(|d| check_text("description", &d, MAX_DESCRIPTION_CHARS, true))
            .transpose()?,
        tags: b.tags.map(|t| check_tags(&t)).transpose()?,
    };
    let updated = state
        .store
        .update_voice(r.id, patch)
        .await
        .map_err(store_error)?;
    Ok(Json(custom_json(&state, &updated, &who)))
}

/// `DELETE /voices/{id}`: a custom voice and its cached preview.
pub async fn delete(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let r = match find(&state, &who, &id).await? {
        Found::Builtin(_) => return Err(read_only()),
        Found::Custom(r) => r,
    };
    state.store.delete_voice(r.id).await.map_err(store_error)?;
    let _ = tokio::fs::remove_file(preview_path(&state, &r.id.to_string())).await;
    Ok(StatusCode::NO_CONTENT)
}

fn preview_path(state: &AppState, key: &str) -> std::path::PathBuf {
    state
        .config
        .data_dir
        .join("previews")
        .join(format!("{key}.wav"))
}

/// A short sentence in the voice's language (English where none is known).
fn preview_text(v: &VoiceInfo) -> &'static str {
    let lang = v
        .languages
        .first()
        .map(|l| l.to_ascii_lowercase())
        .unwrap_or_default();
    match lang.split('-').next().unwrap_or("") {
        "es" => "¡Hola! Así suena mi voz.",
        "fr" => "Bonjour ! Voici comment sonne ma voix.",
        "de" => "Hallo! So klingt meine Stimme.",
        "it" => "Ciao! Questa è la mia voce.",
        "pt" => "Olá! Esta é a minha voz.",
        _ => "Hello! This is how my voice sounds.",
    }
}

/// `GET /voices/{id}/preview`: a short WAV sample, made once and then
/// served from `previews/` under the data directory.
pub async fn preview(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (key, mut synthesis) = match find(&state, &who, &id).await? {
        Found::Builtin(e) => {
            let mut s = SynthesisRequest::new(preview_text(&e.info));
            s.voice = Some(e.info.id.to_string());
            (e.info.id.to_string(), s)
        }
        Found::Custom(r) => {
            let text = state
                .engine
                .catalog()
                .resolve(&r.base, None)
                .map(|b| preview_text(&b.info))
                .unwrap_or("Hello! This is how my voice sounds.");
            let mut s = SynthesisRequest::new(text);
            s.voice = Some(r.id.to_string());
            crate::http::resolve::custom_voice(&state, &who, &mut s).await?;
            (r.id.to_string(), s)
        }
    };
    let path = preview_path(&state, &key);
    if let Ok(bytes) = tokio::fs::read(&path).await {
        return Ok(wav_response(bytes, "hit"));
    }
    synthesis.normalize = true;
    let format = OutputFormat::new(Container::Wav, Some(Encoding::PcmS16le), 24000)?;
    let stream = EncodedStream::start(
        &state,
        SpeechRequest {
            synthesis,
            format,
            dialect: "preview",
        },
    )
    .await?;
    let bytes = stream.collect().await?;
    if let Err(e) = crate::http::jobs::write_atomically(&path, &bytes).await {
        tracing::warn!(path = %path.display(), "preview not cached: {e}");
    }
    Ok(wav_response(bytes, "miss"))
}

fn wav_response(bytes: Vec<u8>, cache: &'static str) -> Response {
    let mut r = bytes.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("audio/wav"));
    r.headers_mut()
        .insert("x-hark-cache", HeaderValue::from_static(cache));
    r
}
