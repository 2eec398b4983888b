use rusqlite::params;
use uuid::Uuid;

use super::SqliteStore;
use crate::usage::{Consumed, UsageQuery, UsageRow};
use crate::StoreResult;

/// Schema steps for this concern (see `super::MIGRATIONS`).
///
/// `key_id` is '' for requests made without authentication (a NULL would
/// defeat the primary key the upserts rely on).
pub(super) const MIGRATIONS: &[(&str, &str)] = &[(
    "usage_1",
    "CREATE TABLE usage_daily (
         key_id TEXT NOT NULL,
         model TEXT NOT NULL,
         day TEXT NOT NULL,
         requests INTEGER NOT NULL DEFAULT 0,
         characters INTEGER NOT NULL DEFAULT 0,
         audio_seconds REAL NOT NULL DEFAULT 0,
         PRIMARY KEY (key_id, day, model)
     );",
)];

fn key_col(id: Option<Uuid>) -> String {
    id.map(|u| u.to_string()).unwrap_or_default()
}

#[async_trait::async_trait]
impl crate::UsageStore for SqliteStore {
    async fn consume(
        &self,
        key_id: Option<Uuid>,
        model: &str,
        day: &str,
        month_start: &str,
        chars: u64,
        monthly_limit: Option<u64>,
    ) -> StoreResult<Consumed> {
        let (key, model, day, month_start) = (
            key_col(key_id),
            model.to_string(),
            day.to_string(),
            month_start.to_string(),
        );
        let chars = chars.min(i64::MAX as u64) as i64;
        self.call(move |c| {
            // IMMEDIATE: the sum and the insert see no writer in between,
            // even from another process on the same file.
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let used: i64 = tx.query_row(
                "SELECT COALESCE(SUM(characters), 0) FROM usage_daily
                 WHERE key_id = ?1 AND day >= ?2",
                params![key, month_start],
                |r| r.get(0),
            )?;
            let used = used.max(0) as u64;
            let after = used.saturating_add(chars as u64);
            if monthly_limit.is_some_and(|limit| after > limit) {
                return Ok(Consumed::OverQuota { month_total: used });
            }
            tx.execute(
                "INSERT INTO usage_daily (key_id, model, day, requests, characters)
                 VALUES (?1, ?2, ?3, 1, ?4)
                 ON CONFLICT (key_id, day, model) DO UPDATE SET
                     requests = requests + 1, characters = characters + excluded.characters",
                params![key, model, day, chars],
            )?;
            tx.commit()?;
            Ok(Consumed::Ok { month_total: after })
        })
        .await
    }

    async fn add_audio(
        &self,
        key_id: Option<Uuid>,
        model: &str,
        day: &str,
        seconds: f64,
    ) -> StoreResult<()> {
        let (key, model, day) = (key_col(key_id), model.to_string(), day.to_string());
        self.call(move |c| {
            c.execute(
                "INSERT INTO usage_daily (key_id, model, day, audio_seconds)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (key_id, day, model) DO UPDATE SET
                     audio_seconds = audio_seconds + excluded.audio_seconds",
                params![key, model, day, seconds],
            )?;
            Ok(())
        })
        .await
    }

    async fn usage(&self, q: UsageQuery) -> StoreResult<Vec<UsageRow>> {
        self.call(move |c| {
            let mut st = c.prepare(
                "SELECT key_id, model, day, requests, characters, audio_seconds FROM usage_daily
                 WHERE (?1 IS NULL OR key_id = ?1) AND (?2 IS NULL OR day >= ?2)
                   AND (?3 IS NULL OR day <= ?3)
                 ORDER BY day, key_id, model",
            )?;
            let rows = st
                .query_map(
                    params![q.key_id.map(|u| u.to_string()), q.from, q.to],
                    |r| {
                        let key: String = r.get(0)?;
                        Ok(UsageRow {
                            key_id: Uuid::parse_str(&key).ok(),
                            model: r.get(1)?,
                            day: r.get(2)?,
                            requests: r.get::<_, i64>(3)?.max(0) as u64,
                            characters: r.get::<_, i64>(4)?.max(0) as u64,
                            audio_seconds: r.get(5)?,
                        })
                    },
                )?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UsageStore;

    #[tokio::test]
    async fn the_quota_holds_exactly_and_months_start_afresh() {
        let s = SqliteStore::in_memory().unwrap();
        let k = Some(Uuid::new_v4());
        // Last month's characters do not count against this month.
        let last = s
            .consume(k, "m", "2026-10-31", "2026-10-01", 25, Some(30))
            .await
            .unwrap();
        assert_eq!(last, Consumed::Ok { month_total: 25 });
        let mut ok = 0;
        for _ in 0..5 {
            if let Consumed::Ok { .. } = s
                .consume(k, "m", "2026-11-02", "2026-11-01", 10, Some(30))
                .await
                .unwrap()
            {
                ok += 1;
            }
        }
        assert_eq!(ok, 3);
        assert_eq!(
            s.consume(k, "m", "2026-11-02", "2026-11-01", 1, Some(30))
                .await
                .unwrap(),
            Consumed::OverQuota { month_total: 30 }
        );
        // Another key, and no limit, are unaffected.
        let other = s
            .consume(None, "m", "2026-11-02", "2026-11-01", 1000, None)
            .await
            .unwrap();
        assert_eq!(other, Consumed::Ok { month_total: 1000 });
        s.add_audio(k, "m", "2026-11-02", 1.5).await.unwrap();
        let rows = s
            .usage(UsageQuery {
                key_id: k,
                from: Some("2026-11-01".into()),
                to: None,
            })
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].requests, rows[0].characters, rows[0].audio_seconds),
            (3, 30, 1.5)
        );
        let all = s.usage(UsageQuery::default()).await.unwrap();
        assert_eq!(all.len(), 3);
        assert!(all.iter().any(|r| r.key_id.is_none()));
    }
}
