//! Who is calling: API keys, the admin key made on first start, and the
//! admin endpoints that manage keys (`/v1/keys`).
//!
//! [`authenticate`] runs on every request. It always leaves an
//! `Extension<Principal>` and an `Extension<Caller>` for the handlers, and
//! runs the rest of the request inside a task-local scope ([`current`]) so
//! that the speech path can bill the caller without every dialect passing
//! it along. Secrets are never logged: only the key's id and prefix are.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Path as UrlPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use hark_engine::ErrorCode;
use hark_store::{KeyLimits, KeyRecord, NewKey, Principal, StoreError};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::app::error::ApiError;
use crate::app::extract::ApiJson;
use crate::app::state::AppState;

/// Paths anyone may call without a key: liveness probes and the API
/// description. `/status` and `/metrics` need a key (any key).
pub const PUBLIC_PATHS: &[&str] = &["/health", "/openapi.json"];

/// Paths whose callers may come without a key and prove themselves in
/// another way (Twilio's media stream: a token in its first message); a
/// key that is sent is still checked.
pub const KEY_OPTIONAL_PATHS: &[&str] = &["/twilio/media-stream"];

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    /// The key it came with (None: `--no-auth`, or a public path).
    pub key: Option<Arc<KeyRecord>>,
}

impl Caller {
    /// The caller of a server started with `--no-auth`.
    pub fn unauthenticated() -> Self {
        Caller {
            principal: Principal::unauthenticated(),
            key: None,
        }
    }

    /// A request to a public path on a server with keys: may do nothing.
    fn anonymous() -> Self {
        Caller {
            principal: Principal {
                key_id: None,
                admin: false,
            },
            key: None,
        }
    }

    fn of(key: KeyRecord) -> Self {
        Caller {
            principal: Principal {
                key_id: Some(key.id),
                admin: key.admin,
            },
            key: Some(Arc::new(key)),
        }
    }

    pub fn limits(&self) -> KeyLimits {
        self.key.as_ref().map(|k| k.limits).unwrap_or_default()
    }
}

tokio::task_local! {
    static CALLER: Caller;
}

/// The caller of the request this task serves; None outside a request
/// (background work such as async jobs passes its owner explicitly).
pub fn current() -> Option<Caller> {
    CALLER.try_with(Caller::clone).ok()
}

/// Runs `fut` as `caller`'s work: the speech path inside it bills the
/// caller (for work that outlives its request, e.g. a WebSocket session).
pub async fn scope<F: std::future::Future>(caller: Caller, fut: F) -> F::Output {
    CALLER.scope(caller, fut).await
}

/// The secret a request presents: `x-api-key`, `Authorization: Bearer`,
/// or, on a WebSocket upgrade (browsers cannot set headers there),
/// `?api_key=`.
fn presented_key(req: &Request) -> Option<String> {
    let h = req.headers();
    // An empty `x-api-key` (a client's unset variable) does not hide a
    // key in `Authorization`.
    if let Some(v) = h
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.trim().is_empty())
    {
        return Some(v.trim().to_string());
    }
    if let Some(v) = h
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let v = v.trim();
        let scheme = v.get(..7).unwrap_or("");
        if scheme.eq_ignore_ascii_case("bearer ") {
            return Some(v[7..].trim().to_string());
        }
        return Some(v.to_string());
    }
    // Only on a WebSocket upgrade: elsewhere a key in the URL would end up
    // in proxies' access logs.
    let upgrade = h
        .get(axum::http::header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if !upgrade {
        return None;
    }
    req.uri().query().and_then(|q| {
        q.split('&')
            .find_map(|kv| kv.strip_prefix("api_key=").map(str::to_string))
    })
}

/// Resolves the request's key (401 INVALID_API_KEY when missing, unknown
/// or revoked) and hands the caller to everything after.
pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let caller = if !state.config.auth {
        Caller::unauthenticated()
    } else if PUBLIC_PATHS.contains(&req.uri().path())
        || (KEY_OPTIONAL_PATHS.contains(&req.uri().path())
            && presented_key(&req).filter(|s| !s.is_empty()).is_none())
    {
        Caller::anonymous()
    } else {
        let Some(secret) = presented_key(&req).filter(|s| !s.is_empty()) else {
            return ApiError::new(
                ErrorCode::InvalidApiKey,
                "missing API key: send 'x-api-key: <key>' or 'Authorization: Bearer <key>'",
            )
            .into_response();
        };
        match state.store.key_by_secret(&secret).await {
            Ok(Some(key)) => Caller::of(key),
            Ok(None) => {
                return ApiError::new(ErrorCode::InvalidApiKey, "invalid or revoked API key")
                    .into_response()
            }
            Err(e) => return store_error(e).into_response(),
        }
    };
    if let Some(k) = &caller.key {
        tracing::debug!(key_id = %k.id, key = %k.prefix, "authenticated");
    }
    req.extensions_mut().insert(caller.principal.clone());
    req.extensions_mut().insert(caller.clone());
    CALLER.scope(caller, next.run(req)).await
}

