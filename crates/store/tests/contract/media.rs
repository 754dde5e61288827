//! `MediaStore`/`MediaTx`: the media bank, its renditions, and the
//! stories that use its photos.

use dateline_core::ArticleStatus;
use dateline_store::{MediaChanges, MediaId, MediaQuery, NewMedia, Rendition, Store};
use time::{Duration, OffsetDateTime};

use crate::fixtures::site;
use crate::transactions::story;

fn rendition(width: i32, crop: bool) -> Rendition {
    Rendition {
        width,
        height: width / 2,
        mime: "image/webp".into(),
        key: format!("r/{width}-{crop}.webp"),
        crop,
    }
}

fn photo(key: &str, caption: &str, renditions: Vec<Rendition>) -> NewMedia {
    NewMedia {
        original_key: key.into(),
        mime: "image/jpeg".into(),
        width: 1600,
        height: 800,
        caption: caption.into(),
        credit: "Photo: Desk".into(),
        copyright: "Agency".into(),
        alt_text: format!("{caption} (alt)"),
        licence: String::new(),
        keywords: "port, ships".into(),
        original_name: format!("{key}.jpg"),
        uploaded_by: None,
        renditions,
    }
}

fn widths(renditions: &[Rendition]) -> Vec<(i32, bool)> {
    renditions.iter().map(|r| (r.width, r.crop)).collect()
}

fn query(text: Option<&str>) -> MediaQuery {
    MediaQuery { text: text.map(Into::into), limit: 10, ..MediaQuery::default() }
}

