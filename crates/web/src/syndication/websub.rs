//! WebSub (W3C): with `websub_hub` set, every feed names the hub (a
//! `<link rel="hub">` in RSS and Atom, `hubs` in JSON Feed, and an HTTP
//! `Link` header), and every change readers can see — publishing, an
//! update, a withdrawal — pings the hub for each feed the story is in: its
//! edition's, its section's, its tags' and its authors', in all three
//! formats. The hub then fetches those feeds and pushes them to its
//! subscribers, so aggregators learn of a story in seconds, not at their
//! next poll.
//!
//! The ping is the de-facto publish notification hubs accept: a form POST
//! of `hub.mode=publish` and `hub.url=<feed>`, once per feed. It runs as a
//! background job ([`WEBSUB_PING`]), retried with the job runner's growing
//! delay when the hub fails or cannot be reached, and given up (logged)
//! after [`MAX_ATTEMPTS`].

use std::sync::OnceLock;
use std::time::Duration;

use dateline_store::{Article, ArticleId, Edition, StoreError};
use time::OffsetDateTime;

use super::feeds::FeedFormat;
use crate::AppState;

/// Job kind: payload is a JSON array of feed URLs to announce.
pub const WEBSUB_PING: &str = "websub_ping";
/// Tries before a ping is given up.
pub const MAX_ATTEMPTS: i32 = 10;

/// The `Link` header of a feed response: its hub and its own address.
pub fn link_header(hub: &str, self_url: &str) -> String {
    format!("<{hub}>; rel=\"hub\", <{self_url}>; rel=\"self\"")
}

/// Every feed (absolute URL) a story appears in.
pub fn topics(
    public_url: &str,
    edition: &Edition,
    section_slug: Option<&str>,
    article: &Article,
) -> Vec<String> {
    let mut scopes = vec![String::new()];
    scopes.extend(section_slug.map(|slug| format!("section/{slug}")));
    scopes.extend(article.tags.iter().map(|tag| format!("tag/{}", tag.slug)));
    scopes.extend(article.authors.iter().map(|author| format!("author/{}", author.slug)));
    let mut urls = Vec::with_capacity(scopes.len() * 3);
    for scope in &scopes {
        for format in FeedFormat::ALL {
            let path = if scope.is_empty() {
                format!("/{}/feed.{}", edition.code, format.extension())
            } else {
                format!("/{}/feeds/{scope}.{}", edition.code, format.extension())
            };
            urls.push(format!("{public_url}{path}"));
        }
    }
    urls
}

/// Queues the pings for a story that readers now see differently.
pub async fn article_changed(state: &AppState, article_id: ArticleId) -> Result<(), StoreError> {
    if state.config.websub_hub.is_empty() {
        return Ok(());
    }
    let Some(article) = state.store.article_by_id(article_id).await? else { return Ok(()) };
    let directory = state.directory();
    let Some(edition) = directory.edition_by_id(article.card.edition_id) else { return Ok(()) };
    let section = directory.section_by_id(article.card.section_id).map(|s| s.slug.to_string());
    let urls = topics(&state.config.public_url, edition, section.as_deref(), &article);
    // A list of strings as JSON: building it cannot fail.
    let payload = serde_json::Value::from(urls).to_string();
    state.store.enqueue_job(WEBSUB_PING, &payload, OffsetDateTime::now_utc()).await?;
    Ok(())
}

fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .user_agent(concat!("Dateline/", env!("CARGO_PKG_VERSION"), " (WebSub publisher)"))
            .build()
            .unwrap_or_default()
    })
}

/// Runs a [`WEBSUB_PING`] job: every feed must be accepted (2xx) by the
/// hub, or the job fails and is tried again.
pub async fn run_job(state: &AppState, payload: &str, attempts: i32) -> Result<(), String> {
    let hub = state.config.websub_hub.as_str();
    if hub.is_empty() {
        return Ok(());
    }
    let urls: Vec<String> = serde_json::from_str(payload).map_err(|e| format!("bad WebSub payload: {e}"))?;
    let mut failures = Vec::new();
    for url in &urls {
        let outcome =
            client().post(hub).form(&[("hub.mode", "publish"), ("hub.url", url.as_str())]).send().await;
        match outcome {
            Ok(response) if response.status().is_success() => {}
            Ok(response) => failures.push(format!("{url}: the hub answered {}", response.status())),
            Err(error) => failures.push(format!("{url}: {error}")),
        }
    }
    if failures.is_empty() {
        tracing::info!(hub, feeds = urls.len(), "WebSub hub notified");
        return Ok(());
    }
    if attempts >= MAX_ATTEMPTS {
        tracing::error!(hub, attempts, failures = failures.join("; "), "WebSub ping given up");
        return Ok(());
    }
    Err(failures.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_header_names_hub_and_self() {
        assert_eq!(
            link_header("https://hub.example/", "https://news.example/en/feed.xml"),
            "<https://hub.example/>; rel=\"hub\", <https://news.example/en/feed.xml>; rel=\"self\""
        );
    }
}
