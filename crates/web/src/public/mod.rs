//! Reader-facing pages, one file per kind of page.
//!
//! Each handler resolves its edition from the URL, reads what it needs,
//! builds a template and returns it through [`html`], which marks the
//! response cacheable. Errors become localized pages in [`error_pages`].

mod article;
mod home;
mod lists;
mod media;
mod misc;
mod newsfeed;

pub use article::article_page;
pub use home::home_page;
pub use lists::{author_page, latest_page, section_page, tag_page};
pub use media::{media_file, media_index, media_page};
pub use misc::{edition_root, robots_txt, root_redirect};
pub use newsfeed::newsfeed_page;

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use dateline_core::{ArticleCursor, PageSize};
use dateline_store::{ArticleCard, ArticleQuery, Edition};
use time::OffsetDateTime;

use crate::AppState;
use crate::directory::SiteDirectory;
use crate::error::{ErrorPage, ErrorReason, PageError};
use crate::i18n::Locale;
use crate::page_cache::Cacheable;
use crate::view::{CardView, FeedItem, Frame, SIZES_CARD};

/// How many stories a list page shows.
const LIST_PAGE_SIZE: u32 = 10;
/// How many items the newsfeed widget shows.
const NEWSFEED_SIZE: u32 = 8;

/// Renders a template as a cacheable HTML page.
pub(crate) fn html(template: &impl Template, last_modified: OffsetDateTime) -> Result<Response, PageError> {
    let body = template.render()?;
    let mut response = ([(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))], body)
        .into_response();
    response.extensions_mut().insert(Cacheable { last_modified });
    Ok(response)
}

/// The edition named by the first path segment, or 404.
pub fn edition_from(directory: &SiteDirectory, code: &str) -> Result<Edition, PageError> {
    directory.edition_by_code(code).cloned().ok_or(PageError::NotFound)
}

/// Query parameters of list pages. Unknown parameters are ignored.
#[derive(Debug, serde::Deserialize)]
pub struct ListParams {
    before: Option<String>,
}

impl ListParams {
    pub(crate) fn cursor(&self) -> Result<Option<ArticleCursor>, PageError> {
        self.before
            .as_deref()
            .map(|raw| ArticleCursor::parse(raw).map_err(|e| PageError::BadRequest(e.to_string())))
            .transpose()
    }
}

pub(crate) fn page_size(n: u32) -> PageSize {
    // The constants above are within 1..=PageSize::MAX.
    PageSize::new(n).unwrap_or_else(|_| PageSize::new(PageSize::MAX).unwrap_or_else(|_| unreachable!()))
}

/// The edition's latest stories for the newsfeed widget.
pub(crate) async fn newsfeed(
    state: &AppState,
    edition: &Edition,
    t: &Locale,
) -> Result<Vec<FeedItem>, PageError> {
    let query = ArticleQuery::edition(edition.id, page_size(NEWSFEED_SIZE));
    crate::page_keys::shows(crate::page_keys::of_query(&query));
    let cards = state.store.list_articles(&query).await?;
    let today = OffsetDateTime::now_utc().date();
    Ok(cards
        .iter()
        .map(|card| {
            let mut item = FeedItem::new(card, edition, t);
            if card.published_at.date() != today {
                item.time_label = t.long_date(card.published_at);
            }
            item
        })
        .collect())
}

/// A page of a story list with its "older stories" link.
#[derive(Debug)]
pub struct StoryList {
    pub cards: Vec<CardView>,
    pub older_href: Option<String>,
    pub newest_href: Option<String>,
}

impl StoryList {
    /// Reads one page of `query` (its `limit` is set here) and links the
    /// next page at `base_path?before=…`.
    pub(crate) async fn load(
        state: &AppState,
        directory: &SiteDirectory,
        edition: &Edition,
        t: &Locale,
        mut query: ArticleQuery,
        base_path: &str,
    ) -> Result<(Self, Vec<ArticleCard>), PageError> {
        query.limit = page_size(LIST_PAGE_SIZE + 1);
        let paged = query.before.is_some();
        crate::page_keys::shows(crate::page_keys::of_query(&query));
        let mut cards = state.store.list_articles(&query).await?;
        let has_more = cards.len() > LIST_PAGE_SIZE as usize;
        cards.truncate(LIST_PAGE_SIZE as usize);
        let older_href = match (has_more, cards.last()) {
            (true, Some(last)) => Some(format!("{base_path}?before={}", last.cursor())),
            _ => None,
        };
        let views = cards.iter().map(|c| CardView::new(c, edition, directory, t, SIZES_CARD, true)).collect();
        Ok((Self { cards: views, older_href, newest_href: paged.then(|| base_path.to_owned()) }, cards))
    }
}

