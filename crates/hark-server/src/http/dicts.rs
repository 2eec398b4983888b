//! Pronunciation dictionaries, dialect 2's paths
//! (`/waves/v1/pronunciation-dicts`), owned per key. Any dialect applies
//! them by id (`pronunciation_dicts`, `pronunciation_dictionary_locators`,
//! `pronunciation_dict_ids`); see [`crate::http::resolve`].
//!
//! The collection path takes the id in the body for `PATCH` and `DELETE`,
//! as the dialect's clients send it; `/{id}` paths work too.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use hark_engine::ErrorCode;
use hark_store::{DictRecord, Principal, StoreError};
use hark_text::dictionary::{ApiItem, Dictionary};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::app::error::ApiError;
use crate::app::extract::ApiJson;
use crate::app::state::AppState;
use crate::http::resolve::{forbidden, store_error};

const MAX_NAME_CHARS: usize = 100;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Body {
    /// For `PATCH`/`DELETE` on the collection path.
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    items: Option<Vec<ApiItem>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdBody {
    id: String,
}

fn to_json(r: &DictRecord) -> Result<Value, ApiError> {
    let d = stored(r)?;
    Ok(json!({
        "id": r.id, "name": r.name, "items": d.to_api_items().items,
        "version": r.version, "created_at": r.created_at, "updated_at": r.updated_at,
    }))
}

fn stored(r: &DictRecord) -> Result<Dictionary, ApiError> {
    Dictionary::from_json(&r.entries).map_err(|e| {
        tracing::error!(dictionary = %r.id, error = %e, "stored dictionary unreadable");
        ApiError::new(
            ErrorCode::Internal,
            "internal error; see the server log under this request id",
        )
    })
}

fn not_found(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        format!("pronunciation dictionary '{id}' not found"),
    )
    .with_param("id")
}

/// A dictionary the caller may use, or 404 (unknown) / 403 (another key's).
async fn load(state: &AppState, who: &Principal, id: &str) -> Result<DictRecord, ApiError> {
    let uuid = Uuid::parse_str(id.trim()).map_err(|_| not_found(id))?;
    let r = match state.store.get_dict(uuid).await {
        Ok(r) => r,
        Err(StoreError::NotFound) => return Err(not_found(id)),
        Err(e) => return Err(store_error(e)),
    };
    if !who.may_access(r.owner) {
        return Err(forbidden(&format!("pronunciation dictionary '{id}'")).with_param("id"));
    }
    Ok(r)
}

fn check_name(name: &str) -> Result<String, ApiError> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > MAX_NAME_CHARS || n.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "name",
            format!("name must be 1-{MAX_NAME_CHARS} characters without control characters"),
        ));
    }
    Ok(n.to_string())
}

/// Validates items into the storage form, naming the bad item (`items[3]`).
fn build(id: Uuid, name: &str, items: Vec<ApiItem>) -> Result<String, ApiError> {
    let d = Dictionary::from_api_items(id.to_string(), name, items).map_err(|e| {
        let param = e
            .item
            .map(|i| format!("items[{i}]"))
            .unwrap_or("items".into());
        ApiError::invalid(&param, e.to_string())
    })?;
    d.to_json()
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

/// `POST /waves/v1/pronunciation-dicts`
pub async fn create(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    ApiJson(b): ApiJson<Body>,
) -> Result<Response, ApiError> {
    if b.id.is_some() {
        return Err(ApiError::invalid("id", "ids are assigned by the server"));
    }
    let items = b
        .items
        .ok_or_else(|| ApiError::invalid("items", "items is required"))?;
    let name = check_name(b.name.as_deref().unwrap_or("dictionary"))?;
    let id = Uuid::new_v4();
    let now = hark_store::now();
    let record = DictRecord {
        id,
        owner: who.key_id,
        entries: build(id, &name, items)?,
        name,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    state
        .store
        .create_dict(record.clone())
        .await
        .map_err(store_error)?;
    Ok((StatusCode::CREATED, Json(to_json(&record)?)).into_response())
}

/// `GET /waves/v1/pronunciation-dicts`: the caller's dictionaries.
pub async fn list(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
) -> Result<Json<Value>, ApiError> {
    let all = state.store.list_dicts(&who).await.map_err(store_error)?;
    Ok(Json(Value::Array(
        all.iter().map(to_json).collect::<Result<_, _>>()?,
    )))
}

/// `GET /waves/v1/pronunciation-dicts/{id}`
pub async fn get(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(to_json(&load(&state, &who, &id).await?)?))
}

async fn update(
    state: &AppState,
    who: &Principal,
    id: &str,
    b: Body,
) -> Result<Json<Value>, ApiError> {
    let r = load(state, who, id).await?;
    let name = b.name.as_deref().map(check_name).transpose()?;
    let entries = match b.items {
        Some(items) => build(r.id, name.as_deref().unwrap_or(&r.name), items)?,
        None => {
            let mut d = stored(&r)?;
            if let Some(n) = &name {
                d.name = n.clone();
            }
            d.to_json()
                .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?
        }
    };
    let updated = state
        .store
        .update_dict(r.id, name, entries)
        .await
        .map_err(store_error)?;
    Ok(Json(to_json(&updated)?))
}

/// `PATCH /waves/v1/pronunciation-dicts` with `{"id", "items"}`: replaces
/// the items (and the name, when given).
pub async fn patch_body(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    ApiJson(mut b): ApiJson<Body>,
) -> Result<Json<Value>, ApiError> {
    let id =
        b.id.take()
            .ok_or_else(|| ApiError::invalid("id", "id is required"))?;
    update(&state, &who, &id, b).await
}

/// `PATCH /waves/v1/pronunciation-dicts/{id}`
pub async fn patch(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<Body>,
) -> Result<Json<Value>, ApiError> {
    if b.id.as_deref().is_some_and(|bid| bid != id) {
        return Err(ApiError::invalid(
            "id",
            "the body's id differs from the path's",
        ));
    }
    update(&state, &who, &id, b).await
}

async fn remove(state: &AppState, who: &Principal, id: &str) -> Result<Json<Value>, ApiError> {
    let r = load(state, who, id).await?;
    state.store.delete_dict(r.id).await.map_err(store_error)?;
    Ok(Json(json!({"id": r.id, "deleted": true})))
}

/// `DELETE /waves/v1/pronunciation-dicts` with `{"id"}`
pub async fn delete_body(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    ApiJson(b): ApiJson<IdBody>,
) -> Result<Json<Value>, ApiError> {
    remove(&state, &who, &b.id).await
}

/// `DELETE /waves/v1/pronunciation-dicts/{id}`
pub async fn delete(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    remove(&state, &who, &id).await
}
