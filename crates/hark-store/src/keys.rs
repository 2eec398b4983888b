//! (to be filled in) KeyStore: see the crate docs.

use async_trait::async_trait;

#[derive(Debug, Clone)]
pub struct KeyRecord {}

#[async_trait]
pub trait KeyStore: Send + Sync {}

#[derive(Debug, Clone)]
pub struct NewKey {}
