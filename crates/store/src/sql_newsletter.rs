//! The newsletter queries both backends share, expanded inside
//! [`crate::sql_store_impl!`] (it uses that expansion's `Db`, `db_err`,
//! `whole_seconds` and `begin_write`).

/// Implements [`crate::NewsletterStore`] for `$store`; only for use inside
/// [`crate::sql_store_impl!`].
#[doc(hidden)]
#[macro_export]
macro_rules! sql_newsletter_impl {
    ($store:ty) => {
        const SUBSCRIBER_COLUMNS: &str = "id, edition_id, email, status, daily, breaking, section_ids, tags, token, \
            last_mailed_at, created_at";

        fn subscriber_from_row(row: &DbRow) -> Result<$crate::Subscriber, StoreError> {
            let sections: String = row.try_get("section_ids").map_err(db_err)?;
            let tags: String = row.try_get("tags").map_err(db_err)?;
            Ok($crate::Subscriber {
                id: row.try_get("id").map_err(db_err)?,
                edition_id: row.try_get("edition_id").map_err(db_err)?,
                email: row.try_get("email").map_err(db_err)?,
                status: $crate::SubscriberStatus::from_stored(
                    &row.try_get::<String, _>("status").map_err(db_err)?,
                ),
                choice: $crate::SubscriptionChoice::from_stored(
                    row.try_get("daily").map_err(db_err)?,
                    row.try_get("breaking").map_err(db_err)?,
                    &sections,
                    &tags,
                ),
                token: row.try_get("token").map_err(db_err)?,
                last_mailed_at: row.try_get("last_mailed_at").map_err(db_err)?,
                created_at: row.try_get("created_at").map_err(db_err)?,
            })
        }

        const SEND_COLUMNS: &str = "s.id, s.edition_id, s.kind, s.subject, s.article_ids, s.created_at";

        fn send_from_row(row: &DbRow) -> Result<$crate::NewsletterSend, StoreError> {
            let ids: String = row.try_get("article_ids").map_err(db_err)?;
            Ok($crate::NewsletterSend {
                id: row.try_get("id").map_err(db_err)?,
                edition_id: row.try_get("edition_id").map_err(db_err)?,
                kind: $crate::SendKind::from_stored(&row.try_get::<String, _>("kind").map_err(db_err)?),
                subject: row.try_get("subject").map_err(db_err)?,
                article_ids: ids.split(',').filter_map(|id| id.parse().ok()).collect(),
                created_at: row.try_get("created_at").map_err(db_err)?,
            })
        }

        #[::async_trait::async_trait]
        impl $crate::NewsletterStore for $store {
            async fn subscriber_by_email(
                &self,
                edition_id: i64,
                email: &str,
            ) -> Result<Option<$crate::Subscriber>, StoreError> {
                ::sqlx::query::<Db>(&format!(
                    "SELECT {SUBSCRIBER_COLUMNS} FROM subscribers WHERE edition_id = $1 AND email = $2"
                ))
                .bind(edition_id)
                .bind(email.to_owned())
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?
                .as_ref()
                .map(subscriber_from_row)
                .transpose()
            }

            async fn subscriber_by_token(&self, token: &str) -> Result<Option<$crate::Subscriber>, StoreError> {
                ::sqlx::query::<Db>(&format!("SELECT {SUBSCRIBER_COLUMNS} FROM subscribers WHERE token = $1"))
                    .bind(token.to_owned())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?
                    .as_ref()
                    .map(subscriber_from_row)
                    .transpose()
            }

            async fn subscriber_by_confirmation(
                &self,
                confirm_hash: &str,
                now: ::time::OffsetDateTime,
            ) -> Result<Option<$crate::Subscriber>, StoreError> {
                ::sqlx::query::<Db>(&format!(
                    "SELECT {SUBSCRIBER_COLUMNS} FROM subscribers \
                     WHERE confirm_hash = $1 AND confirm_expires_at >= $2 AND status = 'pending'"
                ))
                .bind(confirm_hash.to_owned())
                .bind(whole_seconds(now))
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?
                .as_ref()
                .map(subscriber_from_row)
                .transpose()
            }

            async fn create_subscriber(
                &self,
                new: &$crate::NewSubscriber,
                now: ::time::OffsetDateTime,
            ) -> Result<$crate::Subscriber, StoreError> {
                let row = ::sqlx::query::<Db>(&format!(
                    "INSERT INTO subscribers (edition_id, email, status, daily, breaking, section_ids, tags, token, \
                     confirm_hash, confirm_expires_at, created_at, client_address) \
                     VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING {SUBSCRIBER_COLUMNS}"
                ))
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
                .fetch_one(&self.pool)
                .await
                .map_err(db_err)?;
                subscriber_from_row(&row)
            }

            async fn signups_from(
                &self,
                client_address: &str,
                since: ::time::OffsetDateTime,
            ) -> Result<i64, StoreError> {
                let row = ::sqlx::query::<Db>(
                    "SELECT COUNT(*) AS n FROM subscribers WHERE client_address = $1 AND created_at >= $2",
                )
                .bind(client_address.to_owned())
                .bind(whole_seconds(since))
                .fetch_one(&self.pool)
                .await
                .map_err(db_err)?;
                row.try_get("n").map_err(db_err)
            }

            async fn renew_subscription(
                &self,
                id: i64,
                choice: &$crate::SubscriptionChoice,
                confirm_hash: &str,
                confirm_expires_at: ::time::OffsetDateTime,
            ) -> Result<(), StoreError> {
                ::sqlx::query::<Db>(
                    "UPDATE subscribers SET status = 'pending', daily = $1, breaking = $2, section_ids = $3, \
                     tags = $4, confirm_hash = $5, confirm_expires_at = $6 \
                     WHERE id = $7 AND status IN ('pending', 'unsubscribed')",
                )
                .bind(choice.daily)
                .bind(choice.breaking)
                .bind(choice.stored_sections())
                .bind(choice.stored_tags())
                .bind(confirm_hash.to_owned())
                .bind(whole_seconds(confirm_expires_at))
                .bind(id)
                .execute(&self.pool)
                .await
                .map_err(db_err)?;
                Ok(())
            }

            async fn mark_subscriber_mailed(&self, id: i64, now: ::time::OffsetDateTime) -> Result<(), StoreError> {
                ::sqlx::query::<Db>("UPDATE subscribers SET last_mailed_at = $1 WHERE id = $2")
                    .bind(whole_seconds(now))
                    .bind(id)
                    .execute(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }

            async fn confirm_subscriber(
                &self,
                confirm_hash: &str,
                now: ::time::OffsetDateTime,
            ) -> Result<Option<$crate::Subscriber>, StoreError> {
                ::sqlx::query::<Db>(&format!(
                    "UPDATE subscribers SET status = 'active', confirmed_at = $1, confirm_hash = NULL, \
                     confirm_expires_at = NULL, unsubscribed_at = NULL \
                     WHERE confirm_hash = $2 AND confirm_expires_at >= $1 AND status = 'pending' \
                     RETURNING {SUBSCRIBER_COLUMNS}"
                ))
                .bind(whole_seconds(now))
                .bind(confirm_hash.to_owned())
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?
                .as_ref()
                .map(subscriber_from_row)
                .transpose()
            }

            async fn set_subscription_choice(
                &self,
                id: i64,
                choice: &$crate::SubscriptionChoice,
            ) -> Result<(), StoreError> {
                ::sqlx::query::<Db>(
                    "UPDATE subscribers SET daily = $1, breaking = $2, section_ids = $3, tags = $4 WHERE id = $5",
                )
                .bind(choice.daily)
                .bind(choice.breaking)
                .bind(choice.stored_sections())
                .bind(choice.stored_tags())
                .bind(id)
                .execute(&self.pool)
                .await
                .map_err(db_err)?;
                Ok(())
            }

            async fn set_subscribed(
                &self,
                id: i64,
                active: bool,
                now: ::time::OffsetDateTime,
            ) -> Result<bool, StoreError> {
                // Leaving also drops a confirmation link still in a mailbox.
                let sql = if active {
                    "UPDATE subscribers SET status = 'active', unsubscribed_at = NULL, confirmed_at = $1 \
                     WHERE id = $2 AND status = 'unsubscribed'"
                } else {
                    "UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = $1, confirm_hash = NULL, \
                     confirm_expires_at = NULL WHERE id = $2 AND status <> 'unsubscribed'"
                };
                let done = ::sqlx::query::<Db>(sql)
                    .bind(whole_seconds(now))
                    .bind(id)
                    .execute(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(done.rows_affected() > 0)
            }

            async fn newsletter_counts(&self) -> Result<Vec<$crate::NewsletterCounts>, StoreError> {
                ::sqlx::query::<Db>(
                    "SELECT edition_id, \
                     SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END) AS active, \
                     SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END) AS pending, \
                     SUM(CASE WHEN status = 'unsubscribed' THEN 1 ELSE 0 END) AS unsubscribed, \
                     SUM(CASE WHEN status = 'active' AND daily THEN 1 ELSE 0 END) AS daily, \
                     SUM(CASE WHEN status = 'active' AND breaking THEN 1 ELSE 0 END) AS breaking \
                     FROM subscribers GROUP BY edition_id ORDER BY edition_id",
                )
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(|row| {
                    Ok($crate::NewsletterCounts {
                        edition_id: row.try_get("edition_id").map_err(db_err)?,
                        active: row.try_get("active").map_err(db_err)?,
                        pending: row.try_get("pending").map_err(db_err)?,
                        unsubscribed: row.try_get("unsubscribed").map_err(db_err)?,
                        daily: row.try_get("daily").map_err(db_err)?,
                        breaking: row.try_get("breaking").map_err(db_err)?,
                    })
                })
                .collect()
            }

            async fn create_send(
                &self,
                new: &$crate::NewSend,
                now: ::time::OffsetDateTime,
            ) -> Result<Option<i64>, StoreError> {
                let mut tx = self.pool.begin_with(begin_write()).await.map_err(db_err)?;
                let ids = new.article_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
                let row = ::sqlx::query::<Db>(
                    "INSERT INTO newsletter_sends (edition_id, kind, send_key, subject, article_ids, period_from, \
                     period_to, requested_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (edition_id, kind, send_key) DO NOTHING RETURNING id",
                )
                .bind(new.edition_id)
                .bind(new.kind.as_str())
                .bind(new.key.clone())
                .bind(new.subject.clone())
                .bind(ids)
                .bind(new.period.map(|p| whole_seconds(p.0)))
                .bind(new.period.map(|p| whole_seconds(p.1)))
                .bind(new.requested_by)
                .bind(whole_seconds(now))
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
                let Some(row) = row else { return Ok(None) };
                let id: i64 = row.try_get("id").map_err(db_err)?;
                if !new.article_ids.is_empty() {
                    // The column is picked from the enum, never from input.
                    let rhythm = match new.kind {
                        $crate::SendKind::Digest => "daily",
                        $crate::SendKind::Breaking => "breaking",
                    };
                    ::sqlx::query::<Db>(&format!(
                        "INSERT INTO newsletter_deliveries (send_id, subscriber_id, next_attempt_at) \
                         SELECT $1, id, $2 FROM subscribers WHERE edition_id = $3 AND status = 'active' \
                         AND {rhythm} = $4"
                    ))
                    .bind(id)
                    .bind(whole_seconds(now))
                    .bind(new.edition_id)
                    .bind(true)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                }
                tx.commit().await.map_err(db_err)?;
                Ok(Some(id))
            }

            async fn send_exists(
                &self,
                edition_id: i64,
                kind: $crate::SendKind,
                key: &str,
            ) -> Result<bool, StoreError> {
                let row = ::sqlx::query::<Db>(
                    "SELECT 1 AS one FROM newsletter_sends WHERE edition_id = $1 AND kind = $2 AND send_key = $3",
                )
                .bind(edition_id)
                .bind(kind.as_str())
                .bind(key.to_owned())
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
                Ok(row.is_some())
            }

            async fn last_digest_end(&self, edition_id: i64) -> Result<Option<::time::OffsetDateTime>, StoreError> {
                let row = ::sqlx::query::<Db>(
                    "SELECT period_to FROM newsletter_sends WHERE edition_id = $1 AND kind = 'digest' \
                     AND period_to IS NOT NULL ORDER BY period_to DESC LIMIT 1",
                )
                .bind(edition_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
                row.map(|row| row.try_get("period_to").map_err(db_err)).transpose()
            }

            async fn newsletter_send(&self, id: i64) -> Result<Option<$crate::NewsletterSend>, StoreError> {
                ::sqlx::query::<Db>(&format!("SELECT {SEND_COLUMNS} FROM newsletter_sends s WHERE s.id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?
                    .as_ref()
                    .map(send_from_row)
                    .transpose()
            }

            async fn send_history(&self, limit: i64) -> Result<Vec<$crate::SendSummary>, StoreError> {
                ::sqlx::query::<Db>(&format!(
                    "SELECT {SEND_COLUMNS}, s.period_to, u.display_name AS requested_by, \
                     COALESCE(SUM(CASE WHEN d.status = 'sent' THEN 1 ELSE 0 END), 0) AS sent, \
                     COALESCE(SUM(CASE WHEN d.status = 'skipped' THEN 1 ELSE 0 END), 0) AS skipped, \
                     COALESCE(SUM(CASE WHEN d.status IN ('pending', 'sending') THEN 1 ELSE 0 END), 0) AS waiting, \
                     COALESCE(SUM(CASE WHEN d.status = 'failed' THEN 1 ELSE 0 END), 0) AS failed, \
                     COALESCE(MAX(d.last_error), '') AS last_error \
                     FROM newsletter_sends s LEFT JOIN newsletter_deliveries d ON d.send_id = s.id \
                     LEFT JOIN users u ON u.id = s.requested_by \
                     GROUP BY s.id, s.edition_id, s.kind, s.subject, s.article_ids, s.created_at, s.period_to, \
                     u.display_name ORDER BY s.id DESC LIMIT $1"
                ))
                .bind(limit)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(|row| {
                    Ok($crate::SendSummary {
                        send: send_from_row(row)?,
                        period_to: row.try_get("period_to").map_err(db_err)?,
                        requested_by: row.try_get("requested_by").map_err(db_err)?,
                        sent: row.try_get("sent").map_err(db_err)?,
                        skipped: row.try_get("skipped").map_err(db_err)?,
                        waiting: row.try_get("waiting").map_err(db_err)?,
                        failed: row.try_get("failed").map_err(db_err)?,
                        last_error: row.try_get("last_error").map_err(db_err)?,
                    })
                })
                .collect()
            }

            async fn claim_deliveries(
                &self,
                now: ::time::OffsetDateTime,
                lease_until: ::time::OffsetDateTime,
                limit: i64,
            ) -> Result<Vec<$crate::ClaimedDelivery>, StoreError> {
                // As with jobs, the outer WHERE repeats the test, so a node
                // racing for the same rows on PostgreSQL finds them taken.
                const DUE: &str = "status IN ('pending', 'sending') AND next_attempt_at <= $2 \
                    AND (lease_until IS NULL OR lease_until < $2)";
                // Nothing due is the usual answer: find that out without
                // taking SQLite's write lock (every node asks every second).
                let due = ::sqlx::query::<Db>(
                    "SELECT id FROM newsletter_deliveries WHERE status IN ('pending', 'sending') \
                     AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1) LIMIT 1",
                )
                .bind(whole_seconds(now))
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
                if due.is_none() {
                    return Ok(Vec::new());
                }
                let mut tx = self.pool.begin_with(begin_write()).await.map_err(db_err)?;
                let claimed = ::sqlx::query::<Db>(&format!(
                    "UPDATE newsletter_deliveries SET status = 'sending', lease_until = $1, attempts = attempts + 1 \
                     WHERE id IN (SELECT id FROM newsletter_deliveries WHERE {DUE} ORDER BY next_attempt_at, id \
                     LIMIT $3) AND {DUE} RETURNING id, send_id, subscriber_id, attempts"
                ))
                .bind(whole_seconds(lease_until))
                .bind(whole_seconds(now))
                .bind(limit)
                .fetch_all(&mut *tx)
                .await
                .map_err(db_err)?;
                let mut rows = Vec::with_capacity(claimed.len());
                for row in &claimed {
                    let id: i64 = row.try_get("id").map_err(db_err)?;
                    let send_id: i64 = row.try_get("send_id").map_err(db_err)?;
                    let subscriber_id: i64 = row.try_get("subscriber_id").map_err(db_err)?;
                    let attempts: i32 = row.try_get("attempts").map_err(db_err)?;
                    rows.push((id, send_id, subscriber_id, attempts));
                }
                tx.commit().await.map_err(db_err)?;
                if rows.is_empty() {
                    return Ok(Vec::new());
                }
                let ids = rows.iter().map(|r| r.2.to_string()).collect::<Vec<_>>().join(",");
                // Integers only, formatted by us: safe to inline.
                let subscribers: ::std::collections::HashMap<i64, $crate::Subscriber> = ::sqlx::query::<Db>(
                    &format!("SELECT {SUBSCRIBER_COLUMNS} FROM subscribers WHERE id IN ({ids})"),
                )
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(|row| subscriber_from_row(row).map(|s| (s.id, s)))
                .collect::<Result<_, _>>()?;
                Ok(rows
                    .into_iter()
                    .filter_map(|(id, send_id, subscriber_id, attempts)| {
                        let subscriber = subscribers.get(&subscriber_id)?.clone();
                        Some($crate::ClaimedDelivery { id, send_id, attempts, subscriber })
                    })
                    .collect())
            }

            async fn finish_delivery(
                &self,
                id: i64,
                outcome: &$crate::DeliveryOutcome,
                now: ::time::OffsetDateTime,
            ) -> Result<(), StoreError> {
                use $crate::DeliveryOutcome as O;
                let query = match outcome {
                    O::Sent => ::sqlx::query::<Db>(
                        "UPDATE newsletter_deliveries SET status = 'sent', sent_at = $1, lease_until = NULL, \
                         last_error = '' WHERE id = $2",
                    )
                    .bind(whole_seconds(now)),
                    O::Skipped => ::sqlx::query::<Db>(
                        "UPDATE newsletter_deliveries SET status = 'skipped', sent_at = $1, lease_until = NULL \
                         WHERE id = $2",
                    )
                    .bind(whole_seconds(now)),
                    O::Retry { at, error } => ::sqlx::query::<Db>(
                        "UPDATE newsletter_deliveries SET status = 'pending', next_attempt_at = $1, \
                         lease_until = NULL, last_error = $2 WHERE id = $3",
                    )
                    .bind(whole_seconds(*at))
                    .bind(error.clone()),
                    O::Failed { error } => ::sqlx::query::<Db>(
                        "UPDATE newsletter_deliveries SET status = 'failed', lease_until = NULL, last_error = $1 \
                         WHERE id = $2",
                    )
                    .bind(error.clone()),
                    O::Released => ::sqlx::query::<Db>(
                        "UPDATE newsletter_deliveries SET status = 'pending', lease_until = NULL, \
                         attempts = attempts - 1 WHERE id = $1",
                    ),
                };
                query.bind(id).execute(&self.pool).await.map_err(db_err)?;
                Ok(())
            }

            async fn published_ids_between(
                &self,
                edition_id: i64,
                from: ::time::OffsetDateTime,
                to: ::time::OffsetDateTime,
                limit: i64,
            ) -> Result<Vec<i64>, StoreError> {
                ::sqlx::query::<Db>(
                    "SELECT id FROM articles WHERE edition_id = $1 AND status = 'published' \
                     AND published_at >= $2 AND published_at < $3 ORDER BY published_at DESC, id DESC LIMIT $4",
                )
                .bind(edition_id)
                .bind(whole_seconds(from))
                .bind(whole_seconds(to))
                .bind(limit)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(|row| row.try_get("id").map_err(db_err))
                .collect()
            }

            async fn breaking_published_since(
                &self,
                since: ::time::OffsetDateTime,
            ) -> Result<Vec<(i64, i64)>, StoreError> {
                ::sqlx::query::<Db>(
                    "SELECT id, edition_id FROM articles WHERE status = 'published' AND breaking = $1 \
                     AND published_at >= $2 ORDER BY published_at, id",
                )
                .bind(true)
                .bind(whole_seconds(since))
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(|row| Ok((row.try_get("id").map_err(db_err)?, row.try_get("edition_id").map_err(db_err)?)))
                .collect()
            }
        }
    };
}
