//! Usage per key, model and UTC day (requests, characters, seconds of
//! audio), the monthly character quota, and the price table that turns
//! characters into cost.

use std::collections::BTreeMap;
use std::path::Path;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::{Date, Month, OffsetDateTime};
use uuid::Uuid;

use crate::{StoreError, StoreResult};

/// One key's use of one model on one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsageRow {
    /// None: requests made without authentication.
    pub key_id: Option<Uuid>,
    pub model: String,
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    pub requests: u64,
    pub characters: u64,
    pub audio_seconds: f64,
}

/// Which rows to read. Days are `YYYY-MM-DD`, both ends included.
#[derive(Debug, Clone, Default)]
pub struct UsageQuery {
    /// Only this key's rows; None: everyone's.
    pub key_id: Option<Uuid>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The outcome of [`UsageStore::consume`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consumed {
    /// Counted; the key's characters this month, this request included.
    Ok { month_total: u64 },
    /// Not counted: it would take the month past the limit.
    OverQuota { month_total: u64 },
}

#[async_trait]
pub trait UsageStore: Send + Sync {
    /// Counts one request of `chars` characters for `day`, unless the key's
    /// characters since `month_start` plus these would pass `monthly_limit`.
    /// Check and count are one step, so concurrent requests cannot both
    /// squeeze under the limit.
    async fn consume(
        &self,
        key_id: Option<Uuid>,
        model: &str,
        day: &str,
        month_start: &str,
        chars: u64,
        monthly_limit: Option<u64>,
    ) -> StoreResult<Consumed>;
    /// Adds seconds of audio produced (counted when the audio is done).
    async fn add_audio(
        &self,
        key_id: Option<Uuid>,
        model: &str,
        day: &str,
        seconds: f64,
    ) -> StoreResult<()>;
    /// Rows, by day, key and model.
    async fn usage(&self, query: UsageQuery) -> StoreResult<Vec<UsageRow>>;
}

/// Today, UTC, as `YYYY-MM-DD`.
pub fn today() -> String {
    OffsetDateTime::now_utc().date().to_string()
}

/// The first day of `day`'s month.
pub fn month_start(day: &str) -> StoreResult<String> {
    let d = parse_day(day)?;
    Ok(d.replace_day(1).unwrap_or(d).to_string())
}

/// Seconds from now until the next UTC month begins (quota refills).
pub fn seconds_to_next_month() -> u64 {
    let now = OffsetDateTime::now_utc();
    let d = now.date();
    let (y, m) = match d.month() {
        Month::December => (d.year() + 1, Month::January),
        m => (d.year(), m.next()),
    };
    match Date::from_calendar_date(y, m, 1) {
        Ok(next) => (next.midnight().assume_utc() - now).whole_seconds().max(1) as u64,
        Err(_) => 86_400,
    }
}

/// Checks a `YYYY-MM-DD` day.
pub fn parse_day(s: &str) -> StoreResult<Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, &fmt).map_err(|_| StoreError::Backend(format!("'{s}' is not a YYYY-MM-DD date")))
}

/// Prices per model, per million characters; what usage reports as cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceTable {
    #[serde(default = "default_currency")]
    pub currency: String,
    /// Model id -> price per 1,000,000 characters.
    pub per_million_characters: BTreeMap<String, f64>,
}

fn default_currency() -> String {
    "USD".into()
}

impl Default for PriceTable {
    /// Defaults for charge-back on a shared server; override with a price
    /// file (see the README).
    fn default() -> Self {
        PriceTable {
            currency: default_currency(),
            per_million_characters: [
                ("hark-piper-v1", 10.0),
                ("hark-kokoro-v1", 15.0),
                ("hark-espeak-v1", 1.0),
            ]
            .into_iter()
            .map(|(m, p)| (m.to_string(), p))
            .collect(),
        }
    }
}

impl PriceTable {
    /// Reads a JSON price file: `{"currency": "USD",
    /// "per_million_characters": {"hark-piper-v1": 10.0}}`.
    pub fn load(path: &Path) -> StoreResult<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| StoreError::Backend(format!("cannot read {}: {e}", path.display())))?;
        serde_json::from_str(&text)
            .map_err(|e| StoreError::Backend(format!("price file {}: {e}", path.display())))
    }

    /// Cost of `chars` characters of `model` (0 for models not priced).
    pub fn cost(&self, model: &str, chars: u64) -> f64 {
        self.per_million_characters
            .get(model)
            .copied()
            .unwrap_or(0.0)
            * chars as f64
            / 1e6
    }
}
