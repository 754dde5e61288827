//! The state every handler shares.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use dateline_store::{BlobStore, Store, StoreError};
use metrics_exporter_prometheus::PrometheusHandle;

use crate::accounts::mail::Mailer;
use crate::assets::Assets;
use crate::directory::SiteDirectory;
use crate::i18n::{LocaleError, Locales};
use crate::page_cache::PageCache;

/// Settings of the web layer, taken from the binary's configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The outlet's name, shown as the brand on every page.
    pub site_name: String,
    /// The agency name used in datelines when an article has none.
    pub agency: String,
    /// Absolute base URL for canonical links and social tags, without a
    /// trailing slash (`https://news.example.com`).
    pub public_url: String,
    /// `max-age` of public pages in `Cache-Control`, for browsers and CDNs.
    pub page_max_age: Duration,
    /// How long a rendered page is reused from memory at most. Changes
    /// drop the pages that show them at once (on other nodes within a
    /// second); this bounds only what changes with time alone.
    pub page_cache_ttl: Duration,
    /// The bytes rendered pages may hold in memory.
    pub page_cache_bytes: usize,
    /// Caching proxies in front to purge when pages change (`proxy_purge`).
    pub purge_proxies: Vec<url::Url>,
    /// The sender of account e-mails (`Name <address>`).
    pub mail_from: String,
    /// Proxies whose `X-Forwarded-For` names the client (`client_addr.rs`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Largest photo upload, in bytes and in pixels.
    pub upload: crate::media::ingest::UploadLimits,
    /// Feeds carry each story's full text (else only its lead).
    pub feed_full_text: bool,
    /// Comment rules: closing, holding, rate limits.
    pub discussion: crate::discussion::DiscussionSettings,
    /// The hour (UTC) after which each edition's daily digest goes out.
    pub newsletter_digest_hour: u8,
    /// New newsletter sign-ups one client address may make per hour.
    pub newsletter_signups_per_hour: u32,
    /// The WebSub hub feeds name and publishing pings; empty: none.
    pub websub_hub: String,
    /// Chat writers' allowances and new rooms' retention.
    pub chat: crate::chats::ChatLimits,
    /// Where this node keeps its search index (`<data dir>/search`);
    /// `None` keeps it in memory, rebuilt at every start.
    pub search_dir: Option<std::path::PathBuf>,
    /// Search answers remembered until the index changes (0: none).
    pub search_cache_entries: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            site_name: "Meridian".into(),
            agency: "Meridian".into(),
            public_url: "http://127.0.0.1:8080".into(),
            page_max_age: Duration::from_secs(60),
            page_cache_ttl: Duration::from_secs(600),
            page_cache_bytes: 128 << 20,
            purge_proxies: Vec::new(),
            mail_from: "Meridian <no-reply@localhost>".into(),
            trusted_proxies: Vec::new(),
            upload: crate::media::ingest::UploadLimits::default(),
            feed_full_text: true,
            discussion: crate::discussion::DiscussionSettings::default(),
            newsletter_digest_hour: 6,
            newsletter_signups_per_hour: 20,
            websub_hub: String::new(),
            chat: crate::chats::ChatLimits::default(),
            search_dir: None,
            search_cache_entries: dateline_search::CACHED_ANSWERS,
        }
    }
}

