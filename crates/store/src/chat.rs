//! Chats: rooms per edition and topic, their messages (kept for a room's
//! retention), reactions, reports, members of members-only rooms, the
//! moderators' sanctions (mutes and bans), the event log every node's open
//! rooms follow, and how many people each node has in each room.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::{ArticleId, ChatMessageId, ChatRoomId, ChatSanctionId, EditionId, StoreError, UserId};

/// A chat room.
#[derive(sqlx::FromRow, Debug, Clone, PartialEq, Eq)]
pub struct ChatRoom {
    pub id: ChatRoomId,
    pub edition_id: EditionId,
    pub slug: String,
    pub title: String,
    pub topic: String,
    /// The story the room is about, if an editor linked one.
    pub article_id: Option<ArticleId>,
    /// Only its members (and staff) read and write.
    pub members_only: bool,
    /// Seconds a reader waits between two messages (0: no slow mode).
    pub slow_mode_seconds: i64,
    /// Messages older than this many days are deleted (0: kept for ever).
    pub retention_days: i64,
    pub closed_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

impl ChatRoom {
    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }
}

/// A room as the newsroom creates it.
#[derive(Debug, Clone)]
pub struct NewChatRoom {
    pub edition_id: EditionId,
    pub slug: String,
    pub title: String,
    pub topic: String,
    pub article_id: Option<ArticleId>,
    pub members_only: bool,
    pub retention_days: i64,
    pub created_by: Option<UserId>,
}

/// What the newsroom may change of a room.
#[derive(Debug, Clone)]
pub struct ChatRoomChanges {
    pub title: String,
    pub topic: String,
    pub article_id: Option<ArticleId>,
    pub members_only: bool,
    pub slow_mode_seconds: i64,
    pub retention_days: i64,
    pub closed_at: Option<OffsetDateTime>,
}

/// A message, with its author's name and what it replies to.
#[derive(Debug, Clone)]
pub struct ChatMessage {
    pub id: ChatMessageId,
    pub room_id: ChatRoomId,
    /// `None` once the author's account was deleted.
    pub user_id: Option<UserId>,
    pub author_name: String,
    pub author_staff: bool,
    pub body: String,
    pub html: String,
    pub created_at: OffsetDateTime,
    pub edited_at: Option<OffsetDateTime>,
    pub deleted_at: Option<OffsetDateTime>,
    pub pinned_at: Option<OffsetDateTime>,
    pub reply: Option<ChatReply>,
}

/// The message a message replies to, as far as the reply shows it.
#[derive(Debug, Clone)]
pub struct ChatReply {
    pub id: ChatMessageId,
    pub author_name: String,
    pub body: String,
    pub deleted: bool,
}

#[derive(Debug, Clone)]
pub struct NewChatMessage {
    pub room_id: ChatRoomId,
    pub user_id: UserId,
    pub reply_to: Option<ChatMessageId>,
    pub body: String,
    pub html: String,
    pub client_address: String,
}

/// How many readers gave a message one kind of reaction.
#[derive(sqlx::FromRow, Debug, Clone, PartialEq, Eq)]
pub struct ChatReactionCount {
    pub message_id: ChatMessageId,
    pub kind: String,
    pub count: i64,
}

/// A mute or a ban.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SanctionKind {
    /// May read, not write, until it ends.
    Mute,
    /// May not write, nor enter a members-only room; for a time or for ever.
    Ban,
}

