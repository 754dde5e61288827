//! The discussion's forms. Each works without JavaScript: a POST answered
//! by 303 back to the page it came from, at the comment. A refused comment
//! comes back on the discussion page with its message and the typed text
//! kept. Reactions and reports also answer JSON to the page's script
//! (`Accept: application/json`), so a click does not reload the page.

use axum::Form;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use dateline_core::{CommentSort, Reaction, ReportReason};
use dateline_store::{Article, ArticleId, Edition};
use serde::Deserialize;

use super::service::{self, DiscussionError};
use super::view::{PageOptions, render_page};
use crate::AppState;
use crate::accounts::csrf;
use crate::accounts::pages::{safe_next, see_other};
use crate::accounts::session::CurrentUser;
use crate::client_addr::ClientAddr;
use crate::error::PageError;
use crate::public::edition_from;
use crate::view::url_encode;

#[derive(Debug, Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    parent: String,
    #[serde(default)]
    back: String,
}

#[derive(Debug, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    back: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

/// The edition and the published article named by the path.
pub(super) async fn target(
    state: &AppState,
    code: &str,
    article_id: &str,
) -> Result<(Edition, Article), PageError> {
    let edition = edition_from(&state.directory(), code)?;
    let id: ArticleId = article_id.parse().map_err(|_| PageError::NotFound)?;
    let article = service::published_article(state, edition.id, id).await?.ok_or(PageError::NotFound)?;
    Ok((edition, article))
}

fn comment_id(raw: &str) -> Result<dateline_store::CommentId, PageError> {
    raw.parse().map_err(|_| PageError::NotFound)
}

/// Where to go back to: a page of this edition, without its fragment.
fn back_to(back: &str, edition: &Edition, article_id: ArticleId) -> String {
    let fallback = format!("/{}/comments/{article_id}", edition.code);
    let back = back.split('#').next().unwrap_or("");
    if back.starts_with(&format!("/{}/", edition.code)) { safe_next(back, edition) } else { fallback }
}

fn login_first(jar: CookieJar, edition: &Edition, back: &str) -> Response {
    see_other(jar, &format!("/{}/login?next={}", edition.code, url_encode(&format!("{back}#discussion"))))
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/json"))
}

/// A refusal as a message page (or JSON for the script).
fn refusal(state: &AppState, edition: &Edition, error: &DiscussionError, json: bool) -> Response {
    if let DiscussionError::Store(cause) = error {
        tracing::error!(error = %cause, "store error in a discussion action");
    }
    let t = state.locales.for_language(&edition.language);
    let message = error.message(t);
    let status = error.status();
    let mut response = if json {
        (status, Json(serde_json::json!({ "error": message }))).into_response()
    } else {
        PageError::Refused(status, message).into_response()
    };
    if let DiscussionError::TooMany(seconds) = error {
        response.headers_mut().insert(header::RETRY_AFTER, seconds.to_string().parse().expect("digits"));
    }
    response
}

/// `POST /{edition}/comments/{article}`: a new comment or a reply.
pub async fn post_comment(
    State(state): State<AppState>,
    Path((code, article_id)): Path<(String, String)>,
    current: CurrentUser,
    ClientAddr(address): ClientAddr,
    jar: CookieJar,
    Form(form): Form<CommentForm>,
) -> Result<Response, PageError> {
    let (edition, article) = target(&state, &code, &article_id).await?;
    csrf::check(&jar, &form.csrf)?;
    let back = back_to(&form.back, &edition, article.card.id);
    if current.user.is_none() {
        return Ok(login_first(jar, &edition, &back));
    }
    let parent = match form.parent.trim() {
        "" => None,
        raw => Some(comment_id(raw)?),
    };
    match service::post(&state, current.user.as_ref(), &article, parent, &form.body, address).await {
        Ok(comment) => Ok(see_other(jar, &format!("{back}#comment-{}", comment.id))),
        Err(error) => refused_form(&state, &edition, &article, &current, jar, error, form.body).await,
    }
}

