//! What readers do in a discussion — post, reply, edit, delete, react,
//! report — with every rule checked, shared by the page forms and the JSON
//! API. Each operation either does all it should (write, live event, fresh
//! article page) or nothing, and says why in a [`DiscussionError`].

use std::net::IpAddr;

use dateline_core::{ArticleStatus, CommentBody, CommentBodyError, CommentStatus, Reaction, ReportReason};
use dateline_store::{
    Article, ArticleId, Comment, CommentId, EditionId, NewComment, NewLiveEvent, ReactionCount, StoreError,
    User, UserId, WriteTx,
};
use time::{Duration, OffsetDateTime};

use super::rules::{BannedWords, EDIT_WINDOW, Openness, Submission, verdict};
use crate::AppState;
use crate::i18n::Locale;

/// Why a reader's action in a discussion was refused. Each says its
/// status and its message in the reader's language.
#[derive(Debug, thiserror::Error)]
pub enum DiscussionError {
    /// 401: nobody is logged in.
    #[error("log in to join the discussion")]
    LoginNeeded,
    /// 403: the address is not confirmed yet.
    #[error("confirm your email address first")]
    Unverified,
    /// 403: the account is banned until then.
    #[error("the account is banned from commenting")]
    Banned(OffsetDateTime),
    /// 403: the article takes no comments (its section's policy or its age).
    #[error("comments on this story are closed")]
    Closed,
    /// 422: the text is empty or too long.
    #[error("{0}")]
    Invalid(CommentBodyError),
    /// 422: a report's note is too long.
    #[error("a report's note is at most 500 characters long")]
    NoteTooLong,
    /// 404: no such comment under this article (or not one anyone may see).
    #[error("no such comment")]
    NoComment,
    /// 409: the comment replied to was removed meanwhile.
    #[error("the comment you reply to was removed")]
    ParentGone,
    /// 403: someone else's comment.
    #[error("only its author can change a comment")]
    NotYours,
    /// 403: the edit window passed.
    #[error("comments can be edited for 15 minutes after posting")]
    EditWindowPassed,
    /// 403: reporting one's own comment.
    #[error("you cannot report your own comment")]
    OwnComment,
    /// 409: reported before.
    #[error("you already reported this comment")]
    AlreadyReported,
    /// 429: too many comments too fast; retry after this many seconds.
    #[error("too many comments; wait a little")]
    TooMany(u64),
    /// 503: the database failed. Logged.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl DiscussionError {
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode as S;
        match self {
            Self::LoginNeeded => S::UNAUTHORIZED,
            Self::Unverified
            | Self::Banned(_)
            | Self::Closed
            | Self::NotYours
            | Self::EditWindowPassed
            | Self::OwnComment => S::FORBIDDEN,
            Self::Invalid(_) | Self::NoteTooLong => S::UNPROCESSABLE_ENTITY,
            Self::NoComment => S::NOT_FOUND,
            Self::ParentGone | Self::AlreadyReported => S::CONFLICT,
            Self::TooMany(_) => S::TOO_MANY_REQUESTS,
            Self::Store(_) => S::SERVICE_UNAVAILABLE,
        }
    }

    /// What the reader reads.
    pub fn message(&self, t: &Locale) -> String {
        match self {
            Self::LoginNeeded => t.get("discussion-guest").into_owned(),
            Self::Unverified => t.get("comment-unverified").into_owned(),
            Self::Banned(until) => {
                if until.year() >= 9999 {
                    t.get("comment-banned-forever").into_owned()
                } else {
                    t.arg("comment-banned", "until", &t.date_time(*until))
                }
            }
            Self::Closed => t.get("comments-closed").into_owned(),
            Self::Invalid(CommentBodyError::Empty) => t.get("comment-empty").into_owned(),
            Self::Invalid(CommentBodyError::TooLong(count)) => {
                let mut args = fluent_bundle::FluentArgs::new();
                args.set("max", CommentBody::MAX_CHARS);
                args.set("count", *count);
                t.format("comment-too-long", Some(&args)).into_owned()
            }
            Self::NoteTooLong => t.get("report-note-long").into_owned(),
            Self::NoComment => t.get("comment-missing").into_owned(),
            Self::ParentGone => t.get("comment-parent-gone").into_owned(),
            Self::NotYours => t.get("comment-not-yours").into_owned(),
            Self::EditWindowPassed => t.get("comment-edit-window").into_owned(),
            Self::OwnComment => t.get("report-own").into_owned(),
            Self::AlreadyReported => t.get("report-twice").into_owned(),
            Self::TooMany(seconds) => t.count("comment-too-many", *seconds as i64),
            Self::Store(_) => t.get("server-error-text").into_owned(),
        }
    }
}

