//! Newsletters on SQL: [`NewsletterStore`] for every backend store
//! ([`SqlPool`]), and the subscriber writes of one action's transaction
//! ([`NewsletterTx`] on [`SqlTx`]), so a sign-up, its confirmation mail and
//! the mark that stops a second mail within the cooldown commit together.
//!
//! Each query is written once ([`NewsletterSql`] over a connection, or
//! straight over the pool where no transaction needs it); rows are decoded
//! by `sqlx::FromRow`. The dialects do not differ here.

use std::collections::HashMap;
use std::marker::PhantomData;

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Type};
use time::OffsetDateTime;

use crate::backend::{SqlPool, connection, db_error, failpoint, whole_seconds};
use crate::{
    ArticleId, ClaimedDelivery, DeliveryId, DeliveryOutcome, EditionId, NewSend, NewSubscriber,
    NewsletterCounts, NewsletterSend, NewsletterSendId, NewsletterStore, SendKind, SendSummary, SqlTx,
    StoreError, Subscriber, SubscriberId, SubscriberStatus, SubscriptionChoice,
};

/// The subscriber writes an action makes inside its transaction
/// ([`crate::WriteTx`]); each behaves as the [`NewsletterStore`] method of
/// the same name.
#[async_trait]
pub trait NewsletterTx: Send {
    async fn create_subscriber(
        &mut self,
        new: &NewSubscriber,
        now: OffsetDateTime,
    ) -> Result<Subscriber, StoreError>;
    async fn renew_subscription(
        &mut self,
        id: SubscriberId,
        choice: &SubscriptionChoice,
        confirm_hash: &str,
        confirm_expires_at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    async fn mark_subscriber_mailed(
        &mut self,
        id: SubscriberId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
}

const SUBSCRIBER_COLUMNS: &str =
    "id, edition_id, email, status, daily, breaking, section_ids, tags, token, last_mailed_at, created_at";

/// A row of `subscribers` as [`SUBSCRIBER_COLUMNS`] reads it.
#[derive(Debug, FromRow)]
pub struct SubscriberRow {
    id: SubscriberId,
    edition_id: EditionId,
    email: String,
    status: String,
    daily: bool,
    breaking: bool,
    section_ids: String,
    tags: String,
    token: String,
    last_mailed_at: Option<OffsetDateTime>,
    created_at: OffsetDateTime,
}

impl From<SubscriberRow> for Subscriber {
    fn from(row: SubscriberRow) -> Self {
        Self {
            id: row.id,
            edition_id: row.edition_id,
            email: row.email,
            status: SubscriberStatus::from_stored(&row.status),
            choice: SubscriptionChoice::from_stored(row.daily, row.breaking, &row.section_ids, &row.tags),
            token: row.token,
            last_mailed_at: row.last_mailed_at,
            created_at: row.created_at,
        }
    }
}

const SEND_COLUMNS: &str = "s.id, s.edition_id, s.kind, s.subject, s.article_ids, s.created_at";

#[derive(Debug, FromRow)]
pub struct SendRow {
    id: NewsletterSendId,
    edition_id: EditionId,
    kind: String,
    subject: String,
    article_ids: String,
    created_at: OffsetDateTime,
}

impl From<SendRow> for NewsletterSend {
    fn from(row: SendRow) -> Self {
        Self {
            id: row.id,
            edition_id: row.edition_id,
            kind: SendKind::from_stored(&row.kind),
            subject: row.subject,
            article_ids: row.article_ids.split(',').filter_map(|id| id.parse().ok()).collect(),
            created_at: row.created_at,
        }
    }
}

#[derive(Debug, FromRow)]
pub struct SummaryRow {
    #[sqlx(flatten)]
    send: SendRow,
    period_to: Option<OffsetDateTime>,
    requested_by: Option<String>,
    sent: i64,
    skipped: i64,
    waiting: i64,
    failed: i64,
    last_error: String,
}

/// The subscriber queries both the store and a transaction run, over one
/// connection of backend `DB`.
#[derive(Debug)]
pub struct NewsletterSql<DB>(PhantomData<DB>);

impl<DB> NewsletterSql<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    for<'r> SubscriberRow: FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    async fn create_subscriber(
        c: &mut DB::Connection,
        new: &NewSubscriber,
        now: OffsetDateTime,
    ) -> Result<Subscriber, StoreError> {
        failpoint!("store.create_subscriber");
        let sql = format!(
            "INSERT INTO subscribers (edition_id, email, status, daily, breaking, section_ids, tags, token, \
             confirm_hash, confirm_expires_at, created_at, client_address) \
             VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING {SUBSCRIBER_COLUMNS}"
        );
        let row = sqlx::query_as::<DB, SubscriberRow>(&sql)
            .bind(new.edition_id)
            .bind(new.email.clone())
            .bind(new.choice.daily)
            .bind(new.choice.breaking)
            .bind(new.choice.stored_sections())
            .bind(new.choice.stored_tags())
            .bind(new.token.clone())
            .bind(new.confirm_hash.clone())
            .bind(whole_seconds(new.confirm_expires_at))
            .bind(whole_seconds(now))
            .bind(new.client_address.clone())
            .fetch_one(&mut *c)
            .await
            .map_err(db_error)?;
        Ok(row.into())
    }

