//! The live newsfeed: an event log shared by every node ([`bus`]), the
//! Server-Sent Events endpoint readers' pages keep open ([`sse`]), and the
//! events the newsroom's actions publish ([`article_changed`]).

pub mod bus;
pub mod sse;

use dateline_core::ArticleStatus;
use dateline_store::NewLiveEvent;

use crate::AppState;
use crate::view::{article_path, iso};

pub use bus::LiveBus;

/// Tells open pages that an article appeared, changed or went away:
/// `published` when it became visible, `updated` when a visible article
/// was saved again, `removed` when it stopped being visible. A story that
/// became visible may start a breaking-news mail (`newsletters::sender`),
/// and any change pings the WebSub hub (`syndication::websub`). Failing
/// here is logged, never fatal: the article is saved.
pub async fn article_changed(state: &AppState, id: i64, was: Option<ArticleStatus>, now: ArticleStatus) {
    let visible = |s: Option<ArticleStatus>| s == Some(ArticleStatus::Published);
    let kind = match (visible(was), visible(Some(now))) {
        (false, true) => "published",
        (true, true) => "updated",
        (true, false) => "removed",
        (false, false) => return,
    };
    if let Err(error) = publish_article_event(state, id, kind).await {
        tracing::warn!(%error, article = id, kind, "could not publish a live event");
    }
    if kind == "published" {
        crate::newsletters::sender::story_published(state, id).await;
    }
    if let Err(error) = crate::syndication::websub::article_changed(state, id).await {
        tracing::warn!(%error, article = id, "could not queue the WebSub ping");
    }
}

async fn publish_article_event(
    state: &AppState,
    id: i64,
    kind: &str,
) -> Result<(), dateline_store::StoreError> {
    let Some(article) = state.store.article_by_id(id).await? else {
        return Ok(());
    };
    let card = &article.card;
    let directory = state.directory();
    let Some(edition) = directory.edition_by_id(card.edition_id) else {
        return Ok(());
    };
    let section = directory.section_by_id(card.section_id);
    let data = serde_json::json!({
        "article_id": card.id,
        "edition": edition.code.as_str(),
        "href": article_path(edition, card.published_at, card.slug.as_str()),
        "headline": card.headline,
        "section": section.map(|s| serde_json::json!({"slug": s.slug.as_str(), "name": s.name})),
        "published_at": iso(card.published_at),
        "breaking": card.breaking,
    });
    state
        .live
        .publish(NewLiveEvent {
            edition_id: card.edition_id,
            kind: kind.to_owned(),
            section_id: Some(card.section_id),
            article_id: Some(card.id),
            breaking: card.breaking && kind != "removed",
            data: data.to_string(),
        })
        .await
}

/// What happened to a live-blog entry.
#[derive(Debug)]
pub enum EntryChange {
    /// Posted or corrected: the entry as it now reads.
    Shown(dateline_store::LiveBlogEntry),
    /// Deleted: its id.
    Removed(i64),
}

/// The HTML of a live-blog entry, as the page and the event carry it.
pub fn entry_html(body: &str) -> String {
    crate::markdown::render_body(body, "")
}

/// Tells the open pages of a published live blog that an entry was
/// posted, corrected or deleted (`entry-added`, `entry-corrected`,
/// `entry-removed`). Failing is logged, never fatal.
pub async fn entry_changed(
    state: &AppState,
    article: &dateline_store::Article,
    kind: &str,
    change: EntryChange,
) {
    let card = &article.card;
    let data = match &change {
        EntryChange::Shown(entry) => serde_json::json!({
            "article_id": card.id,
            "entry_id": entry.id,
            "html": entry_html(&entry.body),
            "created_at": iso(entry.created_at),
            "updated_at": iso(entry.updated_at),
            "corrected": entry.corrected,
        }),
        EntryChange::Removed(id) => serde_json::json!({"article_id": card.id, "entry_id": id}),
    };
    let event = NewLiveEvent {
        edition_id: card.edition_id,
        kind: kind.to_owned(),
        section_id: Some(card.section_id),
        article_id: Some(card.id),
        breaking: false,
        data: data.to_string(),
    };
    if let Err(error) = state.live.publish(event).await {
        tracing::warn!(%error, article = card.id, kind, "could not publish a live-blog event");
    }
}
