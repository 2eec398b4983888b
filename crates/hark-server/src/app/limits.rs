//! Per-key limits on the routes that make audio: requests in flight
//! (TOO_MANY_CONCURRENT_REQUESTS) and requests per minute
//! (RATE_LIMIT_EXCEEDED), both 429 with `Retry-After`. The monthly
//! character quota needs the request's text, so the speech path checks it
//! ([`crate::app::usage::charge`]).
//!
//! A concurrency slot is held by the response body: it frees when the last
//! byte of a streamed response has gone or the client went away, not when
//! the handler returns.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use hark_engine::ErrorCode;
use http_body::Frame;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

use crate::app::auth::Caller;
use crate::app::error::ApiError;
use crate::app::state::AppState;

/// Each key's rate limiter and in-flight slots, made on its first request.
/// A key's limits never change (keys are made and revoked, not edited), but
/// the limit is kept beside each entry so that an edit would take effect.
#[derive(Default)]
pub struct Limiters {
    rates: Mutex<HashMap<Uuid, (u32, Arc<DefaultDirectRateLimiter>)>>,
    slots: Mutex<HashMap<Uuid, (u32, Arc<Semaphore>)>>,
}

impl Limiters {
    /// Takes one of the key's `limit` in-flight slots, if one is free.
    pub fn try_slot(&self, key: Uuid, limit: u32) -> Option<OwnedSemaphorePermit> {
        let sem = {
            let mut m = self.slots.lock().unwrap_or_else(|p| p.into_inner());
            let e = m
                .entry(key)
                .or_insert_with(|| (limit, Arc::new(Semaphore::new(limit as usize))));
            if e.0 != limit {
                *e = (limit, Arc::new(Semaphore::new(limit as usize)));
            }
            e.1.clone()
        };
        sem.try_acquire_owned().ok()
    }

    /// Counts a request against the key's `rpm`; Err: seconds until the
    /// next one is allowed.
    pub fn check_rate(&self, key: Uuid, rpm: u32) -> Result<(), u64> {
        let Some(n) = NonZeroU32::new(rpm) else {
            return Err(60);
        };
        let limiter = {
            let mut m = self.rates.lock().unwrap_or_else(|p| p.into_inner());
            let e = m
                .entry(key)
                .or_insert_with(|| (rpm, Arc::new(RateLimiter::direct(Quota::per_minute(n)))));
            if e.0 != rpm {
                *e = (rpm, Arc::new(RateLimiter::direct(Quota::per_minute(n))));
            }
            e.1.clone()
        };
        limiter.check().map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            // Round up: retrying after the header's seconds must succeed.
            (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
        })
    }
}

/// Middleware for the routes that make audio: per-key concurrency, then
/// requests per minute (a request refused for concurrency costs no rate).
pub async fn enforce(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(caller) = req.extensions().get::<Caller>().cloned() else {
        return next.run(req).await;
    };
    let slot = match admit(&state, &caller) {
        Ok(slot) => slot,
        Err(e) => return e.into_response(),
    };
    let resp = next.run(req).await;
    match slot {
        Some(permit) => resp.map(|body| {
            Body::new(HeldBody {
                inner: body,
                permit: Some(permit),
            })
        }),
        None => resp,
    }
}

/// Applies `caller`'s concurrency and rate limits to one request; the
/// slot (when the key has a concurrency limit) must live as long as the
/// request's work. For work outside [`enforce`], such as a WebSocket
/// session after its upgrade (hold the slot for the session).
pub fn admit(state: &AppState, caller: &Caller) -> Result<Option<OwnedSemaphorePermit>, ApiError> {
    let Some(key) = &caller.key else {
        return Ok(None);
    };
    let slot = match key.limits.max_concurrency {
        Some(limit) => match state.limiters.try_slot(key.id, limit) {
            Some(p) => Some(p),
            None => {
                return Err(ApiError::new(
                    ErrorCode::TooManyConcurrentRequests,
                    format!("this key may have {limit} requests in flight at once"),
                )
                .retry_after(1))
            }
        },
        None => None,
    };
    if let Some(rpm) = key.limits.rpm {
        if let Err(wait) = state.limiters.check_rate(key.id, rpm) {
            return Err(ApiError::new(
                ErrorCode::RateLimitExceeded,
                format!("this key may make {rpm} requests per minute"),
            )
            .retry_after(wait));
        }
    }
    Ok(slot)
}

/// A response body that holds a concurrency slot until its end (or until
/// it is dropped, when the client goes away).
struct HeldBody {
    inner: Body,
    permit: Option<OwnedSemaphorePermit>,
}

impl http_body::Body for HeldBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None) | Poll::Ready(Some(Err(_))))
            || self.inner.is_end_stream()
        {
            self.permit.take();
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
