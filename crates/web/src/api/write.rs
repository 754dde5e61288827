//! The JSON API's write side: create, update, move through the workflow and
//! delete articles with a bearer token (`dateline token create`). The same
//! rules as the newsroom apply (`newsroom::workflow`): a contributor's token
//! writes drafts, an editor's publishes in its editions.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use dateline_core::{ArticleStatus, Slug};
use dateline_store::{Article, ArticleId, User};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::ApiError;
use super::auth::ApiUser;
use super::error::ErrorBody;
use crate::AppState;
use crate::newsroom::editor::ArticleForm;
use crate::newsroom::permissions;
use crate::newsroom::workflow::{WorkflowError, save_article};
use crate::view::article_path;

/// A JSON body whose rejection (malformed JSON, wrong content type) is an
/// [`ApiError`] like every other API error.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        Json::<T>::from_request(request, state)
            .await
            .map(|Json(value)| Self(value))
            .map_err(|rejection| ApiError::BadRequest(rejection.body_text()))
    }
}

/// An article's fields as an API client sends them.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleInput {
    /// Edition code, e.g. `en`.
    pub edition: String,
    /// Section slug in that edition, e.g. `world`.
    pub section: String,
    pub headline: String,
    /// Left empty, made from the headline.
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub lead: String,
    #[serde(default)]
    pub dateline_place: String,
    #[serde(default)]
    pub dateline_agency: String,
    /// Markdown.
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub image_caption: String,
    #[serde(default)]
    pub image_credit: String,
    /// Tag names (created when new), at most 10.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Author slugs of the same edition.
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub breaking: bool,
    /// Id of the same story in another edition.
    #[serde(default)]
    pub translation_of: Option<i64>,
    /// The main photo's media-bank id. Left out on update, the current
    /// photo stays; `0` removes it.
    #[serde(default)]
    pub main_media: Option<i64>,
    #[serde(default)]
    pub seo_title: String,
    #[serde(default)]
    pub seo_description: String,
    #[serde(default)]
    pub correction: String,
    /// The original time of publication (RFC 3339), for an archived or
    /// syndicated story; editors and admins only, never in the future.
    /// Left out: the moment of publishing (or, on update, unchanged).
    #[serde(default)]
    pub published_at: Option<String>,
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionInput {
    /// `submit`, `draft`, `schedule`, `publish` or `unpublish`.
    pub action: String,
    /// For `schedule`: when to publish (RFC 3339).
    #[serde(default)]
    pub publish_at: Option<String>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SavedDto {
    pub id: i64,
    /// `draft`, `in_review`, `scheduled`, `published` or `unpublished`.
    pub status: String,
    /// What was done: `save`, `submit`, `draft`, `schedule`, `publish`, `update`, `unpublish`.
    pub action: String,
    /// The public page, once published.
    pub url: Option<String>,
    /// The article in the newsroom editor.
    pub newsroom_url: String,
    /// The article's address in its edition.
    pub slug: String,
    /// The article's version now; also the `ETag` (`"v7"`). Send it back as
    /// `If-Match` to have an update refused (412) if someone saved meanwhile.
    pub version: i64,
    /// Something the client should know about what was saved, such as a
    /// taken address replaced by a free one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

/// A write's answer: the saved article and its version as the `ETag`.
#[derive(Debug)]
pub struct SavedResponse(StatusCode, SavedDto);

impl axum::response::IntoResponse for SavedResponse {
    fn into_response(self) -> axum::response::Response {
        let etag = super::error::version_etag(self.1.version);
        (self.0, [(axum::http::header::ETAG, etag)], Json(self.1)).into_response()
    }
}

/// The version an `If-Match` header names (`"v7"`, `W/"v7"`, or `*` for
/// any); `Err` when it names none this server makes.
fn if_match(headers: &axum::http::HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get(axum::http::header::IF_MATCH) else { return Ok(None) };
    let raw = value.to_str().unwrap_or("").trim();
    if raw == "*" {
        return Ok(None);
    }
    raw.trim_start_matches("W/")
        .trim_matches('"')
        .strip_prefix('v')
        .and_then(|n| n.parse::<i64>().ok())
        .map(Some)
        .ok_or_else(|| ApiError::BadRequest(format!("If-Match {raw:?} is not an article version (\"v7\")")))
}

/// An RFC 3339 time as the editor's `datetime-local` value (UTC).
fn local_value(raw: &str, field: &str) -> Result<String, ApiError> {
    let at = OffsetDateTime::parse(raw, &Rfc3339)
        .map_err(|_| ApiError::BadRequest(format!("`{field}` must be an RFC 3339 time")))?
        .to_offset(time::UtcOffset::UTC);
    Ok(crate::newsroom::editor::format_local(at))
}

fn staff(user: &User) -> Result<(), ApiError> {
    if user.role.is_staff() { Ok(()) } else { Err(ApiError::Forbidden) }
}

/// Turns API input into the editor's form (ids as the editor posts them).
async fn form_of(state: &AppState, input: ArticleInput) -> Result<ArticleForm, ApiError> {
    let directory = state.directory();
    let edition = directory.edition_by_code(&input.edition).cloned();
    let section = edition.as_ref().and_then(|e| {
        Slug::parse(&input.section).ok().and_then(|slug| directory.section(e.id, &slug).cloned())
    });
    let all_authors = state.store.authors().await?;
    let authors = input
        .authors
        .iter()
        .map(|slug| {
            all_authors
                .iter()
                .find(|a| a.slug.as_str() == slug && edition.as_ref().is_some_and(|e| e.id == a.edition_id))
                .map_or_else(|| "unknown".to_owned(), |a| a.id.to_string())
        })
        .collect();
    Ok(ArticleForm {
        edition: edition.map(|e| e.id.to_string()).unwrap_or_default(),
        section: section.map(|s| s.id.to_string()).unwrap_or_default(),
        headline: input.headline,
        slug: input.slug,
        lead: input.lead,
        place: input.dateline_place,
        agency: input.dateline_agency,
        body: input.body,
        main_media: input.main_media.filter(|id| *id != 0).map(|id| id.to_string()).unwrap_or_default(),
        caption: input.image_caption,
        credit: input.image_credit,
        tags: input.tags.join(", "),
        authors,
        breaking: input.breaking.then(|| "on".to_owned()),
        translation_of: input.translation_of.map(|id| id.to_string()).unwrap_or_default(),
        seo_title: input.seo_title,
        seo_description: input.seo_description,
        correction: input.correction,
        published_at: match input.published_at.as_deref() {
            Some(raw) => local_value(raw, "published_at")?,
            None => String::new(),
        },
        ..ArticleForm::default()
    })
}

async fn apply(
    state: &AppState,
    user: &User,
    article: Option<&Article>,
    form: &ArticleForm,
    action: &str,
) -> Result<SavedDto, ApiError> {
    let t = state.locales.for_language("en");
    let saved = save_article(state, t, user, article, form, action).await.map_err(|e| match e {
        WorkflowError::Invalid(errors) => {
            ApiError::Invalid(errors.iter().map(|(f, m)| (f.to_owned(), m.to_owned())).collect())
        }
        WorkflowError::NotAllowed => ApiError::Forbidden,
        WorkflowError::Stale(version) => ApiError::Stale(version),
        WorkflowError::Store(error) => ApiError::Store(error),
    })?;
    let article = state.store.article_by_id(saved.id).await?;
    let url = article.filter(|a| a.status == ArticleStatus::Published).and_then(|a| {
        state.directory().edition_by_id(a.card.edition_id).map(|e| {
            format!(
                "{}{}",
                state.config.public_url,
                article_path(e, a.card.published_at, a.card.slug.as_str())
            )
        })
    });
    let notice = saved.wanted_slug.as_ref().map(|wanted| {
        format!(
            "another story in this edition already had the address {wanted:?}, so this one got {:?}",
            saved.slug.as_str()
        )
    });
    Ok(SavedDto {
        id: saved.id.get(),
        status: saved.status.as_str().to_owned(),
        action: saved.verb,
        url,
        newsroom_url: format!("{}/newsroom/articles/{}", state.config.public_url, saved.id),
        slug: saved.slug.to_string(),
        version: saved.version,
        notice,
    })
}

async fn editable(state: &AppState, user: &User, raw_id: &str) -> Result<Article, ApiError> {
    let id: ArticleId = raw_id
        .parse()
        .map_err(|_| ApiError::BadRequest(format!("article id must be a whole number, not {raw_id:?}")))?;
    let article =
        state.store.article_by_id(id).await?.ok_or_else(|| ApiError::NotFound(format!("no article {id}")))?;
    if !permissions::can_edit(user, article.card.edition_id, article.status, article.created_by) {
        return Err(ApiError::Forbidden);
    }
    Ok(article)
}

/// Creates a draft.
#[utoipa::path(post, path = "/api/v1/articles", tag = "newsroom", security(("bearer" = [])),
    request_body = ArticleInput,
    responses(
        (status = 201, description = "The draft was created (`ETag`: its version)", body = SavedDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "The account may not write articles", body = ErrorBody),
        (status = 422, description = "Some fields are invalid", body = ErrorBody),
    ))]