/// The published article `id` of edition `edition_id`, or `None`.
pub async fn published_article(
    state: &AppState,
    edition_id: EditionId,
    id: ArticleId,
) -> Result<Option<Article>, StoreError> {
    Ok(state
        .store
        .article_by_id(id)
        .await?
        .filter(|a| a.status == ArticleStatus::Published && a.card.edition_id == edition_id))
}

/// A page of a discussion as the store holds it: threads, their replies
/// (oldest first) and every comment's reactions.
#[derive(Debug)]
pub struct ThreadPage {
    pub roots: Vec<Comment>,
    pub replies: Vec<Comment>,
    pub reactions: std::collections::HashMap<CommentId, Vec<ReactionCount>>,
    /// Where the next page starts (when there is one): after the last thread of this one.
    pub next: Option<dateline_core::CommentCursor>,
}

/// Threads per page.
pub const THREADS_PER_PAGE: i64 = 20;

/// Reads the page of an article's threads after `after` (the first page
/// without one) as `viewer_id` sees them.
pub async fn thread_page(
    state: &AppState,
    article_id: ArticleId,
    sort: dateline_core::CommentSort,
    after: Option<dateline_core::CommentCursor>,
    viewer_id: Option<UserId>,
) -> Result<ThreadPage, StoreError> {
    let query =
        dateline_store::ThreadQuery { article_id, sort, after, limit: THREADS_PER_PAGE + 1, viewer_id };
    let mut roots = state.store.comment_threads(&query).await?;
    let more = roots.len() as i64 > THREADS_PER_PAGE;
    roots.truncate(THREADS_PER_PAGE as usize);
    let next = roots
        .last()
        .filter(|_| more)
        .map(|last| dateline_core::CommentCursor { reactions: last.reaction_count, id: last.id.get() });
    let root_ids: Vec<CommentId> = roots.iter().map(|c| c.id).collect();
    let replies = state.store.comment_replies(&root_ids, viewer_id).await?;
    let ids: Vec<CommentId> = roots.iter().chain(&replies).map(|c| c.id).collect();
    let mut reactions: std::collections::HashMap<CommentId, Vec<ReactionCount>> =
        std::collections::HashMap::new();
    for r in state.store.comment_reactions(&ids, viewer_id).await? {
        reactions.entry(r.comment_id).or_default().push(r);
    }
    Ok(ThreadPage { roots, replies, reactions, next })
}

/// Whether this article takes comments now.
pub fn openness(state: &AppState, article: &Article, now: OffsetDateTime) -> Openness {
    let policy = state
        .directory()
        .section_by_id(article.card.section_id)
        .map(|s| s.comment_policy)
        .unwrap_or_default();
    Openness::of(policy, article.card.published_at, now, &state.config.discussion)
}

/// May this account write at all (logged in, confirmed, not banned)?
pub fn may_write(user: Option<&User>, now: OffsetDateTime) -> Result<&User, DiscussionError> {
    let user = user.ok_or(DiscussionError::LoginNeeded)?;
    if let Some(until) = user.banned_at(now) {
        return Err(DiscussionError::Banned(until));
    }
    if !user.email_verified {
        return Err(DiscussionError::Unverified);
    }
    Ok(user)
}

async fn banned_words(state: &AppState) -> Result<BannedWords, StoreError> {
    Ok(BannedWords::parse(&state.store.site_setting(BannedWords::SETTING).await?.unwrap_or_default()))
}

