//! The newsroom at `/newsroom`: where staff write, review and publish.
//!
//! - [`permissions`]: who may do what (pure functions, unit-tested);
//! - [`login`]: the newsroom's own login, code step, logout and
//!   two-factor set-up, which need no edition (a fresh site has none);
//! - [`list`]: the article list with filters and headline search;
//! - [`editor`]: the article editor and its workflow actions (save, submit
//!   for review, publish or update, unpublish, back to draft); every save
//!   is a revision, every action an audit-log entry, and the public pages
//!   are refreshed at once;
//! - [`workflow`]: validation and workflow actions, shared with the JSON API;
//! - [`merge`]: a save over someone else's newer save becomes a field-by-
//!   field choice between both versions;
//! - [`revisions`]: compare any two revisions, load an old one back;
//! - [`audit`]: the audit log;
//! - [`users`]: administrators set roles and edition limits;
//! - [`sections`]: administrators add and edit sections;
//! - [`editions`]: administrators add and edit language editions;
//! - [`media`]: the media bank: upload, browse, search, edit, delete;
//! - [`comments`]: the moderation queue, bans, banned words, section policies;
//! - [`newsletters`]: subscriber numbers, the send history, "send a digest now".
//! - [`chats`]: chat rooms — open, close, link a story, members, slow mode;
//!   reported messages and the mutes and bans in force.
//!
//! The newsroom speaks the staff member's language (English or Russian, by
//! `Accept-Language`). Pages are never cached.

pub mod audit;
pub mod chats;
pub mod comments;
pub mod editions;
pub mod editor;
pub mod list;
pub mod live_blog;
pub mod login;
pub mod media;
pub mod merge;
pub mod newsletters;
pub mod permissions;
pub mod revisions;
mod search;
pub mod sections;
pub mod users;
pub mod workflow;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dateline_store::User;

use crate::AppState;
use crate::accounts::session::CurrentUser;
use crate::i18n::Locale;

pub fn routes(upload: crate::media::ingest::UploadLimits) -> Router<AppState> {
    // Files are read one at a time, each cut off at the limit; the body
    // may hold several.
    let upload_limit = axum::extract::DefaultBodyLimit::max(
        upload.max_bytes.saturating_mul(media::MAX_FILES_PER_POST).saturating_add(1024 * 1024),
    );
    Router::new()
        .route("/newsroom", get(list::article_list))
        .route("/newsroom/login", get(login::login_form).post(login::login))
        .route("/newsroom/login/code", get(login::code_form).post(login::submit_code))
        .route("/newsroom/logout", axum::routing::post(login::logout))
        .route("/newsroom/two-factor", get(login::two_factor_form).post(login::change_two_factor))
        .route("/newsroom/articles/new", get(editor::new_form).post(editor::create))
        .route("/newsroom/articles/{id}", get(editor::edit_form).post(editor::save))
        .route("/newsroom/articles/{id}/compare", get(revisions::compare))
        .route("/newsroom/articles/{id}/live", axum::routing::post(live_blog::live_entry))
        .route("/newsroom/articles/{id}/revisions/{revision}", get(revisions::restore))
        .route("/newsroom/audit", get(audit::audit_log))
        .route("/newsroom/search", get(search::newsroom_search))
        .route("/newsroom/chats", get(chats::chats).post(chats::act))
        .route("/newsroom/chats/{id}", get(chats::room).post(chats::save_room))
        .route("/newsroom/comments", get(comments::queue))
        .route("/newsroom/comments/settings", get(comments::settings).post(comments::save_settings))
        .route("/newsroom/comments/{id}", axum::routing::post(comments::decide))
        .route("/newsroom/newsletters", get(newsletters::overview).post(newsletters::send_digest))
        .route("/newsroom/users", get(users::users).post(users::set_role))
        .route("/newsroom/sections", get(sections::sections).post(sections::save_section))
        .route("/newsroom/editions", get(editions::editions).post(editions::save_edition))
        .route("/newsroom/media", get(media::media_list).post(media::upload).layer(upload_limit))
        .route("/newsroom/media/{id}", get(media::media_item).post(media::save_media))
        .layer(tower_http::csrf::CsrfLayer::new())
}

