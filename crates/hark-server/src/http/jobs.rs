//! Async jobs: `POST /v1/async/audio/speech` accepts a dialect-3 body (plus
//! `fallbacks` and `with_timestamps`) and answers 202 at once; workers make
//! the audio in the background; `GET /v1/async/audio/speech/{id}` reports
//! it. The store holds every job, so accepted work survives a crash: a job
//! left `processing` goes back to pending at the next start, and fails
//! ("interrupted repeatedly") after [`MAX_ATTEMPTS`] tries.
//!
//! Interactive requests come first: job workers take no admission slot
//! (a fixed few of them run), and their chunks are marked background, so
//! the session pool serves every interactive chunk before theirs.
//!
//! A result is kept for the TTL the client asked for
//! (`x-hark-async-job-result-ttl`, default 3600 s) counted from when the
//! job finished; then the job and its audio file are swept. Another key's
//! job, like an expired one, is 404 JOB_NOT_FOUND: its existence is not
//! revealed.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use base64::Engine as _;
use hark_engine::{EngineKind, ErrorCode};
use hark_store::{JobRecord, JobResult, JobState, NewJob, Principal, StoreError};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::app::auth::store_error;
use crate::app::auth::Caller;
use crate::app::error::ApiError;
use crate::app::extract::{parse_json, ApiJson};
use crate::app::state::AppState;
use crate::http::dialect::openai;
use crate::http::resolve;
use crate::http::speech::{EncodedStream, SpeechRequest};

/// Header giving how long a result is kept, in seconds.
pub const TTL_HEADER: &str = "x-hark-async-job-result-ttl";
pub const DEFAULT_TTL_S: i64 = 3600;
/// A week: results are not an archive.
pub const MAX_TTL_S: i64 = 7 * 24 * 3600;
/// Tries before a job that keeps being interrupted (crashes) fails.
pub const MAX_ATTEMPTS: i64 = 3;
/// Most fallbacks one job may list.
pub const MAX_FALLBACKS: usize = 4;
/// Jobs allowed to wait for a worker; beyond that, 503 OVERLOADED.
pub const MAX_PENDING: i64 = 10_000;
/// How often expired jobs are swept (a GET also drops an expired one).
const SWEEP_EVERY: Duration = Duration::from_secs(5);
/// How often idle workers look for work that a wake-up missed (another
/// node's submission, on a shared store).
const POLL_EVERY: Duration = Duration::from_secs(1);

/// The body: dialect 3's, plus the models to try when the first fails.
#[derive(Debug, Deserialize)]
pub struct JobBody {
    #[serde(flatten)]
    speech: openai::Body,
    #[serde(default)]
    fallbacks: Vec<Fallback>,
}

/// A model to try next (its default voice for the language), or a model
/// and a voice.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Fallback {
    Model(String),
    Spec {
        model: String,
        #[serde(default)]
        voice: Option<String>,
    },
}

impl Fallback {
    fn parts(&self) -> (String, Option<String>) {
        match self {
            Fallback::Model(m) => (m.clone(), None),
            Fallback::Spec { model, voice } => (model.clone(), voice.clone()),
        }
    }
}

/// A parsed job: the request, the dictionaries it names and its fallbacks.
struct Plan {
    req: SpeechRequest,
    dictionary_ids: Vec<String>,
    fallbacks: Vec<Fallback>,
}

fn plan(state: &AppState, json: &[u8]) -> Result<Plan, ApiError> {
    let body: JobBody = parse_json(json)?;
    if body.fallbacks.len() > MAX_FALLBACKS {
        return Err(ApiError::invalid(
            "fallbacks",
            format!("at most {MAX_FALLBACKS} fallbacks"),
        ));
    }
    for (i, f) in body.fallbacks.iter().enumerate() {
        let (model, _) = f.parts();
        if EngineKind::from_model_id(&model).is_none() {
            return Err(ApiError::new(
                ErrorCode::ModelNotFound,
                format!("fallback model '{model}' not found"),
            )
            .with_param(&format!("fallbacks[{i}]")));
        }
    }
    let (mut req, _sse, dictionary_ids) = openai::translate(state, body.speech)?;
    // Whole files, made behind interactive requests.
    req.synthesis.low_latency = false;
    req.synthesis.background = true;
    req.dialect = "async";
    Ok(Plan {
        req,
        dictionary_ids,
        fallbacks: body.fallbacks,
    })
}