/// Refuses a comment beyond the account's or the address's allowance.
async fn check_rate(
    state: &AppState,
    user: &User,
    address: IpAddr,
    now: OffsetDateTime,
) -> Result<(), DiscussionError> {
    let limits = &state.config.discussion;
    let address = address.to_string();
    let (by_user, by_address) =
        state.store.recent_comment_counts(user.id, &address, now - Duration::minutes(1)).await?;
    if by_user >= i64::from(limits.per_account_per_minute)
        || by_address >= i64::from(limits.per_address_per_minute)
    {
        return Err(DiscussionError::TooMany(60));
    }
    let (hourly, _) = state.store.recent_comment_counts(user.id, &address, now - Duration::hours(1)).await?;
    if hourly >= i64::from(limits.per_account_per_hour) {
        return Err(DiscussionError::TooMany(15 * 60));
    }
    Ok(())
}

fn staff(user: &User) -> bool {
    user.role.is_staff()
}

/// Posts a comment, or a reply to `parent_id`.
pub async fn post(
    state: &AppState,
    user: Option<&User>,
    article: &Article,
    parent_id: Option<CommentId>,
    text: &str,
    address: IpAddr,
) -> Result<Comment, DiscussionError> {
    let now = OffsetDateTime::now_utc();
    let user = may_write(user, now)?;
    let openness = openness(state, article, now);
    if !openness.is_open() {
        return Err(DiscussionError::Closed);
    }
    let body = CommentBody::parse(text).map_err(DiscussionError::Invalid)?;
    if let Some(parent_id) = parent_id {
        match state.store.comment_by_id(parent_id).await? {
            Some(parent)
                if parent.article_id == article.card.id && parent.status == CommentStatus::Approved => {}
            Some(parent) if parent.article_id == article.card.id => return Err(DiscussionError::ParentGone),
            _ => return Err(DiscussionError::NoComment),
        }
    }
    check_rate(state, user, address, now).await?;
    let approved_before = approved_before(state, user).await?;
    let submission = Submission { openness, approved_before, staff: staff(user), text: body.as_str() };
    let (status, held_reason) = verdict(&submission, &banned_words(state).await?, &state.config.discussion);
    let new = NewComment {
        article_id: article.card.id,
        parent_id,
        user_id: user.id,
        html: super::format::comment_html(body.as_str()),
        body: body.into_inner(),
        status,
        held_reason: held_reason.to_owned(),
        client_address: address.to_string(),
    };
    // The comment, its article's count and the event open pages follow
    // commit together.
    let mut tx = state.store.begin_write().await?;
    let (comment, count) = tx.add_comment(&new, now).await.map_err(|e| match e {
        StoreError::Conflict(_) => DiscussionError::ParentGone,
        other => other.into(),
    })?;
    let event = if status == CommentStatus::Approved {
        comment_event(state, article, &comment, "comment-added", count)
    } else {
        None
    };
    commit(state, article, tx, event, &crate::page_keys::comments_changed(article.card.id), now).await?;
    metrics::counter!("dateline_comments_posted_total", "status" => status.as_str()).increment(1);
    tracing::info!(
        comment = comment.id.get(),
        article = article.card.id.get(),
        user = user.id.get(),
        status = status.as_str(),
        held_reason,
        "comment posted"
    );
    Ok(comment)
}

/// A comment of this article that its author still sees.
async fn own_comment(
    state: &AppState,
    user: &User,
    article: &Article,
    comment_id: CommentId,
) -> Result<Comment, DiscussionError> {
    let comment = state
        .store
        .comment_by_id(comment_id)
        .await?
        .filter(|c| c.article_id == article.card.id)
        .filter(|c| matches!(c.status, CommentStatus::Approved | CommentStatus::Pending))
        .ok_or(DiscussionError::NoComment)?;
    if comment.user_id != Some(user.id) {
        return Err(DiscussionError::NotYours);
    }
    Ok(comment)
}

