//! Purging a caching proxy in front (Varnish with its `xkey` module, or
//! any proxy that purges by surrogate key) when pages change.
//!
//! Every cached page goes out with `Surrogate-Key`: what it shows
//! ([`crate::page_keys`]) and `site`. When this node applies a page change,
//! after dropping its own copies, it sends each configured proxy
//! `PURGE /` with the change's keys in an `xkey-purge` header (`site` when
//! every page goes), so the proxy drops exactly the pages that show what
//! changed. Every node sends the purges of every change it applies: with
//! several nodes behind one proxy, the last node to apply a change purges
//! last, so the proxy cannot keep a page it fetched from a node that had
//! not applied the change yet.
//!
//! Purges go out from one task, in batches, never holding up the request
//! that made the change. A proxy that cannot be reached is logged and
//! counted (`dateline_proxy_purge_failures_total`); its pages then live
//! out their `max-age` (`page_max_age_secs`).

use std::collections::BTreeSet;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::page_keys::SITE;

/// Keys sent in one request at most (a header of a few KiB).
const KEYS_PER_REQUEST: usize = 200;

/// How long one purge request may take.
const TIMEOUT: Duration = Duration::from_secs(2);

/// Sends purges to the configured proxies.
#[derive(Debug, Clone)]
pub struct ProxyPurger {
    queue: mpsc::UnboundedSender<Vec<String>>,
}

impl ProxyPurger {
    /// Starts the task that purges `proxies` (their base URLs); `None`
    /// when there are none. Call within a tokio runtime.
    pub fn start(proxies: Vec<url::Url>) -> Option<Self> {
        if proxies.is_empty() {
            return None;
        }
        let (queue, receiver) = mpsc::unbounded_channel();
        tokio::spawn(run(proxies, receiver));
        Some(Self { queue })
    }

    /// Queues a purge of the pages carrying one of `keys`.
    pub fn purge(&self, keys: &[String]) {
        if !keys.is_empty() {
            let _ = self.queue.send(keys.to_vec());
        }
    }
}

async fn run(proxies: Vec<url::Url>, mut receiver: mpsc::UnboundedReceiver<Vec<String>>) {
    let client = match reqwest::Client::builder().timeout(TIMEOUT).build() {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "cannot purge the proxies in front: no HTTP client");
            return;
        }
    };
    while let Some(first) = receiver.recv().await {
        // Everything queued meanwhile goes in the same requests.
        let mut keys: BTreeSet<String> = first.into_iter().collect();
        while let Ok(more) = receiver.try_recv() {
            keys.extend(more);
        }
        let keys: Vec<String> =
            if keys.contains(SITE) { vec![SITE.to_owned()] } else { keys.into_iter().collect() };
        for proxy in &proxies {
            for batch in keys.chunks(KEYS_PER_REQUEST) {
                send(&client, proxy, &batch.join(" ")).await;
            }
        }
    }
}

async fn send(client: &reqwest::Client, proxy: &url::Url, keys: &str) {
    let purge = reqwest::Method::from_bytes(b"PURGE").expect("a valid method name");
    let answer = client.request(purge, proxy.clone()).header("xkey-purge", keys).send().await;
    match answer {
        Ok(response) if response.status().is_success() => {
            metrics::counter!("dateline_proxy_purges_total").increment(1);
            tracing::debug!(proxy = %proxy, keys, "proxy purged");
        }
        Ok(response) => {
            metrics::counter!("dateline_proxy_purge_failures_total").increment(1);
            tracing::warn!(proxy = %proxy, status = %response.status(), "the proxy refused a purge; its pages live out their max-age");
        }
        Err(error) => {
            metrics::counter!("dateline_proxy_purge_failures_total").increment(1);
            tracing::warn!(proxy = %proxy, %error, "could not purge the proxy; its pages live out their max-age");
        }
    }
}
