//! (to be filled in) UsageStore: see the crate docs.

use async_trait::async_trait;

#[derive(Debug, Clone)]
pub struct UsageRow {}

#[async_trait]
pub trait UsageStore: Send + Sync {}
