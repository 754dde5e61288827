//! What people do in a chat room — write, reply, edit, delete, react,
//! report; moderators also pin, mute and ban — with every rule checked,
//! the event every open socket of the room receives, and the audit log
//! line of each moderation. The socket (`socket.rs`) and the newsroom's
//! forms (`newsroom/chats.rs`) both go through here.
//!
//! Each action is one transaction: its rows, its audit entry and its event
//! commit together (an event is never sent for a change that rolled back,
//! nor lost for one that committed); [`commit`] then hands the events to
//! this node's open rooms, and other nodes read them from the log.

use std::net::IpAddr;

use dateline_core::{Reaction, ReportReason, Role};
use dateline_store::{
    ChatMessage, ChatMessageId, ChatReactionCount, ChatRoom, NewChatMessage, NewChatSanction, SanctionKind,
    StoreError, User, UserId, WriteTx,
};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use super::hub::Throttled;
use super::text::{self, TextError};
use crate::AppState;
use crate::discussion::rules::BannedWords;
use crate::i18n::Locale;

/// How long after writing its author may still edit a message.
pub const EDIT_WINDOW: Duration = Duration::minutes(15);
/// Longest mute or timed ban a moderator may give, in minutes (30 days).
pub const MAX_SANCTION_MINUTES: i64 = 30 * 24 * 60;

/// Why an action in a chat was refused; each has a stable code (for the
/// socket's error frames) and a message in the reader's language.
#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    #[error("log in to write")]
    LoginNeeded,
    #[error("confirm your email address first")]
    Unverified,
    /// Banned from this room or from every chat (or the account from
    /// commenting and chatting), until then or for ever.
    #[error("banned from this chat")]
    Banned(Option<OffsetDateTime>),
    #[error("muted")]
    Muted(OffsetDateTime),
    #[error("the room is closed")]
    Closed,
    #[error("the room is for its members")]
    MembersOnly,
    #[error("empty message")]
    Empty,
    #[error("message too long")]
    TooLong(usize),
    #[error("words not allowed here")]
    BannedWords,
    /// Slow mode: wait this many seconds.
    #[error("slow mode")]
    SlowMode(i64),
    #[error("too many messages")]
    TooMany(u64),
    #[error("the same message twice")]
    Repeated,
    #[error("no such message")]
    NoMessage,
    #[error("not your message")]
    NotYours,
    #[error("edit window passed")]
    EditWindow,
    #[error("own message")]
    OwnMessage,
    #[error("already reported")]
    AlreadyReported,
    #[error("a report's note is at most 500 characters long")]
    NoteTooLong,
    #[error("moderators only")]
    NotModerator,
    #[error("no such reader")]
    NoUser,
    #[error("a sanction lasts 1 minute to 30 days")]
    BadDuration,
    #[error("malformed frame: {0}")]
    BadFrame(String),
    #[error("frame too large")]
    TooLarge,
    #[error("binary frames are not understood")]
    Binary,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ChatError {
    /// The code in error frames.
    pub fn code(&self) -> &'static str {
        match self {
            Self::LoginNeeded => "login-needed",
            Self::Unverified => "unverified",
            Self::Banned(_) => "banned",
            Self::Muted(_) => "muted",
            Self::Closed => "closed",
            Self::MembersOnly => "members-only",
            Self::Empty => "empty",
            Self::TooLong(_) => "too-long",
            Self::BannedWords => "banned-words",
            Self::SlowMode(_) => "slow-mode",
            Self::TooMany(_) => "too-many",
            Self::Repeated => "repeated",
            Self::NoMessage => "no-message",
            Self::NotYours => "not-yours",
            Self::EditWindow => "edit-window",
            Self::OwnMessage => "own-message",
            Self::AlreadyReported => "already-reported",
            Self::NoteTooLong => "note-too-long",
            Self::NotModerator => "not-moderator",
            Self::NoUser => "no-user",
            Self::BadDuration => "bad-duration",
            Self::BadFrame(_) => "bad-frame",
            Self::TooLarge => "too-large",
            Self::Binary => "binary",
            Self::Store(_) => "unavailable",
        }
    }

    /// What the reader reads.
    pub fn message(&self, t: &Locale) -> String {
        let key = format!("chat-error-{}", self.code());
        match self {
            Self::Banned(Some(until)) | Self::Muted(until) => {
                t.arg(&format!("{key}-until"), "until", &t.date_time(*until))
            }
            Self::TooLong(count) => {
                let mut args = fluent_bundle::FluentArgs::new();
                args.set("max", text::MAX_CHARS);
                args.set("count", *count);
                t.format(&key, Some(&args)).into_owned()
            }
            Self::SlowMode(seconds) => t.count(&key, *seconds),
            Self::TooMany(seconds) => t.count(&key, *seconds as i64),
            Self::BadFrame(detail) => t.arg(&key, "detail", detail),
            _ => t.get(&key).into_owned(),
        }
    }
}

