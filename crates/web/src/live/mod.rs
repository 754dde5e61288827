//! The live newsfeed: an event log shared by every node ([`bus`]), the
//! Server-Sent Events endpoint readers' pages keep open ([`sse`]), and the
//! events the newsroom's actions write in their transactions
//! ([`story_event`], [`entry_event`]).

pub mod bus;
pub mod sse;

use dateline_core::ArticleStatus;
use dateline_store::{ArticleId, EditionId, NewLiveEvent, SectionId};

use crate::directory::SiteDirectory;
use crate::view::{article_path, iso};

pub use bus::LiveBus;

/// What a change of status means to open pages: `published` when the
/// story became visible, `updated` when a visible story was saved again,
/// `removed` when it stopped being visible; nothing otherwise.
pub fn story_change(was: Option<ArticleStatus>, now: ArticleStatus) -> Option<&'static str> {
    let visible = |s: Option<ArticleStatus>| s == Some(ArticleStatus::Published);
    match (visible(was), visible(Some(now))) {
        (false, true) => Some("published"),
        (true, true) => Some("updated"),
        (true, false) => Some("removed"),
        (false, false) => None,
    }
}

/// What the live event of a story shows of it.
#[derive(Debug, Clone, Copy)]
pub struct StoryLine<'a> {
    pub edition_id: EditionId,
    pub section_id: SectionId,
    pub slug: &'a dateline_core::Slug,
    pub published_at: time::OffsetDateTime,
    pub headline: &'a str,
    pub breaking: bool,
}

impl<'a> From<&'a dateline_store::NewArticle> for StoryLine<'a> {
    fn from(story: &'a dateline_store::NewArticle) -> Self {
        Self {
            edition_id: story.edition_id,
            section_id: story.section_id,
            slug: &story.slug,
            published_at: story.published_at,
            headline: &story.headline,
            breaking: story.breaking,
        }
    }
}

impl<'a> From<&'a dateline_store::ArticleCard> for StoryLine<'a> {
    fn from(card: &'a dateline_store::ArticleCard) -> Self {
        Self {
            edition_id: card.edition_id,
            section_id: card.section_id,
            slug: &card.slug,
            published_at: card.published_at,
            headline: &card.headline,
            breaking: card.breaking,
        }
    }
}

/// The live event of a story's change, built from what is being written
/// (so it goes into the same transaction as the story itself).
pub fn story_event(
    directory: &SiteDirectory,
    id: ArticleId,
    story: StoryLine<'_>,
    kind: &str,
) -> Option<NewLiveEvent> {
    let edition = directory.edition_by_id(story.edition_id)?;
    let section = directory.section_by_id(story.section_id);
    let data = serde_json::json!({
        "article_id": id,
        "edition": edition.code.as_str(),
        "href": article_path(edition, story.published_at, story.slug.as_str()),
        "headline": story.headline,
        "section": section.map(|s| serde_json::json!({"slug": s.slug.as_str(), "name": s.name})),
        "published_at": iso(story.published_at),
        "breaking": story.breaking,
    });
    Some(NewLiveEvent {
        edition_id: story.edition_id,
        kind: kind.to_owned(),
        section_id: Some(story.section_id),
        article_id: Some(id),
        breaking: story.breaking && kind != "removed",
        data: data.to_string(),
    })
}

/// What happened to a live-blog entry.
#[derive(Debug)]
pub enum EntryChange {
    /// Posted or corrected: the entry as it now reads.
    Shown(dateline_store::LiveBlogEntry),
    /// Deleted: its id.
    Removed(dateline_store::LiveEntryId),
}

/// The HTML of a live-blog entry, as the page and the event carry it.
pub fn entry_html(body: &str) -> String {
    crate::markdown::render_body(body, "")
}

/// The event that tells the open pages of a published live blog that an
/// entry was posted, corrected or deleted (`entry-added`,
/// `entry-corrected`, `entry-removed`).
pub fn entry_event(article: &dateline_store::Article, kind: &str, change: &EntryChange) -> NewLiveEvent {
    let card = &article.card;
    let data = match change {
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
    NewLiveEvent {
        edition_id: card.edition_id,
        kind: kind.to_owned(),
        section_id: Some(card.section_id),
        article_id: Some(card.id),
        breaking: false,
        data: data.to_string(),
    }
}
