//! The newsroom's records on SQL: [`NewsroomStore`] for every backend
//! store ([`SqlPool`]), and the records an action writes inside its own
//! transaction ([`NewsroomTx`] on [`SqlTx`]): its revision, its audit
//! entry, a live-blog entry.
//!
//! Each write is written once ([`NewsroomSql`] over a connection); rows
//! are decoded by `sqlx::FromRow`. The dialects do not differ here.

use std::marker::PhantomData;

use async_trait::async_trait;
use dateline_core::ArticleStatus;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Type};
use time::OffsetDateTime;

use crate::backend::{SqlPool, connection, db_error, failpoint, whole_seconds};
use crate::{
    ArticleId, AuditEntry, EditionId, LiveBlogEntry, LiveEntryId, NewsroomStore, RevisionId, RevisionInfo,
    SqlTx, StoreError, UserId,
};

/// The records an action writes inside its transaction
/// ([`crate::WriteTx`]); each behaves as the [`NewsroomStore`] method of
/// the same name.
#[async_trait]
pub trait NewsroomTx: Send {
    /// Keeps a snapshot of the article at `version`.
    async fn add_revision(
        &mut self,
        article_id: ArticleId,
        user_id: Option<UserId>,
        status: ArticleStatus,
        snapshot: &str,
        version: i64,
    ) -> Result<RevisionId, StoreError>;
    /// Records who did what (`edition_id`: the edition it concerns, none
    /// for site-wide actions).
    async fn record_audit(
        &mut self,
        user_id: Option<UserId>,
        edition_id: Option<EditionId>,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Result<(), StoreError>;
    async fn add_live_blog_entry(
        &mut self,
        article_id: ArticleId,
        author_id: Option<UserId>,
        body: &str,
        now: OffsetDateTime,
    ) -> Result<LiveBlogEntry, StoreError>;
    async fn correct_live_blog_entry(
        &mut self,
        article_id: ArticleId,
        entry_id: LiveEntryId,
        body: &str,
        now: OffsetDateTime,
    ) -> Result<Option<LiveBlogEntry>, StoreError>;
    async fn delete_live_blog_entry(
        &mut self,
        article_id: ArticleId,
        entry_id: LiveEntryId,
    ) -> Result<bool, StoreError>;
}

const REVISION_SELECT: &str = "SELECT r.id, r.status, r.created_at, r.version, r.snapshot, \
    u.display_name AS user_name FROM article_revisions r LEFT JOIN users u ON u.id = r.user_id";

/// A row of [`REVISION_SELECT`].
#[derive(Debug, FromRow)]
pub struct RevisionRow {
    id: RevisionId,
    user_name: Option<String>,
    status: String,
    created_at: OffsetDateTime,
    version: Option<i64>,
    snapshot: String,
}

impl TryFrom<RevisionRow> for (RevisionInfo, String) {
    type Error = StoreError;

