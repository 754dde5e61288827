//! The newsroom's records: every saved version of a story (revisions),
//! who did what (the audit log), what an editor typed before saving
//! (autosaves), and the timestamped entries of live blogs. Revisions,
//! audit entries and live-blog entries are written inside the action they
//! record ([`crate::NewsroomTx`]), so none exists without its action and
//! no action commits without them.

use async_trait::async_trait;
use dateline_core::ArticleStatus;
use time::OffsetDateTime;

use crate::{
    ArticleId, AuditEntry, EditionId, LiveBlogEntry, LiveEntryId, RevisionId, RevisionInfo, StoreError,
    UserId,
};

#[async_trait]
pub trait NewsroomStore: Send + Sync {
    /// Keeps a snapshot of the article at `version`.
    async fn add_revision(
        &self,
        article_id: ArticleId,
        user_id: Option<UserId>,
        status: ArticleStatus,
        snapshot: &str,
        version: i64,
    ) -> Result<RevisionId, StoreError>;
    /// An article's revisions, newest first.
    async fn revisions(&self, article_id: ArticleId) -> Result<Vec<RevisionInfo>, StoreError>;
    /// One revision of an article with its snapshot (the editor's fields as JSON).
    async fn revision(
        &self,
        article_id: ArticleId,
        revision_id: RevisionId,
    ) -> Result<Option<(RevisionInfo, String)>, StoreError>;
    /// The revision that snapshots this version of the article, if kept.
    async fn revision_at_version(
        &self,
        article_id: ArticleId,
        version: i64,
    ) -> Result<Option<(RevisionInfo, String)>, StoreError>;

    /// Records who did what; `edition_id` is the edition it concerns, none
    /// for site-wide actions (roles, settings, the shared media bank).
    async fn record_audit(
        &self,
        user_id: Option<UserId>,
        edition_id: Option<EditionId>,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Result<(), StoreError>;
    /// The newest entries; with `editions`, only those of these editions.
    async fn audit_entries(
        &self,
        limit: i64,
        editions: Option<&[EditionId]>,
    ) -> Result<Vec<AuditEntry>, StoreError>;

    /// Keeps what `user_id` typed into the form `article_key` (an article
    /// id, or `new`), replacing the previous copy.
    async fn save_autosave(
        &self,
        user_id: UserId,
        article_key: &str,
        fields: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// The kept copy and when it was made.
    async fn autosave(
        &self,
        user_id: UserId,
        article_key: &str,
    ) -> Result<Option<(String, OffsetDateTime)>, StoreError>;
    async fn delete_autosave(&self, user_id: UserId, article_key: &str) -> Result<(), StoreError>;

    /// An article's live-blog entries, newest first.
    async fn live_blog_entries(&self, article_id: ArticleId) -> Result<Vec<LiveBlogEntry>, StoreError>;
    async fn add_live_blog_entry(
        &self,
        article_id: ArticleId,
        author_id: Option<UserId>,
        body: &str,
        now: OffsetDateTime,
    ) -> Result<LiveBlogEntry, StoreError>;
    /// Replaces an entry's text and marks it corrected; `None` when the
    /// article has no such entry.
    async fn correct_live_blog_entry(
        &self,
        article_id: ArticleId,
        entry_id: LiveEntryId,
        body: &str,
        now: OffsetDateTime,
    ) -> Result<Option<LiveBlogEntry>, StoreError>;
    /// False when the article has no such entry.
    async fn delete_live_blog_entry(
        &self,
        article_id: ArticleId,
        entry_id: LiveEntryId,
    ) -> Result<bool, StoreError>;
}
