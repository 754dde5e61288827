//! The moderation queue at `/newsroom/comments` (editors and admins):
//! comments held for review, comments readers reported, the newest
//! approved ones and the rejected ones. Each item shows what a moderator
//! needs to decide — the text, the story, why it was held or reported, the
//! author's address, age and record — and three buttons: approve, reject,
//! reject and ban (for a day, a week, a month or for good). Keys work too:
//! `j`/`k` move, `a` approves, `r` rejects, `b` bans (`app.js`).
//!
//! Every decision is in the audit log; readers who reported a comment are
//! told by e-mail whether it stays or goes; an approved comment reaches
//! open pages at once. `/newsroom/comments/settings` keeps the banned
//! words, each section's comment policy and the list of bans.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum_extra::extract::CookieJar;
use dateline_core::{BanLength, CommentPolicy, CommentStatus, Role};
use dateline_store::{EditionId, QueueItem, QueueView, SectionId, User, UserId};
use serde::Deserialize;
use time::OffsetDateTime;

use super::{NewsroomFrame, Staff, locale, no_store_page};
use crate::AppState;
use crate::accounts::csrf;
use crate::accounts::mail::OutgoingMail;
use crate::accounts::pages::see_other;
use crate::discussion::format::html_of;
use crate::discussion::rules::BannedWords;
use crate::discussion::service;
use crate::error::PageError;
use crate::i18n::Locale;
use crate::view::{Link, article_path, iso};

/// Items a queue page shows at most.
const QUEUE_LENGTH: i64 = 100;

/// Moderators: editors and admins (in the editions they work in).
pub fn can_moderate(user: &User, edition_id: EditionId) -> bool {
    user.role >= Role::Editor && super::permissions::in_edition(user, edition_id)
}

fn moderator(user: User) -> Result<User, PageError> {
    if user.role >= Role::Editor { Ok(user) } else { Err(PageError::NotAllowed) }
}

#[derive(Debug)]
struct QueueLine {
    id: i64,
    author: String,
    author_email: String,
    author_since: String,
    author_approved: i64,
    banned_until: Option<String>,
    address: String,
    time_iso: String,
    time_label: String,
    html: String,
    held_reason: Option<String>,
    reports: Vec<String>,
    article_headline: String,
    article_href: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "newsroom/comments.html")]
