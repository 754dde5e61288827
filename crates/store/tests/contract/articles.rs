//! `ArticleStore`/`ArticleTx` and `SearchStore`: stories from the first
//! draft to deletion, the lists every page reads, and what the search
//! index reads.

use dateline_core::{ArticleStatus, PageSize, Slug};
use dateline_store::{
    ArticleCard, ArticleId, ArticleQuery, NewAuthor, NewMedia, NewSection, NewsroomQuery, Rendition, Store,
    StoreError,
};
use time::{Duration, OffsetDateTime};

use crate::fixtures::site;
use crate::transactions::story;

fn slug(s: &str) -> Slug {
    Slug::parse(s).expect("slug")
}

fn ids(cards: &[ArticleCard]) -> Vec<ArticleId> {
    cards.iter().map(|c| c.id).collect()
}

fn newsroom(search: Option<&str>, status: Option<ArticleStatus>) -> NewsroomQuery {
    NewsroomQuery {
        edition_id: None,
        section_id: None,
        status,
        created_by: None,
        search: search.map(Into::into),
        limit: 50,
        offset: 0,
    }
}

async fn a_story_from_first_draft_to_deletion(store: &dyn Store) {
    let site = site(store).await;
    let hour = Duration::hours(1);
    let now = OffsetDateTime::now_utc();
    let business = store
        .create_section(&NewSection {
            edition_id: site.edition.id,
            slug: slug("business"),
            name: "Business".into(),
            description: String::new(),
            position: 1,
        })
        .await
        .expect("section");
    let ports = store.ensure_tag(site.edition.id, &slug("ports"), "Ports").await.expect("tag");
    let ships = store.ensure_tag(site.edition.id, &slug("ships"), "Ships").await.expect("tag");
    let author = |s: &str, name: &str| NewAuthor {
        edition_id: site.edition.id,
        slug: slug(s),
        name: name.into(),
        bio: String::new(),
    };
    let zoe = store.create_author(&author("zoe", "Zoë")).await.expect("author");
    let amir = store.create_author(&author("amir", "Amir")).await.expect("author");
    let photo = store
        .create_media(&NewMedia {
            original_key: "o/quay".into(),
            mime: "image/jpeg".into(),
            width: 1200,
            height: 800,
            caption: "The quay".into(),
            credit: String::new(),
            copyright: "Agency".into(),
            alt_text: "Cranes on the quay".into(),
            licence: String::new(),
            keywords: String::new(),
            original_name: String::new(),
            uploaded_by: None,
            renditions: vec![Rendition {
                width: 480,
                height: 320,
                mime: "image/webp".into(),
                key: "r/quay-480.webp".into(),
                crop: false,
            }],
        })
        .await
        .expect("photo");

    // A published story with its tags, authors and photo, in their order.
    let mut new = story(site.edition.id, site.section.id, "cranes-return");
    new.status = ArticleStatus::Published;
    new.published_at = now - hour;
    new.tag_ids = vec![ships.id, ports.id];
    new.author_ids = vec![zoe.id, amir.id];
    new.main_media_id = Some(photo.id);
    new.dateline_place = "ROTTERDAM".into();
    let cranes = store.create_article(&new).await.expect("story");
    assert!(matches!(store.create_article(&new).await, Err(StoreError::Conflict(_))), "one slug per edition");
    let read =
        store.article_by_slug(site.edition.id, &slug("cranes-return")).await.expect("read").expect("found");
    assert_eq!(
        (read.card.id, read.status, read.version, read.public_version),
        (cranes, ArticleStatus::Published, 1, 1)
    );
    assert_eq!(read.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["Ships", "Ports"]);
    assert_eq!(read.authors.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["Zoë", "Amir"]);
    let image = read.card.image.as_ref().expect("an image");
    assert_eq!((image.alt_text.as_str(), image.renditions.len()), ("Cranes on the quay", 1));
    assert_eq!(read.dateline_place, "ROTTERDAM");
    assert!(store.article_by_id(ArticleId::new(cranes.get() + 1000)).await.expect("read").is_none());

    // Saving: a new version, tags replaced, the old address remembered;
    // a stale save and a missing story refused.
    let mut changed = new.clone();
    changed.slug = slug("cranes-are-back");
    changed.headline = "Cranes are back".into();
    changed.tag_ids = vec![ports.id];
    assert_eq!(store.update_article(cranes, &changed, Some(1)).await.expect("save"), 2);
    assert!(matches!(store.update_article(cranes, &changed, Some(1)).await, Err(StoreError::Stale(2))));
    assert!(matches!(
        store.update_article(ArticleId::new(cranes.get() + 1000), &changed, None).await,
        Err(StoreError::NotFound(_))
    ));
    let read = store.article_by_id(cranes).await.expect("read").expect("found");
    assert_eq!((read.card.slug.as_str(), read.version, read.tags.len()), ("cranes-are-back", 2, 1));
    assert_eq!(
        store.article_id_by_old_slug(site.edition.id, &slug("cranes-return")).await.expect("old"),
        Some(cranes)
    );
    store.rename_article_slug(cranes, &slug("cranes-return-to-port")).await.expect("rename");
    store.rename_article_slug(cranes, &slug("cranes-return-to-port")).await.expect("the same: nothing to do");
    assert!(matches!(
        store.rename_article_slug(ArticleId::new(cranes.get() + 1000), &slug("x")).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store.article_id_by_old_slug(site.edition.id, &slug("cranes-are-back")).await.expect("old"),
        Some(cranes)
    );

    // More stories: a draft, one in another section, a scheduled one.
    let mut draft = story(site.edition.id, site.section.id, "draft-about-ports");
    draft.tag_ids = vec![ports.id];
    draft.headline = "Ports at 100% _capacity_".into();
    let draft = store.create_article(&draft).await.expect("draft");
    let mut markets = story(site.edition.id, business.id, "markets-calm");
    markets.status = ArticleStatus::Published;
    markets.published_at = now - Duration::hours(3);
    markets.tag_ids = vec![ports.id];
    markets.author_ids = vec![zoe.id];
    let markets = store.create_article(&markets).await.expect("story");
    let mut later = story(site.edition.id, site.section.id, "tomorrow");
    later.status = ArticleStatus::Scheduled;
    later.published_at = now + hour;
    let later = store.create_article(&later).await.expect("scheduled");

    // The lists: published only, newest first, by cursor and filters.
    let edition = ArticleQuery::edition(site.edition.id, PageSize::new(10).expect("size"));
    let all = store.list_articles(&edition).await.expect("list");
    assert_eq!(ids(&all), [cranes, site.article_id, markets]);
    let first = store
        .list_articles(&ArticleQuery { limit: PageSize::new(1).expect("size"), ..edition.clone() })
        .await
        .expect("list");
    let rest = store
        .list_articles(&ArticleQuery { before: Some(first[0].cursor()), ..edition.clone() })
        .await
        .expect("list");
    assert_eq!(ids(&rest), [site.article_id, markets]);
    let by_tag = store.list_articles(&ArticleQuery { tag_id: Some(ports.id), ..edition.clone() }).await;
    assert_eq!(ids(&by_tag.expect("list")), [cranes, markets]);
    let by_author = store.list_articles(&ArticleQuery { author_id: Some(zoe.id), ..edition.clone() }).await;
    assert_eq!(ids(&by_author.expect("list")), [cranes, markets]);
    let by_section =
        store.list_articles(&ArticleQuery { section_id: Some(business.id), ..edition.clone() }).await;
    assert_eq!(ids(&by_section.expect("list")), [markets]);
    let (tagged, in_section) = store
        .related_articles(cranes, site.edition.id, site.section.id, &[ports.id], 5)
        .await
        .expect("related");
    assert_eq!((ids(&tagged), ids(&in_section)), (vec![markets], vec![site.article_id]));
    // Several tags are asked in one go: a story sharing any of them is related.
    let quiet = store.ensure_tag(site.edition.id, &slug("quiet"), "Quiet").await.expect("tag");
    let (tagged, _) = store
        .related_articles(site.article_id, site.edition.id, site.section.id, &[quiet.id, ports.id], 5)
        .await
        .expect("related");
    assert_eq!(ids(&tagged), [cranes, markets], "newest first, the article itself left out");
    let (tagged, _) =
        store.related_articles(cranes, site.edition.id, site.section.id, &[], 5).await.expect("related");
    assert!(tagged.is_empty());
    let breaking = store.latest_breaking(site.edition.id, now - Duration::hours(2)).await.expect("breaking");
    assert_eq!(breaking.map(|c| c.id), Some(site.article_id));
    assert!(store.latest_breaking(site.edition.id, now).await.expect("breaking").is_none());
    assert_eq!(ids(&store.articles_using_media(photo.id).await.expect("using")), [cranes]);
    // Cards by id, published ones only, in one query.
    let mut by_id = ids(&store.published_cards(&[cranes, draft, markets]).await.expect("cards"));
    by_id.sort();
    let mut expected = vec![cranes, markets];
    expected.sort();
    assert_eq!(by_id, expected, "the draft is left out");
    assert!(store.published_cards(&[]).await.expect("cards").is_empty());

    // The newsroom's list: every status, newest change first, by words.
    let rows = store.newsroom_articles(&newsroom(None, None)).await.expect("rows");
    assert_eq!(rows.len(), 5);
    let found = store.newsroom_articles(&newsroom(Some("100% _CAPACITY"), None)).await.expect("rows");
    assert_eq!(found.iter().map(|r| r.id).collect::<Vec<_>>(), [draft]);
    assert!(store.newsroom_articles(&newsroom(Some("1_0"), None)).await.expect("rows").is_empty());
    let scheduled = store.newsroom_articles(&newsroom(None, Some(ArticleStatus::Scheduled))).await;
    assert_eq!(scheduled.expect("rows").iter().map(|r| r.id).collect::<Vec<_>>(), [later]);

    // Sitemaps.
    let entries =
        store.published_between(site.edition.id, now - Duration::hours(4), now, 10).await.expect("sitemap");
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0].slug.as_str(), "cranes-return-to-port");
    assert_eq!(
        store
            .published_between(site.edition.id, now - Duration::hours(4), now, 1)
            .await
            .expect("sitemap")
            .len(),
        1
    );
    let oldest = store.first_published(site.edition.id).await.expect("first").expect("some");
    assert_eq!(oldest.unix_timestamp(), (now - Duration::hours(3)).unix_timestamp());

    // Scheduled publishing: only when due and still scheduled.
    assert!(!store.publish_scheduled_article(later, now).await.expect("publish"), "not due");
    assert!(
        !store.publish_scheduled_article(draft, now + Duration::hours(2)).await.expect("publish"),
        "a draft"
    );
    assert!(store.publish_scheduled_article(later, now + Duration::hours(2)).await.expect("publish"));
    assert!(
        !store.publish_scheduled_article(later, now + Duration::hours(2)).await.expect("publish"),
        "once"
    );
    let published = store.article_by_id(later).await.expect("read").expect("found");
    assert_eq!((published.status, published.public_version), (ArticleStatus::Published, 1));

    // Translations link published stories of a group.
    store.set_translation_group(cranes, "g-cranes").await.expect("group");
    store.set_translation_group(draft, "g-cranes").await.expect("group");
    let links = store.translations("g-cranes").await.expect("links");
    assert_eq!(links.iter().map(|l| l.article_id).collect::<Vec<_>>(), [cranes], "the draft is not linked");

    // The search index's view: the change stream and the stories.
    let (_, high) = store.article_change_bounds().await.expect("bounds").expect("changes were logged");
    assert!(
        store.article_changes_after(0, 1000).await.expect("changes").iter().any(|c| c.article_id == cranes)
    );
    assert!(store.article_changes_after(high, 10).await.expect("changes").is_empty());
    assert_eq!(store.article_count().await.expect("count"), 5);
    let sources =
        store.search_sources(&[markets, cranes, ArticleId::new(cranes.get() + 1000)]).await.expect("sources");
    assert_eq!(sources.iter().map(|s| s.id).collect::<Vec<_>>(), [cranes, markets], "in id order");
    assert_eq!(sources[0].tags, [(ports.id, "Ports".to_owned())]);
    assert_eq!(sources[0].authors, ["Zoë", "Amir"]);
    let after = store.search_sources_after(cranes.get(), 2).await.expect("sources");
    assert_eq!(after.iter().map(|s| s.id).collect::<Vec<_>>(), [draft, markets]);
    let tags = store.tags_by_ids(&[ships.id, ports.id]).await.expect("tags");
    assert_eq!(tags.len(), 2);
    assert!(store.prune_article_changes(now - hour).await.expect("prune") == 0, "all are recent");
    assert!(store.prune_article_changes(now + hour).await.expect("prune") > 0);
    assert!(store.article_change_bounds().await.expect("bounds").is_none());

    // In an action's transaction: all of it, or (dropped) none of it.
    let version = store.article_by_id(cranes).await.expect("read").expect("found").version;
    let mut tx = store.begin_write().await.expect("begin");
    let dropped =
        tx.create_article(&story(site.edition.id, site.section.id, "dropped")).await.expect("story");
    tx.update_article(cranes, &changed, None).await.expect("save");
    tx.rename_article_slug(markets, &slug("markets-dropped")).await.expect("rename");
    tx.publish_scheduled_article(later, now).await.expect("publish");
    tx.set_translation_group(markets, "g-dropped").await.expect("group");
    tx.delete_article(draft).await.expect("delete");
    drop(tx);
    assert!(store.article_by_id(dropped).await.expect("read").is_none());
    assert_eq!(store.article_by_id(cranes).await.expect("read").expect("found").version, version);
    assert!(store.article_by_id(draft).await.expect("read").is_some());
    assert_eq!(
        store.article_by_id(markets).await.expect("read").expect("found").card.slug.as_str(),
        "markets-calm"
    );

    // Deleting takes the story's links and old addresses with it.
    let mut tx = store.begin_write().await.expect("begin");
    tx.delete_article(cranes).await.expect("delete");
    tx.commit().await.expect("commit");
    assert!(store.article_by_id(cranes).await.expect("read").is_none());
    assert_eq!(
        store.article_id_by_old_slug(site.edition.id, &slug("cranes-return")).await.expect("old"),
        None
    );
    assert_eq!(store.media_usage(photo.id).await.expect("usage"), 0);
}

