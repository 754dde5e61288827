//! One action, one transaction.
//!
//! What a user does commits whole or not at all: saving a story writes the
//! story, its tags and authors, its old address, its publication job, its
//! revision, its audit entry, the live event other nodes and pages follow
//! and the shared content version — and a crash, a failed query or a
//! deploy between any two of those leaves none of them. Domain code asks
//! the store for a [`WriteTx`] ([`crate::Store::begin_write`]), makes its
//! writes through it and commits; dropping it without committing rolls
//! everything back. The store's own single-step methods run the same code
//! in a transaction of their own.
//!
//! The SQL here is written once, as ordinary generic Rust over sqlx's
//! [`Database`], for both backends; the one place the dialects differ (the
//! live event log's ordering lock and notification on PostgreSQL) asks
//! [`Database::NAME`].
//!
//! Failpoints (the `fail` crate, with the `failpoints` feature, which only
//! the tests turn on) sit between the steps a domain action takes, so tests
//! can stop an action half-way and check that nothing of it is visible.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Type};
use time::OffsetDateTime;

use crate::StoreError;
use crate::backend::{db_error, failpoint};

/// The writes of one action, committed together by [`WriteTx::commit`].
/// Dropped without committing, it rolls them all back.
#[async_trait]
pub trait WriteTx:
    crate::AccountTx
    + crate::ArticleTx
    + crate::ChatTx
    + crate::DirectoryTx
    + crate::DiscussionTx
    + crate::JobTx
    + crate::LiveTx
    + crate::MediaTx
    + crate::NewsletterTx
    + crate::NewsroomTx
    + Send
{
    /// Makes every write of the action visible at once.
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

/// Every write of the store, on the transaction of one action.
pub struct SqlTx<DB: Database> {
    pub(crate) tx: sqlx::Transaction<'static, DB>,
}

impl<DB: Database> std::fmt::Debug for SqlTx<DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlTx").field("backend", &DB::NAME).finish_non_exhaustive()
    }
}

impl<DB> SqlTx<DB>
where
    DB: Database,
{
    /// Starts a write transaction. On SQLite it takes the write lock at
    /// once (`BEGIN IMMEDIATE`): a deferred one that reads first fails at
    /// once when another writer committed meanwhile, instead of waiting.
    pub async fn begin(pool: &sqlx::Pool<DB>) -> Result<Self, StoreError> {
        let statement = if DB::NAME == "SQLite" { "BEGIN IMMEDIATE" } else { "BEGIN" };
        let tx = pool.begin_with(statement).await.map_err(db_error)?;
        Ok(Self { tx })
    }
}

#[async_trait]
impl<DB> WriteTx for SqlTx<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> i32: Encode<'q, DB> + Type<DB>,
    for<'q> f64: Encode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    for<'q> Option<OffsetDateTime>: Encode<'q, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB>,
    for<'r> String: Decode<'r, DB>,
    for<'r> bool: Decode<'r, DB>,
    for<'r> Option<i64>: Decode<'r, DB>,
    for<'r> OffsetDateTime: Decode<'r, DB>,
    for<'r> crate::ChatRoom: sqlx::FromRow<'r, DB::Row>,
    for<'r> crate::newsletter_sql::SubscriberRow: sqlx::FromRow<'r, DB::Row>,
    for<'r> crate::discussion_sql::CommentRow: sqlx::FromRow<'r, DB::Row>,
    for<'r> (String, String): sqlx::FromRow<'r, DB::Row>,
    for<'r> crate::chat_sql::MessageRow: sqlx::FromRow<'r, DB::Row>,
    for<'r> crate::ChatReactionCount: sqlx::FromRow<'r, DB::Row>,
    for<'r> crate::LiveBlogEntry: sqlx::FromRow<'r, DB::Row>,
    for<'r> (i64, String): sqlx::FromRow<'r, DB::Row>,
    for<'r> (i64, String, i64): sqlx::FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        failpoint!("store.commit");
        self.tx.commit().await.map_err(db_error)
    }
}
