//! Discussion on SQL: [`DiscussionStore`] for every backend store
//! ([`SqlPool`]), and the comment writes of one action's transaction
//! ([`DiscussionTx`] on [`SqlTx`]), so a comment, its article's count and
//! the live event open pages follow commit together.
//!
//! Each query is written once ([`DiscussionSql`] over a connection, or
//! straight over the pool where no transaction needs it); rows are decoded
//! by `sqlx::FromRow`. The dialects do not differ here.

use std::marker::PhantomData;

use async_trait::async_trait;
use dateline_core::{CommentStatus, Reaction, ReportReason, Slug};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Type};
use time::OffsetDateTime;

use crate::backend::{SqlPool, connection, db_error, failpoint, placeholders, whole_seconds};
use crate::{
    ArticleId, Comment, CommentId, DiscussionStore, EditionId, NewComment, OwnComment, QueueItem, QueueView,
    ReactionCount, ResolvedReport, SqlTx, StoreError, ThreadQuery, UserId,
};

/// The comment writes an action makes inside its transaction
/// ([`crate::WriteTx`]).
#[async_trait]
pub trait DiscussionTx: Send {
    /// A comment in any status, as this transaction sees it.
    async fn comment_by_id(&mut self, id: CommentId) -> Result<Option<Comment>, StoreError>;
    /// Adds a comment (a reply joins its parent's thread) and recounts its
    /// article; returns it with the article's new count of approved
    /// comments. `Conflict` when the parent is no longer approved.
    async fn add_comment(
        &mut self,
        new: &NewComment,
        now: OffsetDateTime,
    ) -> Result<(Comment, i64), StoreError>;
    /// Replaces a comment's text (and status, when an edit is held again)
    /// and recounts its article; returns the new count, `None` when there
    /// is no such comment.
    async fn edit_comment(
        &mut self,
        id: CommentId,
        body: &str,
        html: &str,
        status: CommentStatus,
        held_reason: &str,
        now: OffsetDateTime,
    ) -> Result<Option<i64>, StoreError>;
    /// Sets a comment's status (a moderator's decision, or its author's
    /// deletion, which blanks the text) and recounts its article's
    /// approved comments; returns the article and its new count, `None`
    /// when there is no such comment.
    async fn set_comment_status(
        &mut self,
        id: CommentId,
        status: CommentStatus,
        moderator_id: Option<UserId>,
        now: OffsetDateTime,
    ) -> Result<Option<(ArticleId, i64)>, StoreError>;
    /// Turns a reader's reaction on or off; true when it is now on.
    async fn toggle_reaction(
        &mut self,
        comment_id: CommentId,
        user_id: UserId,
        kind: Reaction,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    /// Closes a comment's open reports with `outcome`; returns whom to tell.
    async fn resolve_reports(
        &mut self,
        comment_id: CommentId,
        outcome: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<ResolvedReport>, StoreError>;
}

/// What [`CommentRow`] reads, from [`COMMENT_FROM`].
const COMMENT_COLUMNS: &str = "c.id, c.article_id, c.root_id, c.parent_id, c.user_id, \
    u.display_name AS author_name, pu.display_name AS parent_author, c.body, c.body_html, c.status, \
    c.held_reason, c.reaction_count, c.created_at, c.edited_at";
const COMMENT_FROM: &str = "FROM comments c LEFT JOIN users u ON u.id = c.user_id \
    LEFT JOIN comments p ON p.id = c.parent_id LEFT JOIN users pu ON pu.id = p.user_id";

#[derive(Debug, FromRow)]
pub struct CommentRow {
    id: i64,
    article_id: ArticleId,
    root_id: Option<i64>,
    parent_id: Option<i64>,
    user_id: Option<UserId>,
    author_name: Option<String>,
    parent_author: Option<String>,
    body: String,
    body_html: String,
    status: String,
    held_reason: String,
    reaction_count: i64,
    created_at: OffsetDateTime,
    edited_at: Option<OffsetDateTime>,
}

impl From<CommentRow> for Comment {
    fn from(row: CommentRow) -> Self {
        Self {
            id: CommentId::new(row.id),
            article_id: row.article_id,
            root_id: row.root_id.map(CommentId::new),
            parent_id: row.parent_id.map(CommentId::new),
            user_id: row.user_id,
            author_name: row.author_name,
            parent_author: row.parent_author,
            body: row.body,
            html: row.body_html,
            status: CommentStatus::from_stored(&row.status),
            held_reason: row.held_reason,
            reaction_count: row.reaction_count,
            created_at: row.created_at,
            edited_at: row.edited_at,
        }
    }
}

#[derive(Debug, FromRow)]
pub struct QueueRow {
    #[sqlx(flatten)]
    comment: CommentRow,
    article_headline: String,
    article_edition_id: EditionId,
    article_slug: String,
    article_published_at: OffsetDateTime,
    author_email: Option<String>,
    author_since: Option<OffsetDateTime>,
    author_banned_until: Option<OffsetDateTime>,
    author_approved: i64,
    client_address: String,
}

#[derive(Debug, FromRow)]
pub struct OwnCommentRow {
    id: i64,
    article_id: ArticleId,
    headline: String,
    parent_id: Option<i64>,
    body: String,
    status: String,
    created_at: OffsetDateTime,
    edited_at: Option<OffsetDateTime>,
}

/// The comment queries both the store and a transaction run, over one
/// connection of backend `DB`.
#[derive(Debug)]
pub struct DiscussionSql<DB>(PhantomData<DB>);

impl<DB> DiscussionSql<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB>,
    for<'r> Option<i64>: Decode<'r, DB>,
    for<'r> CommentRow: FromRow<'r, DB::Row>,
    for<'r> (String, String): FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    async fn comment(c: &mut DB::Connection, id: CommentId) -> Result<Option<Comment>, StoreError> {
        let sql = format!("SELECT {COMMENT_COLUMNS} {COMMENT_FROM} WHERE c.id = $1");
        let row = sqlx::query_as::<DB, CommentRow>(&sql)
            .bind(id.get())
            .fetch_optional(&mut *c)
            .await
            .map_err(db_error)?;
        Ok(row.map(Comment::from))
    }