/// A store failure as the client sees it: details only in the log.
pub fn store_error(e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound => ApiError::not_found("the record"),
        StoreError::Conflict(m) => ApiError::new(ErrorCode::InvalidRequest, m),
        StoreError::Backend(m) => {
            tracing::error!(error = %m, "store failed");
            ApiError::new(
                ErrorCode::Internal,
                "internal error; see the server log under this request id",
            )
        }
    }
}

/// Where the first start leaves the admin key: `<data dir>/admin.key`.
pub fn admin_key_path(data_dir: &Path) -> PathBuf {
    data_dir.join("admin.key")
}

/// On a store that has never had a key, makes an admin key and writes it
/// to [`admin_key_path`] (mode 0600). Returns that path when it did.
pub async fn bootstrap_admin_key(
    store: &dyn hark_store::Store,
    data_dir: &Path,
) -> Result<Option<PathBuf>, String> {
    if store.count_keys().await.map_err(|e| e.to_string())? > 0 {
        return Ok(None);
    }
    let made = store
        .create_key(NewKey {
            name: "admin".into(),
            admin: true,
            limits: KeyLimits::default(),
        })
        .await
        .map_err(|e| e.to_string())?;
    let path = admin_key_path(data_dir);
    write_private(&path, format!("{}\n", made.secret).as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(Some(path))
}

/// Writes a file only its owner can read.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        opts.mode(0o600);
        let mut f = opts.open(path)?;
        // An existing file keeps its mode on open: narrow it first.
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        f.write_all(bytes)
    }
    #[cfg(not(unix))]
    {
        opts.open(path)?.write_all(bytes)
    }
}

/// Longest key name: names are shown in `hark keys list` and usage tables.
pub const MAX_KEY_NAME_CHARS: usize = 100;

/// A key's name, trimmed: not empty, at most [`MAX_KEY_NAME_CHARS`], no
/// control characters (it is printed on terminals).
pub fn check_key_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("a key needs a name".into());
    }
    if name.chars().count() > MAX_KEY_NAME_CHARS {
        return Err(format!(
            "a key's name is at most {MAX_KEY_NAME_CHARS} characters"
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("a key's name has no control characters".into());
    }
    Ok(name.to_string())
}

/// Refuses a caller that is not an admin: 403 FORBIDDEN.
pub fn require_admin(who: &Principal) -> Result<(), ApiError> {
    if who.admin {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::Forbidden,
            "this needs an admin key",
        ))
    }
}

/// A key as the API shows it (never its secret, never its hash).
pub fn key_json(k: &KeyRecord) -> Value {
    json!({
        "id": k.id,
        "name": k.name,
        "prefix": k.prefix,
        "admin": k.admin,
        "max_concurrency": k.limits.max_concurrency,
        "rpm": k.limits.rpm,
        "monthly_chars": k.limits.monthly_chars,
        "created_at": k.created_at,
        "revoked_at": k.revoked_at,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateKeyBody {
    name: String,
    #[serde(default)]
    admin: bool,
    max_concurrency: Option<u32>,
    rpm: Option<u32>,
    monthly_chars: Option<u64>,
}

/// `POST /v1/keys` (admin): makes a key; the response is the only time
/// its secret is shown.
pub async fn create_key(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    ApiJson(b): ApiJson<CreateKeyBody>,
) -> Result<Response, ApiError> {
    require_admin(&who)?;
    let name = check_key_name(&b.name).map_err(|m| ApiError::invalid("name", m))?;
    if b.max_concurrency == Some(0) || b.rpm == Some(0) {
        return Err(ApiError::invalid(
            "max_concurrency",
            "limits must be at least 1 (leave them out for no limit)",
        ));
    }
    let made = state
        .store
        .create_key(NewKey {
            name,
            admin: b.admin,
            limits: KeyLimits {
                max_concurrency: b.max_concurrency,
                rpm: b.rpm,
                monthly_chars: b.monthly_chars,
            },
        })
        .await
        .map_err(store_error)?;
    let mut v = key_json(&made.record);
    v["key"] = Value::String(made.secret);
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// `GET /v1/keys` (admin).
pub async fn list_keys(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
) -> Result<Json<Value>, ApiError> {
    require_admin(&who)?;
    let keys = state.store.list_keys().await.map_err(store_error)?;
    Ok(Json(
        json!({"keys": keys.iter().map(key_json).collect::<Vec<_>>()}),
    ))
}

/// `DELETE /v1/keys/{id}` (admin): revokes at once.
pub async fn revoke_key(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    UrlPath(id): UrlPath<String>,
) -> Result<Json<Value>, ApiError> {
    require_admin(&who)?;
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::not_found("key"))?;
    let k = state.store.revoke_key(id).await.map_err(|e| match e {
        StoreError::NotFound => ApiError::not_found("key"),
        e => store_error(e),
    })?;
    Ok(Json(key_json(&k)))
}
