//! Keeping this node's index up to date, and rebuilding it.
//!
//! Every write that can change an article's search entry adds a row to
//! the database's `article_changes` (by trigger). Each node follows that
//! stream from the last id its index reflects. It reads it when woken: by
//! a write on this node (`AppState::content_changed`), by the live event
//! bus (a publish on any node reaches it within moments), or by the
//! shared content version moving (another node's drafts, within the job
//! runner's second); and, as a safety net, every [`SAFETY_POLL`]. An idle
//! node does no database work for search in between. Nothing lives only
//! in the index: [`rebuild`] makes a new one from the articles.
//!
//! On PostgreSQL ids can commit out of order, so a missing id is waited
//! for ([`GAP_PATIENCE`]) before it is passed over as a rolled-back write.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dateline_core::ArticleStatus;
use dateline_search::{Builder, Doc, Opened, SearchIndex};
use dateline_store::{ArticleId, SearchSource, Store, StoreError};
use time::OffsetDateTime;

use crate::AppState;
use crate::directory::SiteDirectory;

/// How often the change stream is read when nothing wakes the follower.
const SAFETY_POLL: Duration = Duration::from_secs(10);
/// How often a rebuild by `dateline reindex` is looked for (a file read).
const LOOK_FOR_REBUILD: Duration = Duration::from_millis(500);
/// How long a gap in change ids is waited for.
const GAP_PATIENCE: Duration = Duration::from_secs(10);
/// Change rows read per query.
const BATCH: i64 = 1_000;
/// Articles read per query in a rebuild.
const REBUILD_BATCH: i64 = 500;
/// Change rows are kept this long; a node behind by more rebuilds.
const KEEP_CHANGES: time::Duration = time::Duration::days(7);

