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

/// A rendered page and the header values it is served with, computed once.
#[derive(Debug)]
pub struct CachedPage {
    body: Bytes,
    gzip: OnceLock<Bytes>,
    /// `"<hash>"` for the identity body, `"<hash>-gz"` for the gzip one.
    etag: HeaderValue,
    etag_gzip: HeaderValue,
    last_modified: SystemTime,
    last_modified_header: HeaderValue,
    content_type: HeaderValue,
    /// A `Link` header the page was rendered with (a feed's WebSub hub).
    link: Option<HeaderValue>,
    created: Instant,
    generation: u64,
}

impl CachedPage {
    fn new(
        body: Bytes,
        content_type: HeaderValue,
        link: Option<HeaderValue>,
        last_modified: SystemTime,
        generation: u64,
    ) -> Self {
        let hash = blake3::hash(&body).to_hex();
        let header =
            |text: String| HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""));
        Self {
            etag: header(format!("\"{}\"", &hash[..20])),
            etag_gzip: header(format!("\"{}-gz\"", &hash[..20])),
            last_modified_header: header(httpdate::fmt_http_date(last_modified)),
            body,
            gzip: OnceLock::new(),
            last_modified,
            content_type,
            link,
            created: Instant::now(),
            generation,
        }
    }
}

#[derive(Debug)]
pub struct PageCache {
    entries: RwLock<HashMap<String, Arc<CachedPage>>>,
    /// When [`PageCache::forget`] last dropped a path: a page rendered
    /// before then is not stored (it may show what was just changed).
    forgotten: RwLock<HashMap<String, Instant>>,
    generation: AtomicU64,
    ttl: Duration,
    capacity: usize,
}

