//! The discussion through the API: read an article's threads; with a
//! reader's bearer token, post, reply, react, report and delete. The same
//! rules as the pages apply (`discussion::service`).

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dateline_core::{CommentSort, CommentStatus, Reaction, ReportReason};
use dateline_store::{Article, ArticleId, Comment, CommentId, ReactionCount};
use serde::{Deserialize, Serialize};

use super::ApiError;
use super::auth::ApiUser;
use super::error::ErrorBody;
use crate::AppState;
use crate::client_addr::ClientAddr;
use crate::discussion::format::html_of;
use crate::discussion::service::{self, DiscussionError, ThreadPage};
use crate::view::iso;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReactionDto {
    /// `like`, `insightful`, `funny` or `sad`.
    pub kind: String,
    pub count: i64,
    /// The token's account left this reaction.
    pub mine: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CommentDto {
    pub id: i64,
    /// The thread's first comment (absent for that comment itself).
    pub root_id: Option<i64>,
    /// The comment this one answers.
    pub parent_id: Option<i64>,
    /// Absent once the author deleted their account and kept the comment.
    pub author: Option<String>,
    /// `approved`, `pending` (only its author sees it) or `deleted` (a
    /// thread's first comment whose replies stay).
    pub status: String,
    /// The text as typed.
    pub text: String,
    /// The text as the page shows it (the safe formatting subset).
    pub html: String,
    pub created_at: String,
    pub edited_at: Option<String>,
    pub reactions: Vec<ReactionDto>,
    #[schema(no_recursion)]
    pub replies: Vec<CommentDto>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CommentsPage {
    pub article_id: i64,
    /// Approved comments.
    pub count: i64,
    /// Whether the article takes new comments.
    pub open: bool,
    pub sort: String,
    /// The next page's `after`, when there is one.
    pub next: Option<String>,
    pub threads: Vec<CommentDto>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CommentsParams {
    /// `newest` (default), `oldest` or `top` (most reactions).
    sort: Option<String>,
    /// Where the page starts: the `next` of the page before (`3-1042`);
    /// the first page without. 20 threads per page.
    after: Option<String>,
}

/// A discussion rule's refusal, with its status and English message.
fn refused(error: DiscussionError) -> ApiError {
    match error {
        DiscussionError::Store(cause) => ApiError::Store(cause),
        other => ApiError::Refused(
            other.status(),
            other.to_string(),
            match other {
                DiscussionError::TooMany(seconds) => Some(seconds),
                _ => None,
            },
        ),
    }
}

async fn article(state: &AppState, id: ArticleId) -> Result<Article, ApiError> {
    state
        .store
        .article_by_id(id)
        .await?
        .filter(|a| a.status == dateline_core::ArticleStatus::Published)
        .ok_or_else(|| ApiError::NotFound(format!("no published article {id}")))
}

fn dto(comment: &Comment, reactions: Option<&Vec<ReactionCount>>) -> CommentDto {
    let deleted = comment.status == CommentStatus::Deleted;
    CommentDto {
        id: comment.id.get(),
        root_id: comment.root_id.map(CommentId::get),
        parent_id: comment.parent_id.map(CommentId::get),
        author: comment.author_name.clone(),
        status: comment.status.as_str().to_owned(),
        text: if deleted { String::new() } else { comment.body.clone() },
        html: if deleted { String::new() } else { html_of(comment) },
        created_at: iso(comment.created_at),
        edited_at: comment.edited_at.map(iso),
        reactions: reaction_dtos(reactions),
        replies: Vec::new(),
    }
}

pub(crate) fn reaction_dtos(reactions: Option<&Vec<ReactionCount>>) -> Vec<ReactionDto> {
    Reaction::ALL
        .iter()
        .map(|kind| {
            let found = reactions.and_then(|list| list.iter().find(|r| r.kind == kind.as_str()));
            ReactionDto {
                kind: kind.as_str().to_owned(),
                count: found.map_or(0, |r| r.count),
                mine: found.is_some_and(|r| r.mine),
            }
        })
        .collect()
}

/// An article's discussion: threads, each with its replies, oldest reply first.
#[utoipa::path(get, path = "/api/v1/articles/{id}/comments", tag = "discussion",
    params(("id" = i64, Path, description = "The article's id"), CommentsParams),
    responses(
        (status = 200, description = "A page of threads", body = CommentsPage),
        (status = 400, description = "A bad sort or `after`", body = ErrorBody),
        (status = 404, description = "No such published article", body = ErrorBody),
    ))]
pub async fn list_comments(
    State(state): State<AppState>,
    Path(id): Path<ArticleId>,
    Query(params): Query<CommentsParams>,
) -> Result<Json<CommentsPage>, ApiError> {
    let sort = CommentSort::parse(params.sort.as_deref().unwrap_or(""))
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let after = dateline_core::CommentCursor::from_param(params.after.as_deref())
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let article = article(&state, id).await?;
    // The same for every caller: a reader's own pending comments show on
    // the page, not here.
    let viewer_id = None;
    let ThreadPage { roots, replies, reactions, next } =
        service::thread_page(&state, id, sort, after, viewer_id).await?;
    let mut by_root: HashMap<CommentId, Vec<CommentDto>> = HashMap::new();
    for reply in &replies {
        by_root
            .entry(reply.root_id.unwrap_or_default())
            .or_default()
            .push(dto(reply, reactions.get(&reply.id)));
    }
    let threads = roots
        .iter()
        .map(|root| {
            let mut thread = dto(root, reactions.get(&root.id));
            thread.replies = by_root.remove(&root.id).unwrap_or_default();
            thread
        })
        .collect();
    Ok(Json(CommentsPage {
        article_id: id.get(),
        count: article.card.comment_count,
        open: service::openness(&state, &article, time::OffsetDateTime::now_utc()).is_open(),
        sort: sort.as_str().to_owned(),
        next: next.map(|cursor| cursor.to_string()),
        threads,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCommentDto {
    /// 1 to 4,000 characters: paragraphs, *emphasis*, **strong**, links, > quotes.
    pub text: String,
    /// Reply to this comment of the same article.
    pub parent_id: Option<i64>,
}

/// Posts a comment or a reply as the token's account. It is `approved`
/// (shown at once) or `pending` (waiting for a moderator).
#[utoipa::path(post, path = "/api/v1/articles/{id}/comments", tag = "discussion",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The article's id")),
    request_body = NewCommentDto,
    responses(
        (status = 201, description = "Posted", body = CommentDto),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "Comments are closed, the address is not confirmed, or the account is banned", body = ErrorBody),
        (status = 404, description = "No such article or parent comment", body = ErrorBody),
        (status = 409, description = "The parent comment was removed", body = ErrorBody),
        (status = 422, description = "Empty or too long", body = ErrorBody),
        (status = 429, description = "Too many comments; see Retry-After", body = ErrorBody),
    ))]
pub async fn post_comment(
    State(state): State<AppState>,
    Path(id): Path<ArticleId>,
    ApiUser(user): ApiUser,
    ClientAddr(address): ClientAddr,
    Json(new): Json<NewCommentDto>,
) -> Result<Response, ApiError> {
    let article = article(&state, id).await?;
    let comment =
        service::post(&state, Some(&user), &article, new.parent_id.map(CommentId::new), &new.text, address)
            .await
            .map_err(refused)?;
    Ok((StatusCode::CREATED, Json(dto(&comment, None))).into_response())
}

/// The comment and its published article.
async fn comment_target(state: &AppState, id: CommentId) -> Result<Article, ApiError> {
    let comment =
        state.store.comment_by_id(id).await?.ok_or_else(|| ApiError::NotFound(format!("no comment {id}")))?;
    article(state, comment.article_id).await
}

/// Deletes one of the token account's own comments (replies stay).
#[utoipa::path(delete, path = "/api/v1/comments/{id}", tag = "discussion",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The comment's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "Someone else's comment", body = ErrorBody),
        (status = 404, description = "No such comment", body = ErrorBody),
    ))]
