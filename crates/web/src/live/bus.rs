//! The event bus: every node keeps the last [`RETAIN_EVENTS`] events of
//! the shared event log in memory and hands them to its open streams.
//!
//! The log in the database is the one source: publishing appends to it
//! and then reads it back ([`LiveBus::catch_up`]); so does every node when
//! the store wakes it (PostgreSQL's `LISTEN/NOTIFY`) or, as a safety net,
//! once a second. Events therefore reach every node in the same order with
//! the same ids, and a reader resuming with `Last-Event-ID` on any node
//! gets exactly what they missed.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use dateline_store::{ArticleId, EditionId, LiveEvent, NewLiveEvent, SectionId, Store, StoreError};
use time::OffsetDateTime;
use tokio::sync::broadcast;

/// How many events a node keeps for readers who reconnect.
pub const RETAIN_EVENTS: usize = 1000;
/// How old a kept event may be; the log itself is pruned to this age.
pub const RETAIN_FOR: time::Duration = time::Duration::hours(24);
/// Events a stream may fall behind before it is dropped (it then resumes
/// from the kept events with `Last-Event-ID`).
const CHANNEL_CAPACITY: usize = 1024;
/// Events read from the log per query when catching up.
const CATCH_UP_BATCH: i64 = 500;

/// The id of the frame that tells streams to end.
pub const CLOSE: i64 = -1;

/// One event, ready to write to every stream that wants it.
#[derive(Debug)]
pub struct Frame {
    pub id: i64,
    pub edition_id: EditionId,
    pub section_id: Option<SectionId>,
    pub article_id: Option<ArticleId>,
    pub breaking: bool,
    /// Only for streams of this one article (`?article=`): comment events,
    /// which the edition-wide stream of every page does not carry.
    pub article_only: bool,
    pub created_at: OffsetDateTime,
    /// `id: …\nevent: …\ndata: …\n\n`, made once and shared.
    pub bytes: Bytes,
}

impl Frame {
    fn new(event: &LiveEvent) -> Self {
        // The data is one line of JSON; SSE would split a line break into
        // two data lines, so none may remain.
        let data = event.data.replace(['\r', '\n'], " ");
        let kind: String = event.kind.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
        Self {
            id: event.id,
            edition_id: event.edition_id,
            section_id: event.section_id,
            article_id: event.article_id,
            breaking: event.breaking,
            article_only: kind.starts_with("comment-"),
            created_at: event.created_at,
            bytes: Bytes::from(format!("id: {}\nevent: {kind}\ndata: {data}\n\n", event.id)),
        }
    }
}

#[derive(Debug, Default)]
struct Kept {
    frames: VecDeque<Arc<Frame>>,
    /// The newest id read from the log.
    last_id: i64,
    /// Every event up to this id has left the kept window: a reader who
    /// last saw an id below it has missed some for good.
    floor: i64,
}

impl Kept {
    fn forget_old(&mut self, now: OffsetDateTime) {
        while let Some(oldest) = self.frames.front() {
            if self.frames.len() <= RETAIN_EVENTS && oldest.created_at >= now - RETAIN_FOR {
                break;
            }
            self.floor = oldest.id;
            self.frames.pop_front();
        }
    }
}

/// Where a new stream starts.
#[derive(Debug)]
pub struct Subscription {
    /// Kept events after the reader's `Last-Event-ID`, oldest first.
    pub backlog: Vec<Arc<Frame>>,
    /// The reader missed events that are no longer kept: it must reload.
    pub gap: bool,
    /// Events the reader already has (from a node ahead of this one).
    pub skip_through: i64,
    pub receiver: broadcast::Receiver<Arc<Frame>>,
}

#[derive(Debug)]
pub struct LiveBus {
    store: Arc<dyn Store>,
    kept: Mutex<Kept>,
    sender: broadcast::Sender<Arc<Frame>>,
    /// One catch-up at a time, so events are handed on in order.
    catching_up: tokio::sync::Mutex<()>,
    connections: AtomicUsize,
    opened: AtomicU64,
}

