//! Discussion: readers' comments under stories, their reactions and
//! reports, and the moderation queue. The rows are in [`crate::model`]
//! (`Comment`, `QueueItem`, …); the SQL in `discussion_sql.rs`.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::{
    Comment, CommentId, NewComment, OwnComment, QueueItem, QueueView, ReactionCount, ResolvedReport,
    StoreError, ThreadQuery, UserId,
};

#[async_trait]
pub trait DiscussionStore: Send + Sync {
    /// A comment in any status, with its author's name.
    async fn comment_by_id(&self, id: CommentId) -> Result<Option<Comment>, StoreError>;
    /// Adds a comment (a reply joins its parent's thread) and recounts the
    /// article's comments. `Conflict` when the parent is no longer
    /// approved or belongs to another article.
    async fn add_comment(&self, new: &NewComment, now: OffsetDateTime) -> Result<Comment, StoreError>;
    /// A page of threads: their first comments in `query.sort` order.
    /// Approved ones, deleted ones that still have approved replies, and
    /// the viewer's own pending ones.
    async fn comment_threads(&self, query: &ThreadQuery) -> Result<Vec<Comment>, StoreError>;
    /// The replies (same visibility) of these threads, oldest first.
    async fn comment_replies(
        &self,
        root_ids: &[CommentId],
        viewer_id: Option<UserId>,
    ) -> Result<Vec<Comment>, StoreError>;
    /// Reaction counts of these comments, with the viewer's own marked.
    async fn comment_reactions(
        &self,
        comment_ids: &[CommentId],
        viewer_id: Option<UserId>,
    ) -> Result<Vec<ReactionCount>, StoreError>;
    /// Replaces a comment's text (and status, when an edit is held again).
    async fn edit_comment(
        &self,
        id: CommentId,
        body: &str,
        html: &str,
        status: dateline_core::CommentStatus,
        held_reason: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Sets a comment's status (a moderator's decision, or the author's
    /// deletion, which also blanks the text) and recounts the article.
    async fn set_comment_status(
        &self,
        id: CommentId,
        status: dateline_core::CommentStatus,
        moderator_id: Option<UserId>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Turns a reader's reaction on or off; true when it is now on.
    async fn toggle_reaction(
        &self,
        comment_id: CommentId,
        user_id: UserId,
        kind: dateline_core::Reaction,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    /// `Conflict` when this reader already reported this comment.
    async fn report_comment(
        &self,
        comment_id: CommentId,
        reporter_id: UserId,
        reason: dateline_core::ReportReason,
        note: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Closes a comment's open reports with `outcome`; returns whom to tell.
    async fn resolve_reports(
        &self,
        comment_id: CommentId,
        outcome: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<ResolvedReport>, StoreError>;
    async fn moderation_queue(&self, view: QueueView, limit: i64) -> Result<Vec<QueueItem>, StoreError>;
    /// Comments waiting for review and comments with open reports.
    async fn moderation_counts(&self) -> Result<(i64, i64), StoreError>;
    /// How many of a reader's comments were approved.
    async fn approved_comment_count(&self, user_id: UserId) -> Result<i64, StoreError>;
    /// How many of a reader's comments were approved, counting no further
    /// than `cap`: what the comment rules ask ("at least N?"), at a cost
    /// that does not grow with a prolific reader's history.
    async fn approved_comments_up_to(&self, user_id: UserId, cap: i64) -> Result<i64, StoreError>;
    /// Comments posted since `since` by this account and from this address.
    async fn recent_comment_counts(
        &self,
        user_id: UserId,
        client_address: &str,
        since: OffsetDateTime,
    ) -> Result<(i64, i64), StoreError>;
    /// Everything a reader wrote, oldest first, for their data export.
    async fn own_comments(&self, user_id: UserId) -> Result<Vec<OwnComment>, StoreError>;
}
