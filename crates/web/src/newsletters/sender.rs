//! Starting sends and delivering them. Every node runs [`run`]:
//!
//! - every 30 s it *plans*: each edition's digest is started once a day
//!   after `newsletter_digest_hour` (UTC), covering what was published
//!   since the previous digest ended; and every breaking story of the last
//!   hour gets its alert (publishing queues a `story_changed` job in its
//!   own transaction, which starts it within a second through
//!   [`start_breaking`]; the plan is the second net). A send
//!   is unique per edition, kind and key, so nodes and restarts cannot
//!   start it twice, and a node that was down at digest time starts it
//!   when it is back;
//! - it *delivers*: claims due delivery rows in batches with a lease,
//!   sends each mail and marks it sent at once. A mail server that refuses
//!   for now (or cannot be reached) means a retry with a growing delay,
//!   10 s doubling to an hour, 12 tries in all; a permanent refusal ends
//!   that delivery as failed. When the server cannot be reached at all, the
//!   rest of the batch is put back for the same retry time without trying
//!   (rather than waiting out a timeout per mail). The newsroom's send
//!   history shows all of it.
//!
//! The one gap no mail system closes: a node that dies between the
//! server's "accepted" and the database's "sent" sends that one mail again
//! when the lease runs out. Its `Message-ID` is the same both times
//! (`newsletter-<send>-<subscriber>@host`), so mailbox providers can drop
//! the copy.
//!
//! Building is cheap per subscriber: the stories of a send are read once;
//! the mail for each distinct selection of stories is rendered once, with
//! a placeholder where each subscriber's own link secret goes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use askama::Template;
use dateline_store::{
    ArticleId, ClaimedDelivery, DeliveryOutcome, Edition, NewSend, NewsletterSend, NewsletterSendId,
    SectionId, SendKind, StoreError, UserId,
};
use fluent_bundle::FluentArgs;
use time::OffsetDateTime;

use crate::AppState;
use crate::accounts::mail::OutgoingMail;
use crate::view::{article_path, dateline_of};

/// Deliveries claimed at a time.
pub const BATCH: i64 = 200;
/// Mails in flight at once (over the SMTP connection pool, which keeps as
/// many connections). Each connection waits out a delayed ACK per mail
/// (lettre writes the message and its final dot separately), so
/// throughput comes from connections in parallel; see docs/benchmarks.md.
const CONCURRENCY: usize = 32;
const LEASE: time::Duration = time::Duration::minutes(5);
const MAX_ATTEMPTS: i32 = 12;
const PLAN_EVERY: Duration = Duration::from_secs(30);
/// How far back a breaking story still gets its alert (after a crash).
const BREAKING_CATCH_UP: time::Duration = time::Duration::hours(1);
/// The most stories a digest lists.
const DIGEST_STORIES: i64 = 40;
/// Stands for each subscriber's link secret in a rendered mail.
const TOKEN: &str = "{{subscriber-token}}";

/// Runs forever: plans sends and delivers them.
pub async fn run(state: AppState) {
    tracing::info!("newsletter sender started");
    let mut planned: Option<Instant> = None;
    let mut contents = Contents::default();
    loop {
        if planned.is_none_or(|at| at.elapsed() >= PLAN_EVERY) {
            if let Err(error) = plan(&state, OffsetDateTime::now_utc()).await {
                tracing::warn!(%error, "could not plan newsletter sends");
            }
            planned = Some(Instant::now());
        }
        match deliver_batch(&state, &mut contents).await {
            Ok(0) => tokio::time::sleep(Duration::from_secs(1)).await,
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(%error, "could not deliver newsletters");
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        }
    }
}

/// Starts the sends that are due now.
pub async fn plan(state: &AppState, now: OffsetDateTime) -> Result<(), StoreError> {
    for (article_id, _) in state.store.breaking_published_since(now - BREAKING_CATCH_UP).await? {
        start_breaking(state, article_id, now).await?;
    }
    if now.hour() < state.config.newsletter_digest_hour {
        return Ok(());
    }
    let key = now.date().to_string();
    for edition in state.directory().editions() {
        if !state.store.send_exists(edition.id, SendKind::Digest, &key).await? {
            start_digest(state, edition, key.clone(), None, now).await?;
        }
    }
    Ok(())
}