    /// Sets an article's comment count from its approved comments; returns it.
    async fn recount(c: &mut DB::Connection, article_id: ArticleId) -> Result<i64, StoreError> {
        sqlx::query_scalar::<DB, i64>(
            "UPDATE articles SET comment_count = \
             (SELECT COUNT(*) FROM comments WHERE article_id = $1 AND status = 'approved') WHERE id = $1 \
             RETURNING comment_count",
        )
        .bind(article_id)
        .fetch_one(&mut *c)
        .await
        .map_err(db_error)
    }

    async fn add(
        c: &mut DB::Connection,
        new: &NewComment,
        now: OffsetDateTime,
    ) -> Result<(Comment, i64), StoreError> {
        failpoint!("store.add_comment");
        let root_id = match new.parent_id {
            None => None,
            Some(parent_id) => {
                let root = sqlx::query_scalar::<DB, Option<i64>>(
                    "SELECT root_id FROM comments WHERE id = $1 AND article_id = $2 AND status = 'approved'",
                )
                .bind(parent_id.get())
                .bind(new.article_id)
                .fetch_optional(&mut *c)
                .await
                .map_err(db_error)?
                .ok_or_else(|| StoreError::Conflict("a reply to a comment that was removed".into()))?;
                Some(root.map_or(parent_id, CommentId::new))
            }
        };
        let id = sqlx::query_scalar::<DB, i64>(
            "INSERT INTO comments (article_id, root_id, parent_id, user_id, body, body_html, status, held_reason, \
             client_address, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(new.article_id)
        .bind(root_id.map(CommentId::get))
        .bind(new.parent_id.map(CommentId::get))
        .bind(new.user_id)
        .bind(new.body.clone())
        .bind(new.html.clone())
        .bind(new.status.as_str().to_owned())
        .bind(new.held_reason.clone())
        .bind(new.client_address.clone())
        .bind(whole_seconds(now))
        .fetch_one(&mut *c)
        .await
        .map_err(db_error)
        .map(CommentId::new)?;
        failpoint!("store.recount_comments");
        let count = Self::recount(c, new.article_id).await?;
        let comment =
            Self::comment(c, id).await?.ok_or_else(|| StoreError::NotFound(format!("comment {id}")))?;
        Ok((comment, count))
    }

    async fn edit(
        c: &mut DB::Connection,
        id: CommentId,
        body: &str,
        html: &str,
        status: CommentStatus,
        held_reason: &str,
        now: OffsetDateTime,
    ) -> Result<Option<i64>, StoreError> {
        failpoint!("store.edit_comment");
        let article_id = sqlx::query_scalar::<DB, ArticleId>(
            "UPDATE comments SET body = $1, body_html = $2, status = $3, held_reason = $4, edited_at = $5 \
             WHERE id = $6 RETURNING article_id",
        )
        .bind(body.to_owned())
        .bind(html.to_owned())
        .bind(status.as_str().to_owned())
        .bind(held_reason.to_owned())
        .bind(whole_seconds(now))
        .bind(id.get())
        .fetch_optional(&mut *c)
        .await
        .map_err(db_error)?;
        match article_id {
            Some(article_id) => Ok(Some(Self::recount(c, article_id).await?)),
            None => Ok(None),
        }
    }

    async fn set_status(
        c: &mut DB::Connection,
        id: CommentId,
        status: CommentStatus,
        moderator_id: Option<UserId>,
        now: OffsetDateTime,
    ) -> Result<Option<(ArticleId, i64)>, StoreError> {
        failpoint!("store.set_comment_status");
        // An author's deletion blanks the text; a moderator's rejection
        // keeps it for the record (and an appeal).
        let sql = if status == CommentStatus::Deleted {
            "UPDATE comments SET status = $1, body = '', body_html = '', moderated_by = $2, moderated_at = $3 \
             WHERE id = $4 RETURNING article_id"
        } else {
            "UPDATE comments SET status = $1, moderated_by = $2, moderated_at = $3, held_reason = '' \
             WHERE id = $4 RETURNING article_id"
        };
        let article_id = sqlx::query_scalar::<DB, ArticleId>(sql)
            .bind(status.as_str().to_owned())
            .bind(moderator_id.map(|id| id.get()))
            .bind(whole_seconds(now))
            .bind(id.get())
            .fetch_optional(&mut *c)
            .await
            .map_err(db_error)?;
        let Some(article_id) = article_id else { return Ok(None) };
        Ok(Some((article_id, Self::recount(c, article_id).await?)))
    }

    async fn toggle_reaction(
        c: &mut DB::Connection,
        comment_id: CommentId,
        user_id: UserId,
        kind: Reaction,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        failpoint!("store.toggle_reaction");
        let removed = sqlx::query_scalar::<DB, i64>(
            "DELETE FROM comment_reactions WHERE comment_id = $1 AND user_id = $2 AND kind = $3 RETURNING comment_id",
        )
        .bind(comment_id.get())
        .bind(user_id)
        .bind(kind.as_str().to_owned())
        .fetch_optional(&mut *c)
        .await
        .map_err(db_error)?
        .is_some();
        if !removed {
            sqlx::query::<DB>(
                "INSERT INTO comment_reactions (comment_id, user_id, kind, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(comment_id.get())
            .bind(user_id)
            .bind(kind.as_str().to_owned())
            .bind(whole_seconds(now))
            .execute(&mut *c)
            .await
            .map_err(db_error)?;
        }
        sqlx::query::<DB>(
            "UPDATE comments SET reaction_count = (SELECT COUNT(*) FROM comment_reactions WHERE comment_id = $1) \
             WHERE id = $1",
        )
        .bind(comment_id.get())
        .execute(&mut *c)
        .await
        .map_err(db_error)?;
        Ok(!removed)
    }

    async fn resolve_reports(
        c: &mut DB::Connection,
        comment_id: CommentId,
        outcome: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<ResolvedReport>, StoreError> {
        failpoint!("store.resolve_reports");
        let reporters = sqlx::query_scalar::<DB, UserId>(
            "UPDATE comment_reports SET resolved_at = $1, outcome = $2 \
             WHERE comment_id = $3 AND resolved_at IS NULL RETURNING reporter_id",
        )
        .bind(whole_seconds(now))
        .bind(outcome.to_owned())
        .bind(comment_id.get())
        .fetch_all(&mut *c)
        .await
        .map_err(db_error)?;
        let mut resolved = Vec::with_capacity(reporters.len());
        for reporter_id in reporters {
            let found =
                sqlx::query_as::<DB, (String, String)>("SELECT email, display_name FROM users WHERE id = $1")
                    .bind(reporter_id)
                    .fetch_optional(&mut *c)
                    .await
                    .map_err(db_error)?;
            if let Some((reporter_email, reporter_name)) = found {
                resolved.push(ResolvedReport { reporter_id, reporter_email, reporter_name });
            }
        }
        Ok(resolved)
    }
}

#[async_trait]
impl<DB> DiscussionTx for SqlTx<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB>,
    for<'r> Option<i64>: Decode<'r, DB>,
    for<'r> CommentRow: FromRow<'r, DB::Row>,
    for<'r> (String, String): FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    async fn comment_by_id(&mut self, id: CommentId) -> Result<Option<Comment>, StoreError> {
        DiscussionSql::<DB>::comment(&mut self.tx, id).await
    }

    async fn add_comment(
        &mut self,
        new: &NewComment,
        now: OffsetDateTime,
    ) -> Result<(Comment, i64), StoreError> {
        DiscussionSql::<DB>::add(&mut self.tx, new, now).await
    }

    async fn edit_comment(
        &mut self,
        id: CommentId,
        body: &str,
        html: &str,
        status: CommentStatus,
        held_reason: &str,
        now: OffsetDateTime,
    ) -> Result<Option<i64>, StoreError> {
        DiscussionSql::<DB>::edit(&mut self.tx, id, body, html, status, held_reason, now).await
    }

    async fn set_comment_status(
        &mut self,
        id: CommentId,
        status: CommentStatus,
        moderator_id: Option<UserId>,
        now: OffsetDateTime,
    ) -> Result<Option<(ArticleId, i64)>, StoreError> {
        DiscussionSql::<DB>::set_status(&mut self.tx, id, status, moderator_id, now).await
    }

    async fn toggle_reaction(
        &mut self,
        comment_id: CommentId,
        user_id: UserId,
        kind: Reaction,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        DiscussionSql::<DB>::toggle_reaction(&mut self.tx, comment_id, user_id, kind, now).await
    }

    async fn resolve_reports(
        &mut self,
        comment_id: CommentId,
        outcome: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<ResolvedReport>, StoreError> {
        DiscussionSql::<DB>::resolve_reports(&mut self.tx, comment_id, outcome, now).await
    }
}

#[async_trait]
impl<S> DiscussionStore for S
where
    S: SqlPool,
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> String: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<i64>: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> OffsetDateTime: Encode<'q, S::Db> + Type<S::Db>,
    for<'r> i64: Decode<'r, S::Db>,
    for<'r> Option<i64>: Decode<'r, S::Db>,
    for<'r> CommentRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> QueueRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> OwnCommentRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> (String, String): FromRow<'r, <S::Db as Database>::Row>,
    for<'r> (i64, i64): FromRow<'r, <S::Db as Database>::Row>,
    for<'r> (i64, String, i64, i64): FromRow<'r, <S::Db as Database>::Row>,
    usize: ColumnIndex<<S::Db as Database>::Row>,
{
    async fn comment_by_id(&self, id: CommentId) -> Result<Option<Comment>, StoreError> {
        let mut c = connection(self.pool()).await?;
        DiscussionSql::<S::Db>::comment(&mut c, id).await
    }

    async fn add_comment(&self, new: &NewComment, now: OffsetDateTime) -> Result<Comment, StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        let (comment, _) = DiscussionSql::<S::Db>::add(&mut tx.tx, new, now).await?;
        tx.tx.commit().await.map_err(db_error)?;
        Ok(comment)
    }

    async fn comment_threads(&self, query: &ThreadQuery) -> Result<Vec<Comment>, StoreError> {
        use dateline_core::CommentSort;
        let order = match query.sort {
            CommentSort::Newest => "c.id DESC",
            CommentSort::Oldest => "c.id ASC",
            CommentSort::Top => "c.reaction_count DESC, c.id DESC",
        };
        // The page after a cursor, in the same order (written only when
        // there is one, so the first page reads the index from its start).
        let after = match (query.after, query.sort) {
            (None, _) => "",
            (Some(_), CommentSort::Newest) => "AND c.id < $4",
            (Some(_), CommentSort::Oldest) => "AND c.id > $4",
            (Some(_), CommentSort::Top) => "AND (c.reaction_count, c.id) < ($5, $4)",
        };
        let sql = format!(
            "SELECT {COMMENT_COLUMNS} {COMMENT_FROM} WHERE c.article_id = $1 AND c.root_id IS NULL AND \
             (c.status = 'approved' OR (c.status = 'pending' AND c.user_id = $2) OR \
              (c.status = 'deleted' AND EXISTS (SELECT 1 FROM comments r WHERE r.root_id = c.id AND r.status = 'approved'))) \
             {after} ORDER BY {order} LIMIT $3"
        );
        let mut select = sqlx::query_as::<S::Db, CommentRow>(&sql)
            .bind(query.article_id)
            .bind(query.viewer_id.map_or(-1, UserId::get))
            .bind(query.limit);
        if let Some(cursor) = query.after {
            select = select.bind(cursor.id);
            if query.sort == CommentSort::Top {
                select = select.bind(cursor.reactions);
            }
        }
        let rows = select.fetch_all(self.pool()).await.map_err(db_error)?;
        Ok(rows.into_iter().map(Comment::from).collect())
    }

    async fn comment_replies(
        &self,
        root_ids: &[CommentId],
        viewer_id: Option<UserId>,
    ) -> Result<Vec<Comment>, StoreError> {
        if root_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {COMMENT_COLUMNS} {COMMENT_FROM} WHERE c.root_id IN ({}) AND \
             (c.status = 'approved' OR (c.status = 'pending' AND c.user_id = $1)) ORDER BY c.id",
            placeholders(2, root_ids.len())
        );
        let mut query = sqlx::query_as::<S::Db, CommentRow>(&sql).bind(viewer_id.map_or(-1, UserId::get));
        for id in root_ids {
            query = query.bind(id.get());
        }
        let rows = query.fetch_all(self.pool()).await.map_err(db_error)?;
        Ok(rows.into_iter().map(Comment::from).collect())
    }

