//! Metering: what each key used, per model and UTC day, and its cost.
//!
//! A request is counted when its synthesis starts ([`charge`]: one request
//! and its text's characters, refused with 429 USAGE_LIMIT_EXCEEDED when
//! that would take the key past its monthly quota) and its audio when the
//! audio is done or abandoned ([`record_audio`]). The speech path does both
//! for the request's own caller ([`crate::http::speech::EncodedStream`]).
//!
//! Background work (async jobs) has no request around it: call [`charge`]
//! with the submitter's [`Caller`] when accepting the job (so a job over
//! quota is refused at submission), then [`record_audio`] with the owner's
//! key id when the job's audio is done. [`record`] counts usage that was
//! never charged, without any quota.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::{Extension, Json};
use hark_engine::ErrorCode;
use hark_store::usage::{self, Consumed, UsageQuery};
use hark_store::{Principal, Store};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::app::auth::{store_error, Caller};
use crate::app::error::ApiError;
use crate::app::state::AppState;

/// Counts one request of `chars` characters of `model` for `caller`, or
/// refuses it (429 USAGE_LIMIT_EXCEEDED, `Retry-After`: until the month
/// ends, naming `param`, the body's text field) when it would pass the
/// key's monthly characters. Check and count
/// are one store step, so concurrent requests cannot overshoot.
pub async fn charge(
    state: &AppState,
    caller: &Caller,
    model: &str,
    chars: usize,
    param: &str,
) -> Result<(), ApiError> {
    let day = usage::today();
    let month = usage::month_start(&day).map_err(store_error)?;
    let limit = caller.limits().monthly_chars;
    let got = state
        .store
        .consume(
            caller.principal.key_id,
            model,
            &day,
            &month,
            chars as u64,
            limit,
        )
        .await
        .map_err(store_error)?;
    match got {
        Consumed::Ok { .. } => Ok(()),
        Consumed::OverQuota { month_total } => Err(ApiError::new(
            ErrorCode::UsageLimitExceeded,
            format!(
                "this request's {chars} characters would pass the key's monthly quota \
                 ({month_total} of {} used this month)",
                limit.unwrap_or(0)
            ),
        )
        .with_param(param)
        .retry_after(usage::seconds_to_next_month())),
    }
}

/// Adds seconds of audio made for `key_id` (None: no authentication).
/// Failures are logged, never surfaced: the audio has been delivered.
pub async fn record_audio(store: &dyn Store, key_id: Option<Uuid>, model: &str, seconds: f64) {
    if let Err(e) = store
        .add_audio(key_id, model, &usage::today(), seconds)
        .await
    {
        tracing::error!(error = %e, "recording usage failed");
    }
}

/// Counts a request, its characters and its audio at once, with no quota
/// check (for work that was not [`charge`]d).
pub async fn record(
    store: &dyn Store,
    principal: &Principal,
    model: &str,
    chars: usize,
    audio_seconds: f64,
) {
    let day = usage::today();
    let counted = match usage::month_start(&day) {
        Ok(month) => store
            .consume(principal.key_id, model, &day, &month, chars as u64, None)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    if let Err(e) = counted {
        tracing::error!(error = %e, "recording usage failed");
    }
    record_audio(store, principal.key_id, model, audio_seconds).await;
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageParams {
    /// First day, `YYYY-MM-DD` (default: the first of this month).
    from: Option<String>,
    /// Last day, included (default: today).
    to: Option<String>,
    /// Admins: only this key's usage.
    key: Option<String>,
}

/// `GET /v1/usage`: the caller's usage per key, model and day, with cost
/// and totals. Admin keys see every key's (or `?key=`'s).
pub async fn get_usage(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    p: Result<Query<UsageParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(p) = p.map_err(|e| ApiError::invalid("query", e.body_text()))?;
    let today = usage::today();
    let from = match p.from {
        Some(d) => checked_day("from", d)?,
        None => usage::month_start(&today).map_err(store_error)?,
    };
    let to = match p.to {
        Some(d) => checked_day("to", d)?,
        None => today,
    };
    if from > to {
        return Err(ApiError::invalid(
            "from",
            format!("from {from} is after to {to}"),
        ));
    }
    let wanted = match p.key {
        Some(k) => Some(Uuid::parse_str(&k).map_err(|_| ApiError::invalid("key", "not a key id"))?),
        None => None,
    };
    let key_id = if who.admin {
        wanted
    } else {
        let own = who.key_id;
        if wanted.is_some() && wanted != own {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "only admin keys see other keys' usage",
            )
            .with_param("key"));
        }
        own
    };
    // Keys see their own rows; an admin (or --no-auth) with no filter sees all.
    if !who.admin && key_id.is_none() {
        return Err(ApiError::new(ErrorCode::Forbidden, "no key: no usage"));
    }
    let rows = state
        .store
        .usage(UsageQuery {
            key_id,
            from: Some(from.clone()),
            to: Some(to.clone()),
        })
        .await
        .map_err(store_error)?;
    let names: HashMap<Uuid, String> = state
        .store
        .list_keys()
        .await
        .map_err(store_error)?
        .into_iter()
        .map(|k| (k.id, k.name))
        .collect();
    let prices = &state.config.prices;
    let (mut requests, mut characters, mut audio, mut cost) = (0u64, 0u64, 0f64, 0f64);
    let out: Vec<Value> = rows
        .iter()
        .map(|r| {
            let c = prices.cost(&r.model, r.characters);
            requests += r.requests;
            characters += r.characters;
            audio += r.audio_seconds;
            cost += c;
            json!({
                "key_id": r.key_id,
                "key_name": r.key_id.and_then(|k| names.get(&k)),
                "model": r.model,
                "day": r.day,
                "requests": r.requests,
                "characters": r.characters,
                "audio_seconds": round3(r.audio_seconds),
                "cost": round6(c),
            })
        })
        .collect();
    Ok(Json(json!({
        "from": from,
        "to": to,
        "currency": prices.currency,
        "usage": out,
        "total": {
            "requests": requests,
            "characters": characters,
            "audio_seconds": round3(audio),
            "cost": round6(cost),
        },
    })))
}

fn checked_day(param: &str, d: String) -> Result<String, ApiError> {
    usage::parse_day(&d)
        .map(|_| d)
        .map_err(|_| ApiError::invalid(param, "expected a date as YYYY-MM-DD"))
}

fn round3(x: f64) -> f64 {
    (x * 1e3).round() / 1e3
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}
