//! `GET /api/v1/editions` and `GET /api/v1/editions/{edition}/sections`.

use axum::Json;
use axum::extract::{Path, State};

use super::ApiError;
use super::error::ErrorBody;
use crate::AppState;
use crate::view::{edition_home, section_path};

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct EditionDto {
    /// The edition's code and URL prefix, e.g. `en`.
    pub code: String,
    /// BCP 47 language tag.
    pub language: String,
    pub name: String,
    /// `ltr` or `rtl`.
    pub direction: String,
    pub is_default: bool,
    /// Absolute URL of the edition's front page.
    pub url: String,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SectionDto {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub url: String,
}

/// The site's language editions.
#[utoipa::path(get, path = "/api/v1/editions", tag = "content",
    responses((status = 200, description = "All editions, in display order", body = [EditionDto])))]
pub async fn list_editions(State(state): State<AppState>) -> Json<Vec<EditionDto>> {
    let directory = state.directory();
    let public_url = &state.config.public_url;
    Json(
        directory
            .editions()
            .iter()
            .map(|e| EditionDto {
                code: e.code.to_string(),
                language: e.language.clone(),
                name: e.name.clone(),
                direction: e.direction.as_str().to_owned(),
                is_default: e.is_default,
                url: format!("{public_url}{}", edition_home(e)),
            })
            .collect(),
    )
}

/// The sections of one edition.
#[utoipa::path(get, path = "/api/v1/editions/{edition}/sections", tag = "content",
    params(("edition" = String, Path, description = "Edition code, e.g. `en`")),
    responses(
        (status = 200, description = "The edition's sections, in display order", body = [SectionDto]),
        (status = 404, description = "No such edition", body = ErrorBody),
    ))]
pub async fn list_sections(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Vec<SectionDto>>, ApiError> {
    let directory = state.directory();
    let edition =
        directory.edition_by_code(&code).ok_or_else(|| ApiError::NotFound(format!("no edition {code:?}")))?;
    let public_url = &state.config.public_url;
    Ok(Json(
        directory
            .sections_of(edition.id)
            .iter()
            .map(|s| SectionDto {
                slug: s.slug.to_string(),
                name: s.name.clone(),
                description: s.description.clone(),
                url: format!("{public_url}{}", section_path(edition, s)),
            })
            .collect(),
    ))
}
