//! The media bank in the newsroom: `/newsroom/media` lists photos newest
//! first with thumbnails and a search over caption, credit, copyright and
//! keywords, and takes uploads (several files at once; the page's script
//! sends them one by one with a progress line each, and asks for JSON);
//! `/newsroom/media/{id}` edits a photo's record, shows where it is used
//! and deletes it when no article uses it.
//!
//! Every member of staff may upload photos and edit the records of photos
//! no published story uses; a photo in published stories is edited (and
//! replaced) only by those who may edit all of them
//! (`permissions::can_edit_media`). Deleting is for editors and admins. An upload is checked and cleaned by
//! [`crate::media::ingest`] before anything is stored; if storing the
//! record fails, the stored file is removed again, so nothing is left
//! half-stored.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use axum_extra::extract::{CookieJar, Form};
use bytes::Bytes;
use dateline_core::Role;
use dateline_store::{EditionId, MediaChanges, MediaItem, MediaQuery, NewMedia, Rendition, User};

use super::{NewsroomFrame, Staff, locale, no_store_page, permissions};
use crate::AppState;
use crate::accounts::csrf;
use crate::accounts::pages::see_other;
use crate::error::PageError;
use crate::media::ingest::{self, UploadError};
use crate::media::renditions::MAKE_RENDITIONS;

const PAGE_SIZE: i64 = 48;
/// Most files one no-JavaScript form post may carry.
pub const MAX_FILES_PER_POST: usize = 20;

/// The smallest card crop's address, for thumbnails (the smallest
/// whole-frame size until the crops are made).
pub fn thumbnail_href(media: &MediaItem) -> String {
    let smallest = media.renditions.iter().find(|r| r.crop).or(media.renditions.first());
    let key = smallest.map_or(media.original_key.as_str(), |r| r.key.as_str());
    format!("/media/{key}")
}

#[derive(Debug)]
pub struct MediaTile {
    pub id: dateline_store::MediaId,
    pub thumb: String,
    pub caption: String,
    pub credit: String,
    pub width: i32,
    pub height: i32,
}

#[derive(Template)]
#[template(path = "newsroom/media.html")]
struct MediaListTemplate<'a> {
    frame: NewsroomFrame<'a>,
    tiles: Vec<MediaTile>,
    query: String,
    from: String,
    to: String,
    next_href: Option<String>,
    results: Vec<UploadResult>,
    max_mb: usize,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct UploadResult {
    pub name: String,
    pub id: Option<dateline_store::MediaId>,
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumb: Option<String>,
    pub caption: String,
    pub credit: String,
}

impl UploadResult {
    fn stored(name: String, media: MediaItem) -> Self {
        Self {
            name,
            id: Some(media.id),
            error: None,
            thumb: Some(thumbnail_href(&media)),
            caption: media.caption,
            credit: media.credit,
        }
    }

    fn refused(name: String, error: String) -> Self {
        Self {
            name,
            id: None,
            error: Some(error),
            thumb: None,
            caption: String::new(),
            credit: String::new(),
        }
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    before: Option<String>,
    /// Added on or after this day (`YYYY-MM-DD`).
    from: Option<String>,
    /// Added on or before this day (`YYYY-MM-DD`).
    to: Option<String>,
}

/// A `YYYY-MM-DD` day from a filter, or a 400 naming the field.
fn day(raw: Option<&str>, name: &str) -> Result<Option<time::Date>, PageError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(raw) => time::Date::parse(raw, format)
            .map(Some)
            .map_err(|_| PageError::BadRequest(format!("`{name}` must be a date such as 2026-11-29"))),
    }
}