    fn try_from(row: RevisionRow) -> Result<Self, StoreError> {
        let status = ArticleStatus::from_stored(&row.status)
            .ok_or_else(|| StoreError::Invalid(format!("revision status {:?}", row.status)))?;
        let info = RevisionInfo {
            id: row.id,
            user_name: row.user_name,
            status,
            created_at: row.created_at,
            version: row.version,
        };
        Ok((info, row.snapshot))
    }
}

const LIVE_ENTRY_COLUMNS: &str = "id, article_id, body, author_id, created_at, updated_at, corrected";

/// The newsroom's writes, over one connection of backend `DB` (the
/// store's own, or an action's transaction).
#[derive(Debug)]
pub struct NewsroomSql<DB>(PhantomData<DB>);

impl<DB> NewsroomSql<DB>
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
    for<'r> LiveBlogEntry: FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    async fn add_revision(
        c: &mut DB::Connection,
        article_id: ArticleId,
        user_id: Option<UserId>,
        status: ArticleStatus,
        snapshot: &str,
        version: i64,
    ) -> Result<RevisionId, StoreError> {
        failpoint!("store.add_revision");
        sqlx::query_scalar::<DB, RevisionId>(
            "INSERT INTO article_revisions (article_id, user_id, status, snapshot, created_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(article_id)
        .bind(user_id.map(|id| id.get()))
        .bind(status.as_str().to_owned())
        .bind(snapshot.to_owned())
        .bind(whole_seconds(OffsetDateTime::now_utc()))
        .bind(version)
        .fetch_one(&mut *c)
        .await
        .map_err(db_error)
    }

    async fn record_audit(
        c: &mut DB::Connection,
        user_id: Option<UserId>,
        edition_id: Option<EditionId>,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        failpoint!("store.record_audit");
        sqlx::query::<DB>(
            "INSERT INTO audit_log (user_id, action, subject, detail, created_at, edition_id) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(user_id.map(|id| id.get()))
        .bind(action.to_owned())
        .bind(subject.to_owned())
        .bind(detail.to_owned())
        .bind(whole_seconds(OffsetDateTime::now_utc()))
        .bind(edition_id.map(|id| id.get()))
        .execute(&mut *c)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn add_live_blog_entry(
        c: &mut DB::Connection,
        article_id: ArticleId,
        author_id: Option<UserId>,
        body: &str,
        now: OffsetDateTime,
    ) -> Result<LiveBlogEntry, StoreError> {
        failpoint!("store.add_live_blog_entry");
        let sql = format!(
            "INSERT INTO live_blog_entries (article_id, body, author_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4) RETURNING {LIVE_ENTRY_COLUMNS}"
        );
        sqlx::query_as::<DB, LiveBlogEntry>(&sql)
            .bind(article_id)
            .bind(body.to_owned())
            .bind(author_id.map(|id| id.get()))
            .bind(whole_seconds(now))
            .fetch_one(&mut *c)
            .await
            .map_err(db_error)
    }

    async fn correct_live_blog_entry(
        c: &mut DB::Connection,
        article_id: ArticleId,
        entry_id: LiveEntryId,
        body: &str,
        now: OffsetDateTime,
    ) -> Result<Option<LiveBlogEntry>, StoreError> {
        failpoint!("store.correct_live_blog_entry");
        let sql = format!(
            "UPDATE live_blog_entries SET body = $1, updated_at = $2, corrected = $3 \
             WHERE id = $4 AND article_id = $5 RETURNING {LIVE_ENTRY_COLUMNS}"
        );
        sqlx::query_as::<DB, LiveBlogEntry>(&sql)
            .bind(body.to_owned())
            .bind(whole_seconds(now))
            .bind(true)
            .bind(entry_id)
            .bind(article_id)
            .fetch_optional(&mut *c)
            .await
            .map_err(db_error)
    }

    async fn delete_live_blog_entry(
        c: &mut DB::Connection,
        article_id: ArticleId,
        entry_id: LiveEntryId,
    ) -> Result<bool, StoreError> {
        failpoint!("store.delete_live_blog_entry");
        let deleted = sqlx::query_scalar::<DB, i64>(
            "DELETE FROM live_blog_entries WHERE id = $1 AND article_id = $2 RETURNING id",
        )
        .bind(entry_id)
        .bind(article_id)
        .fetch_optional(&mut *c)
        .await
        .map_err(db_error)?;
        Ok(deleted.is_some())
    }
}

#[async_trait]
impl<DB> NewsroomTx for SqlTx<DB>
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
    for<'r> LiveBlogEntry: FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    async fn add_revision(
        &mut self,
        article_id: ArticleId,
        user_id: Option<UserId>,
        status: ArticleStatus,
        snapshot: &str,
        version: i64,
    ) -> Result<RevisionId, StoreError> {
        NewsroomSql::<DB>::add_revision(&mut self.tx, article_id, user_id, status, snapshot, version).await
    }

    async fn record_audit(
        &mut self,
        user_id: Option<UserId>,
        edition_id: Option<EditionId>,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        NewsroomSql::<DB>::record_audit(&mut self.tx, user_id, edition_id, action, subject, detail).await
    }

    async fn add_live_blog_entry(
        &mut self,
        article_id: ArticleId,
        author_id: Option<UserId>,
        body: &str,
        now: OffsetDateTime,
    ) -> Result<LiveBlogEntry, StoreError> {
        NewsroomSql::<DB>::add_live_blog_entry(&mut self.tx, article_id, author_id, body, now).await
    }

    async fn correct_live_blog_entry(
        &mut self,
        article_id: ArticleId,
        entry_id: LiveEntryId,
        body: &str,
        now: OffsetDateTime,
    ) -> Result<Option<LiveBlogEntry>, StoreError> {
        NewsroomSql::<DB>::correct_live_blog_entry(&mut self.tx, article_id, entry_id, body, now).await
    }

    async fn delete_live_blog_entry(
        &mut self,
        article_id: ArticleId,
        entry_id: LiveEntryId,
    ) -> Result<bool, StoreError> {
        NewsroomSql::<DB>::delete_live_blog_entry(&mut self.tx, article_id, entry_id).await
    }
}

