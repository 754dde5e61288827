//! `GET /{edition}/newsfeed`: every story of the edition as a compact,
//! timed list, newest first; `?section=` keeps one section, `?before=`
//! pages back. The script adds stories live and turns the "older" link
//! into infinite scroll; without it the page pages by links.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use dateline_core::Slug;
use dateline_store::ArticleQuery;
use time::OffsetDateTime;

use super::{ListParams, edition_from, html, newest_change, page_size};
use crate::AppState;
use crate::error::PageError;
use crate::view::{FeedItem, Frame, Link, section_path, url_encode};

/// Items per page.
const PAGE: u32 = 30;

/// `?section=`; `?before=` is read as on every list page ([`ListParams`]).
#[derive(Debug, serde::Deserialize)]
pub struct NewsfeedParams {
    section: Option<String>,
}

/// One line of the newsfeed page.
#[derive(Debug)]
pub struct NewsfeedLine {
    /// What the newsfeed widget shows of the story.
    pub item: FeedItem,
    pub section_name: String,
    pub section_href: String,
}

#[derive(Template)]
#[template(path = "newsfeed.html")]
struct NewsfeedTemplate<'a> {
    frame: Frame<'a>,
    heading: String,
    /// "All" and one link per section, the current one marked.
    filters: Vec<Link>,
    /// The section shown, for the script's live additions.
    section_slug: String,
    lines: Vec<NewsfeedLine>,
    older_href: Option<String>,
    newest_href: Option<String>,
}

/// `GET /{edition}/newsfeed`.
pub async fn newsfeed_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(params): Query<NewsfeedParams>,
    Query(list): Query<ListParams>,
) -> Result<Response, PageError> {
    let directory = state.directory();
    let edition = edition_from(&directory, &code)?;
    let t = state.locales.for_language(&edition.language);
    let section = match params.section.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(
            Slug::parse(raw)
                .ok()
                .and_then(|slug| directory.section(edition.id, &slug).cloned())
                .ok_or(PageError::NotFound)?,
        ),
    };
    let mut query = ArticleQuery::edition(edition.id, page_size(PAGE + 1));
    query.section_id = section.as_ref().map(|s| s.id);
    query.before = list.cursor()?;
    let paged = query.before.is_some();
    crate::page_keys::shows(crate::page_keys::of_query(&query));
    let mut cards = state.store.list_articles(&query).await?;
    let has_more = cards.len() > PAGE as usize;
    cards.truncate(PAGE as usize);

    let base = format!("/{}/newsfeed", edition.code);
    let this_list = match &section {
        Some(s) => format!("{base}?section={}", url_encode(s.slug.as_str())),
        None => base.clone(),
    };
    let joiner = if section.is_some() { '&' } else { '?' };
    let older_href = match (has_more, cards.last()) {
        (true, Some(last)) => Some(format!("{this_list}{joiner}before={}", last.cursor())),
        _ => None,
    };
    let today = OffsetDateTime::now_utc().date();
    let lines = cards
        .iter()
        .map(|card| {
            let card_section = directory.section_by_id(card.section_id);
            let mut item = FeedItem::new(card, &edition, t);
            if card.published_at.date() != today {
                item.time_label = t.date_time(card.published_at);
            }
            NewsfeedLine {
                item,
                section_name: card_section.map(|s| s.name.clone()).unwrap_or_default(),
                section_href: card_section.map(|s| section_path(&edition, s)).unwrap_or_default(),
            }
        })
        .collect();
    let mut filters = vec![Link {
        href: base.clone(),
        label: t.get("newsfeed-all-sections").into_owned(),
        current: section.is_none(),
    }];
    filters.extend(directory.sections_of(edition.id).iter().map(|s| Link {
        href: format!("{base}?section={}", url_encode(s.slug.as_str())),
        label: s.name.clone(),
        current: section.as_ref().is_some_and(|current| current.id == s.id),
    }));
    let heading = match &section {
        Some(s) => format!("{} · {}", t.get("newsfeed"), s.name),
        None => t.get("newsfeed").into_owned(),
    };
    let frame =
        Frame::new(&state, &directory, &edition, section.as_ref().map(|s| s.id), &heading, &this_list);
    let template = NewsfeedTemplate {
        frame,
        heading,
        filters,
        section_slug: section.as_ref().map(|s| s.slug.to_string()).unwrap_or_default(),
        lines,
        older_href,
        newest_href: paged.then_some(this_list),
    };
    html(&template, newest_change(&cards))
}