async fn render_list(
    state: &AppState,
    headers: &HeaderMap,
    user: &User,
    jar: CookieJar,
    status: StatusCode,
    query: ListQuery,
    results: Vec<UploadResult>,
) -> Result<Response, PageError> {
    let t = locale(state, headers);
    let text: String = query.q.unwrap_or_default().trim().chars().take(200).collect();
    let before_id = match query.before.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(
            raw.parse::<dateline_store::MediaId>()
                .map_err(|_| PageError::BadRequest("`before` must be a number".into()))?,
        ),
    };
    let from = day(query.from.as_deref(), "from")?;
    let to = day(query.to.as_deref(), "to")?;
    let items = state
        .store
        .media_list(&MediaQuery {
            text: (!text.is_empty()).then(|| text.clone()),
            before_id,
            published_only: false,
            added_from: from.map(|d| d.midnight().assume_utc()),
            added_before: to.and_then(|d| d.next_day()).map(|d| d.midnight().assume_utc()),
            limit: PAGE_SIZE,
        })
        .await?;
    let from_value = from.map(|d| d.to_string()).unwrap_or_default();
    let to_value = to.map(|d| d.to_string()).unwrap_or_default();
    let next_href = (items.len() as i64 == PAGE_SIZE).then(|| {
        let last = items.last().map_or(0, |m| m.id.get());
        let q = crate::view::url_encode(&text);
        format!("/newsroom/media?q={q}&from={from_value}&to={to_value}&before={last}")
    });
    let tiles = items
        .iter()
        .map(|m| MediaTile {
            id: m.id,
            thumb: thumbnail_href(m),
            caption: m.caption.clone(),
            credit: m.credit.clone(),
            width: m.width,
            height: m.height,
        })
        .collect();
    let (jar, token) = csrf::form_token(jar, state.secure_cookies());
    let template = MediaListTemplate {
        frame: NewsroomFrame::new(state, t, user, &t.get("media-bank"), token),
        tiles,
        query: text,
        from: from_value,
        to: to_value,
        next_href,
        results,
        max_mb: state.config.upload.max_bytes / (1024 * 1024),
    };
    Ok(no_store_page(status, jar, template.render()?))
}

/// `GET /newsroom/media`.
pub async fn media_list(
    State(state): State<AppState>,
    Staff(user): Staff,
    headers: HeaderMap,
    jar: CookieJar,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    render_list(&state, &headers, &user, jar, StatusCode::OK, query, Vec::new()).await
}