/// A logged-in member of staff (contributor, editor or admin).
#[derive(Debug, Clone)]
pub struct Staff(pub User);

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let current =
            CurrentUser::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let here = match parts.uri.query() {
            Some(query) => format!("{}?{query}", parts.uri.path()),
            None => parts.uri.path().to_owned(),
        };
        match current.user {
            Some(user) if user.role.is_staff() => {
                // A role that must use a second factor reaches nothing but
                // its set-up until it is on.
                let exempt = matches!(parts.uri.path(), "/newsroom/two-factor" | "/newsroom/logout");
                if !exempt
                    && !user.two_factor
                    && login::two_factor_required(state, &user)
                        .await
                        .map_err(|e| crate::error::PageError::from(e).into_response())?
                {
                    let to = format!("/newsroom/two-factor?next={}", crate::view::url_encode(&here));
                    return Err(see_other_no_store(to));
                }
                Ok(Self(user))
            }
            Some(_) => Err(crate::error::PageError::NotAllowed.into_response()),
            None => {
                // The newsroom's own login needs no edition, so this works
                // on a fresh site too.
                Err(see_other_no_store(format!("/newsroom/login?next={}", crate::view::url_encode(&here))))
            }
        }
    }
}

fn see_other_no_store(to: String) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to), (header::CACHE_CONTROL, "no-store".into())])
        .into_response()
}

/// The staff member's interface language, from `Accept-Language`.
pub fn locale<'a>(state: &'a AppState, headers: &axum::http::HeaderMap) -> &'a Locale {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let requested = fluent_langneg::accepted_languages::parse(accept);
    let available: Vec<unic_langid::LanguageIdentifier> =
        crate::i18n::LOCALE_SOURCES.iter().filter_map(|(lang, _)| lang.parse().ok()).collect();
    let chosen = fluent_langneg::negotiate_languages(
        &requested,
        &available,
        None,
        fluent_langneg::NegotiationStrategy::Lookup,
    );
    let language =
        chosen.first().map_or_else(|| crate::i18n::FALLBACK_LANGUAGE.to_owned(), |l| l.to_string());
    state.locales.for_language(&language)
}

/// What every newsroom page shows around its content.
#[derive(Debug)]
pub struct NewsroomFrame<'a> {
    pub t: &'a Locale,
    pub lang: String,
    pub title: String,
    pub css_href: String,
    pub js_href: String,
    pub user_name: String,
    pub role_label: String,
    pub site_name: String,
    pub home_href: String,
    pub csrf: String,
    /// Shows the administration links.
    pub is_admin: bool,
    /// Shows the audit-log link (editors and admins).
    pub sees_audit: bool,
}

impl<'a> NewsroomFrame<'a> {
    pub fn new(state: &'a AppState, t: &'a Locale, user: &User, title: &str, csrf: String) -> Self {
        let home = state
            .directory()
            .default_edition()
            .map(|e| format!("/{}/", e.code))
            .unwrap_or_else(|| "/".into());
        Self {
            lang: t.language().to_owned(),
            title: format!("{title} — {}", t.get("newsroom")),
            css_href: crate::assets::Assets::href(&state.assets.css),
            js_href: crate::assets::Assets::href(&state.assets.js),
            user_name: user.display_name.clone(),
            role_label: t.get(&format!("role-{}", user.role.as_str())).into_owned(),
            site_name: state.config.site_name.clone(),
            home_href: home,
            csrf,
            is_admin: user.role == dateline_core::Role::Admin,
            sees_audit: user.role >= dateline_core::Role::Editor,
            t,
        }
    }
}

/// An HTML answer nobody caches.
pub fn no_store_page(status: StatusCode, jar: axum_extra::extract::CookieJar, body: String) -> Response {
    (
        status,
        jar,
        [(header::CACHE_CONTROL, "no-store"), (header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}
