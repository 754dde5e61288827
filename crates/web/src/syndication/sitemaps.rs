//! Sitemaps for search engines and news aggregators.
//!
//! - `/sitemap.xml`: the index, linked from `robots.txt`: per edition, a
//!   news sitemap and one sitemap per month since its first story;
//! - `/sitemaps/news-{edition}.xml`: the stories of the last 48 hours
//!   (at most 1,000), with the `news:` extension Google News reads;
//! - `/sitemaps/{edition}-{yyyy}-{mm}.xml`: every story of that month
//!   (at most 50,000, the format's limit), with its last change.
//!
//! They are pages for the page cache, so they carry validators and change
//! as soon as the content does.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use dateline_store::Edition;
use time::{Date, Duration, Month, OffsetDateTime, Time};

use crate::AppState;
use crate::error::PageError;
use crate::page_cache::Cacheable;
use crate::view::{article_path, iso};

/// Stories in a news sitemap at most (Google's limit).
const NEWS_LIMIT: i64 = 1000;
/// URLs in one sitemap at most (the protocol's limit).
const SITEMAP_LIMIT: i64 = 50_000;

#[derive(Template)]
#[template(path = "sitemaps/index.xml")]
struct IndexTemplate {
    sitemaps: Vec<(String, String)>,
}

#[derive(Debug)]
struct UrlLine {
    loc: String,
    lastmod: String,
    published: String,
    title: String,
}

#[derive(Template)]
#[template(path = "sitemaps/month.xml")]
struct MonthTemplate {
    urls: Vec<UrlLine>,
}

#[derive(Template)]
#[template(path = "sitemaps/news.xml")]
struct NewsTemplate {
    publication: String,
    language: String,
    urls: Vec<UrlLine>,
}

fn xml(body: String, last_modified: OffsetDateTime) -> Response {
    let mut response = ([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], body).into_response();
    response.extensions_mut().insert(Cacheable { last_modified });
    response
}

fn month_start(year: i32, month: Month) -> OffsetDateTime {
    Date::from_calendar_date(year, month, 1)
        .map(|d| d.with_time(Time::MIDNIGHT).assume_utc())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `GET /sitemap.xml`.
pub async fn sitemap_index(State(state): State<AppState>) -> Result<Response, PageError> {
    let directory = state.directory();
    let public_url = &state.config.public_url;
    let now = OffsetDateTime::now_utc();
    let mut sitemaps = Vec::new();
    for edition in directory.editions() {
        sitemaps.push((format!("{public_url}/sitemaps/news-{}.xml", edition.code), String::new()));
        crate::page_keys::shows(crate::page_keys::sitemap(edition.id));
        let Some(first) = state.store.first_published(edition.id).await? else { continue };
        let (mut year, mut month) = (now.year(), now.month());
        let (first_year, first_month) = (first.year(), first.month());
        // Newest month first; at most 50 years back.
        for _ in 0..600 {
            sitemaps.push((
                format!("{public_url}/sitemaps/{}-{year:04}-{:02}.xml", edition.code, month as u8),
                String::new(),
            ));
            if (year, month as u8) <= (first_year, first_month as u8) {
                break;
            }
            month = month.previous();
            if month == Month::December {
                year -= 1;
            }
        }
    }
    Ok(xml(IndexTemplate { sitemaps }.render()?, now - Duration::seconds(i64::from(now.second()))))
}

/// `GET /sitemaps/{file}`: `news-{edition}.xml` or `{edition}-{yyyy}-{mm}.xml`.
pub async fn sitemap(State(state): State<AppState>, Path(file): Path<String>) -> Result<Response, PageError> {
    let directory = state.directory();
    let name = file.strip_suffix(".xml").ok_or(PageError::NotFound)?;
    if let Some(code) = name.strip_prefix("news-") {
        let edition = directory.edition_by_code(code).cloned().ok_or(PageError::NotFound)?;
        return news(&state, &edition).await;
    }
    let mut parts = name.rsplitn(3, '-');
    let (Some(month), Some(year), Some(code)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(PageError::NotFound);
    };
    let edition = directory.edition_by_code(code).cloned().ok_or(PageError::NotFound)?;
    let year: i32 = year.parse().ok().filter(|y| (1970..=9999).contains(y)).ok_or(PageError::NotFound)?;
    let month = month.parse::<u8>().ok().and_then(|m| Month::try_from(m).ok()).ok_or(PageError::NotFound)?;
    if year.to_string().len() != 4 {
        return Err(PageError::NotFound);
    }
    let from = month_start(year, month);
    let to = month_start(if month == Month::December { year + 1 } else { year }, month.next());
    crate::page_keys::shows(crate::page_keys::sitemap(edition.id));
    let entries = state.store.published_between(edition.id, from, to, SITEMAP_LIMIT).await?;
    let public_url = &state.config.public_url;
    let newest = entries.iter().map(|e| e.updated_at.max(e.published_at)).max().unwrap_or(from);
    let urls = entries
        .iter()
        .map(|e| UrlLine {
            loc: format!("{public_url}{}", article_path(&edition, e.published_at, e.slug.as_str())),
            lastmod: iso(e.updated_at.max(e.published_at)),
            published: String::new(),
            title: String::new(),
        })
        .collect();
    Ok(xml(MonthTemplate { urls }.render()?, newest))
}

async fn news(state: &AppState, edition: &Edition) -> Result<Response, PageError> {
    let now = OffsetDateTime::now_utc();
    let entries =
        state.store.published_between(edition.id, now - Duration::hours(48), now, NEWS_LIMIT).await?;
    crate::page_keys::shows(crate::page_keys::sitemap(edition.id));
    let public_url = &state.config.public_url;
    let newest =
        entries.iter().map(|e| e.updated_at.max(e.published_at)).max().unwrap_or(now - Duration::hours(48));
    let urls = entries
        .iter()
        .map(|e| UrlLine {
            loc: format!("{public_url}{}", article_path(edition, e.published_at, e.slug.as_str())),
            lastmod: String::new(),
            published: iso(e.published_at),
            title: e.headline.clone(),
        })
        .collect();
    let template = NewsTemplate {
        publication: state.config.site_name.clone(),
        language: edition.language.clone(),
        urls,
    };
    Ok(xml(template.render()?, newest))
}