fn ttl(headers: &HeaderMap) -> Result<i64, ApiError> {
    let Some(v) = headers.get(TTL_HEADER) else {
        return Ok(DEFAULT_TTL_S);
    };
    v.to_str()
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .filter(|t| (1..=MAX_TTL_S).contains(t))
        .ok_or_else(|| {
            ApiError::invalid(
                TTL_HEADER,
                format!("{TTL_HEADER} must be a whole number of seconds, 1-{MAX_TTL_S}"),
            )
        })
}

/// `POST /v1/async/audio/speech`: validates, stores, answers 202.
pub async fn submit(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Value>,
) -> Result<Response, ApiError> {
    let ttl_s = ttl(&headers)?;
    let raw = body.to_string();
    let mut p = plan(&state, raw.as_bytes())?;
    let who = caller.principal.clone();
    // What can be checked now is refused now; voice and model failures
    // are the job's to report (or to fall back from).
    p.req.format.validate()?;
    let chars = p.req.synthesis.text.chars().count();
    if chars > state.config.max_chars {
        return Err(ApiError::new(
            ErrorCode::TextTooLong,
            format!(
                "the text has {chars} characters; the limit is {}",
                state.config.max_chars
            ),
        )
        .with_param("input"));
    }
    if !p.req.synthesis.text.chars().any(char::is_alphanumeric) {
        return Err(ApiError::new(
            ErrorCode::EmptyText,
            "the text is empty: there is nothing to speak",
        )
        .with_param("input"));
    }
    resolve::dictionaries(
        &state,
        &who,
        &p.dictionary_ids,
        "pronunciation_dictionary_locators",
    )
    .await?;
    resolve::custom_voice(&state, &who, &mut p.req.synthesis).await?;
    if state
        .store
        .count_pending_jobs()
        .await
        .map_err(store_error)?
        >= MAX_PENDING
    {
        return Err(ApiError::new(
            ErrorCode::Overloaded,
            "too many jobs are waiting; retry shortly",
        )
        .retry_after(30));
    }
    // Counted (and the monthly quota enforced) when accepted, like any request.
    // Under the first model that exists (a fallback's, when the first is
    // unknown); the audio is counted under the model that made it.
    let model = std::iter::once(p.req.synthesis.model.clone().unwrap_or_default())
        .chain(p.fallbacks.iter().map(|f| f.parts().0))
        .find_map(|m| EngineKind::from_model_id(&m))
        .map(EngineKind::model_id)
        .unwrap_or("unknown");
    crate::app::usage::charge(&state, &caller, model, chars, "input").await?;
    let job = state
        .store
        .create_job(NewJob {
            id: Uuid::new_v4(),
            owner: who.key_id,
            owner_admin: who.admin,
            request: raw,
            ttl_s,
        })
        .await
        .map_err(store_error)?;
    state.job_wakeup.notify_one();
    tracing::info!(job = %job.id, chars, "job accepted");
    let mut r = (StatusCode::ACCEPTED, Json(job_json(&job))).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/v1/async/audio/speech/{}", job.id)) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    Ok(r)
}

fn job_not_found(id: &str) -> ApiError {
    ApiError::new(ErrorCode::JobNotFound, format!("job '{id}' not found")).with_param("id")
}

/// The caller's live job, or 404 (unknown, another key's, or expired; an
/// expired one is deleted on the spot).
async fn load(state: &AppState, who: &Principal, id: &str) -> Result<JobRecord, ApiError> {
    let uuid = Uuid::parse_str(id.trim()).map_err(|_| job_not_found(id))?;
    let job = match state.store.get_job(uuid).await {
        Ok(j) => j,
        Err(StoreError::NotFound) => return Err(job_not_found(id)),
        Err(e) => return Err(store_error(e)),
    };
    if !who.may_access(job.owner) {
        return Err(job_not_found(id));
    }
    if job.state.is_final() && job.expires_at <= hark_store::now() {
        if let Ok(gone) = state.store.delete_job(uuid).await {
            remove_audio(&gone).await;
        }
        return Err(job_not_found(id));
    }
    Ok(job)
}