async fn the_media_bank_from_upload_to_deletion(store: &dyn Store) {
    let site = site(store).await;

    // Photos come back with their renditions, full frames narrowest first,
    // then the crops.
    let harbour = store
        .create_media(&photo(
            "o/harbour",
            "The harbour at dawn",
            vec![rendition(1200, false), rendition(320, true), rendition(480, false)],
        ))
        .await
        .expect("photo");
    assert_eq!(widths(&harbour.renditions), [(480, false), (1200, false), (320, true)]);
    let crane =
        store.create_media(&photo("o/crane", "A crane at 100% load_", Vec::new())).await.expect("photo");
    let quay =
        store.create_media(&photo("o/quay", "The quay", vec![rendition(640, false)])).await.expect("photo");
    let read = store.media_by_id(harbour.id).await.expect("read").expect("found");
    assert_eq!((read.caption.as_str(), read.focal_x, read.focal_y), ("The harbour at dawn", 0.5, 0.5));
    assert_eq!(widths(&read.renditions), widths(&harbour.renditions));
    assert!(store.media_by_id(MediaId::new(quay.id.get() + 100)).await.expect("read").is_none());

    // Changes: the focal point stays inside the frame; renditions replaced.
    store
        .update_media(
            harbour.id,
            &MediaChanges {
                caption: "The harbour before the storm".into(),
                credit: "Photo: Ann".into(),
                focal_x: 1.7,
                focal_y: -0.2,
                ..MediaChanges::default()
            },
        )
        .await
        .expect("update");
    let read = store.media_by_id(harbour.id).await.expect("read").expect("found");
    assert_eq!((read.credit.as_str(), read.focal_x, read.focal_y), ("Photo: Ann", 1.0, 0.0));
    store.set_renditions(crane.id, &[rendition(800, false), rendition(200, true)]).await.expect("set");
    let many = store
        .renditions_of(&[harbour.id, crane.id, MediaId::new(quay.id.get() + 100)])
        .await
        .expect("renditions");
    assert_eq!(widths(&many[&crane.id]), [(800, false), (200, true)]);
    assert_eq!(many[&harbour.id].len(), 3);
    assert!(!many.contains_key(&(MediaId::new(quay.id.get() + 100))));
    assert!(store.renditions_of(&[]).await.expect("none").is_empty());

    // The bank: newest first, by words (LIKE's wildcards taken literally),
    // by page, by date, and only what published stories show.
    let ids = |items: Vec<dateline_store::MediaItem>| items.into_iter().map(|m| m.id).collect::<Vec<_>>();
    assert_eq!(ids(store.media_list(&query(None)).await.expect("list")), [quay.id, crane.id, harbour.id]);
    assert_eq!(ids(store.media_list(&query(Some("HARBOUR"))).await.expect("list")), [harbour.id]);
    assert_eq!(ids(store.media_list(&query(Some("100% load_"))).await.expect("list")), [crane.id]);
    assert!(store.media_list(&query(Some("0%l"))).await.expect("list").is_empty(), "% is a character");
    assert!(store.media_list(&query(Some("1_0"))).await.expect("list").is_empty(), "_ is a character");
    assert_eq!(ids(store.media_list(&query(Some("crane.jpg"))).await.expect("list")), [crane.id]);
    let page = MediaQuery { before_id: Some(crane.id), ..query(None) };
    assert_eq!(ids(store.media_list(&page).await.expect("list")), [harbour.id]);
    let first = MediaQuery { limit: 1, ..query(None) };
    assert_eq!(ids(store.media_list(&first).await.expect("list")), [quay.id]);
    let now = OffsetDateTime::now_utc();
    let future = MediaQuery { added_from: Some(now + Duration::hours(1)), ..query(None) };
    assert!(store.media_list(&future).await.expect("list").is_empty());
    let past = MediaQuery { added_before: Some(now + Duration::hours(1)), ..query(None) };
    assert_eq!(store.media_list(&past).await.expect("list").len(), 3);
    let published = MediaQuery { published_only: true, ..query(None) };
    assert!(store.media_list(&published).await.expect("list").is_empty());
    // Every condition at once, each bound in its place.
    let all = MediaQuery {
        before_id: Some(quay.id),
        added_from: Some(now - Duration::hours(1)),
        added_before: Some(now + Duration::hours(1)),
        ..query(Some("HARBOUR"))
    };
    assert_eq!(ids(store.media_list(&all).await.expect("list")), [harbour.id]);
    let dated = MediaQuery { text: None, ..all };
    assert_eq!(ids(store.media_list(&dated).await.expect("list")), [crane.id, harbour.id]);

    // Used by stories: a draft keeps the original private, a published
    // story shows it.
    let mut draft = story(site.edition.id, site.section.id, "draft-with-photo");
    draft.main_media_id = Some(harbour.id);
    store.create_article(&draft).await.expect("draft");
    assert_eq!(store.media_usage(harbour.id).await.expect("usage"), 1);
    assert!(!store.original_is_published("o/harbour").await.expect("published"));
    let mut live = story(site.edition.id, site.section.id, "published-with-photo");
    live.main_media_id = Some(harbour.id);
    live.status = ArticleStatus::Published;
    store.create_article(&live).await.expect("published");
    assert!(store.original_is_published("o/harbour").await.expect("published"));
    assert!(!store.original_is_published("o/quay").await.expect("published"));
    assert!(!store.original_is_published("o/nothing").await.expect("published"));
    assert_eq!(ids(store.media_list(&published).await.expect("list")), [harbour.id]);

    // A used photo is not deleted; replacing it everywhere frees it — in
    // an action's transaction all of it or (dropped) none of it.
    assert!(!store.delete_unused_media(harbour.id).await.expect("delete"));
    let mut tx = store.begin_write().await.expect("begin");
    assert_eq!(tx.replace_media_in_articles(harbour.id, quay.id).await.expect("replace"), 2);
    assert!(tx.delete_unused_media(harbour.id).await.expect("delete"));
    drop(tx);
    assert_eq!(store.media_usage(harbour.id).await.expect("usage"), 2);
    assert!(store.media_by_id(harbour.id).await.expect("read").is_some());
    let mut tx = store.begin_write().await.expect("begin");
    assert_eq!(tx.replace_media_in_articles(harbour.id, quay.id).await.expect("replace"), 2);
    assert!(tx.delete_unused_media(harbour.id).await.expect("delete"));
    tx.commit().await.expect("commit");
    assert!(store.media_by_id(harbour.id).await.expect("read").is_none());
    assert!(store.renditions_of(&[harbour.id]).await.expect("renditions").is_empty(), "renditions go too");
    assert_eq!(store.media_usage(quay.id).await.expect("usage"), 2);
    assert!(store.original_is_published("o/quay").await.expect("published"));
    assert_eq!(store.replace_media_in_articles(quay.id, crane.id).await.expect("replace"), 2);
    assert!(store.delete_unused_media(quay.id).await.expect("delete"));
    assert!(!store.delete_unused_media(quay.id).await.expect("delete"), "already gone");
}

crate::on_both_backends!(the_media_bank_from_upload_to_deletion);