struct QueueTemplate<'a> {
    frame: NewsroomFrame<'a>,
    views: Vec<Link>,
    view: &'static str,
    lines: Vec<QueueLine>,
    bans: Vec<(&'static str, String)>,
    message: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct QueueParams {
    view: Option<String>,
    done: Option<String>,
}

fn parse_view(raw: &str) -> Result<(QueueView, &'static str), PageError> {
    match raw {
        "" | "pending" => Ok((QueueView::Pending, "pending")),
        "reported" => Ok((QueueView::Reported, "reported")),
        "recent" => Ok((QueueView::Recent, "recent")),
        "rejected" => Ok((QueueView::Rejected, "rejected")),
        _ => Err(PageError::BadRequest("view is one of: pending, reported, recent, rejected".into())),
    }
}

fn ban_label(t: &Locale, length: BanLength) -> String {
    t.get(&format!("ban-{}", length.as_str())).into_owned()
}

fn line(state: &AppState, t: &Locale, item: QueueItem) -> QueueLine {
    let directory = state.directory();
    let article_href = directory
        .edition_by_id(item.article_edition_id)
        .map(|e| article_path(e, item.article_published_at, item.article_slug.as_str()))
        .unwrap_or_default();
    let now = OffsetDateTime::now_utc();
    let c = &item.comment;
    QueueLine {
        id: c.id.get(),
        author: c.author_name.clone().unwrap_or_else(|| t.get("comment-former-reader").into_owned()),
        author_email: item.author_email.clone().unwrap_or_default(),
        author_since: item.author_since.map(|at| t.date_time(at)).unwrap_or_default(),
        author_approved: item.author_approved,
        banned_until: item
            .author_banned_until
            .filter(|u| *u > now)
            .map(|u| if u.year() >= 9999 { t.get("ban-forever").into_owned() } else { t.date_time(u) }),
        address: item.client_address.clone(),
        time_iso: iso(c.created_at),
        time_label: t.date_time(c.created_at),
        html: html_of(c),
        held_reason: (!c.held_reason.is_empty())
            .then(|| t.get(&format!("held-{}", c.held_reason)).into_owned()),
        reports: item
            .reports
            .iter()
            .map(|(reason, note)| {
                let reason = t.get(&format!("report-{reason}")).into_owned();
                if note.is_empty() { reason } else { format!("{reason}: {note}") }
            })
            .collect(),
        article_headline: item.article_headline,
        article_href,
        status: c.status.as_str(),
    }
}

/// `GET /newsroom/comments?view=pending|reported|recent|rejected`.
pub async fn queue(
    State(state): State<AppState>,
    Staff(user): Staff,
    Query(params): Query<QueueParams>,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let user = moderator(user)?;
    let t = locale(&state, &headers);
    let (view, view_name) = parse_view(params.view.as_deref().unwrap_or(""))?;
    let (pending, reported) = state.store.moderation_counts().await?;
    let items = state.store.moderation_queue(view, QUEUE_LENGTH).await?;
    let lines = items
        .into_iter()
        .filter(|item| can_moderate(&user, item.article_edition_id))
        .map(|item| line(&state, t, item))
        .collect();
    let views =
        [("pending", Some(pending)), ("reported", Some(reported)), ("recent", None), ("rejected", None)]
            .into_iter()
            .map(|(name, count)| Link {
                href: format!("/newsroom/comments?view={name}"),
                label: match count {
                    Some(n) => format!("{} ({n})", t.get(&format!("queue-{name}"))),
                    None => t.get(&format!("queue-{name}")).into_owned(),
                },
                current: name == view_name,
            })
            .collect();
    let message = match params.done.as_deref() {
        Some(done @ ("approved" | "rejected" | "banned")) => {
            Some(t.get(&format!("moderated-{done}")).into_owned())
        }
        _ => None,
    };
    let (jar, token) = csrf::form_token(jar, state.secure_cookies());
    let template = QueueTemplate {
        frame: NewsroomFrame::new(&state, t, &user, &t.get("moderation"), token),
        views,
        view: view_name,
        lines,
        bans: BanLength::CHOICES.iter().map(|b| (b.as_str(), ban_label(t, *b))).collect(),
        message,
    };
    Ok(no_store_page(StatusCode::OK, jar, template.render()?))
}

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    ban: String,
    #[serde(default)]
    view: String,
}

