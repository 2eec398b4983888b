//! (to be filled in) JobStore: see the crate docs.

use async_trait::async_trait;

#[derive(Debug, Clone)]
pub struct JobRecord {}

#[async_trait]
pub trait JobStore: Send + Sync {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    Pending,
    Processing,
    Completed,
    Failed,
}
