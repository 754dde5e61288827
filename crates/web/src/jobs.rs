//! The background job runner: every node runs one, and the jobs table's
//! leases make sure each job runs once even with several nodes on one
//! database. A job whose node died mid-run is picked up again when its
//! lease (60 s) runs out; a failed job is retried with a growing delay.
//!
//! Kinds so far: [`PUBLISH_ARTICLE`] (scheduled publishing and embargoes)
//! [`SEND_MAIL`] (account e-mails; a permanent refusal by the mail
//! server ends the job, anything else is retried) and
//! [`crate::media::renditions::MAKE_RENDITIONS`] (photo sizes) and
//! [`crate::syndication::websub::WEBSUB_PING`] (telling the WebSub hub)
//! and [`STORY_CHANGED`] (what follows a story's change outside the
//! database, queued in the change's own transaction: an outbox).
//!
//! Each tick also checks the shared content version, so a node drops its
//! cached pages within about a second of another node's change.

use std::time::Duration;

use time::OffsetDateTime;

use crate::AppState;
use crate::accounts::mail::{OutgoingMail, SEND_MAIL};
use dateline_store::{ArticleId, JobId};

/// Payload: the article id. Publishes the article if it is still scheduled.
pub const PUBLISH_ARTICLE: &str = "publish_article";

/// Payload: `{"id": 7, "kind": "published"}`. What follows a story that
/// appeared, changed or went away, beyond the database: the breaking-news
/// alert (for a breaking story published) and the WebSub ping. Written in
/// the same transaction as the change, so neither is lost to a crash
/// between the commit and the queueing, and neither follows a change that
/// rolled back.
pub const STORY_CHANGED: &str = "story_changed";

#[derive(serde::Serialize, serde::Deserialize)]
struct StoryChanged {
    id: ArticleId,
    kind: String,
}

/// The [`STORY_CHANGED`] job's payload.
pub fn story_changed_payload(id: ArticleId, kind: &str) -> String {
    serde_json::to_string(&StoryChanged { id, kind: kind.to_owned() }).unwrap_or_default()
}

async fn story_changed(state: &AppState, payload: &str) -> Result<(), String> {
    let change: StoryChanged =
        serde_json::from_str(payload).map_err(|e| format!("bad story-change payload {payload:?}: {e}"))?;
    if change.kind == "published" {
        crate::newsletters::sender::start_breaking(state, change.id, OffsetDateTime::now_utc())
            .await
            .map_err(|e| format!("could not start a breaking-news alert: {e}"))?;
    }
    crate::syndication::websub::article_changed(state, change.id)
        .await
        .map_err(|e| format!("could not queue the WebSub ping: {e}"))
}

/// How often the runner looks for due jobs: scheduled stories appear
/// within about this long of their time.
const POLL: Duration = Duration::from_secs(1);
const LEASE: time::Duration = time::Duration::seconds(60);

/// Runs forever (until the runtime shuts down), claiming and running due jobs.
pub async fn run(state: AppState, worker: String) {
    tracing::info!(worker, "background job runner started");
    let mut ticker = tokio::time::interval(POLL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(error) = state.follow_other_nodes().await {
            tracing::warn!(%error, "could not read the shared content version");
        }
        loop {
            let now = OffsetDateTime::now_utc();
            let job = match state.store.claim_job(&worker, now, now + LEASE).await {
                Ok(Some(job)) => job,
                Ok(None) => break,
                Err(error) => {
                    tracing::warn!(%error, "could not claim a job");
                    break;
                }
            };
            let outcome = match job.kind.as_str() {
                PUBLISH_ARTICLE => publish_article(&state, &job.payload).await,
                STORY_CHANGED => story_changed(&state, &job.payload).await,
                SEND_MAIL => send_mail(&state, job.id, &job.payload).await,
                crate::media::renditions::MAKE_RENDITIONS => {
                    crate::media::renditions::run_job(&state, &job.payload).await
                }
                crate::syndication::websub::WEBSUB_PING => {
                    crate::syndication::websub::run_job(&state, &job.payload, job.attempts).await
                }
                other => Err(format!("unknown job kind {other:?}")),
            };
            let now = OffsetDateTime::now_utc();
            let recorded = match outcome {
                Ok(()) => state.store.complete_job(job.id, now).await,
                Err(error) => {
                    tracing::error!(
                        job = job.id.get(),
                        kind = job.kind,
                        attempt = job.attempts,
                        error,
                        "job failed"
                    );
                    let backoff = time::Duration::seconds(5 << job.attempts.clamp(0, 10));
                    state.store.fail_job(job.id, &error, now + backoff).await
                }
            };
            if let Err(error) = recorded {
                tracing::warn!(%error, job = job.id.get(), "could not record a job's outcome");
            }
        }
    }
}

/// Publishes a scheduled story that is due: the story, its audit entry,
/// the live event, the content version and its follow-ups
/// ([`STORY_CHANGED`]) in one transaction.
async fn publish_article(state: &AppState, payload: &str) -> Result<(), String> {
    let id: ArticleId = payload.parse().map_err(|_| format!("bad article id {payload:?}"))?;
    let Some(article) = state.store.article_by_id(id).await.map_err(|e| e.to_string())? else {
        return Ok(()); // deleted meanwhile
    };
    let now = OffsetDateTime::now_utc();
    let mut tx = state.store.begin_write().await.map_err(|e| e.to_string())?;
    if !tx.publish_scheduled_article(id, now).await.map_err(|e| e.to_string())? {
        return Ok(()); // published by hand or moved back to draft meanwhile
    }
    let edition = Some(article.card.edition_id);
    tx.record_audit(None, edition, "article.publish.scheduled", &format!("article {id}"), "")
        .await
        .map_err(|e| e.to_string())?;
    let before = crate::page_keys::StoryPlace::of_article(&article);
    let after = crate::page_keys::StoryPlace { published: true, ..before.clone() };
    let translations =
        crate::page_keys::translations(state.store.as_ref(), article.translation_group.as_deref())
            .await
            .map_err(|e| e.to_string())?;
    let keys = crate::page_keys::story_change(id, Some(&before), Some(&after), &translations);
    let version = tx.record_page_change(&keys).await.map_err(|e| e.to_string())?;
    if let Some(event) = crate::live::story_event(&state.directory(), id, (&article.card).into(), "published")
    {
        tx.append_live_event(&event, now).await.map_err(|e| e.to_string())?;
    }
    tx.enqueue_job(STORY_CHANGED, &story_changed_payload(id, "published"), now)
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    tracing::info!(article = id.get(), "scheduled article published");
    state.content_committed(version).await.map_err(|e| e.to_string())?;
    Ok(())
}

async fn send_mail(state: &AppState, job: JobId, payload: &str) -> Result<(), String> {
    let mail: OutgoingMail = serde_json::from_str(payload).map_err(|e| format!("bad mail payload: {e}"))?;
    let to = mail.to.clone();
    match state.mailer.send(mail).await {
        Ok(()) => {}
        Err(error) if error.is_permanent() => {
            tracing::error!(%error, %to, job = job.get(), "mail refused for good; not retrying");
        }
        Err(error) => return Err(error.to_string()),
    }
    // The message held a sign-in or reset link: keep no copy of it.
    state.store.clear_job_payload(job).await.map_err(|e| e.to_string())
}
