//! The edition's front page: the top story, then each section's latest.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use dateline_store::ArticleQuery;

use super::{edition_from, html, newest_change, newsfeed, page_size};
use crate::AppState;
use crate::error::PageError;
use crate::view::{CardView, FeedItem, Frame, SIZES_CARD, SIZES_TOP, section_path};

/// Stories per section block on the front page.
const PER_SECTION: u32 = 4;

#[derive(Debug)]
pub struct SectionBlock {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub href: String,
    pub cards: Vec<CardView>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomeTemplate<'a> {
    frame: Frame<'a>,
    top: Option<CardView>,
    sections: Vec<SectionBlock>,
    newsfeed: Vec<FeedItem>,
}

/// `GET /{edition}/`.
pub async fn home_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let directory = state.directory();
    let edition = edition_from(&directory, &code)?;
    let t = state.locales.for_language(&edition.language);

    let query = ArticleQuery::edition(edition.id, page_size(10));
    crate::page_keys::shows(crate::page_keys::of_query(&query));
    let latest = state.store.list_articles(&query).await?;
    // The top story: the newest breaking story, else the newest with a photo.
    let top_card = latest
        .iter()
        .find(|c| c.breaking)
        .or_else(|| latest.iter().find(|c| c.image.is_some()))
        .or(latest.first());
    let mut last_modified = newest_change(&latest);

    let mut sections = Vec::new();
    for section in directory.sections_of(edition.id) {
        let mut query = ArticleQuery::edition(edition.id, page_size(PER_SECTION + 1));
        query.section_id = Some(section.id);
        crate::page_keys::shows(crate::page_keys::of_query(&query));
        let cards = state.store.list_articles(&query).await?;
        last_modified = last_modified.max(newest_change(&cards));
        let cards: Vec<CardView> = cards
            .iter()
            .filter(|c| Some(c.id) != top_card.map(|t| t.id))
            .take(PER_SECTION as usize)
            .map(|c| CardView::new(c, &edition, &directory, t, SIZES_CARD, true))
            .collect();
        if cards.is_empty() {
            continue;
        }
        sections.push(SectionBlock {
            slug: section.slug.to_string(),
            name: section.name.clone(),
            description: section.description.clone(),
            href: section_path(&edition, section),
            cards,
        });
    }

    let mut frame = Frame::new(&state, &directory, &edition, None, "", &format!("/{}/", edition.code));
    frame.title = format!("{} — {}", state.config.site_name, t.get("latest-news"));
    frame.description = t.get("footer-tagline").into_owned();
    for other in directory.editions() {
        frame.alternates.push(crate::view::Alternate {
            hreflang: other.language.clone(),
            href: format!("{}/{}/", state.config.public_url, other.code),
        });
    }
    if let Some(default) = directory.default_edition() {
        frame.alternates.push(crate::view::Alternate {
            hreflang: "x-default".into(),
            href: format!("{}/{}/", state.config.public_url, default.code),
        });
    }
    let template = HomeTemplate {
        top: top_card.map(|c| CardView::new(c, &edition, &directory, t, SIZES_TOP, false)),
        sections,
        newsfeed: newsfeed(&state, &edition, t).await?,
        frame,
    };
    html(&template, last_modified)
}