/// The discussion page again, saying why, with the text kept.
async fn refused_form(
    state: &AppState,
    edition: &Edition,
    article: &Article,
    current: &CurrentUser,
    jar: CookieJar,
    error: DiscussionError,
    text: String,
) -> Result<Response, PageError> {
    if let DiscussionError::Store(cause) = error {
        return Err(cause.into());
    }
    let t = state.locales.for_language(&edition.language);
    let status = error.status();
    let retry = if let DiscussionError::TooMany(seconds) = error { Some(seconds) } else { None };
    let refused = Some((error.message(t), text));
    let options = PageOptions { sort: CommentSort::Newest, after: None, refused, reply_to: None, status };
    let mut response = render_page(state, edition, article, current.user.as_ref(), jar, options).await?;
    if let Some(seconds) = retry {
        response.headers_mut().insert(header::RETRY_AFTER, seconds.to_string().parse().expect("digits"));
    }
    Ok(response)
}

/// `POST /{edition}/comments/{article}/{comment}/edit`.
pub async fn edit_comment(
    State(state): State<AppState>,
    Path((code, article_id, comment)): Path<(String, String, String)>,
    current: CurrentUser,
    jar: CookieJar,
    Form(form): Form<CommentForm>,
) -> Result<Response, PageError> {
    let (edition, article) = target(&state, &code, &article_id).await?;
    csrf::check(&jar, &form.csrf)?;
    let back = back_to(&form.back, &edition, article.card.id);
    if current.user.is_none() {
        return Ok(login_first(jar, &edition, &back));
    }
    let id = comment_id(&comment)?;
    match service::edit(&state, current.user.as_ref(), &article, id, &form.body).await {
        Ok(comment) => Ok(see_other(jar, &format!("{back}#comment-{}", comment.id))),
        Err(error @ (DiscussionError::Invalid(_) | DiscussionError::TooMany(_))) => {
            refused_form(&state, &edition, &article, &current, jar, error, form.body).await
        }
        Err(error) => Ok(refusal(&state, &edition, &error, false)),
    }
}

/// What every action on one comment starts with: the published article,
/// a checked form token, the page to come back to, and whether the page's
/// script asked for JSON. A guest using the form is sent to log in
/// (`Err` holds that answer); the script gets the action's 401.
struct CommentAction {
    edition: Edition,
    article: Article,
    back: String,
    json: bool,
}

async fn begin_action(
    state: &AppState,
    (code, article_id): (&str, &str),
    current: &CurrentUser,
    headers: &HeaderMap,
    jar: &CookieJar,
    form: &ActionForm,
) -> Result<Result<CommentAction, Response>, PageError> {
    let (edition, article) = target(state, code, article_id).await?;
    csrf::check(jar, &form.csrf)?;
    let back = back_to(&form.back, &edition, article.card.id);
    let json = wants_json(headers);
    if current.user.is_none() && !json {
        return Ok(Err(login_first(jar.clone(), &edition, &back)));
    }
    Ok(Ok(CommentAction { edition, article, back, json }))
}

/// `POST /{edition}/comments/{article}/{comment}/delete`.
pub async fn delete_comment(
    State(state): State<AppState>,
    Path((code, article_id, comment)): Path<(String, String, String)>,
    current: CurrentUser,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<ActionForm>,
) -> Result<Response, PageError> {
    let CommentAction { edition, article, back, json } =
        match begin_action(&state, (&code, &article_id), &current, &headers, &jar, &form).await? {
            Ok(action) => action,
            Err(to_login) => return Ok(to_login),
        };
    match service::delete(&state, current.user.as_ref(), &article, comment_id(&comment)?).await {
        Ok(()) if json => Ok(StatusCode::NO_CONTENT.into_response()),
        Ok(()) => Ok(see_other(jar, &format!("{back}#discussion"))),
        Err(error) => Ok(refusal(&state, &edition, &error, json)),
    }
}

