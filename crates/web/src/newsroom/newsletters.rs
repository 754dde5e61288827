//! `/newsroom/newsletters` (editors and admins): how many readers are
//! subscribed per edition, every send with how far its deliveries got
//! (sent, nothing to send, waiting or retrying, failed, and the last mail
//! server error), and a button that sends an edition's digest now.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use time::OffsetDateTime;

use super::comments::can_moderate;
use super::{NewsroomFrame, Staff, locale, no_store_page};
use crate::AppState;
use crate::accounts::csrf;
use crate::accounts::pages::see_other;
use crate::error::PageError;
use dateline_store::{EditionId, NewsletterSendId};

const HISTORY: i64 = 50;

struct CountsLine {
    edition: String,
    active: i64,
    pending: i64,
    unsubscribed: i64,
    daily: i64,
    breaking: i64,
}

struct SendLine {
    id: NewsletterSendId,
    edition: String,
    kind: String,
    subject: String,
    started: String,
    requested_by: String,
    stories: usize,
    sent: i64,
    skipped: i64,
    waiting: i64,
    failed: i64,
    last_error: String,
}

#[derive(Template)]
#[template(path = "newsroom/newsletters.html")]
struct NewslettersTemplate<'a> {
    frame: NewsroomFrame<'a>,
    counts: Vec<CountsLine>,
    sends: Vec<SendLine>,
    editions: Vec<(EditionId, String)>,
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct OverviewParams {
    done: Option<String>,
}

/// `GET /newsroom/newsletters`.
pub async fn overview(
    State(state): State<AppState>,
    Staff(user): Staff,
    Query(params): Query<OverviewParams>,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let directory = state.directory();
    let editions: Vec<_> = directory.editions().iter().filter(|e| can_moderate(&user, e.id)).collect();
    if editions.is_empty() {
        return Err(PageError::NotAllowed);
    }
    let t = locale(&state, &headers);
    let name_of = |id: EditionId| directory.edition_by_id(id).map(|e| e.name.clone()).unwrap_or_default();
    let counts_by_edition = state.store.newsletter_counts().await?;
    let counts = editions
        .iter()
        .map(|edition| {
            let c =
                counts_by_edition.iter().find(|c| c.edition_id == edition.id).cloned().unwrap_or_default();
            CountsLine {
                edition: edition.name.clone(),
                active: c.active,
                pending: c.pending,
                unsubscribed: c.unsubscribed,
                daily: c.daily,
                breaking: c.breaking,
            }
        })
        .collect();
    let sends = state
        .store
        .send_history(HISTORY)
        .await?
        .into_iter()
        .filter(|s| can_moderate(&user, s.send.edition_id))
        .map(|s| SendLine {
            id: s.send.id,
            edition: name_of(s.send.edition_id),
            kind: t.get(&format!("newsletter-kind-{}", s.send.kind.as_str())).into_owned(),
            subject: s.send.subject,
            started: t.date_time(s.send.created_at),
            requested_by: s.requested_by.unwrap_or_default(),
            stories: s.send.article_ids.len(),
            sent: s.sent,
            skipped: s.skipped,
            waiting: s.waiting,
            failed: s.failed,
            last_error: s.last_error,
        })
        .collect();
    let message = match params.done.as_deref() {
        Some("started") => Some(t.get("newsletter-digest-started").into_owned()),
        Some("exists") => Some(t.get("newsletter-digest-exists").into_owned()),
        _ => None,
    };
    let (jar, token) = csrf::form_token(jar, state.secure_cookies());
    let template = NewslettersTemplate {
        frame: NewsroomFrame::new(&state, t, &user, &t.get("newsletters"), token),
        counts,
        sends,
        editions: editions.iter().map(|e| (e.id, e.name.clone())).collect(),
        message,
    };
    Ok(no_store_page(StatusCode::OK, jar, template.render()?))
}

#[derive(Debug, Deserialize)]
pub struct DigestForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    edition: String,
}

/// `POST /newsroom/newsletters`: an edition's digest, now.
pub async fn send_digest(
    State(state): State<AppState>,
    Staff(user): Staff,
    jar: CookieJar,
    Form(form): Form<DigestForm>,
) -> Result<Response, PageError> {
    csrf::check(&jar, &form.csrf)?;
    let edition_id: EditionId = form
        .edition
        .trim()
        .parse()
        .map_err(|_| PageError::BadRequest("edition must be an edition id".into()))?;
    let edition = state
        .directory()
        .edition_by_id(edition_id)
        .cloned()
        .ok_or_else(|| PageError::BadRequest(format!("there is no edition {edition_id}")))?;
    if !can_moderate(&user, edition.id) {
        return Err(PageError::NotAllowed);
    }
    let now = OffsetDateTime::now_utc();
    let key = format!("manual-{}", now.unix_timestamp());
    let started =
        super::super::newsletters::sender::start_digest(&state, &edition, key, Some(user.id), now).await?;
    let done = if let Some(id) = started {
        state
            .store
            .record_audit(
                Some(user.id),
                Some(edition.id),
                "newsletter.digest",
                &format!("send {id}"),
                &edition.code.to_string(),
            )
            .await?;
        "started"
    } else {
        "exists"
    };
    Ok(see_other(jar, &format!("/newsroom/newsletters?done={done}")))
}
