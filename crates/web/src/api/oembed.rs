//! `GET /api/v1/oembed?url=…`: oEmbed 1.0 for article links, so a pasted
//! link becomes a rich preview (headline, lead, photo, site) in chat apps,
//! CMSs and social sites. Article pages name this endpoint in `<head>`
//! (`rel="alternate" type="application/json+oembed"`).

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dateline_core::{ArticleStatus, Slug};
use serde_json::json;

use super::ApiError;
use super::error::ErrorBody;
use crate::AppState;
use crate::markdown::escape_html;
use crate::view::{article_path, rendition_url};

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OembedQuery {
    /// The article's address on this site.
    url: Option<String>,
    /// `json` (the default); `xml` is not offered (501).
    format: Option<String>,
    /// The widest the embed may be, in pixels.
    maxwidth: Option<String>,
}

/// oEmbed for an article: a `rich` embed with the headline, lead and photo.
#[utoipa::path(get, path = "/api/v1/oembed", tag = "content",
    params(OembedQuery),
    responses(
        (status = 200, description = "The oEmbed 1.0 response", body = Object),
        (status = 400, description = "No url, or a bad maxwidth", body = ErrorBody),
        (status = 404, description = "Not an article of this site", body = ErrorBody),
        (status = 501, description = "A format other than json", body = ErrorBody),
    ))]
pub async fn oembed(
    State(state): State<AppState>,
    Query(query): Query<OembedQuery>,
) -> Result<Response, ApiError> {
    match query.format.as_deref() {
        None | Some("" | "json") => {}
        Some(_) => {
            let body = ErrorBody {
                error: "not_implemented",
                message: "only format=json is offered".into(),
                fields: None,
                current_version: None,
            };
            return Ok((StatusCode::NOT_IMPLEMENTED, Json(body)).into_response());
        }
    }
    let url =
        query.url.filter(|u| !u.is_empty()).ok_or_else(|| ApiError::BadRequest("url is required".into()))?;
    let max_width = match query.maxwidth.as_deref().filter(|w| !w.is_empty()) {
        None => 600,
        Some(raw) => raw.parse::<u32>().ok().filter(|w| (200..=4000).contains(w)).ok_or_else(|| {
            ApiError::BadRequest("maxwidth must be a number of pixels from 200 to 4000".into())
        })?,
    };
    let public_url = &state.config.public_url;
    let not_ours = || ApiError::NotFound("not an article of this site".into());
    let path = url.strip_prefix(public_url.as_str()).ok_or_else(not_ours)?;
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let [code, _, _, _, slug] = parts.as_slice() else { return Err(not_ours()) };
    let directory = state.directory();
    let edition = directory.edition_by_code(code).ok_or_else(not_ours)?;
    let slug = Slug::parse(slug).map_err(|_| not_ours())?;
    let article = state
        .store
        .article_by_slug(edition.id, &slug)
        .await?
        .filter(|a| a.status == ArticleStatus::Published)
        .ok_or_else(not_ours)?;
    let card = &article.card;
    let canonical = format!("{public_url}{}", article_path(edition, card.published_at, card.slug.as_str()));
    let site = &state.config.site_name;
    let html = format!(
        "<blockquote class=\"dateline-embed\" cite=\"{url}\"><p><a href=\"{url}\">{headline}</a></p><p>{lead}</p>\
         <footer>— <a href=\"{home}\">{site}</a></footer></blockquote>",
        url = escape_html(&canonical),
        headline = escape_html(&card.headline),
        lead = escape_html(&card.lead),
        home = escape_html(&format!("{public_url}/{}/", edition.code)),
        site = escape_html(site),
    );
    let mut answer = json!({
        "version": "1.0",
        "type": "rich",
        "title": card.headline,
        "provider_name": site,
        "provider_url": format!("{public_url}/"),
        "html": html,
        "width": max_width,
        "height": 200,
        "cache_age": 3600,
    });
    if let Some(author) = article.authors.first() {
        answer["author_name"] = json!(author.name);
        answer["author_url"] = json!(format!("{public_url}/{}/author/{}", edition.code, author.slug));
    }
    // A 16:9 crop when the photo has them, else the whole frame: the
    // widest JPEG that fits, or the smallest.
    if let Some(thumbnail) = card.image.as_ref().and_then(|image| {
        let jpegs = || image.renditions.iter().filter(|r| r.mime == "image/jpeg");
        let fits = |r: &&dateline_store::Rendition| u32::try_from(r.width).is_ok_and(|w| w <= max_width);
        jpegs()
            .filter(|r| r.crop)
            .filter(fits)
            .max_by_key(|r| r.width)
            .or_else(|| jpegs().filter(|r| !r.crop).filter(fits).max_by_key(|r| r.width))
            .or_else(|| jpegs().min_by_key(|r| r.width))
    }) {
        answer["thumbnail_url"] = json!(format!("{public_url}{}", rendition_url(thumbnail)));
        answer["thumbnail_width"] = json!(thumbnail.width);
        answer["thumbnail_height"] = json!(thumbnail.height);
    }
    Ok(Json(answer).into_response())
}
