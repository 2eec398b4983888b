use rusqlite::{params, OptionalExtension, Row};
use uuid::Uuid;

use super::{parse_uuid, parse_uuid_opt, SqliteStore};
use crate::dicts::DictRecord;
use crate::{Principal, StoreError, StoreResult};

/// Schema steps for this concern (see `super::MIGRATIONS`).
pub(super) const MIGRATIONS: &[(&str, &str)] = &[(
    "dicts_1",
    "CREATE TABLE dicts (
         id TEXT PRIMARY KEY,
         owner TEXT,
         name TEXT NOT NULL,
         entries TEXT NOT NULL,
         version INTEGER NOT NULL,
         created_at INTEGER NOT NULL,
         updated_at INTEGER NOT NULL
     );
     CREATE INDEX dicts_owner ON dicts (owner);",
)];

const COLUMNS: &str = "id, owner, name, entries, version, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<DictRecord> {
    Ok(DictRecord {
        id: parse_uuid(r, 0)?,
        owner: parse_uuid_opt(r, 1)?,
        name: r.get(2)?,
        entries: r.get(3)?,
        version: r.get(4)?,
        created_at: r.get(5)?,
        updated_at: r.get(6)?,
    })
}

#[async_trait::async_trait]
impl crate::DictStore for SqliteStore {
    async fn create_dict(&self, d: DictRecord) -> StoreResult<()> {
        self.call(move |c| {
            c.execute(
                &format!("INSERT INTO dicts ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
                params![
                    d.id.to_string(),
                    d.owner.map(|o| o.to_string()),
                    d.name,
                    d.entries,
                    d.version,
                    d.created_at,
                    d.updated_at
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn get_dict(&self, id: Uuid) -> StoreResult<DictRecord> {
        self.call(move |c| super::row_by_id(c, "dicts", COLUMNS, id, from_row))
            .await
    }

    async fn list_dicts(&self, who: &Principal) -> StoreResult<Vec<DictRecord>> {
        let who = who.clone();
        self.call(move |c| super::visible_rows(c, "dicts", COLUMNS, &who, from_row))
            .await
    }

    async fn update_dict(
        &self,
        id: Uuid,
        name: Option<String>,
        entries: String,
    ) -> StoreResult<DictRecord> {
        self.call(move |c| {
            c.query_row(
                &format!(
                    "UPDATE dicts SET name = COALESCE(?2, name), entries = ?3,
                         version = version + 1, updated_at = ?4
                     WHERE id = ?1 RETURNING {COLUMNS}"
                ),
                params![id.to_string(), name, entries, crate::now()],
                from_row,
            )
            .optional()?
            .ok_or(StoreError::NotFound)
        })
        .await
    }

    async fn delete_dict(&self, id: Uuid) -> StoreResult<()> {
        self.call(move |c| {
            match c.execute("DELETE FROM dicts WHERE id = ?1", [id.to_string()])? {
                0 => Err(StoreError::NotFound),
                _ => Ok(()),
            }
        })
        .await
    }
}