/// Checks, cleans and stores one uploaded file; queues its renditions.
pub async fn store_upload(
    state: &AppState,
    user: &User,
    name: &str,
    bytes: Bytes,
) -> Result<MediaItem, StoreUploadError> {
    let limits = state.config.upload;
    let cleaned = tokio::task::spawn_blocking(move || ingest::ingest(&bytes, &limits))
        .await
        .map_err(|e| StoreUploadError::Internal(e.to_string()))??;
    // Content hash plus a random part: two uploads of the same picture are
    // two records with their own files, so deleting one leaves the other.
    let hash = blake3::hash(&cleaned.bytes).to_hex();
    let unique = crate::accounts::secrets::new_secret("");
    let original_key = format!("photos/{}-{}/original.{}", &hash[..16], &unique[..8], cleaned.extension);
    state
        .blobs
        .put(&original_key, Bytes::from(cleaned.bytes))
        .await
        .map_err(|e| StoreUploadError::Internal(e.to_string()))?;
    let found = cleaned.metadata;
    let new = NewMedia {
        original_key: original_key.clone(),
        mime: cleaned.mime.to_owned(),
        width: cleaned.width as i32,
        height: cleaned.height as i32,
        caption: found.caption.chars().take(2000).collect(),
        credit: found.credit.chars().take(200).collect(),
        copyright: found.copyright.chars().take(300).collect(),
        alt_text: String::new(),
        licence: String::new(),
        keywords: found.keywords.join(", ").chars().take(1000).collect(),
        original_name: name.chars().filter(|c| !c.is_control()).take(200).collect(),
        uploaded_by: Some(user.id),
        // Until the job has made the sizes, pages use the original.
        renditions: vec![Rendition {
            width: cleaned.width as i32,
            height: cleaned.height as i32,
            mime: cleaned.mime.to_owned(),
            key: original_key.clone(),
            crop: false,
        }],
    };
    // The record, the job that makes its sizes and the audit entry commit
    // together; when they cannot, the file goes too.
    let audit_name = new.original_name.clone();
    let stored = async {
        let mut tx = state.store.begin_write().await?;
        let id = tx.create_media(&new).await?;
        tx.enqueue_job(MAKE_RENDITIONS, &id.to_string(), time::OffsetDateTime::now_utc()).await?;
        tx.record_audit(Some(user.id), None, "media.upload", &format!("media {id}"), &audit_name).await?;
        tx.commit().await?;
        state
            .store
            .media_by_id(id)
            .await?
            .ok_or_else(|| dateline_store::StoreError::NotFound(format!("photo {id}")))
    }
    .await;
    match stored {
        Ok(media) => Ok(media),
        Err(error) => {
            if let Err(cleanup) = state.blobs.delete(&original_key).await {
                tracing::warn!(%cleanup, key = original_key, "could not remove an orphaned upload");
            }
            Err(StoreUploadError::Internal(error.to_string()))
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreUploadError {
    /// 4xx: the file is not acceptable; the message says why.
    #[error(transparent)]
    Refused(#[from] UploadError),
    /// 503: storage failed; logged.
    #[error("storage failed: {0}")]
    Internal(String),
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/json"))
}

/// `POST /newsroom/media`: one or more files (`files`), after the `csrf` field.
pub async fn upload(
    State(state): State<AppState>,
    Staff(user): Staff,
    headers: HeaderMap,
    jar: CookieJar,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let t = locale(&state, &headers);
    let json = wants_json(&headers);
    let mut checked_csrf = false;
    let mut results = Vec::new();
    let max_bytes = state.config.upload.max_bytes;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => {
                // An interrupted or malformed upload: nothing of it is kept.
                return Err(PageError::BadRequest(format!(
                    "the upload was interrupted or malformed: {error}"
                )));
            }
        };
        match field.name() {
            Some("csrf") => {
                let value = field.text().await.map_err(|e| PageError::BadRequest(e.to_string()))?;
                csrf::check(&jar, &value)?;
                checked_csrf = true;
            }
            Some("files" | "file") => {
                if !checked_csrf {
                    // No token first: refuse, but read the rest so the
                    // browser gets the answer instead of a reset connection.
                    let mut field = field;
                    while let Ok(Some(_)) = field.chunk().await {}
                    continue;
                }
                if results.len() >= MAX_FILES_PER_POST {
                    return Err(PageError::BadRequest(format!(
                        "at most {MAX_FILES_PER_POST} files at once; send the rest in another upload"
                    )));
                }
                let name = field.file_name().unwrap_or("").to_owned();
                let mut field = field;
                // Read chunk by chunk; past the limit, read on to the end
                // of this file but keep nothing.
                let mut bytes = Vec::new();
                let mut too_large = false;
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) if !too_large => {
                            too_large = bytes.len() + chunk.len() > max_bytes;
                            if too_large {
                                bytes = Vec::new();
                            } else {
                                bytes.extend_from_slice(&chunk);
                            }
                        }
                        Ok(Some(_)) => {}
                        Ok(None) => break,
                        Err(error) => {
                            return Err(PageError::BadRequest(format!(
                                "the upload was interrupted or malformed: {error}"
                            )));
                        }
                    }
                }
                if name.is_empty() && bytes.is_empty() && !too_large {
                    continue; // an empty file input
                }
                let outcome = if too_large {
                    Err(StoreUploadError::Refused(UploadError::TooLarge {
                        max_mb: max_bytes / (1024 * 1024),
                    }))
                } else {
                    store_upload(&state, &user, &name, Bytes::from(bytes)).await
                };
                results.push(match outcome {
                    Ok(media) => UploadResult::stored(name, media),
                    Err(StoreUploadError::Refused(refused)) => {
                        UploadResult::refused(name, refusal_message(t, &refused))
                    }
                    Err(StoreUploadError::Internal(error)) => {
                        tracing::error!(error, "could not store an upload");
                        return Err(PageError::Store(dateline_store::StoreError::Blob(
                            std::io::Error::other(error),
                        )));
                    }
                });
            }
            _ => {}
        }
    }
    if !checked_csrf {
        return Err(PageError::FormExpired);
    }
    if results.is_empty() {
        results.push(UploadResult::refused(String::new(), t.get("upload-no-file").into_owned()));
    }
    if results.iter().any(|r| r.id.is_some()) {
        state.content_changed(&[crate::page_keys::PHOTOS.to_owned()]).await?;
    }
    let status = if results.iter().all(|r| r.id.is_some()) {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    if json {
        return Ok((status, [(header::CACHE_CONTROL, "no-store")], axum::Json(results)).into_response());
    }
    render_list(
        &state,
        &headers,
        &user,
        jar,
        status,
        ListQuery { q: None, before: None, from: None, to: None },
        results,
    )
    .await
}

