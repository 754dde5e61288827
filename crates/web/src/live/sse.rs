//! `GET /{edition}/newsfeed/events`: the edition's live events as
//! Server-Sent Events.
//!
//! Filters: `section` (a section's slug), `breaking=1` (breaking stories
//! only), `article` (one article's events: a live blog's entries, and its
//! discussion's `comment-added`, `comment-changed` and `comment-removed`,
//! which only such a stream carries). A client
//! that reconnects sends `Last-Event-ID` (or `last_event_id=` in the query,
//! for a first connection that resumes another tab's stream) and receives
//! every kept event after it, then the live ones; when it missed more than
//! is kept, a `reset` event tells it to reload instead.
//!
//! A stream costs one task-less state machine polled by its connection: a
//! broadcast receiver, one timer for heartbeats and the stream's end, and
//! the backlog. A stream that falls [`super::bus`]'s channel capacity behind
//! is ended (the client resumes); a client that stops reading is cut off
//! by the listener's write timeout (`dateline::listener`), so neither can
//! hold memory or slow the others. A connection that opens with this
//! request is written by `dateline::live_connection` rather than hyper:
//! the same response, at a fifth of the memory.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use dateline_core::Slug;
use tokio::time::{Instant, Sleep};
use tokio_stream::Stream;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

use super::bus::{CLOSE, Frame, StreamGuard};
use crate::AppState;
use crate::error::PageError;
use crate::public::edition_from;
use dateline_store::{ArticleId, EditionId, SectionId};

/// A comment line every so often keeps proxies from closing a quiet stream.
pub const HEARTBEAT: Duration = Duration::from_secs(20);
/// Streams end after about this long (spread over ten more minutes) and
/// the client resumes: it sheds connections that outlived a deploy or a
/// rebalanced load balancer, and bounds any stream's life.
const LIFETIME: Duration = Duration::from_secs(30 * 60);
/// Streams a node serves at most; beyond, 503 with `Retry-After`.
pub const MAX_STREAMS: usize = 50_000;

/// What the client asks the browser to wait before reconnecting.
const PREAMBLE: &[u8] = b"retry: 3000\n\n";
const PING: &[u8] = b": ping\n\n";
const RESET: &[u8] = b"event: reset\ndata: {}\n\n";

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventParams {
    section: Option<String>,
    breaking: Option<String>,
    article: Option<String>,
    last_event_id: Option<String>,
}

#[derive(Debug, Clone, Copy)]
struct Filter {
    edition_id: EditionId,
    section_id: Option<SectionId>,
    breaking_only: bool,
    article_id: Option<ArticleId>,
}

impl Filter {
    fn wants(&self, frame: &Frame) -> bool {
        frame.edition_id == self.edition_id
            && (!frame.article_only || self.article_id.is_some())
            && self.section_id.is_none_or(|s| frame.section_id == Some(s))
            && (!self.breaking_only || frame.breaking)
            && self.article_id.is_none_or(|a| frame.article_id == Some(a))
    }
}

/// `Last-Event-ID` as this server writes ids: a whole number.
fn event_id(raw: &str) -> Result<i64, PageError> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > 19 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PageError::BadRequest(
            "Last-Event-ID must be the id of an event this stream sent: a whole number".into(),
        ));
    }
    raw.parse().map_err(|_| PageError::BadRequest("Last-Event-ID is out of range".into()))
}