fn job_json(j: &JobRecord) -> Value {
    let mut v = json!({
        "id": j.id, "object": "speech.job", "status": j.state.as_str(),
        "created_at": j.created_at, "expires_at": j.expires_at, "attempts": j.attempts,
    });
    if let Some(t) = j.started_at {
        v["started_at"] = json!(t);
    }
    if let Some(t) = j.finished_at {
        v["finished_at"] = json!(t);
    }
    match j.state {
        JobState::Completed => {
            v["model"] = json!(j.model);
            v["content_type"] = json!(j.content_type);
            v["audio_url"] = json!(format!("/v1/async/audio/speech/{}/audio", j.id));
            v["usage"] = json!({"input_characters": j.chars});
            if let Some(ts) = j.timestamps.as_deref() {
                v["word_timestamps"] = serde_json::from_str(ts).unwrap_or(Value::Null);
            }
        }
        JobState::Failed => {
            v["error"] = json!({
                "code": j.error_code.as_deref().unwrap_or("INTERNAL"),
                "message": j.error_message.as_deref().unwrap_or("the job failed"),
            });
        }
        JobState::Pending | JobState::Processing => {}
    }
    v
}

#[derive(Debug, Deserialize)]
pub struct ListParams {
    /// How many, newest first (1-1000, default 100).
    #[serde(default = "hundred")]
    limit: i64,
}

fn hundred() -> i64 {
    100
}

/// `GET /v1/async/audio/speech`: the caller's jobs, newest first, without
/// their audio (expired ones are left out).
pub async fn list(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(p) = params.map_err(|e| ApiError::invalid("limit", e.body_text()))?;
    if !(1..=1000).contains(&p.limit) {
        return Err(ApiError::invalid("limit", "limit must be 1-1000"));
    }
    let now = hark_store::now();
    let jobs = state
        .store
        .list_jobs(&who, p.limit)
        .await
        .map_err(store_error)?;
    let data: Vec<Value> = jobs
        .iter()
        .filter(|j| !(j.state.is_final() && j.expires_at <= now))
        .map(job_json)
        .collect();
    Ok(Json(json!({"object": "list", "data": data})))
}

#[derive(Debug, Deserialize)]
pub struct GetParams {
    /// `false`: leave the base64 audio out (fetch `audio_url` instead).
    #[serde(default = "yes")]
    include_audio: bool,
}

fn yes() -> bool {
    true
}

/// `GET /v1/async/audio/speech/{id}`: 202 while pending or processing;
/// 200 when completed (base64 audio, its URL, timestamps) or failed (error).
pub async fn status(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    UrlPath(id): UrlPath<String>,
    params: Result<Query<GetParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::invalid("include_audio", e.body_text()))?;
    let job = load(&state, &who, &id).await?;
    let mut v = job_json(&job);
    if job.state == JobState::Completed && params.include_audio {
        let bytes = read_audio(&job).await?;
        v["audio"] = json!(base64::engine::general_purpose::STANDARD.encode(bytes));
    }
    let code = if job.state.is_final() {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok((code, Json(v)).into_response())
}

async fn read_audio(job: &JobRecord) -> Result<Vec<u8>, ApiError> {
    let path = job.result_path.as_deref().unwrap_or("");
    tokio::fs::read(path).await.map_err(|e| {
        tracing::error!(job = %job.id, path, "job audio unreadable: {e}");
        ApiError::new(
            ErrorCode::Internal,
            "internal error; see the server log under this request id",
        )
    })
}

/// `GET /v1/async/audio/speech/{id}/audio`: the file, streamed.
pub async fn audio(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, ApiError> {
    let job = load(&state, &who, &id).await?;
    if job.state != JobState::Completed {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("job '{id}' has no audio (it is {})", job.state.as_str()),
        ));
    }
    let path = job.result_path.clone().unwrap_or_default();
    let file = tokio::fs::File::open(&path).await.map_err(|e| {
        tracing::error!(job = %job.id, path, "job audio unreadable: {e}");
        ApiError::new(
            ErrorCode::Internal,
            "internal error; see the server log under this request id",
        )
    })?;
    let mut r = Body::from_stream(tokio_util::io::ReaderStream::new(file)).into_response();
    let mime = job
        .content_type
        .as_deref()
        .unwrap_or("application/octet-stream");
    if let Ok(v) = HeaderValue::from_str(mime) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    Ok(r)
}

/// `DELETE /v1/async/audio/speech/{id}`: drops the job (cancelling it if
/// it has not run) and its audio.
pub async fn delete(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    UrlPath(id): UrlPath<String>,
) -> Result<Json<Value>, ApiError> {
    let job = load(&state, &who, &id).await?;
    let gone = match state.store.delete_job(job.id).await {
        Ok(g) => g,
        Err(StoreError::NotFound) => return Err(job_not_found(&id)),
        Err(e) => return Err(store_error(e)),
    };
    remove_audio(&gone).await;
    Ok(Json(json!({"id": gone.id, "deleted": true})))
}

