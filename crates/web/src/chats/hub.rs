//! The chat hub: hands every room's events to this node's open sockets,
//! counts who is in which room, and keeps the writers' allowances.
//!
//! The event log in the database is the one source, as for the live
//! newsfeed (`live/bus.rs`): an action appends its event and then reads the
//! log back ([`ChatHub::catch_up`]); so does every node when PostgreSQL
//! wakes it (`LISTEN dateline_chat`), and every few seconds while it has
//! people in rooms, in case a wake-up was lost. Events therefore reach
//! every node in the same order with the same ids, and a client that
//! reconnects to any node resumes from the last id it saw.
//!
//! Presence: each node writes how many people it has in each room to
//! `chat_presence` every [`PRESENCE_EVERY`] while it has any, and reads the
//! sums; rows a node stopped refreshing (it went away) are ignored after
//! [`PRESENCE_FRESH`]. An idle node does no chat work at all.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::ws::Utf8Bytes;
use dateline_store::{ChatRoomId, Store, StoreError, UserId};

use crate::discussion::rules::BannedWords;
use time::OffsetDateTime;
use tokio::sync::broadcast;

/// Events a socket may fall behind before it is dropped (its client then
/// reconnects and resumes from the log).
const ROOM_CHANNEL: usize = 512;
/// Events read from the log per query.
const CATCH_UP_BATCH: i64 = 500;
/// How often a node with people in rooms writes its counts and reads the
/// others' (and reads the log, in case a wake-up was lost).
pub const PRESENCE_EVERY: Duration = Duration::from_secs(5);
/// Presence rows older than this are a departed node's.
const PRESENCE_FRESH: time::Duration = time::Duration::seconds(30);
/// How long the banned words are reused before being read again (other
/// nodes' changes take this long to apply).
const BANNED_WORDS_FOR: Duration = Duration::from_secs(5);
/// The event log keeps a day: a client away longer reloads the room.
pub const EVENTS_KEPT: time::Duration = time::Duration::hours(24);

/// The id of the frame that tells sockets to end.
pub const CLOSE: i64 = -1;

/// One frame for every socket of a room: the JSON text, made once.
#[derive(Debug, Clone)]
pub struct ChatFrame {
    /// The event id (0 for frames that are not in the log, like presence).
    pub id: i64,
    pub text: Utf8Bytes,
    /// The room changed, or someone was muted or banned: sockets check
    /// again what their reader may do.
    pub changes_rights: bool,
}

#[derive(Debug)]
struct Room {
    sender: broadcast::Sender<Arc<ChatFrame>>,
    /// Sockets in this room on this node.
    here: i64,
}

#[derive(Debug, Default)]
struct Allowance {
    sent: VecDeque<Instant>,
    last_text: u64,
    last_at: Option<Instant>,
}

/// A writer's allowance was used up: wait this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttled {
    TooMany(u64),
    Repeated,
}

/// Messages per minute one account and one address may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChatLimits {
    pub per_account_per_minute: u32,
    pub per_address_per_minute: u32,
    /// Days new rooms keep their messages (0: for ever).
    pub retention_days: u32,
}

impl Default for ChatLimits {
    fn default() -> Self {
        Self { per_account_per_minute: 20, per_address_per_minute: 60, retention_days: 30 }
    }
}

#[derive(Debug)]
pub struct ChatHub {
    store: Arc<dyn Store>,
    /// This node's name in `chat_presence`.
    node: String,
    rooms: Mutex<HashMap<ChatRoomId, Room>>,
    /// People in each room on other nodes.
    elsewhere: Mutex<HashMap<ChatRoomId, i64>>,
    /// What this node last wrote to `chat_presence`.
    written: Mutex<HashMap<ChatRoomId, i64>>,
    last_id: Mutex<i64>,
    catching_up: tokio::sync::Mutex<()>,
    allowances: Mutex<HashMap<String, Allowance>>,
    connections: AtomicUsize,
    /// The banned words and when they were read.
    banned: Mutex<Option<(Instant, Arc<BannedWords>)>>,
    /// Wakes the follower when the first socket opens.
    pub(crate) wake: tokio::sync::Notify,
}

/// A socket's place in a room, for as long as it lives.
#[derive(Debug)]
pub struct Membership {
    hub: Arc<ChatHub>,
    room_id: ChatRoomId,
}

impl Drop for Membership {
    fn drop(&mut self) {
        self.hub.leave(self.room_id);
    }
}

