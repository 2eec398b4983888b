use rusqlite::{params, OptionalExtension, Row};
use uuid::Uuid;

use super::{parse_uuid, parse_uuid_opt, SqliteStore};
use crate::jobs::{JobRecord, JobResult, JobState, NewJob, Recovered};
use crate::{StoreError, StoreResult};

/// Schema steps for this concern (see `super::MIGRATIONS`).
pub(super) const MIGRATIONS: &[(&str, &str)] = &[(
    "jobs_1",
    "CREATE TABLE jobs (
         id TEXT PRIMARY KEY,
         owner TEXT,
         owner_admin INTEGER NOT NULL,
         request TEXT NOT NULL,
         state TEXT NOT NULL,
         error_code TEXT,
         error_message TEXT,
         attempts INTEGER NOT NULL DEFAULT 0,
         created_at INTEGER NOT NULL,
         started_at INTEGER,
         finished_at INTEGER,
         ttl_s INTEGER NOT NULL,
         expires_at INTEGER NOT NULL,
         result_path TEXT,
         content_type TEXT,
         timestamps TEXT,
         model TEXT,
         chars INTEGER NOT NULL DEFAULT 0
     );
     CREATE INDEX jobs_state ON jobs (state, created_at);
     CREATE INDEX jobs_expires ON jobs (expires_at);",
)];

const COLUMNS: &str = "id, owner, owner_admin, request, state, error_code, error_message, \
                       attempts, created_at, started_at, finished_at, ttl_s, expires_at, \
                       result_path, content_type, timestamps, model, chars";

fn from_row(r: &Row<'_>) -> rusqlite::Result<JobRecord> {
    let state: String = r.get(4)?;
    let state = JobState::parse(&state).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            4,
            rusqlite::types::Type::Text,
            format!("unknown job state '{state}'").into(),
        )
    })?;
    Ok(JobRecord {
        id: parse_uuid(r, 0)?,
        owner: parse_uuid_opt(r, 1)?,
        owner_admin: r.get(2)?,
        request: r.get(3)?,
        state,
        error_code: r.get(5)?,
        error_message: r.get(6)?,
        attempts: r.get(7)?,
        created_at: r.get(8)?,
        started_at: r.get(9)?,
        finished_at: r.get(10)?,
        ttl_s: r.get(11)?,
        expires_at: r.get(12)?,
        result_path: r.get(13)?,
        content_type: r.get(14)?,
        timestamps: r.get(15)?,
        model: r.get(16)?,
        chars: r.get(17)?,
    })
}

