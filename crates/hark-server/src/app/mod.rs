//! What every surface shares: state and admission, API keys, per-key
//! limits, usage, the one error type, request ids.

pub mod auth;
pub mod error;
pub mod extract;
pub mod limits;
pub mod middleware;
pub mod state;
pub mod usage;