/// Replaces the text of one's own comment within the edit window. The new
/// text passes the same rules (banned words hold it again).
pub async fn edit(
    state: &AppState,
    user: Option<&User>,
    article: &Article,
    comment_id: CommentId,
    text: &str,
) -> Result<Comment, DiscussionError> {
    let now = OffsetDateTime::now_utc();
    let user = may_write(user, now)?;
    let comment = own_comment(state, user, article, comment_id).await?;
    if now - comment.created_at > EDIT_WINDOW {
        return Err(DiscussionError::EditWindowPassed);
    }
    let openness = openness(state, article, now);
    if !openness.is_open() {
        return Err(DiscussionError::Closed);
    }
    let body = CommentBody::parse(text).map_err(DiscussionError::Invalid)?;
    let approved_before = approved_before(state, user).await?;
    let submission = Submission { openness, approved_before, staff: staff(user), text: body.as_str() };
    let (verdict_status, verdict_reason) =
        verdict(&submission, &banned_words(state).await?, &state.config.discussion);
    // A pending comment keeps waiting (for its first reason); an approved
    // one stays approved unless the new text itself needs a look.
    let (status, reason) = match (comment.status, verdict_status) {
        (CommentStatus::Pending, CommentStatus::Approved) => {
            (CommentStatus::Pending, comment.held_reason.clone())
        }
        (CommentStatus::Approved, CommentStatus::Pending)
            if verdict_reason == super::rules::held::NEW_ACCOUNT =>
        {
            (CommentStatus::Approved, String::new())
        }
        (_, status) => (status, verdict_reason.to_owned()),
    };
    let mut tx = state.store.begin_write().await?;
    let html = super::format::comment_html(body.as_str());
    let count = tx
        .edit_comment(comment.id, body.as_str(), &html, status, &reason, now)
        .await?
        .ok_or(DiscussionError::NoComment)?;
    let edited = tx.comment_by_id(comment.id).await?.ok_or(DiscussionError::NoComment)?;
    let event = match (comment.status, status) {
        (CommentStatus::Approved, CommentStatus::Approved) => {
            comment_event(state, article, &edited, "comment-changed", count)
        }
        (CommentStatus::Approved, _) => comment_removed_event(state, article, comment.id, count),
        _ => None,
    };
    commit(state, article, tx, event, &crate::page_keys::comments_changed(article.card.id), now).await?;
    Ok(edited)
}

/// Deletes one's own comment; replies of others under it stay.
pub async fn delete(
    state: &AppState,
    user: Option<&User>,
    article: &Article,
    comment_id: CommentId,
) -> Result<(), DiscussionError> {
    let user = user.ok_or(DiscussionError::LoginNeeded)?;
    let comment = own_comment(state, user, article, comment_id).await?;
    let now = OffsetDateTime::now_utc();
    let mut tx = state.store.begin_write().await?;
    let (_, count) = tx
        .set_comment_status(comment.id, CommentStatus::Deleted, None, now)
        .await?
        .ok_or(DiscussionError::NoComment)?;
    let event = if comment.status == CommentStatus::Approved {
        comment_removed_event(state, article, comment.id, count)
    } else {
        None
    };
    commit(state, article, tx, event, &crate::page_keys::comments_changed(article.card.id), now).await?;
    tracing::info!(comment = comment.id.get(), user = user.id.get(), "comment deleted by its author");
    Ok(())
}

/// An approved comment of this article, for reactions and reports.
async fn visible_comment(
    state: &AppState,
    article: &Article,
    comment_id: CommentId,
) -> Result<Comment, DiscussionError> {
    state
        .store
        .comment_by_id(comment_id)
        .await?
        .filter(|c| c.article_id == article.card.id && c.status == CommentStatus::Approved)
        .ok_or(DiscussionError::NoComment)
}

/// Turns a reaction on or off; returns the comment's reactions after.
pub async fn react(
    state: &AppState,
    user: Option<&User>,
    article: &Article,
    comment_id: CommentId,
    kind: Reaction,
) -> Result<Vec<ReactionCount>, DiscussionError> {
    let now = OffsetDateTime::now_utc();
    let user = may_write(user, now)?;
    if !openness(state, article, now).is_open() {
        return Err(DiscussionError::Closed);
    }
    let comment = visible_comment(state, article, comment_id).await?;
    // The reaction and the page change it makes commit together.
    let mut tx = state.store.begin_write().await?;
    tx.toggle_reaction(comment.id, user.id, kind, now).await?;
    commit(state, article, tx, None, &[crate::page_keys::talk(article.card.id)], now).await?;
    Ok(state.store.comment_reactions(&[comment.id], Some(user.id)).await?)
}

