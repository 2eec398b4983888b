//! Shared server state and admission control.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hark_engine::{Engine, ErrorCode};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::app::error::ApiError;

#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Syntheses running at once; more wait in the queue.
    pub max_in_flight: usize,
    /// Requests allowed to wait; beyond that: 503 OVERLOADED.
    pub max_queue: usize,
    /// Longest wait in the queue before giving up with 503.
    pub queue_timeout: Duration,
    /// Longest text accepted (characters): TEXT_TOO_LONG beyond.
    pub max_chars: usize,
    /// Largest request body (bytes): PAYLOAD_TOO_LARGE beyond.
    pub max_body_bytes: usize,
    /// Longest a request may take from admission to its last byte; past
    /// it, synthesis stops and the client gets an error (503 when nothing
    /// was sent yet).
    pub request_deadline: Duration,
    /// Whether requests need an API key (off only with `--no-auth`, which
    /// the CLI allows on loopback addresses only).
    pub auth: bool,
    /// Prices per model, for the cost in usage reports.
    pub prices: hark_store::PriceTable,
    /// Where async jobs' audio and voice previews are kept (`jobs/`,
    /// `previews/`), beside the database.
    pub data_dir: std::path::PathBuf,
    /// A realtime connection with no message either way for this long is
    /// closed.
    pub realtime_idle: Duration,
    /// Where clients reach this server from outside (`https://...`), for
    /// the URLs it hands out (the Twilio stream in TwiML); None: the
    /// request's Host.
    pub public_url: Option<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        ServerConfig {
            // Requests in flight share the sessions chunk by chunk, first
            // chunks first (see hark_engine::pool), so admitting several per
            // core keeps time to first audio low under load without
            // lowering throughput; beyond that they wait here.
            max_in_flight: 8 * cores,
            max_queue: 64,
            queue_timeout: Duration::from_secs(30),
            max_chars: 20_000,
            max_body_bytes: 1 << 20,
            request_deadline: Duration::from_secs(600),
            auth: true,
            prices: hark_store::PriceTable::default(),
            data_dir: std::env::temp_dir().join("hark"),
            realtime_idle: crate::realtime::DEFAULT_IDLE,
            public_url: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub engine: Arc<Engine>,
    /// Keys, usage, custom voices, dictionaries, jobs.
    pub store: Arc<dyn hark_store::Store>,
    pub config: Arc<ServerConfig>,
    slots: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    pub started: std::time::Instant,
    /// Per-key rate limiters and in-flight slots.
    pub limiters: Arc<crate::app::limits::Limiters>,
    /// Wakes the async job workers when a job is submitted.
    pub job_wakeup: Arc<tokio::sync::Notify>,
    /// Telephone calls in progress (the Twilio bridge) and their tokens.
    pub calls: Arc<crate::realtime::twilio::Calls>,
}

/// A synthesis slot, given back when dropped.
pub struct Permit {
    _permit: OwnedSemaphorePermit,
}

impl AppState {
    pub fn new(
        engine: Arc<Engine>,
        store: Arc<dyn hark_store::Store>,
        config: ServerConfig,
        metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    ) -> Self {
        AppState {
            engine,
            store,
            slots: Arc::new(Semaphore::new(config.max_in_flight.max(1))),
            config: Arc::new(config),
            waiting: Arc::new(AtomicUsize::new(0)),
            metrics,
            started: std::time::Instant::now(),
            limiters: Arc::default(),
            job_wakeup: Arc::new(tokio::sync::Notify::new()),
            calls: Arc::default(),
        }
    }

    /// Requests waiting for a slot now.
    pub fn queue_depth(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    /// Syntheses running now.
    pub fn in_flight(&self) -> usize {
        self.config.max_in_flight.max(1) - self.slots.available_permits()
    }

    /// Waits for a synthesis slot, or refuses at once when the queue is full.
    pub async fn admit(&self) -> Result<Permit, ApiError> {
        let overloaded =
            |why: &str| ApiError::new(ErrorCode::Overloaded, why.to_string()).retry_after(1);
        if let Ok(p) = self.slots.clone().try_acquire_owned() {
            return Ok(Permit { _permit: p });
        }
        let before = self.waiting.fetch_add(1, Ordering::SeqCst);
        let _unwait = Unwait(&self.waiting);
        if before >= self.config.max_queue {
            return Err(overloaded("the server is at capacity; retry shortly"));
        }
        metrics::gauge!("hark_queue_depth").set((before + 1) as f64);
        let got = tokio::time::timeout(
            self.config.queue_timeout,
            self.slots.clone().acquire_owned(),
        )
        .await;
        metrics::gauge!("hark_queue_depth")
            .set(self.waiting.load(Ordering::SeqCst).saturating_sub(1) as f64);
        match got {
            Ok(Ok(p)) => Ok(Permit { _permit: p }),
            Ok(Err(_)) => Err(overloaded("the server is shutting down")),
            Err(_) => Err(overloaded(
                "waited too long for a synthesis slot; retry shortly",
            )),
        }
    }
}

struct Unwait<'a>(&'a AtomicUsize);

impl Drop for Unwait<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