/// Starts the breaking-news alert of a breaking story just published
/// (once: a send is unique per story).
pub(crate) async fn start_breaking(
    state: &AppState,
    article_id: ArticleId,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let Some(article) = state.store.article_by_id(article_id).await? else { return Ok(()) };
    let card = &article.card;
    if !card.breaking || article.status != dateline_core::ArticleStatus::Published {
        return Ok(());
    }
    let key = article_id.to_string();
    if state.store.send_exists(card.edition_id, SendKind::Breaking, &key).await? {
        return Ok(());
    }
    let directory = state.directory();
    let Some(edition) = directory.edition_by_id(card.edition_id) else { return Ok(()) };
    let t = state.locales.for_language(&edition.language);
    let new = NewSend {
        edition_id: edition.id,
        kind: SendKind::Breaking,
        key,
        subject: format!("{}: {}", t.get("breaking-news"), card.headline),
        article_ids: vec![article_id],
        period: None,
        requested_by: None,
    };
    if let Some(id) = state.store.create_send(&new, now).await? {
        tracing::info!(send = id.get(), article = article_id.get(), edition = %edition.code, "breaking-news alert started");
    }
    Ok(())
}

/// Starts a digest of what the edition published since its last digest
/// (or the last 24 hours); `None` when one with this key exists.
pub async fn start_digest(
    state: &AppState,
    edition: &Edition,
    key: String,
    requested_by: Option<UserId>,
    now: OffsetDateTime,
) -> Result<Option<NewsletterSendId>, StoreError> {
    let from = state.store.last_digest_end(edition.id).await?.unwrap_or(now - time::Duration::days(1));
    let article_ids = state.store.published_ids_between(edition.id, from, now, DIGEST_STORIES).await?;
    let t = state.locales.for_language(&edition.language);
    let mut args = FluentArgs::new();
    args.set("site", state.config.site_name.clone());
    args.set("date", t.long_date(now));
    let new = NewSend {
        edition_id: edition.id,
        kind: SendKind::Digest,
        key,
        subject: t.format("newsletter-digest-subject", Some(&args)).into_owned(),
        article_ids,
        period: Some((from, now)),
        requested_by,
    };
    let id = state.store.create_send(&new, now).await?;
    if let Some(id) = id {
        tracing::info!(send = id.get(), edition = %edition.code, stories = new.article_ids.len(), "digest started");
    }
    Ok(id)
}

/// The retry delay after `attempts` tries: 10 s doubling, at most an hour.
pub fn backoff(attempts: i32) -> time::Duration {
    let doublings = attempts.saturating_sub(1).clamp(0, 9) as u32;
    time::Duration::seconds((10_i64 << doublings).min(3600))
}

/// One story as mails show it.
#[derive(Debug, Clone)]
struct Story {
    id: ArticleId,
    section_id: SectionId,
    section: String,
    tags: Vec<String>,
    headline: String,
    lead: String,
    dateline: String,
    url: String,
}

/// A rendered mail: its HTML and its text, with [`TOKEN`] for the secret.
#[derive(Debug)]
struct Rendered {
    html: String,
    text: String,
}

/// A send's stories and the mails rendered from them so far.
#[derive(Debug)]
struct SendContent {
    send: NewsletterSend,
    edition: Edition,
    stories: Vec<Story>,
    rendered: Mutex<HashMap<Vec<ArticleId>, Arc<Rendered>>>,
}

#[derive(Debug, Default)]
struct Contents(HashMap<NewsletterSendId, Arc<SendContent>>);

impl Contents {
    async fn get(
        &mut self,
        state: &AppState,
        send_id: NewsletterSendId,
    ) -> Result<Option<Arc<SendContent>>, StoreError> {
        if let Some(content) = self.0.get(&send_id) {
            return Ok(Some(Arc::clone(content)));
        }
        let Some(send) = state.store.newsletter_send(send_id).await? else { return Ok(None) };
        let directory = state.directory();
        let Some(edition) = directory.edition_by_id(send.edition_id).cloned() else { return Ok(None) };
        let t = state.locales.for_language(&edition.language);
        let mut stories = Vec::with_capacity(send.article_ids.len());
        for id in &send.article_ids {
            // A story withdrawn since the send began is left out.
            let Some(article) = state.store.article_by_id(*id).await? else { continue };
            if article.status != dateline_core::ArticleStatus::Published {
                continue;
            }
            let card = &article.card;
            stories.push(Story {
                id: card.id,
                section_id: card.section_id,
                section: directory.section_by_id(card.section_id).map(|s| s.name.clone()).unwrap_or_default(),
                tags: article.tags.iter().map(|tag| tag.slug.to_string()).collect(),
                headline: card.headline.clone(),
                lead: card.lead.clone(),
                dateline: dateline_of(state, t, &article),
                url: format!(
                    "{}{}",
                    state.config.public_url,
                    article_path(&edition, card.published_at, card.slug.as_str())
                ),
            });
        }
        if self.0.len() > 64 {
            self.0.clear();
        }
        let content = Arc::new(SendContent { send, edition, stories, rendered: Mutex::default() });
        self.0.insert(send_id, Arc::clone(&content));
        Ok(Some(content))
    }
}

