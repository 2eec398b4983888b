use rusqlite::{params, OptionalExtension, Row};
use uuid::Uuid;

use super::SqliteStore;
use crate::keys::{self, CreatedKey, KeyLimits, KeyRecord, NewKey};
use crate::{StoreError, StoreResult};

/// Schema steps for this concern (see `super::MIGRATIONS`).
pub(super) const MIGRATIONS: &[(&str, &str)] = &[(
    "keys_1",
    "CREATE TABLE api_keys (
         id TEXT PRIMARY KEY,
         name TEXT NOT NULL,
         prefix TEXT NOT NULL,
         secret_sha256 TEXT NOT NULL UNIQUE,
         admin INTEGER NOT NULL,
         max_concurrency INTEGER,
         rpm INTEGER,
         monthly_chars INTEGER,
         created_at INTEGER NOT NULL,
         revoked_at INTEGER
     );",
)];

const COLUMNS: &str =
    "id, name, prefix, admin, max_concurrency, rpm, monthly_chars, created_at, revoked_at";

fn record(r: &Row) -> rusqlite::Result<KeyRecord> {
    let id: String = r.get(0)?;
    Ok(KeyRecord {
        id: Uuid::parse_str(&id).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })?,
        name: r.get(1)?,
        prefix: r.get(2)?,
        admin: r.get(3)?,
        limits: KeyLimits {
            max_concurrency: r.get(4)?,
            rpm: r.get(5)?,
            monthly_chars: r.get::<_, Option<i64>>(6)?.map(|n| n.max(0) as u64),
        },
        created_at: r.get(7)?,
        revoked_at: r.get(8)?,
    })
}

#[async_trait::async_trait]
impl crate::KeyStore for SqliteStore {
    async fn create_key(&self, new: NewKey) -> StoreResult<CreatedKey> {
        let secret = keys::generate_secret()?;
        let rec = KeyRecord {
            id: Uuid::new_v4(),
            name: new.name,
            prefix: keys::secret_prefix(&secret),
            admin: new.admin,
            limits: new.limits,
            created_at: crate::now(),
            revoked_at: None,
        };
        let hash = keys::hash_secret(&secret);
        let r = rec.clone();
        self.call(move |c| {
            c.execute(
                "INSERT INTO api_keys (id, name, prefix, secret_sha256, admin, max_concurrency,
                     rpm, monthly_chars, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    r.id.to_string(),
                    r.name,
                    r.prefix,
                    hash,
                    r.admin,
                    r.limits.max_concurrency,
                    r.limits.rpm,
                    r.limits
                        .monthly_chars
                        .map(|n| n.min(i64::MAX as u64) as i64),
                    r.created_at
                ],
            )?;
            Ok(())
        })
        .await?;
        Ok(CreatedKey {
            record: rec,
            secret,
        })
    }

    async fn key_by_secret(&self, secret: &str) -> StoreResult<Option<KeyRecord>> {
        let hash = keys::hash_secret(secret);
        self.call(move |c| {
            Ok(c.query_row(
                &format!(
                    "SELECT {COLUMNS} FROM api_keys WHERE secret_sha256 = ?1 AND revoked_at IS NULL"
                ),
                [hash],
                record,
            )
            .optional()?)
        })
        .await
    }

    async fn list_keys(&self) -> StoreResult<Vec<KeyRecord>> {
        self.call(|c| {
            let mut st = c.prepare(&format!(
                "SELECT {COLUMNS} FROM api_keys ORDER BY created_at, rowid"
            ))?;
            let rows = st.query_map([], record)?.collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    async fn revoke_key(&self, id: Uuid) -> StoreResult<KeyRecord> {
        self.call(move |c| {
            let n = c.execute(
                "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                params![id.to_string(), crate::now()],
            )?;
            let rec = c.query_row(
                &format!("SELECT {COLUMNS} FROM api_keys WHERE id = ?1"),
                [id.to_string()],
                record,
            )?;
            if n == 0 && rec.revoked_at.is_none() {
                return Err(StoreError::NotFound);
            }
            Ok(rec)
        })
        .await
    }

    async fn count_keys(&self) -> StoreResult<u64> {
        self.call(|c| {
            let n: i64 = c.query_row("SELECT COUNT(*) FROM api_keys", [], |r| r.get(0))?;
            Ok(n.max(0) as u64)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KeyStore;

    #[tokio::test]
    async fn only_the_hash_is_kept_and_revocation_is_immediate() {
        let s = SqliteStore::in_memory().unwrap();
        assert_eq!(s.count_keys().await.unwrap(), 0);
        let made = s
            .create_key(NewKey {
                name: "ci".into(),
                admin: false,
                limits: KeyLimits {
                    rpm: Some(5),
                    ..KeyLimits::default()
                },
            })
            .await
            .unwrap();
        assert!(made.secret.starts_with(keys::SECRET_PREFIX) && made.secret.len() == 46);
        let found = s.key_by_secret(&made.secret).await.unwrap().unwrap();
        assert_eq!(found, made.record);
        assert_eq!(found.limits.rpm, Some(5));
        assert!(s.key_by_secret("hk_nope").await.unwrap().is_none());
        let secret = made.secret.clone();
        let stored: i64 = s
            .call(move |c| {
                Ok(c.query_row(
                    "SELECT COUNT(*) FROM api_keys
                     WHERE instr(id || name || prefix || secret_sha256, ?1) > 0",
                    [secret],
                    |r| r.get(0),
                )?)
            })
            .await
            .unwrap();
        assert_eq!(stored, 0, "the secret itself is stored somewhere");
        let revoked = s.revoke_key(made.record.id).await.unwrap();
        assert!(revoked.revoked_at.is_some());
        assert!(s.key_by_secret(&made.secret).await.unwrap().is_none());
        assert_eq!(s.count_keys().await.unwrap(), 1);
        assert!(matches!(
            s.revoke_key(Uuid::new_v4()).await,
            Err(StoreError::NotFound)
        ));
    }
}
