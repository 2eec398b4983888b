//! Hark's persistent state: API keys, usage, custom voices, pronunciation
//! dictionaries and async jobs.
//!
//! Everything the server keeps goes through the [`Store`] trait, one
//! sub-trait per concern ([`KeyStore`], [`UsageStore`], [`VoiceStore`],
//! [`DictStore`], [`JobStore`]). The default implementation is
//! [`sqlite::SqliteStore`]: one file under the data directory, WAL, schema
//! migrations applied at open. A PostgreSQL implementation of the same
//! traits is what several nodes will share; nothing above this crate knows
//! which one it talks to.
//!
//! Times are Unix seconds (`i64`); ids are UUIDs.

pub mod dicts;
pub mod jobs;
pub mod keys;
pub mod sqlite;
pub mod usage;
pub mod voices;

pub use dicts::{DictRecord, DictStore};
pub use jobs::{JobRecord, JobResult, JobState, JobStore, NewJob, Recovered};
pub use keys::{CreatedKey, KeyLimits, KeyRecord, KeyStore, NewKey};
pub use usage::{Consumed, PriceTable, UsageQuery, UsageRow, UsageStore};
pub use voices::{VoicePatch, VoiceRecord, VoiceStore};

use uuid::Uuid;

/// The whole store, as the server holds it (`Arc<dyn Store>`).
pub trait Store: KeyStore + UsageStore + VoiceStore + DictStore + JobStore + Send + Sync {}

impl<T> Store for T where T: KeyStore + UsageStore + VoiceStore + DictStore + JobStore + Send + Sync {}

/// Who is asking: the key a request authenticated with. Records a key
/// created (voices, dictionaries, jobs) belong to it; admins see all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// None when the server runs without authentication (loopback only).
    pub key_id: Option<Uuid>,
    pub admin: bool,
}

impl Principal {
    /// The caller of a server started with `--no-auth`: may do everything.
    pub fn unauthenticated() -> Self {
        Principal {
            key_id: None,
            admin: true,
        }
    }

    /// Whether this caller may see or change a record owned by `owner`
    /// (None: owned by nobody, i.e. made without authentication).
    pub fn may_access(&self, owner: Option<Uuid>) -> bool {
        self.admin || (self.key_id.is_some() && self.key_id == owner)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique name or id is taken.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("storage error: {0}")]
    Backend(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
            rusqlite::Error::SqliteFailure(f, msg)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                StoreError::Conflict(msg.unwrap_or_else(|| "constraint violated".into()))
            }
            other => StoreError::Backend(other.to_string()),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Now, in Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