impl SanctionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mute => "mute",
            Self::Ban => "ban",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "mute" => Some(Self::Mute),
            "ban" => Some(Self::Ban),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ChatSanction {
    pub id: ChatSanctionId,
    pub user_id: UserId,
    pub user_name: String,
    /// `None`: every chat.
    pub room_id: Option<ChatRoomId>,
    pub kind: SanctionKind,
    /// `None`: for ever.
    pub until: Option<OffsetDateTime>,
    pub reason: String,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct NewChatSanction {
    pub user_id: UserId,
    pub room_id: Option<ChatRoomId>,
    pub kind: SanctionKind,
    pub until: Option<OffsetDateTime>,
    pub reason: String,
    pub created_by: UserId,
}

/// An open report, with what the moderator needs to decide.
#[derive(Debug, Clone)]
pub struct ChatReport {
    pub id: i64,
    pub message: ChatMessage,
    pub reporter_name: String,
    pub reason: String,
    pub note: String,
    pub created_at: OffsetDateTime,
}

/// A member of a members-only room.
#[derive(sqlx::FromRow, Debug, Clone)]
pub struct ChatMember {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    pub added_at: OffsetDateTime,
}

/// One row of the chat event log.
#[derive(sqlx::FromRow, Debug, Clone)]
pub struct ChatEvent {
    pub id: i64,
    pub room_id: ChatRoomId,
    pub kind: String,
    /// One line of JSON.
    pub data: String,
    pub created_at: OffsetDateTime,
}

#[async_trait]
pub trait ChatStore: Send + Sync {
    /// Rooms of one edition (or of all), open ones first, then by title.
    async fn chat_rooms(&self, edition_id: Option<EditionId>) -> Result<Vec<ChatRoom>, StoreError>;
    async fn chat_room(&self, id: ChatRoomId) -> Result<Option<ChatRoom>, StoreError>;
    async fn chat_room_by_slug(
        &self,
        edition_id: EditionId,
        slug: &str,
    ) -> Result<Option<ChatRoom>, StoreError>;
    /// Open rooms linked to this story.
    async fn chat_rooms_for_article(&self, article_id: ArticleId) -> Result<Vec<ChatRoom>, StoreError>;
    /// `Conflict` when the edition has a room with this slug.
    async fn create_chat_room(&self, new: &NewChatRoom, now: OffsetDateTime) -> Result<ChatRoom, StoreError>;
    async fn update_chat_room(&self, id: ChatRoomId, changes: &ChatRoomChanges) -> Result<(), StoreError>;

    async fn chat_members(&self, room_id: ChatRoomId) -> Result<Vec<ChatMember>, StoreError>;
    async fn is_chat_member(&self, room_id: ChatRoomId, user_id: UserId) -> Result<bool, StoreError>;
    async fn add_chat_member(
        &self,
        room_id: ChatRoomId,
        user_id: UserId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    async fn remove_chat_member(&self, room_id: ChatRoomId, user_id: UserId) -> Result<(), StoreError>;

    async fn add_chat_message(
        &self,
        new: &NewChatMessage,
        now: OffsetDateTime,
    ) -> Result<ChatMessage, StoreError>;
    async fn chat_message(&self, id: ChatMessageId) -> Result<Option<ChatMessage>, StoreError>;
    /// Up to `limit` messages of a room before message `before` (all when
    /// `None`), newest first, deleted ones included.
    async fn chat_messages_before(
        &self,
        room_id: ChatRoomId,
        before: Option<ChatMessageId>,
        limit: i64,
    ) -> Result<Vec<ChatMessage>, StoreError>;
    /// Pinned messages of a room, newest pin first.
    async fn pinned_chat_messages(&self, room_id: ChatRoomId) -> Result<Vec<ChatMessage>, StoreError>;
    async fn edit_chat_message(
        &self,
        id: ChatMessageId,
        body: &str,
        html: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    async fn delete_chat_message(
        &self,
        id: ChatMessageId,
        by: UserId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    async fn pin_chat_message(
        &self,
        id: ChatMessageId,
        pinned_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError>;
    /// When this reader last wrote in this room (for slow mode).
    async fn last_chat_message_at(
        &self,
        room_id: ChatRoomId,
        user_id: UserId,
    ) -> Result<Option<OffsetDateTime>, StoreError>;
    /// Deletes a room's messages written before `before`; returns how many.
    async fn prune_chat_messages(
        &self,
        room_id: ChatRoomId,
        before: OffsetDateTime,
    ) -> Result<u64, StoreError>;

    /// Turns a reaction on or off; true when it is now on.
    async fn toggle_chat_reaction(
        &self,
        message_id: ChatMessageId,
        user_id: UserId,
        kind: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    async fn chat_reaction_counts(
        &self,
        message_ids: &[ChatMessageId],
    ) -> Result<Vec<ChatReactionCount>, StoreError>;

    /// `Conflict` when this reader reported this message before.
    async fn report_chat_message(
        &self,
        message_id: ChatMessageId,
        reporter_id: UserId,
        reason: &str,
        note: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Unresolved reports, oldest first.
    async fn open_chat_reports(&self, limit: i64) -> Result<Vec<ChatReport>, StoreError>;
    /// Resolves every report of a message.
    async fn resolve_chat_reports(
        &self,
        message_id: ChatMessageId,
        by: UserId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    async fn add_chat_sanction(
        &self,
        new: &NewChatSanction,
        now: OffsetDateTime,
    ) -> Result<ChatSanctionId, StoreError>;
    /// Sanctions in force at `now`: of one account (`user_id`), or all.
    async fn active_chat_sanctions(
        &self,
        user_id: Option<UserId>,
        now: OffsetDateTime,
    ) -> Result<Vec<ChatSanction>, StoreError>;
    async fn lift_chat_sanction(&self, id: ChatSanctionId, now: OffsetDateTime) -> Result<(), StoreError>;

    /// Appends to the event log (and wakes the other nodes); returns its id.
    async fn append_chat_event(
        &self,
        room_id: ChatRoomId,
        kind: &str,
        data: &str,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError>;
    /// Events after `after_id` (of one room, or all), oldest first.
    async fn chat_events_after(
        &self,
        room_id: Option<ChatRoomId>,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<ChatEvent>, StoreError>;
    /// The oldest event id still kept (`None` when none is), and the
    /// newest: on an empty log SQLite still knows the last id it gave, and
    /// PostgreSQL answers 0 (its sequence may hold an id whose transaction
    /// has not committed yet; a reader starting past it would miss it).
    async fn chat_event_bounds(&self) -> Result<(Option<i64>, i64), StoreError>;
    async fn prune_chat_events(&self, before: OffsetDateTime) -> Result<u64, StoreError>;
    /// Wake-ups when another node appended an event (PostgreSQL), or
    /// `None` where there are no other nodes.
    async fn chat_wakeups(&self) -> Result<Option<tokio::sync::mpsc::Receiver<()>>, StoreError>;

    /// Replaces this node's presence rows with `rooms` (room, people > 0).
    async fn set_chat_presence(
        &self,
        node: &str,
        rooms: &[(ChatRoomId, i64)],
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// People per room, summed over nodes heard from since `since`.
    async fn chat_presence(&self, since: OffsetDateTime) -> Result<Vec<(ChatRoomId, i64)>, StoreError>;
}