impl From<TextError> for ChatError {
    fn from(error: TextError) -> Self {
        match error {
            TextError::Empty => Self::Empty,
            TextError::TooLong(count) => Self::TooLong(count),
        }
    }
}

/// True when the account moderates this room's edition (editors and
/// admins working in it).
pub fn is_moderator(user: Option<&User>, room: &ChatRoom) -> bool {
    user.is_some_and(|u| {
        u.role >= Role::Editor && crate::newsroom::permissions::in_edition(u, room.edition_id)
    })
}

/// The sanction in force that stops this account writing in this room,
/// if any (the account's comment-and-chat ban counts too).
async fn sanction(
    state: &AppState,
    user: &User,
    room: &ChatRoom,
    now: OffsetDateTime,
) -> Result<(), ChatError> {
    if let Some(until) = user.banned_at(now) {
        return Err(ChatError::Banned((until.year() < 9999).then_some(until)));
    }
    let sanctions = state.store.active_chat_sanctions(Some(user.id), now).await?;
    let here = sanctions.iter().filter(|s| s.room_id.is_none() || s.room_id == Some(room.id));
    let mut muted: Option<OffsetDateTime> = None;
    for s in here {
        match (s.kind, s.until) {
            (SanctionKind::Ban, until) => return Err(ChatError::Banned(until)),
            (SanctionKind::Mute, until) => muted = muted.max(until),
        }
    }
    if let Some(until) = muted {
        return Err(ChatError::Muted(until));
    }
    Ok(())
}

/// May this account (or a guest) read the room?
pub async fn may_read(state: &AppState, user: Option<&User>, room: &ChatRoom) -> Result<(), ChatError> {
    if !room.members_only || is_moderator(user, room) {
        return Ok(());
    }
    let user = user.ok_or(ChatError::MembersOnly)?;
    if !state.store.is_chat_member(room.id, user.id).await? {
        return Err(ChatError::MembersOnly);
    }
    match sanction(state, user, room, OffsetDateTime::now_utc()).await {
        Err(ChatError::Banned(until)) => Err(ChatError::Banned(until)),
        _ => Ok(()),
    }
}

/// May this account write in the room now? The reason when not.
pub async fn may_write<'a>(
    state: &AppState,
    user: Option<&'a User>,
    room: &ChatRoom,
) -> Result<&'a User, ChatError> {
    let user = user.ok_or(ChatError::LoginNeeded)?;
    if !room.is_open() {
        return Err(ChatError::Closed);
    }
    if is_moderator(Some(user), room) {
        return Ok(user);
    }
    if !user.email_verified {
        return Err(ChatError::Unverified);
    }
    if room.members_only && !state.store.is_chat_member(room.id, user.id).await? {
        return Err(ChatError::MembersOnly);
    }
    sanction(state, user, room, OffsetDateTime::now_utc()).await?;
    Ok(user)
}

/// A message as readers' pages show it, and as frames carry it.
#[derive(Debug, Clone, Serialize)]
pub struct MessageView {
    pub id: ChatMessageId,
    pub author_id: Option<UserId>,
    pub author: String,
    pub staff: bool,
    /// Empty when deleted.
    pub html: String,
    pub at: String,
    /// "14:05 UTC", for pages without script.
    pub time: String,
    pub edited: bool,
    pub deleted: bool,
    pub pinned: bool,
    pub reply: Option<ReplyView>,
    pub reactions: Vec<ReactionView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReplyView {
    pub id: ChatMessageId,
    pub author: String,
    pub excerpt: String,
    pub deleted: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReactionView {
    pub kind: &'static str,
    pub symbol: &'static str,
    pub count: i64,
}

/// The reactions of one message, in the fixed order of [`Reaction::ALL`].
pub fn reaction_views(message_id: ChatMessageId, counts: &[ChatReactionCount]) -> Vec<ReactionView> {
    Reaction::ALL
        .into_iter()
        .filter_map(|r| {
            let count = counts
                .iter()
                .find(|c| c.message_id == message_id && c.kind == r.as_str())
                .map_or(0, |c| c.count);
            (count > 0).then_some(ReactionView { kind: r.as_str(), symbol: r.symbol(), count })
        })
        .collect()
}

pub fn message_view(t: &Locale, message: &ChatMessage, counts: &[ChatReactionCount]) -> MessageView {
    let deleted = message.deleted_at.is_some();
    let author = if message.user_id.is_none() {
        t.get("comment-former-reader").into_owned()
    } else {
        message.author_name.clone()
    };
    MessageView {
        id: message.id,
        author_id: message.user_id,
        author,
        staff: message.author_staff,
        html: if deleted { String::new() } else { message.html.clone() },
        at: crate::view::iso(message.created_at),
        time: t.time_of_day(message.created_at),
        edited: message.edited_at.is_some(),
        deleted,
        pinned: message.pinned_at.is_some() && !deleted,
        reply: message.reply.as_ref().map(|r| ReplyView {
            id: r.id,
            author: r.author_name.clone(),
            excerpt: if r.deleted { String::new() } else { text::excerpt(&r.body, 120) },
            deleted: r.deleted,
        }),
        reactions: if deleted { Vec::new() } else { reaction_views(message.id, counts) },
    }
}

fn locale_of<'a>(state: &'a AppState, room: &ChatRoom) -> &'a Locale {
    let directory = state.directory();
    let language = directory.edition_by_id(room.edition_id).map(|e| e.language.clone()).unwrap_or_default();
    state.locales.for_language(&language)
}