async fn remove_audio(job: &JobRecord) {
    if let Some(p) = job.result_path.as_deref() {
        if let Err(e) = tokio::fs::remove_file(p).await {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(job = %job.id, path = p, "cannot remove job audio: {e}");
            }
        }
    }
}

/// Writes a file whole or not at all: a temporary file beside it, synced,
/// then renamed over it. A crash leaves the old file or none.
pub async fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let path = path.to_path_buf();
    let bytes = bytes.to_vec();
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        tmp.write_all(&bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(())
    })
    .await
    .map_err(std::io::Error::other)?
}

fn jobs_dir(state: &AppState) -> PathBuf {
    state.config.data_dir.join("jobs")
}

/// The running workers, for a clean stop.
#[derive(Clone, Default)]
pub struct Runner {
    /// Jobs this server is making now.
    running: Arc<Mutex<HashSet<Uuid>>>,
    stopping: Arc<AtomicBool>,
}

impl Runner {
    /// At a graceful shutdown: no more jobs are taken, and those being made
    /// go back to pending without using up a try (a crash does use one).
    pub async fn stop(&self, state: &AppState) {
        self.stopping.store(true, Ordering::SeqCst);
        let ids: Vec<Uuid> = self
            .running
            .lock()
            .map(|mut r| r.drain().collect())
            .unwrap_or_default();
        for id in ids {
            match state.store.release_job(id).await {
                Ok(()) => tracing::info!(job = %id, "job handed back for the next start"),
                Err(e) => tracing::warn!(job = %id, error = %e, "job not handed back"),
            }
        }
    }
}

/// Recovers interrupted jobs, sweeps, then runs the workers and the
/// periodic sweep for the life of the server.
pub fn start(state: AppState) -> Runner {
    let runner = Runner::default();
    let handle = runner.clone();
    tokio::spawn(async move {
        match state.store.recover_jobs(MAX_ATTEMPTS).await {
            Ok(r) if r.requeued + r.failed > 0 => tracing::warn!(
                requeued = r.requeued,
                failed = r.failed,
                "jobs interrupted by the last stop recovered"
            ),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "job recovery failed"),
        }
        sweep(&state).await;
        remove_orphans(&state).await;
        let workers = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
            .clamp(1, 4);
        for _ in 0..workers {
            tokio::spawn(worker(state.clone(), runner.clone()));
        }
        loop {
            tokio::time::sleep(SWEEP_EVERY).await;
            sweep(&state).await;
        }
    });
    handle
}

async fn sweep(state: &AppState) {
    match state.store.sweep_jobs(hark_store::now()).await {
        Ok(gone) => {
            for j in &gone {
                remove_audio(j).await;
            }
            if !gone.is_empty() {
                tracing::info!(jobs = gone.len(), "expired jobs swept");
            }
        }
        Err(e) => tracing::error!(error = %e, "job sweep failed"),
    }
}

/// Files in `jobs/` that no job owns (a crash between the store's delete
/// and the file's, or an unfinished temporary file).
async fn remove_orphans(state: &AppState) {
    let Ok(mut rd) = tokio::fs::read_dir(jobs_dir(state)).await else {
        return;
    };
    while let Ok(Some(entry)) = rd.next_entry().await {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let owned = match name.split('.').next().map(Uuid::parse_str) {
            Some(Ok(id)) => !matches!(state.store.get_job(id).await, Err(StoreError::NotFound)),
            _ => false,
        };
        if !owned {
            let _ = tokio::fs::remove_file(&path).await;
        }
    }
}

async fn worker(state: AppState, runner: Runner) {
    while !runner.stopping.load(Ordering::SeqCst) {
        match state.store.claim_job().await {
            Ok(Some(job)) => {
                let id = job.id;
                if let Ok(mut r) = runner.running.lock() {
                    r.insert(id);
                }
                run(&state, job).await;
                if let Ok(mut r) = runner.running.lock() {
                    r.remove(&id);
                }
            }
            Ok(None) => {
                tokio::select! {
                    _ = state.job_wakeup.notified() => {}
                    _ = tokio::time::sleep(POLL_EVERY) => {}
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "claiming a job failed");
                tokio::time::sleep(POLL_EVERY).await;
            }
        }
    }
}

