//! Newsletters: subscribers (double opt-in), sends (a digest or a breaking
//! alert) and the delivery ledger, one row per send and subscriber.
//!
//! The ledger is what keeps the promise "never twice, never skipped": a
//! send and all its delivery rows are written in one transaction, each row
//! is claimed with a lease before its mail goes out and marked sent right
//! after the mail server accepted it; a row whose node died mid-send is
//! claimed again when its lease runs out.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::{
    ArticleId, DeliveryId, EditionId, NewsletterSendId, SectionId, StoreError, SubscriberId, UserId,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SubscriberStatus {
    /// Asked, not yet confirmed by the e-mailed link.
    Pending,
    Active,
    Unsubscribed,
}

impl SubscriberStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Unsubscribed => "unsubscribed",
        }
    }

    pub fn from_stored(raw: &str) -> Self {
        match raw {
            "active" => Self::Active,
            "unsubscribed" => Self::Unsubscribed,
            _ => Self::Pending,
        }
    }
}

/// What a subscriber wants: the rhythm, and the stories (every story when
/// both lists are empty, else those in any chosen section or with any
/// chosen tag).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubscriptionChoice {
    pub daily: bool,
    pub breaking: bool,
    pub section_ids: Vec<SectionId>,
    pub tags: Vec<String>,
}

impl SubscriptionChoice {
    /// True when a story of this section with these tags is wanted.
    pub fn wants(&self, section_id: SectionId, tags: &[String]) -> bool {
        (self.section_ids.is_empty() && self.tags.is_empty())
            || self.section_ids.contains(&section_id)
            || tags.iter().any(|t| self.tags.contains(t))
    }

    /// The stored form of the section list (`3,7`).
    pub fn stored_sections(&self) -> String {
        self.section_ids.iter().map(SectionId::to_string).collect::<Vec<_>>().join(",")
    }

    pub fn stored_tags(&self) -> String {
        self.tags.join(",")
    }

