//! (to be filled in) VoiceStore: see the crate docs.

use async_trait::async_trait;

#[derive(Debug, Clone)]
pub struct VoiceRecord {}

#[async_trait]
pub trait VoiceStore: Send + Sync {}
