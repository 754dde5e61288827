//! The storage interface every backend implements, and the rows it returns.
//!
//! The web layer holds an `Arc<dyn Store>` and never knows which database is
//! behind it. Two backends implement it: `dateline-store-sqlite` (the embedded
//! default) and `dateline-store-postgres`. Their queries are the same
//! portable SQL, written once in [`sql_store_impl!`]; each backend crate owns
//! its connection set-up and its migrations, where the dialects differ.
//!
//! Media files (photo originals and renditions) live beside the database in
//! a [`BlobStore`]; see [`blob`].

pub mod accounts;
mod accounts_sql;
pub mod backend;
pub mod blob;
pub mod chat;
mod chat_sql;
pub mod directory;
mod directory_sql;
pub mod discussion;
mod discussion_sql;
mod error;
pub mod jobs;
mod jobs_sql;
pub mod live;
mod live_sql;
pub mod media;
mod media_sql;
mod model;
pub mod newsletter;
mod newsletter_sql;
pub mod newsroom;
mod newsroom_sql;
pub mod search;
mod sql;
mod sql_search;
pub mod write_tx;

pub use blob::{BlobStore, ObjectBlobStore, S3Settings};
pub use error::StoreError;
pub use model::*;
pub use newsletter::{
    ClaimedDelivery, DeliveryOutcome, NewSend, NewSubscriber, NewsletterCounts, NewsletterSend,
    NewsletterStore, SendKind, SendSummary, Subscriber, SubscriberStatus, SubscriptionChoice,
};

pub use accounts::AccountStore;
pub use accounts_sql::AccountTx;
pub use backend::SqlPool;
pub use chat::{
    ChatEvent, ChatMember, ChatMessage, ChatReactionCount, ChatReply, ChatReport, ChatRoom, ChatRoomChanges,
    ChatSanction, ChatStore, NewChatMessage, NewChatRoom, NewChatSanction, SanctionKind,
};
pub use chat_sql::ChatTx;
pub use directory::DirectoryStore;
pub use directory_sql::DirectoryTx;
pub use discussion::DiscussionStore;
pub use discussion_sql::DiscussionTx;
pub use jobs::JobStore;
pub use jobs_sql::JobTx;
pub use live::LiveStore;
pub use live_sql::LiveTx;
pub use media::MediaStore;
pub use media_sql::MediaTx;
pub use newsletter_sql::NewsletterTx;
pub use newsroom::NewsroomStore;
pub use newsroom_sql::NewsroomTx;
pub use search::{ArticleChange, SearchSource, SearchStore};
pub use write_tx::{SqlTx, WriteTx};

use async_trait::async_trait;
use dateline_core::{ArticleStatus, Slug};
use time::OffsetDateTime;

/// Everything Dateline keeps in its database.
///
/// Reads return only what readers may see unless the method says otherwise.
/// Writes are used by the demo loader now and by the newsroom later.
#[async_trait]
pub trait Store:
    AccountStore
    + DirectoryStore
    + DiscussionStore
    + JobStore
    + LiveStore
    + MediaStore
    + NewsletterStore
    + NewsroomStore
    + SearchStore
    + ChatStore
    + Send
    + Sync
    + std::fmt::Debug
    + 'static
{
    /// Which backend this is (`sqlite`, `postgres`), for logs and `/readyz`.
    fn backend(&self) -> &'static str;

    /// Applies pending migrations; a no-op when the schema is current.
    async fn migrate(&self) -> Result<(), StoreError>;

    /// A round trip to the database: `/readyz` uses it.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Starts the transaction one action's writes share (see [`write_tx`]).
    async fn begin_write(&self) -> Result<Box<dyn WriteTx>, StoreError>;

    async fn create_article(&self, new: &NewArticle) -> Result<i64, StoreError>;
    /// Gives an article a new slug and remembers the old one, so its old URL
    /// keeps working as a redirect.
    async fn rename_article_slug(&self, id: i64, new_slug: &Slug) -> Result<(), StoreError>;

    /// An article in any status by its edition and current slug; callers
    /// decide what a status means for them (readers see only `Published`).
    async fn article_by_slug(&self, edition_id: i64, slug: &Slug) -> Result<Option<Article>, StoreError>;
    /// An article in any status by id.
    async fn article_by_id(&self, id: i64) -> Result<Option<Article>, StoreError>;
    /// The id of the published article that once had this slug in this edition.
    async fn article_id_by_old_slug(&self, edition_id: i64, slug: &Slug) -> Result<Option<i64>, StoreError>;
    /// Published articles, newest first, filtered and paged by `query`.
    async fn list_articles(&self, query: &ArticleQuery) -> Result<Vec<ArticleCard>, StoreError>;
    /// Published stories related to an article of `edition_id`: those that
    /// share one of `tag_ids` (only the newest 50 of each tag are looked
    /// at, so the cost stays flat however large a tag grows) and then the
    /// newest of its section; each list newest first, without the article
    /// itself. The caller ranks and trims them.
    async fn related_articles(
        &self,
        article_id: i64,
        edition_id: i64,
        section_id: i64,
        tag_ids: &[i64],
        limit: i64,
    ) -> Result<(Vec<ArticleCard>, Vec<ArticleCard>), StoreError>;
    /// The newest published breaking story of an edition published at or
    /// after `since`, if any.
    async fn latest_breaking(
        &self,
        edition_id: i64,
        since: OffsetDateTime,
    ) -> Result<Option<ArticleCard>, StoreError>;
    /// The published articles of a translation group, in every edition.
    async fn translations(&self, group: &str) -> Result<Vec<TranslationLink>, StoreError>;
    /// Published articles whose main photo is this media item.
    async fn articles_using_media(&self, media_id: i64) -> Result<Vec<ArticleCard>, StoreError>;

    // ----- newsroom -----

    /// Articles in any status, newest change first.
    async fn newsroom_articles(&self, query: &NewsroomQuery) -> Result<Vec<NewsroomRow>, StoreError>;
    /// Replaces an article's editable fields, tags and authors, and returns
    /// its new version. `Conflict` when the slug is taken in the edition;
    /// `Stale` when `expected_version` is given and the article is no
    /// longer at it.
    async fn update_article(
        &self,
        id: i64,
        article: &NewArticle,
        expected_version: Option<i64>,
    ) -> Result<i64, StoreError>;
    /// Deletes an article with its tags, authors, old slugs and revisions.
    async fn delete_article(&self, id: i64) -> Result<(), StoreError>;
    /// Puts an article into a translation group (linking it to its other languages).
    async fn set_translation_group(&self, article_id: i64, group: &str) -> Result<(), StoreError>;

    /// Publishes an article that is still scheduled; false when it is not
    /// (published by hand, moved back to draft) so the job does nothing.
    async fn publish_scheduled_article(&self, id: i64, now: OffsetDateTime) -> Result<bool, StoreError>;

    // ----- sitemaps -----

    /// Published articles of an edition with `from <= published_at < to`,
    /// newest first, at most `limit`.
    async fn published_between(
        &self,
        edition_id: i64,
        from: OffsetDateTime,
        to: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<SitemapEntry>, StoreError>;
    /// When the edition's oldest published article appeared.
    async fn first_published(&self, edition_id: i64) -> Result<Option<OffsetDateTime>, StoreError>;
}