async fn run(state: &AppState, job: JobRecord) {
    let id = job.id;
    tracing::info!(job = %id, attempt = job.attempts, "job started");
    match execute(state, &job).await {
        Ok(result) => {
            let path = result.path.clone();
            match state.store.complete_job(id, result).await {
                Ok(()) => tracing::info!(job = %id, "job completed"),
                // Deleted while it ran: its file goes too.
                Err(StoreError::NotFound) => {
                    let _ = tokio::fs::remove_file(&path).await;
                }
                Err(e) => tracing::error!(job = %id, error = %e, "recording a job's result failed"),
            }
        }
        Err(e) => {
            tracing::info!(job = %id, code = e.code.as_str(), "job failed: {}", e.message);
            if let Err(se) = state.store.fail_job(id, e.code.as_str(), &e.message).await {
                if !matches!(se, StoreError::NotFound) {
                    tracing::error!(job = %id, error = %se, "recording a job's failure failed");
                }
            }
        }
    }
}

/// Whether another model might succeed where this error happened.
fn worth_falling_back(e: &ApiError) -> bool {
    match e.code {
        ErrorCode::VoiceNotFound
        | ErrorCode::ModelNotFound
        | ErrorCode::InvalidLanguage
        | ErrorCode::Forbidden
        | ErrorCode::Internal => true,
        ErrorCode::InvalidRequest => matches!(
            e.param.as_deref(),
            Some("voice" | "model" | "speaker" | "noise_scale" | "noise_w")
        ),
        _ => false,
    }
}

/// Makes the job's audio (trying fallbacks in order), writes it, and says
/// what was made.
async fn execute(state: &AppState, job: &JobRecord) -> Result<JobResult, ApiError> {
    let who = Principal {
        key_id: job.owner,
        admin: job.owner_admin,
    };
    let p = plan(state, job.request.as_bytes())?;
    let mut req = p.req;
    req.synthesis.dictionaries = resolve::dictionaries(
        state,
        &who,
        &p.dictionary_ids,
        "pronunciation_dictionary_locators",
    )
    .await?;
    let timestamps = req.synthesis.word_timestamps;
    let mut tries: Vec<Option<(String, Option<String>)>> = vec![None];
    tries.extend(p.fallbacks.iter().map(|f| Some(f.parts())));
    let mut failures = Vec::new();
    for (i, t) in tries.iter().enumerate() {
        let mut r = req.clone();
        if let Some((model, voice)) = t {
            r.synthesis.model = Some(model.clone());
            r.synthesis.voice = voice.clone();
        }
        let label = r
            .synthesis
            .model
            .clone()
            .unwrap_or_else(|| "(default)".into());
        match attempt(state, &who, r).await {
            Ok((bytes, words, seconds, model, chars)) => {
                let ext = req.format.file_extension();
                let path = jobs_dir(state).join(format!("{}.{ext}", job.id));
                write_atomically(&path, &bytes).await.map_err(|e| {
                    tracing::error!(job = %job.id, path = %path.display(), "cannot write job audio: {e}");
                    ApiError::new(ErrorCode::Internal, "the job's audio could not be stored")
                })?;
                crate::app::usage::record_audio(&*state.store, job.owner, model, seconds).await;
                if i > 0 {
                    tracing::info!(job = %job.id, model, "job made by a fallback");
                }
                return Ok(JobResult {
                    path: path.to_string_lossy().into_owned(),
                    content_type: req.format.mime_type().to_string(),
                    timestamps: timestamps
                        .then(|| hark_engine::captions::word_timestamps_json(&words).to_string()),
                    model: model.to_string(),
                    chars: chars as i64,
                });
            }
            Err(e) => {
                let more = i + 1 < tries.len();
                failures.push(format!("{label}: {}", e.message));
                if !(more && worth_falling_back(&e)) {
                    let mut e = e;
                    if failures.len() > 1 {
                        e.message = failures.join("; ");
                    }
                    return Err(e);
                }
                tracing::info!(job = %job.id, model = label, "trying the next fallback: {}", e.message);
            }
        }
    }
    Err(ApiError::new(ErrorCode::Internal, "no model was tried"))
}

type Made = (
    Vec<u8>,
    Vec<hark_engine::WordTiming>,
    f64,
    &'static str,
    usize,
);

async fn attempt(
    state: &AppState,
    who: &Principal,
    mut req: SpeechRequest,
) -> Result<Made, ApiError> {
    resolve::custom_voice(state, who, &mut req.synthesis).await?;
    let stream = EncodedStream::start_background(state, req).await?;
    let chars = stream.chars;
    let (bytes, words, seconds, model) = stream.collect_timed().await?;
    Ok((bytes, words, seconds, model, chars))
}
