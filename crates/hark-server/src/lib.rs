//! Hark's server: every surface over one internal request.
//!
//! Layout: [`app`] (state and admission, keys, limits, usage, the error
//! type), [`http`] (the request dialects, voices, dictionaries, jobs) and
//! the realtime surfaces. A request's path: dialect adapter ->
//! [`http::speech::SpeechRequest`] -> admission
//! ([`app::state::AppState::admit`]) -> engine chunk stream -> audio
//! pipeline -> whole, chunked or SSE body ([`http::speech`]). Every request
//! passes [`app::auth::authenticate`] (API keys); the routes that make audio
//! also pass [`app::limits::enforce`] (per-key concurrency and rate), and
//! the speech path bills usage ([`app::usage`]).

pub mod app;
pub mod http;
pub mod realtime;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use hark_engine::{Engine, EngineKind, ErrorCode};
use serde_json::json;

pub use app::error::ApiError;
pub use app::state::{AppState, ServerConfig};

use app::{auth, limits, middleware, usage};
use http::{dicts, jobs, openapi, voices};

/// The whole HTTP surface.
pub fn router(state: AppState) -> Router {
    use http::dialect::{flat, openai, transcript};
    let limited = || axum::middleware::from_fn_with_state(state.clone(), limits::enforce);
    // Routes that make audio: per-key concurrency and rate limits.
    let transcript_speech = Router::new()
        .route("/text_to_speech", post(transcript::bytes))
        .route("/text_to_speech/streaming", post(transcript::streaming))
        .route(
            "/text_to_speech/with_timestamps",
            post(transcript::with_timestamps),
        )
        .route_layer(limited());
    let speech = Router::new()
        .route("/waves/v1/{model}/get_speech", post(flat::get_speech))
        .route("/waves/v1/{model}/stream", post(flat::stream))
        .route("/v1/audio/speech", post(openai::speech))
        .route("/v1/async/audio/speech", post(jobs::submit))
        .route_layer(limited());
    let version_checked = Router::new()
        .merge(transcript_speech)
        .route("/voices", get(voices::list).post(voices::create))
        .route(
            "/voices/{id}",
            get(voices::get).patch(voices::patch).delete(voices::delete),
        )
        .route(
            "/voices/{id}/preview",
            get(voices::preview).route_layer(limited()),
        )
        .route_layer(axum::middleware::from_fn(middleware::require_version));
    Router::new()
        .merge(version_checked)
        .merge(speech)
        .route("/v1/keys", get(auth::list_keys).post(auth::create_key))
        .route("/v1/keys/{id}", axum::routing::delete(auth::revoke_key))
        .route("/v1/usage", get(usage::get_usage))
        .route("/v1/models", get(openai::list_models))
        .route("/v1/models/{id}", get(openai::get_model))
        .route("/v1/audio/voices", get(voices::list_openai))
        .route("/v1/async/audio/speech", get(jobs::list))
        .route(
            "/v1/async/audio/speech/{id}",
            get(jobs::status).delete(jobs::delete),
        )
        .route("/v1/async/audio/speech/{id}/audio", get(jobs::audio))
        .route(
            "/waves/v1/pronunciation-dicts",
            get(dicts::list)
                .post(dicts::create)
                .patch(dicts::patch_body)
                .delete(dicts::delete_body),
        )
        .route(
            "/waves/v1/pronunciation-dicts/{id}",
            get(dicts::get).patch(dicts::patch).delete(dicts::delete),
        )
        .route(
            "/text_to_speech/websocket/ws",
            get(realtime::asyncflow::upgrade),
        )
        .route("/waves/v1/tts/live", get(realtime::waves::upgrade))
        .route("/twilio/media-stream", get(realtime::twilio::upgrade))
        .route("/twilio/twiml", get(realtime::twilio::twiml))
        .route("/v1/calls", get(realtime::twilio::list))
        .route("/v1/calls/{sid}/say", post(realtime::twilio::say))
        .route("/v1/calls/{sid}/clear", post(realtime::twilio::clear))
        .route("/status", get(status))
        .route("/health", get(|| async { "ok" }))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(|| async { Json(openapi::document()) }))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(axum::middleware::from_fn(middleware::request_id))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::not_found("this path")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        "this method is not served at this path",
    )
}

/// `GET /status`: version, voices, queue.
async fn status(State(state): State<AppState>) -> Json<serde_json::Value> {
    let cat = state.engine.catalog();
    let models: Vec<_> = EngineKind::ALL
        .iter()
        .map(|&k| json!({"id": k.model_id(), "voices": cat.voices().filter(|v| v.engine == k).count()}))
        .collect();
    Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "voices_loaded": cat.len(),
        "models": models,
        "queue_depth": state.queue_depth(),
        "in_flight": state.in_flight(),
        "max_in_flight": state.config.max_in_flight,
        "uptime_s": state.started.elapsed().as_secs(),
    }))
}

/// `GET /metrics`: Prometheus text format.
async fn metrics(State(state): State<AppState>) -> Response {
    metrics::gauge!("hark_queue_depth").set(state.queue_depth() as f64);
    metrics::gauge!("hark_in_flight").set(state.in_flight() as f64);
    let body = state
        .metrics
        .as_ref()
        .map(|h| h.render())
        .unwrap_or_default();
    let mut r = body.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    r
}

/// Installs the Prometheus recorder once per process.
pub fn install_metrics() -> Option<metrics_exporter_prometheus::PrometheusHandle> {
    use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};
    let buckets = [
        0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
    ];
    let b = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("seconds".into()), &buckets)
        .and_then(|b| {
            b.set_buckets_for_metric(
                Matcher::Full("hark_real_time_factor".into()),
                &[0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5, 1.0],
            )
        });
    match b.and_then(|b| b.install_recorder()) {
        Ok(h) => Some(h),
        Err(e) => {
            tracing::warn!("metrics disabled: {e}");
            None
        }
    }
}

/// Binds and serves until ctrl-c or SIGTERM, finishing requests in flight.
pub async fn serve(
    engine: Arc<Engine>,
    store: Arc<dyn hark_store::Store>,
    config: ServerConfig,
    addr: SocketAddr,
) -> std::io::Result<()> {
    // The CLI refuses this too; here it holds for every embedder.
    if !config.auth && !addr.ip().is_loopback() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("refusing to serve without API keys on {addr}: not a loopback address"),
        ));
    }
    let state = AppState::new(engine, store, config, install_metrics());
    let app = router(state.clone());
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let jobs = jobs::start(state.clone());
    tracing::info!(%local, "listening");
    eprintln!("hark: listening on http://{local}");
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await;
    jobs.stop(&state).await;
    served
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => futures::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = futures::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    eprintln!("hark: shutting down");
}
