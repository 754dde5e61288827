//! `DirectoryStore`/`DirectoryTx`: editions, sections, authors, tags and
//! the site's settings.

use dateline_core::{CommentPolicy, EditionCode, Slug, TextDirection};
use dateline_store::{EditionChanges, NewAuthor, NewEdition, NewSection, Store, StoreError};

use crate::fixtures::site;

fn slug(s: &str) -> Slug {
    Slug::parse(s).expect("slug")
}

fn edition(code: &str, position: i32) -> NewEdition {
    NewEdition {
        code: EditionCode::parse(code).expect("code"),
        language: code.into(),
        name: format!("Edition {code}"),
        direction: TextDirection::Ltr,
        is_default: false,
        position,
    }
}

async fn the_directory_holds_editions_sections_authors_tags_and_settings(store: &dyn Store) {
    assert!(store.is_empty().await.expect("empty"), "a fresh store has no edition");
    let site = site(store).await;
    assert!(!store.is_empty().await.expect("empty"));

    // Editions in the administrators' order; one default at a time.
    let arabic = store
        .create_edition(&NewEdition { direction: TextDirection::Rtl, ..edition("ar", 2) })
        .await
        .expect("edition");
    let russian = store.create_edition(&edition("ru", 1)).await.expect("edition");
    assert!(matches!(store.create_edition(&edition("ru", 3)).await, Err(StoreError::Conflict(_))));
    let codes = |editions: Vec<dateline_store::Edition>| {
        editions.iter().map(|e| (e.code.as_str().to_owned(), e.is_default)).collect::<Vec<_>>()
    };
    assert_eq!(
        codes(store.editions().await.expect("editions")),
        [("en".into(), true), ("ru".into(), false), ("ar".into(), false)]
    );
    store
        .update_edition(
            russian.id,
            &EditionChanges {
                language: "ru-RU".into(),
                name: "Русский".into(),
                direction: TextDirection::Ltr,
                position: 5,
                make_default: true,
            },
        )
        .await
        .expect("update");
    let editions = store.editions().await.expect("editions");
    assert_eq!(codes(editions.clone()), [("en".into(), false), ("ar".into(), false), ("ru".into(), true)]);
    let stored = editions.iter().find(|e| e.id == russian.id).expect("ru");
    assert_eq!((stored.language.as_str(), stored.name.as_str()), ("ru-RU", "Русский"));
    assert_eq!(editions.iter().find(|e| e.id == arabic.id).map(|e| e.direction), Some(TextDirection::Rtl));

    // Sections by edition and position; a slug once per edition.
    let section = |edition_id, s: &str, position| NewSection {
        edition_id,
        slug: slug(s),
        name: s.to_uppercase(),
        description: format!("All about {s}"),
        position,
    };
    let sport = store.create_section(&section(site.edition.id, "sport", -1)).await.expect("section");
    assert_eq!(sport.comment_policy, CommentPolicy::Open);
    store.create_section(&section(arabic.id, "sport", 0)).await.expect("the same slug elsewhere");
    assert!(matches!(
        store.create_section(&section(site.edition.id, "world", 4)).await,
        Err(StoreError::Conflict(_))
    ));
    store.update_section(sport.id, "Sport and games", "Scores", 9).await.expect("update");
    store.set_comment_policy(site.section.id, CommentPolicy::Premoderated).await.expect("policy");
    let sections = store.sections().await.expect("sections");
    let ours: Vec<_> = sections
        .iter()
        .filter(|s| s.edition_id == site.edition.id)
        .map(|s| (s.slug.as_str(), s.name.as_str(), s.position, s.comment_policy))
        .collect();
    assert_eq!(
        ours,
        [
            ("world", "World", 0, CommentPolicy::Premoderated),
            ("sport", "Sport and games", 9, CommentPolicy::Open)
        ]
    );
    assert_eq!(sections.first().map(|s| s.edition_id), Some(site.edition.id), "by edition first");

    // Authors: one slug per edition, listed by edition and name.
    let author = |edition_id, s: &str, name: &str| NewAuthor {
        edition_id,
        slug: slug(s),
        name: name.into(),
        bio: format!("{name} writes."),
    };
    let zoe = store.create_author(&author(site.edition.id, "zoe", "Zoë Ortiz")).await.expect("author");
    store.create_author(&author(site.edition.id, "amir", "Amir Haddad")).await.expect("author");
    store.create_author(&author(arabic.id, "zoe", "زوي")).await.expect("the same slug elsewhere");
    assert!(matches!(
        store.create_author(&author(site.edition.id, "zoe", "Another")).await,
        Err(StoreError::Conflict(_))
    ));
    let found = store.author_by_slug(site.edition.id, &slug("zoe")).await.expect("read").expect("found");
    assert_eq!((found.id, found.bio.as_str()), (zoe.id, "Zoë Ortiz writes."));
    assert!(store.author_by_slug(russian.id, &slug("zoe")).await.expect("read").is_none());
    let names: Vec<_> = store.authors().await.expect("authors").into_iter().map(|a| a.name).collect();
    assert_eq!(names, ["Amir Haddad", "Zoë Ortiz", "زوي"]);

    // Tags: made once, their first name kept.
    let tag = store.ensure_tag(site.edition.id, &slug("ports"), "Ports").await.expect("tag");
    let again = store.ensure_tag(site.edition.id, &slug("ports"), "PORTS!").await.expect("tag");
    assert_eq!((again.id, again.name.as_str()), (tag.id, "Ports"));
    let elsewhere = store.ensure_tag(arabic.id, &slug("ports"), "موانئ").await.expect("tag");
    assert_ne!(elsewhere.id, tag.id);
    let read = store.tag_by_slug(site.edition.id, &slug("ports")).await.expect("read").expect("found");
    assert_eq!((read.id, read.name.as_str()), (tag.id, "Ports"));
    assert!(store.tag_by_slug(russian.id, &slug("ports")).await.expect("read").is_none());

    // Settings: absent until set, then replaced.
    assert_eq!(store.site_setting("banned_words").await.expect("read"), None);
    store.set_site_setting("banned_words", "scam*").await.expect("set");
    store.set_site_setting("banned_words", "scam*\nspam").await.expect("set");
    assert_eq!(store.site_setting("banned_words").await.expect("read").as_deref(), Some("scam*\nspam"));

    // In a transaction: all of it, or (dropped) none of it.
    let mut tx = store.begin_write().await.expect("begin");
    tx.create_edition(&edition("fr", 7)).await.expect("edition");
    tx.create_section(&section(arabic.id, "culture", 1)).await.expect("section");
    tx.ensure_tag(arabic.id, &slug("theatre"), "مسرح").await.expect("tag");
    tx.set_site_setting("banned_words", "").await.expect("set");
    tx.set_comment_policy(sport.id, CommentPolicy::Closed).await.expect("policy");
    tx.update_section(sport.id, "Dropped", "", 0).await.expect("update");
    tx.update_edition(
        arabic.id,
        &EditionChanges {
            language: "ar".into(),
            name: "العربية".into(),
            direction: TextDirection::Rtl,
            position: 0,
            make_default: true,
        },
    )
    .await
    .expect("update");
    drop(tx);
    assert_eq!(store.editions().await.expect("editions").len(), 3);
    assert!(store.tag_by_slug(arabic.id, &slug("theatre")).await.expect("read").is_none());
    assert_eq!(store.site_setting("banned_words").await.expect("read").as_deref(), Some("scam*\nspam"));
    let sport_now = store.sections().await.expect("sections").into_iter().find(|s| s.id == sport.id);
    assert_eq!(
        sport_now.map(|s| (s.name, s.comment_policy)),
        Some(("Sport and games".into(), CommentPolicy::Open))
    );

    let mut tx = store.begin_write().await.expect("begin");
    let french = tx.create_edition(&edition("fr", 7)).await.expect("edition");
    let culture = tx.create_section(&section(french.id, "culture", 1)).await.expect("section");
    tx.set_site_setting("welcome", "Bienvenue").await.expect("set");
    tx.commit().await.expect("commit");
    assert!(store.sections().await.expect("sections").iter().any(|s| s.id == culture.id));
    assert_eq!(store.site_setting("welcome").await.expect("read").as_deref(), Some("Bienvenue"));
}

crate::on_both_backends!(the_directory_holds_editions_sections_authors_tags_and_settings);
