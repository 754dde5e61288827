//! What other nodes follow: the live newsfeed's event log (`live_events`)
//! and the log of page changes (`page_changes`, numbered by the shared
//! content version) that tells every node's caches what to drop. Both are written in the transaction of the change they report
//! ([`crate::LiveTx`]), so no node acts on a change that rolled back and
//! none misses one that committed.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::{LiveEvent, NewLiveEvent, PageChange, StoreError};

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

    /// Records a change readers can see, naming the keys of the pages that
    /// show it, in a transaction of its own; returns the new content
    /// version (the change's id).
    async fn record_page_change(&self, keys: &[String]) -> Result<i64, StoreError>;
    /// The shared content version, which other nodes' writes bump too.
    async fn content_version(&self) -> Result<i64, StoreError>;
    /// Recorded changes with an id above `after_id`, oldest first, at most
    /// `limit`. Ids commit in order, but one may be missing: a change
    /// older than the log's retention is pruned, and a follower that finds
    /// the next id absent has missed changes.
    async fn page_changes_after(&self, after_id: i64, limit: i64) -> Result<Vec<PageChange>, StoreError>;
    /// Deletes recorded changes made before `before`; returns how many.
    async fn prune_page_changes(&self, before: OffsetDateTime) -> Result<u64, StoreError>;
}