/// `POST /newsroom/comments/{id}`: approve, reject or reject-and-ban.
pub async fn decide(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    jar: CookieJar,
    Form(form): Form<DecisionForm>,
) -> Result<Response, PageError> {
    csrf::check(&jar, &form.csrf)?;
    let user = moderator(user)?;
    let (_, view_name) = parse_view(&form.view)?;
    let id: dateline_store::CommentId = id.parse().map_err(|_| PageError::NotFound)?;
    let comment = state.store.comment_by_id(id).await?.ok_or(PageError::NotFound)?;
    let article = state.store.article_by_id(comment.article_id).await?.ok_or(PageError::NotFound)?;
    if !can_moderate(&user, article.card.edition_id) {
        return Err(PageError::NotAllowed);
    }
    if comment.status == CommentStatus::Deleted {
        return Err(PageError::Refused(StatusCode::CONFLICT, "its author deleted this comment".into()));
    }
    let ban = match form.action.as_str() {
        "approve" | "reject" => None,
        "ban" => Some(BanLength::parse(&form.ban).map_err(|e| PageError::BadRequest(e.to_string()))?),
        _ => return Err(PageError::BadRequest("action is one of: approve, reject, ban".into())),
    };
    let now = OffsetDateTime::now_utc();
    let approve = form.action == "approve";
    let status = if approve { CommentStatus::Approved } else { CommentStatus::Rejected };
    let was = comment.status;
    let excerpt: String = comment.body.chars().take(120).collect();
    let action = if approve { "comment.approve" } else { "comment.reject" };
    let edition_id = Some(article.card.edition_id);
    // One transaction: the decision, the ban, their audit entries, the
    // reports closed with the mails to their readers, and the live event
    // open pages follow.
    let mut tx = state.store.begin_write().await?;
    let Some((_, count)) = tx.set_comment_status(id, status, Some(user.id), now).await? else {
        return Err(PageError::NotFound);
    };
    tx.record_audit(Some(user.id), edition_id, action, &format!("comment {id}"), &excerpt).await?;
    if let (Some(length), Some(author)) = (ban, comment.user_id) {
        tx.set_ban(author, Some(length.until(now)), &format!("comment {id}")).await?;
        let name = comment.author_name.clone().unwrap_or_default();
        tx.record_audit(
            Some(user.id),
            edition_id,
            "user.ban",
            &format!("user {author} ({name})"),
            length.as_str(),
        )
        .await?;
        tracing::info!(
            moderator = user.id.get(),
            user = author.get(),
            ban = length.as_str(),
            "reader banned"
        );
    }
    let outcome = if approve { "kept" } else { "removed" };
    for reporter in tx.resolve_reports(id, outcome, now).await? {
        if let Some(mail) = report_mail(&state, &article, &reporter, outcome) {
            tx.enqueue_job(crate::accounts::mail::SEND_MAIL, &mail.payload(), now).await?;
        }
    }
    let event = match (was, status) {
        (CommentStatus::Approved, CommentStatus::Approved) => None,
        (_, CommentStatus::Approved) => {
            let shown = dateline_store::Comment { status: CommentStatus::Approved, ..comment.clone() };
            service::comment_event(&state, &article, &shown, "comment-added", count)
        }
        (CommentStatus::Approved, _) => service::comment_removed_event(&state, &article, id, count),
        _ => None,
    };
    let version = tx.record_page_change(&crate::page_keys::comments_changed(article.card.id)).await?;
    if let Some(event) = &event {
        tx.append_live_event(event, now).await?;
    }
    tx.commit().await?;
    tracing::info!(moderator = user.id.get(), comment = id.get(), action, "comment moderated");
    metrics::counter!("dateline_comments_moderated_total", "action" => action).increment(1);
    if let Err(error) = state.content_committed(version).await {
        tracing::warn!(%error, "could not read the change logs after a decision");
    }
    let done = if ban.is_some() {
        "banned"
    } else if approve {
        "approved"
    } else {
        "rejected"
    };
    Ok(see_other(jar, &format!("/newsroom/comments?view={view_name}&done={done}")))
}

/// The mail that tells a reader who reported a comment what was decided.
fn report_mail(
    state: &AppState,
    article: &dateline_store::Article,
    reporter: &dateline_store::ResolvedReport,
    outcome: &str,
) -> Option<OutgoingMail> {
    let directory = state.directory();
    let edition = directory.edition_by_id(article.card.edition_id)?;
    let t = state.locales.for_language(&edition.language);
    let link = format!(
        "{}{}#discussion",
        state.config.public_url,
        article_path(edition, article.card.published_at, article.card.slug.as_str())
    );
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("name", reporter.reporter_name.clone());
    args.set("headline", article.card.headline.clone());
    args.set("link", link);
    Some(OutgoingMail {
        to: reporter.reporter_email.clone(),
        subject: t.get("mail-report-subject").into_owned(),
        text: t.format(&format!("mail-report-{outcome}"), Some(&args)).into_owned(),
        ..OutgoingMail::default()
    })
}

// ----- settings: banned words, section policies, bans -----

#[derive(Debug)]
struct SectionPolicyLine {
    id: SectionId,
    name: String,
    edition: String,
    policy: &'static str,
}

#[derive(Debug)]
struct BanLine {
    id: UserId,
    name: String,
    email: String,
    until: String,
}

#[derive(Template)]
#[template(path = "newsroom/comment_settings.html")]
struct SettingsTemplate<'a> {
    frame: NewsroomFrame<'a>,
    banned_words: String,
    sections: Vec<SectionPolicyLine>,
    policies: Vec<(&'static str, String)>,
    bans: Vec<BanLine>,
    close_after_days: u32,
    message: Option<String>,
}

