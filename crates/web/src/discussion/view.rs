//! The discussion as readers see it: threads two levels deep (a reply to
//! a reply joins its thread, "in reply to" its parent's author), sorted
//! newest, oldest or most reacted, paged by thread. The article page shows
//! the first page; `/{edition}/comments/{article}` every page and sort.
//!
//! The article page is the same for every reader, logged in or not, and is
//! cached once: it shows the discussion as a guest sees it. A logged-in
//! reader's own parts (their comment form and its token, their reactions,
//! their comments waiting for a moderator, edit and delete) come from
//! `/{edition}/comments/{article}/me`, a small request the page's script
//! makes and lays over the shared section. Without the script, the
//! discussion page (rendered for its reader, never cached) has them all.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use dateline_core::{CommentCursor, CommentSort, CommentStatus, Reaction};
use dateline_store::{Article, ArticleId, Comment, Edition, ReactionCount, User};
use time::OffsetDateTime;

use super::format::html_of;
use super::rules::{EDIT_WINDOW, Openness};
use super::service;
use crate::AppState;
use crate::accounts::csrf;
use crate::accounts::session::{self, CurrentUser};
use crate::error::PageError;
use crate::i18n::Locale;
use crate::view::{Frame, Link, article_path, iso, url_encode};

#[derive(Debug)]
pub struct DiscussionView {
    pub article_id: ArticleId,
    pub count: i64,
    pub count_label: String,
    pub open: bool,
    /// "Comments are closed" or "reviewed before they appear".
    pub note: Option<String>,
    pub threads: Vec<CommentView>,
    pub sorts: Vec<Link>,
    pub newer_href: Option<String>,
    pub older_href: Option<String>,
    /// The discussion page, for every sort and page.
    pub all_href: String,
    pub login_href: String,
    pub register_href: String,
    /// Where the new-comment form posts.
    pub post_href: String,
    /// The reader's own view of this section, for the page's script.
    pub me_href: String,
    /// Shown on the shared article page (which a logged-in reader without
    /// the script is told to leave for the discussion page).
    pub shared: bool,
    /// The logged-in reader's form, or why they cannot write.
    pub viewer: Option<ViewerView>,
    /// A refused submission: its message and the text to keep.
    pub form_error: Option<String>,
    pub form_text: String,
    /// The form answers this comment: (id, its author).
    pub reply_to: Option<(dateline_store::CommentId, String)>,
}

#[derive(Debug)]
pub struct ViewerView {
    pub name: String,
    pub csrf: String,
    pub back: String,
    /// Why this reader cannot write here (not confirmed, banned, closed).
    pub blocked: Option<String>,
    pub verify_href: Option<String>,
}

#[derive(Debug)]
pub struct CommentView {
    pub id: i64,
    pub author: String,
    pub time_iso: String,
    pub time_label: String,
    pub html: String,
    pub edited: bool,
    /// Shown only to its author: it waits for a moderator.
    pub pending: bool,
    /// Deleted by its author; replies stay.
    pub deleted: bool,
    pub in_reply_to: Option<String>,
    pub reactions: Vec<ReactionView>,
    /// The viewer may react (the buttons are a form).
    pub reactable: bool,
    pub replies: Vec<CommentView>,
    pub actions: Option<CommentActions>,
}

#[derive(Debug, Clone)]
pub struct ReactionView {
    pub kind: &'static str,
    pub symbol: &'static str,
    pub label: String,
    pub count: i64,
    pub mine: bool,
}

/// What the logged-in viewer may do with a comment, and the form details.
#[derive(Debug, Clone)]
pub struct CommentActions {
    /// Where replies post (the discussion's address).
    pub post: String,
    /// This comment's address, before `/edit`, `/react` …
    pub base: String,
    pub csrf: String,
    pub back: String,
    pub reply: bool,
    pub react: bool,
    pub edit: bool,
    pub delete: bool,
    pub report: bool,
    /// The text as typed, for the edit form.
    pub source: String,
}

/// Reads one page of an article's discussion for `viewer`.
#[derive(Debug)]
pub struct DiscussionRequest<'a> {
    pub state: &'a AppState,
    pub edition: &'a Edition,
    pub article: &'a Article,
    pub viewer: Option<&'a User>,
    /// The CSRF token for the viewer's forms.
    pub csrf: String,
    /// The page the forms come back to.
    pub back: String,
    pub sort: CommentSort,
    /// Where the page starts; the first page without.
    pub after: Option<CommentCursor>,
}

