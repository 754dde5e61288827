//! The PostgreSQL backend, for outlets that run several Dateline nodes.
//!
//! The queries are shared with SQLite through
//! [`dateline_store::sql_store_impl!`]; this crate owns the pool settings and
//! its migrations in `migrations/` (native `TIMESTAMPTZ`, `BOOLEAN`, identity
//! columns).

use std::time::Duration;

use dateline_store::StoreError;
use sqlx::postgres::PgPoolOptions;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: sqlx::PgPool,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host:5432/db`), failing within a
    /// few seconds when the server does not answer.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await
            .map_err(|e| StoreError::Database(Box::new(e)))?;
        Ok(Self { pool })
    }
}

dateline_store::sql_store_impl!(PostgresStore, sqlx::Postgres, "postgres");