#[async_trait::async_trait]
impl crate::JobStore for SqliteStore {
    async fn create_job(&self, job: NewJob) -> StoreResult<JobRecord> {
        self.call(move |c| {
            let now = crate::now();
            Ok(c.query_row(
                &format!(
                    "INSERT INTO jobs (id, owner, owner_admin, request, state, created_at, ttl_s, expires_at)
                     VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?6, ?7) RETURNING {COLUMNS}"
                ),
                params![
                    job.id.to_string(),
                    job.owner.map(|o| o.to_string()),
                    job.owner_admin,
                    job.request,
                    now,
                    job.ttl_s,
                    now.saturating_add(job.ttl_s)
                ],
                from_row,
            )?)
        })
        .await
    }

    async fn get_job(&self, id: Uuid) -> StoreResult<JobRecord> {
        self.call(move |c| {
            Ok(c.query_row(
                &format!("SELECT {COLUMNS} FROM jobs WHERE id = ?1"),
                [id.to_string()],
                from_row,
            )?)
        })
        .await
    }

    async fn claim_job(&self) -> StoreResult<Option<JobRecord>> {
        self.call(move |c| {
            Ok(c.query_row(
                &format!(
                    "UPDATE jobs SET state = 'processing', attempts = attempts + 1, started_at = ?1
                     WHERE id = (SELECT id FROM jobs WHERE state = 'pending'
                                 ORDER BY created_at, rowid LIMIT 1)
                       AND state = 'pending'
                     RETURNING {COLUMNS}"
                ),
                [crate::now()],
                from_row,
            )
            .optional()?)
        })
        .await
    }

    async fn complete_job(&self, id: Uuid, res: JobResult) -> StoreResult<()> {
        self.call(move |c| {
            let now = crate::now();
            let n = c.execute(
                "UPDATE jobs SET state = 'completed', finished_at = ?2,
                     expires_at = ?2 + ttl_s, result_path = ?3, content_type = ?4,
                     timestamps = ?5, model = ?6, chars = ?7,
                     error_code = NULL, error_message = NULL
                 WHERE id = ?1 AND state = 'processing'",
                params![
                    id.to_string(),
                    now,
                    res.path,
                    res.content_type,
                    res.timestamps,
                    res.model,
                    res.chars
                ],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            Ok(())
        })
        .await
    }

    async fn fail_job(&self, id: Uuid, code: &str, message: &str) -> StoreResult<()> {
        let (code, message) = (code.to_string(), message.to_string());
        self.call(move |c| {
            let n = c.execute(
                "UPDATE jobs SET state = 'failed', finished_at = ?2, expires_at = ?2 + ttl_s,
                     error_code = ?3, error_message = ?4
                 WHERE id = ?1 AND state IN ('pending', 'processing')",
                params![id.to_string(), crate::now(), code, message],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            Ok(())
        })
        .await
    }

    async fn recover_jobs(&self, max_attempts: i64) -> StoreResult<Recovered> {
        self.call(move |c| {
            let tx = c.transaction()?;
            let now = crate::now();
            let failed = tx.execute(
                "UPDATE jobs SET state = 'failed', finished_at = ?1, expires_at = ?1 + ttl_s,
                     error_code = 'INTERNAL',
                     error_message = 'interrupted repeatedly: the server stopped while this job ran ' || attempts || ' times'
                 WHERE state = 'processing' AND attempts >= ?2",
                params![now, max_attempts],
            )?;
            let requeued = tx.execute(
                "UPDATE jobs SET state = 'pending' WHERE state = 'processing'",
                [],
            )?;
            tx.commit()?;
            Ok(Recovered {
                requeued: requeued as u64,
                failed: failed as u64,
            })
        })
        .await
    }

    async fn sweep_jobs(&self, now: i64) -> StoreResult<Vec<JobRecord>> {
        self.call(move |c| {
            let mut st = c.prepare(&format!(
                "DELETE FROM jobs WHERE state IN ('completed', 'failed') AND expires_at <= ?1
                 RETURNING {COLUMNS}"
            ))?;
            let rows = st
                .query_map([now], from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    async fn release_job(&self, id: Uuid) -> StoreResult<()> {
        self.call(move |c| {
            let n = c.execute(
                "UPDATE jobs SET state = 'pending', attempts = MAX(attempts - 1, 0), started_at = NULL
                 WHERE id = ?1 AND state = 'processing'",
                [id.to_string()],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            Ok(())
        })
        .await
    }

    async fn list_jobs(&self, who: &crate::Principal, limit: i64) -> StoreResult<Vec<JobRecord>> {
        let who = who.clone();
        self.call(move |c| {
            let mut st = c.prepare(&format!(
                "SELECT {COLUMNS} FROM jobs WHERE ?1 OR owner = ?2
                 ORDER BY created_at DESC, rowid DESC LIMIT ?3"
            ))?;
            let rows = st
                .query_map(
                    params![who.admin, who.key_id.map(|k| k.to_string()), limit],
                    from_row,
                )?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    async fn count_pending_jobs(&self) -> StoreResult<i64> {
        self.call(|c| {
            Ok(c.query_row(
                "SELECT COUNT(*) FROM jobs WHERE state = 'pending'",
                [],
                |r| r.get(0),
            )?)
        })
        .await
    }

    async fn delete_job(&self, id: Uuid) -> StoreResult<JobRecord> {
        self.call(move |c| {
            Ok(c.query_row(
                &format!("DELETE FROM jobs WHERE id = ?1 RETURNING {COLUMNS}"),
                [id.to_string()],
                from_row,
            )?)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::JobStore;

    fn job(ttl_s: i64) -> NewJob {
        NewJob {
            id: Uuid::new_v4(),
            owner: Some(Uuid::new_v4()),
            owner_admin: false,
            request: "{}".into(),
            ttl_s,
        }
    }

    #[tokio::test]
    async fn a_job_is_claimed_once_and_finishes() {
        let s = SqliteStore::in_memory().unwrap();
        let a = s.create_job(job(60)).await.unwrap();
        let b = s.create_job(job(60)).await.unwrap();
        assert_eq!(s.count_pending_jobs().await.unwrap(), 2);
        let first = s.claim_job().await.unwrap().unwrap();
        let second = s.claim_job().await.unwrap().unwrap();
        assert_eq!(s.count_pending_jobs().await.unwrap(), 0);
        assert!(s.claim_job().await.unwrap().is_none());
        assert_eq!((first.id, second.id), (a.id, b.id));
        assert_eq!(first.state, JobState::Processing);
        assert_eq!(first.attempts, 1);
        s.complete_job(
            a.id,
            JobResult {
                path: "/x".into(),
                content_type: "audio/wav".into(),
                timestamps: None,
                model: "m".into(),
                chars: 5,
            },
        )
        .await
        .unwrap();
        // Finished once: a second finish finds nothing to change.
        assert!(matches!(
            s.fail_job(a.id, "INTERNAL", "x").await,
            Err(StoreError::NotFound)
        ));
        let done = s.get_job(a.id).await.unwrap();
        assert_eq!(done.state, JobState::Completed);
        assert_eq!(done.expires_at, done.finished_at.unwrap() + 60);
    }

    #[tokio::test]
    async fn interrupted_jobs_go_back_then_fail_after_three_tries() {
        let s = SqliteStore::in_memory().unwrap();
        let a = s.create_job(job(60)).await.unwrap();
        for round in 1..=3 {
            let c = s.claim_job().await.unwrap().unwrap();
            assert_eq!(c.attempts, round);
            let r = s.recover_jobs(3).await.unwrap();
            if round < 3 {
                assert_eq!(
                    r,
                    Recovered {
                        requeued: 1,
                        failed: 0
                    }
                );
                assert_eq!(s.get_job(a.id).await.unwrap().state, JobState::Pending);
            } else {
                assert_eq!(
                    r,
                    Recovered {
                        requeued: 0,
                        failed: 1
                    }
                );
            }
        }
        let j = s.get_job(a.id).await.unwrap();
        assert_eq!(j.state, JobState::Failed);
        assert!(j.error_message.unwrap().contains("interrupted repeatedly"));
    }

    #[tokio::test]
    async fn a_released_job_waits_again_without_using_a_try() {
        let s = SqliteStore::in_memory().unwrap();
        let a = s.create_job(job(60)).await.unwrap();
        s.claim_job().await.unwrap().unwrap();
        s.release_job(a.id).await.unwrap();
        let j = s.get_job(a.id).await.unwrap();
        assert_eq!((j.state, j.attempts), (JobState::Pending, 0));
        // Only a job being made can be released.
        assert!(matches!(
            s.release_job(a.id).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(s.claim_job().await.unwrap().unwrap().attempts, 1);
    }

    #[tokio::test]
    async fn only_finished_expired_jobs_are_swept() {
        let s = SqliteStore::in_memory().unwrap();
        let pending = s.create_job(job(0)).await.unwrap();
        let failed = s.create_job(job(0)).await.unwrap();
        s.fail_job(failed.id, "INTERNAL", "x").await.unwrap();
        let mine = crate::Principal {
            key_id: pending.owner,
            admin: false,
        };
        let listed = s.list_jobs(&mine, 10).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].id, pending.id);
        assert_eq!(
            s.list_jobs(&crate::Principal::unauthenticated(), 10)
                .await
                .unwrap()
                .len(),
            2
        );
        let swept = s.sweep_jobs(crate::now() + 1).await.unwrap();
        assert_eq!(swept.len(), 1);
        assert_eq!(swept[0].id, failed.id);
        assert!(s.get_job(pending.id).await.is_ok());
        assert!(matches!(
            s.get_job(failed.id).await,
            Err(StoreError::NotFound)
        ));
    }
}
