use super::SqliteStore;

/// Schema steps for this concern (see `super::MIGRATIONS`).
pub(super) const MIGRATIONS: &[(&str, &str)] = &[];

#[async_trait::async_trait]
impl crate::VoiceStore for SqliteStore {}
