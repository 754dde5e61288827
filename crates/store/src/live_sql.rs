//! The event log and the content version on SQL: [`LiveStore`] for every
//! backend store ([`SqlPool`]), and their writes in an action's
//! transaction ([`LiveTx`] on [`SqlTx`]). The dialects differ in one
//! place, asked of [`is_postgres`]: PostgreSQL orders appenders with an
//! advisory lock and tells other nodes with `NOTIFY`, sent at commit.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Type};
use time::OffsetDateTime;
use tokio::sync::mpsc::Receiver;

use crate::backend::{SqlPool, db_error, failpoint, is_postgres, whole_seconds};
use crate::{LiveEvent, LiveStore, NewLiveEvent, PageChange, SqlTx, StoreError};

/// The change log writes an action makes inside its transaction
/// ([`crate::WriteTx`]).
#[async_trait]
pub trait LiveTx: Send {
    /// Appends to the live event log; every node hears of it once the
    /// transaction commits (on PostgreSQL through `NOTIFY`, which is sent
    /// at commit). Take it last: on PostgreSQL it holds the log's ordering
    /// lock until the commit.
    async fn append_live_event(
        &mut self,
        new: &NewLiveEvent,
        now: OffsetDateTime,
    ) -> Result<LiveEvent, StoreError>;
    /// Records a change readers will see: bumps the shared content version
    /// and logs, under that number, the keys of the pages that show what
    /// changed, which every node's cache drops once the transaction
    /// commits. Returns the new version. The version's row stays locked
    /// until the commit, so changes commit in the order of their numbers.
    async fn record_page_change(&mut self, keys: &[String]) -> Result<i64, StoreError>;
}