    pub fn from_stored(daily: bool, breaking: bool, sections: &str, tags: &str) -> Self {
        Self {
            daily,
            breaking,
            section_ids: sections.split(',').filter_map(|s| s.trim().parse().ok()).collect(),
            tags: tags.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Subscriber {
    pub id: SubscriberId,
    pub edition_id: EditionId,
    pub email: String,
    pub status: SubscriberStatus,
    pub choice: SubscriptionChoice,
    /// The secret of the manage and unsubscribe links.
    pub token: String,
    pub last_mailed_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct NewSubscriber {
    pub edition_id: EditionId,
    pub email: String,
    pub choice: SubscriptionChoice,
    pub token: String,
    pub confirm_hash: String,
    pub confirm_expires_at: OffsetDateTime,
    /// Where the sign-up came from.
    pub client_address: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendKind {
    Digest,
    Breaking,
}

impl SendKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Digest => "digest",
            Self::Breaking => "breaking",
        }
    }

    pub fn from_stored(raw: &str) -> Self {
        if raw == "breaking" { Self::Breaking } else { Self::Digest }
    }
}

#[derive(Debug, Clone)]
pub struct NewSend {
    pub edition_id: EditionId,
    pub kind: SendKind,
    /// Unique per edition and kind: the digest's date (`2026-11-29`) or
    /// `manual-<unix time>`, the breaking story's id.
    pub key: String,
    pub subject: String,
    /// Newest first. No delivery rows are made for a send without stories.
    pub article_ids: Vec<ArticleId>,
    pub period: Option<(OffsetDateTime, OffsetDateTime)>,
    pub requested_by: Option<UserId>,
}

#[derive(Debug, Clone)]
pub struct NewsletterSend {
    pub id: NewsletterSendId,
    pub edition_id: EditionId,
    pub kind: SendKind,
    pub subject: String,
    pub article_ids: Vec<ArticleId>,
    pub created_at: OffsetDateTime,
}

/// A send with how far its deliveries got, for the newsroom.
#[derive(Debug, Clone)]
pub struct SendSummary {
    pub send: NewsletterSend,
    pub period_to: Option<OffsetDateTime>,
    pub requested_by: Option<String>,
    pub sent: i64,
    pub skipped: i64,
    /// Waiting for their first try or a retry, or being sent now.
    pub waiting: i64,
    pub failed: i64,
    pub last_error: String,
}

/// Subscriber numbers of one edition.
#[derive(sqlx::FromRow, Debug, Clone, Default)]
pub struct NewsletterCounts {
    pub edition_id: EditionId,
    pub active: i64,
    pub pending: i64,
    pub unsubscribed: i64,
    pub daily: i64,
    pub breaking: i64,
}

/// A delivery claimed for sending, with what the mail needs.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    pub id: DeliveryId,
    pub send_id: NewsletterSendId,
    /// This claim included.
    pub attempts: i32,
    pub subscriber: Subscriber,
}

#[derive(Debug, Clone)]
pub enum DeliveryOutcome {
    Sent,
    /// Nothing to send this subscriber (no chosen story in it, or they left).
    Skipped,
    /// Try again at this time.
    Retry {
        at: OffsetDateTime,
        error: String,
    },
    /// Given up: the server refused for good, or too many tries.
    Failed {
        error: String,
    },
    /// Not tried (the batch ran out of time): back to the queue as it was.
    Released,
}

/// What [`crate::Store`] keeps for newsletters.
#[async_trait]
pub trait NewsletterStore: Send + Sync {
    async fn subscriber_by_email(
        &self,
        edition_id: EditionId,
        email: &str,
    ) -> Result<Option<Subscriber>, StoreError>;
    async fn subscriber_by_token(&self, token: &str) -> Result<Option<Subscriber>, StoreError>;
    /// The pending subscriber whose unexpired confirmation link hashes to this.
    async fn subscriber_by_confirmation(
        &self,
        confirm_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<Subscriber>, StoreError>;
    /// A pending subscriber; `Conflict` when the address is already on the
    /// edition's list.
    async fn create_subscriber(
        &self,
        new: &NewSubscriber,
        now: OffsetDateTime,
    ) -> Result<Subscriber, StoreError>;
    /// How many subscribers were signed up from this address since `since`.
    async fn signups_from(&self, client_address: &str, since: OffsetDateTime) -> Result<i64, StoreError>;
    /// A pending or unsubscribed subscriber asks again: new choice, new
    /// confirmation link, pending until confirmed.
    async fn renew_subscription(
        &self,
        id: SubscriberId,
        choice: &SubscriptionChoice,
        confirm_hash: &str,
        confirm_expires_at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Records that a confirmation or notice mail went to this subscriber.
    async fn mark_subscriber_mailed(&self, id: SubscriberId, now: OffsetDateTime) -> Result<(), StoreError>;
    /// Uses up a confirmation link; the subscriber when it was valid.
    async fn confirm_subscriber(
        &self,
        confirm_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<Subscriber>, StoreError>;
    async fn set_subscription_choice(
        &self,
        id: SubscriberId,
        choice: &SubscriptionChoice,
    ) -> Result<(), StoreError>;
    /// Active or unsubscribed; false when it already was.
    async fn set_subscribed(
        &self,
        id: SubscriberId,
        active: bool,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    async fn newsletter_counts(&self) -> Result<Vec<NewsletterCounts>, StoreError>;

    /// Starts a send: the send and a delivery row for every active
    /// subscriber of its rhythm, in one transaction. `None` when a send
    /// with this edition, kind and key exists already.
    async fn create_send(
        &self,
        new: &NewSend,
        now: OffsetDateTime,
    ) -> Result<Option<NewsletterSendId>, StoreError>;
    async fn send_exists(&self, edition_id: EditionId, kind: SendKind, key: &str)
    -> Result<bool, StoreError>;
    /// Where the edition's last digest stopped.
    async fn last_digest_end(&self, edition_id: EditionId) -> Result<Option<OffsetDateTime>, StoreError>;
    async fn newsletter_send(&self, id: NewsletterSendId) -> Result<Option<NewsletterSend>, StoreError>;
    async fn send_history(&self, limit: i64) -> Result<Vec<SendSummary>, StoreError>;
    /// Claims up to `limit` due deliveries until `lease_until`.
    async fn claim_deliveries(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<ClaimedDelivery>, StoreError>;
    async fn finish_delivery(
        &self,
        id: DeliveryId,
        outcome: &DeliveryOutcome,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Ids of an edition's stories published in `[from, to)`, newest first.
    async fn published_ids_between(
        &self,
        edition_id: EditionId,
        from: OffsetDateTime,
        to: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<ArticleId>, StoreError>;
    /// Breaking stories published since `since`: `(article id, edition id)`.
    async fn breaking_published_since(
        &self,
        since: OffsetDateTime,
    ) -> Result<Vec<(ArticleId, EditionId)>, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choice_round_trips_and_matches() {
        let all = SubscriptionChoice::from_stored(true, false, "", "");
        assert!(all.wants(SectionId::new(4), &[]));
        let some = SubscriptionChoice::from_stored(true, true, "3, 7,x", "climate,,ports");
        assert_eq!(some.section_ids, vec![SectionId::new(3), SectionId::new(7)]);
        assert_eq!(some.tags, vec!["climate".to_owned(), "ports".to_owned()]);
        assert_eq!(some.stored_sections(), "3,7");
        assert!(some.wants(SectionId::new(7), &[]));
        assert!(some.wants(SectionId::new(1), &["ports".into()]));
        assert!(!some.wants(SectionId::new(1), &["sport".into()]));
    }
}