/// The refusal in the staff member's language.
fn refusal_message(t: &crate::i18n::Locale, refused: &UploadError) -> String {
    match refused {
        UploadError::Empty => t.get("upload-empty").into_owned(),
        UploadError::TooLarge { max_mb } => t.arg("upload-too-large", "max", &max_mb.to_string()),
        UploadError::Unsupported { found } => t.arg("upload-unsupported", "found", found),
        UploadError::TooManyPixels { width, height, max_megapixels } => {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("width", width.to_string());
            args.set("height", height.to_string());
            args.set("max", max_megapixels.to_string());
            t.format("upload-too-many-pixels", Some(&args)).into_owned()
        }
        UploadError::Corrupt { format } => t.arg("upload-corrupt", "format", format),
    }
}

#[derive(Template)]
#[template(path = "newsroom/media_item.html")]
struct MediaItemTemplate<'a> {
    frame: NewsroomFrame<'a>,
    media: MediaItem,
    preview: String,
    /// The card crop, once made.
    crop_preview: Option<String>,
    focal_x: u32,
    focal_y: u32,
    usage: i64,
    uses: Vec<(String, String)>,
    can_delete: bool,
    /// May change the record: no published story uses the photo, or the
    /// account may edit every one that does.
    can_edit: bool,
    message: Option<String>,
    error: Option<String>,
}

#[expect(
    clippy::too_many_arguments,
    reason = "the page needs all of it; a struct would only rename the list"
)]
async fn render_item(
    state: &AppState,
    headers: &HeaderMap,
    user: &User,
    jar: CookieJar,
    status: StatusCode,
    media: MediaItem,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let t = locale(state, headers);
    let usage = state.store.media_usage(media.id).await?;
    let directory = state.directory();
    let published = state.store.articles_using_media(media.id).await?;
    let published_in: Vec<EditionId> = published.iter().map(|c| c.edition_id).collect();
    let can_edit = permissions::can_edit_media(user, &published_in);
    let uses = published
        .into_iter()
        .filter_map(|card| {
            let edition = directory.edition_by_id(card.edition_id)?;
            Some((crate::view::article_path(edition, card.published_at, card.slug.as_str()), card.headline))
        })
        .collect();
    let preview = media
        .renditions
        .iter()
        .find(|r| !r.crop && r.width >= 640)
        .or(media.renditions.last())
        .map_or_else(|| format!("/media/{}", media.original_key), |r| format!("/media/{}", r.key));
    let crop_preview =
        media.renditions.iter().find(|r| r.crop && r.width >= 320).map(|r| format!("/media/{}", r.key));
    let (jar, token) = csrf::form_token(jar, state.secure_cookies());
    let template = MediaItemTemplate {
        frame: NewsroomFrame::new(state, t, user, &t.get("media-edit"), token),
        preview,
        crop_preview,
        focal_x: percent(media.focal_x),
        focal_y: percent(media.focal_y),
        usage,
        uses,
        can_delete: user.role >= Role::Editor && can_edit,
        can_edit,
        media,
        message,
        error,
    };
    Ok(no_store_page(status, jar, template.render()?))
}

