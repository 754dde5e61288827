//! What other nodes follow: the live newsfeed's event log (`live_events`)
//! and the shared content version that tells every node's caches to
//! refresh. Both are written in the transaction of the change they report
//! ([`crate::LiveTx`]), so no node acts on a change that rolled back and
//! none misses one that committed.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::{LiveEvent, NewLiveEvent, StoreError};

#[async_trait]
pub trait LiveStore: Send + Sync {
    /// Appends an event and tells every node (on PostgreSQL, through
    /// `NOTIFY`). Ids are handed out in commit order, so a node that has
    /// read up to id N never later finds an event below N.
    async fn append_live_event(
        &self,
        new: &NewLiveEvent,
        now: OffsetDateTime,
    ) -> Result<LiveEvent, StoreError>;
    /// Events with an id above `after_id`, oldest first, at most `limit`.
    async fn live_events_after(&self, after_id: i64, limit: i64) -> Result<Vec<LiveEvent>, StoreError>;
    /// The newest `limit` events created at or after `since`, oldest first.
    async fn recent_live_events(
        &self,
        since: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<LiveEvent>, StoreError>;
    /// Deletes events created before `before`; returns how many.
    async fn prune_live_events(&self, before: OffsetDateTime) -> Result<u64, StoreError>;
    /// A wake-up each time another node may have appended events (and after
    /// a lost connection to the database is back), for backends that share
    /// events between nodes; `None` on a single-node backend (SQLite).
    async fn live_wakeups(&self) -> Result<Option<tokio::sync::mpsc::Receiver<()>>, StoreError>;

    /// Bumps the shared content version (after any write readers can see).
    async fn bump_content_version(&self) -> Result<i64, StoreError>;
    /// The shared content version, which other nodes' writes bump too.
    async fn content_version(&self) -> Result<i64, StoreError>;
}
