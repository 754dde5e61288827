//! The storage interface every backend implements, and the rows it returns.
//!
//! The web layer holds an `Arc<dyn Store>` and never knows which database is
//! behind it. Two backends implement it: `dateline-store-sqlite` (the embedded
//! default) and `dateline-store-postgres`. Their queries are the same
//! portable SQL, written once per domain as generic Rust over sqlx's
//! `Database` (`accounts_sql`, `articles_sql`, … for every [`SqlPool`]);
//! each backend crate owns its pool, its migrations and `LISTEN`, where the
//! dialects differ, and instantiates [`sql_store_impl!`] for the rest.
//!
//! Media files (photo originals and renditions) live beside the database in
//! a [`BlobStore`]; see [`blob`].

pub mod accounts;
mod accounts_sql;
pub mod articles;
mod articles_sql;
pub mod backend;
pub mod blob;
pub mod chat;
mod chat_sql;
pub mod directory;
mod directory_sql;
pub mod discussion;
mod discussion_sql;
mod error;
pub mod ids;
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
mod search_sql;
mod sql;
pub mod write_tx;

pub use blob::{BlobStore, ObjectBlobStore, S3Settings};
pub use error::StoreError;
pub use ids::{
    ApiTokenId, ArticleId, AuthorId, ChatMessageId, ChatRoomId, ChatSanctionId, CommentId, DeliveryId,
    EditionId, JobId, LiveEntryId, MediaId, NewsletterSendId, RevisionId, SectionId, SubscriberId, TagId,
    UserId,
};
pub use model::*;
pub use newsletter::{
    ClaimedDelivery, DeliveryOutcome, NewSend, NewSubscriber, NewsletterCounts, NewsletterSend,
    NewsletterStore, SendKind, SendSummary, Subscriber, SubscriberStatus, SubscriptionChoice,
};

pub use accounts::AccountStore;
pub use accounts_sql::AccountTx;
pub use articles::ArticleStore;
pub use articles_sql::ArticleTx;
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
use dateline_core::ArticleStatus;

/// Everything Dateline keeps in its database: one trait per domain, each
/// implemented once for every backend ([`SqlPool`]), and the few methods
/// that are the backend's own.
///
/// Reads return only what readers may see unless the method says otherwise.
#[async_trait]
pub trait Store:
    AccountStore
    + ArticleStore
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
}