#[derive(Debug, serde::Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// A focal-point fraction as the whole percent the form shows.
fn percent(fraction: f64) -> u32 {
    (fraction.clamp(0.0, 1.0) * 100.0).round() as u32
}

/// A focal-point percent from the form (blank keeps the centre); `None`
/// when it is not a number from 0 to 100.
fn focal_fraction(raw: &str) -> Option<f64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Some(0.5);
    }
    raw.parse::<f64>().ok().filter(|p| p.is_finite() && (0.0..=100.0).contains(p)).map(|p| p / 100.0)
}

fn media_id(raw: &str) -> Result<dateline_store::MediaId, PageError> {
    raw.parse().map_err(|_| PageError::NotFound)
}

/// `GET /newsroom/media/{id}`.
pub async fn media_item(
    State(state): State<AppState>,
    Staff(user): Staff,
    headers: HeaderMap,
    jar: CookieJar,
    Path(id): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let media = state.store.media_by_id(media_id(&id)?).await?.ok_or(PageError::NotFound)?;
    let t = locale(&state, &headers);
    let message = query.done.filter(|d| d == "saved").map(|_| t.get("done-save").into_owned());
    render_item(&state, &headers, &user, jar, StatusCode::OK, media, message, None).await
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct MediaForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    caption: String,
    #[serde(default)]
    credit: String,
    #[serde(default)]
    copyright: String,
    #[serde(default)]
    alt_text: String,
    #[serde(default)]
    licence: String,
    #[serde(default)]
    keywords: String,
    /// The focal point, in percent of width and height.
    #[serde(default)]
    focal_x: String,
    #[serde(default)]
    focal_y: String,
    /// For `replace`: the photo that takes this one's place in articles.
    #[serde(default)]
    replacement: String,
}

