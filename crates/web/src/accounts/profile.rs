//! What a reader controls about themselves: the name and profile text
//! others see (`/{edition}/readers/{id}`), a copy of everything they
//! wrote (`/{edition}/account/export`), and deleting the account — with
//! their comments kept without a name, or removed (their choice).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use dateline_core::DisplayName;
use serde::Deserialize;

use super::pages::{ProfileDraft, account_page, message_page, see_other};
use super::session::{CurrentUser, signed_out};
use super::{csrf, passwords};
use crate::AppState;
use crate::error::PageError;
use crate::public::edition_from;
use crate::view::Frame;
use dateline_store::UserId;

/// The longest profile text, in characters.
pub const BIO_MAX: usize = 500;

#[derive(Debug, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    bio: String,
}

/// `POST /{edition}/account/profile`.
pub async fn save_profile(
    State(state): State<AppState>,
    Path(code): Path<String>,
    current: CurrentUser,
    jar: CookieJar,
    Form(form): Form<ProfileForm>,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    csrf::check(&jar, &form.csrf)?;
    let Some(user) = current.user else {
        return Ok(see_other(jar, &format!("/{}/login", edition.code)));
    };
    let t = state.locales.for_language(&edition.language);
    let bio: String =
        form.bio.replace("\r\n", "\n").chars().filter(|c| !c.is_control() || *c == '\n').collect();
    let bio = bio.trim().to_owned();
    let error = match DisplayName::parse(&form.name) {
        Err(_) => Some(t.get("error-name").into_owned()),
        Ok(_) if bio.chars().count() > BIO_MAX => Some(t.get("error-bio").into_owned()),
        Ok(_) => None,
    };
    if let Some(error) = error {
        let draft = ProfileDraft { name: form.name, bio, error: Some(error) };
        return account_page(
            &state,
            jar,
            &edition,
            user,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(draft),
        );
    }
    let name = DisplayName::parse(&form.name).map_err(|_| PageError::BadRequest("name".into()))?;
    state.store.update_profile(user.id, name.as_str(), &bio).await?;
    if name.as_str() != user.display_name {
        // Their comments show the name.
        state.content_changed(&[crate::page_keys::reader(user.id)]).await?;
    }
    tracing::info!(user = user.id.get(), "profile changed");
    Ok(see_other(jar, &format!("/{}/account?status=profile-saved", edition.code)))
}

#[derive(Template)]
#[template(path = "account/delete.html")]
struct DeleteTemplate<'a> {
    frame: Frame<'a>,
    csrf: String,
    error: Option<String>,
    staff: bool,
}

fn delete_page(
    state: &AppState,
    jar: CookieJar,
    edition: &dateline_store::Edition,
    status: StatusCode,
    error: Option<String>,
    staff: bool,
) -> Result<Response, PageError> {
    let t = state.locales.for_language(&edition.language);
    let (jar, csrf) = csrf::form_token(jar, state.secure_cookies());
    let path = format!("/{}/account/delete", edition.code);
    let directory = state.directory();
    let mut frame = Frame::new(state, &directory, edition, None, &t.get("delete-account"), &path);
    frame.noindex = true;
    let body = DeleteTemplate { frame, csrf, error, staff }.render()?;
    Ok((
        status,
        jar,
        [(header::CACHE_CONTROL, "no-store"), (header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response())
}

/// `GET /{edition}/account/delete`: the confirmation form.
pub async fn delete_form(
    State(state): State<AppState>,
    Path(code): Path<String>,
    current: CurrentUser,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    let Some(user) = current.user else {
        return Ok(see_other(jar, &format!("/{}/login", edition.code)));
    };
    delete_page(&state, jar, &edition, StatusCode::OK, None, user.role.is_staff())
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
    /// `keep` (anonymously) or `remove`.
    #[serde(default)]
    comments: String,
}

/// `POST /{edition}/account/delete`: needs the password again.
pub async fn delete_account(
    State(state): State<AppState>,
    Path(code): Path<String>,
    current: CurrentUser,
    jar: CookieJar,
    Form(form): Form<DeleteForm>,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    csrf::check(&jar, &form.csrf)?;
    let Some(user) = current.user else {
        return Ok(see_other(jar, &format!("/{}/login", edition.code)));
    };
    let t = state.locales.for_language(&edition.language);
    if user.role.is_staff() {
        return Err(PageError::Refused(StatusCode::FORBIDDEN, t.get("delete-staff").into_owned()));
    }
    let keep = match form.comments.as_str() {
        "keep" => true,
        "remove" => false,
        _ => {
            let error = Some(t.get("delete-choose").into_owned());
            return delete_page(&state, jar, &edition, StatusCode::UNPROCESSABLE_ENTITY, error, false);
        }
    };
    let stored = state.store.user_credentials(&user.email).await?.map(|c| c.password_hash);
    if !passwords::verify(form.password, stored).await {
        let error = Some(t.get("delete-wrong-password").into_owned());
        return delete_page(&state, jar, &edition, StatusCode::UNPROCESSABLE_ENTITY, error, false);
    }
    state.store.delete_user(user.id, keep).await?;
    // The comments shown changed: their author's name where they stay;
    // where they go, the discussions and counts of stories not known here.
    let changed = if keep { crate::page_keys::reader(user.id) } else { crate::page_keys::SITE.to_owned() };
    state.content_changed(&[changed]).await?;
    tracing::info!(user = user.id.get(), keep_comments = keep, "account deleted by its owner");
    let (jar, _) = csrf::rotate(signed_out(jar, state.secure_cookies()), state.secure_cookies());
    message_page(&state, jar, &edition, StatusCode::OK, "delete-account", t.get("delete-done").into_owned())
}

/// `GET /{edition}/account/export`: the reader's data as a JSON download.
pub async fn export(
    State(state): State<AppState>,
    Path(code): Path<String>,
    current: CurrentUser,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    let Some(user) = current.user else {
        return Ok(see_other(jar, &format!("/{}/login", edition.code)));
    };
    let comments = state.store.own_comments(user.id).await?;
    let created_at =
        user.created_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    let document = serde_json::json!({
        "account": {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "bio": user.bio,
            "created_at": created_at,
            "email_verified": user.email_verified,
        },
        "comments": comments,
    });
    let body = serde_json::to_vec_pretty(&document).unwrap_or_default();
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"account-{}.json\"", user.id)),
        ],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "account/reader.html")]
struct ReaderTemplate<'a> {
    frame: Frame<'a>,
    name: String,
    bio: String,
    since: String,
    comments: String,
}

/// `GET /{edition}/readers/{id}`: a reader's public profile.
pub async fn reader_page(
    State(state): State<AppState>,
    Path((code, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    let id: UserId = id.parse().map_err(|_| PageError::NotFound)?;
    let user = state.store.user_by_id(id).await?.ok_or(PageError::NotFound)?;
    let t = state.locales.for_language(&edition.language);
    let approved = state.store.approved_comment_count(user.id).await?;
    let directory = state.directory();
    let path = format!("/{}/readers/{id}", edition.code);
    let mut frame = Frame::new(&state, &directory, &edition, None, &user.display_name, &path);
    frame.noindex = true;
    let body = ReaderTemplate {
        frame,
        since: t.arg("reader-since", "date", &t.long_date(user.created_at)),
        comments: t.count("author-approved", approved),
        name: user.display_name,
        bio: user.bio,
    }
    .render()?;
    Ok(([(header::CACHE_CONTROL, "no-store"), (header::CONTENT_TYPE, "text/html; charset=utf-8")], body)
        .into_response())
}
