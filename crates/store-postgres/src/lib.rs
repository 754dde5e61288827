//! The PostgreSQL backend, for outlets that run several Dateline nodes.
//!
//! The queries are shared with SQLite: each domain of `dateline_store`
//! implements itself for every [`dateline_store::SqlPool`], which this crate
//! implements (its pool and `LISTEN`); this crate owns the pool settings and
//! its migrations in `migrations/` (native `TIMESTAMPTZ`, `BOOLEAN`, identity
//! columns), and instantiates [`dateline_store::sql_store_impl!`] for the
//! backend's own methods.

use std::time::Duration;

use dateline_store::StoreError;
use sqlx::postgres::{PgListener, PgPoolOptions};

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

#[async_trait::async_trait]
impl dateline_store::SqlPool for PostgresStore {
    type Db = sqlx::Postgres;

    fn pool(&self) -> &sqlx::PgPool {
        &self.pool
    }

    /// Listens on a notification channel: `dateline_live`, which every
    /// node's [`dateline_store::Store::append_live_event`] notifies, or
    /// `dateline_chat` ([`dateline_store::ChatStore::append_chat_event`]). Each
    /// notification becomes a wake-up (coalesced while one is pending), as
    /// does every reconnection after a lost connection, since notifications
    /// sent meanwhile are lost: the reader then catches up from the log.
    /// The listening task ends when the receiver is dropped.
    async fn listen(
        &self,
        channel: &'static str,
    ) -> Result<Option<tokio::sync::mpsc::Receiver<()>>, StoreError> {
        let mut listener =
            PgListener::connect_with(&self.pool).await.map_err(|e| StoreError::Database(Box::new(e)))?;
        listener.listen(channel).await.map_err(|e| StoreError::Database(Box::new(e)))?;
        let (sender, receiver) = tokio::sync::mpsc::channel(1);
        tokio::spawn(async move {
            loop {
                let woken = match listener.try_recv().await {
                    Ok(Some(_)) => true,
                    Ok(None) => {
                        tracing::warn!(
                            channel,
                            "lost the database connection that listens for events; reconnecting"
                        );
                        true
                    }
                    Err(error) => {
                        tracing::warn!(%error, channel, "could not listen for events; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        false
                    }
                };
                if woken {
                    match sender.try_send(()) {
                        Ok(()) | Err(tokio::sync::mpsc::error::TrySendError::Full(())) => {}
                        Err(tokio::sync::mpsc::error::TrySendError::Closed(())) => break,
                    }
                } else if sender.is_closed() {
                    break;
                }
            }
        });
        Ok(Some(receiver))
    }
}

dateline_store::sql_store_impl!(PostgresStore, sqlx::Postgres, "postgres");