/// Tells every open socket of the room about a message (as it now is),
/// once the action's transaction commits.
async fn message_event(
    state: &AppState,
    tx: &mut dyn WriteTx,
    room: &ChatRoom,
    kind: &str,
    message: &ChatMessage,
) -> Result<(), ChatError> {
    let counts = tx.chat_reaction_counts(&[message.id]).await?;
    let view = message_view(locale_of(state, room), message, &counts);
    room_event(tx, room, kind, &serde_json::json!({"type": kind, "message": view})).await?;
    Ok(())
}

/// Appends an event for the room's open sockets to the action's transaction.
pub async fn room_event(
    tx: &mut dyn WriteTx,
    room: &ChatRoom,
    kind: &str,
    data: &serde_json::Value,
) -> Result<(), StoreError> {
    tx.append_chat_event(room.id, kind, &data.to_string(), OffsetDateTime::now_utc()).await?;
    Ok(())
}

/// Commits an action, then hands its events to this node's open rooms at
/// once (other nodes read them from the log; so does this one later,
/// should this read fail).
pub async fn commit(state: &AppState, tx: Box<dyn WriteTx>) -> Result<(), StoreError> {
    tx.commit().await?;
    if let Err(error) = state.chats.catch_up().await {
        tracing::warn!(%error, "could not read the chat event log after a change");
    }
    Ok(())
}

/// A message of this room (deleted ones only when `deleted_too`).
async fn room_message(
    state: &AppState,
    room: &ChatRoom,
    id: ChatMessageId,
    deleted_too: bool,
) -> Result<ChatMessage, ChatError> {
    state
        .store
        .chat_message(id)
        .await?
        .filter(|m| m.room_id == room.id && (deleted_too || m.deleted_at.is_none()))
        .ok_or(ChatError::NoMessage)
}

/// The site's banned words (the comments' list), read at most every few
/// seconds (`ChatHub::banned_words`).
async fn banned_words(state: &AppState) -> Result<std::sync::Arc<BannedWords>, StoreError> {
    state.chats.banned_words().await
}

/// Writes a message (a reply when `reply_to` is given) as `user`, whom
/// the caller found allowed to write here ([`may_write`]) a moment ago.
pub async fn send(
    state: &AppState,
    user: &User,
    address: IpAddr,
    room: &ChatRoom,
    body: &str,
    reply_to: Option<ChatMessageId>,
) -> Result<ChatMessage, ChatError> {
    let now = OffsetDateTime::now_utc();
    let body = text::clean(body)?;
    let moderator = is_moderator(Some(user), room);
    if !moderator {
        if banned_words(state).await?.matches(&body) {
            return Err(ChatError::BannedWords);
        }
        if room.slow_mode_seconds > 0
            && let Some(last) = state.store.last_chat_message_at(room.id, user.id).await?
        {
            let wait = room.slow_mode_seconds - (now - last).whole_seconds();
            if wait > 0 {
                return Err(ChatError::SlowMode(wait));
            }
        }
        state.chats.allow(&state.config.chat, user.id, address, &body).map_err(|t| match t {
            Throttled::TooMany(seconds) => ChatError::TooMany(seconds),
            Throttled::Repeated => ChatError::Repeated,
        })?;
    }
    if let Some(id) = reply_to {
        room_message(state, room, id, false).await?;
    }
    let new = NewChatMessage {
        room_id: room.id,
        user_id: user.id,
        reply_to,
        html: text::html(&body),
        body,
        client_address: address.to_string(),
    };
    let mut tx = state.store.begin_write().await?;
    let message = tx.add_chat_message(&new, now).await?;
    message_event(state, &mut *tx, room, "message", &message).await?;
    commit(state, tx).await?;
    metrics::counter!("dateline_chat_messages_total").increment(1);
    Ok(message)
}