/// `POST /newsroom/media/{id}`: `action=save` or `action=delete`.
pub async fn save_media(
    State(state): State<AppState>,
    Staff(user): Staff,
    headers: HeaderMap,
    jar: CookieJar,
    Path(id): Path<String>,
    Form(form): Form<MediaForm>,
) -> Result<Response, PageError> {
    csrf::check(&jar, &form.csrf)?;
    let mut media = state.store.media_by_id(media_id(&id)?).await?.ok_or(PageError::NotFound)?;
    let t = locale(&state, &headers);
    if !may_edit(&state, &user, media.id).await? {
        return Err(PageError::NotAllowed);
    }
    if form.action == "delete" || form.action == "replace" {
        if user.role < Role::Editor {
            return Err(PageError::NotAllowed);
        }
        let replacement = if form.action == "replace" {
            let replacement =
                form.replacement.trim().parse::<dateline_store::MediaId>().ok().filter(|r| *r != media.id);
            let exists = match replacement {
                Some(r) => state.store.media_by_id(r).await?.is_some(),
                None => false,
            };
            let Some(replacement) = replacement.filter(|_| exists) else {
                let error = Some(t.get("error-main-media").into_owned());
                return render_item(
                    &state,
                    &headers,
                    &user,
                    jar,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    media,
                    None,
                    error,
                )
                .await;
            };
            Some(replacement)
        } else {
            None
        };
        // Replaced everywhere and deleted, with the audit entries, in one
        // transaction: either every story has the new photo and the old
        // one is gone, or nothing changed.
        let subject = format!("media {}", media.id);
        let mut tx = state.store.begin_write().await?;
        if let Some(replacement) = replacement {
            let changed = tx.replace_media_in_articles(media.id, replacement).await?;
            let detail = format!("replaced by media {replacement} in {changed} articles");
            tx.record_audit(Some(user.id), None, "media.replace", &subject, &detail).await?;
        }
        if !tx.delete_unused_media(media.id).await? {
            drop(tx);
            let error = Some(t.get("media-in-use").into_owned());
            return render_item(&state, &headers, &user, jar, StatusCode::CONFLICT, media, None, error).await;
        }
        tx.record_audit(Some(user.id), None, "media.delete", &subject, "").await?;
        // Every page that showed it (the stories it was replaced in too).
        let mut keys = vec![crate::page_keys::photo(media.id), crate::page_keys::PHOTOS.to_owned()];
        keys.extend(replacement.map(crate::page_keys::photo));
        let version = tx.record_page_change(&keys).await?;
        tx.commit().await?;
        // The files go once nothing refers to them any more.
        for key in std::iter::once(&media.original_key).chain(media.renditions.iter().map(|r| &r.key)) {
            if let Err(error) = state.blobs.delete(key).await {
                tracing::warn!(%error, key, "could not remove a deleted photo's file");
            }
        }
        state.content_committed(version).await?;
        return Ok(see_other(jar, "/newsroom/media"));
    }
    let limits = [
        (&form.caption, 2000),
        (&form.credit, 200),
        (&form.copyright, 300),
        (&form.alt_text, 500),
        (&form.licence, 2000),
        (&form.keywords, 1000),
    ];
    let focal = focal_fraction(&form.focal_x).zip(focal_fraction(&form.focal_y));
    let too_long = limits.iter().find(|(value, max)| value.chars().count() > *max);
    if too_long.is_some() || focal.is_none() {
        let error = Some(match too_long {
            Some((_, max)) => t.arg("error-too-long", "max", &max.to_string()),
            None => t.get("error-focal-point").into_owned(),
        });
        media.caption = form.caption.clone();
        media.credit = form.credit.clone();
        media.copyright = form.copyright.clone();
        media.alt_text = form.alt_text.clone();
        media.licence = form.licence.clone();
        media.keywords = form.keywords.clone();
        return render_item(
            &state,
            &headers,
            &user,
            jar,
            StatusCode::UNPROCESSABLE_ENTITY,
            media,
            None,
            error,
        )
        .await;
    }
    let changes = MediaChanges {
        caption: form.caption.trim().to_owned(),
        credit: form.credit.trim().to_owned(),
        copyright: form.copyright.trim().to_owned(),
        alt_text: form.alt_text.trim().to_owned(),
        licence: form.licence.trim().to_owned(),
        keywords: form.keywords.trim().to_owned(),
        focal_x: focal.map_or(0.5, |f| f.0),
        focal_y: focal.map_or(0.5, |f| f.1),
    };
    save_changes(&state, &user, &media, &changes, "").await?;
    Ok(see_other(jar, &format!("/newsroom/media/{}?done=saved", media.id)))
}

/// True when `user` may change this photo's record, replace or delete it.
pub async fn may_edit(
    state: &AppState,
    user: &User,
    media_id: dateline_store::MediaId,
) -> Result<bool, dateline_store::StoreError> {
    let published_in: Vec<EditionId> =
        state.store.articles_using_media(media_id).await?.iter().map(|c| c.edition_id).collect();
    Ok(permissions::can_edit_media(user, &published_in))
}

/// Saves a photo's record with its audit entry, in one transaction; a
/// moved focal point has its card crops made again by the renditions job
/// (queued in the same transaction; pages keep the old crops meanwhile).
pub async fn save_changes(
    state: &AppState,
    user: &User,
    media: &MediaItem,
    changes: &MediaChanges,
    audit_detail: &str,
) -> Result<(), dateline_store::StoreError> {
    let moved =
        (changes.focal_x - media.focal_x).abs() > 0.0005 || (changes.focal_y - media.focal_y).abs() > 0.0005;
    let mut tx = state.store.begin_write().await?;
    tx.update_media(media.id, changes).await?;
    if moved {
        tx.enqueue_job(MAKE_RENDITIONS, &media.id.to_string(), time::OffsetDateTime::now_utc()).await?;
    }
    tx.record_audit(Some(user.id), None, "media.update", &format!("media {}", media.id), audit_detail)
        .await?;
    let version = tx.record_page_change(&[crate::page_keys::photo(media.id)]).await?;
    tx.commit().await?;
    state.content_committed(version).await
}