impl LiveBus {
    /// Loads the kept window from the log.
    pub async fn load(store: Arc<dyn Store>) -> Result<Self, StoreError> {
        let now = OffsetDateTime::now_utc();
        let recent = store.recent_live_events(now - RETAIN_FOR, RETAIN_EVENTS as i64).await?;
        let newest = store.recent_live_events(OffsetDateTime::UNIX_EPOCH, 1).await?;
        let last_id = newest.last().map_or(0, |e| e.id);
        let floor = recent.first().map_or(last_id, |e| e.id - 1);
        let frames = recent.iter().map(|e| Arc::new(Frame::new(e))).collect();
        let (sender, _) = broadcast::channel(CHANNEL_CAPACITY);
        Ok(Self {
            store,
            kept: Mutex::new(Kept { frames, last_id, floor }),
            sender,
            catching_up: tokio::sync::Mutex::new(()),
            connections: AtomicUsize::new(0),
            opened: AtomicU64::new(0),
        })
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Appends an event to the shared log and hands it to this node's
    /// streams at once (other nodes follow within moments).
    pub async fn publish(&self, event: NewLiveEvent) -> Result<(), StoreError> {
        self.store.append_live_event(&event, OffsetDateTime::now_utc()).await?;
        self.catch_up().await
    }

    /// Reads what the log holds beyond the last event seen and hands it on.
    pub async fn catch_up(&self) -> Result<(), StoreError> {
        let _one_at_a_time = self.catching_up.lock().await;
        loop {
            let after = self.kept().last_id;
            let events = self.store.live_events_after(after, CATCH_UP_BATCH).await?;
            let full = events.len() as i64 == CATCH_UP_BATCH;
            let now = OffsetDateTime::now_utc();
            let mut kept = self.kept();
            for event in &events {
                let frame = Arc::new(Frame::new(event));
                kept.last_id = event.id;
                kept.frames.push_back(Arc::clone(&frame));
                // No stream open is not an error.
                let _ = self.sender.send(frame);
            }
            kept.forget_old(now);
            if !full {
                return Ok(());
            }
        }
    }

    /// A stream's starting point: the kept events after `last_event_id`
    /// and the live ones from then on, with nothing lost or repeated in
    /// between (both are taken under the same lock `catch_up` sends under).
    pub fn subscribe(&self, last_event_id: Option<i64>) -> Subscription {
        let mut kept = self.kept();
        kept.forget_old(OffsetDateTime::now_utc());
        let receiver = self.sender.subscribe();
        let Some(seen) = last_event_id else {
            return Subscription { backlog: Vec::new(), gap: false, skip_through: 0, receiver };
        };
        let gap = seen < kept.floor;
        let backlog = kept.frames.iter().filter(|f| f.id > seen).cloned().collect();
        Subscription { backlog, gap, skip_through: seen, receiver }
    }

    /// Ends every open stream (at shutdown); clients reconnect elsewhere
    /// and resume.
    pub fn close_streams(&self) {
        let _ = self.sender.send(Arc::new(Frame {
            id: CLOSE,
            edition_id: EditionId::default(),
            section_id: None,
            article_id: None,
            breaking: false,
            article_only: false,
            created_at: OffsetDateTime::now_utc(),
            bytes: Bytes::new(),
        }));
    }

    /// Streams open on this node.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::Relaxed)
    }

    /// Counts a stream for as long as the guard lives; the number is also
    /// a sequence that spreads streams' closing times.
    pub fn open_stream(self: &Arc<Self>) -> (StreamGuard, u64) {
        self.connections.fetch_add(1, Ordering::Relaxed);
        // Added to, not set: two streams ending at once would otherwise
        // race to set the gauge and could leave it wrong.
        metrics::gauge!("dateline_live_connections").increment(1.0);
        (StreamGuard(Arc::clone(self)), self.opened.fetch_add(1, Ordering::Relaxed))
    }

    /// Follows the log for as long as the process runs: at every wake-up
    /// from the store, and once a second in case one was lost; prunes the
    /// log of events older than a day once an hour.
    pub async fn follow(self: Arc<Self>) {
        let mut wakeups = match self.store.live_wakeups().await {
            Ok(wakeups) => wakeups,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for other nodes' events; reading the log every second");
                None
            }
        };
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut next_prune = OffsetDateTime::now_utc();
        loop {
            match &mut wakeups {
                Some(channel) => tokio::select! {
                    woken = channel.recv() => if woken.is_none() { wakeups = None },
                    _ = tick.tick() => {}
                },
                None => {
                    tick.tick().await;
                }
            }
            if let Err(error) = self.catch_up().await {
                tracing::warn!(%error, "could not read the live event log");
            }
            let now = OffsetDateTime::now_utc();
            if now >= next_prune {
                next_prune = now + time::Duration::hours(1);
                match self.store.prune_live_events(now - RETAIN_FOR).await {
                    Ok(0) => {}
                    Ok(pruned) => tracing::info!(pruned, "old live events pruned"),
                    Err(error) => tracing::warn!(%error, "could not prune the live event log"),
                }
                // The page-change log is kept as long: a node away longer
                // finds a gap and drops every page.
                match self.store.prune_page_changes(now - RETAIN_FOR).await {
                    Ok(0) => {}
                    Ok(pruned) => tracing::info!(pruned, "old page changes pruned"),
                    Err(error) => tracing::warn!(%error, "could not prune the page-change log"),
                }
            }
        }
    }
}

/// Held by each open stream.
#[derive(Debug)]
pub struct StreamGuard(Arc<LiveBus>);

impl Drop for StreamGuard {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::Relaxed);
        metrics::gauge!("dateline_live_connections").decrement(1.0);
    }
}
