//! `NewsroomStore`/`NewsroomTx`: revisions, the audit log, autosaves and
//! live-blog entries.

use dateline_core::ArticleStatus;
use dateline_store::{EditionId, Store};
use time::{Duration, OffsetDateTime};

use crate::fixtures::site;
use crate::transactions::story;

async fn the_newsroom_keeps_revisions_audit_autosaves_and_live_entries(store: &dyn Store) {
    let site = site(store).await;
    let other =
        store.create_article(&story(site.edition.id, site.section.id, "other-story")).await.expect("story");

    // Revisions: newest first, with who made them; found by id or version.
    let first = store
        .add_revision(site.article_id, Some(site.editor.id), ArticleStatus::Draft, r#"{"headline":"One"}"#, 1)
        .await
        .expect("revision");
    let second = store
        .add_revision(site.article_id, None, ArticleStatus::Published, r#"{"headline":"Two"}"#, 2)
        .await
        .expect("revision");
    let listed = store.revisions(site.article_id).await.expect("revisions");
    let seen: Vec<_> = listed.iter().map(|r| (r.id, r.user_name.clone(), r.status, r.version)).collect();
    assert_eq!(
        seen,
        [
            (second, None, ArticleStatus::Published, Some(2)),
            (first, Some("Desk".into()), ArticleStatus::Draft, Some(1))
        ]
    );
    let (info, snapshot) = store.revision(site.article_id, first).await.expect("read").expect("found");
    assert_eq!((info.id, snapshot.as_str()), (first, r#"{"headline":"One"}"#));
    assert!(store.revision(other, first).await.expect("read").is_none(), "another story's revision");
    let (info, snapshot) = store.revision_at_version(site.article_id, 2).await.expect("read").expect("found");
    assert_eq!((info.id, snapshot.as_str()), (second, r#"{"headline":"Two"}"#));
    assert!(store.revision_at_version(site.article_id, 3).await.expect("read").is_none());
    assert!(store.revisions(other).await.expect("revisions").is_empty());

    // The audit log: newest first, by edition when asked.
    store
        .record_audit(Some(site.editor.id), Some(site.edition.id), "article.publish", "harbour", "")
        .await
        .expect("audit");
    store.record_audit(None, None, "settings.save", "site", "banned words").await.expect("audit");
    let all = store.audit_entries(10, None).await.expect("entries");
    let actions: Vec<_> = all.iter().map(|e| (e.action.as_str(), e.user_name.as_deref())).collect();
    assert_eq!(actions, [("settings.save", None), ("article.publish", Some("Desk"))]);
    assert_eq!(store.audit_entries(1, None).await.expect("entries").len(), 1);
    let ours = store.audit_entries(10, Some(&[site.edition.id, EditionId::new(999)])).await.expect("entries");
    assert_eq!(ours.iter().map(|e| e.subject.as_str()).collect::<Vec<_>>(), ["harbour"]);
    assert!(store.audit_entries(10, Some(&[])).await.expect("entries").is_empty(), "no editions, no entries");

    // Autosaves: one copy per editor and form, replaced, then dropped.
    let at = OffsetDateTime::now_utc() - Duration::minutes(3);
    assert!(store.autosave(site.editor.id, "new").await.expect("read").is_none());
    store.save_autosave(site.editor.id, "new", r#"{"headline":"Dra"}"#, at).await.expect("save");
    store.save_autosave(site.editor.id, "new", r#"{"headline":"Draft"}"#, at).await.expect("save");
    store.save_autosave(site.ann.id, "new", r#"{"headline":"Ann's"}"#, at).await.expect("save");
    let (fields, saved_at) = store.autosave(site.editor.id, "new").await.expect("read").expect("kept");
    assert_eq!(fields, r#"{"headline":"Draft"}"#);
    assert_eq!(saved_at.unix_timestamp(), at.unix_timestamp());
    store.delete_autosave(site.editor.id, "new").await.expect("delete");
    assert!(store.autosave(site.editor.id, "new").await.expect("read").is_none());
    assert!(store.autosave(site.ann.id, "new").await.expect("read").is_some(), "another editor's copy stays");

    // Live-blog entries: newest first; corrections and deletes only
    // within their own story.
    let now = OffsetDateTime::now_utc();
    let early = store
        .add_live_blog_entry(site.article_id, Some(site.editor.id), "Ships wait.", now)
        .await
        .expect("entry");
    let late = store.add_live_blog_entry(site.article_id, None, "Ships sail.", now).await.expect("entry");
    assert!(!early.corrected);
    let fixed = store
        .correct_live_blog_entry(site.article_id, early.id, "Ships wait outside.", now)
        .await
        .expect("correct")
        .expect("found");
    assert!(fixed.corrected && fixed.body == "Ships wait outside.");
    assert!(store.correct_live_blog_entry(other, early.id, "No.", now).await.expect("correct").is_none());
    assert!(!store.delete_live_blog_entry(other, late.id).await.expect("delete"));
    let entries = store.live_blog_entries(site.article_id).await.expect("entries");
    assert_eq!(entries.iter().map(|e| e.id).collect::<Vec<_>>(), [late.id, early.id]);
    assert!(store.delete_live_blog_entry(site.article_id, late.id).await.expect("delete"));
    assert_eq!(store.live_blog_entries(site.article_id).await.expect("entries").len(), 1);

    // In an action's transaction: all of it, or (dropped) none of it.
    let mut tx = store.begin_write().await.expect("begin");
    tx.add_revision(other, None, ArticleStatus::Draft, "{}", 1).await.expect("revision");
    tx.record_audit(None, None, "article.create", "dropped", "").await.expect("audit");
    tx.add_live_blog_entry(other, None, "Dropped.", now).await.expect("entry");
    tx.correct_live_blog_entry(site.article_id, early.id, "Dropped.", now).await.expect("correct");
    tx.delete_live_blog_entry(site.article_id, early.id).await.expect("delete");
    drop(tx);
    assert!(store.revisions(other).await.expect("revisions").is_empty());
    assert_eq!(store.audit_entries(10, None).await.expect("entries").len(), 2);
    assert!(store.live_blog_entries(other).await.expect("entries").is_empty());
    let kept = store.live_blog_entries(site.article_id).await.expect("entries");
    assert_eq!(kept.iter().map(|e| e.body.as_str()).collect::<Vec<_>>(), ["Ships wait outside."]);

    let mut tx = store.begin_write().await.expect("begin");
    let revision = tx.add_revision(other, None, ArticleStatus::Draft, "{}", 1).await.expect("revision");
    tx.record_audit(None, Some(site.edition.id), "article.create", "other-story", "").await.expect("audit");
    tx.commit().await.expect("commit");
    assert_eq!(store.revisions(other).await.expect("revisions").first().map(|r| r.id), Some(revision));
    assert_eq!(store.audit_entries(10, None).await.expect("entries").len(), 3);
}

crate::on_both_backends!(the_newsroom_keeps_revisions_audit_autosaves_and_live_entries);