/// `GET /{edition}/newsfeed/events`.
pub async fn events(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    params: Result<Query<EventParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, PageError> {
    let Query(params) = params.map_err(|rejection| {
        PageError::BadRequest(format!(
            "{}; the filters are section, breaking and article",
            rejection.body_text()
        ))
    })?;
    let directory = state.directory();
    let edition = edition_from(&directory, &code)?;
    let section_id = match params.section.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => {
            let known =
                Slug::parse(raw).ok().and_then(|slug| directory.section(edition.id, &slug).map(|s| s.id));
            Some(known.ok_or_else(|| PageError::BadRequest(format!("this edition has no section {raw:?}")))?)
        }
    };
    let breaking_only = match params.breaking.as_deref() {
        None | Some("" | "0" | "false") => false,
        Some("1" | "true") => true,
        Some(_) => return Err(PageError::BadRequest("breaking must be 1 or 0".into())),
    };
    let article_id = match params.article.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => {
            let id =
                event_id(raw).map_err(|_| PageError::BadRequest("article must be an article's id".into()))?;
            Some(ArticleId::new(id))
        }
    };
    let header_id = headers.get("last-event-id").map(|v| v.to_str().unwrap_or("\u{0}"));
    let last_event_id = match header_id.filter(|v| !v.trim().is_empty()).or(params.last_event_id.as_deref()) {
        None => None,
        Some(raw) => Some(event_id(raw)?),
    };
    let bus = Arc::clone(&state.live);
    if bus.connections() >= MAX_STREAMS {
        let mut busy =
            (axum::http::StatusCode::SERVICE_UNAVAILABLE, "too many live readers; retry shortly\n")
                .into_response();
        busy.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("10"));
        return Ok(busy);
    }
    let subscription = bus.subscribe(last_event_id);
    let filter = Filter { edition_id: edition.id, section_id, breaking_only, article_id };
    let (guard, sequence) = bus.open_stream();
    let mut backlog = VecDeque::with_capacity(subscription.backlog.len() + 2);
    backlog.push_back(Bytes::from_static(PREAMBLE));
    if subscription.gap {
        backlog.push_back(Bytes::from_static(RESET));
    }
    backlog.extend(subscription.backlog.iter().filter(|f| filter.wants(f)).map(|f| f.bytes.clone()));
    let spread = Duration::from_secs(sequence % 600);
    let stream = LiveStream {
        backlog,
        receiver: BroadcastStream::new(subscription.receiver),
        filter,
        skip_through: subscription.skip_through,
        timer: Box::pin(tokio::time::sleep(HEARTBEAT)),
        ends_at: Instant::now() + LIFETIME + spread,
        _guard: guard,
    };
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // nginx would otherwise hold events back to fill its buffer.
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(response)
}

struct LiveStream {
    /// Written first: the retry hint, a reset, missed events.
    backlog: VecDeque<Bytes>,
    receiver: BroadcastStream<Arc<Frame>>,
    filter: Filter,
    skip_through: i64,
    /// Fires for the next heartbeat (and, past `ends_at`, ends the stream).
    timer: Pin<Box<Sleep>>,
    ends_at: Instant,
    _guard: StreamGuard,
}

impl Stream for LiveStream {
    type Item = Result<Bytes, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if let Some(bytes) = this.backlog.pop_front() {
            return Poll::Ready(Some(Ok(bytes)));
        }
        loop {
            match Pin::new(&mut this.receiver).poll_next(cx) {
                Poll::Ready(Some(Ok(frame))) => {
                    if frame.id == CLOSE {
                        return Poll::Ready(None);
                    }
                    if frame.id > this.skip_through && this.filter.wants(&frame) {
                        // The heartbeat timer is left as it is: a ping soon
                        // after an event costs a few bytes, resetting a
                        // timer at every delivery costs the fan-out time.
                        return Poll::Ready(Some(Ok(frame.bytes.clone())));
                    }
                }
                Poll::Ready(Some(Err(BroadcastStreamRecvError::Lagged(missed)))) => {
                    // Too slow to keep up: end it; the client resumes from
                    // the kept events.
                    tracing::debug!(missed, "a live stream fell behind and was ended");
                    metrics::counter!("dateline_live_streams_dropped_total").increment(1);
                    return Poll::Ready(None);
                }
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => break,
            }
        }
        if this.timer.as_mut().poll(cx).is_ready() {
            let now = Instant::now();
            if now >= this.ends_at {
                return Poll::Ready(None);
            }
            this.timer.as_mut().reset(now + HEARTBEAT);
            return Poll::Ready(Some(Ok(Bytes::from_static(PING))));
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_are_whole_numbers() {
        assert_eq!(event_id("42").ok(), Some(42));
        assert_eq!(event_id(" 7 ").ok(), Some(7));
        for bad in ["", "-1", "1.5", "abc", "9999999999999999999", "12345678901234567890", "0x10", "١٢"] {
            assert!(event_id(bad).is_err(), "{bad:?}");
        }
    }
}
