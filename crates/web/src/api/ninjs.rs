//! `GET /api/v1/articles/{id}/ninjs`: a published article as IPTC ninjs
//! (News in JSON), the format partner agencies and publishing systems
//! exchange: 2.2 by default, 3.1 with `?version=3.1` (or `3`). Both are
//! valid against IPTC's JSON schemas (a test checks real output with
//! `jsonschema`). The main photo is an association of type `picture` with
//! its renditions. 3.x is 2.2's structure with camel-case property names,
//! so the document is built once and renamed for 3.1.
//!
//! Mapping: `uri` is the article's stable `tag:` id (the same as in the
//! feeds); `version` grows with every change readers could see (`versioncreated` is the
//! last update); `urgency` is 1 for breaking news, 5 otherwise; `located`
//! is the dateline's place; the body is HTML with the dateline.

use axum::Json;
use axum::extract::{Path, Query, State};
use dateline_core::ArticleStatus;
use serde_json::{Value, json};

use super::ApiError;
use super::error::ErrorBody;
use crate::AppState;
use crate::markdown::render_body;
use crate::syndication::feeds::item_id;
use crate::view::{article_path, dateline_of, iso, rendition_url};
use dateline_store::ArticleId;

/// The schemas this output is valid against.
pub const NINJS_SCHEMA: &str = "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json";
pub const NINJS_3_SCHEMA: &str = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#";

/// ninjs 2.x property names and their 3.x spelling.
const RENAMED_IN_3: &[(&str, &str)] = &[
    ("representationtype", "representationType"),
    ("firstcreated", "firstCreated"),
    ("versioncreated", "versionCreated"),
    ("pubstatus", "pubStatus"),
    ("copyrightnotice", "copyrightNotice"),
    ("ednote", "edNote"),
    ("altids", "altIds"),
    ("contenttype", "contentType"),
    ("wordcount", "wordCount"),
];

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct NinjsQuery {
    /// `2.2` (the default) or `3.1` (`2` and `3` also work).
    version: Option<String>,
}

/// A ninjs 2.2 document as ninjs 3.1.
fn into_ninjs_3(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let key = RENAMED_IN_3
                        .iter()
                        .find(|(old, _)| *old == key)
                        .map_or(key, |(_, new)| (*new).to_owned());
                    (key, into_ninjs_3(value))
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(into_ninjs_3).collect()),
        other => other,
    }
}

/// One published article as ninjs 2.2 or 3.1.
#[utoipa::path(get, path = "/api/v1/articles/{id}/ninjs", tag = "content",
    params(("id" = i64, Path, description = "Article id"), NinjsQuery),
    responses(
        (status = 200, description = "The article as IPTC ninjs 2.2 or 3.1 (application/json)", body = Object),
        (status = 400, description = "The id is not a number, or no such ninjs version", body = ErrorBody),
        (status = 404, description = "No published article with this id", body = ErrorBody),
    ))]