impl ChatHub {
    pub async fn load(store: Arc<dyn Store>) -> Result<Self, StoreError> {
        let (_, last_id) = store.chat_event_bounds().await?;
        // This node's name in `chat_presence`: 8 random bytes, hex.
        let mut node = crate::accounts::secrets::new_secret("");
        node.truncate(16);
        Ok(Self {
            store,
            node,
            rooms: Mutex::new(HashMap::new()),
            elsewhere: Mutex::new(HashMap::new()),
            written: Mutex::new(HashMap::new()),
            last_id: Mutex::new(last_id),
            catching_up: tokio::sync::Mutex::new(()),
            allowances: Mutex::new(HashMap::new()),
            connections: AtomicUsize::new(0),
            banned: Mutex::new(None),
            wake: tokio::sync::Notify::new(),
        })
    }

    fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
        mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The site's banned words, read again when older than
    /// [`BANNED_WORDS_FOR`] (or forgotten after a change on this node).
    pub async fn banned_words(&self) -> Result<Arc<BannedWords>, StoreError> {
        if let Some((read, words)) = Self::lock(&self.banned).as_ref()
            && read.elapsed() < BANNED_WORDS_FOR
        {
            return Ok(Arc::clone(words));
        }
        let text = self.store.site_setting(BannedWords::SETTING).await?.unwrap_or_default();
        let words = Arc::new(BannedWords::parse(&text));
        *Self::lock(&self.banned) = Some((Instant::now(), Arc::clone(&words)));
        Ok(words)
    }

    /// The banned words changed here: read them again at the next message.
    pub fn forget_banned_words(&self) {
        *Self::lock(&self.banned) = None;
    }

