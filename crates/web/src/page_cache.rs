//! Rendered pages kept in memory, served with validators.
//!
//! Public pages are the same for every reader, so the first request renders
//! a page and later ones reuse the bytes until something the page shows
//! changes. Each page carries the keys of what it shows ([`crate::page_keys`],
//! collected while it renders); a change records its keys in the store's
//! shared log and every node drops exactly the pages that carry one of them
//! ([`PageCache::purge`]: at once on the node that wrote, within the
//! follower's second on the others). A page is kept at most the configured
//! maximum age, which bounds only what changes with time alone (a breaking
//! banner's hours, "today"). The cache is bounded by bytes, dropping the
//! least recently used pages first. Each entry carries a strong ETag and a
//! Last-Modified time, so revalidations answer 304, and a gzip copy made
//! once on first demand.
//!
//! A page that is being rendered is rendered once: concurrent requests for
//! it wait for that render and are answered from its result.
//!
//! Handlers opt in by marking a 200 response with [`Cacheable`]; the
//! [`serve_cached`] middleware does the rest. The cache key is the path
//! plus the query parameters pages read (`section`, `before`), so tracking
//! parameters cannot flood it.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::io::Write as _;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use time::OffsetDateTime;
use tokio::sync::watch;

use crate::{AppState, page_keys};

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
    /// What the page shows ([`page_keys`]).
    keys: Vec<String>,
    /// The keys as the `Surrogate-Key` header a proxy in front purges by.
    surrogate_key: Option<HeaderValue>,
    created: Instant,
}

impl CachedPage {
    fn new(
        body: Bytes,
        content_type: HeaderValue,
        link: Option<HeaderValue>,
        last_modified: SystemTime,
        keys: BTreeSet<String>,
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
            // Every page also carries `site`, which a proxy purges when every page goes.
            surrogate_key: HeaderValue::from_str(
                &std::iter::once(page_keys::SITE)
                    .chain(keys.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join(" "),
            )
            .ok(),
            keys: keys.into_iter().collect(),
            created: Instant::now(),
        }
    }

    /// The bytes the entry holds, counted against the budget: the page,
    /// the gzip copy it will likely get (about a quarter of the page), and
    /// for each key its text here and in the index with the page's path
    /// beside it there (a path is about 60 bytes; sets and strings carry
    /// some 100 bytes of their own).
    fn weight(&self) -> usize {
        let keys: usize = self.keys.iter().map(|k| 2 * k.len() + 160).sum();
        self.body.len() + self.body.len() / 4 + keys + 512
    }
}

/// What a purge dropped: every page, or those carrying one of the keys.
#[derive(Debug)]
enum Purge {
    All,
    Keys(HashSet<String>),
}

impl Purge {
    fn hits(&self, page: &CachedPage) -> bool {
        match self {
            Purge::All => true,
            Purge::Keys(keys) => page.keys.iter().any(|k| keys.contains(k)),
        }
    }
}

/// How many recent purges are remembered, to refuse a page whose render
/// began before one of them that concerns it.
const RECENT_PURGES: usize = 1024;

#[derive(Debug)]
struct Entries {
    pages: lru::LruCache<String, Arc<CachedPage>>,
    /// Key → the cache keys (paths) of the pages carrying it.
    by_key: HashMap<String, HashSet<String>>,
    bytes: usize,
    /// How many purges have been applied; a render notes it when it begins.
    purges: u64,
    /// The newest purges, oldest first, with their numbers.
    recent: VecDeque<(u64, Purge)>,
}

impl Entries {
    fn remove(&mut self, path: &str) {
        if let Some(page) = self.pages.pop(path) {
            self.unindex(path, &page);
        }
    }

    fn unindex(&mut self, path: &str, page: &CachedPage) {
        self.bytes = self.bytes.saturating_sub(page.weight());
        for key in &page.keys {
            if let Some(paths) = self.by_key.get_mut(key) {
                paths.remove(path);
                if paths.is_empty() {
                    self.by_key.remove(key);
                }
            }
        }
    }