#[derive(Debug, thiserror::Error)]
pub enum SearchTaskError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Index(#[from] dateline_search::SearchError),
    #[error("the indexing thread failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

/// The search entry of an article.
pub fn document(source: &SearchSource, directory: &SiteDirectory) -> Doc {
    let language = directory.edition_by_id(source.edition_id).map_or("en", |e| e.language.as_str());
    let section = directory.section_by_id(source.section_id).map(|s| s.name.as_str()).unwrap_or_default();
    let mut extra = Vec::with_capacity(source.tags.len() + source.authors.len() + 2);
    extra.extend(source.tags.iter().map(|(_, name)| name.as_str()));
    extra.extend(source.authors.iter().map(String::as_str));
    extra.push(&source.dateline_place);
    extra.push(section);
    Doc {
        id: source.id.get(),
        edition_id: source.edition_id.get(),
        section_id: source.section_id.get(),
        slug: source.slug.clone(),
        status: source.status.as_str().to_owned(),
        visible: source.status == ArticleStatus::Published,
        breaking: source.breaking,
        published_at: source.published_at.unix_timestamp(),
        analyzer: dateline_search::Analyzer::for_language(language),
        headline: source.headline.clone(),
        lead: source.lead.clone(),
        body: crate::markdown::plain_text(&source.body),
        extra: extra.join("\n"),
        tag_ids: source.tags.iter().map(|(id, _)| id.get()).collect(),
    }
}

/// Builds a whole new index from the database and switches `index` (and,
/// on disk, any server following the same directory) to it. `progress` is
/// told (done, total) after every batch. Returns the articles indexed.
pub async fn rebuild(
    store: &dyn Store,
    directory: &SiteDirectory,
    index: &Arc<SearchIndex>,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<u64, SearchTaskError> {
    // Read where the change stream stands first: whatever changes while the
    // articles are read is applied again afterwards. A little margin covers
    // writes that took their id but had not committed yet.
    let bounds = store.article_change_bounds().await?;
    let watermark = bounds.map_or(0, |(low, high)| (high - 100).max(low - 1)).max(0);
    let total = u64::try_from(store.article_count().await?).unwrap_or_default();
    let target = Arc::clone(index);
    let mut builder = tokio::task::spawn_blocking(move || Builder::new(&target)).await??;
    let mut done = 0u64;
    let mut after = 0;
    progress(0, total);
    loop {
        let sources = store.search_sources_after(after, REBUILD_BATCH).await?;
        let Some(last) = sources.last() else { break };
        after = last.id.get();
        let docs: Vec<Doc> = sources.iter().map(|s| document(s, directory)).collect();
        done += docs.len() as u64;
        builder = tokio::task::spawn_blocking(move || builder.add(&docs).map(|()| builder)).await??;
        progress(done, total.max(done));
    }
    let target = Arc::clone(index);
    tokio::task::spawn_blocking(move || builder.finish(&target, watermark)).await??;
    Ok(done)
}

/// Where the follower stands in the change stream.
#[derive(Debug, Default)]
struct Position {
    /// Every change up to here is in the index.
    watermark: i64,
    /// Changes above the watermark already applied (past a gap).
    applied: BTreeSet<i64>,
    /// The first missing id and when it was first missed.
    gap: Option<(i64, Instant)>,
}

impl Position {
    fn at(watermark: i64) -> Self {
        Self { watermark, ..Self::default() }
    }
}

/// Applies what changed since the last call; returns whether anything did.
async fn catch_up(state: &AppState, position: &mut Position) -> Result<bool, SearchTaskError> {
    let mut changed = false;
    loop {
        let changes = state.store.article_changes_after(position.watermark, BATCH).await?;
        if changes.is_empty() {
            return Ok(changed);
        }
        let full = changes.len() as i64 == BATCH;
        let articles: BTreeSet<ArticleId> =
            changes.iter().filter(|c| !position.applied.contains(&c.id)).map(|c| c.article_id).collect();
        let mut watermark = position.watermark;
        for change in &changes {
            if change.id != watermark + 1 {
                let missing = watermark + 1;
                let waited = match position.gap {
                    Some((id, since)) if id == missing => since.elapsed() >= GAP_PATIENCE,
                    _ => {
                        position.gap = Some((missing, Instant::now()));
                        false
                    }
                };
                if !waited {
                    break;
                }
                tracing::debug!(missing, "passing over a change id that never committed");
            }
            watermark = change.id;
        }
        if watermark > position.watermark {
            position.gap = None;
        }
        let ids: Vec<ArticleId> = articles.iter().copied().collect();
        let sources = state.store.search_sources(&ids).await?;
        let directory = state.directory();
        let docs: Vec<Doc> = sources.iter().map(|s| document(s, &directory)).collect();
        let removals: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|id| sources.binary_search_by_key(id, |s| s.id).is_err())
            .map(ArticleId::get)
            .collect();
        let index = Arc::clone(&state.search);
        let applied_at = watermark;
        let touched = !docs.is_empty() || !removals.is_empty();
        tokio::task::spawn_blocking(move || index.apply(&docs, &removals, applied_at)).await??;
        changed |= touched;
        position.applied.extend(changes.iter().map(|c| c.id).filter(|id| *id > watermark));
        position.applied = position.applied.split_off(&(watermark + 1));
        let advanced = watermark > position.watermark;
        position.watermark = watermark;
        if !(full && advanced) {
            return Ok(changed);
        }
    }
}

/// Opens the index (rebuilding it when it is missing, damaged, from
/// another version or too far behind), then follows the change stream for
/// the life of the process.
pub async fn run(state: AppState) {
    let index = Arc::clone(&state.search);
    let opened = tokio::task::spawn_blocking(move || index.open())
        .await
        .unwrap_or_else(|error| Opened::Rebuild(format!("opening failed: {error}")));
    let mut position = match opened {
        Opened::Ready { watermark, documents } => match state.store.article_change_bounds().await {
            Ok(Some((low, _))) if watermark + 1 < low => {
                tracing::warn!(watermark, "the search index is older than the kept changes; rebuilding it");
                None
            }
            Ok(_) => {
                tracing::info!(watermark, documents, "search index opened");
                Some(Position::at(watermark))
            }
            Err(error) => {
                tracing::warn!(%error, "could not read the change stream; rebuilding the search index");
                None
            }
        },
        Opened::Rebuild(reason) => {
            tracing::info!(%reason, "building the search index");
            None
        }
    };
    while position.is_none() {
        let started = Instant::now();
        let directory = state.directory();
        match rebuild(state.store.as_ref(), &directory, &state.search, &|_, _| {}).await {
            Ok(count) => {
                tracing::info!(count, seconds = started.elapsed().as_secs_f64(), "search index built");
                position = state.search.watermark().map(Position::at);
            }
            Err(error) => {
                tracing::error!(%error, "could not build the search index; trying again in a minute");
                tokio::time::sleep(Duration::from_secs(60)).await;
            }
        }
    }
    let mut position = position.unwrap_or_default();
    let mut wake = state.live.subscribe(None).receiver;
    let mut pruned = Instant::now();
    let mut polled = Instant::now();
    loop {
        let woken = tokio::select! {
            () = tokio::time::sleep(LOOK_FOR_REBUILD) => false,
            () = state.search_wake.notified() => true,
            received = wake.recv() => {
                if matches!(received, Err(tokio::sync::broadcast::error::RecvError::Closed)) {
                    wake = state.live.subscribe(None).receiver;
                }
                true
            }
        };
        let switched = state.search.follow_current();
        if let Some(watermark) = switched {
            position = Position::at(watermark);
        }
        if !woken && switched.is_none() && polled.elapsed() < SAFETY_POLL && position.gap.is_none() {
            continue;
        }
        polled = Instant::now();
        if let Err(error) = catch_up(&state, &mut position).await {
            tracing::warn!(%error, "could not update the search index; retrying");
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
        if pruned.elapsed() > Duration::from_secs(3600) {
            pruned = Instant::now();
            let index = Arc::clone(&state.search);
            let _ = tokio::task::spawn_blocking(move || index.remove_abandoned()).await;
            match state.store.prune_article_changes(OffsetDateTime::now_utc() - KEEP_CHANGES).await {
                Ok(0) => {}
                Ok(count) => tracing::debug!(count, "pruned old search changes"),
                Err(error) => tracing::warn!(%error, "could not prune old search changes"),
            }
        }
    }
}
