//! The chat queries both backends share, expanded inside
//! [`crate::sql_store_impl!`] (it uses that expansion's `Db`, `DbRow`,
//! `db_err`, `whole_seconds` and `begin_write`).

/// Implements [`crate::ChatStore`] for `$store`; only for use inside
/// [`crate::sql_store_impl!`].
#[doc(hidden)]
#[macro_export]
macro_rules! sql_chat_impl {
    ($store:ty, $backend:literal) => {
        const CHAT_ROOM_COLUMNS: &str = "id, edition_id, slug, title, topic, article_id, members_only, \
            slow_mode_seconds, retention_days, closed_at, created_at";

        fn chat_room_from_row(row: &DbRow) -> Result<$crate::ChatRoom, StoreError> {
            Ok($crate::ChatRoom {
                id: row.try_get("id").map_err(db_err)?,
                edition_id: row.try_get("edition_id").map_err(db_err)?,
                slug: row.try_get("slug").map_err(db_err)?,
                title: row.try_get("title").map_err(db_err)?,
                topic: row.try_get("topic").map_err(db_err)?,
                article_id: row.try_get("article_id").map_err(db_err)?,
                members_only: row.try_get("members_only").map_err(db_err)?,
                slow_mode_seconds: row.try_get("slow_mode_seconds").map_err(db_err)?,
                retention_days: row.try_get("retention_days").map_err(db_err)?,
                closed_at: row.try_get("closed_at").map_err(db_err)?,
                created_at: row.try_get("created_at").map_err(db_err)?,
            })
        }

        const CHAT_MESSAGE_SELECT: &str = "SELECT m.id, m.room_id, m.user_id, \
            COALESCE(u.display_name, '') AS author_name, COALESCE(u.role, 'reader') AS author_role, \
            m.body, m.body_html, m.created_at, m.edited_at, m.deleted_at, m.pinned_at, \
            p.id AS reply_id, COALESCE(pu.display_name, '') AS reply_author, COALESCE(p.body, '') AS reply_body, \
            p.deleted_at AS reply_deleted_at \
            FROM chat_messages m LEFT JOIN users u ON u.id = m.user_id \
            LEFT JOIN chat_messages p ON p.id = m.reply_to LEFT JOIN users pu ON pu.id = p.user_id";

        fn chat_message_from_row(row: &DbRow) -> Result<$crate::ChatMessage, StoreError> {
            let role: String = row.try_get("author_role").map_err(db_err)?;
            let reply_id: Option<i64> = row.try_get("reply_id").map_err(db_err)?;
            let reply = match reply_id {
                Some(id) => Some($crate::ChatReply {
                    id,
                    author_name: row.try_get("reply_author").map_err(db_err)?,
                    body: row.try_get("reply_body").map_err(db_err)?,
                    deleted: row
                        .try_get::<Option<::time::OffsetDateTime>, _>("reply_deleted_at")
                        .map_err(db_err)?
                        .is_some(),
                }),
                None => None,
            };
            Ok($crate::ChatMessage {
                id: row.try_get("id").map_err(db_err)?,
                room_id: row.try_get("room_id").map_err(db_err)?,
                user_id: row.try_get("user_id").map_err(db_err)?,
                author_name: row.try_get("author_name").map_err(db_err)?,
                author_staff: ::dateline_core::Role::parse(&role).is_ok_and(|r| r.is_staff()),
                body: row.try_get("body").map_err(db_err)?,
                html: row.try_get("body_html").map_err(db_err)?,
                created_at: row.try_get("created_at").map_err(db_err)?,
                edited_at: row.try_get("edited_at").map_err(db_err)?,
                deleted_at: row.try_get("deleted_at").map_err(db_err)?,
                pinned_at: row.try_get("pinned_at").map_err(db_err)?,
                reply,
            })
        }

        fn chat_event_from_row(row: &DbRow) -> Result<$crate::ChatEvent, StoreError> {
            Ok($crate::ChatEvent {
                id: row.try_get("id").map_err(db_err)?,
                room_id: row.try_get("room_id").map_err(db_err)?,
                kind: row.try_get("kind").map_err(db_err)?,
                data: row.try_get("data").map_err(db_err)?,
                created_at: row.try_get("created_at").map_err(db_err)?,
            })
        }

        fn chat_sanction_from_row(row: &DbRow) -> Result<$crate::ChatSanction, StoreError> {
            let kind: String = row.try_get("kind").map_err(db_err)?;
            Ok($crate::ChatSanction {
                id: row.try_get("id").map_err(db_err)?,
                user_id: row.try_get("user_id").map_err(db_err)?,
                user_name: row.try_get("user_name").map_err(db_err)?,
                room_id: row.try_get("room_id").map_err(db_err)?,
                kind: $crate::SanctionKind::parse(&kind)
                    .ok_or_else(|| StoreError::Invalid(format!("chat sanction kind {kind:?}")))?,
                until: row.try_get("until").map_err(db_err)?,
                reason: row.try_get("reason").map_err(db_err)?,
                created_at: row.try_get("created_at").map_err(db_err)?,
            })
        }

        #[::async_trait::async_trait]
        impl $crate::ChatStore for $store {
            async fn chat_rooms(&self, edition_id: Option<i64>) -> Result<Vec<$crate::ChatRoom>, StoreError> {
                let sql = format!(
                    "SELECT {CHAT_ROOM_COLUMNS} FROM chat_rooms WHERE ($1 IS NULL OR edition_id = $1) \
                     ORDER BY CASE WHEN closed_at IS NULL THEN 0 ELSE 1 END, title, id"
                );
                ::sqlx::query::<Db>(&sql)
                    .bind(edition_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?
                    .iter()
                    .map(chat_room_from_row)
                    .collect()
            }

            async fn chat_room(&self, id: i64) -> Result<Option<$crate::ChatRoom>, StoreError> {
                ::sqlx::query::<Db>(&format!("SELECT {CHAT_ROOM_COLUMNS} FROM chat_rooms WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?
                    .as_ref()
                    .map(chat_room_from_row)
                    .transpose()
            }

            async fn chat_room_by_slug(
                &self,
                edition_id: i64,
                slug: &str,
            ) -> Result<Option<$crate::ChatRoom>, StoreError> {
                ::sqlx::query::<Db>(&format!(
                    "SELECT {CHAT_ROOM_COLUMNS} FROM chat_rooms WHERE edition_id = $1 AND slug = $2"
                ))
                .bind(edition_id)
                .bind(slug.to_owned())
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?
                .as_ref()
                .map(chat_room_from_row)
                .transpose()
            }

            async fn chat_rooms_for_article(&self, article_id: i64) -> Result<Vec<$crate::ChatRoom>, StoreError> {
                ::sqlx::query::<Db>(&format!(
                    "SELECT {CHAT_ROOM_COLUMNS} FROM chat_rooms WHERE article_id = $1 AND closed_at IS NULL \
                     ORDER BY id"
                ))
                .bind(article_id)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(chat_room_from_row)
                .collect()
            }

            async fn create_chat_room(
                &self,
                new: &$crate::NewChatRoom,
                now: ::time::OffsetDateTime,
            ) -> Result<$crate::ChatRoom, StoreError> {
                let row = ::sqlx::query::<Db>(&format!(
                    "INSERT INTO chat_rooms (edition_id, slug, title, topic, article_id, members_only, \
                     retention_days, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     RETURNING {CHAT_ROOM_COLUMNS}"
                ))
                .bind(new.edition_id)
                .bind(new.slug.clone())
                .bind(new.title.clone())
                .bind(new.topic.clone())
                .bind(new.article_id)
                .bind(new.members_only)
                .bind(new.retention_days)
                .bind(whole_seconds(now))
                .bind(new.created_by)
                .fetch_one(&self.pool)
                .await
                .map_err(db_err)?;
                chat_room_from_row(&row)
            }

            async fn update_chat_room(&self, id: i64, changes: &$crate::ChatRoomChanges) -> Result<(), StoreError> {
                ::sqlx::query::<Db>(
                    "UPDATE chat_rooms SET title = $1, topic = $2, article_id = $3, members_only = $4, \
                     slow_mode_seconds = $5, retention_days = $6, closed_at = $7 WHERE id = $8",
                )
                .bind(changes.title.clone())
                .bind(changes.topic.clone())
                .bind(changes.article_id)
                .bind(changes.members_only)
                .bind(changes.slow_mode_seconds)
                .bind(changes.retention_days)
                .bind(changes.closed_at.map(whole_seconds))
                .bind(id)
                .execute(&self.pool)
                .await
                .map_err(db_err)?;
                Ok(())
            }

            async fn chat_members(&self, room_id: i64) -> Result<Vec<$crate::ChatMember>, StoreError> {
                let rows = ::sqlx::query::<Db>(
                    "SELECT m.user_id, u.display_name, u.email, m.added_at FROM chat_members m \
                     JOIN users u ON u.id = m.user_id WHERE m.room_id = $1 ORDER BY u.display_name, u.id",
                )
                .bind(room_id)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
                rows.iter()
                    .map(|row| {
                        Ok($crate::ChatMember {
                            user_id: row.try_get("user_id").map_err(db_err)?,
                            name: row.try_get("display_name").map_err(db_err)?,
                            email: row.try_get("email").map_err(db_err)?,
                            added_at: row.try_get("added_at").map_err(db_err)?,
                        })
                    })
                    .collect()
            }

            async fn is_chat_member(&self, room_id: i64, user_id: i64) -> Result<bool, StoreError> {
                Ok(::sqlx::query::<Db>("SELECT 1 AS one FROM chat_members WHERE room_id = $1 AND user_id = $2")
                    .bind(room_id)
                    .bind(user_id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?
                    .is_some())
            }

            async fn add_chat_member(
                &self,
                room_id: i64,
                user_id: i64,
                now: ::time::OffsetDateTime,
            ) -> Result<(), StoreError> {
                ::sqlx::query::<Db>(
                    "INSERT INTO chat_members (room_id, user_id, added_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (room_id, user_id) DO NOTHING",
                )
                .bind(room_id)
                .bind(user_id)
                .bind(whole_seconds(now))
                .execute(&self.pool)
                .await
                .map_err(db_err)?;
                Ok(())
            }

            async fn remove_chat_member(&self, room_id: i64, user_id: i64) -> Result<(), StoreError> {
                ::sqlx::query::<Db>("DELETE FROM chat_members WHERE room_id = $1 AND user_id = $2")
                    .bind(room_id)
                    .bind(user_id)
                    .execute(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }

            async fn add_chat_message(
                &self,
                new: &$crate::NewChatMessage,
                now: ::time::OffsetDateTime,
            ) -> Result<$crate::ChatMessage, StoreError> {
                let row = ::sqlx::query::<Db>(
                    "INSERT INTO chat_messages (room_id, user_id, reply_to, body, body_html, client_address, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(new.room_id)
                .bind(new.user_id)
                .bind(new.reply_to)
                .bind(new.body.clone())
                .bind(new.html.clone())
                .bind(new.client_address.clone())
                .bind(whole_seconds(now))
                .fetch_one(&self.pool)
                .await
                .map_err(db_err)?;
                let id: i64 = row.try_get("id").map_err(db_err)?;
                self.chat_message(id).await?.ok_or_else(|| StoreError::Invalid(format!("chat message {id} vanished")))
            }

            async fn chat_message(&self, id: i64) -> Result<Option<$crate::ChatMessage>, StoreError> {
                ::sqlx::query::<Db>(&format!("{CHAT_MESSAGE_SELECT} WHERE m.id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?
                    .as_ref()
                    .map(chat_message_from_row)
                    .transpose()
            }

            async fn chat_messages_before(
                &self,
                room_id: i64,
                before: Option<i64>,
                limit: i64,
            ) -> Result<Vec<$crate::ChatMessage>, StoreError> {
                ::sqlx::query::<Db>(&format!(
                    "{CHAT_MESSAGE_SELECT} WHERE m.room_id = $1 AND ($2 IS NULL OR m.id < $2) ORDER BY m.id DESC LIMIT $3"
                ))
                .bind(room_id)
                .bind(before)
                .bind(limit)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(chat_message_from_row)
                .collect()
            }

            async fn pinned_chat_messages(&self, room_id: i64) -> Result<Vec<$crate::ChatMessage>, StoreError> {
                ::sqlx::query::<Db>(&format!(
                    "{CHAT_MESSAGE_SELECT} WHERE m.room_id = $1 AND m.pinned_at IS NOT NULL AND m.deleted_at IS NULL \
                     ORDER BY m.pinned_at DESC, m.id DESC LIMIT 20"
                ))
                .bind(room_id)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(chat_message_from_row)
                .collect()
            }

            async fn edit_chat_message(
                &self,
                id: i64,
                body: &str,
                html: &str,
                now: ::time::OffsetDateTime,
            ) -> Result<(), StoreError> {
                ::sqlx::query::<Db>("UPDATE chat_messages SET body = $1, body_html = $2, edited_at = $3 WHERE id = $4")
                    .bind(body.to_owned())
                    .bind(html.to_owned())
                    .bind(whole_seconds(now))
                    .bind(id)
                    .execute(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }

            async fn delete_chat_message(&self, id: i64, by: i64, now: ::time::OffsetDateTime) -> Result<(), StoreError> {
                ::sqlx::query::<Db>(
                    "UPDATE chat_messages SET deleted_at = $1, deleted_by = $2, pinned_at = NULL \
                     WHERE id = $3 AND deleted_at IS NULL",
                )
                .bind(whole_seconds(now))
                .bind(by)
                .bind(id)
                .execute(&self.pool)
                .await
                .map_err(db_err)?;
                Ok(())
            }

            async fn pin_chat_message(
                &self,
                id: i64,
                pinned_at: Option<::time::OffsetDateTime>,
            ) -> Result<(), StoreError> {
                ::sqlx::query::<Db>("UPDATE chat_messages SET pinned_at = $1 WHERE id = $2")
                    .bind(pinned_at.map(whole_seconds))
                    .bind(id)
                    .execute(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }

            async fn last_chat_message_at(
                &self,
                room_id: i64,
                user_id: i64,
            ) -> Result<Option<::time::OffsetDateTime>, StoreError> {
                let row = ::sqlx::query::<Db>(
                    "SELECT created_at FROM chat_messages WHERE user_id = $1 AND room_id = $2 ORDER BY id DESC LIMIT 1",
                )
                .bind(user_id)
                .bind(room_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
                row.map(|row| row.try_get("created_at").map_err(db_err)).transpose()
            }

            async fn prune_chat_messages(&self, room_id: i64, before: ::time::OffsetDateTime) -> Result<u64, StoreError> {
                let done = ::sqlx::query::<Db>("DELETE FROM chat_messages WHERE room_id = $1 AND created_at < $2")
                    .bind(room_id)
                    .bind(whole_seconds(before))
                    .execute(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(done.rows_affected())
            }

            async fn toggle_chat_reaction(
                &self,
                message_id: i64,
                user_id: i64,
                kind: &str,
                now: ::time::OffsetDateTime,
            ) -> Result<bool, StoreError> {
                let removed = ::sqlx::query::<Db>(
                    "DELETE FROM chat_reactions WHERE message_id = $1 AND user_id = $2 AND kind = $3",
                )
                .bind(message_id)
                .bind(user_id)
                .bind(kind.to_owned())
                .execute(&self.pool)
                .await
                .map_err(db_err)?;
                if removed.rows_affected() > 0 {
                    return Ok(false);
                }
                ::sqlx::query::<Db>(
                    "INSERT INTO chat_reactions (message_id, user_id, kind, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (message_id, user_id, kind) DO NOTHING",
                )
                .bind(message_id)
                .bind(user_id)
                .bind(kind.to_owned())
                .bind(whole_seconds(now))
                .execute(&self.pool)
                .await
                .map_err(db_err)?;
                Ok(true)
            }

            async fn chat_reaction_counts(
                &self,
                message_ids: &[i64],
            ) -> Result<Vec<$crate::ChatReactionCount>, StoreError> {
                if message_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let placeholders =
                    (1..=message_ids.len()).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
                let sql = format!(
                    "SELECT message_id, kind, COUNT(*) AS count FROM chat_reactions \
                     WHERE message_id IN ({placeholders}) GROUP BY message_id, kind ORDER BY message_id, kind"
                );
                let mut query = ::sqlx::query::<Db>(&sql);
                for id in message_ids {
                    query = query.bind(*id);
                }
                query
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?
                    .iter()
                    .map(|row| {
                        Ok($crate::ChatReactionCount {
                            message_id: row.try_get("message_id").map_err(db_err)?,
                            kind: row.try_get("kind").map_err(db_err)?,
                            count: row.try_get("count").map_err(db_err)?,
                        })
                    })
                    .collect()
            }

            async fn report_chat_message(
                &self,
                message_id: i64,
                reporter_id: i64,
                reason: &str,
                note: &str,
                now: ::time::OffsetDateTime,
            ) -> Result<(), StoreError> {
                ::sqlx::query::<Db>(
                    "INSERT INTO chat_reports (message_id, reporter_id, reason, note, created_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(message_id)
                .bind(reporter_id)
                .bind(reason.to_owned())
                .bind(note.to_owned())
                .bind(whole_seconds(now))
                .execute(&self.pool)
                .await
                .map_err(db_err)?;
                Ok(())
            }

            async fn open_chat_reports(&self, limit: i64) -> Result<Vec<$crate::ChatReport>, StoreError> {
                let rows = ::sqlx::query::<Db>(
                    "SELECT r.id, r.message_id, COALESCE(u.display_name, '') AS reporter_name, r.reason, r.note, \
                     r.created_at FROM chat_reports r LEFT JOIN users u ON u.id = r.reporter_id \
                     WHERE r.resolved_at IS NULL ORDER BY r.id LIMIT $1",
                )
                .bind(limit)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
                let mut reports = Vec::with_capacity(rows.len());
                for row in &rows {
                    let message_id: i64 = row.try_get("message_id").map_err(db_err)?;
                    let Some(message) = $crate::ChatStore::chat_message(self, message_id).await? else { continue };
                    reports.push($crate::ChatReport {
                        id: row.try_get("id").map_err(db_err)?,
                        message,
                        reporter_name: row.try_get("reporter_name").map_err(db_err)?,
                        reason: row.try_get("reason").map_err(db_err)?,
                        note: row.try_get("note").map_err(db_err)?,
                        created_at: row.try_get("created_at").map_err(db_err)?,
                    });
                }
                Ok(reports)
            }

            async fn resolve_chat_reports(
                &self,
                message_id: i64,
                by: i64,
                now: ::time::OffsetDateTime,
            ) -> Result<(), StoreError> {
                ::sqlx::query::<Db>(
                    "UPDATE chat_reports SET resolved_at = $1, resolved_by = $2 \
                     WHERE message_id = $3 AND resolved_at IS NULL",
                )
                .bind(whole_seconds(now))
                .bind(by)
                .bind(message_id)
                .execute(&self.pool)
                .await
                .map_err(db_err)?;
                Ok(())
            }

            async fn add_chat_sanction(
                &self,
                new: &$crate::NewChatSanction,
                now: ::time::OffsetDateTime,
            ) -> Result<i64, StoreError> {
                let row = ::sqlx::query::<Db>(
                    "INSERT INTO chat_sanctions (user_id, room_id, kind, until, reason, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(new.user_id)
                .bind(new.room_id)
                .bind(new.kind.as_str())
                .bind(new.until.map(whole_seconds))
                .bind(new.reason.clone())
                .bind(new.created_by)
                .bind(whole_seconds(now))
                .fetch_one(&self.pool)
                .await
                .map_err(db_err)?;
                row.try_get("id").map_err(db_err)
            }

            async fn active_chat_sanctions(
                &self,
                user_id: Option<i64>,
                now: ::time::OffsetDateTime,
            ) -> Result<Vec<$crate::ChatSanction>, StoreError> {
                ::sqlx::query::<Db>(
                    "SELECT s.id, s.user_id, COALESCE(u.display_name, '') AS user_name, s.room_id, s.kind, s.until, \
                     s.reason, s.created_at FROM chat_sanctions s JOIN users u ON u.id = s.user_id \
                     WHERE s.lifted_at IS NULL AND (s.until IS NULL OR s.until > $1) \
                     AND ($2 IS NULL OR s.user_id = $2) ORDER BY s.id DESC LIMIT 500",
                )
                .bind(whole_seconds(now))
                .bind(user_id)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(chat_sanction_from_row)
                .collect()
            }

            async fn lift_chat_sanction(&self, id: i64, now: ::time::OffsetDateTime) -> Result<(), StoreError> {
                ::sqlx::query::<Db>("UPDATE chat_sanctions SET lifted_at = $1 WHERE id = $2 AND lifted_at IS NULL")
                    .bind(whole_seconds(now))
                    .bind(id)
                    .execute(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }

            async fn append_chat_event(
                &self,
                room_id: i64,
                kind: &str,
                data: &str,
                now: ::time::OffsetDateTime,
            ) -> Result<i64, StoreError> {
                let mut tx = self.pool.begin_with(begin_write()).await.map_err(db_err)?;
                if $backend == "postgres" {
                    // One appender at a time: ids then commit in order, so
                    // readers that follow "id > last seen" miss none.
                    ::sqlx::query::<Db>("SELECT pg_advisory_xact_lock(7261002)")
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                }
                let row = ::sqlx::query::<Db>(
                    "INSERT INTO chat_events (room_id, kind, data, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(room_id)
                .bind(kind.to_owned())
                .bind(data.to_owned())
                .bind(whole_seconds(now))
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
                let id: i64 = row.try_get("id").map_err(db_err)?;
                if $backend == "postgres" {
                    ::sqlx::query::<Db>("SELECT pg_notify('dateline_chat', '')")
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                }
                tx.commit().await.map_err(db_err)?;
                Ok(id)
            }

            async fn chat_events_after(
                &self,
                room_id: Option<i64>,
                after_id: i64,
                limit: i64,
            ) -> Result<Vec<$crate::ChatEvent>, StoreError> {
                ::sqlx::query::<Db>(
                    "SELECT id, room_id, kind, data, created_at FROM chat_events \
                     WHERE id > $1 AND ($2 IS NULL OR room_id = $2) ORDER BY id LIMIT $3",
                )
                .bind(after_id)
                .bind(room_id)
                .bind(limit)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(chat_event_from_row)
                .collect()
            }

            async fn chat_event_bounds(&self) -> Result<(Option<i64>, i64), StoreError> {
                let row = ::sqlx::query::<Db>("SELECT MIN(id) AS oldest, MAX(id) AS newest FROM chat_events")
                    .fetch_one(&self.pool)
                    .await
                    .map_err(db_err)?;
                let oldest: Option<i64> = row.try_get("oldest").map_err(db_err)?;
                let newest: Option<i64> = row.try_get("newest").map_err(db_err)?;
                if newest.is_some() || $backend == "postgres" {
                    return Ok((oldest, newest.unwrap_or(0)));
                }
                // An empty log: SQLite's AUTOINCREMENT still knows the last id.
                let row = ::sqlx::query::<Db>("SELECT COALESCE(MAX(seq), 0) AS seq FROM sqlite_sequence WHERE name = 'chat_events'")
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                let seq = match row {
                    Some(row) => row.try_get("seq").map_err(db_err)?,
                    None => 0,
                };
                Ok((None, seq))
            }

            async fn prune_chat_events(&self, before: ::time::OffsetDateTime) -> Result<u64, StoreError> {
                let done = ::sqlx::query::<Db>("DELETE FROM chat_events WHERE created_at < $1")
                    .bind(whole_seconds(before))
                    .execute(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(done.rows_affected())
            }

            async fn chat_wakeups(&self) -> Result<Option<::tokio::sync::mpsc::Receiver<()>>, StoreError> {
                self.listen("dateline_chat").await
            }

            async fn set_chat_presence(
                &self,
                node: &str,
                rooms: &[(i64, i64)],
                now: ::time::OffsetDateTime,
            ) -> Result<(), StoreError> {
                let mut tx = self.pool.begin_with(begin_write()).await.map_err(db_err)?;
                ::sqlx::query::<Db>("DELETE FROM chat_presence WHERE node = $1")
                    .bind(node.to_owned())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                for (room_id, people) in rooms.iter().filter(|(_, people)| *people > 0) {
                    // A room deleted meanwhile is skipped, not an error.
                    ::sqlx::query::<Db>(
                        "INSERT INTO chat_presence (node, room_id, people, updated_at) \
                         SELECT $1, id, $3, $4 FROM chat_rooms WHERE id = $2",
                    )
                    .bind(node.to_owned())
                    .bind(*room_id)
                    .bind(*people)
                    .bind(whole_seconds(now))
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                }
                tx.commit().await.map_err(db_err)?;
                Ok(())
            }

            async fn chat_presence(&self, since: ::time::OffsetDateTime) -> Result<Vec<(i64, i64)>, StoreError> {
                ::sqlx::query::<Db>(
                    "SELECT room_id, CAST(SUM(people) AS BIGINT) AS people FROM chat_presence \
                     WHERE updated_at >= $1 GROUP BY room_id",
                )
                .bind(whole_seconds(since))
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(|row| Ok((row.try_get("room_id").map_err(db_err)?, row.try_get("people").map_err(db_err)?)))
                .collect()
            }
        }
    };
}