/// Replaces the text of one's own message within the edit window.
pub async fn edit(
    state: &AppState,
    user: Option<&User>,
    room: &ChatRoom,
    id: ChatMessageId,
    body: &str,
) -> Result<ChatMessage, ChatError> {
    let now = OffsetDateTime::now_utc();
    let user = may_write(state, user, room).await?;
    let message = room_message(state, room, id, false).await?;
    if message.user_id != Some(user.id) {
        return Err(ChatError::NotYours);
    }
    if now - message.created_at > EDIT_WINDOW {
        return Err(ChatError::EditWindow);
    }
    let body = text::clean(body)?;
    if !is_moderator(Some(user), room) && banned_words(state).await?.matches(&body) {
        return Err(ChatError::BannedWords);
    }
    let mut tx = state.store.begin_write().await?;
    tx.edit_chat_message(id, &body, &text::html(&body), now).await?;
    let edited = tx.chat_message(id).await?.ok_or(ChatError::NoMessage)?;
    message_event(state, &mut *tx, room, "edited", &edited).await?;
    commit(state, tx).await?;
    Ok(edited)
}

/// Deletes a message: one's own, or any as a moderator (logged in the
/// audit log). The text stays in the database for the record.
pub async fn delete(
    state: &AppState,
    user: Option<&User>,
    room: &ChatRoom,
    id: ChatMessageId,
) -> Result<(), ChatError> {
    let user = user.ok_or(ChatError::LoginNeeded)?;
    let message = room_message(state, room, id, false).await?;
    let own = message.user_id == Some(user.id);
    let moderator = is_moderator(Some(user), room);
    if !own && !moderator {
        return Err(ChatError::NotYours);
    }
    let now = OffsetDateTime::now_utc();
    let mut tx = state.store.begin_write().await?;
    tx.delete_chat_message(id, user.id, now).await?;
    if !own {
        tx.resolve_chat_reports(id, user.id, now).await?;
        let detail =
            format!("message {id} by {}: {}", message.author_name, text::excerpt(&message.body, 200));
        audit_in(&mut *tx, user, "chat.delete", room, &detail).await?;
    }
    room_event(&mut *tx, room, "deleted", &serde_json::json!({"type": "deleted", "id": id})).await?;
    commit(state, tx).await?;
    Ok(())
}

/// Turns a reaction on or off; everyone sees the new counts.
pub async fn react(
    state: &AppState,
    user: Option<&User>,
    room: &ChatRoom,
    id: ChatMessageId,
    kind: &str,
) -> Result<(), ChatError> {
    let user = may_write(state, user, room).await?;
    let reaction = Reaction::parse(kind).map_err(|e| ChatError::BadFrame(e.to_string()))?;
    room_message(state, room, id, false).await?;
    let mut tx = state.store.begin_write().await?;
    tx.toggle_chat_reaction(id, user.id, reaction.as_str(), OffsetDateTime::now_utc()).await?;
    let counts = tx.chat_reaction_counts(&[id]).await?;
    let data = serde_json::json!({"type": "reactions", "id": id, "reactions": reaction_views(id, &counts)});
    room_event(&mut *tx, room, "reactions", &data).await?;
    commit(state, tx).await?;
    Ok(())
}

/// Reports someone else's message to the moderators.
pub async fn report(
    state: &AppState,
    user: Option<&User>,
    room: &ChatRoom,
    id: ChatMessageId,
    reason: &str,
    note: &str,
) -> Result<(), ChatError> {
    let user = user.ok_or(ChatError::LoginNeeded)?;
    let reason = ReportReason::parse(reason).map_err(|e| ChatError::BadFrame(e.to_string()))?;
    let note = note.trim();
    if note.chars().count() > 500 {
        return Err(ChatError::NoteTooLong);
    }
    let message = room_message(state, room, id, false).await?;
    if message.user_id == Some(user.id) {
        return Err(ChatError::OwnMessage);
    }
    match state.store.report_chat_message(id, user.id, reason.as_str(), note, OffsetDateTime::now_utc()).await
    {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => return Err(ChatError::AlreadyReported),
        Err(other) => return Err(other.into()),
    }
    metrics::counter!("dateline_chat_reports_total").increment(1);
    tracing::info!(
        message = id.get(),
        reporter = user.id.get(),
        reason = reason.as_str(),
        "chat message reported"
    );
    Ok(())
}

