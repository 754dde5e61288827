//! Story lists: a section, a tag, an author. Paged by cursor with plain
//! "older stories" links that the script turns into infinite scroll.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use dateline_core::Slug;
use dateline_store::ArticleQuery;

use super::{ListParams, StoryList, edition_from, html, newest_change, newsfeed, page_size};
use crate::AppState;
use crate::error::PageError;
use crate::view::{FeedItem, Frame};

#[derive(Template)]
#[template(path = "section.html")]
struct SectionTemplate<'a> {
    frame: Frame<'a>,
    heading: String,
    description: String,
    list: StoryList,
    newsfeed: Vec<FeedItem>,
}

#[derive(Template)]
#[template(path = "tag.html")]
struct TagTemplate<'a> {
    frame: Frame<'a>,
    heading: String,
    list: StoryList,
    newsfeed: Vec<FeedItem>,
}

#[derive(Template)]
#[template(path = "author.html")]
struct AuthorTemplate<'a> {
    frame: Frame<'a>,
    heading: String,
    description: String,
    list: StoryList,
    newsfeed: Vec<FeedItem>,
}

fn slug_or_404(raw: &str) -> Result<Slug, PageError> {
    Slug::parse(raw).map_err(|_| PageError::NotFound)
}

/// `GET /{edition}/{section}`.
pub async fn section_page(
    State(state): State<AppState>,
    Path((code, section)): Path<(String, String)>,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let directory = state.directory();
    let edition = edition_from(&directory, &code)?;
    let section =
        directory.section(edition.id, &slug_or_404(&section)?).cloned().ok_or(PageError::NotFound)?;
    let t = state.locales.for_language(&edition.language);
    let mut query = ArticleQuery::edition(edition.id, page_size(1));
    query.section_id = Some(section.id);
    query.before = params.cursor()?;
    let path = format!("/{}/{}", edition.code, section.slug);
    let (list, cards) = StoryList::load(&state, &directory, &edition, t, query, &path).await?;
    let mut frame = Frame::new(&state, &directory, &edition, Some(section.id), &section.name, &path);
    frame.description = section.description.clone();
    frame.add_feeds(&edition, &format!("section/{}", section.slug), &section.name);
    let template = SectionTemplate {
        heading: section.name.clone(),
        description: section.description.clone(),
        newsfeed: newsfeed(&state, &edition, t).await?,
        list,
        frame,
    };
    html(&template, newest_change(&cards))
}

/// `GET /{edition}/latest`: every story of the edition, newest first.
pub async fn latest_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let directory = state.directory();
    let edition = edition_from(&directory, &code)?;
    let t = state.locales.for_language(&edition.language);
    let mut query = ArticleQuery::edition(edition.id, page_size(1));
    query.before = params.cursor()?;
    let path = format!("/{}/latest", edition.code);
    let (list, cards) = StoryList::load(&state, &directory, &edition, t, query, &path).await?;
    let heading = t.get("latest-news").into_owned();
    let frame = Frame::new(&state, &directory, &edition, None, &heading, &path);
    let template = SectionTemplate {
        heading,
        description: String::new(),
        newsfeed: newsfeed(&state, &edition, t).await?,
        list,
        frame,
    };
    html(&template, newest_change(&cards))
}

/// `GET /{edition}/tag/{tag}`.
pub async fn tag_page(
    State(state): State<AppState>,
    Path((code, tag)): Path<(String, String)>,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let directory = state.directory();
    let edition = edition_from(&directory, &code)?;
    let tag = state.store.tag_by_slug(edition.id, &slug_or_404(&tag)?).await?.ok_or(PageError::NotFound)?;
    let t = state.locales.for_language(&edition.language);
    let mut query = ArticleQuery::edition(edition.id, page_size(1));
    query.tag_id = Some(tag.id);
    query.before = params.cursor()?;
    let path = format!("/{}/tag/{}", edition.code, tag.slug);
    let (list, cards) = StoryList::load(&state, &directory, &edition, t, query, &path).await?;
    let title = format!("{}: {}", t.get("topic"), tag.name);
    let mut frame = Frame::new(&state, &directory, &edition, None, &title, &path);
    frame.add_feeds(&edition, &format!("tag/{}", tag.slug), &tag.name);
    let template =
        TagTemplate { heading: tag.name, newsfeed: newsfeed(&state, &edition, t).await?, list, frame };
    html(&template, newest_change(&cards))
}

/// `GET /{edition}/author/{author}`.
pub async fn author_page(
    State(state): State<AppState>,
    Path((code, author)): Path<(String, String)>,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let directory = state.directory();
    let edition = edition_from(&directory, &code)?;
    let author =
        state.store.author_by_slug(edition.id, &slug_or_404(&author)?).await?.ok_or(PageError::NotFound)?;
    let t = state.locales.for_language(&edition.language);
    let mut query = ArticleQuery::edition(edition.id, page_size(1));
    query.author_id = Some(author.id);
    query.before = params.cursor()?;
    let path = format!("/{}/author/{}", edition.code, author.slug);
    let (list, cards) = StoryList::load(&state, &directory, &edition, t, query, &path).await?;
    let mut frame = Frame::new(&state, &directory, &edition, None, &author.name, &path);
    frame.description = author.bio.clone();
    frame.add_feeds(&edition, &format!("author/{}", author.slug), &author.name);
    let template = AuthorTemplate {
        heading: author.name,
        description: author.bio,
        newsfeed: newsfeed(&state, &edition, t).await?,
        list,
        frame,
    };
    html(&template, newest_change(&cards))
}