/// The newest change among cards, for `Last-Modified`.
pub(crate) fn newest_change(cards: &[ArticleCard]) -> OffsetDateTime {
    cards.iter().map(|c| c.updated_at.max(c.published_at)).max().unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

#[derive(Debug, Template)]
#[template(path = "message.html")]
pub struct MessageTemplate<'a> {
    pub frame: Frame<'a>,
    pub heading: String,
    pub text: String,
    pub detail: Option<String>,
}

/// Middleware: turns error responses into localized HTML pages.
///
/// Handler errors carry an [`ErrorPage`] marker; plain-text rejections from
/// the framework (a malformed query string, say) are caught too, so every
/// reader-facing error is a page in the reader's language. The language is
/// the edition's of the first path segment, else the best match for
/// `Accept-Language`.
pub async fn error_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let first_segment =
        request.uri().path().trim_start_matches('/').split('/').next().unwrap_or("").to_owned();
    let accept_language =
        request.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let marker = response.extensions().get::<ErrorPage>().cloned();
    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
    let is_plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|ct| ct.starts_with("text/plain"));
    let reason = marker.as_ref().map_or(ErrorReason::Other, |page| page.reason);
    let detail = match marker {
        Some(page) => page.detail,
        None if is_plain => {
            let body = axum::body::to_bytes(response.into_body(), 64 * 1024).await.unwrap_or_default();
            let text = String::from_utf8_lossy(&body).trim().to_owned();
            (status == StatusCode::BAD_REQUEST && !text.is_empty()).then_some(text)
        }
        None => return response,
    };
    let directory = state.directory();
    let edition = directory
        .edition_by_code(&first_segment)
        .or_else(|| misc::best_edition(&directory, &accept_language))
        .cloned();
    let Some(edition) = edition else {
        return bare_error_page(&state, &accept_language, status, reason, detail);
    };
    let mut frame = Frame::new(&state, &directory, &edition, None, "", &format!("/{}/", edition.code));
    frame.noindex = true;
    let (heading, text) = error_wording(frame.t, status, reason);
    frame.title = format!("{heading} — {}", state.config.site_name);
    let template = MessageTemplate { frame, heading, text, detail };
    let body = template.render().unwrap_or_else(|error| {
        tracing::error!(%error, "error page failed to render");
        String::from("error")
    });
    let cache_control = if status == StatusCode::GONE { "public, max-age=300" } else { "no-store" };
    let mut page = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, cache_control)],
        body,
    )
        .into_response();
    if let Some(retry_after) = retry_after {
        page.headers_mut().insert(header::RETRY_AFTER, retry_after);
    }
    page
}

#[derive(Template)]
#[template(path = "bare_message.html")]
struct BareMessageTemplate<'a> {
    frame: crate::newsroom::login::DoorFrame<'a>,
    heading: String,
    text: String,
    detail: Option<String>,
}

/// An error page on a site without editions (a fresh installation): in
/// the staff member's language, pointing at the newsroom.
fn bare_error_page(
    state: &AppState,
    accept_language: &str,
    status: StatusCode,
    reason: ErrorReason,
    detail: Option<String>,
) -> Response {
    let mut headers = axum::http::HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(accept_language) {
        headers.insert(header::ACCEPT_LANGUAGE, value);
    }
    let t = crate::newsroom::locale(state, &headers);
    let (heading, text) = error_wording(t, status, reason);
    let template = BareMessageTemplate {
        frame: crate::newsroom::login::DoorFrame::new(state, t, &heading),
        heading,
        text,
        detail,
    };
    let body = template.render().unwrap_or_else(|_| String::from("error"));
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], body)
        .into_response()
}

/// The heading and text of an error page.
fn error_wording(t: &Locale, status: StatusCode, reason: ErrorReason) -> (String, String) {
    let (heading, text) = match status {
        _ if reason == ErrorReason::Refused => (t.get("not-possible"), std::borrow::Cow::Borrowed("")),
        StatusCode::NOT_FOUND => (t.get("not-found"), t.get("not-found-text")),
        StatusCode::GONE => (t.get("gone"), t.get("gone-text")),
        StatusCode::FORBIDDEN if reason == ErrorReason::NotAllowed => {
            (t.get("forbidden"), t.get("not-allowed-text"))
        }
        StatusCode::FORBIDDEN => (t.get("forbidden"), t.get("form-expired")),
        s if s.is_client_error() => (t.get("bad-request"), std::borrow::Cow::Borrowed("")),
        _ => (t.get("server-error"), t.get("server-error-text")),
    };
    (heading.into_owned(), text.into_owned())
}

/// Fallback for unknown paths: the localized 404.
pub async fn not_found() -> PageError {
    PageError::NotFound
}
