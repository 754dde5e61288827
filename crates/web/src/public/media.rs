//! Photos: the public media bank (an index with search, and one page per
//! photo) and the files. A photo is public once a published article uses
//! it; until then (an embargoed story's pictures, say) it exists only in
//! the newsroom, and its public page answers 404.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{edition_from, html};
use crate::AppState;
use crate::accounts::session::CurrentUser;
use crate::error::PageError;
use crate::view::{Frame, ImageView, Link, OpenGraph, article_path};
use dateline_store::ImageRef;

#[derive(Template)]
#[template(path = "media.html")]
struct MediaTemplate<'a> {
    frame: Frame<'a>,
    caption: String,
    credit: String,
    copyright: String,
    /// The copyright as the caption shows it ("© …").
    copyright_notice: Option<String>,
    /// The photo's own licence and usage terms; the site's default text when empty.
    licence: String,
    size_label: String,
    image: Option<ImageView>,
    used_in: Vec<Link>,
}

/// `GET /{edition}/media/{id}`: a photo with its caption, credit,
/// copyright, usage terms and the stories that use it.
pub async fn media_page(
    State(state): State<AppState>,
    Path((code, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let directory = state.directory();
    let edition = edition_from(&directory, &code)?;
    let id: dateline_store::MediaId = id.parse().map_err(|_| PageError::NotFound)?;
    let media = state.store.media_by_id(id).await?.ok_or(PageError::NotFound)?;
    let t = state.locales.for_language(&edition.language);
    let used = state.store.articles_using_media(id).await?;
    if used.is_empty() {
        return Err(PageError::NotFound);
    }
    let used_in = used
        .iter()
        .filter_map(|card| {
            // The page shows each story's headline and address.
            crate::page_keys::shows(crate::page_keys::story(card.id));
            let their_edition = directory.edition_by_id(card.edition_id)?;
            Some(Link {
                href: article_path(their_edition, card.published_at, card.slug.as_str()),
                label: card.headline.clone(),
                current: false,
            })
        })
        .collect();
    let image_ref = ImageRef {
        media_id: media.id,
        width: media.width,
        height: media.height,
        alt_text: media.alt_text.clone(),
        copyright: media.copyright.clone(),
        renditions: media.renditions.clone(),
    };
    let image = ImageView::new(&image_ref, "100vw", 1600, false);
    let path = format!("/{}/media/{}", edition.code, media.id);
    let mut frame = Frame::new(
        &state,
        &directory,
        &edition,
        None,
        &format!("{}: {}", t.get("photo"), media.caption),
        &path,
    );
    frame.description = media.caption.clone();
    frame.og = Some(OpenGraph {
        kind: "website",
        title: media.caption.clone(),
        description: media.credit.clone(),
        image: image.as_ref().map(|i| format!("{}{}", state.config.public_url, i.src)),
        published: None,
        modified: None,
    });
    let mut size = fluent_bundle::FluentArgs::new();
    size.set("width", media.width.to_string());
    size.set("height", media.height.to_string());
    let template = MediaTemplate {
        size_label: t.format("photo-size-value", Some(&size)).into_owned(),
        caption: media.caption.clone(),
        credit: media.credit.clone(),
        copyright: media.copyright.clone(),
        copyright_notice: crate::view::copyright_notice(&media.copyright),
        licence: if media.licence.trim().is_empty() {
            t.get("photo-usage-text").into_owned()
        } else {
            media.licence.clone()
        },
        image,
        used_in,
        frame,
    };
    html(&template, media.created_at)
}

#[derive(Debug)]
pub struct MediaTile {
    pub href: String,
    pub image: Option<ImageView>,
    pub caption: String,
    pub credit: String,
}

#[derive(Template)]
#[template(path = "media_index.html")]
struct MediaIndexTemplate<'a> {
    frame: Frame<'a>,
    tiles: Vec<MediaTile>,
    query: String,
    next_href: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
pub struct MediaIndexQuery {
    q: Option<String>,
    before: Option<String>,
}

const INDEX_PAGE: i64 = 24;

/// `GET /{edition}/media`: the public bank, newest first, searchable.
pub async fn media_index(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<MediaIndexQuery>,
) -> Result<Response, PageError> {
    let directory = state.directory();
    let edition = edition_from(&directory, &code)?;
    let t = state.locales.for_language(&edition.language);
    let text: String = query.q.unwrap_or_default().trim().chars().take(200).collect();
    let before_id = match query.before.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(
            raw.parse::<dateline_store::MediaId>()
                .map_err(|_| PageError::BadRequest("`before` must be a photo number".into()))?,
        ),
    };
    let items = state
        .store
        .media_list(&dateline_store::MediaQuery {
            text: (!text.is_empty()).then(|| text.clone()),
            before_id,
            published_only: true,
            added_from: None,
            added_before: None,
            limit: INDEX_PAGE,
        })
        .await?;
    let path = format!("/{}/media", edition.code);
    let next_href = (items.len() as i64 == INDEX_PAGE).then(|| {
        let last = items.last().map_or(0, |m| m.id.get());
        format!("{path}?q={}&before={last}", crate::view::url_encode(&text))
    });
    let newest = items.first().map_or(time::OffsetDateTime::UNIX_EPOCH, |m| m.created_at);
    let tiles = items
        .into_iter()
        .map(|m| {
            let image_ref = ImageRef {
                media_id: m.id,
                width: m.width,
                height: m.height,
                alt_text: m.alt_text.clone(),
                copyright: m.copyright.clone(),
                renditions: m.renditions.clone(),
            };
            MediaTile {
                href: format!("/{}/media/{}", edition.code, m.id),
                image: ImageView::new(&image_ref, "(min-width: 60rem) 20rem, 50vw", 640, true),
                caption: m.caption,
                credit: m.credit,
            }
        })
        .collect();
    let frame = Frame::new(&state, &directory, &edition, None, &t.get("media-bank"), &path);
    let searched = !text.is_empty();
    let template = MediaIndexTemplate { frame, tiles, query: text, next_href };
    let mut response = html(&template, newest)?;
    if searched {
        // The page cache keys on the path and `before` only: a search's
        // results must not be kept, or the next search would get them.
        response.extensions_mut().remove::<crate::page_cache::Cacheable>();
    }
    Ok(response)
}

/// `GET /media/{*key}`: a stored photo file. Keys name immutable content.
///
/// A photo's original (full-size) file is public once a published story
/// uses the photo; before that only staff get it (the newsroom shows it
/// while the sizes are made), so an address copied from the newsroom
/// leaks nothing unpublished. Sizes made from it (`640.jpg`, crops) are
/// served to anyone who has the address: they are what published pages
/// link, their addresses carry a random part and appear only in the
/// newsroom until then, and checking every one would put a database
/// query behind every image of every page.
pub async fn media_file(
    State(state): State<AppState>,
    Path(key): Path<String>,
    current: CurrentUser,
) -> Response {
    let content_type = match key.rsplit_once('.').map(|(_, ext)| ext) {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        _ => return PageError::NotFound.into_response(),
    };
    let mut cache_control = "public, max-age=31536000, immutable";
    let is_original = key.rsplit('/').next().is_some_and(|name| name.starts_with("original."));
    if is_original {
        match state.store.original_is_published(&key).await {
            Ok(true) => {}
            Ok(false) if current.user.as_ref().is_some_and(|u| u.role.is_staff()) => {
                cache_control = "private, no-store";
            }
            Ok(false) => return PageError::NotFound.into_response(),
            Err(error) => return PageError::Store(error).into_response(),
        }
    }
    match state.blobs.get(&key).await {
        Ok(Some(bytes)) => {
            ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, cache_control)], bytes)
                .into_response()
        }
        Ok(None) => PageError::NotFound.into_response(),
        Err(error) => {
            tracing::error!(%error, key, "could not read a media file");
            (StatusCode::SERVICE_UNAVAILABLE, "media storage unavailable").into_response()
        }
    }
}