    async fn renew_subscription(
        c: &mut DB::Connection,
        id: SubscriberId,
        choice: &SubscriptionChoice,
        confirm_hash: &str,
        confirm_expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        failpoint!("store.renew_subscription");
        sqlx::query::<DB>(
            "UPDATE subscribers SET status = 'pending', daily = $1, breaking = $2, section_ids = $3, tags = $4, \
             confirm_hash = $5, confirm_expires_at = $6 WHERE id = $7 AND status IN ('pending', 'unsubscribed')",
        )
        .bind(choice.daily)
        .bind(choice.breaking)
        .bind(choice.stored_sections())
        .bind(choice.stored_tags())
        .bind(confirm_hash.to_owned())
        .bind(whole_seconds(confirm_expires_at))
        .bind(id)
        .execute(&mut *c)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn mark_mailed(
        c: &mut DB::Connection,
        id: SubscriberId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        failpoint!("store.mark_subscriber_mailed");
        sqlx::query::<DB>("UPDATE subscribers SET last_mailed_at = $1 WHERE id = $2")
            .bind(whole_seconds(now))
            .bind(id)
            .execute(&mut *c)
            .await
            .map_err(db_error)?;
        Ok(())
    }
}

#[async_trait]
impl<DB> NewsletterTx for SqlTx<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    for<'r> SubscriberRow: FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    async fn create_subscriber(
        &mut self,
        new: &NewSubscriber,
        now: OffsetDateTime,
    ) -> Result<Subscriber, StoreError> {
        NewsletterSql::<DB>::create_subscriber(&mut self.tx, new, now).await
    }

    async fn renew_subscription(
        &mut self,
        id: SubscriberId,
        choice: &SubscriptionChoice,
        confirm_hash: &str,
        confirm_expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        NewsletterSql::<DB>::renew_subscription(&mut self.tx, id, choice, confirm_hash, confirm_expires_at)
            .await
    }

    async fn mark_subscriber_mailed(
        &mut self,
        id: SubscriberId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        NewsletterSql::<DB>::mark_mailed(&mut self.tx, id, now).await
    }
}

