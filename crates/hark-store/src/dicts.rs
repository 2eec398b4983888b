//! Pronunciation dictionaries, owned per key. The store keeps each one's
//! entries as an opaque JSON document (hark-text's storage form), so it
//! needs no knowledge of how entries are matched.

use async_trait::async_trait;
use uuid::Uuid;

use crate::{Principal, StoreResult};

#[derive(Debug, Clone, PartialEq)]
pub struct DictRecord {
    pub id: Uuid,
    /// The key that created it (None: made without authentication).
    pub owner: Option<Uuid>,
    pub name: String,
    /// The dictionary in its storage JSON form.
    pub entries: String,
    /// Starts at 1; each update adds one (clients may pin a version).
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[async_trait]
pub trait DictStore: Send + Sync {
    async fn create_dict(&self, dict: DictRecord) -> StoreResult<()>;
    /// NotFound when there is none (whoever owns it).
    async fn get_dict(&self, id: Uuid) -> StoreResult<DictRecord>;
    /// The dictionaries `who` may see, oldest first.
    async fn list_dicts(&self, who: &Principal) -> StoreResult<Vec<DictRecord>>;
    /// Replaces the name (when given) and entries; bumps the version.
    async fn update_dict(
        &self,
        id: Uuid,
        name: Option<String>,
        entries: String,
    ) -> StoreResult<DictRecord>;
    async fn delete_dict(&self, id: Uuid) -> StoreResult<()>;
}