#[derive(Clone, Debug)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
pub struct Inner {
    pub store: Arc<dyn Store>,
    pub blobs: Arc<dyn BlobStore>,
    pub config: WebConfig,
    pub locales: Locales,
    pub assets: Assets,
    pub cache: PageCache,
    /// Purges the proxies in front after this node's own cache.
    purger: Option<crate::proxy_purge::ProxyPurger>,
    pub metrics: Option<PrometheusHandle>,
    pub mailer: Arc<dyn Mailer>,
    /// The live newsfeed's events (`live/`).
    pub live: Arc<crate::live::LiveBus>,
    /// The chat rooms' sockets and event log (`chats/`).
    pub chats: Arc<crate::chats::ChatHub>,
    /// This node's full-text index (`search/`), followed from the store.
    pub search: Arc<dateline_search::SearchIndex>,
    /// Searches that may run at once: one per core. Searches are CPU work;
    /// more at once only share the cores, so a broad query running beside
    /// fifteen others takes sixteen times as long. Waiting in line (the
    /// semaphore is first come, first served) keeps every search's time
    /// near the line's length plus its own.
    pub search_slots: Arc<tokio::sync::Semaphore>,
    /// Wakes the search follower (`search/follow.rs`) when content changed
    /// here, or on another node as the shared content version tells.
    pub search_wake: tokio::sync::Notify,
    /// Tag names for search facets, by id (tags are never renamed).
    pub tag_names: RwLock<std::collections::HashMap<dateline_store::TagId, dateline_store::Tag>>,
    /// The last recorded page change this node's cache has applied.
    known_version: std::sync::atomic::AtomicI64,
    /// One reader of the page-change log at a time.
    following: tokio::sync::Mutex<()>,
    /// `Cache-Control` of public pages, from `page_max_age`.
    pub page_cache_control: axum::http::HeaderValue,
    directory: RwLock<Arc<SiteDirectory>>,
}

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error(transparent)]
    Locale(#[from] LocaleError),
    #[error("could not read the site's editions and sections: {0}")]
    Store(#[from] StoreError),
}

impl AppState {
    pub async fn new(
        store: Arc<dyn Store>,
        blobs: Arc<dyn BlobStore>,
        config: WebConfig,
        mailer: Arc<dyn Mailer>,
        metrics: Option<PrometheusHandle>,
    ) -> Result<Self, StateError> {
        let locales = Locales::load()?;
        let directory = SiteDirectory::load(store.as_ref()).await?;
        let known_version = std::sync::atomic::AtomicI64::new(store.content_version().await?);
        for edition in directory.editions() {
            if !locales.has(&edition.language) {
                tracing::warn!(edition = %edition.code, language = %edition.language,
                    "no interface strings for this language; the edition falls back to English");
            }
        }
        let cache = PageCache::new(config.page_cache_ttl, config.page_cache_bytes);
        let live = Arc::new(crate::live::LiveBus::load(Arc::clone(&store)).await?);
        let chats = Arc::new(crate::chats::ChatHub::load(Arc::clone(&store)).await?);
        let search = Arc::new(
            dateline_search::SearchIndex::new(match &config.search_dir {
                Some(dir) => dateline_search::Place::Dir(dir.clone()),
                None => dateline_search::Place::Memory,
            })
            .with_cache(config.search_cache_entries),
        );
        let purger = crate::proxy_purge::ProxyPurger::start(config.purge_proxies.clone());
        let max_age = config.page_max_age.as_secs();
        let page_cache_control = axum::http::HeaderValue::from_str(&format!(
            "public, max-age={max_age}, stale-while-revalidate={}",
            max_age * 5
        ))
        .unwrap_or_else(|_| axum::http::HeaderValue::from_static("public, max-age=60"));
        Ok(Self(Arc::new(Inner {
            store,
            blobs,
            config,
            locales,
            assets: Assets::build(),
            purger,
            cache,
            metrics,
            mailer,
            live,
            chats,
            search,
            search_slots: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
            )),
            search_wake: tokio::sync::Notify::new(),
            tag_names: RwLock::new(std::collections::HashMap::new()),
            known_version,
            following: tokio::sync::Mutex::new(()),
            page_cache_control,
            directory: RwLock::new(Arc::new(directory)),
        })))
    }

    /// Whether cookies get the `Secure` flag: when the site is served over TLS.
    pub fn secure_cookies(&self) -> bool {
        self.config.public_url.starts_with("https://")
    }

    /// The current site map (cheap: an `Arc` clone).
    pub fn directory(&self) -> Arc<SiteDirectory> {
        match self.0.directory.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Call after a write readers can see that was not part of a larger
    /// action: records the keys of the pages that show it ([`crate::page_keys`])
    /// for every node, and applies them here at once.
    pub async fn content_changed(&self, keys: &[String]) -> Result<(), StoreError> {
        let version = self.0.store.record_page_change(keys).await?;
        self.content_committed(version).await
    }

    /// Call after committing an action whose transaction recorded a page
    /// change ([`dateline_store::LiveTx::record_page_change`]) numbered
    /// `version`: applies it (and any other node's before it) here at once
    /// and follows the live event log. Other nodes hear of both through
    /// the database.
    pub async fn content_committed(&self, version: i64) -> Result<(), StoreError> {
        self.0.search_wake.notify_one();
        if let Err(error) = self.0.live.catch_up().await {
            tracing::warn!(%error, "could not read the live event log after a change");
        }
        self.follow_changes().await?;
        if self.0.known_version.load(std::sync::atomic::Ordering::Acquire) < version {
            // Not readable yet (it cannot be, once committed): drop everything.
            tracing::warn!(version, "a committed page change was not in the log; dropping every page");
            self.refresh().await?;
        }
        Ok(())
    }

    /// Applies the changes other nodes recorded; the job runner calls it
    /// every second.
    pub async fn follow_other_nodes(&self) -> Result<(), StoreError> {
        self.follow_changes().await
    }

    /// Reads the page-change log after the last change applied here and
    /// drops the pages each names; reloads the site map when a change
    /// concerns it. Ids are consecutive: a gap means changes were pruned
    /// before this node read them (it was away for a day), and every page
    /// goes.
    async fn follow_changes(&self) -> Result<(), StoreError> {
        use std::sync::atomic::Ordering;
        const BATCH: i64 = 500;
        let _one_at_a_time = self.0.following.lock().await;
        let mut known = self.0.known_version.load(Ordering::Acquire);
        loop {
            let changes = self.0.store.page_changes_after(known, BATCH).await?;
            // The site map first: a page rendered after a purge must not
            // show the map from before the change.
            let concerns_map =
                |keys: &[String]| keys.iter().any(|k| k == crate::page_keys::SITE || k.starts_with("frame:"));
            if changes.iter().any(|change| concerns_map(&change.keys)) {
                self.reload_directory().await?;
            }
            for change in &changes {
                if change.id != known + 1 {
                    tracing::warn!(
                        after = known,
                        next = change.id,
                        "page changes were missed; dropping every page"
                    );
                    self.refresh().await?;
                }
                self.drop_pages(&change.keys);
                known = change.id;
            }
            if !changes.is_empty() {
                tracing::debug!(version = known, "applied page changes");
                self.0.search_wake.notify_one();
            }
            if (changes.len() as i64) < BATCH {
                break;
            }
        }
        self.0.known_version.store(known, Ordering::Release);
        Ok(())
    }

    async fn reload_directory(&self) -> Result<(), StoreError> {
        let directory = Arc::new(SiteDirectory::load(self.0.store.as_ref()).await?);
        match self.0.directory.write() {
            Ok(mut guard) => *guard = directory,
            Err(poisoned) => *poisoned.into_inner() = directory,
        }
        Ok(())
    }

    /// Reloads the site map and drops every cached page.
    async fn refresh(&self) -> Result<(), StoreError> {
        self.reload_directory().await?;
        self.drop_pages(&[crate::page_keys::SITE.to_owned()]);
        Ok(())
    }

    /// Drops the pages that show what `keys` name: from this node's cache,
    /// then from the proxies in front.
    fn drop_pages(&self, keys: &[String]) {
        self.0.cache.purge(keys);
        if let Some(purger) = &self.0.purger {
            purger.purge(keys);
        }
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}
