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
    /// How long a rendered page is reused from memory at most. Local changes
    /// invalidate at once; this bounds staleness when another node wrote.
    pub page_cache_ttl: Duration,
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
            page_cache_ttl: Duration::from_secs(30),
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
    /// The content version this node's cache reflects.
    known_version: std::sync::atomic::AtomicI64,
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
        let cache = PageCache::new(config.page_cache_ttl, 5_000);
        let live = Arc::new(crate::live::LiveBus::load(Arc::clone(&store)).await?);
        let chats = Arc::new(crate::chats::ChatHub::load(Arc::clone(&store)).await?);
        let search = Arc::new(
            dateline_search::SearchIndex::new(match &config.search_dir {
                Some(dir) => dateline_search::Place::Dir(dir.clone()),
                None => dateline_search::Place::Memory,
            })
            .with_cache(config.search_cache_entries),
        );
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

    /// Call after any write readers can see: tells every node (through the
    /// shared content version) and refreshes this one at once.
    pub async fn content_changed(&self) -> Result<(), StoreError> {
        let version = self.0.store.bump_content_version().await?;
        self.content_committed(version).await
    }

    /// Call after committing an action whose transaction bumped the shared
    /// content version to `version` ([`dateline_store::WriteTx::bump_content_version`]):
    /// refreshes this node at once and follows the live event log (other
    /// nodes hear of both through the database).
    pub async fn content_committed(&self, version: i64) -> Result<(), StoreError> {
        self.0.known_version.store(version, std::sync::atomic::Ordering::Release);
        self.0.search_wake.notify_one();
        if let Err(error) = self.0.live.catch_up().await {
            tracing::warn!(%error, "could not read the live event log after a change");
        }
        self.refresh().await
    }

    /// Refreshes this node when another node changed the content; the job
    /// runner calls it every second.
    pub async fn follow_other_nodes(&self) -> Result<(), StoreError> {
        let version = self.0.store.content_version().await?;
        let known = self.0.known_version.swap(version, std::sync::atomic::Ordering::AcqRel);
        if known != version {
            tracing::debug!(version, "content changed on another node; refreshing");
            self.0.search_wake.notify_one();
            self.refresh().await?;
        }
        Ok(())
    }

    /// Reloads the site map and drops cached pages.
    async fn refresh(&self) -> Result<(), StoreError> {
        let directory = Arc::new(SiteDirectory::load(self.0.store.as_ref()).await?);
        match self.0.directory.write() {
            Ok(mut guard) => *guard = directory,
            Err(poisoned) => *poisoned.into_inner() = directory,
        }
        self.0.cache.clear();
        Ok(())
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}
