//! `/newsroom/search`: every article the account may see, drafts and
//! withdrawn stories included, searched in all its editions' languages.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum_extra::extract::CookieJar;
use dateline_search::{Analyzer, Request, SearchError, Sort};
use time::OffsetDateTime;

use super::{NewsroomFrame, Staff, locale, no_store_page, permissions};
use crate::AppState;
use crate::accounts::csrf;
use crate::error::PageError;
use crate::view::url_encode;
use dateline_store::EditionId;

const PAGE_SIZE: usize = 20;

#[derive(Debug, serde::Deserialize)]
pub struct NewsroomSearchParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

struct Line {
    href: String,
    headline_html: String,
    snippet_html: String,
    edition: String,
    status: String,
    status_label: String,
    published: String,
}

#[derive(Template)]
#[template(path = "newsroom/search.html")]
struct NewsroomSearchTemplate<'a> {
    frame: NewsroomFrame<'a>,
    q: String,
    searched: bool,
    not_ready: bool,
    summary: String,
    lines: Vec<Line>,
    previous_href: Option<String>,
    next_href: Option<String>,
}

pub async fn newsroom_search(
    State(state): State<AppState>,
    Staff(user): Staff,
    headers: HeaderMap,
    jar: CookieJar,
    Query(params): Query<NewsroomSearchParams>,
) -> Result<Response, PageError> {
    let t = locale(&state, &headers);
    let directory = state.directory();
    let editions: Vec<_> =
        directory.editions().iter().filter(|e| permissions::in_edition(&user, e.id)).cloned().collect();
    let q = dateline_search::query::clean(&params.q);
    let page = match params.page.trim() {
        "" => 1,
        raw => raw
            .parse::<usize>()
            .ok()
            .filter(|p| (1..=dateline_search::MAX_DEPTH / PAGE_SIZE).contains(p))
            .ok_or_else(|| PageError::BadRequest("`page` must be a number from 1 to 50".into()))?,
    };
    let searched = !dateline_search::query::parse(&q).is_empty() && !editions.is_empty();
    let mut template = NewsroomSearchTemplate {
        frame: NewsroomFrame::new(
            &state,
            t,
            &user,
            &t.get("newsroom-search"),
            csrf::form_token(jar.clone(), state.secure_cookies()).1,
        ),
        q: q.clone(),
        searched,
        not_ready: false,
        summary: String::new(),
        lines: Vec::new(),
        previous_href: None,
        next_href: None,
    };
    let mut status = StatusCode::OK;
    if searched {
        let request = Request {
            text: q.clone(),
            editions: editions.iter().map(|e| e.id.get()).collect(),
            analyzers: editions.iter().map(|e| Analyzer::for_language(&e.language)).collect(),
            // Contributors may see their own drafts only, which the index
            // cannot tell apart: their searches cover published stories
            // (their own drafts are in the article list).
            include_unpublished: user.role >= dateline_core::Role::Editor,
            sort: Sort::Relevance,
            offset: (page - 1) * PAGE_SIZE,
            limit: PAGE_SIZE,
            now: OffsetDateTime::now_utc().unix_timestamp(),
            ..Request::default()
        };
        match crate::search::run(&state, request).await {
            Ok(results) => {
                template.summary = t.count("search-count", results.total as i64);
                template.lines = results
                    .hits
                    .into_iter()
                    .map(|hit| Line {
                        href: format!("/newsroom/articles/{}", hit.id),
                        headline_html: hit.headline_html,
                        snippet_html: hit.snippet_html,
                        edition: directory
                            .edition_by_id(EditionId::new(hit.edition_id))
                            .map(|e| e.code.to_string())
                            .unwrap_or_default(),
                        status_label: t.get(&format!("status-{}", hit.status)).into_owned(),
                        status: hit.status,
                        published: OffsetDateTime::from_unix_timestamp(hit.published_at)
                            .map(|at| t.date_time(at))
                            .unwrap_or_default(),
                    })
                    .collect();
                let href = |p: usize| format!("/newsroom/search?q={}&page={p}", url_encode(&q));
                template.previous_href = (page > 1).then(|| href(page - 1));
                template.next_href = (page * PAGE_SIZE < results.total.min(dateline_search::MAX_DEPTH))
                    .then(|| href(page + 1));
            }
            Err(SearchError::NotReady) => {
                template.not_ready = true;
                status = StatusCode::SERVICE_UNAVAILABLE;
            }
            Err(error) => {
                tracing::error!(%error, "newsroom search failed");
                template.not_ready = true;
                status = StatusCode::SERVICE_UNAVAILABLE;
            }
        }
    }
    Ok(no_store_page(status, jar, template.render()?))
}
