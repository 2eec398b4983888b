//! What a speech request names that lives in the store, made concrete
//! before synthesis: a custom voice becomes its base voice and parameters,
//! dictionary ids become dictionaries. Both are checked against the caller:
//! a record of another key is 403 FORBIDDEN, an unknown id 404.
//!
//! A custom voice's parameters are defaults under the request's: its speed
//! multiplies the request's (a preset at 1.2 asked for at 1.5 speaks at
//! 1.8, within 0.25-4), and its speaker and noise scales apply where the
//! request sets none.

use std::sync::Arc;

use hark_engine::{EngineError, ErrorCode, SynthesisRequest};
use hark_store::{Principal, StoreError, VoiceRecord};
use hark_text::dictionary::Dictionary;
use serde_json::Value;
use uuid::Uuid;

pub use crate::app::auth::store_error;
use crate::app::error::ApiError;
use crate::app::state::AppState;
use crate::http::speech::SpeechRequest;

/// Most dictionaries one request may name.
pub const MAX_DICTIONARIES: usize = 8;

pub fn forbidden(what: &str) -> ApiError {
    ApiError::new(
        ErrorCode::Forbidden,
        format!("{what} belongs to another API key"),
    )
}

/// Resolves the request's custom voice and dictionaries in place.
/// `param` names the dictionary field in the caller's dialect.
pub async fn prepare(
    state: &AppState,
    who: &Principal,
    req: &mut SpeechRequest,
    dictionary_ids: &[String],
    param: &str,
) -> Result<(), ApiError> {
    custom_voice(state, who, &mut req.synthesis).await?;
    req.synthesis.dictionaries = dictionaries(state, who, dictionary_ids, param).await?;
    Ok(())
}

/// If the request names a custom voice (by id, or by name among the
/// caller's), swaps in its base voice and parameters and returns it.
/// Catalog voices come first: a custom voice never shadows a built-in.
pub async fn custom_voice(
    state: &AppState,
    who: &Principal,
    s: &mut SynthesisRequest,
) -> Result<Option<VoiceRecord>, ApiError> {
    let Some(name) = s.voice.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    match state.engine.catalog().resolve(name, None) {
        Err(EngineError::VoiceNotFound(_)) => {}
        _ => return Ok(None),
    }
    let Some(record) = find_voice(state, who, name).await? else {
        return Ok(None);
    };
    if !who.may_access(record.owner) {
        return Err(forbidden(&format!("voice '{name}'")).with_param("voice"));
    }
    apply_preset(&record, s);
    Ok(Some(record))
}

/// A custom voice by id (whoever owns it) or by name among those `who`
/// sees; None when there is none.
pub async fn find_voice(
    state: &AppState,
    who: &Principal,
    reference: &str,
) -> Result<Option<VoiceRecord>, ApiError> {
    if let Ok(id) = Uuid::parse_str(reference) {
        return match state.store.get_voice(id).await {
            Ok(r) => Ok(Some(r)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(store_error(e)),
        };
    }
    let mut hits: Vec<VoiceRecord> = state
        .store
        .list_voices(who)
        .await
        .map_err(store_error)?
        .into_iter()
        .filter(|r| r.name.eq_ignore_ascii_case(reference))
        .collect();
    match hits.len() {
        0 => Ok(None),
        1 => Ok(hits.pop()),
        n => Err(ApiError::invalid(
            "voice",
            format!("voice name '{reference}' matches {n} custom voices; use the voice id"),
        )),
    }
}

fn apply_preset(v: &VoiceRecord, s: &mut SynthesisRequest) {
    s.voice = Some(v.base.clone());
    if let Some(speed) = v.speed {
        s.speed = (s.speed * speed as f32).clamp(
            hark_engine::engine::MIN_SPEED,
            hark_engine::engine::MAX_SPEED,
        );
    }
    if s.speaker.is_none() {
        s.speaker = v.speaker.clone();
    }
    s.noise_scale = s.noise_scale.or(v.noise_scale.map(|x| x as f32));
    s.noise_w = s.noise_w.or(v.noise_w.map(|x| x as f32));
}

/// The dictionaries named by id, in the order given (the first wins
/// conflicts), each checked against the caller.
pub async fn dictionaries(
    state: &AppState,
    who: &Principal,
    ids: &[String],
    param: &str,
) -> Result<Vec<Arc<Dictionary>>, ApiError> {
    if ids.len() > MAX_DICTIONARIES {
        return Err(ApiError::invalid(
            param,
            format!(
                "{} dictionaries named; a request may use at most {MAX_DICTIONARIES}",
                ids.len()
            ),
        ));
    }
    let mut out = Vec::with_capacity(ids.len());
    let mut seen = Vec::new();
    for (i, raw) in ids.iter().enumerate() {
        let p = format!("{param}[{i}]");
        let not_found = || {
            ApiError::new(
                ErrorCode::NotFound,
                format!("pronunciation dictionary '{raw}' not found"),
            )
            .with_param(&p)
        };
        let id = Uuid::parse_str(raw.trim()).map_err(|_| not_found())?;
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let rec = match state.store.get_dict(id).await {
            Ok(r) => r,
            Err(StoreError::NotFound) => return Err(not_found()),
            Err(e) => return Err(store_error(e)),
        };
        if !who.may_access(rec.owner) {
            return Err(forbidden(&format!("pronunciation dictionary '{raw}'")).with_param(&p));
        }
        let d = Dictionary::from_json(&rec.entries).map_err(|e| {
            tracing::error!(dictionary = %id, error = %e, "stored dictionary unreadable");
            ApiError::new(
                ErrorCode::Internal,
                "internal error; see the server log under this request id",
            )
        })?;
        out.push(Arc::new(d));
    }
    Ok(out)
}

/// Dialect 3's `pronunciation_dictionary_locators`: objects with a
/// `pronunciation_dictionary_id` (ElevenLabs' shape; `version_id` is
/// accepted and ignored: the current version applies), or bare ids.
pub fn locator_ids(locators: &[Value], param: &str) -> Result<Vec<String>, ApiError> {
    locators
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let id = match l {
                Value::String(s) => Some(s.as_str()),
                Value::Object(o) => o
                    .get("pronunciation_dictionary_id")
                    .or_else(|| o.get("id"))
                    .and_then(Value::as_str),
                _ => None,
            };
            id.map(str::to_string).ok_or_else(|| {
                ApiError::invalid(
                    &format!("{param}[{i}]"),
                    "expected {\"pronunciation_dictionary_id\": \"<id>\"} or an id",
                )
            })
        })
        .collect()
}
