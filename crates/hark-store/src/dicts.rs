//! (to be filled in) DictStore: see the crate docs.

use async_trait::async_trait;

#[derive(Debug, Clone)]
pub struct DictRecord {}

#[async_trait]
pub trait DictStore: Send + Sync {}
