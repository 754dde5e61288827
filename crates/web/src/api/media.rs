//! The media bank over the API. Reading needs no token and shows public
//! photos only (those a published article uses), as the public bank does.
//! A staff token uploads a photo (the file as the request body; its type is
//! read from the content) and edits a photo's record.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use dateline_store::{MediaChanges, MediaItem, MediaQuery, User};

use super::ApiError;
use super::articles::RenditionDto;
use super::auth::ApiUser;
use super::error::ErrorBody;
use super::write::ApiJson;
use crate::AppState;
use crate::media::ingest::UploadError;
use crate::newsroom::media::{StoreUploadError, save_changes, store_upload};
use crate::view::iso;

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct MediaDto {
    pub id: i64,
    pub caption: String,
    pub credit: String,
    pub copyright: String,
    /// Licence and usage terms.
    pub licence: String,
    pub alt: String,
    pub keywords: Vec<String>,
    pub width: i32,
    pub height: i32,
    pub mime: String,
    /// The photo's public page (it answers 404 until a published article uses the photo).
    pub page_url: String,
    /// Whole-frame sizes narrowest first (the original's own size is the
    /// last of them), then the card crops (`crop: true`).
    pub renditions: Vec<RenditionDto>,
    /// The point card crops are cut around.
    pub focal_point: FocalPoint,
    pub created_at: String,
}

/// A point on a photo, as fractions (0–1) of its width and height from the
/// top-left corner.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FocalPoint {
    pub x: f64,
    pub y: f64,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct MediaPageDto {
    pub items: Vec<MediaDto>,
    /// Pass as `before` for the next page; absent on the last.
    pub next_before: Option<i64>,
}

fn media_dto(state: &AppState, media: MediaItem) -> MediaDto {
    let public_url = &state.config.public_url;
    let edition = state.directory().default_edition().map(|e| e.code.to_string()).unwrap_or_default();
    MediaDto {
        page_url: format!("{public_url}/{edition}/media/{}", media.id),
        renditions: media.renditions.iter().map(|r| RenditionDto::new(r, public_url)).collect(),
        focal_point: FocalPoint { x: media.focal_x, y: media.focal_y },
        keywords: media
            .keywords
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_owned)
            .collect(),
        id: media.id.get(),
        caption: media.caption,
        credit: media.credit,
        copyright: media.copyright,
        licence: media.licence,
        alt: media.alt_text,
        width: media.width,
        height: media.height,
        mime: media.mime,
        created_at: iso(media.created_at),
    }
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct MediaListParams {
    /// Words to find in caption, credit, copyright or keywords.
    q: Option<String>,
    /// Only photos with a smaller id: the previous page's `next_before`.
    before: Option<String>,
    /// 1–100, default 24.
    limit: Option<String>,
}

/// Lists public photos, newest first.
#[utoipa::path(get, path = "/api/v1/media", tag = "media", params(MediaListParams),
    responses(
        (status = 200, description = "A page of photos", body = MediaPageDto),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
    ))]
pub async fn list_media(
    State(state): State<AppState>,
    Query(params): Query<MediaListParams>,
) -> Result<Json<MediaPageDto>, ApiError> {
    let number = |name: &str, raw: &Option<String>| -> Result<Option<i64>, ApiError> {
        raw.as_deref()
            .filter(|r| !r.is_empty())
            .map(|r| {
                r.parse::<i64>().map_err(|_| ApiError::BadRequest(format!("`{name}` must be a whole number")))
            })
            .transpose()
    };
    let limit = number("limit", &params.limit)?.unwrap_or(24);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::BadRequest("`limit` must be between 1 and 100".into()));
    }
    let text: String = params.q.unwrap_or_default().trim().chars().take(200).collect();
    let items = state
        .store
        .media_list(&MediaQuery {
            text: (!text.is_empty()).then_some(text),
            before_id: number("before", &params.before)?.map(dateline_store::MediaId::new),
            published_only: true,
            added_from: None,
            added_before: None,
            limit,
        })
        .await?;
    let next_before = (items.len() as i64 == limit).then(|| items.last().map_or(0, |m| m.id.get()));
    Ok(Json(MediaPageDto { items: items.into_iter().map(|m| media_dto(&state, m)).collect(), next_before }))
}

async fn public_media(state: &AppState, raw_id: &str) -> Result<MediaItem, ApiError> {
    let not_found = || ApiError::NotFound(format!("no public photo {raw_id}"));
    let id: dateline_store::MediaId = raw_id.parse().map_err(|_| not_found())?;
    let media = state.store.media_by_id(id).await?.ok_or_else(not_found)?;
    if state.store.articles_using_media(id).await?.is_empty() {
        return Err(not_found());
    }
    Ok(media)
}

/// One public photo.
#[utoipa::path(get, path = "/api/v1/media/{id}", tag = "media",
    params(("id" = i64, Path, description = "Photo id")),
    responses(
        (status = 200, description = "The photo", body = MediaDto),
        (status = 404, description = "No such public photo", body = ErrorBody),
    ))]
pub async fn get_media(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<MediaDto>, ApiError> {
    let media = public_media(&state, &id).await?;
    Ok(Json(media_dto(&state, media)))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct UploadParams {
    /// The file's name, kept for the newsroom.
    name: Option<String>,
}

fn staff(user: &User) -> Result<(), ApiError> {
    if user.role.is_staff() { Ok(()) } else { Err(ApiError::Forbidden) }
}

/// Uploads a photo: the file is the request body (JPEG, PNG, WebP or GIF;
/// the type is read from the content). Caption, credit and copyright are
/// read from the file; sizes are made in the background.
#[utoipa::path(post, path = "/api/v1/media", tag = "media", security(("bearer" = [])),
    params(UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The photo file"),
    responses(
        (status = 201, description = "Stored", body = MediaDto),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "The account may not upload", body = ErrorBody),
        (status = 413, description = "Larger than the upload limit", body = ErrorBody),
        (status = 422, description = "Not an accepted photo; `fields.file` says why", body = ErrorBody),
    ))]