pub async fn get_ninjs(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<NinjsQuery>,
) -> Result<Json<Value>, ApiError> {
    let id: ArticleId = id
        .parse()
        .map_err(|_| ApiError::BadRequest(format!("article id must be a whole number, not {id:?}")))?;
    let version_3 = match query.version.as_deref() {
        None | Some("2" | "2.2") => false,
        Some("3" | "3.1") => true,
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "version must be 2.2 or 3.1, not {:?}",
                other.chars().take(20).collect::<String>()
            )));
        }
    };
    let not_found = || ApiError::NotFound(format!("no published article {id}"));
    let article = state
        .store
        .article_by_id(id)
        .await?
        .filter(|a| a.status == ArticleStatus::Published)
        .ok_or_else(not_found)?;
    let directory = state.directory();
    let edition = directory.edition_by_id(article.card.edition_id).ok_or_else(not_found)?;
    let t = state.locales.for_language(&edition.language);
    let public_url = &state.config.public_url;
    let card = &article.card;
    let url = format!("{public_url}{}", article_path(edition, card.published_at, card.slug.as_str()));
    let agency =
        if article.dateline_agency.is_empty() { &state.config.agency } else { &article.dateline_agency };
    let body = render_body(&article.body, &dateline_of(&state, t, &article));
    let words = article.body.split_whitespace().count();
    let by: Vec<&str> = article.authors.iter().map(|a| a.name.as_str()).collect();
    let mut subjects: Vec<Value> = article
        .tags
        .iter()
        .map(|tag| {
            json!({
                "name": tag.name,
                "uri": format!("{public_url}/{}/tag/{}", edition.code, tag.slug),
                "rel": "about",
            })
        })
        .collect();
    if let Some(section) = directory.section_by_id(card.section_id) {
        subjects.push(json!({
            "name": section.name,
            "uri": format!("{public_url}/{}/{}", edition.code, section.slug),
            "rel": "section",
        }));
    }
    let mut ninjs = json!({
        "uri": item_id(public_url, &article),
        "standard": { "name": "ninjs", "version": "2.2", "schema": NINJS_SCHEMA },
        "type": "text",
        "representationtype": "full",
        "profile": if card.image.is_some() { "text-photo" } else { "text-only" },
        // Every change readers could see adds one, so partners that keep
        // the highest version of each `uri` never drop a correction.
        "version": article.public_version.max(1).to_string(),
        "firstcreated": iso(card.published_at),
        "versioncreated": iso(card.updated_at.max(card.published_at)),
        "pubstatus": "usable",
        "urgency": if card.breaking { 1 } else { 5 },
        "language": edition.language,
        "headlines": [{ "value": card.headline, "role": "main", "contenttype": "text/plain" }],
        "descriptions": [{ "value": card.lead, "role": "summary", "contenttype": "text/plain" }],
        "bodies": [{ "value": body, "role": "main", "contenttype": "text/html", "wordcount": words }],
        "copyrightnotice": format!("© {} {agency}", card.published_at.year()),
        "subjects": subjects,
        "altids": [
            { "role": "url", "value": url },
            { "role": "dateline-id", "value": card.id.to_string() },
        ],
        "renditions": [{ "name": "web", "href": url, "contenttype": "text/html" }],
    });
    if !by.is_empty() {
        ninjs["by"] = Value::String(by.join(", "));
    }
    if !article.dateline_place.is_empty() {
        ninjs["located"] = Value::String(article.dateline_place.clone());
    }
    if let Some(correction) = article.correction.as_deref().filter(|c| !c.trim().is_empty()) {
        ninjs["ednote"] = Value::String(correction.to_owned());
    }
    if let Some(image) = &card.image {
        let renditions: Vec<Value> = image
            .renditions
            .iter()
            .map(|r| {
                json!({
                    "name": format!("{}{}-{}", if r.crop { "crop-" } else { "" }, r.width, r.mime.trim_start_matches("image/")),
                    "href": format!("{public_url}{}", rendition_url(r)),
                    "contenttype": r.mime,
                    "width": r.width,
                    "height": r.height,
                })
            })
            .collect();
        let mut picture = json!({
            "name": "mainpicture",
            "uri": format!("{public_url}/{}/media/{}", edition.code, image.media_id),
            "type": "picture",
            "representationtype": "full",
            "renditions": renditions,
        });
        if !article.image_caption.is_empty() {
            picture["headlines"] = json!([{ "value": article.image_caption, "role": "caption" }]);
        }
        if !image.alt_text.is_empty() {
            picture["descriptions"] = json!([{ "value": image.alt_text, "role": "alt" }]);
        }
        if !article.image_credit.is_empty() {
            picture["by"] = Value::String(article.image_credit.clone());
        }
        // The credit is who to credit, not a copyright notice: the notice
        // is the bank's, when it has one.
        if let Some(notice) = crate::view::copyright_notice(&image.copyright) {
            picture["copyrightnotice"] = Value::String(notice);
        }
        ninjs["associations"] = json!([picture]);
    }
    if version_3 {
        ninjs = into_ninjs_3(ninjs);
        ninjs["standard"] = json!({ "name": "ninjs", "version": "3.1", "schema": NINJS_3_SCHEMA });
    }
    Ok(Json(ninjs))
}
