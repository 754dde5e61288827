//! `GET /api/v1/articles` (filtered, cursor-paged) and `GET /api/v1/articles/{id}`.

use axum::Json;
use axum::extract::{Path, Query, State};
use dateline_core::{ArticleCursor, ArticleStatus, PageSize, Slug};
use dateline_store::{ArticleCard, ArticleId, ArticleQuery, ImageRef};

use super::ApiError;
use super::error::ErrorBody;
use crate::AppState;
use crate::directory::SiteDirectory;
use crate::markdown::render_body;
use crate::view::{article_path, iso, media_path, rendition_url};

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this edition (code, e.g. `en`).
    edition: Option<String>,
    /// Only this section (slug; needs `edition`).
    section: Option<String>,
    /// Only articles with this tag (slug; needs `edition`).
    tag: Option<String>,
    /// Page size, 1–50 (default 20).
    limit: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RenditionDto {
    pub width: i32,
    pub height: i32,
    pub mime: String,
    pub url: String,
    /// A 16:9 thumbnail cut around the photo's focal point (what cards
    /// show); otherwise the whole frame.
    pub crop: bool,
}

impl RenditionDto {
    pub fn new(rendition: &dateline_store::Rendition, public_url: &str) -> Self {
        Self {
            width: rendition.width,
            height: rendition.height,
            mime: rendition.mime.clone(),
            url: format!("{public_url}{}", rendition_url(rendition)),
            crop: rendition.crop,
        }
    }
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ImageDto {
    pub media_id: i64,
    pub width: i32,
    pub height: i32,
    pub alt: String,
    /// The photo's page in the media bank.
    pub page_url: String,
    pub renditions: Vec<RenditionDto>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ArticleSummaryDto {
    pub id: i64,
    pub edition: String,
    pub section: String,
    pub slug: String,
    pub url: String,
    pub headline: String,
    pub lead: String,
    pub breaking: bool,
    /// RFC 3339.
    pub published_at: String,
    /// RFC 3339.
    pub updated_at: String,
    pub image: Option<ImageDto>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ArticlePageDto {
    pub items: Vec<ArticleSummaryDto>,
    /// Pass as `cursor` to get the next (older) page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct NamedLinkDto {
    pub slug: String,
    pub name: String,
    pub url: String,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TranslationDto {
    pub edition: String,
    pub id: i64,
    pub url: String,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ArticleDto {
    #[serde(flatten)]
    pub summary: ArticleSummaryDto,
    pub dateline_place: String,
    pub dateline_agency: String,
    /// The body as written, in Markdown (without the dateline).
    pub body_markdown: String,
    /// The body as the page shows it: sanitised HTML opening with the dateline.
    pub body_html: String,
    pub image_caption: String,
    pub image_credit: String,
    pub correction: Option<String>,
    pub tags: Vec<NamedLinkDto>,
    pub authors: Vec<NamedLinkDto>,
    pub translations: Vec<TranslationDto>,
}

fn image_dto(image: &ImageRef, page_url: String, public_url: &str) -> ImageDto {
    ImageDto {
        media_id: image.media_id.get(),
        width: image.width,
        height: image.height,
        alt: image.alt_text.clone(),
        page_url,
        renditions: image.renditions.iter().map(|r| RenditionDto::new(r, public_url)).collect(),
    }
}

fn summary(card: &ArticleCard, directory: &SiteDirectory, public_url: &str) -> Option<ArticleSummaryDto> {
    let edition = directory.edition_by_id(card.edition_id)?;
    let section = directory.section_by_id(card.section_id)?;
    Some(ArticleSummaryDto {
        id: card.id.get(),
        edition: edition.code.to_string(),
        section: section.slug.to_string(),
        slug: card.slug.to_string(),
        url: format!("{public_url}{}", article_path(edition, card.published_at, card.slug.as_str())),
        headline: card.headline.clone(),
        lead: card.lead.clone(),
        breaking: card.breaking,
        published_at: iso(card.published_at),
        updated_at: iso(card.updated_at),
        image: card
            .image
            .as_ref()
            .map(|i| image_dto(i, format!("{public_url}{}", media_path(edition, i.media_id)), public_url)),
    })
}

/// Published articles, newest first.
#[utoipa::path(get, path = "/api/v1/articles", tag = "content", params(ListQuery),
    responses(
        (status = 200, description = "One page of articles", body = ArticlePageDto),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
        (status = 404, description = "Unknown edition, section or tag", body = ErrorBody),
    ))]
pub async fn list_articles(
    State(state): State<AppState>,
    Query(params): Query<ListQuery>,
) -> Result<Json<ArticlePageDto>, ApiError> {
    let directory = state.directory();
    let limit = match params.limit.as_deref() {
        Some(raw) => PageSize::parse(raw).map_err(|e| ApiError::BadRequest(e.to_string()))?,
        None => PageSize::new(20).map_err(|e| ApiError::BadRequest(e.to_string()))?,
    };
    let before = params.cursor.as_deref().map(ArticleCursor::parse).transpose().map_err(|_| {
        ApiError::BadRequest("`cursor` must be a `next_cursor` value from an earlier page".into())
    })?;
    let edition = match params.edition.as_deref() {
        Some(code) => Some(
            directory
                .edition_by_code(code)
                .ok_or_else(|| ApiError::NotFound(format!("no edition {code:?}")))?
                .clone(),
        ),
        None => None,
    };
    let needs_edition =
        |what: &str| ApiError::BadRequest(format!("`{what}` needs `edition`: slugs are per edition"));
    let section_id = match params.section.as_deref() {
        Some(raw) => {
            let edition = edition.as_ref().ok_or_else(|| needs_edition("section"))?;
            let slug = Slug::parse(raw).map_err(|e| ApiError::BadRequest(format!("`section`: {e}")))?;
            Some(
                directory
                    .section(edition.id, &slug)
                    .ok_or_else(|| ApiError::NotFound(format!("no section {raw:?}")))?
                    .id,
            )
        }
        None => None,
    };
    let tag_id = match params.tag.as_deref() {
        Some(raw) => {
            let edition = edition.as_ref().ok_or_else(|| needs_edition("tag"))?;
            let slug = Slug::parse(raw).map_err(|e| ApiError::BadRequest(format!("`tag`: {e}")))?;
            Some(
                state
                    .store
                    .tag_by_slug(edition.id, &slug)
                    .await?
                    .ok_or_else(|| ApiError::NotFound(format!("no tag {raw:?}")))?
                    .id,
            )
        }
        None => None,
    };
    let fetch = PageSize::new(limit.get() + 1).unwrap_or(limit);
    let query = ArticleQuery {
        edition_id: edition.map(|e| e.id),
        section_id,
        tag_id,
        author_id: None,
        before,
        limit: fetch,
    };
    let mut cards = state.store.list_articles(&query).await?;
    let has_more = cards.len() > limit.get() as usize;
    cards.truncate(limit.get() as usize);
    let next_cursor = if has_more { cards.last().map(|c| c.cursor().to_string()) } else { None };
    let public_url = &state.config.public_url;
    Ok(Json(ArticlePageDto {
        items: cards.iter().filter_map(|c| summary(c, &directory, public_url)).collect(),
        next_cursor,
    }))
}

/// One published article with its body, tags, authors and translations.
#[utoipa::path(get, path = "/api/v1/articles/{id}", tag = "content",
    params(("id" = i64, Path, description = "Article id")),
    responses(
        (status = 200, description = "The article", body = ArticleDto),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 404, description = "No published article with this id", body = ErrorBody),
    ))]
