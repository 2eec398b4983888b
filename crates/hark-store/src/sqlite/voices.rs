use rusqlite::{params, OptionalExtension, Row};
use uuid::Uuid;

use super::{parse_uuid, parse_uuid_opt, SqliteStore};
use crate::voices::{VoicePatch, VoiceRecord};
use crate::{Principal, StoreError, StoreResult};

/// Schema steps for this concern (see `super::MIGRATIONS`).
pub(super) const MIGRATIONS: &[(&str, &str)] = &[(
    "voices_1",
    "CREATE TABLE voices (
         id TEXT PRIMARY KEY,
         owner TEXT,
         name TEXT NOT NULL,
         description TEXT NOT NULL DEFAULT '',
         tags TEXT NOT NULL DEFAULT '[]',
         base TEXT NOT NULL,
         speaker TEXT,
         speed REAL,
         noise_scale REAL,
         noise_w REAL,
         created_at INTEGER NOT NULL,
         updated_at INTEGER NOT NULL
     );
     CREATE INDEX voices_owner ON voices (owner);",
)];

const COLUMNS: &str = "id, owner, name, description, tags, base, speaker, speed, noise_scale, \
                       noise_w, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<VoiceRecord> {
    let tags: String = r.get(4)?;
    Ok(VoiceRecord {
        id: parse_uuid(r, 0)?,
        owner: parse_uuid_opt(r, 1)?,
        name: r.get(2)?,
        description: r.get(3)?,
        // A hand-edited row with bad tags shows none rather than failing.
        tags: serde_json::from_str(&tags).unwrap_or_default(),
        base: r.get(5)?,
        speaker: r.get(6)?,
        speed: r.get(7)?,
        noise_scale: r.get(8)?,
        noise_w: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
    })
}

fn tags_json(tags: &[String]) -> StoreResult<String> {
    serde_json::to_string(tags).map_err(|e| StoreError::Backend(e.to_string()))
}

#[async_trait::async_trait]
impl crate::VoiceStore for SqliteStore {
    async fn create_voice(&self, v: VoiceRecord) -> StoreResult<()> {
        let tags = tags_json(&v.tags)?;
        self.call(move |c| {
            c.execute(
                &format!("INSERT INTO voices ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"),
                params![
                    v.id.to_string(),
                    v.owner.map(|o| o.to_string()),
                    v.name,
                    v.description,
                    tags,
                    v.base,
                    v.speaker,
                    v.speed,
                    v.noise_scale,
                    v.noise_w,
                    v.created_at,
                    v.updated_at
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn get_voice(&self, id: Uuid) -> StoreResult<VoiceRecord> {
        self.call(move |c| super::row_by_id(c, "voices", COLUMNS, id, from_row))
            .await
    }

    async fn list_voices(&self, who: &Principal) -> StoreResult<Vec<VoiceRecord>> {
        let who = who.clone();
        self.call(move |c| super::visible_rows(c, "voices", COLUMNS, &who, from_row))
            .await
    }

    async fn update_voice(&self, id: Uuid, patch: VoicePatch) -> StoreResult<VoiceRecord> {
        let tags = patch.tags.as_deref().map(tags_json).transpose()?;
        self.call(move |c| {
            c.query_row(
                &format!(
                    "UPDATE voices SET name = COALESCE(?2, name),
                         description = COALESCE(?3, description),
                         tags = COALESCE(?4, tags), updated_at = ?5
                     WHERE id = ?1 RETURNING {COLUMNS}"
                ),
                params![
                    id.to_string(),
                    patch.name,
                    patch.description,
                    tags,
                    crate::now()
                ],
                from_row,
            )
            .optional()?
            .ok_or(StoreError::NotFound)
        })
        .await
    }

    async fn delete_voice(&self, id: Uuid) -> StoreResult<()> {
        self.call(move |c| {
            match c.execute("DELETE FROM voices WHERE id = ?1", [id.to_string()])? {
                0 => Err(StoreError::NotFound),
                _ => Ok(()),
            }
        })
        .await
    }
}
