//! Custom voices: presets over a catalog voice (base voice + speaker, speed
//! and noise scales) under their own UUID and name, owned by the key that
//! made them. Built-in voices live in the engine's catalog, never here.

use async_trait::async_trait;
use uuid::Uuid;

use crate::{Principal, StoreResult};

#[derive(Debug, Clone, PartialEq)]
pub struct VoiceRecord {
    pub id: Uuid,
    /// The key that created it (None: made without authentication).
    pub owner: Option<Uuid>,
    pub name: String,
    pub description: String,
    pub tags: Vec<String>,
    /// The voice it speaks with, as a request names one (a catalog id, and
    /// later a blend such as `af_bella:2+af_sky:1`).
    pub base: String,
    pub speaker: Option<String>,
    /// Multiplies the request's speed.
    pub speed: Option<f64>,
    pub noise_scale: Option<f64>,
    pub noise_w: Option<f64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The fields `PATCH` may change; None leaves one as it is.
#[derive(Debug, Clone, Default)]
pub struct VoicePatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
}

#[async_trait]
pub trait VoiceStore: Send + Sync {
    async fn create_voice(&self, voice: VoiceRecord) -> StoreResult<()>;
    /// NotFound when there is none (whoever owns it).
    async fn get_voice(&self, id: Uuid) -> StoreResult<VoiceRecord>;
    /// The voices `who` may see, oldest first.
    async fn list_voices(&self, who: &Principal) -> StoreResult<Vec<VoiceRecord>>;
    async fn update_voice(&self, id: Uuid, patch: VoicePatch) -> StoreResult<VoiceRecord>;
    async fn delete_voice(&self, id: Uuid) -> StoreResult<()>;
}