pub async fn create_article(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<ArticleInput>,
) -> Result<SavedResponse, ApiError> {
    staff(&user)?;
    let form = form_of(&state, input).await?;
    let saved = apply(&state, &user, None, &form, "save").await?;
    Ok(SavedResponse(StatusCode::CREATED, saved))
}

/// Replaces an article's fields; its status stays (a published article is
/// updated). With `If-Match: "v7"` the update is refused (412) when the
/// article is no longer at version 7.
#[utoipa::path(put, path = "/api/v1/articles/{id}", tag = "newsroom", security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Article id"),
        ("If-Match" = Option<String>, Header, description = "The version the change is based on (`\"v7\"`, the ETag of the last answer)"),
    ),
    request_body = ArticleInput,
    responses(
        (status = 200, description = "Saved (`ETag`: the new version)", body = SavedDto),
        (status = 400, description = "Malformed JSON or If-Match", body = ErrorBody),
        (status = 412, description = "The article changed since the If-Match version", body = ErrorBody),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "The account may not edit this article", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 422, description = "Some fields are invalid", body = ErrorBody),
    ))]
pub async fn update_article(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    ApiJson(input): ApiJson<ArticleInput>,
) -> Result<SavedResponse, ApiError> {
    staff(&user)?;
    let expected = if_match(&headers)?;
    let article = editable(&state, &user, &id).await?;
    let keep_photo = input.main_media.is_none();
    let keep_time = input.published_at.is_none();
    let mut form = form_of(&state, input).await?;
    form.version = expected.map(|v| v.to_string()).unwrap_or_default();
    if keep_time {
        form.published_at = ArticleForm::from_article(&article, &state).published_at;
    }
    if keep_photo && let Some(image) = &article.card.image {
        form.main_media = image.media_id.to_string();
    }
    if form.slug.trim().is_empty() {
        // A published address does not move because a headline was edited.
        form.slug = article.card.slug.to_string();
    }
    Ok(SavedResponse(StatusCode::OK, apply(&state, &user, Some(&article), &form, "save").await?))
}