#[async_trait]
impl<S> NewsletterStore for S
where
    S: SqlPool,
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> bool: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> String: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<i64>: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> OffsetDateTime: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<OffsetDateTime>: Encode<'q, S::Db> + Type<S::Db>,
    for<'r> i64: Decode<'r, S::Db>,
    for<'r> OffsetDateTime: Decode<'r, S::Db>,
    for<'r> SubscriberRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> SendRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> SummaryRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> NewsletterCounts: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> (i64, i64): FromRow<'r, <S::Db as Database>::Row>,
    for<'r> (i64, i64, i64, i32): FromRow<'r, <S::Db as Database>::Row>,
    usize: ColumnIndex<<S::Db as Database>::Row>,
{
    async fn subscriber_by_email(
        &self,
        edition_id: EditionId,
        email: &str,
    ) -> Result<Option<Subscriber>, StoreError> {
        let sql =
            format!("SELECT {SUBSCRIBER_COLUMNS} FROM subscribers WHERE edition_id = $1 AND email = $2");
        let row = sqlx::query_as::<S::Db, SubscriberRow>(&sql)
            .bind(edition_id)
            .bind(email.to_owned())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        Ok(row.map(Subscriber::from))
    }

    async fn subscriber_by_token(&self, token: &str) -> Result<Option<Subscriber>, StoreError> {
        let sql = format!("SELECT {SUBSCRIBER_COLUMNS} FROM subscribers WHERE token = $1");
        let row = sqlx::query_as::<S::Db, SubscriberRow>(&sql)
            .bind(token.to_owned())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        Ok(row.map(Subscriber::from))
    }

    async fn subscriber_by_confirmation(
        &self,
        confirm_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<Subscriber>, StoreError> {
        let sql = format!(
            "SELECT {SUBSCRIBER_COLUMNS} FROM subscribers \
             WHERE confirm_hash = $1 AND confirm_expires_at >= $2 AND status = 'pending'"
        );
        let row = sqlx::query_as::<S::Db, SubscriberRow>(&sql)
            .bind(confirm_hash.to_owned())
            .bind(whole_seconds(now))
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        Ok(row.map(Subscriber::from))
    }

    async fn create_subscriber(
        &self,
        new: &NewSubscriber,
        now: OffsetDateTime,
    ) -> Result<Subscriber, StoreError> {
        let mut c = connection(self.pool()).await?;
        NewsletterSql::<S::Db>::create_subscriber(&mut c, new, now).await
    }

    async fn signups_from(&self, client_address: &str, since: OffsetDateTime) -> Result<i64, StoreError> {
        sqlx::query_scalar::<S::Db, i64>(
            "SELECT COUNT(*) AS n FROM subscribers WHERE client_address = $1 AND created_at >= $2",
        )
        .bind(client_address.to_owned())
        .bind(whole_seconds(since))
        .fetch_one(self.pool())
        .await
        .map_err(db_error)
    }

    async fn renew_subscription(
        &self,
        id: SubscriberId,
        choice: &SubscriptionChoice,
        confirm_hash: &str,
        confirm_expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut c = connection(self.pool()).await?;
        NewsletterSql::<S::Db>::renew_subscription(&mut c, id, choice, confirm_hash, confirm_expires_at).await
    }

    async fn mark_subscriber_mailed(&self, id: SubscriberId, now: OffsetDateTime) -> Result<(), StoreError> {
        let mut c = connection(self.pool()).await?;
        NewsletterSql::<S::Db>::mark_mailed(&mut c, id, now).await
    }

    async fn confirm_subscriber(
        &self,
        confirm_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<Subscriber>, StoreError> {
        let sql = format!(
            "UPDATE subscribers SET status = 'active', confirmed_at = $1, confirm_hash = NULL, \
             confirm_expires_at = NULL, unsubscribed_at = NULL \
             WHERE confirm_hash = $2 AND confirm_expires_at >= $1 AND status = 'pending' \
             RETURNING {SUBSCRIBER_COLUMNS}"
        );
        let row = sqlx::query_as::<S::Db, SubscriberRow>(&sql)
            .bind(whole_seconds(now))
            .bind(confirm_hash.to_owned())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        Ok(row.map(Subscriber::from))
    }

    async fn set_subscription_choice(
        &self,
        id: SubscriberId,
        choice: &SubscriptionChoice,
    ) -> Result<(), StoreError> {
        sqlx::query::<S::Db>(
            "UPDATE subscribers SET daily = $1, breaking = $2, section_ids = $3, tags = $4 WHERE id = $5",
        )
        .bind(choice.daily)
        .bind(choice.breaking)
        .bind(choice.stored_sections())
        .bind(choice.stored_tags())
        .bind(id)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn set_subscribed(
        &self,
        id: SubscriberId,
        active: bool,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        // Leaving also drops a confirmation link still in a mailbox.
        let sql = if active {
            "UPDATE subscribers SET status = 'active', unsubscribed_at = NULL, confirmed_at = $1 \
             WHERE id = $2 AND status = 'unsubscribed' RETURNING id"
        } else {
            "UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = $1, confirm_hash = NULL, \
             confirm_expires_at = NULL WHERE id = $2 AND status <> 'unsubscribed' RETURNING id"
        };
        let changed = sqlx::query_scalar::<S::Db, i64>(sql)
            .bind(whole_seconds(now))
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        Ok(changed.is_some())
    }

    async fn newsletter_counts(&self) -> Result<Vec<NewsletterCounts>, StoreError> {
        sqlx::query_as::<S::Db, NewsletterCounts>(
            "SELECT edition_id, \
             CAST(SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END) AS BIGINT) AS active, \
             CAST(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END) AS BIGINT) AS pending, \
             CAST(SUM(CASE WHEN status = 'unsubscribed' THEN 1 ELSE 0 END) AS BIGINT) AS unsubscribed, \
             CAST(SUM(CASE WHEN status = 'active' AND daily THEN 1 ELSE 0 END) AS BIGINT) AS daily, \
             CAST(SUM(CASE WHEN status = 'active' AND breaking THEN 1 ELSE 0 END) AS BIGINT) AS breaking \
             FROM subscribers GROUP BY edition_id ORDER BY edition_id",
        )
        .fetch_all(self.pool())
        .await
        .map_err(db_error)
    }

    async fn create_send(
        &self,
        new: &NewSend,
        now: OffsetDateTime,
    ) -> Result<Option<NewsletterSendId>, StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        let ids = new.article_ids.iter().map(ArticleId::to_string).collect::<Vec<_>>().join(",");
        let id = sqlx::query_scalar::<S::Db, NewsletterSendId>(
            "INSERT INTO newsletter_sends (edition_id, kind, send_key, subject, article_ids, period_from, \
             period_to, requested_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (edition_id, kind, send_key) DO NOTHING RETURNING id",
        )
        .bind(new.edition_id)
        .bind(new.kind.as_str().to_owned())
        .bind(new.key.clone())
        .bind(new.subject.clone())
        .bind(ids)
        .bind(new.period.map(|p| whole_seconds(p.0)))
        .bind(new.period.map(|p| whole_seconds(p.1)))
        .bind(new.requested_by.map(|id| id.get()))
        .bind(whole_seconds(now))
        .fetch_optional(&mut *tx.tx)
        .await
        .map_err(db_error)?;
        let Some(id) = id else { return Ok(None) };
        if !new.article_ids.is_empty() {
            // The column is picked from the enum, never from input.
            let rhythm = match new.kind {
                SendKind::Digest => "daily",
                SendKind::Breaking => "breaking",
            };
            sqlx::query::<S::Db>(&format!(
                "INSERT INTO newsletter_deliveries (send_id, subscriber_id, next_attempt_at) \
                 SELECT $1, id, $2 FROM subscribers WHERE edition_id = $3 AND status = 'active' AND {rhythm} = $4"
            ))
            .bind(id)
            .bind(whole_seconds(now))
            .bind(new.edition_id)
            .bind(true)
            .execute(&mut *tx.tx)
            .await
            .map_err(db_error)?;
        }
        tx.tx.commit().await.map_err(db_error)?;
        Ok(Some(id))
    }

    async fn send_exists(
        &self,
        edition_id: EditionId,
        kind: SendKind,
        key: &str,
    ) -> Result<bool, StoreError> {
        let found = sqlx::query_scalar::<S::Db, i64>(
            "SELECT id FROM newsletter_sends WHERE edition_id = $1 AND kind = $2 AND send_key = $3",
        )
        .bind(edition_id)
        .bind(kind.as_str().to_owned())
        .bind(key.to_owned())
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?;
        Ok(found.is_some())
    }

    async fn last_digest_end(&self, edition_id: EditionId) -> Result<Option<OffsetDateTime>, StoreError> {
        sqlx::query_scalar::<S::Db, OffsetDateTime>(
            "SELECT period_to FROM newsletter_sends WHERE edition_id = $1 AND kind = 'digest' \
             AND period_to IS NOT NULL ORDER BY period_to DESC LIMIT 1",
        )
        .bind(edition_id)
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)
    }

    async fn newsletter_send(&self, id: NewsletterSendId) -> Result<Option<NewsletterSend>, StoreError> {
        let sql = format!("SELECT {SEND_COLUMNS} FROM newsletter_sends s WHERE s.id = $1");
        let row = sqlx::query_as::<S::Db, SendRow>(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        Ok(row.map(NewsletterSend::from))
    }

    async fn send_history(&self, limit: i64) -> Result<Vec<SendSummary>, StoreError> {
        let sql = format!(
            "SELECT {SEND_COLUMNS}, s.period_to, u.display_name AS requested_by, \
             CAST(COALESCE(SUM(CASE WHEN d.status = 'sent' THEN 1 ELSE 0 END), 0) AS BIGINT) AS sent, \
             CAST(COALESCE(SUM(CASE WHEN d.status = 'skipped' THEN 1 ELSE 0 END), 0) AS BIGINT) AS skipped, \
             CAST(COALESCE(SUM(CASE WHEN d.status IN ('pending', 'sending') THEN 1 ELSE 0 END), 0) AS BIGINT) \
             AS waiting, \
             CAST(COALESCE(SUM(CASE WHEN d.status = 'failed' THEN 1 ELSE 0 END), 0) AS BIGINT) AS failed, \
             COALESCE(MAX(d.last_error), '') AS last_error \
             FROM newsletter_sends s LEFT JOIN newsletter_deliveries d ON d.send_id = s.id \
             LEFT JOIN users u ON u.id = s.requested_by \
             GROUP BY s.id, s.edition_id, s.kind, s.subject, s.article_ids, s.created_at, s.period_to, \
             u.display_name ORDER BY s.id DESC LIMIT $1"
        );
        let rows = sqlx::query_as::<S::Db, SummaryRow>(&sql)
            .bind(limit)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .map(|row| SendSummary {
                send: row.send.into(),
                period_to: row.period_to,
                requested_by: row.requested_by,
                sent: row.sent,
                skipped: row.skipped,
                waiting: row.waiting,
                failed: row.failed,
                last_error: row.last_error,
            })
            .collect())
    }

    async fn claim_deliveries(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<ClaimedDelivery>, StoreError> {
        // As with jobs, the outer WHERE repeats the test, so a node racing
        // for the same rows on PostgreSQL finds them taken.
        const DUE: &str = "status IN ('pending', 'sending') AND next_attempt_at <= $2 \
            AND (lease_until IS NULL OR lease_until < $2)";
        // Nothing due is the usual answer: find that out without taking
        // SQLite's write lock (every node asks every second).
        let due = sqlx::query_scalar::<S::Db, i64>(
            "SELECT id FROM newsletter_deliveries WHERE status IN ('pending', 'sending') \
             AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1) LIMIT 1",
        )
        .bind(whole_seconds(now))
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?;
        if due.is_none() {
            return Ok(Vec::new());
        }
        let mut tx = SqlTx::begin(self.pool()).await?;
        let claimed = sqlx::query_as::<S::Db, (i64, i64, i64, i32)>(&format!(
            "UPDATE newsletter_deliveries SET status = 'sending', lease_until = $1, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM newsletter_deliveries WHERE {DUE} ORDER BY next_attempt_at, id LIMIT $3) \
             AND {DUE} RETURNING id, send_id, subscriber_id, attempts"
        ))
        .bind(whole_seconds(lease_until))
        .bind(whole_seconds(now))
        .bind(limit)
        .fetch_all(&mut *tx.tx)
        .await
        .map_err(db_error)?;
        tx.tx.commit().await.map_err(db_error)?;
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        // Integers only, formatted by us: safe to inline.
        let ids = claimed.iter().map(|r| r.2.to_string()).collect::<Vec<_>>().join(",");
        let sql = format!("SELECT {SUBSCRIBER_COLUMNS} FROM subscribers WHERE id IN ({ids})");
        let subscribers: HashMap<SubscriberId, Subscriber> = sqlx::query_as::<S::Db, SubscriberRow>(&sql)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?
            .into_iter()
            .map(|row| (row.id, Subscriber::from(row)))
            .collect();
        Ok(claimed
            .into_iter()
            .filter_map(|(id, send_id, subscriber_id, attempts)| {
                let subscriber = subscribers.get(&SubscriberId::new(subscriber_id))?.clone();
                Some(ClaimedDelivery {
                    id: DeliveryId::new(id),
                    send_id: NewsletterSendId::new(send_id),
                    attempts,
                    subscriber,
                })
            })
            .collect())
    }

    async fn finish_delivery(
        &self,
        id: DeliveryId,
        outcome: &DeliveryOutcome,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        use DeliveryOutcome as O;
        let query = match outcome {
            O::Sent => sqlx::query::<S::Db>(
                "UPDATE newsletter_deliveries SET status = 'sent', sent_at = $1, lease_until = NULL, \
                 last_error = '' WHERE id = $2",
            )
            .bind(whole_seconds(now)),
            O::Skipped => sqlx::query::<S::Db>(
                "UPDATE newsletter_deliveries SET status = 'skipped', sent_at = $1, lease_until = NULL WHERE id = $2",
            )
            .bind(whole_seconds(now)),
            O::Retry { at, error } => sqlx::query::<S::Db>(
                "UPDATE newsletter_deliveries SET status = 'pending', next_attempt_at = $1, lease_until = NULL, \
                 last_error = $2 WHERE id = $3",
            )
            .bind(whole_seconds(*at))
            .bind(error.clone()),
            O::Failed { error } => sqlx::query::<S::Db>(
                "UPDATE newsletter_deliveries SET status = 'failed', lease_until = NULL, last_error = $1 WHERE id = $2",
            )
            .bind(error.clone()),
            O::Released => sqlx::query::<S::Db>(
                "UPDATE newsletter_deliveries SET status = 'pending', lease_until = NULL, attempts = attempts - 1 \
                 WHERE id = $1",
            ),
        };
        query.bind(id).execute(self.pool()).await.map_err(db_error)?;
        Ok(())
    }

    async fn published_ids_between(
        &self,
        edition_id: EditionId,
        from: OffsetDateTime,
        to: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<ArticleId>, StoreError> {
        sqlx::query_scalar::<S::Db, ArticleId>(
            "SELECT id FROM articles WHERE edition_id = $1 AND status = 'published' \
             AND published_at >= $2 AND published_at < $3 ORDER BY published_at DESC, id DESC LIMIT $4",
        )
        .bind(edition_id)
        .bind(whole_seconds(from))
        .bind(whole_seconds(to))
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .map_err(db_error)
    }

    async fn breaking_published_since(
        &self,
        since: OffsetDateTime,
    ) -> Result<Vec<(ArticleId, EditionId)>, StoreError> {
        sqlx::query_as::<S::Db, (ArticleId, EditionId)>(
            "SELECT id, edition_id FROM articles WHERE status = 'published' AND breaking = $1 \
             AND published_at >= $2 ORDER BY published_at, id",
        )
        .bind(true)
        .bind(whole_seconds(since))
        .fetch_all(self.pool())
        .await
        .map_err(db_error)
    }
}