    async fn comment_reactions(
        &self,
        comment_ids: &[CommentId],
        viewer_id: Option<UserId>,
    ) -> Result<Vec<ReactionCount>, StoreError> {
        if comment_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT comment_id, kind, COUNT(*) AS n, CAST(SUM(CASE WHEN user_id = $1 THEN 1 ELSE 0 END) AS BIGINT) AS mine \
             FROM comment_reactions WHERE comment_id IN ({}) GROUP BY comment_id, kind",
            placeholders(2, comment_ids.len())
        );
        let mut query =
            sqlx::query_as::<S::Db, (i64, String, i64, i64)>(&sql).bind(viewer_id.map_or(-1, UserId::get));
        for id in comment_ids {
            query = query.bind(id.get());
        }
        let rows = query.fetch_all(self.pool()).await.map_err(db_error)?;
        Ok(rows
            .into_iter()
            .map(|(comment_id, kind, count, mine)| ReactionCount {
                comment_id: CommentId::new(comment_id),
                kind,
                count,
                mine: mine > 0,
            })
            .collect())
    }

    async fn edit_comment(
        &self,
        id: CommentId,
        body: &str,
        html: &str,
        status: CommentStatus,
        held_reason: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        DiscussionSql::<S::Db>::edit(&mut tx.tx, id, body, html, status, held_reason, now).await?;
        tx.tx.commit().await.map_err(db_error)
    }

    async fn set_comment_status(
        &self,
        id: CommentId,
        status: CommentStatus,
        moderator_id: Option<UserId>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        DiscussionSql::<S::Db>::set_status(&mut tx.tx, id, status, moderator_id, now).await?;
        tx.tx.commit().await.map_err(db_error)
    }

    async fn toggle_reaction(
        &self,
        comment_id: CommentId,
        user_id: UserId,
        kind: Reaction,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        let on = DiscussionSql::<S::Db>::toggle_reaction(&mut tx.tx, comment_id, user_id, kind, now).await?;
        tx.tx.commit().await.map_err(db_error)?;
        Ok(on)
    }

    async fn report_comment(
        &self,
        comment_id: CommentId,
        reporter_id: UserId,
        reason: ReportReason,
        note: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query::<S::Db>(
            "INSERT INTO comment_reports (comment_id, reporter_id, reason, note, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(comment_id.get())
        .bind(reporter_id)
        .bind(reason.as_str().to_owned())
        .bind(note.to_owned())
        .bind(whole_seconds(now))
        .execute(self.pool())
        .await
        .map_err(|e| match db_error(e) {
            StoreError::Conflict(_) => StoreError::Conflict("your report of this comment".into()),
            other => other,
        })?;
        Ok(())
    }

    async fn resolve_reports(
        &self,
        comment_id: CommentId,
        outcome: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<ResolvedReport>, StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        let done = DiscussionSql::<S::Db>::resolve_reports(&mut tx.tx, comment_id, outcome, now).await?;
        tx.tx.commit().await.map_err(db_error)?;
        Ok(done)
    }

    async fn moderation_queue(&self, view: QueueView, limit: i64) -> Result<Vec<QueueItem>, StoreError> {
        let (condition, order) = match view {
            QueueView::Pending => ("c.status = 'pending'", "c.id ASC"),
            QueueView::Reported => (
                "c.status IN ('approved', 'pending') AND EXISTS \
                 (SELECT 1 FROM comment_reports r WHERE r.comment_id = c.id AND r.resolved_at IS NULL)",
                "c.id ASC",
            ),
            QueueView::Recent => ("c.status = 'approved'", "c.id DESC"),
            QueueView::Rejected => ("c.status = 'rejected'", "c.moderated_at DESC, c.id DESC"),
        };
        let sql = format!(
            "SELECT {COMMENT_COLUMNS}, a.headline AS article_headline, a.edition_id AS article_edition_id, \
             a.slug AS article_slug, a.published_at AS article_published_at, u.email AS author_email, \
             u.created_at AS author_since, u.banned_until AS author_banned_until, c.client_address, \
             (SELECT COUNT(*) FROM comments o WHERE o.user_id = c.user_id AND o.status = 'approved') AS author_approved \
             {COMMENT_FROM} JOIN articles a ON a.id = c.article_id WHERE {condition} ORDER BY {order} LIMIT $1"
        );
        let rows = sqlx::query_as::<S::Db, QueueRow>(&sql)
            .bind(limit)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let reports = sqlx::query_as::<S::Db, (String, String)>(
                "SELECT reason, note FROM comment_reports WHERE comment_id = $1 AND resolved_at IS NULL ORDER BY id",
            )
            .bind(row.comment.id)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
            let article_slug = Slug::parse(&row.article_slug)
                .map_err(|e| StoreError::Invalid(format!("article slug {:?}: {e}", row.article_slug)))?;
            items.push(QueueItem {
                comment: row.comment.into(),
                article_headline: row.article_headline,
                article_edition_id: row.article_edition_id,
                article_slug,
                article_published_at: row.article_published_at,
                author_email: row.author_email,
                author_since: row.author_since,
                author_banned_until: row.author_banned_until,
                author_approved: row.author_approved,
                client_address: row.client_address,
                reports,
            });
        }
        Ok(items)
    }

    async fn moderation_counts(&self) -> Result<(i64, i64), StoreError> {
        sqlx::query_as::<S::Db, (i64, i64)>(
            "SELECT (SELECT COUNT(*) FROM comments WHERE status = 'pending') AS pending, \
             (SELECT COUNT(DISTINCT r.comment_id) FROM comment_reports r JOIN comments c ON c.id = r.comment_id \
              WHERE r.resolved_at IS NULL AND c.status IN ('approved', 'pending')) AS reported",
        )
        .fetch_one(self.pool())
        .await
        .map_err(db_error)
    }

    async fn approved_comment_count(&self, user_id: UserId) -> Result<i64, StoreError> {
        sqlx::query_scalar::<S::Db, i64>(
            "SELECT COUNT(*) FROM comments WHERE user_id = $1 AND status = 'approved'",
        )
        .bind(user_id)
        .fetch_one(self.pool())
        .await
        .map_err(db_error)
    }

    async fn approved_comments_up_to(&self, user_id: UserId, cap: i64) -> Result<i64, StoreError> {
        sqlx::query_scalar::<S::Db, i64>(
            "SELECT COUNT(*) FROM (SELECT 1 FROM comments WHERE user_id = $1 AND status = 'approved' LIMIT $2) AS c",
        )
        .bind(user_id)
        .bind(cap.max(0))
        .fetch_one(self.pool())
        .await
        .map_err(db_error)
    }

    async fn recent_comment_counts(
        &self,
        user_id: UserId,
        client_address: &str,
        since: OffsetDateTime,
    ) -> Result<(i64, i64), StoreError> {
        sqlx::query_as::<S::Db, (i64, i64)>(
            "SELECT (SELECT COUNT(*) FROM comments WHERE user_id = $1 AND created_at >= $3) AS by_user, \
             (SELECT COUNT(*) FROM comments WHERE client_address = $2 AND created_at >= $3) AS by_address",
        )
        .bind(user_id)
        .bind(client_address.to_owned())
        .bind(whole_seconds(since))
        .fetch_one(self.pool())
        .await
        .map_err(db_error)
    }

    async fn own_comments(&self, user_id: UserId) -> Result<Vec<OwnComment>, StoreError> {
        let rows = sqlx::query_as::<S::Db, OwnCommentRow>(
            "SELECT c.id, c.article_id, a.headline, c.parent_id, c.body, c.status, c.created_at, c.edited_at \
             FROM comments c JOIN articles a ON a.id = c.article_id WHERE c.user_id = $1 ORDER BY c.id",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .map(|row| OwnComment {
                id: CommentId::new(row.id),
                article_id: row.article_id,
                article_headline: row.headline,
                parent_id: row.parent_id.map(CommentId::new),
                body: row.body,
                status: CommentStatus::from_stored(&row.status),
                created_at: row.created_at,
                edited_at: row.edited_at,
            })
            .collect())
    }
}