/// `GET /newsroom/comments/settings`.
pub async fn settings(
    State(state): State<AppState>,
    Staff(user): Staff,
    Query(params): Query<QueueParams>,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let user = moderator(user)?;
    let t = locale(&state, &headers);
    let directory = state.directory();
    let sections = directory
        .editions()
        .iter()
        .filter(|e| can_moderate(&user, e.id))
        .flat_map(|e| {
            directory.sections_of(e.id).iter().map(move |s| SectionPolicyLine {
                id: s.id,
                name: s.name.clone(),
                edition: e.name.clone(),
                policy: s.comment_policy.as_str(),
            })
        })
        .collect();
    let now = OffsetDateTime::now_utc();
    let bans = state
        .store
        .users()
        .await?
        .into_iter()
        .filter_map(|u| {
            let until = u.banned_at(now)?;
            Some(BanLine {
                id: u.id,
                name: u.display_name,
                email: u.email,
                until: if until.year() >= 9999 {
                    t.get("ban-forever").into_owned()
                } else {
                    t.date_time(until)
                },
            })
        })
        .collect();
    let (jar, token) = csrf::form_token(jar, state.secure_cookies());
    let template = SettingsTemplate {
        frame: NewsroomFrame::new(&state, t, &user, &t.get("moderation-settings"), token),
        banned_words: state.store.site_setting(BannedWords::SETTING).await?.unwrap_or_default(),
        sections,
        policies: CommentPolicy::ALL
            .iter()
            .map(|p| (p.as_str(), t.get(&format!("policy-{}", p.as_str())).into_owned()))
            .collect(),
        bans,
        close_after_days: state.config.discussion.close_after_days,
        message: params.done.is_some().then(|| t.get("done-save").into_owned()),
    };
    Ok(no_store_page(StatusCode::OK, jar, template.render()?))
}

#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    csrf: String,
    /// `words`, `policy` or `unban`.
    #[serde(default)]
    what: String,
    #[serde(default)]
    banned_words: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    policy: String,
    #[serde(default)]
    user: String,
}

/// `POST /newsroom/comments/settings`.
pub async fn save_settings(
    State(state): State<AppState>,
    Staff(user): Staff,
    jar: CookieJar,
    Form(form): Form<SettingsForm>,
) -> Result<Response, PageError> {
    csrf::check(&jar, &form.csrf)?;
    let user = moderator(user)?;
    match form.what.as_str() {
        "words" => {
            if form.banned_words.chars().count() > 20_000 {
                return Err(PageError::BadRequest(
                    "the banned-words list is at most 20,000 characters long".into(),
                ));
            }
            let words = BannedWords::normalised(&form.banned_words);
            let count = words.lines().count().to_string();
            let mut tx = state.store.begin_write().await?;
            tx.set_site_setting(BannedWords::SETTING, &words).await?;
            tx.record_audit(Some(user.id), None, "comments.banned_words", "banned words", &count).await?;
            tx.commit().await?;
            state.chats.forget_banned_words();
        }
        "policy" => {
            let policy =
                CommentPolicy::parse(&form.policy).map_err(|e| PageError::BadRequest(e.to_string()))?;
            let id: SectionId =
                form.section.parse().map_err(|_| PageError::BadRequest("no such section".into()))?;
            let section = state
                .directory()
                .section_by_id(id)
                .cloned()
                .ok_or_else(|| PageError::BadRequest("no such section".into()))?;
            if !can_moderate(&user, section.edition_id) {
                return Err(PageError::NotAllowed);
            }
            let mut tx = state.store.begin_write().await?;
            tx.set_comment_policy(id, policy).await?;
            tx.record_audit(
                Some(user.id),
                Some(section.edition_id),
                "section.comment_policy",
                &format!("section {}", section.slug),
                policy.as_str(),
            )
            .await?;
            // Pages show the policy (the site map holds it): every node
            // reloads its map and drops the section's stories' pages.
            let version = tx.record_page_change(&[crate::page_keys::SITE.to_owned()]).await?;
            tx.commit().await?;
            state.content_committed(version).await?;
        }
        "unban" => {
            let id: UserId =
                form.user.parse().map_err(|_| PageError::BadRequest("no such account".into()))?;
            let banned = state
                .store
                .user_by_id(id)
                .await?
                .ok_or_else(|| PageError::BadRequest("no such account".into()))?;
            let mut tx = state.store.begin_write().await?;
            tx.set_ban(id, None, "").await?;
            tx.record_audit(
                Some(user.id),
                None,
                "user.unban",
                &format!("user {id} ({})", banned.display_name),
                "",
            )
            .await?;
            tx.commit().await?;
        }
        _ => return Err(PageError::BadRequest("what is one of: words, policy, unban".into())),
    }
    Ok(see_other(jar, "/newsroom/comments/settings?done=saved"))
}