impl DiscussionRequest<'_> {
    pub async fn load(self, t: &Locale) -> Result<DiscussionView, PageError> {
        let DiscussionRequest { state, edition, article, viewer, csrf, back, sort, after } = self;
        let now = OffsetDateTime::now_utc();
        let card = &article.card;
        let viewer_id = viewer.map(|u| u.id);
        let service::ThreadPage { roots, replies, reactions, next: next_page } =
            service::thread_page(state, card.id, sort, after, viewer_id).await?;
        let openness = service::openness(state, article, now);
        let writable = viewer.map(|user| service::may_write(Some(user), now));
        let can_write = matches!(writable, Some(Ok(_))) && openness.is_open();
        let base = format!("/{}/comments/{}", edition.code, card.id);
        let actions_for = |comment: &Comment| -> Option<CommentActions> {
            let user = viewer?;
            let visible = comment.status == CommentStatus::Approved;
            let mine = comment.user_id == Some(user.id);
            let live = matches!(comment.status, CommentStatus::Approved | CommentStatus::Pending);
            Some(CommentActions {
                post: base.clone(),
                base: format!("{base}/{}", comment.id),
                csrf: csrf.clone(),
                back: back.clone(),
                reply: can_write && visible,
                react: can_write && visible,
                edit: can_write && mine && live && now - comment.created_at <= EDIT_WINDOW,
                delete: mine && live,
                report: visible && !mine,
                source: if mine { comment.body.clone() } else { String::new() },
            })
        };
        let mut by_root: HashMap<dateline_store::CommentId, Vec<CommentView>> = HashMap::new();
        for reply in &replies {
            let view = comment_view(t, reply, reactions.get(&reply.id), actions_for(reply), now);
            by_root.entry(reply.root_id.unwrap_or_default()).or_default().push(view);
        }
        let threads = roots
            .iter()
            .map(|root| {
                let mut view = comment_view(t, root, reactions.get(&root.id), actions_for(root), now);
                view.replies = by_root.remove(&root.id).unwrap_or_default();
                view
            })
            .collect();

        let page_href = |sort: CommentSort, after: Option<CommentCursor>| {
            let mut href = format!("{base}?sort={}", sort.as_str());
            if let Some(after) = after {
                href.push_str(&format!("&after={after}"));
            }
            href.push_str("#discussion");
            href
        };
        let article_href = article_path(edition, card.published_at, card.slug.as_str());
        let next = url_encode(&format!("{article_href}#discussion"));
        let note = match openness {
            Openness::ClosedBySection | Openness::ClosedByAge => Some(t.get("comments-closed").into_owned()),
            Openness::Premoderated => Some(t.get("comments-premoderated").into_owned()),
            Openness::Open => None,
        };
        let viewer = viewer.map(|user| {
            let blocked = match &writable {
                Some(Err(error)) => Some(error.message(t)),
                _ if !openness.is_open() => Some(t.get("comments-closed").into_owned()),
                _ => None,
            };
            ViewerView {
                name: user.display_name.clone(),
                csrf: csrf.clone(),
                back: back.clone(),
                verify_href: (!user.email_verified).then(|| format!("/{}/account", edition.code)),
                blocked,
            }
        });
        Ok(DiscussionView {
            article_id: card.id,
            count: card.comment_count,
            count_label: t.count("comments-count", card.comment_count),
            open: openness.is_open(),
            note,
            threads,
            sorts: CommentSort::ALL
                .iter()
                .map(|s| Link {
                    href: page_href(*s, None),
                    label: t.get(&format!("sort-{}", s.as_str())).into_owned(),
                    current: *s == sort,
                })
                .collect(),
            // Back to the first page from a later one; on to the next.
            newer_href: after.is_some().then(|| page_href(sort, None)),
            older_href: next_page.map(|cursor| page_href(sort, Some(cursor))),
            all_href: page_href(sort, None),
            login_href: format!("/{}/login?next={next}", edition.code),
            register_href: format!("/{}/register?next={next}", edition.code),
            me_href: format!("{base}/me"),
            shared: false,
            post_href: base,
            viewer,
            form_error: None,
            form_text: String::new(),
            reply_to: None,
        })
    }
}

