//! The demo outlet: "Meridian", a fictional agency with an English and a
//! Russian edition. Content lives in `content.toml` (written for this
//! project); photos are painted by [`photos`] at load time.
//!
//! Besides ordinary stories the demo holds the cases the site must handle:
//! a breaking story, an updated story with a correction, a renamed article
//! (its old slug answers 301) and a withdrawn one (410).

mod photos;

use std::collections::HashMap;

use anyhow::{Context as _, anyhow};
use bytes::Bytes;
use dateline_core::{ArticleStatus, EditionCode, Slug, TextDirection, slugify};
use dateline_store::{
    ArticleId, AuthorId, BlobStore, EditionId, NewArticle, NewAuthor, NewEdition, NewMedia, NewSection,
    Rendition, SectionId, Store, UserId,
};
use serde::Deserialize;
use time::{Duration, OffsetDateTime};

const CONTENT: &str = include_str!("content.toml");

/// Widths of the JPEG renditions made for every photo.
pub const RENDITION_WIDTHS: [u32; 3] = [480, 960, 1600];

#[derive(Debug, Deserialize)]
struct Content {
    authors: Vec<AuthorEntry>,
    sections: Vec<SectionEntry>,
    stories: Vec<Story>,
    #[serde(default)]
    comments: Vec<CommentEntry>,
}

/// A reader's comment under a demo story.
#[derive(Debug, Deserialize)]
struct CommentEntry {
    story: String,
    /// `en` or `ru`.
    edition: String,
    author: String,
    minutes_after: i64,
    text: String,
    /// The index of an earlier entry this one answers.
    #[serde(default)]
    reply_to: Option<usize>,
    /// Readers who liked it.
    #[serde(default)]
    likes: usize,
}

#[derive(Debug, Deserialize)]
struct AuthorEntry {
    slug: String,
    name_en: String,
    name_ru: String,
    bio_en: String,
    bio_ru: String,
}

#[derive(Debug, Deserialize)]
struct SectionEntry {
    key: String,
    en: SectionText,
    ru: SectionText,
}

#[derive(Debug, Deserialize)]
struct SectionText {
    slug: String,
    name: String,
    description: String,
}

#[derive(Debug, Deserialize)]
struct Story {
    key: String,
    section: String,
    authors: Vec<String>,
    hours_ago: i64,
    #[serde(default)]
    breaking: bool,
    #[serde(default)]
    updated_minutes: Option<i64>,
    #[serde(default)]
    old_slug: Option<String>,
    #[serde(default)]
    status: Option<String>,
    scene: String,
    photo_credit: String,
    en: Option<StoryText>,
    ru: Option<StoryText>,
}

#[derive(Debug, Deserialize)]
struct StoryText {
    headline: String,
    lead: String,
    place: String,
    caption: String,
    alt: String,
    tags: Vec<String>,
    body: String,
    #[serde(default)]
    correction: Option<String>,
}

