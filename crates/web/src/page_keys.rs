//! What a page shows and what a change changed, named by the same keys.
//!
//! A cached page carries the keys of everything it shows (collected while
//! it renders: [`collect`] around the handler, [`shows`] where a page reads
//! something); a change records the keys of what it changed in the store's
//! `page_changes` log, in its own transaction; every node then drops
//! exactly the pages that carry one of those keys
//! ([`crate::page_cache::PageCache::purge`]). The same keys go out as the
//! `Surrogate-Key` / `xkey` header, for a proxy in front to purge by.
//!
//! The vocabulary:
//!
//! | key          | pages that carry it                                  | changes that purge it |
//! |--------------|------------------------------------------------------|-----------------------|
//! | `site`       | (none: purging it drops every page)                  | editions, sections |
//! | `frame:E`    | every page of edition E (its breaking banner)        | a breaking story of E |
//! | `story:A`    | A's page and every list, feed and card showing A     | any change to published A |
//! | `list:E`     | E's front page, latest, newsfeed, feeds, sidebars    | a story of E in or out, or moved in time |
//! | `section:S`, `tag:T`, `author:U` | the lists of S, T, U (related stories too) | a story in or out of them |
//! | `talk:A`     | A's page (its discussion and reactions)              | a comment on A, a reaction, a moderation decision |
//! | `count:A`    | cards showing A's comment count                      | a comment on A shown or removed |
//! | `reader:U`   | pages showing a comment by reader U                  | U's display name |
//! | `photo:M`    | pages showing photo M                                | M's record or renditions |
//! | `photos`     | the media bank's index                               | a photo added, removed or newly in use |
//! | `sitemap:E`  | E's sitemaps                                         | any change to a published story of E |
//!
//! A key holds no whitespace (the log stores them space-separated).

use std::cell::RefCell;
use std::collections::BTreeSet;

use dateline_core::ArticleStatus;
use dateline_store::{
    Article, ArticleId, ArticleQuery, AuthorId, EditionId, MediaId, NewArticle, SectionId, TagId, UserId,
};
use time::OffsetDateTime;

/// Purging it drops every page.
pub const SITE: &str = "site";
/// The media bank's index.
pub const PHOTOS: &str = "photos";

pub fn frame(edition: EditionId) -> String {
    format!("frame:{edition}")
}

pub fn story(article: ArticleId) -> String {
    format!("story:{article}")
}

pub fn list(edition: EditionId) -> String {
    format!("list:{edition}")
}

pub fn section(section: SectionId) -> String {
    format!("section:{section}")
}

pub fn tag(tag: TagId) -> String {
    format!("tag:{tag}")
}

pub fn author(author: AuthorId) -> String {
    format!("author:{author}")
}

pub fn talk(article: ArticleId) -> String {
    format!("talk:{article}")
}

pub fn count(article: ArticleId) -> String {
    format!("count:{article}")
}

/// What a comment shown, changed or removed on story `article` changes.
pub fn comments_changed(article: ArticleId) -> Vec<String> {
    vec![talk(article), count(article)]
}

pub fn reader(user: UserId) -> String {
    format!("reader:{user}")
}

pub fn photo(media: MediaId) -> String {
    format!("photo:{media}")
}

pub fn sitemap(edition: EditionId) -> String {
    format!("sitemap:{edition}")
}

/// The key of the list a story query reads: its narrowest filter.
pub fn of_query(query: &ArticleQuery) -> String {
    if let Some(id) = query.tag_id {
        tag(id)
    } else if let Some(id) = query.author_id {
        author(id)
    } else if let Some(id) = query.section_id {
        section(id)
    } else if let Some(id) = query.edition_id {
        list(id)
    } else {
        SITE.to_owned()
    }
}

tokio::task_local! {
    static SHOWN: RefCell<BTreeSet<String>>;
}

/// Notes that the page being rendered shows what `key` names. Outside a
/// [`collect`] (the API, the newsroom) it does nothing.
pub fn shows(key: String) {
    let _ = SHOWN.try_with(|shown| shown.borrow_mut().insert(key));
}

/// Runs `render` and returns what it noted with [`shows`].
pub async fn collect<F: Future>(render: F) -> (F::Output, BTreeSet<String>) {
    SHOWN
        .scope(RefCell::new(BTreeSet::new()), async move {
            let output = render.await;
            let keys = SHOWN.with(|shown| std::mem::take(&mut *shown.borrow_mut()));
            (output, keys)
        })
        .await
}

/// What of a story decides which pages show it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryPlace {
    pub edition: EditionId,
    pub section: SectionId,
    pub tags: BTreeSet<TagId>,
    pub authors: BTreeSet<AuthorId>,
    pub published: bool,
    pub published_at: OffsetDateTime,
    pub slug: String,
    pub breaking: bool,
    pub photo: Option<MediaId>,
}

impl StoryPlace {
    pub fn of_article(article: &Article) -> Self {
        Self {
            edition: article.card.edition_id,
            section: article.card.section_id,
            tags: article.tags.iter().map(|t| t.id).collect(),
            authors: article.authors.iter().map(|a| a.id).collect(),
            published: article.status == ArticleStatus::Published,
            published_at: article.card.published_at,
            slug: article.card.slug.to_string(),
            breaking: article.card.breaking,
            photo: article.card.image.as_ref().map(|i| i.media_id),
        }
    }