/// Moves an article through the workflow (`If-Match` as for updates).
#[utoipa::path(post, path = "/api/v1/articles/{id}/transitions", tag = "newsroom", security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Article id"),
        ("If-Match" = Option<String>, Header, description = "The version the transition is based on (`\"v7\"`)"),
    ),
    request_body = TransitionInput,
    responses(
        (status = 200, description = "Done (`ETag`: the new version)", body = SavedDto),
        (status = 412, description = "The article changed since the If-Match version", body = ErrorBody),
        (status = 400, description = "Unknown action or malformed time", body = ErrorBody),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "Not allowed for this account or from this status", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 422, description = "The article or the time is invalid", body = ErrorBody),
    ))]
pub async fn transition_article(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    ApiJson(input): ApiJson<TransitionInput>,
) -> Result<SavedResponse, ApiError> {
    staff(&user)?;
    let expected = if_match(&headers)?;
    if !["submit", "draft", "schedule", "publish", "unpublish"].contains(&input.action.as_str()) {
        return Err(ApiError::BadRequest(format!(
            "unknown action {:?}: use submit, draft, schedule, publish or unpublish",
            input.action
        )));
    }
    let article = editable(&state, &user, &id).await?;
    let mut form = ArticleForm::from_article(&article, &state);
    form.version = expected.map(|v| v.to_string()).unwrap_or_default();
    if let Some(raw) = &input.publish_at {
        form.publish_at = local_value(raw, "publish_at")?;
    }
    let saved = apply(&state, &user, Some(&article), &form, &input.action).await?;
    Ok(SavedResponse(StatusCode::OK, saved))
}

/// Deletes an article that is not published (unpublish it first).
#[utoipa::path(delete, path = "/api/v1/articles/{id}", tag = "newsroom", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Article id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "The account may not delete this article", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 409, description = "The article is published", body = ErrorBody),
    ))]
pub async fn delete_article(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    staff(&user)?;
    let article = editable(&state, &user, &id).await?;
    if article.status == ArticleStatus::Published {
        return Err(ApiError::Conflict("the article is published: unpublish it before deleting it".into()));
    }
    let id = article.card.id;
    // The story, its pending publication job and the audit entry, together.
    let mut tx = state.store.begin_write().await?;
    tx.cancel_jobs(crate::jobs::PUBLISH_ARTICLE, &id.to_string()).await?;
    tx.delete_article(id).await?;
    let subject = format!("article {id}");
    tx.record_audit(
        Some(user.id),
        Some(article.card.edition_id),
        "article.delete",
        &subject,
        &article.card.headline,
    )
    .await?;
    // Only a story that is not published is deleted: no page shows it.
    let place = crate::page_keys::StoryPlace::of_article(&article);
    let version = tx.record_page_change(&crate::page_keys::story_change(id, Some(&place), None, &[])).await?;
    tx.commit().await?;
    state.content_committed(version).await?;
    Ok(StatusCode::NO_CONTENT)
}