/// Writes the demo outlet into `store` (which should be empty) and its
/// photos into `blobs`.
pub async fn load(store: &dyn Store, blobs: &dyn BlobStore, agency: &str) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let content: Content = toml::from_str(CONTENT).context("the bundled demo content is malformed")?;
    let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let now = now - Duration::seconds(i64::from(now.second()));

    let editions = [
        (store
            .create_edition(&NewEdition {
                code: EditionCode::parse("en")?,
                language: "en".into(),
                name: "English".into(),
                direction: TextDirection::Ltr,
                is_default: true,
                position: 0,
            })
            .await?),
        (store
            .create_edition(&NewEdition {
                code: EditionCode::parse("ru")?,
                language: "ru".into(),
                name: "Русский".into(),
                direction: TextDirection::Ltr,
                is_default: false,
                position: 1,
            })
            .await?),
    ];

    // (edition index, key) → id
    let mut sections: HashMap<(usize, String), SectionId> = HashMap::new();
    let mut authors: HashMap<(usize, String), AuthorId> = HashMap::new();
    for (index, edition) in editions.iter().enumerate() {
        for (position, entry) in (0_i32..).zip(&content.sections) {
            let text = if index == 0 { &entry.en } else { &entry.ru };
            let section = store
                .create_section(&NewSection {
                    edition_id: edition.id,
                    slug: Slug::parse(&text.slug)?,
                    name: text.name.clone(),
                    description: text.description.clone(),
                    position,
                })
                .await?;
            sections.insert((index, entry.key.clone()), section.id);
        }
        for entry in &content.authors {
            let (name, bio) =
                if index == 0 { (&entry.name_en, &entry.bio_en) } else { (&entry.name_ru, &entry.bio_ru) };
            let author = store
                .create_author(&NewAuthor {
                    edition_id: edition.id,
                    slug: Slug::parse(&entry.slug)?,
                    name: name.clone(),
                    bio: bio.clone(),
                })
                .await?;
            authors.insert((index, entry.slug.clone()), author.id);
        }
    }

    // Paint every photo at once: the painter is CPU-bound and the machine
    // may have several cores.
    let mut painting = Vec::new();
    for (number, story) in content.stories.iter().enumerate() {
        let scene = photos::Scene::parse(&story.scene)
            .ok_or_else(|| anyhow!("story {}: unknown scene {}", story.key, story.scene))?;
        painting.push(tokio::task::spawn_blocking(move || {
            photos::paint(scene, number as u64, &RENDITION_WIDTHS)
        }));
    }
    let mut articles = 0;
    // (story key, edition index) → (article id, published at)
    let mut published: HashMap<(String, usize), (ArticleId, OffsetDateTime)> = HashMap::new();
    for ((number, story), painted) in content.stories.iter().enumerate().zip(painting) {
        let texts = [story.en.as_ref(), story.ru.as_ref()];
        let first =
            texts.iter().flatten().next().ok_or_else(|| anyhow!("story {} has no text", story.key))?;
        let painted = painted.await.context("the photo painter stopped")??;
        let media_id = add_photo(store, blobs, story, first, painted).await?;
        let published_at =
            now - Duration::hours(story.hours_ago) - Duration::minutes((number as i64 * 7) % 50);
        let updated_at = published_at + Duration::minutes(story.updated_minutes.unwrap_or(0));
        let status = match story.status.as_deref() {
            None | Some("published") => ArticleStatus::Published,
            Some("unpublished") => ArticleStatus::Unpublished,
            Some(other) => return Err(anyhow!("story {}: unknown status {other}", story.key)),
        };
        let group = (texts.iter().flatten().count() > 1).then(|| uuid::Uuid::now_v7().to_string());
        for (index, text) in texts.iter().enumerate() {
            let Some(text) = text else { continue };
            let edition = &editions[index];
            let mut tag_ids = Vec::new();
            for name in &text.tags {
                tag_ids.push(store.ensure_tag(edition.id, &slugify(name), name).await?.id);
            }
            let author_ids = story
                .authors
                .iter()
                .map(|slug| {
                    authors
                        .get(&(index, slug.clone()))
                        .copied()
                        .ok_or_else(|| anyhow!("unknown author {slug}"))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let section_id = *sections
                .get(&(index, story.section.clone()))
                .ok_or_else(|| anyhow!("story {}: unknown section {}", story.key, story.section))?;
            let final_slug = slugify(&text.headline);
            let first_slug = match (&story.old_slug, index) {
                (Some(old), 0) => Slug::parse(old)?,
                _ => final_slug.clone(),
            };
            let id = store
                .create_article(&NewArticle {
                    edition_id: edition.id,
                    section_id,
                    slug: first_slug.clone(),
                    headline: text.headline.clone(),
                    lead: text.lead.clone(),
                    dateline_place: text.place.clone(),
                    dateline_agency: agency.to_owned(),
                    body: text.body.trim().to_owned(),
                    main_media_id: Some(media_id),
                    image_caption: text.caption.clone(),
                    image_credit: story.photo_credit.clone(),
                    breaking: story.breaking,
                    status,
                    published_at,
                    updated_at,
                    published_at_fixed: false,
                    translation_group: group.clone(),
                    correction: text.correction.clone(),
                    seo_title: String::new(),
                    seo_description: String::new(),
                    created_by: None,
                    tag_ids,
                    author_ids,
                })
                .await?;
            if first_slug != final_slug {
                store.rename_article_slug(id, &final_slug).await?;
            }
            published.insert((story.key.clone(), index), (id, published_at));
            articles += 1;
        }
    }
    let (comments, readers) = load_comments(store, &content.comments, &published).await?;
    let breaking = content.stories.iter().find(|s| s.breaking).map(|s| s.key.clone());
    let story_of_day = breaking.and_then(|key| published.get(&(key, 0)).map(|(id, _)| *id));
    load_chats(store, [editions[0].id, editions[1].id], story_of_day, &readers, now).await?;
    tracing::info!(
        articles,
        comments,
        photos = content.stories.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo content loaded"
    );
    Ok(())
}

/// The demo's discussions, by readers who cannot log in (their password
/// hash is no hash).
async fn load_comments(
    store: &dyn Store,
    entries: &[CommentEntry],
    published: &HashMap<(String, usize), (ArticleId, OffsetDateTime)>,
) -> anyhow::Result<(usize, Vec<UserId>)> {
    // Every reader first, so each can like what others wrote.
    let mut readers: Vec<(&str, UserId)> = Vec::new();
    for entry in entries {
        if readers.iter().any(|(name, _)| *name == entry.author) {
            continue;
        }
        let user = store
            .create_user(&dateline_store::NewUser {
                email: dateline_core::Email::parse(&format!(
                    "demo-reader-{}@example.invalid",
                    readers.len() + 1
                ))?,
                display_name: entry.author.clone(),
                password_hash: "!".into(),
                role: dateline_core::Role::Reader,
                email_verified: true,
                edition_ids: Vec::new(),
            })
            .await?;
        readers.push((&entry.author, user.id));
    }
    let mut ids: Vec<dateline_store::CommentId> = Vec::new();
    for (number, entry) in entries.iter().enumerate() {
        let edition = match entry.edition.as_str() {
            "en" => 0,
            "ru" => 1,
            other => return Err(anyhow!("comment {number}: unknown edition {other}")),
        };
        let (article_id, published_at) = *published
            .get(&(entry.story.clone(), edition))
            .ok_or_else(|| anyhow!("comment {number}: no story {} in {}", entry.story, entry.edition))?;
        let user_id =
            readers.iter().find(|(name, _)| *name == entry.author).map(|(_, id)| *id).unwrap_or_default();
        let parent_id = entry
            .reply_to
            .map(|index| {
                ids.get(index)
                    .copied()
                    .ok_or_else(|| anyhow!("comment {number}: reply_to {index} is not earlier"))
            })
            .transpose()?;
        let comment = store
            .add_comment(
                &dateline_store::NewComment {
                    article_id,
                    parent_id,
                    user_id,
                    body: entry.text.clone(),
                    html: dateline_web::discussion::format::comment_html(&entry.text),
                    status: dateline_core::CommentStatus::Approved,
                    held_reason: String::new(),
                    client_address: String::new(),
                },
                published_at + Duration::minutes(entry.minutes_after),
            )
            .await?;
        ids.push(comment.id);
        for (_, reader) in readers.iter().filter(|(_, id)| *id != user_id).take(entry.likes) {
            store.toggle_reaction(comment.id, *reader, dateline_core::Reaction::Like, published_at).await?;
        }
    }
    Ok((ids.len(), readers.iter().map(|(_, id)| *id).collect()))
}

/// The demo's chat rooms: a lobby per edition and a room about the
/// breaking story, with a few messages by the demo readers.
async fn load_chats(
    store: &dyn Store,
    [en, ru]: [EditionId; 2],
    story: Option<ArticleId>,
    readers: &[UserId],
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    use dateline_store::{NewChatMessage, NewChatRoom};
    let rooms = [
        (
            en,
            "lobby",
            "The lobby",
            "Talk about today's news with other readers.",
            None,
            &[
                "Morning, everyone. Anyone following the port strike?",
                "Yes, the live updates are good. See https://example.com/ports for the map.",
                "Thanks! That map helps.",
            ][..],
        ),
        (
            en,
            "breaking",
            "Breaking: your questions",
            "Ask our editors about the story of the day.",
            story,
            &["What happens next? Is there an official statement yet?"][..],
        ),
        (
            ru,
            "obshchiy",
            "Общий чат",
            "Обсуждаем новости дня.",
            None,
            &["Добрый день! Кто читал материал о портах?", "Да, интересно. Ждём продолжения."][..],
        ),
    ];
    for (edition_id, slug, title, topic, article_id, messages) in rooms {
        let room = store
            .create_chat_room(
                &NewChatRoom {
                    edition_id,
                    slug: slug.into(),
                    title: title.into(),
                    topic: topic.into(),
                    article_id,
                    members_only: false,
                    retention_days: 0,
                    created_by: None,
                },
                now,
            )
            .await?;
        let count = messages.len() as i64;
        for (index, text) in messages.iter().enumerate() {
            let Some(user_id) = readers.get(index % readers.len().max(1)).copied() else { break };
            let at = now - Duration::minutes(5 * (count - index as i64));
            let body = (*text).to_owned();
            store
                .add_chat_message(
                    &NewChatMessage {
                        room_id: room.id,
                        user_id,
                        reply_to: None,
                        html: dateline_web::chats::text::html(&body),
                        body,
                        client_address: String::new(),
                    },
                    at,
                )
                .await?;
        }
    }
    Ok(())
}

async fn add_photo(
    store: &dyn Store,
    blobs: &dyn BlobStore,
    story: &Story,
    text: &StoryText,
    painted: photos::Painted,
) -> anyhow::Result<dateline_store::MediaId> {
    let prefix = format!("photos/{}", &blake3::hash(&painted.original).to_hex()[..16]);
    let original_key = format!("{prefix}/original.jpg");
    blobs.put(&original_key, Bytes::from(painted.original)).await?;
    let mut renditions = Vec::new();
    for image in painted.renditions {
        let key = format!("{prefix}/{}.jpg", image.width);
        blobs.put(&key, Bytes::from(image.jpeg)).await?;
        renditions.push(Rendition {
            width: image.width as i32,
            height: image.height as i32,
            mime: "image/jpeg".into(),
            key,
            // Painted at the cards' 16:9 already: no crops needed.
            crop: false,
        });
    }
    let media = store
        .create_media(&NewMedia {
            original_key,
            mime: "image/jpeg".into(),
            width: painted.width as i32,
            height: painted.height as i32,
            caption: text.caption.clone(),
            credit: story.photo_credit.clone(),
            copyright: format!("© {} Meridian", OffsetDateTime::now_utc().year()),
            alt_text: text.alt.clone(),
            licence: "Demo photo painted by Dateline; free to use with this demo.".into(),
            keywords: String::new(),
            original_name: String::new(),
            uploaded_by: None,
            renditions,
        })
        .await?;
    Ok(media.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_content_is_complete() {
        let content: Content = toml::from_str(CONTENT).expect("content parses");
        let en = content.stories.iter().filter(|s| s.en.is_some()).count();
        let ru = content.stories.iter().filter(|s| s.ru.is_some()).count();
        assert!(en + ru >= 40, "at least 40 articles, found {}", en + ru);
        assert!(content.sections.len() >= 5);
        for story in &content.stories {
            assert!(photos::Scene::parse(&story.scene).is_some(), "{}: scene {}", story.key, story.scene);
            assert!(content.sections.iter().any(|s| s.key == story.section), "{}: section", story.key);
            for slug in &story.authors {
                assert!(content.authors.iter().any(|a| &a.slug == slug), "{}: author {slug}", story.key);
            }
        }
    }
}
