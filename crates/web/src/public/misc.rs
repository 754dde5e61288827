//! Small pages: the root redirect and robots.txt.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use fluent_langneg::{NegotiationStrategy, negotiate_languages};
use unic_langid::LanguageIdentifier;

use super::edition_from;
use crate::AppState;
use crate::directory::SiteDirectory;
use crate::error::PageError;
use dateline_store::Edition;

/// The edition that best fits an `Accept-Language` header.
pub(crate) fn best_edition<'a>(directory: &'a SiteDirectory, accept_language: &str) -> Option<&'a Edition> {
    let requested = fluent_langneg::accepted_languages::parse(accept_language);
    let available: Vec<LanguageIdentifier> =
        directory.editions().iter().map(|e| e.language.parse().unwrap_or_default()).collect();
    let chosen = negotiate_languages(&requested, &available, None, NegotiationStrategy::Lookup);
    chosen
        .first()
        .and_then(|lang| {
            let lang = lang.to_string();
            directory.editions().iter().find(|e| e.language.eq_ignore_ascii_case(&lang))
        })
        .or_else(|| directory.default_edition())
}

/// `GET /`: to the edition that best fits the reader's languages.
pub async fn root_redirect(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let directory = state.directory();
    match best_edition(&directory, accept) {
        Some(edition) => (
            [(header::VARY, "Accept-Language"), (header::CACHE_CONTROL, "private, max-age=0")],
            Redirect::to(&format!("/{}/", edition.code)),
        )
            .into_response(),
        None => welcome_page(&state, &headers),
    }
}

#[derive(askama::Template)]
#[template(path = "welcome.html")]
struct WelcomeTemplate<'a> {
    frame: crate::newsroom::login::DoorFrame<'a>,
}

/// `GET /` on a site without editions: what to do next, instead of a 404.
fn welcome_page(state: &AppState, headers: &HeaderMap) -> Response {
    let t = crate::newsroom::locale(state, headers);
    let template =
        WelcomeTemplate { frame: crate::newsroom::login::DoorFrame::new(state, t, &t.get("welcome-title")) };
    match askama::Template::render(&template) {
        Ok(body) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")],
            body,
        )
            .into_response(),
        Err(error) => PageError::Render(error).into_response(),
    }
}

/// `GET /{edition}`: the edition's home lives at `/{edition}/`.
pub async fn edition_root(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    Ok((StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, format!("/{}/", edition.code))]).into_response())
}

pub async fn robots_txt(State(state): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /api/\n\nSitemap: {}/sitemap.xml\n\n# {} runs on Dateline.\n",
        state.config.public_url, state.config.site_name
    );
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