pub async fn get_article(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ArticleDto>, ApiError> {
    let id: ArticleId = id
        .parse()
        .map_err(|_| ApiError::BadRequest(format!("article id must be a whole number, not {id:?}")))?;
    let not_found = || ApiError::NotFound(format!("no published article {id}"));
    let article = state.store.article_by_id(id).await?.ok_or_else(not_found)?;
    if article.status != ArticleStatus::Published {
        return Err(not_found());
    }
    let directory = state.directory();
    let public_url = &state.config.public_url;
    let summary = summary(&article.card, &directory, public_url).ok_or_else(not_found)?;
    let edition = directory.edition_by_id(article.card.edition_id).ok_or_else(not_found)?;
    let t = state.locales.for_language(&edition.language);
    let dateline = crate::view::dateline_of(&state, t, &article);
    let agency = if article.dateline_agency.is_empty() {
        state.config.agency.clone()
    } else {
        article.dateline_agency.clone()
    };
    let translations = match &article.translation_group {
        Some(group) => state
            .store
            .translations(group)
            .await?
            .into_iter()
            .filter(|l| l.article_id != id)
            .filter_map(|l| {
                let other = directory.edition_by_id(l.edition_id)?;
                Some(TranslationDto {
                    edition: other.code.to_string(),
                    id: l.article_id.get(),
                    url: format!("{public_url}{}", article_path(other, l.published_at, l.slug.as_str())),
                })
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(Json(ArticleDto {
        summary,
        body_html: render_body(&article.body, &dateline),
        dateline_place: article.dateline_place,
        dateline_agency: agency,
        body_markdown: article.body,
        image_caption: article.image_caption,
        image_credit: article.image_credit,
        correction: article.correction,
        tags: article
            .tags
            .iter()
            .map(|t| NamedLinkDto {
                slug: t.slug.to_string(),
                name: t.name.clone(),
                url: format!("{public_url}/{}/tag/{}", edition.code, t.slug),
            })
            .collect(),
        authors: article
            .authors
            .iter()
            .map(|a| NamedLinkDto {
                slug: a.slug.to_string(),
                name: a.name.clone(),
                url: format!("{public_url}/{}/author/{}", edition.code, a.slug),
            })
            .collect(),
        translations,
    }))
}