    /// A page whose render began at purge number `stamp` may show what a
    /// later purge dropped: it is not kept.
    fn outdated(&self, page: &CachedPage, stamp: u64) -> bool {
        if self.purges == stamp {
            return false;
        }
        let remembered = self.recent.front().is_some_and(|(first, _)| *first <= stamp + 1);
        !remembered || self.recent.iter().any(|(number, purge)| *number > stamp && purge.hits(page))
    }
}

#[derive(Debug)]
pub struct PageCache {
    entries: Mutex<Entries>,
    /// Pages being rendered now, each with the channel its waiters watch
    /// (closed when the render ends, kept or not).
    rendering: Mutex<HashMap<String, watch::Receiver<()>>>,
    max_age: Duration,
    budget: usize,
}

/// What a request that missed does: render the page (holding the claim
/// until done), or wait for the render another request is doing.
enum Claim<'a> {
    Render(RenderClaim<'a>),
    Wait(watch::Receiver<()>),
}

/// Held while a page renders; dropping it (the render ended, or its
/// request went away) lets the waiters go.
struct RenderClaim<'a> {
    cache: &'a PageCache,
    key: String,
    _done: watch::Sender<()>,
}

impl Drop for RenderClaim<'_> {
    fn drop(&mut self) {
        if let Ok(mut rendering) = self.cache.rendering.lock() {
            rendering.remove(&self.key);
        }
    }
}

/// How long a request waits for another's render of the same page before
/// rendering it itself.
const RENDER_WAIT: Duration = Duration::from_secs(10);