fn comment_view(
    t: &Locale,
    comment: &Comment,
    reactions: Option<&Vec<ReactionCount>>,
    actions: Option<CommentActions>,
    now: OffsetDateTime,
) -> CommentView {
    let deleted = comment.status == CommentStatus::Deleted;
    let reactions = Reaction::ALL
        .iter()
        .map(|kind| {
            let found = reactions.and_then(|list| list.iter().find(|r| r.kind == kind.as_str()));
            ReactionView {
                kind: kind.as_str(),
                symbol: kind.symbol(),
                label: t.get(&format!("reaction-{}", kind.as_str())).into_owned(),
                count: found.map_or(0, |r| r.count),
                mine: found.is_some_and(|r| r.mine),
            }
        })
        .collect();
    if let Some(author) = comment.user_id {
        crate::page_keys::shows(crate::page_keys::reader(author));
    }
    CommentView {
        id: comment.id.get(),
        author: comment.author_name.clone().unwrap_or_else(|| t.get("comment-former-reader").into_owned()),
        time_iso: iso(comment.created_at),
        time_label: if comment.created_at.date() == now.date() {
            t.time_of_day(comment.created_at)
        } else {
            t.date_time(comment.created_at)
        },
        html: if deleted { String::new() } else { html_of(comment) },
        edited: comment.edited_at.is_some(),
        pending: comment.status == CommentStatus::Pending,
        deleted,
        // A reply to a reply shows in its thread, saying whom it answers.
        in_reply_to: (comment.root_id.is_some() && comment.parent_id != comment.root_id).then(|| {
            comment.parent_author.clone().unwrap_or_else(|| t.get("comment-former-reader").into_owned())
        }),
        reactions,
        reactable: !deleted && actions.as_ref().is_some_and(|a| a.react),
        replies: Vec::new(),
        actions: if deleted { None } else { actions },
    }
}

#[derive(Template)]
#[template(path = "partials/comment_fragment.html")]
struct CommentFragment<'a> {
    t: &'a Locale,
    c: CommentView,
    reply: bool,
}

/// A comment as every guest sees it, for live events.
pub fn comment_fragment(t: &Locale, comment: &Comment) -> Result<String, askama::Error> {
    let view = comment_view(t, comment, None, None, OffsetDateTime::now_utc());
    CommentFragment { t, c: view, reply: comment.root_id.is_some() }.render()
}

#[derive(Template)]
#[template(path = "partials/discussion.html")]
struct DiscussionSection<'a> {
    t: &'a Locale,
    d: DiscussionView,
}

