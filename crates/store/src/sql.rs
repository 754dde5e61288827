//! The SQL both backends share.
//!
//! SQLite and PostgreSQL agree on everything Dateline asks of them here:
//! `$n` placeholders, `RETURNING`, `ON CONFLICT … DO NOTHING`, row values.
//! So the queries and the row mapping are written once, in this macro, and
//! each backend crate instantiates it for its own pool type. What differs
//! (DDL, connection options, later LISTEN/NOTIFY and full-text search) lives
//! in the backend crates.
//!
//! The expansion names `sqlx` and `async_trait`: the calling crate must
//! depend on both.

/// Implements [`crate::Store`] for `$store`, a struct with a
/// `pool: sqlx::Pool<$db>` field and a `MIGRATOR: sqlx::migrate::Migrator`
/// static in scope at the call site.
#[macro_export]
macro_rules! sql_store_impl {
    ($store:ty, $db:ty, $backend:literal) => {
        const _: () = {
            use ::sqlx::Row as _;
            use $crate::SqlPool as _;
            use $crate::{
                Article, ArticleCard, ArticleQuery, Author, ImageRef, NewArticle, NewsroomQuery, NewsroomRow,
                StoreError,
                Tag, TranslationLink,
            };
            use ::dateline_core::{ArticleStatus, Slug};

            type Db = $db;
            type DbRow = <Db as ::sqlx::Database>::Row;

            fn db_err(e: ::sqlx::Error) -> StoreError {
                if let ::sqlx::Error::Database(ref inner) = e {
                    if inner.is_unique_violation() {
                        return StoreError::Conflict(inner.message().to_owned());
                    }
                }
                StoreError::Database(Box::new(e))
            }

            fn slug(row: &DbRow, column: &str) -> Result<Slug, StoreError> {
                let raw: String = row.try_get(column).map_err(db_err)?;
                Slug::parse(&raw).map_err(|e| StoreError::Invalid(format!("{column} {raw:?}: {e}")))
            }

            fn author_from_row(row: &DbRow) -> Result<Author, StoreError> {
                Ok(Author {
                    id: row.try_get("id").map_err(db_err)?,
                    edition_id: row.try_get("edition_id").map_err(db_err)?,
                    slug: slug(row, "slug")?,
                    name: row.try_get("name").map_err(db_err)?,
                    bio: row.try_get("bio").map_err(db_err)?,
                })
            }

            fn tag_from_row(row: &DbRow) -> Result<Tag, StoreError> {
                Ok(Tag {
                    id: row.try_get("id").map_err(db_err)?,
                    edition_id: row.try_get("edition_id").map_err(db_err)?,
                    slug: slug(row, "slug")?,
                    name: row.try_get("name").map_err(db_err)?,
                })
            }



            /// Columns of `articles a LEFT JOIN media m` that make a card.
            const CARD_COLUMNS: &str = "a.id, a.edition_id, a.section_id, a.slug, a.headline, a.lead, \
                a.breaking, a.published_at, a.updated_at, a.main_media_id, a.comment_count, \
                m.width AS media_width, m.height AS media_height, m.alt_text AS media_alt, \
                m.copyright AS media_copyright";

            fn card_from_row(row: &DbRow) -> Result<ArticleCard, StoreError> {
                let media_id: Option<i64> = row.try_get("main_media_id").map_err(db_err)?;
                let image = match media_id {
                    Some(media_id) => Some(ImageRef {
                        media_id,
                        width: row.try_get("media_width").map_err(db_err)?,
                        height: row.try_get("media_height").map_err(db_err)?,
                        alt_text: row.try_get("media_alt").map_err(db_err)?,
                        copyright: row.try_get("media_copyright").map_err(db_err)?,
                        renditions: Vec::new(),
                    }),
                    None => None,
                };
                Ok(ArticleCard {
                    id: row.try_get("id").map_err(db_err)?,
                    edition_id: row.try_get("edition_id").map_err(db_err)?,
                    section_id: row.try_get("section_id").map_err(db_err)?,
                    slug: slug(row, "slug")?,
                    headline: row.try_get("headline").map_err(db_err)?,
                    lead: row.try_get("lead").map_err(db_err)?,
                    breaking: row.try_get("breaking").map_err(db_err)?,
                    published_at: row.try_get("published_at").map_err(db_err)?,
                    updated_at: row.try_get("updated_at").map_err(db_err)?,
                    image,
                    comment_count: row.try_get("comment_count").map_err(db_err)?,
                })
            }

            /// Write transactions take SQLite's write lock up front: a
            /// deferred one that reads first fails at once (SQLITE_BUSY,
            /// without waiting) when another writer committed meanwhile.
            fn begin_write() -> &'static str {
                if $backend == "sqlite" { "BEGIN IMMEDIATE" } else { "BEGIN" }
            }

            fn whole_seconds(at: ::time::OffsetDateTime) -> ::time::OffsetDateTime {
                at.to_offset(::time::UtcOffset::UTC).replace_nanosecond(0).unwrap_or(at)
            }

            impl $store {



                async fn cards_from_rows(&self, rows: Vec<DbRow>) -> Result<Vec<ArticleCard>, StoreError> {
                    let mut cards = rows.iter().map(card_from_row).collect::<Result<Vec<_>, _>>()?;
                    let media_ids: Vec<i64> =
                        cards.iter().filter_map(|c| c.image.as_ref().map(|i| i.media_id)).collect();
                    let mut renditions = $crate::MediaStore::renditions_of(self, &media_ids).await?;
                    for card in &mut cards {
                        if let Some(image) = card.image.as_mut() {
                            image.renditions = renditions.get(&image.media_id).cloned().unwrap_or_default();
                        }
                    }
                    renditions.clear();
                    Ok(cards)
                }

                async fn article_where(&self, condition: &'static str, bind_a: i64, bind_b: Option<&str>) -> Result<Option<Article>, StoreError> {
                    let sql = format!(
                        "SELECT {CARD_COLUMNS}, a.status, a.dateline_place, a.dateline_agency, a.body, \
                         a.image_caption, a.image_credit, a.seo_title, a.seo_description, \
                         a.translation_group, a.correction, a.created_by, a.version, a.public_version, a.published_at_fixed \
                         FROM articles a LEFT JOIN media m ON m.id = a.main_media_id \
                         WHERE {condition}"
                    );
                    let mut query = ::sqlx::query::<Db>(&sql).bind(bind_a);
                    if let Some(b) = bind_b {
                        query = query.bind(b.to_owned());
                    }
                    let Some(row) = query.fetch_optional(&self.pool).await.map_err(db_err)? else {
                        return Ok(None);
                    };
                    let status: String = row.try_get("status").map_err(db_err)?;
                    let status = ArticleStatus::from_stored(&status)
                        .ok_or_else(|| StoreError::Invalid(format!("article status {status:?}")))?;
                    let dateline_place: String = row.try_get("dateline_place").map_err(db_err)?;
                    let dateline_agency: String = row.try_get("dateline_agency").map_err(db_err)?;
                    let body: String = row.try_get("body").map_err(db_err)?;
                    let image_caption: String = row.try_get("image_caption").map_err(db_err)?;
                    let image_credit: String = row.try_get("image_credit").map_err(db_err)?;
                    let seo_title: String = row.try_get("seo_title").map_err(db_err)?;
                    let seo_description: String = row.try_get("seo_description").map_err(db_err)?;
                    let translation_group: Option<String> = row.try_get("translation_group").map_err(db_err)?;
                    let correction: Option<String> = row.try_get("correction").map_err(db_err)?;
                    let created_by: Option<i64> = row.try_get("created_by").map_err(db_err)?;
                    let version: i64 = row.try_get("version").map_err(db_err)?;
                    let public_version: i64 = row.try_get("public_version").map_err(db_err)?;
                    let published_at_fixed: bool = row.try_get("published_at_fixed").map_err(db_err)?;
                    let mut cards = self.cards_from_rows(vec![row]).await?;
                    let card = cards.pop().ok_or_else(|| StoreError::Invalid("lost article row".into()))?;
                    let tags = ::sqlx::query::<Db>(
                        "SELECT t.id, t.edition_id, t.slug, t.name FROM article_tags x \
                         JOIN tags t ON t.id = x.tag_id WHERE x.article_id = $1 ORDER BY x.position",
                    )
                    .bind(card.id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?
                    .iter()
                    .map(tag_from_row)
                    .collect::<Result<Vec<_>, _>>()?;
                    let authors = ::sqlx::query::<Db>(
                        "SELECT p.id, p.edition_id, p.slug, p.name, p.bio FROM article_authors x \
                         JOIN authors p ON p.id = x.author_id WHERE x.article_id = $1 ORDER BY x.position",
                    )
                    .bind(card.id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?
                    .iter()
                    .map(author_from_row)
                    .collect::<Result<Vec<_>, _>>()?;
                    Ok(Some(Article {
                        card,
                        status,
                        dateline_place,
                        dateline_agency,
                        body,
                        image_caption,
                        image_credit,
                        seo_title,
                        seo_description,
                        translation_group,
                        correction,
                        tags,
                        authors,
                        created_by,
                        version,
                        public_version,
                        published_at_fixed,
                    }))
                }
            }

            #[::async_trait::async_trait]
            impl $crate::Store for $store {
                fn backend(&self) -> &'static str {
                    $backend
                }

                async fn migrate(&self) -> Result<(), StoreError> {
                    MIGRATOR.run(&self.pool).await.map_err(|e| StoreError::Migration(Box::new(e)))
                }

                async fn ping(&self) -> Result<(), StoreError> {
                    ::sqlx::query::<Db>("SELECT 1").execute(&self.pool).await.map_err(db_err)?;
                    Ok(())
                }

                async fn begin_write(&self) -> Result<Box<dyn $crate::WriteTx>, StoreError> {
                    Ok(Box::new($crate::SqlTx::<Db>::begin(&self.pool).await?))
                }

                async fn create_article(&self, new: &NewArticle) -> Result<i64, StoreError> {
                    let mut tx = self.begin_write().await?;
                    let done = tx.create_article(new).await?;
                    tx.commit().await?;
                    Ok(done)
                }

                async fn update_article(
                    &self,
                    id: i64,
                    new: &NewArticle,
                    expected_version: Option<i64>,
                ) -> Result<i64, StoreError> {
                    let mut tx = self.begin_write().await?;
                    let done = tx.update_article(id, new, expected_version).await?;
                    tx.commit().await?;
                    Ok(done)
                }

                async fn newsroom_articles(&self, query: &NewsroomQuery) -> Result<Vec<NewsroomRow>, StoreError> {
                    let pattern = query.search.as_ref().map(|words| {
                        let escaped = words.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                        format!("%{escaped}%")
                    });
                    let rows = ::sqlx::query::<Db>(
                        "SELECT a.id, a.edition_id, a.section_id, a.headline, a.status, a.updated_at, a.created_by, \
                         u.display_name AS created_by_name \
                         FROM articles a LEFT JOIN users u ON u.id = a.created_by \
                         WHERE ($1 IS NULL OR a.edition_id = $1) AND ($2 IS NULL OR a.section_id = $2) \
                         AND ($3 IS NULL OR a.status = $3) AND ($4 IS NULL OR a.created_by = $4) \
                         AND ($5 IS NULL OR LOWER(a.headline) LIKE $5 ESCAPE '\\') \
                         ORDER BY a.updated_at DESC, a.id DESC LIMIT $6 OFFSET $7",
                    )
                    .bind(query.edition_id)
                    .bind(query.section_id)
                    .bind(query.status.map(|s| s.as_str()))
                    .bind(query.created_by)
                    .bind(pattern)
                    .bind(query.limit)
                    .bind(query.offset)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                    rows.iter()
                        .map(|row| {
                            let status: String = row.try_get("status").map_err(db_err)?;
                            Ok(NewsroomRow {
                                id: row.try_get("id").map_err(db_err)?,
                                edition_id: row.try_get("edition_id").map_err(db_err)?,
                                section_id: row.try_get("section_id").map_err(db_err)?,
                                headline: row.try_get("headline").map_err(db_err)?,
                                status: ArticleStatus::from_stored(&status)
                                    .ok_or_else(|| StoreError::Invalid(format!("article status {status:?}")))?,
                                updated_at: row.try_get("updated_at").map_err(db_err)?,
                                created_by: row.try_get("created_by").map_err(db_err)?,
                                created_by_name: row.try_get("created_by_name").map_err(db_err)?,
                            })
                        })
                        .collect()
                }

                async fn delete_article(&self, id: i64) -> Result<(), StoreError> {
                    let mut tx = self.begin_write().await?;
                    let done = tx.delete_article(id).await?;
                    tx.commit().await?;
                    Ok(done)
                }

                async fn published_between(
                    &self,
                    edition_id: i64,
                    from: ::time::OffsetDateTime,
                    to: ::time::OffsetDateTime,
                    limit: i64,
                ) -> Result<Vec<$crate::SitemapEntry>, StoreError> {
                    ::sqlx::query::<Db>(
                        "SELECT slug, headline, published_at, updated_at FROM articles \
                         WHERE edition_id = $1 AND status = 'published' AND published_at >= $2 AND published_at < $3 \
                         ORDER BY published_at DESC, id DESC LIMIT $4",
                    )
                    .bind(edition_id)
                    .bind(whole_seconds(from))
                    .bind(whole_seconds(to))
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?
                    .iter()
                    .map(|row| {
                        Ok($crate::SitemapEntry {
                            slug: slug(row, "slug")?,
                            headline: row.try_get("headline").map_err(db_err)?,
                            published_at: row.try_get("published_at").map_err(db_err)?,
                            updated_at: row.try_get("updated_at").map_err(db_err)?,
                        })
                    })
                    .collect()
                }

                async fn first_published(&self, edition_id: i64) -> Result<Option<::time::OffsetDateTime>, StoreError> {
                    ::sqlx::query::<Db>(
                        "SELECT published_at FROM articles WHERE edition_id = $1 AND status = 'published' \
                         ORDER BY published_at ASC LIMIT 1",
                    )
                    .bind(edition_id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?
                    .map(|row| row.try_get("published_at").map_err(db_err))
                    .transpose()
                }

                async fn publish_scheduled_article(&self, id: i64, now: ::time::OffsetDateTime) -> Result<bool, StoreError> {
                    let mut tx = self.begin_write().await?;
                    let done = tx.publish_scheduled_article(id, now).await?;
                    tx.commit().await?;
                    Ok(done)
                }

                async fn set_translation_group(&self, article_id: i64, group: &str) -> Result<(), StoreError> {
                    let mut tx = self.begin_write().await?;
                    let done = tx.set_translation_group(article_id, group).await?;
                    tx.commit().await?;
                    Ok(done)
                }

                async fn rename_article_slug(&self, id: i64, new_slug: &Slug) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with(begin_write()).await.map_err(db_err)?;
                    let row = ::sqlx::query::<Db>("SELECT edition_id, slug FROM articles WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(db_err)?
                        .ok_or_else(|| StoreError::Invalid(format!("no article {id}")))?;
                    let edition_id: i64 = row.try_get("edition_id").map_err(db_err)?;
                    let old_slug: String = row.try_get("slug").map_err(db_err)?;
                    if old_slug == new_slug.as_str() {
                        return Ok(());
                    }
                    ::sqlx::query::<Db>(
                        "INSERT INTO article_slug_history (edition_id, slug, article_id) VALUES ($1, $2, $3) \
                         ON CONFLICT (edition_id, slug) DO UPDATE SET article_id = excluded.article_id",
                    )
                    .bind(edition_id)
                    .bind(old_slug)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                    ::sqlx::query::<Db>("UPDATE articles SET slug = $1, version = version + 1 WHERE id = $2")
                        .bind(new_slug.as_str().to_owned())
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    tx.commit().await.map_err(db_err)
                }

                async fn article_by_slug(&self, edition_id: i64, slug: &Slug) -> Result<Option<Article>, StoreError> {
                    self.article_where("a.edition_id = $1 AND a.slug = $2", edition_id, Some(slug.as_str())).await
                }

                async fn article_by_id(&self, id: i64) -> Result<Option<Article>, StoreError> {
                    self.article_where("a.id = $1", id, None).await
                }

                async fn article_id_by_old_slug(&self, edition_id: i64, slug: &Slug) -> Result<Option<i64>, StoreError> {
                    let row = ::sqlx::query::<Db>(
                        "SELECT h.article_id FROM article_slug_history h JOIN articles a ON a.id = h.article_id \
                         WHERE h.edition_id = $1 AND h.slug = $2 AND a.status = 'published'",
                    )
                    .bind(edition_id)
                    .bind(slug.as_str().to_owned())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                    row.map(|r| r.try_get("article_id").map_err(db_err)).transpose()
                }

                async fn list_articles(&self, query: &ArticleQuery) -> Result<Vec<ArticleCard>, StoreError> {
                    let sql = format!(
                        "SELECT {CARD_COLUMNS} FROM articles a LEFT JOIN media m ON m.id = a.main_media_id \
                         WHERE a.status = 'published' \
                         AND ($1 IS NULL OR a.edition_id = $1) \
                         AND ($2 IS NULL OR a.section_id = $2) \
                         AND ($3 IS NULL OR EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id AND t.tag_id = $3)) \
                         AND ($4 IS NULL OR EXISTS (SELECT 1 FROM article_authors w WHERE w.article_id = a.id AND w.author_id = $4)) \
                         AND ($5 IS NULL OR a.published_at < $5 OR (a.published_at = $5 AND a.id < $6)) \
                         ORDER BY a.published_at DESC, a.id DESC LIMIT $7"
                    );
                    let rows = ::sqlx::query::<Db>(&sql)
                        .bind(query.edition_id)
                        .bind(query.section_id)
                        .bind(query.tag_id)
                        .bind(query.author_id)
                        .bind(query.before.map(|c| c.published_at))
                        .bind(query.before.map_or(0, |c| c.id))
                        .bind(i64::from(query.limit.get()))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    self.cards_from_rows(rows).await
                }

                async fn related_articles(
                    &self,
                    article_id: i64,
                    edition_id: i64,
                    section_id: i64,
                    tag_ids: &[i64],
                    limit: i64,
                ) -> Result<(Vec<ArticleCard>, Vec<ArticleCard>), StoreError> {
                    let mut tagged = Vec::new();
                    for tag_id in tag_ids {
                        let sql = format!(
                            "SELECT {CARD_COLUMNS} FROM articles a LEFT JOIN media m ON m.id = a.main_media_id \
                             WHERE a.id IN (SELECT t.article_id FROM article_tags t WHERE t.tag_id = $1 \
                             AND t.article_id <> $2 ORDER BY t.article_id DESC LIMIT 50) \
                             AND a.status = 'published' AND a.edition_id = $3 \
                             ORDER BY a.published_at DESC, a.id DESC LIMIT $4"
                        );
                        let rows = ::sqlx::query::<Db>(&sql)
                            .bind(*tag_id)
                            .bind(article_id)
                            .bind(edition_id)
                            .bind(limit)
                            .fetch_all(&self.pool)
                            .await
                            .map_err(db_err)?;
                        tagged.extend(self.cards_from_rows(rows).await?);
                    }
                    let sql = format!(
                        "SELECT {CARD_COLUMNS} FROM articles a LEFT JOIN media m ON m.id = a.main_media_id \
                         WHERE a.section_id = $1 AND a.status = 'published' AND a.id <> $2 \
                         ORDER BY a.published_at DESC, a.id DESC LIMIT $3"
                    );
                    let rows = ::sqlx::query::<Db>(&sql)
                        .bind(section_id)
                        .bind(article_id)
                        .bind(limit)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    let in_section = self.cards_from_rows(rows).await?;
                    Ok((tagged, in_section))
                }

                async fn latest_breaking(
                    &self,
                    edition_id: i64,
                    since: ::time::OffsetDateTime,
                ) -> Result<Option<ArticleCard>, StoreError> {
                    // The edition's newest-first index, read from `since` on.
                    let sql = format!(
                        "SELECT {CARD_COLUMNS} FROM articles a LEFT JOIN media m ON m.id = a.main_media_id \
                         WHERE a.edition_id = $1 AND a.status = 'published' AND a.published_at >= $2 \
                         AND a.breaking = $3 ORDER BY a.published_at DESC, a.id DESC LIMIT 1"
                    );
                    let rows = ::sqlx::query::<Db>(&sql)
                        .bind(edition_id)
                        .bind(whole_seconds(since))
                        .bind(true)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    Ok(self.cards_from_rows(rows).await?.into_iter().next())
                }

                async fn translations(&self, group: &str) -> Result<Vec<TranslationLink>, StoreError> {
                    ::sqlx::query::<Db>(
                        "SELECT id, edition_id, slug, published_at, headline FROM articles \
                         WHERE translation_group = $1 AND status = 'published' ORDER BY edition_id",
                    )
                    .bind(group.to_owned())
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?
                    .iter()
                    .map(|row| {
                        Ok(TranslationLink {
                            article_id: row.try_get("id").map_err(db_err)?,
                            edition_id: row.try_get("edition_id").map_err(db_err)?,
                            slug: slug(row, "slug")?,
                            published_at: row.try_get("published_at").map_err(db_err)?,
                            headline: row.try_get("headline").map_err(db_err)?,
                        })
                    })
                    .collect()
                }

                async fn articles_using_media(&self, media_id: i64) -> Result<Vec<ArticleCard>, StoreError> {
                    let sql = format!(
                        "SELECT {CARD_COLUMNS} FROM articles a LEFT JOIN media m ON m.id = a.main_media_id \
                         WHERE a.status = 'published' AND a.main_media_id = $1 \
                         ORDER BY a.published_at DESC, a.id DESC LIMIT 50"
                    );
                    let rows = ::sqlx::query::<Db>(&sql)
                        .bind(media_id)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_err)?;
                    self.cards_from_rows(rows).await
                }

            }

            $crate::sql_search_impl!($store);
        };
    };
}