impl PageCache {
    /// A cache holding pages at most `max_age`, within `budget` bytes.
    pub fn new(max_age: Duration, budget: usize) -> Self {
        Self {
            entries: Mutex::new(Entries {
                pages: lru::LruCache::unbounded(),
                by_key: HashMap::new(),
                bytes: 0,
                purges: 0,
                recent: VecDeque::new(),
            }),
            rendering: Mutex::default(),
            max_age,
            budget,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get(&self, path: &str) -> Option<Arc<CachedPage>> {
        let mut entries = self.lock();
        let page = Arc::clone(entries.pages.get(path)?);
        if page.created.elapsed() >= self.max_age {
            entries.remove(path);
            return None;
        }
        Some(page)
    }

    /// The purge number a render notes when it begins.
    fn stamp(&self) -> u64 {
        self.lock().purges
    }

    fn insert(&self, path: String, page: Arc<CachedPage>, stamp: u64) {
        let weight = page.weight();
        let mut entries = self.lock();
        if weight > self.budget || entries.outdated(&page, stamp) {
            return;
        }
        entries.remove(&path);
        for key in &page.keys {
            entries.by_key.entry(key.clone()).or_default().insert(path.clone());
        }
        entries.bytes += weight;
        entries.pages.put(path, page);
        while entries.bytes > self.budget {
            let Some((path, page)) = entries.pages.pop_lru() else { break };
            entries.unindex(&path, &page);
            metrics::counter!("dateline_page_cache_evictions_total").increment(1);
        }
    }

    fn claim(&self, path: &str) -> Claim<'_> {
        let mut rendering = self.rendering.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(waiting) = rendering.get(path) {
            return Claim::Wait(waiting.clone());
        }
        let (done, waiting) = watch::channel(());
        rendering.insert(path.to_owned(), waiting);
        Claim::Render(RenderClaim { cache: self, key: path.to_owned(), _done: done })
    }

    /// Drops every page that shows what one of `keys` names
    /// ([`page_keys`]); [`page_keys::SITE`] drops every page.
    pub fn purge<S: AsRef<str>>(&self, keys: &[S]) {
        if keys.is_empty() {
            return;
        }
        let all = keys.iter().any(|k| k.as_ref() == page_keys::SITE);
        let mut entries = self.lock();
        entries.purges += 1;
        let number = entries.purges;
        let purge =
            if all { Purge::All } else { Purge::Keys(keys.iter().map(|k| k.as_ref().to_owned()).collect()) };
        let before = entries.pages.len();
        if all {
            entries.pages.clear();
            entries.by_key.clear();
            entries.bytes = 0;
        } else {
            for key in keys {
                let Some(paths) = entries.by_key.remove(key.as_ref()) else { continue };
                for path in paths {
                    tracing::trace!(path, key = key.as_ref(), "page purged");
                    entries.remove(&path);
                }
            }
        }
        let dropped = before - entries.pages.len();
        tracing::debug!(keys = ?keys.iter().map(AsRef::as_ref).collect::<Vec<_>>(), dropped, "pages purged");
        entries.recent.push_back((number, purge));
        if entries.recent.len() > RECENT_PURGES {
            entries.recent.pop_front();
        }
    }

    /// Drops every page.
    pub fn clear(&self) {
        self.purge(&[page_keys::SITE]);
    }

    pub fn len(&self) -> usize {
        self.lock().pages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes the cached pages hold (as counted against the budget).
    pub fn bytes(&self) -> usize {
        self.lock().bytes
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
/// marked its response [`Cacheable`], and renders a page once however many
/// ask for it at the same time.
pub async fn serve_cached(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return next.run(request).await;
    }
    let key = cache_key(&request);
    let conditions = Conditions::of(request.headers());
    let mut waited = false;
    let claim = loop {
        if let Some(page) = state.cache.get(&key) {
            metrics::counter!("dateline_page_cache_hits_total").increment(1);
            let status = if waited { "COALESCED" } else { "HIT" };
            return respond(&state, &page, &conditions, status);
        }
        if waited {
            // The render we waited for was not kept (an error page, a
            // change meanwhile): this request renders its own.
            break None;
        }
        match state.cache.claim(&key) {
            Claim::Render(claim) => {
                // A render that ended between the look-up and the claim
                // kept its page before letting go of its claim.
                if let Some(page) = state.cache.get(&key) {
                    metrics::counter!("dateline_page_cache_hits_total").increment(1);
                    return respond(&state, &page, &conditions, "HIT");
                }
                break Some(claim);
            }
            Claim::Wait(mut done) => {
                metrics::counter!("dateline_page_cache_coalesced_total").increment(1);
                // Closed when that render ends, kept or not.
                let _ = tokio::time::timeout(RENDER_WAIT, done.changed()).await;
                waited = true;
            }
        }
    };
    metrics::counter!("dateline_page_cache_misses_total").increment(1);
    let stamp = state.cache.stamp();
    let (response, keys) = page_keys::collect(next.run(request)).await;
    let Some(Cacheable { last_modified }) = response.extensions().get::<Cacheable>().copied() else {
        return response;
    };
    if response.status() != StatusCode::OK {
        return response;
    }
    // Everyone gets the kept bytes: a page that sets a cookie is someone's
    // own and is never kept (no handler marks one; this keeps it so).
    if response.headers().contains_key(header::SET_COOKIE) {
        tracing::error!(path = key, "a cacheable page set a cookie: served once, not kept");
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
    let page = Arc::new(CachedPage::new(body, content_type, link, SystemTime::from(last_modified), keys));
    state.cache.insert(key, Arc::clone(&page), stamp);
    drop(claim);
    respond(&state, &page, &conditions, "MISS")
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

/// Answers with a cached page; `status` says how it was found (`HIT`,
/// `MISS`, `COALESCED` for a request that waited for another's render), in
/// the `X-Cache` header operators and tests read.
fn respond(state: &AppState, page: &CachedPage, conditions: &Conditions, status: &'static str) -> Response {
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
    headers.insert("x-cache", HeaderValue::from_static(status));
    if let Some(keys) = &page.surrogate_key {
        headers.insert("surrogate-key", keys.clone());
    }
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

    fn page(body: &'static [u8], keys: &[&str]) -> Arc<CachedPage> {
        Arc::new(CachedPage::new(
            Bytes::from_static(body),
            HeaderValue::from_static("text/html"),
            None,
            SystemTime::UNIX_EPOCH,
            keys.iter().map(|k| (*k).to_owned()).collect(),
        ))
    }

    #[test]
    fn a_purge_drops_exactly_the_pages_that_show_its_keys() {
        let cache = PageCache::new(Duration::from_secs(60), 1 << 20);
        let stamp = cache.stamp();
        cache.insert("/en".into(), page(b"front", &["list:1", "story:1", "story:2"]), stamp);
        cache.insert("/en/a".into(), page(b"a", &["story:1", "talk:1"]), stamp);
        cache.insert("/en/b".into(), page(b"b", &["story:2"]), stamp);
        cache.purge(&["talk:1"]);
        assert!(cache.get("/en/a").is_none());
        assert!(cache.get("/en").is_some() && cache.get("/en/b").is_some());
        cache.purge(&["story:2", "nothing:9"]);
        assert!(cache.get("/en").is_none() && cache.get("/en/b").is_none());
        assert_eq!((cache.len(), cache.bytes()), (0, 0), "the byte count follows");
        cache.insert("/en/b".into(), page(b"b", &["story:2"]), cache.stamp());
        cache.clear();
        assert!(cache.is_empty());
    }

    #[test]
    fn a_page_rendered_before_a_purge_of_its_keys_is_not_kept() {
        let cache = PageCache::new(Duration::from_secs(60), 1 << 20);
        let stamp = cache.stamp();
        cache.purge(&["story:1"]);
        cache.insert("/en/a".into(), page(b"a", &["story:1"]), stamp);
        assert!(cache.get("/en/a").is_none(), "it may show the story before the change");
        cache.insert("/en/b".into(), page(b"b", &["story:2"]), stamp);
        assert!(cache.get("/en/b").is_some(), "an unrelated purge does not matter");
        let stamp = cache.stamp();
        for n in 0..=RECENT_PURGES {
            cache.purge(&[format!("other:{n}")]);
        }
        cache.insert("/en/c".into(), page(b"c", &["story:3"]), stamp);
        assert!(cache.get("/en/c").is_none(), "purges it cannot check any more: not kept");
    }

    #[test]
    fn the_byte_budget_drops_the_least_recently_used() {
        let one = page(&[b'x'; 1000], &["k"]).weight();
        let cache = PageCache::new(Duration::from_secs(60), one * 3);
        for path in ["/1", "/2", "/3"] {
            cache.insert(path.into(), page(&[b'x'; 1000], &["k"]), cache.stamp());
        }
        assert!(cache.get("/1").is_some(), "now the most recently used");
        cache.insert("/4".into(), page(&[b'x'; 1000], &["k"]), cache.stamp());
        assert!(cache.get("/2").is_none(), "the least recently used went");
        assert!(cache.get("/1").is_some() && cache.get("/3").is_some() && cache.get("/4").is_some());
        assert!(cache.bytes() <= one * 3);
        cache.insert("/big".into(), page(&[b'x'; 8000], &["k"]), cache.stamp());
        assert!(cache.get("/big").is_none(), "a page larger than the budget is not kept");
        cache.purge(&["k"]);
        assert_eq!((cache.len(), cache.bytes()), (0, 0));
    }

    #[test]
    fn pages_expire_after_the_maximum_age() {
        let cache = PageCache::new(Duration::ZERO, 1 << 20);
        cache.insert("/en".into(), page(b"front", &[]), cache.stamp());
        assert!(cache.get("/en").is_none());
        assert_eq!(cache.bytes(), 0);
    }

    #[tokio::test]
    async fn one_render_at_a_time_per_page() {
        let cache = PageCache::new(Duration::from_secs(60), 1 << 20);
        let Claim::Render(claim) = cache.claim("/en") else { panic!("the first request renders") };
        let Claim::Wait(mut waiting) = cache.claim("/en") else { panic!("the second waits") };
        assert!(matches!(cache.claim("/fr"), Claim::Render(_)), "another page renders at once");
        cache.insert("/en".into(), page(b"front", &[]), cache.stamp());
        drop(claim);
        tokio::time::timeout(Duration::from_secs(1), waiting.changed())
            .await
            .expect("the waiter goes when the render ends")
            .expect_err("the channel closes");
        assert!(cache.get("/en").is_some());
        assert!(matches!(cache.claim("/en"), Claim::Render(_)), "the claim went with its render");
    }
}