#[async_trait]
impl<DB> LiveTx for SqlTx<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB>,
    usize: ColumnIndex<DB::Row>,
{
    async fn append_live_event(
        &mut self,
        new: &NewLiveEvent,
        now: OffsetDateTime,
    ) -> Result<LiveEvent, StoreError> {
        failpoint!("store.append_live_event");
        if is_postgres::<DB>() {
            // One appender at a time until commit: ids then commit in
            // order, so readers that follow "id > last seen" miss none.
            sqlx::query::<DB>("SELECT pg_advisory_xact_lock(7261001)")
                .execute(&mut *self.tx)
                .await
                .map_err(db_error)?;
        }
        let id = sqlx::query_scalar::<DB, i64>(
            "INSERT INTO live_events (edition_id, kind, section_id, article_id, breaking, data, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(new.edition_id)
        .bind(new.kind.clone())
        .bind(new.section_id.map(|id| id.get()))
        .bind(new.article_id.map(|id| id.get()))
        .bind(new.breaking)
        .bind(new.data.clone())
        .bind(whole_seconds(now))
        .fetch_one(&mut *self.tx)
        .await
        .map_err(db_error)?;
        if is_postgres::<DB>() {
            // Delivered when (and only if) the transaction commits.
            sqlx::query::<DB>("SELECT pg_notify('dateline_live', $1)")
                .bind(id.to_string())
                .execute(&mut *self.tx)
                .await
                .map_err(db_error)?;
        }
        Ok(LiveEvent {
            id,
            edition_id: new.edition_id,
            kind: new.kind.clone(),
            section_id: new.section_id,
            article_id: new.article_id,
            breaking: new.breaking,
            data: new.data.clone(),
            created_at: whole_seconds(now),
        })
    }

    async fn record_page_change(&mut self, keys: &[String]) -> Result<i64, StoreError> {
        failpoint!("store.record_page_change");
        let version = sqlx::query_scalar::<DB, i64>(
            "UPDATE content_version SET version = version + 1 WHERE id = 1 RETURNING version",
        )
        .fetch_one(&mut *self.tx)
        .await
        .map_err(db_error)?;
        sqlx::query::<DB>("INSERT INTO page_changes (id, keys, created_at) VALUES ($1, $2, $3)")
            .bind(version)
            .bind(join_keys(keys))
            .bind(whole_seconds(OffsetDateTime::now_utc()))
            .execute(&mut *self.tx)
            .await
            .map_err(db_error)?;
        Ok(version)
    }
}

const LIVE_EVENT_COLUMNS: &str = "id, edition_id, kind, section_id, article_id, breaking, data, created_at";

#[async_trait]
impl<S> LiveStore for S
where
    S: SqlPool,
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> bool: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> String: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<i64>: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> OffsetDateTime: Encode<'q, S::Db> + Type<S::Db>,
    for<'r> i64: Decode<'r, S::Db>,
    for<'r> LiveEvent: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> (i64, String): FromRow<'r, <S::Db as Database>::Row>,
    usize: ColumnIndex<<S::Db as Database>::Row>,
{
    async fn append_live_event(
        &self,
        new: &NewLiveEvent,
        now: OffsetDateTime,
    ) -> Result<LiveEvent, StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        let event = tx.append_live_event(new, now).await?;
        tx.tx.commit().await.map_err(db_error)?;
        Ok(event)
    }

    async fn live_events_after(&self, after_id: i64, limit: i64) -> Result<Vec<LiveEvent>, StoreError> {
        let sql = format!("SELECT {LIVE_EVENT_COLUMNS} FROM live_events WHERE id > $1 ORDER BY id LIMIT $2");
        sqlx::query_as::<S::Db, LiveEvent>(&sql)
            .bind(after_id)
            .bind(limit)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)
    }

    async fn recent_live_events(
        &self,
        since: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<LiveEvent>, StoreError> {
        let sql = format!(
            "SELECT {LIVE_EVENT_COLUMNS} FROM live_events WHERE created_at >= $1 ORDER BY id DESC LIMIT $2"
        );
        let mut events = sqlx::query_as::<S::Db, LiveEvent>(&sql)
            .bind(whole_seconds(since))
            .bind(limit)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        events.reverse();
        Ok(events)
    }

    async fn prune_live_events(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        // sqlx has no backend-neutral `rows_affected`: the deleted ids are counted.
        let deleted =
            sqlx::query_scalar::<S::Db, i64>("DELETE FROM live_events WHERE created_at < $1 RETURNING id")
                .bind(whole_seconds(before))
                .fetch_all(self.pool())
                .await
                .map_err(db_error)?;
        Ok(deleted.len() as u64)
    }

    async fn live_wakeups(&self) -> Result<Option<Receiver<()>>, StoreError> {
        self.listen("dateline_live").await
    }

    async fn record_page_change(&self, keys: &[String]) -> Result<i64, StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        let version = tx.record_page_change(keys).await?;
        tx.tx.commit().await.map_err(db_error)?;
        Ok(version)
    }

    async fn content_version(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar::<S::Db, i64>("SELECT version FROM content_version WHERE id = 1")
            .fetch_one(self.pool())
            .await
            .map_err(db_error)
    }

    async fn page_changes_after(&self, after_id: i64, limit: i64) -> Result<Vec<PageChange>, StoreError> {
        let rows = sqlx::query_as::<S::Db, (i64, String)>(
            "SELECT id, keys FROM page_changes WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .map(|(id, keys)| PageChange { id, keys: keys.split_whitespace().map(str::to_owned).collect() })
            .collect())
    }

    async fn prune_page_changes(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        let deleted =
            sqlx::query_scalar::<S::Db, i64>("DELETE FROM page_changes WHERE created_at < $1 RETURNING id")
                .bind(whole_seconds(before))
                .fetch_all(self.pool())
                .await
                .map_err(db_error)?;
        Ok(deleted.len() as u64)
    }
}

/// Keys are stored in one text column, separated by spaces (a key holds
/// none: see the web layer's `page_keys`).
fn join_keys(keys: &[String]) -> String {
    let mut joined = String::new();
    for key in keys.iter().filter(|key| !key.is_empty() && !key.contains(char::is_whitespace)) {
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(key);
    }
    joined
}