#[async_trait]
impl<S> NewsroomStore for S
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
    for<'r> LiveBlogEntry: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> AuditEntry: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> RevisionRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> (String, OffsetDateTime): FromRow<'r, <S::Db as Database>::Row>,
    usize: ColumnIndex<<S::Db as Database>::Row>,
{
    async fn add_revision(
        &self,
        article_id: ArticleId,
        user_id: Option<UserId>,
        status: ArticleStatus,
        snapshot: &str,
        version: i64,
    ) -> Result<RevisionId, StoreError> {
        let mut c = connection(self.pool()).await?;
        NewsroomSql::<S::Db>::add_revision(&mut c, article_id, user_id, status, snapshot, version).await
    }

    async fn revisions(&self, article_id: ArticleId) -> Result<Vec<RevisionInfo>, StoreError> {
        // The snapshots stay in the database: the list shows who and when.
        let sql = format!(
            "{} WHERE r.article_id = $1 ORDER BY r.id DESC",
            REVISION_SELECT.replacen("r.snapshot", "'' AS snapshot", 1)
        );
        sqlx::query_as::<S::Db, RevisionRow>(&sql)
            .bind(article_id)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?
            .into_iter()
            .map(|row| <(RevisionInfo, String)>::try_from(row).map(|(info, _)| info))
            .collect()
    }

    async fn revision(
        &self,
        article_id: ArticleId,
        revision_id: RevisionId,
    ) -> Result<Option<(RevisionInfo, String)>, StoreError> {
        revision_where(self, "r.id = $2", article_id, revision_id.get()).await
    }

    async fn revision_at_version(
        &self,
        article_id: ArticleId,
        version: i64,
    ) -> Result<Option<(RevisionInfo, String)>, StoreError> {
        revision_where(self, "r.version = $2", article_id, version).await
    }

    async fn record_audit(
        &self,
        user_id: Option<UserId>,
        edition_id: Option<EditionId>,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        let mut c = connection(self.pool()).await?;
        NewsroomSql::<S::Db>::record_audit(&mut c, user_id, edition_id, action, subject, detail).await
    }

    async fn audit_entries(
        &self,
        limit: i64,
        editions: Option<&[EditionId]>,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let only = match editions {
            None => String::new(),
            Some([]) => return Ok(Vec::new()),
            Some(ids) => {
                let places: Vec<String> = (0..ids.len()).map(|n| format!("${}", n + 2)).collect();
                format!("WHERE l.edition_id IN ({})", places.join(", "))
            }
        };
        let sql = format!(
            "SELECT l.id, l.action, l.subject, l.detail, l.created_at, u.display_name AS user_name \
             FROM audit_log l LEFT JOIN users u ON u.id = l.user_id {only} ORDER BY l.id DESC LIMIT $1"
        );
        let mut query = sqlx::query_as::<S::Db, AuditEntry>(&sql).bind(limit);
        for id in editions.unwrap_or_default() {
            query = query.bind(*id);
        }
        query.fetch_all(self.pool()).await.map_err(db_error)
    }

    async fn save_autosave(
        &self,
        user_id: UserId,
        article_key: &str,
        fields: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query::<S::Db>(
            "INSERT INTO autosaves (user_id, article_key, fields, saved_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, article_key) DO UPDATE SET fields = excluded.fields, saved_at = excluded.saved_at",
        )
        .bind(user_id)
        .bind(article_key.to_owned())
        .bind(fields.to_owned())
        .bind(whole_seconds(at))
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn autosave(
        &self,
        user_id: UserId,
        article_key: &str,
    ) -> Result<Option<(String, OffsetDateTime)>, StoreError> {
        sqlx::query_as::<S::Db, (String, OffsetDateTime)>(
            "SELECT fields, saved_at FROM autosaves WHERE user_id = $1 AND article_key = $2",
        )
        .bind(user_id)
        .bind(article_key.to_owned())
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)
    }

    async fn delete_autosave(&self, user_id: UserId, article_key: &str) -> Result<(), StoreError> {
        sqlx::query::<S::Db>("DELETE FROM autosaves WHERE user_id = $1 AND article_key = $2")
            .bind(user_id)
            .bind(article_key.to_owned())
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn live_blog_entries(&self, article_id: ArticleId) -> Result<Vec<LiveBlogEntry>, StoreError> {
        let sql = format!(
            "SELECT {LIVE_ENTRY_COLUMNS} FROM live_blog_entries WHERE article_id = $1 ORDER BY id DESC"
        );
        sqlx::query_as::<S::Db, LiveBlogEntry>(&sql)
            .bind(article_id)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)
    }

    async fn add_live_blog_entry(
        &self,
        article_id: ArticleId,
        author_id: Option<UserId>,
        body: &str,
        now: OffsetDateTime,
    ) -> Result<LiveBlogEntry, StoreError> {
        let mut c = connection(self.pool()).await?;
        NewsroomSql::<S::Db>::add_live_blog_entry(&mut c, article_id, author_id, body, now).await
    }

    async fn correct_live_blog_entry(
        &self,
        article_id: ArticleId,
        entry_id: LiveEntryId,
        body: &str,
        now: OffsetDateTime,
    ) -> Result<Option<LiveBlogEntry>, StoreError> {
        let mut c = connection(self.pool()).await?;
        NewsroomSql::<S::Db>::correct_live_blog_entry(&mut c, article_id, entry_id, body, now).await
    }

    async fn delete_live_blog_entry(
        &self,
        article_id: ArticleId,
        entry_id: LiveEntryId,
    ) -> Result<bool, StoreError> {
        let mut c = connection(self.pool()).await?;
        NewsroomSql::<S::Db>::delete_live_blog_entry(&mut c, article_id, entry_id).await
    }
}

/// One revision of an article, the newest that meets `condition` (on `$2`).
async fn revision_where<S>(
    store: &S,
    condition: &'static str,
    article_id: ArticleId,
    value: i64,
) -> Result<Option<(RevisionInfo, String)>, StoreError>
where
    S: SqlPool,
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Type<S::Db>,
    for<'r> RevisionRow: FromRow<'r, <S::Db as Database>::Row>,
{
    let sql = format!("{REVISION_SELECT} WHERE r.article_id = $1 AND {condition} ORDER BY r.id DESC LIMIT 1");
    sqlx::query_as::<S::Db, RevisionRow>(&sql)
        .bind(article_id)
        .bind(value)
        .fetch_optional(store.pool())
        .await
        .map_err(db_error)?
        .map(TryInto::try_into)
        .transpose()
}