pub async fn upload_media(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(params): Query<UploadParams>,
    body: Body,
) -> Result<(StatusCode, Json<MediaDto>), ApiError> {
    staff(&user)?;
    let max_bytes = state.config.upload.max_bytes;
    let too_large =
        || ApiError::TooLarge(UploadError::TooLarge { max_mb: max_bytes / (1024 * 1024) }.to_string());
    let bytes = read_upload(body, max_bytes).await?.ok_or_else(too_large)?;
    let name = params.name.unwrap_or_default();
    match store_upload(&state, &user, &name, bytes).await {
        Ok(media) => {
            state.content_changed(&[crate::page_keys::PHOTOS.to_owned()]).await?;
            Ok((StatusCode::CREATED, Json(media_dto(&state, media))))
        }
        Err(StoreUploadError::Refused(UploadError::TooLarge { .. })) => Err(too_large()),
        Err(StoreUploadError::Refused(refused)) => {
            Err(ApiError::Invalid(vec![("file".into(), refused.to_string())]))
        }
        Err(StoreUploadError::Internal(error)) => {
            Err(ApiError::Store(dateline_store::StoreError::Blob(std::io::Error::other(error))))
        }
    }
}

/// Reads the body up to `max_bytes`: `None` when it is longer. The rest
/// of a too-long body is read and dropped (up to four times the limit), so
/// the client, still sending, receives the 413 rather than a reset
/// connection.
async fn read_upload(body: Body, max_bytes: usize) -> Result<Option<bytes::Bytes>, ApiError> {
    use http_body_util::BodyExt as _;
    let mut body = body;
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| ApiError::BadRequest(format!("the upload was interrupted: {e}")))?;
        let Ok(data) = frame.into_data() else { continue };
        seen = seen.saturating_add(data.len());
        if seen > max_bytes.saturating_mul(4) {
            return Ok(None);
        }
        if seen <= max_bytes {
            kept.extend_from_slice(&data);
        }
    }
    Ok((seen <= max_bytes).then(|| bytes::Bytes::from(kept)))
}

/// The fields of a photo's record to change; absent ones stay.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaInput {
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub copyright: Option<String>,
    pub licence: Option<String>,
    pub alt: Option<String>,
    pub keywords: Option<Vec<String>>,
    /// Moving it has the card crops made again in the background.
    pub focal_point: Option<FocalPoint>,
}

/// Changes a photo's record. A photo that published stories use changes
/// in all of them at once: only an account that may edit every one of
/// those stories may change it (403 otherwise).
#[utoipa::path(patch, path = "/api/v1/media/{id}", tag = "media", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Photo id")),
    request_body = MediaInput,
    responses(
        (status = 200, description = "Saved", body = MediaDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "The account may not edit this photo (not staff, or published stories it may not edit use it)", body = ErrorBody),
        (status = 404, description = "No such photo", body = ErrorBody),
        (status = 422, description = "Some fields are too long, or the focal point is outside the photo", body = ErrorBody),
    ))]
pub async fn update_media(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MediaInput>,
) -> Result<Json<MediaDto>, ApiError> {
    staff(&user)?;
    let not_found = || ApiError::NotFound(format!("no photo {id}"));
    let media_id: dateline_store::MediaId = id.parse().map_err(|_| not_found())?;
    let media = state.store.media_by_id(media_id).await?.ok_or_else(not_found)?;
    if !crate::newsroom::media::may_edit(&state, &user, media.id).await? {
        return Err(ApiError::Refused(
            StatusCode::FORBIDDEN,
            "published stories use this photo, and this account may not edit all of them: \
             an editor of those stories can change its record"
                .into(),
            None,
        ));
    }
    let keywords = input.keywords.map(|k| k.join(", "));
    let pick = |new: Option<String>, old: &str| new.map_or_else(|| old.to_owned(), |v| v.trim().to_owned());
    let changes = MediaChanges {
        caption: pick(input.caption, &media.caption),
        credit: pick(input.credit, &media.credit),
        copyright: pick(input.copyright, &media.copyright),
        alt_text: pick(input.alt, &media.alt_text),
        licence: pick(input.licence, &media.licence),
        keywords: pick(keywords, &media.keywords),
        focal_x: input.focal_point.map_or(media.focal_x, |f| f.x),
        focal_y: input.focal_point.map_or(media.focal_y, |f| f.y),
    };
    let limits = [
        ("caption", &changes.caption, 2000),
        ("credit", &changes.credit, 200),
        ("copyright", &changes.copyright, 300),
        ("alt", &changes.alt_text, 500),
        ("licence", &changes.licence, 2000),
        ("keywords", &changes.keywords, 1000),
    ];
    let mut errors: Vec<(String, String)> = limits
        .iter()
        .filter(|(_, value, max)| value.chars().count() > *max)
        .map(|(field, _, max)| ((*field).to_owned(), format!("at most {max} characters")))
        .collect();
    if [changes.focal_x, changes.focal_y].iter().any(|at| !(0.0..=1.0).contains(at)) {
        errors.push(("focal_point".into(), "x and y must each be from 0 to 1".into()));
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    save_changes(&state, &user, &media, &changes, "api").await?;
    let media = state.store.media_by_id(media_id).await?.ok_or_else(not_found)?;
    Ok(Json(media_dto(&state, media)))
}
