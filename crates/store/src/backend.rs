//! What the SQL of every domain shares: the pool a backend store lends it
//! ([`SqlPool`]), how a database error becomes a [`StoreError`], times
//! kept to the second, the one question where the dialects differ, and the
//! tests' failpoints.
//!
//! Each domain module (`chat_sql`, …) implements its store trait once, as
//! ordinary generic Rust over sqlx's [`Database`], for every `S: SqlPool`;
//! the backend crates implement only [`SqlPool`] (their pool, connection
//! options and `LISTEN`).

use async_trait::async_trait;
use sqlx::Database;
use time::OffsetDateTime;
use tokio::sync::mpsc::Receiver;

use crate::StoreError;

/// A backend store as the domain modules see it.
#[async_trait]
pub trait SqlPool: Send + Sync {
    type Db: Database;

    fn pool(&self) -> &sqlx::Pool<Self::Db>;

    /// Wake-ups when another node notified `channel` (PostgreSQL's
    /// `LISTEN`), or `None` where there are no other nodes (SQLite).
    async fn listen(&self, channel: &'static str) -> Result<Option<Receiver<()>>, StoreError>;
}

/// A database error as the store reports it: a unique constraint is a
/// `Conflict`, anything else the database's.
pub fn db_error(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(ref inner) = e
        && inner.is_unique_violation()
    {
        return StoreError::Conflict(inner.message().to_owned());
    }
    StoreError::Database(Box::new(e))
}

/// A connection from the pool, for one of the store's single-step
/// methods (an action's transaction brings its own).
pub(crate) async fn connection<DB: Database>(
    pool: &sqlx::Pool<DB>,
) -> Result<sqlx::pool::PoolConnection<DB>, StoreError> {
    pool.acquire().await.map_err(db_error)
}

/// Times are kept to the second.
pub(crate) fn whole_seconds(at: OffsetDateTime) -> OffsetDateTime {
    at.to_offset(time::UtcOffset::UTC).replace_nanosecond(0).unwrap_or(at)
}

/// `$start, $start+1, …`: `count` numbered placeholders for an `IN` list.
pub(crate) fn placeholders(start: usize, count: usize) -> String {
    (start..start + count).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ")
}

/// True on PostgreSQL, where the event logs take an ordering lock and
/// notify other nodes.
pub(crate) fn is_postgres<DB: Database>() -> bool {
    DB::NAME == "PostgreSQL"
}

/// Stops here when the test named this failpoint (tests only).
macro_rules! failpoint {
    ($name:literal) => {
        #[cfg(feature = "failpoints")]
        fail::fail_point!($name, |_| Err(StoreError::Database(format!("failpoint {}", $name).into())));
    };
}
pub(crate) use failpoint;