pub async fn delete_comment(
    State(state): State<AppState>,
    Path(id): Path<CommentId>,
    ApiUser(user): ApiUser,
) -> Result<StatusCode, ApiError> {
    let article = comment_target(&state, id).await?;
    service::delete(&state, Some(&user), &article, id).await.map_err(refused)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReactionRequest {
    /// `like`, `insightful`, `funny` or `sad`; sending it again takes it back.
    pub kind: String,
}

/// Turns a reaction on (or, sent again, off).
#[utoipa::path(post, path = "/api/v1/comments/{id}/reactions", tag = "discussion",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The comment's id")),
    request_body = ReactionRequest,
    responses(
        (status = 200, description = "The comment's reactions now", body = [ReactionDto]),
        (status = 400, description = "Unknown reaction", body = ErrorBody),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "Comments are closed, or the account may not write", body = ErrorBody),
        (status = 404, description = "No such comment", body = ErrorBody),
    ))]
pub async fn react(
    State(state): State<AppState>,
    Path(id): Path<CommentId>,
    ApiUser(user): ApiUser,
    Json(request): Json<ReactionRequest>,
) -> Result<Json<Vec<ReactionDto>>, ApiError> {
    let kind = Reaction::parse(&request.kind).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let article = comment_target(&state, id).await?;
    let counts = service::react(&state, Some(&user), &article, id, kind).await.map_err(refused)?;
    Ok(Json(reaction_dtos(Some(&counts))))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// `spam`, `abuse`, `off-topic` or `other`.
    pub reason: String,
    /// Up to 500 characters for the moderator.
    #[serde(default)]
    pub note: String,
}

/// Reports someone else's comment to the moderators; the reporter is told
/// the outcome by e-mail.
#[utoipa::path(post, path = "/api/v1/comments/{id}/reports", tag = "discussion",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The comment's id")),
    request_body = ReportRequest,
    responses(
        (status = 201, description = "Reported"),
        (status = 400, description = "Unknown reason", body = ErrorBody),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "One's own comment", body = ErrorBody),
        (status = 404, description = "No such comment", body = ErrorBody),
        (status = 409, description = "Reported before", body = ErrorBody),
        (status = 422, description = "The note is too long", body = ErrorBody),
    ))]
pub async fn report(
    State(state): State<AppState>,
    Path(id): Path<CommentId>,
    ApiUser(user): ApiUser,
    Json(request): Json<ReportRequest>,
) -> Result<StatusCode, ApiError> {
    let reason = ReportReason::parse(&request.reason).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let article = comment_target(&state, id).await?;
    service::report(&state, Some(&user), &article, id, reason, &request.note).await.map_err(refused)?;
    Ok(StatusCode::CREATED)
}
