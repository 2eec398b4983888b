//! The embedded default: one SQLite file, WAL journal, migrations at open.
//!
//! One connection behind a mutex, used from tokio's blocking pool
//! ([`SqliteStore::call`]); SQLite serializes writers anyway, and the
//! statements here are small. Each concern keeps its schema and queries in
//! its own file (`keys.rs`, `jobs.rs`, ...).

mod dicts;
mod jobs;
mod keys;
mod usage;
mod voices;

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use crate::{StoreError, StoreResult};

/// Schema steps, per concern, applied once each in this order. Append new
/// steps; never edit one that has shipped.
const MIGRATIONS: &[&[(&str, &str)]] = &[
    keys::MIGRATIONS,
    usage::MIGRATIONS,
    voices::MIGRATIONS,
    dicts::MIGRATIONS,
    jobs::MIGRATIONS,
];

#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteStore {
    /// Opens (creating) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> StoreResult<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Backend(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        create_private(path)
            .map_err(|e| StoreError::Backend(format!("cannot create {}: {e}", path.display())))?;
        let conn = Connection::open(path)?;
        Self::setup(conn)
    }

    /// A private in-memory database (tests).
    pub fn in_memory() -> StoreResult<Self> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> StoreResult<Self> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` on the connection in tokio's blocking pool.
    pub(crate) async fn call<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut c = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut c)
        })
        .await
        .map_err(|e| StoreError::Backend(format!("store task failed: {e}")))?
    }
}

fn migrate(conn: &mut Connection) -> StoreResult<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             name TEXT PRIMARY KEY,
             applied_at INTEGER NOT NULL
         );",
    )?;
    for steps in MIGRATIONS {
        for (name, sql) in steps.iter() {
            let tx = conn.transaction()?;
            let done: bool = tx.query_row(
                "SELECT EXISTS(SELECT 1 FROM schema_migrations WHERE name = ?1)",
                [name],
                |r| r.get(0),
            )?;
            if !done {
                tx.execute_batch(sql)?;
                tx.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?1, ?2)",
                    rusqlite::params![name, crate::now()],
                )?;
                tracing::info!(migration = name, "store schema updated");
            }
            tx.commit()?;
        }
    }
    Ok(())
}

/// A UUID column (stored as hyphenated text).
pub(crate) fn parse_uuid(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<uuid::Uuid> {
    let s: String = r.get(i)?;
    uuid::Uuid::parse_str(&s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// A nullable UUID column.
pub(crate) fn parse_uuid_opt(
    r: &rusqlite::Row<'_>,
    i: usize,
) -> rusqlite::Result<Option<uuid::Uuid>> {
    match r.get::<_, Option<String>>(i)? {
        None => Ok(None),
        Some(s) => uuid::Uuid::parse_str(&s).map(Some).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        }),
    }
}

/// Reads a row into a record.
pub(crate) type FromRow<T> = fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>;

/// The record `id` of `table` (owned tables: `id` is the key).
pub(crate) fn row_by_id<T>(
    c: &Connection,
    table: &str,
    columns: &str,
    id: uuid::Uuid,
    from_row: FromRow<T>,
) -> StoreResult<T> {
    Ok(c.query_row(
        &format!("SELECT {columns} FROM {table} WHERE id = ?1"),
        [id.to_string()],
        from_row,
    )?)
}

/// The records of `table` that `who` may see, oldest first: an admin all,
/// a key its own (`owner` column).
pub(crate) fn visible_rows<T>(
    c: &Connection,
    table: &str,
    columns: &str,
    who: &crate::Principal,
    from_row: FromRow<T>,
) -> StoreResult<Vec<T>> {
    let mut st = c.prepare(&format!(
        "SELECT {columns} FROM {table} WHERE ?1 OR owner = ?2 ORDER BY created_at, rowid"
    ))?;
    let rows = st
        .query_map(
            rusqlite::params![who.admin, who.key_id.map(|k| k.to_string())],
            from_row,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Makes a new database file readable only by its owner (it holds the
/// customers' texts and key hashes); SQLite gives its WAL and shared-memory
/// files the same mode. An existing file is left as it is.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    match opts.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}
