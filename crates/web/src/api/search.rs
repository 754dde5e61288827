//! `GET /api/v1/search`: full-text search of an edition's published stories.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use dateline_search::{DATE_RANGES, SearchError};
use time::OffsetDateTime;

use super::ApiError;
use super::error::ErrorBody;
use crate::AppState;
use crate::search::{SearchParams, run, understand};
use crate::view::{article_path, iso};
use dateline_store::{SectionId, TagId};

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApiSearchQuery {
    /// The edition to search (code, e.g. `en`); its language decides how words are matched.
    edition: Option<String>,
    /// Words (all must match), "quoted phrases", `prefix*`, `-excluded`; anything is accepted,
    /// longer than 200 characters is cut.
    #[serde(default)]
    q: String,
    /// Only this section (slug).
    #[serde(default)]
    section: String,
    /// Only stories with this tag (slug).
    #[serde(default)]
    tag: String,
    /// Only the last `day`, `week`, `month` or `year`.
    #[serde(default)]
    when: String,
    /// Published on or after (YYYY-MM-DD).
    #[serde(default)]
    from: String,
    /// Published on or before (YYYY-MM-DD).
    #[serde(default)]
    to: String,
    /// `relevance` (default) or `newest`.
    #[serde(default)]
    sort: String,
    /// Page number from 1 (`page` × `limit` may not pass 1,000).
    #[serde(default)]
    page: String,
    /// Results per page, 1–50 (default 10).
    limit: Option<String>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SearchHitDto {
    pub id: i64,
    pub edition: String,
    pub section: String,
    pub url: String,
    pub headline: String,
    /// The headline as HTML with the matched words in `<mark>`; the rest is escaped.
    pub headline_html: String,
    /// A passage of the text as HTML with the matched words in `<mark>`; the rest is escaped.
    pub snippet_html: String,
    pub breaking: bool,
    /// RFC 3339.
    pub published_at: String,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct FacetDto {
    /// The slug to pass as `section` or `tag`, or the `when` value.
    pub value: String,
    pub name: String,
    pub count: u64,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct FacetsDto {
    pub sections: Vec<FacetDto>,
    pub tags: Vec<FacetDto>,
    /// Matches in the last day, week, month and year.
    pub dates: Vec<FacetDto>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SearchResultsDto {
    /// How many stories match in all.
    pub total: usize,
    pub page: usize,
    pub limit: usize,
    pub items: Vec<SearchHitDto>,
    pub facets: FacetsDto,
}

/// Searches the published stories of one edition.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(ApiSearchQuery),
    responses(
        (status = 200, description = "One page of results with facet counts", body = SearchResultsDto),
        (status = 400, description = "A malformed parameter, an unknown section or tag, or nothing to search for", body = ErrorBody),
        (status = 404, description = "Unknown edition", body = ErrorBody),
        (status = 503, description = "The index is being built; try again after `Retry-After` seconds", body = ErrorBody),
    ))]
pub async fn search(
    State(state): State<AppState>,
    Query(query): Query<ApiSearchQuery>,
) -> Result<Json<SearchResultsDto>, ApiError> {
    let directory = state.directory();
    let code = query.edition.as_deref().filter(|c| !c.is_empty()).ok_or_else(|| {
        ApiError::BadRequest("`edition` is required: search is per edition and language".into())
    })?;
    let edition = directory
        .edition_by_code(code)
        .ok_or_else(|| ApiError::NotFound(format!("no edition {code:?}")))?
        .clone();
    let limit = match query.limit.as_deref() {
        None | Some("") => 10,
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=dateline_search::MAX_LIMIT).contains(n))
            .ok_or_else(|| ApiError::BadRequest("`limit` must be a number from 1 to 50".into()))?,
    };
    let params = SearchParams {
        q: query.q,
        section: query.section,
        tag: query.tag,
        when: query.when,
        from: query.from,
        to: query.to,
        sort: query.sort,
        page: query.page,
    };
    let asked =
        understand(&state, &directory, &edition, &params, limit).await.map_err(ApiError::BadRequest)?;
    if asked.blank {
        return Err(ApiError::BadRequest("give `q` (words to find) or a filter".into()));
    }
    if asked.request.offset + limit > dateline_search::MAX_DEPTH {
        return Err(ApiError::BadRequest("results go no deeper than the first 1,000".into()));
    }
    let results = match run(&state, asked.request.clone()).await {
        Ok(results) => results,
        Err(SearchError::NotReady) => {
            return Err(ApiError::Refused(
                StatusCode::SERVICE_UNAVAILABLE,
                "the search index is being built".into(),
                Some(5),
            ));
        }
        Err(error) => {
            tracing::error!(%error, "search failed");
            return Err(ApiError::Refused(
                StatusCode::SERVICE_UNAVAILABLE,
                "search is unavailable".into(),
                Some(5),
            ));
        }
    };
    let public_url = &state.config.public_url;
    let items = results
        .hits
        .iter()
        .map(|hit| {
            let published =
                OffsetDateTime::from_unix_timestamp(hit.published_at).unwrap_or(OffsetDateTime::UNIX_EPOCH);
            SearchHitDto {
                id: hit.id,
                edition: edition.code.to_string(),
                section: directory
                    .section_by_id(SectionId::new(hit.section_id))
                    .map(|s| s.slug.to_string())
                    .unwrap_or_default(),
                url: format!("{public_url}{}", article_path(&edition, published, &hit.slug)),
                headline: hit.headline.clone(),
                headline_html: hit.headline_html.clone(),
                snippet_html: hit.snippet_html.clone(),
                breaking: hit.breaking,
                published_at: iso(published),
            }
        })
        .collect();
    let sections = results
        .sections
        .iter()
        .filter_map(|(id, count)| {
            let section = directory.section_by_id(SectionId::new(*id))?;
            Some(FacetDto { value: section.slug.to_string(), name: section.name.clone(), count: *count })
        })
        .collect();
    let tag_ids: Vec<TagId> = results.tags.iter().map(|(id, _)| TagId::new(*id)).collect();
    let tags = crate::search::tags_named(&state, &tag_ids).await?;
    let tags = results
        .tags
        .iter()
        .filter_map(|(id, count)| {
            let tag = tags.iter().find(|t| t.id.get() == *id)?;
            Some(FacetDto { value: tag.slug.to_string(), name: tag.name.clone(), count: *count })
        })
        .collect();
    let dates = DATE_RANGES
        .iter()
        .zip(results.dates)
        .map(|((name, _), count)| FacetDto { value: (*name).to_owned(), name: (*name).to_owned(), count })
        .collect();
    Ok(Json(SearchResultsDto {
        total: results.total,
        page: asked.page,
        limit,
        items,
        facets: FacetsDto { sections, tags, dates },
    }))
}