fn moderator<'a>(user: Option<&'a User>, room: &ChatRoom) -> Result<&'a User, ChatError> {
    let user = user.ok_or(ChatError::LoginNeeded)?;
    if is_moderator(Some(user), room) { Ok(user) } else { Err(ChatError::NotModerator) }
}

/// Pins a message to the top of the room, or unpins it.
pub async fn pin(
    state: &AppState,
    user: Option<&User>,
    room: &ChatRoom,
    id: ChatMessageId,
    pinned: bool,
) -> Result<(), ChatError> {
    let user = moderator(user, room)?;
    room_message(state, room, id, false).await?;
    let mut tx = state.store.begin_write().await?;
    tx.pin_chat_message(id, pinned.then(OffsetDateTime::now_utc)).await?;
    let message = tx.chat_message(id).await?.ok_or(ChatError::NoMessage)?;
    audit_in(&mut *tx, user, if pinned { "chat.pin" } else { "chat.unpin" }, room, &format!("message {id}"))
        .await?;
    message_event(state, &mut *tx, room, if pinned { "pinned" } else { "unpinned" }, &message).await?;
    commit(state, tx).await?;
    Ok(())
}

/// What a moderator decided about a reader.
#[derive(Debug, Clone, Copy)]
pub struct Decision {
    pub kind: SanctionKind,
    /// `None`: for ever (bans only; a mute always ends).
    pub minutes: Option<i64>,
    /// Every chat, not only this room.
    pub everywhere: bool,
}

/// Mutes or bans a reader, in this room or in every chat.
pub async fn sanction_reader(
    state: &AppState,
    user: Option<&User>,
    room: &ChatRoom,
    target_id: UserId,
    decision: Decision,
    reason: &str,
) -> Result<(), ChatError> {
    let user = moderator(user, room)?;
    let minutes = match (decision.kind, decision.minutes) {
        (SanctionKind::Mute, None) => return Err(ChatError::BadDuration),
        (_, Some(m)) if !(1..=MAX_SANCTION_MINUTES).contains(&m) => return Err(ChatError::BadDuration),
        (_, minutes) => minutes,
    };
    let target = state.store.user_by_id(target_id).await?.ok_or(ChatError::NoUser)?;
    if target.role.is_staff() {
        return Err(ChatError::NoUser);
    }
    let now = OffsetDateTime::now_utc();
    let until = minutes.map(|m| now + Duration::minutes(m));
    let reason: String = reason.trim().chars().take(500).collect();
    let mut tx = state.store.begin_write().await?;
    tx.add_chat_sanction(
        &NewChatSanction {
            user_id: target.id,
            room_id: (!decision.everywhere).then_some(room.id),
            kind: decision.kind,
            until,
            reason: reason.clone(),
            created_by: user.id,
        },
        now,
    )
    .await?;
    let scope = if decision.everywhere { "every chat".to_owned() } else { format!("room {}", room.slug) };
    let length = minutes.map_or("for ever".to_owned(), |m| format!("{m} minutes"));
    let detail = format!("{} (account {}) in {scope}, {length}: {reason}", target.display_name, target.id);
    audit_in(&mut *tx, user, &format!("chat.{}", decision.kind.as_str()), room, &detail).await?;
    let data = serde_json::json!({
        "type": "sanctioned",
        "user": target.id,
        "kind": decision.kind.as_str(),
        "until": until.map(crate::view::iso),
    });
    room_event(&mut *tx, room, "sanctioned", &data).await?;
    commit(state, tx).await?;
    Ok(())
}

/// What a room's open sockets are told when the room itself changed.
pub fn room_data(room: &ChatRoom) -> serde_json::Value {
    serde_json::json!({
        "type": "room",
        "title": room.title,
        "topic": room.topic,
        "open": room.is_open(),
        "slow_mode": room.slow_mode_seconds,
    })
}

/// Writes a moderation's audit entry in the action's transaction.
pub async fn audit_in(
    tx: &mut dyn WriteTx,
    user: &User,
    action: &str,
    room: &ChatRoom,
    detail: &str,
) -> Result<(), StoreError> {
    let subject = format!("chat room {} ({})", room.slug, room.id);
    tx.record_audit(Some(user.id), Some(room.edition_id), action, &subject, detail).await?;
    Ok(())
}