/// Reports someone else's comment to the moderators.
pub async fn report(
    state: &AppState,
    user: Option<&User>,
    article: &Article,
    comment_id: CommentId,
    reason: ReportReason,
    note: &str,
) -> Result<(), DiscussionError> {
    let user = user.ok_or(DiscussionError::LoginNeeded)?;
    let note = note.trim();
    if note.chars().count() > 500 {
        return Err(DiscussionError::NoteTooLong);
    }
    let comment = visible_comment(state, article, comment_id).await?;
    if comment.user_id == Some(user.id) {
        return Err(DiscussionError::OwnComment);
    }
    match state.store.report_comment(comment.id, user.id, reason, note, OffsetDateTime::now_utc()).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => return Err(DiscussionError::AlreadyReported),
        Err(other) => return Err(other.into()),
    }
    metrics::counter!("dateline_comment_reports_total").increment(1);
    tracing::info!(
        comment = comment.id.get(),
        reporter = user.id.get(),
        reason = reason.as_str(),
        "comment reported"
    );
    Ok(())
}

/// Commits a reader's action on a comment with the live event open pages
/// of the article follow (if any) and the page change (`keys`: its
/// discussion, and its count when that changed), then applies both here
/// (other nodes read them from the logs).
async fn commit(
    state: &AppState,
    article: &Article,
    mut tx: Box<dyn WriteTx>,
    event: Option<NewLiveEvent>,
    keys: &[String],
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let version = tx.record_page_change(keys).await?;
    if let Some(event) = &event {
        tx.append_live_event(event, now).await?;
    }
    tx.commit().await?;
    // Done and kept: a failure to apply it here leaves cached pages to the
    // follower's next second, and is no reason to tell the reader it failed.
    if let Err(error) = state.content_committed(version).await {
        tracing::warn!(%error, article = article.card.id.get(), "could not apply a discussion's page change");
    }
    Ok(())
}

/// The live event of a comment shown or changed (`kind`), with the
/// article's comment count after the change; `None` when the comment
/// cannot be rendered (logged).
pub fn comment_event(
    state: &AppState,
    article: &Article,
    comment: &Comment,
    kind: &str,
    count: i64,
) -> Option<NewLiveEvent> {
    let directory = state.directory();
    let edition = directory.edition_by_id(article.card.edition_id)?;
    let t = state.locales.for_language(&edition.language);
    let html = match super::view::comment_fragment(t, comment) {
        Ok(html) => html,
        Err(error) => {
            tracing::warn!(%error, comment = comment.id.get(), "could not render a comment for its live event");
            return None;
        }
    };
    let data = serde_json::json!({
        "article_id": article.card.id,
        "comment_id": comment.id,
        "root_id": comment.root_id,
        "html": html,
        "count": count,
        "count_label": t.count("comments-count", count),
    });
    Some(article_event(article, kind, data))
}

/// The live event of a comment that went away.
pub fn comment_removed_event(
    state: &AppState,
    article: &Article,
    comment_id: CommentId,
    count: i64,
) -> Option<NewLiveEvent> {
    let directory = state.directory();
    let edition = directory.edition_by_id(article.card.edition_id)?;
    let t = state.locales.for_language(&edition.language);
    let data = serde_json::json!({
        "article_id": article.card.id,
        "comment_id": comment_id,
        "count": count,
        "count_label": t.count("comments-count", count),
    });
    Some(article_event(article, "comment-removed", data))
}

fn article_event(article: &Article, kind: &str, data: serde_json::Value) -> NewLiveEvent {
    NewLiveEvent {
        edition_id: article.card.edition_id,
        kind: kind.to_owned(),
        section_id: Some(article.card.section_id),
        article_id: Some(article.card.id),
        breaking: false,
        data: data.to_string(),
    }
}

/// The reader's approved comments, as far as the rules look: holding a
/// newcomer's first ones, and their links.
async fn approved_before(state: &AppState, user: &User) -> Result<i64, StoreError> {
    let rules = &state.config.discussion;
    let cap = i64::from(rules.hold_first.max(rules.links_after));
    state.store.approved_comments_up_to(user.id, cap).await
}
