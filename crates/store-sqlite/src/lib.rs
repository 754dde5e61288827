//! The embedded SQLite backend: Dateline's default store.
//!
//! One database file in the data directory, in WAL mode (readers never wait
//! for the writer) with foreign keys enforced. The queries are shared with
//! PostgreSQL: each domain of `dateline_store` implements itself for every
//! [`dateline_store::SqlPool`], which this crate implements (its pool, no
//! `LISTEN`); this crate owns the connection options and its migrations in
//! `migrations/`, and instantiates [`dateline_store::sql_store_impl!`] for
//! the backend's own methods.

use std::str::FromStr;
use std::time::Duration;

use dateline_store::StoreError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: sqlx::SqlitePool,
}

impl SqliteStore {
    /// Opens (creating when missing) the database at `url`, which is either a
    /// `sqlite:` URL or a plain file path.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let url = if url.starts_with("sqlite:") { url.to_owned() } else { format!("sqlite://{url}") };
        let options = SqliteConnectOptions::from_str(&url)
            .map_err(|e| StoreError::Database(Box::new(e)))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Database(Box::new(e)))?;
        Ok(Self { pool })
    }
}

#[async_trait::async_trait]
impl dateline_store::SqlPool for SqliteStore {
    type Db = sqlx::Sqlite;

    fn pool(&self) -> &sqlx::SqlitePool {
        &self.pool
    }

    /// One process owns an SQLite file: there are no other nodes to hear.
    async fn listen(
        &self,
        _channel: &'static str,
    ) -> Result<Option<tokio::sync::mpsc::Receiver<()>>, StoreError> {
        Ok(None)
    }
}

dateline_store::sql_store_impl!(SqliteStore, sqlx::Sqlite, "sqlite");
