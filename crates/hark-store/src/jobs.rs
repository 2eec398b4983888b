//! Async synthesis jobs: accepted requests that survive restarts.
//!
//! A job moves pending -> processing -> completed | failed. Workers take
//! pending jobs with [`JobStore::claim_job`], one atomic step, so several
//! nodes sharing one database never run the same job twice. A job left
//! `processing` by a crash goes back to pending at the next start
//! ([`JobStore::recover_jobs`]) until it has been tried too often; then it
//! fails with that reason. Finished jobs are kept until `expires_at`, then
//! swept with their audio.

use async_trait::async_trait;
use uuid::Uuid;

use crate::StoreResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    Pending,
    Processing,
    Completed,
    Failed,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Pending => "pending",
            JobState::Processing => "processing",
            JobState::Completed => "completed",
            JobState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<JobState> {
        [
            JobState::Pending,
            JobState::Processing,
            JobState::Completed,
            JobState::Failed,
        ]
        .into_iter()
        .find(|j| j.as_str() == s)
    }

    /// Completed or failed: nothing more will happen to it.
    pub fn is_final(self) -> bool {
        matches!(self, JobState::Completed | JobState::Failed)
    }
}

/// What a client asked for, as accepted.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub id: Uuid,
    /// The key that submitted it (None: without authentication).
    pub owner: Option<Uuid>,
    /// Whether that key was an admin (it may use any key's voices).
    pub owner_admin: bool,
    /// The request body as accepted (JSON).
    pub request: String,
    /// How long the result is kept once the job has finished, seconds.
    pub ttl_s: i64,
}

/// A finished job's audio.
#[derive(Debug, Clone)]
pub struct JobResult {
    /// The audio file, written before the job is marked completed.
    pub path: String,
    pub content_type: String,
    /// Word timestamps JSON, when asked for.
    pub timestamps: Option<String>,
    /// The model that produced it (a fallback's, when the first failed).
    pub model: String,
    /// Characters synthesized, for usage.
    pub chars: i64,
}

#[derive(Debug, Clone)]
pub struct JobRecord {
    pub id: Uuid,
    pub owner: Option<Uuid>,
    pub owner_admin: bool,
    pub request: String,
    pub state: JobState,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    /// Times a worker has taken it (more than one after a crash).
    pub attempts: i64,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub ttl_s: i64,
    /// created_at + ttl until the job finishes, then finished_at + ttl.
    pub expires_at: i64,
    pub result_path: Option<String>,
    pub content_type: Option<String>,
    pub timestamps: Option<String>,
    pub model: Option<String>,
    pub chars: i64,
}

/// What [`JobStore::recover_jobs`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recovered {
    pub requeued: u64,
    pub failed: u64,
}

#[async_trait]
pub trait JobStore: Send + Sync {
    /// Stores a pending job; durable when this returns.
    async fn create_job(&self, job: NewJob) -> StoreResult<JobRecord>;
    async fn get_job(&self, id: Uuid) -> StoreResult<JobRecord>;
    /// Takes the oldest pending job (now processing, one more attempt), or
    /// None. Atomic: two workers never get the same job.
    async fn claim_job(&self) -> StoreResult<Option<JobRecord>>;
    /// Marks a processing job completed with its result.
    async fn complete_job(&self, id: Uuid, result: JobResult) -> StoreResult<()>;
    /// Marks a job failed with the contract's error code and a reason.
    async fn fail_job(&self, id: Uuid, code: &str, message: &str) -> StoreResult<()>;
    /// At start: jobs left processing go back to pending, or fail once
    /// they have been taken `max_attempts` times.
    async fn recover_jobs(&self, max_attempts: i64) -> StoreResult<Recovered>;
    /// Deletes finished jobs whose time is up (`expires_at <= now`) and
    /// returns them, so their files can be removed.
    async fn sweep_jobs(&self, now: i64) -> StoreResult<Vec<JobRecord>>;
    /// Deletes one job (whatever its state) and returns it.
    async fn delete_job(&self, id: Uuid) -> StoreResult<JobRecord>;
    /// Puts a job this node was making back to pending without counting
    /// the try (a clean shutdown, not a crash).
    async fn release_job(&self, id: Uuid) -> StoreResult<()>;
    /// The newest `limit` jobs `who` may see, newest first.
    async fn list_jobs(&self, who: &crate::Principal, limit: i64) -> StoreResult<Vec<JobRecord>>;
    /// Jobs waiting for a worker (to bound the queue).
    async fn count_pending_jobs(&self) -> StoreResult<i64>;
}