/// What both parts of a newsletter mail say.
struct MailContent<'a> {
    heading: &'a str,
    intro: &'a str,
    stories: &'a [&'a Story],
    home_url: &'a str,
    manage_label: &'a str,
    manage_url: &'a str,
    unsubscribe_label: &'a str,
    unsubscribe_url: &'a str,
    why: &'a str,
}

#[derive(Template)]
#[template(path = "mail/newsletter.html")]
struct NewsletterHtml<'a> {
    lang: &'a str,
    dir: &'a str,
    site_name: &'a str,
    m: &'a MailContent<'a>,
}

#[derive(Template)]
#[template(path = "mail/newsletter.txt")]
struct NewsletterText<'a> {
    m: &'a MailContent<'a>,
}

/// The two links every mail carries, for a subscriber's secret.
pub fn manage_url(public_url: &str, token: &str) -> String {
    format!("{public_url}/newsletter/manage/{token}")
}

pub fn unsubscribe_url(public_url: &str, token: &str) -> String {
    format!("{public_url}/newsletter/unsubscribe/{token}")
}

impl SendContent {
    /// The HTML and text of the mail listing `stories`, with [`TOKEN`]
    /// where the subscriber's secret goes.
    fn render(&self, state: &AppState, stories: &[&Story]) -> Result<Arc<Rendered>, askama::Error> {
        let key: Vec<ArticleId> = stories.iter().map(|s| s.id).collect();
        if let Some(done) = self.rendered.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&key)
        {
            return Ok(Arc::clone(done));
        }
        let t = state.locales.for_language(&self.edition.language);
        let public_url = &state.config.public_url;
        let home_url = format!("{public_url}/{}/", self.edition.code);
        let (heading, intro) = match self.send.kind {
            SendKind::Digest => (self.send.subject.clone(), t.get("newsletter-digest-intro").into_owned()),
            SendKind::Breaking => (t.get("breaking-news").into_owned(), String::new()),
        };
        let why = t.arg("newsletter-why", "site", &state.config.site_name);
        let manage = manage_url(public_url, TOKEN);
        let unsubscribe = unsubscribe_url(public_url, TOKEN);
        let (manage_label, unsubscribe_label) = (t.get("newsletter-manage"), t.get("newsletter-unsubscribe"));
        let content = MailContent {
            heading: &heading,
            intro: &intro,
            stories,
            home_url: &home_url,
            manage_label: &manage_label,
            manage_url: &manage,
            unsubscribe_label: &unsubscribe_label,
            unsubscribe_url: &unsubscribe,
            why: &why,
        };
        let html = NewsletterHtml {
            lang: &self.edition.language,
            dir: self.edition.direction.as_str(),
            site_name: &state.config.site_name,
            m: &content,
        }
        .render()?;
        let text = NewsletterText { m: &content }.render()?;
        let done = Arc::new(Rendered { html, text });
        self.rendered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key, Arc::clone(&done));
        Ok(done)
    }
}