crate::on_both_backends!(a_story_from_first_draft_to_deletion);

/// Every story list a page reads is read from an index, whatever the
/// archive's size: checked on the plan each database makes for it.
async fn every_story_list_is_read_from_an_index(store: &dyn Store) {
    let site = site(store).await;
    let tag = store.ensure_tag(site.edition.id, &slug("ports"), "Ports").await.expect("tag");
    let author = store
        .create_author(&NewAuthor {
            edition_id: site.edition.id,
            slug: slug("ana-lima"),
            name: "Ana Lima".into(),
            bio: String::new(),
        })
        .await
        .expect("author");
    let page = PageSize::new(10).expect("size");
    let cursor = dateline_core::ArticleCursor { published_at: OffsetDateTime::now_utc(), id: 1_000 };
    let edition = ArticleQuery::edition(site.edition.id, page);
    let lists = [
        ("edition", edition.clone()),
        ("section", ArticleQuery { section_id: Some(site.section.id), ..edition.clone() }),
        ("tag", ArticleQuery { tag_id: Some(tag.id), ..edition.clone() }),
        ("author", ArticleQuery { author_id: Some(author.id), ..edition.clone() }),
    ];
    for (name, query) in lists {
        for query in [query.clone(), ArticleQuery { before: Some(cursor), ..query }] {
            let plan = store.explain_list_articles(&query).await.expect("plan");
            let paged = if query.before.is_some() { "paged " } else { "" };
            let text = plan.join("\n");
            if store.backend() == "postgres" {
                assert!(!text.contains("Seq Scan"), "{paged}{name} list scans a table:\n{text}");
            } else {
                let full_scan = plan.iter().any(|line| {
                    line.starts_with("SCAN ")
                        && !line.contains("USING INDEX")
                        && !line.contains("COVERING INDEX")
                });
                assert!(!full_scan, "{paged}{name} list scans a table:\n{text}");
            }
            if matches!(name, "edition" | "section") {
                // Read in the index's order and stopped after a page.
                assert!(
                    !text.contains("TEMP B-TREE") && !text.contains("Sort"),
                    "{paged}{name} list sorts:\n{text}"
                );
            }
        }
    }
}

crate::on_both_backends!(every_story_list_is_read_from_an_index);
