//! The search queries both backends share, expanded inside
//! [`crate::sql_store_impl!`] (it uses that expansion's `Db`, `DbRow` and
//! `db_err`).

/// Implements [`crate::SearchStore`] for `$store`; only for use inside
/// [`crate::sql_store_impl!`].
#[doc(hidden)]
#[macro_export]
macro_rules! sql_search_impl {
    ($store:ty) => {
        impl $store {
            async fn search_sources_in(&self, ids: &[i64]) -> Result<Vec<$crate::SearchSource>, StoreError> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let placeholders =
                    (1..=ids.len()).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
                let sql = format!(
                    "SELECT id, edition_id, section_id, slug, headline, lead, body, dateline_place, status, \
                     breaking, published_at, updated_at FROM articles WHERE id IN ({placeholders}) ORDER BY id"
                );
                let mut query = ::sqlx::query::<Db>(&sql);
                for id in ids {
                    query = query.bind(*id);
                }
                let rows = query.fetch_all(&self.pool).await.map_err(db_err)?;
                let mut sources = Vec::with_capacity(rows.len());
                for row in &rows {
                    let status: String = row.try_get("status").map_err(db_err)?;
                    sources.push($crate::SearchSource {
                        id: row.try_get("id").map_err(db_err)?,
                        edition_id: row.try_get("edition_id").map_err(db_err)?,
                        section_id: row.try_get("section_id").map_err(db_err)?,
                        slug: row.try_get("slug").map_err(db_err)?,
                        headline: row.try_get("headline").map_err(db_err)?,
                        lead: row.try_get("lead").map_err(db_err)?,
                        body: row.try_get("body").map_err(db_err)?,
                        dateline_place: row.try_get("dateline_place").map_err(db_err)?,
                        status: ArticleStatus::from_stored(&status)
                            .ok_or_else(|| StoreError::Invalid(format!("article status {status:?}")))?,
                        breaking: row.try_get("breaking").map_err(db_err)?,
                        published_at: row.try_get("published_at").map_err(db_err)?,
                        updated_at: row.try_get("updated_at").map_err(db_err)?,
                        tags: Vec::new(),
                        authors: Vec::new(),
                    });
                }
                let position = |id: i64| sources.binary_search_by_key(&id, |s| s.id).ok();
                let tag_sql = format!(
                    "SELECT x.article_id, t.id, t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id \
                     WHERE x.article_id IN ({placeholders}) ORDER BY x.article_id, x.position"
                );
                let tags = ::sqlx::query::<Db>(&tag_sql);
                let tags = ids.iter().fold(tags, |q, id| q.bind(*id));
                let mut found = Vec::new();
                for row in tags.fetch_all(&self.pool).await.map_err(db_err)? {
                    let article: i64 = row.try_get("article_id").map_err(db_err)?;
                    found.push((article, row.try_get::<i64, _>("id").map_err(db_err)?, row.try_get::<String, _>("name").map_err(db_err)?));
                }
                let author_sql = format!(
                    "SELECT x.article_id, p.name FROM article_authors x JOIN authors p ON p.id = x.author_id \
                     WHERE x.article_id IN ({placeholders}) ORDER BY x.article_id, x.position"
                );
                let authors = ::sqlx::query::<Db>(&author_sql);
                let authors = ids.iter().fold(authors, |q, id| q.bind(*id));
                let mut names = Vec::new();
                for row in authors.fetch_all(&self.pool).await.map_err(db_err)? {
                    names.push((row.try_get::<i64, _>("article_id").map_err(db_err)?, row.try_get::<String, _>("name").map_err(db_err)?));
                }
                let tag_slots: Vec<_> = found.into_iter().map(|(a, id, name)| (position(a), id, name)).collect();
                let author_slots: Vec<_> = names.into_iter().map(|(a, name)| (position(a), name)).collect();
                for (slot, id, name) in tag_slots {
                    if let Some(slot) = slot {
                        sources[slot].tags.push((id, name));
                    }
                }
                for (slot, name) in author_slots {
                    if let Some(slot) = slot {
                        sources[slot].authors.push(name);
                    }
                }
                Ok(sources)
            }
        }

        #[::async_trait::async_trait]
        impl $crate::SearchStore for $store {
            async fn article_changes_after(
                &self,
                after_id: i64,
                limit: i64,
            ) -> Result<Vec<$crate::ArticleChange>, StoreError> {
                let rows = ::sqlx::query::<Db>(
                    "SELECT id, article_id FROM article_changes WHERE id > $1 ORDER BY id LIMIT $2",
                )
                .bind(after_id)
                .bind(limit)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
                rows.iter()
                    .map(|row| {
                        Ok($crate::ArticleChange {
                            id: row.try_get("id").map_err(db_err)?,
                            article_id: row.try_get("article_id").map_err(db_err)?,
                        })
                    })
                    .collect()
            }

            async fn article_change_bounds(&self) -> Result<Option<(i64, i64)>, StoreError> {
                let row = ::sqlx::query::<Db>("SELECT MIN(id) AS low, MAX(id) AS high FROM article_changes")
                    .fetch_one(&self.pool)
                    .await
                    .map_err(db_err)?;
                let low: Option<i64> = row.try_get("low").map_err(db_err)?;
                let high: Option<i64> = row.try_get("high").map_err(db_err)?;
                Ok(low.zip(high))
            }

            async fn prune_article_changes(&self, before: ::time::OffsetDateTime) -> Result<u64, StoreError> {
                let done = ::sqlx::query::<Db>("DELETE FROM article_changes WHERE changed_at < $1")
                    .bind(before.unix_timestamp())
                    .execute(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(done.rows_affected())
            }

            async fn article_count(&self) -> Result<i64, StoreError> {
                let row = ::sqlx::query::<Db>("SELECT COUNT(*) AS n FROM articles")
                    .fetch_one(&self.pool)
                    .await
                    .map_err(db_err)?;
                row.try_get("n").map_err(db_err)
            }

            async fn search_sources_after(
                &self,
                after_id: i64,
                limit: i64,
            ) -> Result<Vec<$crate::SearchSource>, StoreError> {
                let ids: Vec<i64> = ::sqlx::query::<Db>("SELECT id FROM articles WHERE id > $1 ORDER BY id LIMIT $2")
                    .bind(after_id)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?
                    .iter()
                    .map(|row| row.try_get("id").map_err(db_err))
                    .collect::<Result<_, _>>()?;
                self.search_sources_in(&ids).await
            }

            async fn tags_by_ids(&self, ids: &[i64]) -> Result<Vec<Tag>, StoreError> {
                let mut tags = Vec::with_capacity(ids.len());
                for chunk in ids.chunks(500) {
                    let placeholders =
                        (1..=chunk.len()).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
                    let sql = format!("SELECT id, edition_id, slug, name FROM tags WHERE id IN ({placeholders})");
                    let query = chunk.iter().fold(::sqlx::query::<Db>(&sql), |q, id| q.bind(*id));
                    for row in query.fetch_all(&self.pool).await.map_err(db_err)? {
                        tags.push(tag_from_row(&row)?);
                    }
                }
                Ok(tags)
            }

            async fn search_sources(&self, ids: &[i64]) -> Result<Vec<$crate::SearchSource>, StoreError> {
                let mut sources = Vec::with_capacity(ids.len());
                // Bound the placeholders per statement.
                for chunk in ids.chunks(500) {
                    sources.extend(self.search_sources_in(chunk).await?);
                }
                Ok(sources)
            }
        }
    };
}