/// Claims and sends one batch; returns how many deliveries it handled.
async fn deliver_batch(state: &AppState, contents: &mut Contents) -> Result<usize, StoreError> {
    let now = OffsetDateTime::now_utc();
    let claimed = state.store.claim_deliveries(now, now + LEASE, BATCH).await?;
    if claimed.is_empty() {
        return Ok(0);
    }
    let count = claimed.len();
    let mut work: Vec<Vec<(ClaimedDelivery, Option<Arc<SendContent>>)>> = vec![Vec::new(); CONCURRENCY];
    for (index, delivery) in claimed.into_iter().enumerate() {
        let content = contents.get(state, delivery.send_id).await?;
        work[index % CONCURRENCY].push((delivery, content));
    }
    let started = Instant::now();
    let unreachable = Arc::new(AtomicBool::new(false));
    let mut tasks = tokio::task::JoinSet::new();
    for chunk in work.into_iter().filter(|chunk| !chunk.is_empty()) {
        let state = state.clone();
        let unreachable = Arc::clone(&unreachable);
        tasks.spawn(async move {
            for (delivery, content) in chunk {
                let outcome = if started.elapsed() > Duration::from_secs(120) {
                    // Well inside the lease: leave the rest to the next batch.
                    DeliveryOutcome::Released
                } else {
                    deliver(&state, content.as_deref(), &delivery, &unreachable).await
                };
                if let Err(error) =
                    state.store.finish_delivery(delivery.id, &outcome, OffsetDateTime::now_utc()).await
                {
                    // The lease runs out and the delivery is tried again.
                    tracing::error!(%error, delivery = delivery.id.get(), "could not record a newsletter delivery");
                }
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    metrics::counter!("dateline_newsletter_deliveries_total").increment(count as u64);
    Ok(count)
}

async fn deliver(
    state: &AppState,
    content: Option<&SendContent>,
    delivery: &ClaimedDelivery,
    unreachable: &AtomicBool,
) -> DeliveryOutcome {
    let subscriber = &delivery.subscriber;
    let Some(content) = content else { return DeliveryOutcome::Skipped };
    if subscriber.status != dateline_store::SubscriberStatus::Active {
        return DeliveryOutcome::Skipped;
    }
    let stories: Vec<&Story> =
        content.stories.iter().filter(|s| subscriber.choice.wants(s.section_id, &s.tags)).collect();
    if stories.is_empty() {
        return DeliveryOutcome::Skipped;
    }
    let retry_at = OffsetDateTime::now_utc() + backoff(delivery.attempts);
    if unreachable.load(Ordering::Relaxed) {
        return give_up_or_retry(
            delivery,
            retry_at,
            "not tried: the mail server could not be reached".into(),
        );
    }
    let rendered = match content.render(state, &stories) {
        Ok(rendered) => rendered,
        Err(error) => {
            return DeliveryOutcome::Failed { error: format!("could not render the mail: {error}") };
        }
    };
    let public_url = &state.config.public_url;
    let host =
        public_url.split("://").nth(1).unwrap_or("localhost").split(['/', ':']).next().unwrap_or("localhost");
    let mail = OutgoingMail {
        to: subscriber.email.clone(),
        subject: content.send.subject.clone(),
        text: rendered.text.replace(TOKEN, &subscriber.token),
        html: Some(rendered.html.replace(TOKEN, &subscriber.token)),
        list_unsubscribe: Some(unsubscribe_url(public_url, &subscriber.token)),
        message_id: Some(format!("newsletter-{}-{}@{host}", delivery.send_id, subscriber.id)),
    };
    match state.mailer.send(mail).await {
        Ok(()) => DeliveryOutcome::Sent,
        Err(error) if error.is_permanent() => DeliveryOutcome::Failed { error: error.to_string() },
        Err(error) => {
            if error.is_unreachable() {
                unreachable.store(true, Ordering::Relaxed);
            }
            tracing::warn!(%error, delivery = delivery.id.get(), attempt = delivery.attempts, "newsletter mail not sent; will retry");
            give_up_or_retry(delivery, retry_at, error.to_string())
        }
    }
}

fn give_up_or_retry(delivery: &ClaimedDelivery, at: OffsetDateTime, error: String) -> DeliveryOutcome {
    if delivery.attempts >= MAX_ATTEMPTS {
        DeliveryOutcome::Failed { error: format!("gave up after {} tries: {error}", delivery.attempts) }
    } else {
        DeliveryOutcome::Retry { at, error }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_an_hour() {
        assert_eq!(backoff(1), time::Duration::seconds(10));
        assert_eq!(backoff(2), time::Duration::seconds(20));
        assert_eq!(backoff(5), time::Duration::seconds(160));
        assert_eq!(backoff(12), time::Duration::seconds(3600));
        assert_eq!(backoff(0), time::Duration::seconds(10));
    }
}
