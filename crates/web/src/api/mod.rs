//! The JSON API, version 1: reading editions, sections and articles, and
//! (with a staff account's bearer token) writing and publishing articles. Every route is declared with
//! `#[utoipa::path]` and registered through `utoipa_axum::routes!`, so the
//! router and the OpenAPI document (`/api/v1/openapi.json`) cannot drift.

mod articles;
pub mod auth;
pub(crate) mod comments;
mod editions;
mod error;
mod me;
mod media;
mod ninjs;
mod oembed;
mod search;
mod write;

pub use error::ApiError;

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Dateline API",
        version = "1",
        description = "Read the editions, sections and published articles of a Dateline site."
    ),
    tags(
        (name = "content", description = "Editions, sections and articles"),
        (name = "accounts", description = "The account behind a bearer token"),
        (name = "newsroom", description = "Write and publish articles (bearer token of a staff account)"),
        (name = "media", description = "The media bank: public photos; uploads and edits with a staff token"),
        (name = "search", description = "Full-text search of an edition's published stories"),
        (name = "discussion", description = "Comments under articles: read freely; post, react, report and delete with a reader's token")
    ),
    modifiers(&BearerScheme)
)]
struct ApiDoc;

/// Declares the `bearer` security scheme (tokens from `dateline token create`).
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The `/api/v1` routes and their OpenAPI description.
pub fn router() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(editions::list_editions))
        .routes(routes!(editions::list_sections))
        .routes(routes!(articles::list_articles, write::create_article))
        .routes(routes!(articles::get_article, write::update_article, write::delete_article))
        .routes(routes!(write::transition_article))
        .routes(routes!(me::me))
        .routes(routes!(ninjs::get_ninjs))
        .routes(routes!(oembed::oembed))
        .routes(routes!(comments::list_comments, comments::post_comment))
        .routes(routes!(comments::delete_comment))
        .routes(routes!(comments::react))
        .routes(routes!(comments::report))
        .routes(routes!(search::search))
        .routes(routes!(media::list_media, media::upload_media))
        .routes(routes!(media::get_media, media::update_media))
        .split_for_parts()
}