/// `POST /{edition}/comments/{article}/{comment}/react`: turns a reaction on or off.
pub async fn react(
    State(state): State<AppState>,
    Path((code, article_id, comment)): Path<(String, String, String)>,
    current: CurrentUser,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<ActionForm>,
) -> Result<Response, PageError> {
    let CommentAction { edition, article, back, json } =
        match begin_action(&state, (&code, &article_id), &current, &headers, &jar, &form).await? {
            Ok(action) => action,
            Err(to_login) => return Ok(to_login),
        };
    let kind = Reaction::parse(&form.kind).map_err(|e| PageError::BadRequest(e.to_string()))?;
    let id = comment_id(&comment)?;
    match service::react(&state, current.user.as_ref(), &article, id, kind).await {
        Ok(counts) if json => Ok(Json(serde_json::json!({
            "comment_id": id,
            "reactions": crate::api::comments::reaction_dtos(Some(&counts)),
        }))
        .into_response()),
        Ok(_) => Ok(see_other(jar, &format!("{back}#comment-{id}"))),
        Err(error) => Ok(refusal(&state, &edition, &error, json)),
    }
}

/// `POST /{edition}/comments/{article}/{comment}/report`.
pub async fn report(
    State(state): State<AppState>,
    Path((code, article_id, comment)): Path<(String, String, String)>,
    current: CurrentUser,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<ActionForm>,
) -> Result<Response, PageError> {
    let CommentAction { edition, article, json, .. } =
        match begin_action(&state, (&code, &article_id), &current, &headers, &jar, &form).await? {
            Ok(action) => action,
            Err(to_login) => return Ok(to_login),
        };
    let reason = ReportReason::parse(&form.reason).map_err(|e| PageError::BadRequest(e.to_string()))?;
    let id = comment_id(&comment)?;
    let t = state.locales.for_language(&edition.language);
    match service::report(&state, current.user.as_ref(), &article, id, reason, &form.note).await {
        Ok(()) if json => {
            Ok((StatusCode::CREATED, Json(serde_json::json!({"message": t.get("report-thanks")})))
                .into_response())
        }
        Ok(()) => Ok(crate::accounts::pages::message_page(
            &state,
            jar,
            &edition,
            StatusCode::OK,
            "report-title",
            t.get("report-thanks").into_owned(),
        )?),
        Err(error) => Ok(refusal(&state, &edition, &error, json)),
    }
}

#[derive(askama::Template)]
#[template(path = "discussion_report.html")]
struct ReportTemplate<'a> {
    frame: crate::view::Frame<'a>,
    author: String,
    html: String,
    action: String,
    csrf: String,
    back: String,
    reasons: Vec<(&'static str, String)>,
}

/// `GET /{edition}/comments/{article}/{comment}/report`: the report form.
pub async fn report_form(
    State(state): State<AppState>,
    Path((code, article_id, comment)): Path<(String, String, String)>,
    current: CurrentUser,
    jar: CookieJar,
) -> Result<Response, PageError> {
    use askama::Template as _;
    let (edition, article) = target(&state, &code, &article_id).await?;
    let id = comment_id(&comment)?;
    let action = format!("/{}/comments/{}/{id}/report", edition.code, article.card.id);
    if current.user.is_none() {
        return Ok(see_other(jar, &format!("/{}/login?next={}", edition.code, url_encode(&action))));
    }
    let shown = state
        .store
        .comment_by_id(id)
        .await?
        .filter(|c| c.article_id == article.card.id && c.status == dateline_core::CommentStatus::Approved)
        .ok_or(PageError::NotFound)?;
    let t = state.locales.for_language(&edition.language);
    let (jar, csrf) = csrf::form_token(jar, state.secure_cookies());
    let directory = state.directory();
    let mut frame =
        crate::view::Frame::new(&state, &directory, &edition, None, &t.get("comment-report"), &action);
    frame.noindex = true;
    let body = ReportTemplate {
        frame,
        author: shown.author_name.clone().unwrap_or_else(|| t.get("comment-former-reader").into_owned()),
        html: super::format::html_of(&shown),
        back: format!("/{}/comments/{}#comment-{id}", edition.code, article.card.id),
        action,
        csrf,
        reasons: ReportReason::ALL
            .iter()
            .map(|r| (r.as_str(), t.get(&format!("report-{}", r.as_str())).into_owned()))
            .collect(),
    }
    .render()?;
    Ok((
        jar,
        [(header::CACHE_CONTROL, "private, no-store"), (header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response())
}
