//! Rendered pages kept in memory, served with validators.
//!
//! Public pages are the same for every reader, so the first request renders
//! a page and later ones reuse the bytes until the content changes (any
//! local write calls [`PageCache::clear`]) or the entry is older than the
//! configured TTL (which bounds staleness when another node wrote). Each entry
//! carries a strong ETag and a Last-Modified time, so revalidations answer
//! 304, and a gzip copy made once on first demand.
//!
//! Handlers opt in by marking a 200 response with [`Cacheable`]; the
//! [`serve_cached`] middleware does the rest. The cache key is the path
//! plus the one query parameter pages use (`before`), so tracking
//! parameters cannot flood it; it holds a bounded number of entries.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, Instant, SystemTime};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use time::OffsetDateTime;

use crate::AppState;

/// Marks a page response as cacheable; `last_modified` is the newest
/// change among the content it shows.
#[derive(Debug, Clone, Copy)]
pub struct Cacheable {
    pub last_modified: OffsetDateTime,
}

#[derive(Debug)]
pub struct CachedPage {
    body: Bytes,
    gzip: OnceLock<Bytes>,
    etag: String,
    last_modified: SystemTime,
    content_type: HeaderValue,
    created: Instant,
    generation: u64,
}

#[derive(Debug)]
pub struct PageCache {
    entries: RwLock<HashMap<String, Arc<CachedPage>>>,
    generation: AtomicU64,
    ttl: Duration,
    capacity: usize,
}

impl PageCache {
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self { entries: RwLock::default(), generation: AtomicU64::new(0), ttl, capacity }
    }

    fn get(&self, key: &str) -> Option<Arc<CachedPage>> {
        let entries = self.entries.read().ok()?;
        let page = entries.get(key)?;
        let fresh =
            page.generation == self.generation.load(Ordering::Acquire) && page.created.elapsed() < self.ttl;
        fresh.then(|| Arc::clone(page))
    }

    fn insert(&self, key: String, page: Arc<CachedPage>) {
        let Ok(mut entries) = self.entries.write() else { return };
        if entries.len() >= self.capacity {
            // Simple and bounded: start over rather than track recency.
            entries.clear();
        }
        entries.insert(key, page);
    }

    /// Forgets every page; call after any content change.
    pub fn clear(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut entries) = self.entries.write() {
            entries.clear();
        }
    }

    pub fn len(&self) -> usize {
        self.entries.read().map(|e| e.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn cache_key(request: &Request) -> String {
    let uri = request.uri();
    let mut key = uri.path().to_owned();
    if let Some(query) = uri.query() {
        for pair in query.split('&') {
            if pair.starts_with("before=") {
                key.push('?');
                key.push_str(pair);
                break;
            }
        }
    }
    key
}

/// Middleware: answers from the cache when it can, fills it when a handler
/// marked its response [`Cacheable`].
pub async fn serve_cached(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return next.run(request).await;
    }
    let key = cache_key(&request);
    let headers = request.headers().clone();
    if let Some(page) = state.cache.get(&key) {
        metrics::counter!("dateline_page_cache_hits_total").increment(1);
        return respond(&state, &page, &headers);
    }
    metrics::counter!("dateline_page_cache_misses_total").increment(1);
    let generation = state.cache.generation.load(Ordering::Acquire);
    let response = next.run(request).await;
    let Some(Cacheable { last_modified }) = response.extensions().get::<Cacheable>().copied() else {
        return response;
    };
    if response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, 16 * 1024 * 1024).await {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "could not collect a rendered page");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static("text/html; charset=utf-8"));
    let hash = blake3::hash(&body);
    let page = Arc::new(CachedPage {
        etag: hash.to_hex()[..20].to_owned(),
        body,
        gzip: OnceLock::new(),
        last_modified: SystemTime::from(last_modified),
        content_type,
        created: Instant::now(),
        generation,
    });
    state.cache.insert(key, Arc::clone(&page));
    respond(&state, &page, &headers)
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.trim().split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                let p = p.trim();
                p == "q=0" || p == "q=0.0" || p == "q=0.00" || p == "q=0.000"
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match.split(',').any(|candidate| {
        let candidate = candidate.trim();
        candidate == "*" || candidate.trim_start_matches("W/") == etag
    })
}

fn gzip(body: &[u8]) -> Bytes {
    let mut encoder =
        flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 3), flate2::Compression::new(6));
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(body);
    Bytes::from(encoder.finish().unwrap_or_default())
}

fn respond(state: &AppState, page: &CachedPage, request_headers: &HeaderMap) -> Response {
    let use_gzip = accepts_gzip(request_headers);
    let etag = if use_gzip { format!("\"{}-gz\"", page.etag) } else { format!("\"{}\"", page.etag) };
    let max_age = state.config.page_max_age.as_secs();
    let cache_control = format!("public, max-age={max_age}, stale-while-revalidate={}", max_age * 5);

    let not_modified = match request_headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        Some(inm) => etag_matches(inm, &etag),
        None => request_headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok())
            .is_some_and(|since| page.last_modified <= since),
    };

    let mut builder = Response::builder()
        .header(header::ETAG, &etag)
        .header(header::LAST_MODIFIED, httpdate::fmt_http_date(page.last_modified))
        .header(header::CACHE_CONTROL, cache_control)
        .header(header::VARY, "Accept-Encoding");
    let response = if not_modified {
        builder.status(StatusCode::NOT_MODIFIED).body(Body::empty())
    } else {
        builder = builder.status(StatusCode::OK).header(header::CONTENT_TYPE, page.content_type.clone());
        if use_gzip {
            let compressed = page.gzip.get_or_init(|| gzip(&page.body)).clone();
            builder.header(header::CONTENT_ENCODING, "gzip").body(Body::from(compressed))
        } else {
            builder.body(Body::from(page.body.clone()))
        }
    };
    response.unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_and_encodings() {
        assert!(etag_matches("\"abc\"", "\"abc\""));
        assert!(etag_matches("W/\"abc\", \"x\"", "\"abc\""));
        assert!(etag_matches("*", "\"abc\""));
        assert!(!etag_matches("\"abd\"", "\"abc\""));
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("br, gzip;q=0.8"));
        assert!(accepts_gzip(&headers));
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip;q=0, br"));
        assert!(!accepts_gzip(&headers));
    }

    #[test]
    fn cache_entries_expire_and_clear() {
        let cache = PageCache::new(Duration::from_secs(60), 2);
        let page = |generation| {
            Arc::new(CachedPage {
                body: Bytes::from_static(b"x"),
                gzip: OnceLock::new(),
                etag: "e".into(),
                last_modified: SystemTime::UNIX_EPOCH,
                content_type: HeaderValue::from_static("text/html"),
                created: Instant::now(),
                generation,
            })
        };
        cache.insert("/a".into(), page(0));
        assert!(cache.get("/a").is_some());
        cache.clear();
        assert!(cache.get("/a").is_none());
        cache.insert("/b".into(), page(0));
        assert!(cache.get("/b").is_none(), "an entry rendered before a clear is stale");
        cache.insert("/c".into(), page(1));
        cache.insert("/d".into(), page(1));
        cache.insert("/e".into(), page(1));
        assert!(cache.len() <= 2);
    }
}