/// `GET /{edition}/comments/{article}/me`: the article page's discussion
/// section as this reader sees it (their form, token, reactions, pending
/// comments, edit and delete), which the page's script puts in place of
/// the shared one. A guest gets 204: the shared section is theirs. Never
/// cached anywhere.
pub async fn own_section(
    State(state): State<AppState>,
    Path((code, article_id)): Path<(String, String)>,
    current: CurrentUser,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let (edition, article) = super::pages::target(&state, &code, &article_id).await?;
    let private = [(header::CACHE_CONTROL, "private, no-store"), (header::VARY, "Cookie")];
    let Some(user) = current.user else {
        // The hint outlived its session (expired, ended elsewhere).
        return Ok((StatusCode::NO_CONTENT, session::without_hint(jar), private).into_response());
    };
    let t = state.locales.for_language(&edition.language);
    let (jar, csrf) = csrf::form_token(jar, state.secure_cookies());
    let back = article_path(&edition, article.card.published_at, article.card.slug.as_str());
    let d = DiscussionRequest {
        state: &state,
        edition: &edition,
        article: &article,
        viewer: Some(&user),
        csrf,
        back,
        sort: CommentSort::Newest,
        after: None,
    }
    .load(t)
    .await?;
    let body = DiscussionSection { t, d }.render()?;
    let jar = session::with_hint(jar, state.secure_cookies());
    Ok((jar, private, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response())
}

#[derive(Template)]
#[template(path = "discussion.html")]
struct DiscussionTemplate<'a> {
    frame: Frame<'a>,
    headline: String,
    article_href: String,
    d: DiscussionView,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct DiscussionParams {
    sort: Option<String>,
    /// Where the page starts (`3-1042`: the last thread of the page before).
    after: Option<String>,
    /// The comment the form answers (the "Reply" link).
    reply: Option<String>,
}

impl DiscussionParams {
    pub fn parse(&self) -> Result<(CommentSort, Option<CommentCursor>), PageError> {
        let sort = CommentSort::parse(self.sort.as_deref().unwrap_or(""))
            .map_err(|e| PageError::BadRequest(e.to_string()))?;
        let after = CommentCursor::from_param(self.after.as_deref())
            .map_err(|e| PageError::BadRequest(e.to_string()))?;
        Ok((sort, after))
    }
}

/// `GET /{edition}/comments/{article}`: the whole discussion, any sort and page.
pub async fn discussion_page(
    State(state): State<AppState>,
    Path((code, article_id)): Path<(String, String)>,
    Query(params): Query<DiscussionParams>,
    current: CurrentUser,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let (edition, article) = super::pages::target(&state, &code, &article_id).await?;
    let (sort, after) = params.parse()?;
    let reply_to = match params.reply.as_deref().filter(|r| !r.is_empty()) {
        None => None,
        Some(raw) => {
            let id: dateline_store::CommentId =
                raw.parse().map_err(|_| PageError::BadRequest("reply must be a comment's id".into()))?;
            let parent = state
                .store
                .comment_by_id(id)
                .await?
                .filter(|c| c.article_id == article.card.id && c.status == CommentStatus::Approved)
                .ok_or_else(|| {
                    PageError::BadRequest("that comment cannot be answered: it is not here".into())
                })?;
            let t = state.locales.for_language(&edition.language);
            Some((id, parent.author_name.unwrap_or_else(|| t.get("comment-former-reader").into_owned())))
        }
    };
    let options = PageOptions { sort, after, refused: None, reply_to, status: StatusCode::OK };
    render_page(&state, &edition, &article, current.user.as_ref(), jar, options).await
}

/// How to show the discussion page.
#[derive(Debug)]
pub struct PageOptions {
    pub sort: CommentSort,
    /// Where the page starts; the first page without.
    pub after: Option<CommentCursor>,
    /// A refused submission: its message and the typed text.
    pub refused: Option<(String, String)>,
    /// The comment the form answers: (id, author).
    pub reply_to: Option<(dateline_store::CommentId, String)>,
    pub status: StatusCode,
}

/// The discussion page for `viewer`.
pub async fn render_page(
    state: &AppState,
    edition: &Edition,
    article: &Article,
    viewer: Option<&User>,
    jar: CookieJar,
    options: PageOptions,
) -> Result<Response, PageError> {
    let PageOptions { sort, after, refused, reply_to, status } = options;
    let t = state.locales.for_language(&edition.language);
    let (jar, csrf) =
        if viewer.is_some() { csrf::form_token(jar, state.secure_cookies()) } else { (jar, String::new()) };
    let path = format!("/{}/comments/{}", edition.code, article.card.id);
    let mut back = format!("{path}?sort={}", sort.as_str());
    if let Some(after) = after {
        back.push_str(&format!("&after={after}"));
    }
    let mut d =
        DiscussionRequest { state, edition, article, viewer, csrf, back, sort, after }.load(t).await?;
    if let Some((message, text)) = refused {
        d.form_error = Some(message);
        d.form_text = text;
    }
    d.reply_to = reply_to;
    let directory = state.directory();
    let title = format!("{} — {}", t.get("discussion"), article.card.headline);
    let mut frame = Frame::new(state, &directory, edition, Some(article.card.section_id), &title, &path);
    // The article's page is the one to index; this one repeats its comments.
    frame.noindex = true;
    let template = DiscussionTemplate {
        frame,
        headline: article.card.headline.clone(),
        article_href: article_path(edition, article.card.published_at, article.card.slug.as_str()),
        d,
    };
    let body = template.render()?;
    let jar = if viewer.is_some() { session::with_hint(jar, state.secure_cookies()) } else { jar };
    Ok((
        status,
        jar,
        [(header::CACHE_CONTROL, "private, no-store"), (header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response())
}
