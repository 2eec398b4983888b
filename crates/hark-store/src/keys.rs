//! API keys. A key is shown once, when made; the store keeps only its
//! SHA-256 (the secret has 256 random bits, so a plain hash is enough:
//! nothing to brute-force) and a short prefix to tell keys apart in lists.

use async_trait::async_trait;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::StoreResult;

/// What every secret starts with, so a leaked one is recognisable.
pub const SECRET_PREFIX: &str = "hk_";

/// Per-key limits; None: unlimited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyLimits {
    /// Requests in flight at once (TOO_MANY_CONCURRENT_REQUESTS beyond).
    pub max_concurrency: Option<u32>,
    /// Requests per minute (RATE_LIMIT_EXCEEDED beyond).
    pub rpm: Option<u32>,
    /// Characters per calendar month, UTC (USAGE_LIMIT_EXCEEDED beyond).
    pub monthly_chars: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeyRecord {
    pub id: Uuid,
    pub name: String,
    /// The secret's first characters (`hk_AbCd1234`): not enough to use it.
    pub prefix: String,
    pub admin: bool,
    pub limits: KeyLimits,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewKey {
    pub name: String,
    pub admin: bool,
    pub limits: KeyLimits,
}

/// A key just made: the only time its secret exists outside the client.
#[derive(Debug, Clone)]
pub struct CreatedKey {
    pub record: KeyRecord,
    pub secret: String,
}

#[async_trait]
pub trait KeyStore: Send + Sync {
    /// Makes a key with a fresh secret; the store keeps only its hash.
    async fn create_key(&self, new: NewKey) -> StoreResult<CreatedKey>;
    /// The live (unrevoked) key with this secret, if any.
    async fn key_by_secret(&self, secret: &str) -> StoreResult<Option<KeyRecord>>;
    /// All keys, revoked ones too, oldest first.
    async fn list_keys(&self) -> StoreResult<Vec<KeyRecord>>;
    /// Revokes a key at once (its next request gets 401); NotFound if none.
    async fn revoke_key(&self, id: Uuid) -> StoreResult<KeyRecord>;
    /// Keys ever made, revoked ones included (0: a fresh store).
    async fn count_keys(&self) -> StoreResult<u64>;
}

/// A new secret: `hk_` and 43 URL-safe characters (256 random bits).
pub fn generate_secret() -> StoreResult<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| crate::StoreError::Backend(format!("no randomness for a key: {e}")))?;
    Ok(format!(
        "{SECRET_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

/// What the store keeps of a secret: its SHA-256, hex.
pub fn hash_secret(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The part of a secret lists show.
pub fn secret_prefix(secret: &str) -> String {
    secret.chars().take(SECRET_PREFIX.len() + 8).collect()
}