    pub fn of_new(new: &NewArticle) -> Self {
        Self {
            edition: new.edition_id,
            section: new.section_id,
            tags: new.tag_ids.iter().copied().collect(),
            authors: new.author_ids.iter().copied().collect(),
            published: new.status == ArticleStatus::Published,
            published_at: new.published_at,
            slug: new.slug.to_string(),
            breaking: new.breaking,
            photo: new.main_media_id,
        }
    }
}

/// The stories in translation group `group` (their pages link each other).
pub async fn translations(
    store: &dyn dateline_store::Store,
    group: Option<&str>,
) -> Result<Vec<ArticleId>, dateline_store::StoreError> {
    let Some(group) = group.filter(|g| !g.is_empty()) else { return Ok(Vec::new()) };
    Ok(store.translations(group).await?.into_iter().map(|link| link.article_id).collect())
}

/// The keys a change to story `id` purges, from where it was shown before
/// (`None`: new) to where it is shown after (`None`: deleted), with the
/// ids of its translations (whose pages link it). A draft that stays a
/// draft changes no page.
pub fn story_change(
    id: ArticleId,
    before: Option<&StoryPlace>,
    after: Option<&StoryPlace>,
    translations: &[ArticleId],
) -> Vec<String> {
    let (was, is) = (before.filter(|p| p.published), after.filter(|p| p.published));
    if was.is_none() && is.is_none() {
        return Vec::new();
    }
    let mut keys = BTreeSet::from([story(id)]);
    let places: Vec<&StoryPlace> = was.into_iter().chain(is).collect();
    for place in &places {
        keys.insert(sitemap(place.edition));
        if place.breaking {
            keys.insert(frame(place.edition));
        }
    }
    let moved = match (was, is) {
        (Some(a), Some(b)) => {
            a.edition != b.edition
                || a.section != b.section
                || a.tags != b.tags
                || a.authors != b.authors
                || a.published_at != b.published_at
        }
        _ => true,
    };
    if moved {
        for place in &places {
            keys.insert(list(place.edition));
            keys.insert(section(place.section));
            keys.extend(place.tags.iter().map(|t| tag(*t)));
            keys.extend(place.authors.iter().map(|a| author(*a)));
        }
    }
    let readdressed = moved || was.map(|p| &p.slug) != is.map(|p| &p.slug);
    if readdressed {
        keys.extend(translations.iter().filter(|t| **t != id).map(|t| story(*t)));
    }
    let photos: BTreeSet<MediaId> = places.iter().filter_map(|p| p.photo).collect();
    let rephotographed = was.and_then(|p| p.photo) != is.and_then(|p| p.photo);
    if !photos.is_empty() && (moved || rephotographed) {
        keys.insert(PHOTOS.to_owned());
        keys.extend(photos.iter().map(|m| photo(*m)));
    }
    keys.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place() -> StoryPlace {
        StoryPlace {
            edition: EditionId::new(1),
            section: SectionId::new(2),
            tags: BTreeSet::from([TagId::new(3), TagId::new(4)]),
            authors: BTreeSet::from([AuthorId::new(5)]),
            published: true,
            published_at: OffsetDateTime::UNIX_EPOCH,
            slug: "floods".into(),
            breaking: false,
            photo: Some(MediaId::new(6)),
        }
    }

    #[test]
    fn a_draft_changes_no_page() {
        let draft = StoryPlace { published: false, ..place() };
        assert!(story_change(ArticleId::new(9), None, Some(&draft), &[]).is_empty());
        assert!(story_change(ArticleId::new(9), Some(&draft), Some(&draft), &[]).is_empty());
    }

    #[test]
    fn an_edit_in_place_drops_the_story_and_its_sitemap_only() {
        let edited = place();
        assert_eq!(
            story_change(ArticleId::new(9), Some(&place()), Some(&edited), &[ArticleId::new(10)]),
            ["sitemap:1", "story:9"]
        );
    }

    #[test]
    fn publishing_drops_every_list_it_joins_and_its_translations() {
        let draft = StoryPlace { published: false, ..place() };
        let keys = story_change(ArticleId::new(9), Some(&draft), Some(&place()), &[ArticleId::new(10)]);
        for key in [
            "story:9",
            "story:10",
            "list:1",
            "section:2",
            "tag:3",
            "tag:4",
            "author:5",
            "photo:6",
            "photos",
            "sitemap:1",
        ] {
            assert!(keys.iter().any(|k| k == key), "{key} in {keys:?}");
        }
        assert!(!keys.iter().any(|k| k.starts_with("frame:")), "not breaking: {keys:?}");
    }

    #[test]
    fn a_move_drops_the_lists_it_leaves_and_joins() {
        let moved = StoryPlace { tags: BTreeSet::from([TagId::new(7)]), breaking: true, ..place() };
        let keys = story_change(ArticleId::new(9), Some(&place()), Some(&moved), &[]);
        for key in ["tag:3", "tag:4", "tag:7", "frame:1", "list:1"] {
            assert!(keys.iter().any(|k| k == key), "{key} in {keys:?}");
        }
    }

    #[tokio::test]
    async fn keys_are_collected_per_render() {
        let ((), keys) = collect(async {
            shows(story(ArticleId::new(1)));
            shows(story(ArticleId::new(1)));
            tokio::task::yield_now().await;
            shows(list(EditionId::new(2)));
        })
        .await;
        assert_eq!(keys.into_iter().collect::<Vec<_>>(), ["list:2", "story:1"]);
        shows("outside".into()); // no collector: nothing happens
    }
}