    /// Sockets open on this node.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::Relaxed)
    }

    /// Reads the log beyond the last event handed on, and hands it on.
    pub async fn catch_up(&self) -> Result<(), StoreError> {
        let _one_at_a_time = self.catching_up.lock().await;
        loop {
            let after = *Self::lock(&self.last_id);
            let events = self.store.chat_events_after(None, after, CATCH_UP_BATCH).await?;
            let full = events.len() as i64 == CATCH_UP_BATCH;
            // Sent under the rooms' lock, which `join` also takes: a socket
            // joins either before an event is sent (and receives it) or
            // after (and its starting point includes it).
            let rooms = Self::lock(&self.rooms);
            let mut last = Self::lock(&self.last_id);
            for event in &events {
                *last = event.id;
                if let Some(room) = rooms.get(&event.room_id) {
                    let mut frame = event_frame(event.id, &event.data);
                    frame.changes_rights = matches!(event.kind.as_str(), "room" | "sanctioned");
                    let _ = room.sender.send(Arc::new(frame));
                }
            }
            drop(last);
            drop(rooms);
            if !full {
                return Ok(());
            }
        }
    }

    /// Joins a room: the live frames from now on, the last event id handed
    /// on before them, and the membership that counts this socket.
    pub fn join(
        self: &Arc<Self>,
        room_id: ChatRoomId,
    ) -> (broadcast::Receiver<Arc<ChatFrame>>, i64, Membership) {
        let (receiver, people) = {
            let mut rooms = Self::lock(&self.rooms);
            let room = rooms
                .entry(room_id)
                .or_insert_with(|| Room { sender: broadcast::channel(ROOM_CHANNEL).0, here: 0 });
            room.here += 1;
            (room.sender.subscribe(), room.here)
        };
        let last = *Self::lock(&self.last_id);
        if self.connections.fetch_add(1, Ordering::Relaxed) == 0 {
            self.wake.notify_one();
        }
        metrics::gauge!("dateline_chat_connections").increment(1.0);
        self.tell_presence(room_id, people);
        (receiver, last, Membership { hub: Arc::clone(self), room_id })
    }

    fn leave(&self, room_id: ChatRoomId) {
        self.connections.fetch_sub(1, Ordering::Relaxed);
        metrics::gauge!("dateline_chat_connections").decrement(1.0);
        let people = {
            let mut rooms = Self::lock(&self.rooms);
            let Some(room) = rooms.get_mut(&room_id) else { return };
            room.here -= 1;
            if room.here <= 0 {
                rooms.remove(&room_id);
                return;
            }
            room.here
        };
        self.tell_presence(room_id, people);
    }

    /// People in a room, on every node as far as this one knows.
    pub fn people(&self, room_id: ChatRoomId) -> i64 {
        let here = Self::lock(&self.rooms).get(&room_id).map_or(0, |r| r.here);
        here + Self::lock(&self.elsewhere).get(&room_id).copied().unwrap_or(0)
    }

    /// People per room for the room list: this node's own, plus the
    /// others' as `chat_presence` has them.
    pub async fn people_by_room(&self) -> HashMap<ChatRoomId, i64> {
        let mut counts: HashMap<ChatRoomId, i64> =
            Self::lock(&self.rooms).iter().map(|(id, room)| (*id, room.here)).collect();
        let since = OffsetDateTime::now_utc() - PRESENCE_FRESH;
        match self.store.chat_presence(since).await {
            Ok(rows) => {
                // The sums include what this node last wrote: count its
                // people live instead.
                let written = Self::lock(&self.written).clone();
                for (room, people) in rows {
                    let others = (people - written.get(&room).copied().unwrap_or(0)).max(0);
                    *counts.entry(room).or_insert(0) += others;
                }
            }
            Err(error) => tracing::warn!(%error, "could not read chat presence"),
        }
        counts
    }

    /// Sends a room's sockets its head count (not a logged event).
    fn tell_presence(&self, room_id: ChatRoomId, here: i64) {
        let people = here + Self::lock(&self.elsewhere).get(&room_id).copied().unwrap_or(0);
        let text = serde_json::json!({"type": "presence", "people": people}).to_string();
        if let Some(room) = Self::lock(&self.rooms).get(&room_id) {
            let _ = room.sender.send(Arc::new(ChatFrame { id: 0, text: text.into(), changes_rights: false }));
        }
    }

    /// Counts a message against the writer's allowances; refuses one
    /// beyond them (a minute's worth, or a quarter of it within five
    /// seconds), and the same text twice within half a minute.
    pub fn allow(
        &self,
        limits: &ChatLimits,
        user_id: UserId,
        address: std::net::IpAddr,
        text: &str,
    ) -> Result<(), Throttled> {
        use std::hash::{Hash, Hasher};
        const MINUTE: Duration = Duration::from_secs(60);
        const BURST: Duration = Duration::from_secs(5);
        let now = Instant::now();
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        text.hash(&mut hasher);
        let fingerprint = hasher.finish();
        let mut allowances = Self::lock(&self.allowances);
        if allowances.len() > 100_000 {
            allowances.retain(|_, a| a.sent.back().is_some_and(|t| now.duration_since(*t) < MINUTE));
        }
        let keys = [
            (format!("u{user_id}"), limits.per_account_per_minute as usize),
            (format!("a{address}"), limits.per_address_per_minute as usize),
        ];
        for (key, limit) in &keys {
            let allowance = allowances.entry(key.clone()).or_default();
            while allowance.sent.front().is_some_and(|t| now.duration_since(*t) >= MINUTE) {
                allowance.sent.pop_front();
            }
            if let Some(oldest) = allowance.sent.front().filter(|_| allowance.sent.len() >= *limit) {
                let wait = MINUTE.saturating_sub(now.duration_since(*oldest)).as_secs().max(1);
                return Err(Throttled::TooMany(wait));
            }
            let burst = allowance.sent.iter().rev().take_while(|t| now.duration_since(**t) < BURST).count();
            if burst >= (limit / 4).max(3) {
                return Err(Throttled::TooMany(BURST.as_secs()));
            }
        }
        let account = allowances.entry(keys[0].0.clone()).or_default();
        let recently = account.last_at.is_some_and(|t| now.duration_since(t) < Duration::from_secs(30));
        if account.last_text == fingerprint && recently {
            return Err(Throttled::Repeated);
        }
        account.last_text = fingerprint;
        account.last_at = Some(now);
        account.sent.push_back(now);
        allowances.entry(keys[1].0.clone()).or_default().sent.push_back(now);
        Ok(())
    }

    /// Writes this node's presence and reads everyone's; tells rooms whose
    /// count changed.
    async fn share_presence(&self) -> Result<(), StoreError> {
        let mine: Vec<(ChatRoomId, i64)> =
            Self::lock(&self.rooms).iter().map(|(id, room)| (*id, room.here)).collect();
        let now = OffsetDateTime::now_utc();
        self.store.set_chat_presence(&self.node, &mine, now).await?;
        *Self::lock(&self.written) = mine.iter().copied().filter(|(_, people)| *people > 0).collect();
        let totals = self.store.chat_presence(now - PRESENCE_FRESH).await?;
        let mine: HashMap<ChatRoomId, i64> = mine.into_iter().collect();
        let mut changed = Vec::new();
        {
            let mut elsewhere = Self::lock(&self.elsewhere);
            let fresh: HashMap<ChatRoomId, i64> = totals
                .into_iter()
                .map(|(room, people)| (room, (people - mine.get(&room).copied().unwrap_or(0)).max(0)))
                .filter(|(_, people)| *people > 0)
                .collect();
            for (room, here) in &mine {
                if elsewhere.get(room) != fresh.get(room) {
                    changed.push((*room, *here));
                }
            }
            *elsewhere = fresh;
        }
        for (room, here) in changed {
            self.tell_presence(room, here);
        }
        Ok(())
    }

    /// Follows the log and shares presence for as long as the process
    /// runs; prunes old events and expired messages once an hour. With no
    /// socket open it only waits (for PostgreSQL's wake-ups, the first
    /// socket, or the hour).
    pub async fn follow(self: Arc<Self>) {
        let mut wakeups = match self.store.chat_wakeups().await {
            Ok(wakeups) => wakeups,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for other nodes' chat events; reading the log every few seconds");
                None
            }
        };
        let mut next_prune = OffsetDateTime::now_utc() + time::Duration::minutes(1);
        loop {
            let busy = self.connections() > 0 || !Self::lock(&self.written).is_empty();
            let tick = async {
                if busy {
                    tokio::time::sleep(PRESENCE_EVERY).await;
                } else {
                    tokio::select! {
                        () = self.wake.notified() => {}
                        () = tokio::time::sleep(Duration::from_secs(3600)) => {}
                    }
                }
            };
            let woken = match &mut wakeups {
                Some(channel) => tokio::select! {
                    woken = channel.recv() => {
                        if woken.is_none() {
                            wakeups = None;
                        }
                        true
                    }
                    () = tick => false,
                },
                None => {
                    tick.await;
                    false
                }
            };
            if (woken || busy)
                && let Err(error) = self.catch_up().await
            {
                tracing::warn!(%error, "could not read the chat event log");
            }
            if !woken
                && busy
                && let Err(error) = self.share_presence().await
            {
                tracing::warn!(%error, "could not share chat presence");
            }
            let now = OffsetDateTime::now_utc();
            if now >= next_prune {
                next_prune = now + time::Duration::hours(1);
                self.prune(now).await;
            }
        }
    }

    async fn prune(&self, now: OffsetDateTime) {
        match self.store.prune_chat_events(now - EVENTS_KEPT).await {
            Ok(0) => {}
            Ok(pruned) => tracing::info!(pruned, "old chat events pruned"),
            Err(error) => tracing::warn!(%error, "could not prune the chat event log"),
        }
        let rooms = match self.store.chat_rooms(None).await {
            Ok(rooms) => rooms,
            Err(error) => return tracing::warn!(%error, "could not read chat rooms to prune"),
        };
        for room in rooms.iter().filter(|r| r.retention_days > 0) {
            let before = now - time::Duration::days(room.retention_days);
            match self.store.prune_chat_messages(room.id, before).await {
                Ok(0) => {}
                Ok(pruned) => {
                    tracing::info!(pruned, room = room.id.get(), "chat messages past their retention deleted")
                }
                Err(error) => tracing::warn!(%error, room = room.id.get(), "could not prune chat messages"),
            }
        }
    }

    /// Ends every socket of this node (at shutdown): clients reconnect
    /// elsewhere and resume.
    pub fn close_sockets(&self) {
        for room in Self::lock(&self.rooms).values() {
            let frame = ChatFrame { id: CLOSE, text: Utf8Bytes::default(), changes_rights: false };
            let _ = room.sender.send(Arc::new(frame));
        }
    }

    /// Clears this node's presence (at shutdown).
    pub async fn depart(&self) {
        if let Err(error) = self.store.set_chat_presence(&self.node, &[], OffsetDateTime::now_utc()).await {
            tracing::warn!(%error, "could not clear this node's chat presence");
        }
    }
}

/// A logged event's frame: its stored JSON with the event id added.
pub fn event_frame(id: i64, data: &str) -> ChatFrame {
    let text = match data.strip_prefix('{') {
        Some(rest) if rest.trim_start().starts_with('}') => format!("{{\"event\":{id}}}"),
        Some(rest) => format!("{{\"event\":{id},{rest}"),
        None => format!("{{\"event\":{id}}}"),
    };
    ChatFrame { id, text: text.into(), changes_rights: false }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_frames_carry_their_id() {
        assert_eq!(
            event_frame(7, r#"{"type":"deleted","id":3}"#).text.as_str(),
            r#"{"event":7,"type":"deleted","id":3}"#
        );
        assert_eq!(event_frame(8, "{}").text.as_str(), r#"{"event":8}"#);
    }
}