impl PageCache {
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            entries: RwLock::default(),
            forgotten: RwLock::default(),
            generation: AtomicU64::new(0),
            ttl,
            capacity,
        }
    }

    fn get(&self, key: &str) -> Option<Arc<CachedPage>> {
        let entries = self.entries.read().ok()?;
        let page = entries.get(key)?;
        let fresh =
            page.generation == self.generation.load(Ordering::Acquire) && page.created.elapsed() < self.ttl;
        fresh.then(|| Arc::clone(page))
    }

    fn insert(&self, key: String, page: Arc<CachedPage>, rendering_started: Instant) {
        let stale = self
            .forgotten
            .read()
            .ok()
            .and_then(|forgotten| forgotten.get(&key).copied())
            .is_some_and(|at| at >= rendering_started);
        if stale {
            return;
        }
        let Ok(mut entries) = self.entries.write() else { return };
        if entries.len() >= self.capacity {
            // Simple and bounded: start over rather than track recency.
            entries.clear();
        }
        entries.insert(key, page);
    }

    /// Forgets one page (every `?before=` page of it too): a change that
    /// shows on that page alone, such as a new comment.
    pub fn forget(&self, path: &str) {
        if let Ok(mut forgotten) = self.forgotten.write() {
            if forgotten.len() >= self.capacity {
                forgotten.retain(|_, at| at.elapsed() < self.ttl);
            }
            forgotten.insert(path.to_owned(), Instant::now());
        }
        if let Ok(mut entries) = self.entries.write() {
            entries.retain(|key, _| {
                key != path && !key.strip_prefix(path).is_some_and(|rest| rest.starts_with('?'))
            });
        }
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

/// The path and the query parameters pages read (`section` before
/// `before`); any other parameter gets the same page.
fn cache_key(request: &Request) -> String {
    let uri = request.uri();
    let mut key = uri.path().to_owned();
    if let Some(query) = uri.query() {
        let mut separator = '?';
        for name in ["section=", "before="] {
            if let Some(pair) = query.split('&').find(|pair| pair.starts_with(name)) {
                key.push(separator);
                key.push_str(pair);
                separator = '&';
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
    let (personal_route, logged_in) = personal(&request);
    if personal_route && logged_in {
        let mut response = next.run(request).await;
        response.extensions_mut().remove::<Cacheable>();
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
        return response;
    }
    let rendering_started = Instant::now();
    let key = cache_key(&request);
    let conditions = Conditions::of(request.headers());
    if let Some(page) = state.cache.get(&key) {
        metrics::counter!("dateline_page_cache_hits_total").increment(1);
        return vary_on_cookie(personal_route, respond(&state, &page, &conditions));
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
    let link = parts.headers.get(header::LINK).cloned();
    let page =
        Arc::new(CachedPage::new(body, content_type, link, SystemTime::from(last_modified), generation));
    state.cache.insert(key, Arc::clone(&page), rendering_started);
    vary_on_cookie(personal_route, respond(&state, &page, &conditions))
}

/// Routes whose page differs for a logged-in reader (the article page
/// carries their comment forms). Guests share the cached page; a request
/// with a session cookie renders its own, never stored anywhere.
pub const PERSONAL_ROUTES: &[&str] = &["/{edition}/{year}/{month}/{day}/{slug}"];

/// (a personal route, a request with a session cookie).
fn personal(request: &Request) -> (bool, bool) {
    let personal_route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .is_some_and(|path| PERSONAL_ROUTES.contains(&path.as_str()));
    let logged_in = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|cookies| cookies.contains(crate::accounts::session::SESSION_COOKIE));
    (personal_route, logged_in)
}

/// A personal route's shared page varies with the cookie, so a browser
/// that logs in does not reuse the guest copy it kept.
fn vary_on_cookie(personal_route: bool, mut response: Response) -> Response {
    if personal_route {
        response.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept-Encoding, Cookie"));
    }
    response
}

/// What of a request decides how a cached page is answered.
struct Conditions {
    gzip: bool,
    if_none_match: Option<HeaderValue>,
    if_modified_since: Option<HeaderValue>,
}

impl Conditions {
    fn of(headers: &HeaderMap) -> Self {
        Self {
            gzip: accepts_gzip(headers),
            if_none_match: headers.get(header::IF_NONE_MATCH).cloned(),
            if_modified_since: headers.get(header::IF_MODIFIED_SINCE).cloned(),
        }
    }
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

fn respond(state: &AppState, page: &CachedPage, conditions: &Conditions) -> Response {
    let etag = if conditions.gzip { &page.etag_gzip } else { &page.etag };
    let not_modified = match conditions.if_none_match.as_ref().and_then(|v| v.to_str().ok()) {
        Some(inm) => etag_matches(inm, etag.to_str().unwrap_or_default()),
        None => conditions
            .if_modified_since
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok())
            .is_some_and(|since| page.last_modified <= since),
    };
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else if conditions.gzip {
        let compressed = page.gzip.get_or_init(|| gzip(&page.body)).clone();
        let mut response = Body::from(compressed).into_response();
        response.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        response
    } else {
        Body::from(page.body.clone()).into_response()
    };
    let headers = response.headers_mut();
    if !not_modified {
        headers.insert(header::CONTENT_TYPE, page.content_type.clone());
    }
    if let Some(link) = &page.link {
        headers.insert(header::LINK, link.clone());
    }
    headers.insert(header::ETAG, etag.clone());
    headers.insert(header::LAST_MODIFIED, page.last_modified_header.clone());
    headers.insert(header::CACHE_CONTROL, state.page_cache_control.clone());
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    response
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
            Arc::new(CachedPage::new(
                Bytes::from_static(b"x"),
                HeaderValue::from_static("text/html"),
                None,
                SystemTime::UNIX_EPOCH,
                generation,
            ))
        };
        cache.insert("/a".into(), page(0), Instant::now());
        assert!(cache.get("/a").is_some());
        cache.clear();
        assert!(cache.get("/a").is_none());
        cache.insert("/b".into(), page(0), Instant::now());
        assert!(cache.get("/b").is_none(), "an entry rendered before a clear is stale");
        cache.insert("/c".into(), page(1), Instant::now());
        cache.insert("/d".into(), page(1), Instant::now());
        cache.insert("/e".into(), page(1), Instant::now());
        assert!(cache.len() <= 2);
    }

    #[test]
    fn forgetting_one_page() {
        let cache = PageCache::new(Duration::from_secs(60), 10);
        let page = || {
            Arc::new(CachedPage::new(
                Bytes::from_static(b"x"),
                HeaderValue::from_static("text/html"),
                None,
                SystemTime::UNIX_EPOCH,
                0,
            ))
        };
        let before = Instant::now();
        for key in ["/en/a", "/en/a?before=x", "/en/ab", "/en/b"] {
            cache.insert(key.into(), page(), before);
        }
        cache.forget("/en/a");
        assert!(cache.get("/en/a").is_none() && cache.get("/en/a?before=x").is_none());
        assert!(cache.get("/en/ab").is_some() && cache.get("/en/b").is_some());
        cache.insert("/en/a".into(), page(), before);
        assert!(cache.get("/en/a").is_none(), "a page rendered before the change is not kept");
        cache.insert("/en/a".into(), page(), Instant::now());
        assert!(cache.get("/en/a").is_some());
    }
}
