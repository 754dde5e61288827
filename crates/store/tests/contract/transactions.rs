//! The transaction one action's writes share (`dateline_store::write_tx`),
//! on both backends: committed, everything is there; dropped, nothing is;
//! a stale version, a taken address and a missing story are told apart.

use std::sync::Arc;

use dateline_core::{ArticleStatus, EditionCode, Slug, TextDirection};
use dateline_store::{
    ArticleId, EditionId, NewArticle, NewEdition, NewLiveEvent, NewSection, SectionId, Store, StoreError,
};
use sqlx::{Connection as _, Executor as _};
use time::OffsetDateTime;

/// A fresh, migrated store; for PostgreSQL, a database dropped with the guard.
pub struct TestStore {
    pub store: Arc<dyn Store>,
    _dir: Option<tempfile::TempDir>,
    database: Option<String>,
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Some(name) = self.database.take() {
            let admin = super::schema::postgres_admin_url();
            let _ = std::thread::spawn(move || {
                let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                    return;
                };
                runtime.block_on(async {
                    if let Ok(mut db) = sqlx::PgConnection::connect(&admin).await {
                        let _ = db
                            .execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str())
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

pub async fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("contract.db");
    let store =
        dateline_store_sqlite::SqliteStore::connect(path.to_str().expect("utf-8")).await.expect("open");
    store.migrate().await.expect("migrate");
    TestStore { store: Arc::new(store), _dir: Some(dir), database: None }
}

pub async fn postgres(label: &str) -> TestStore {
    let admin_url = super::schema::postgres_admin_url();
    let mut admin =
        sqlx::PgConnection::connect(&admin_url).await.expect("PostgreSQL (./scripts/test starts it)");
    let name = format!("dateline_contract_{label}_{}", std::process::id());
    admin.execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str()).await.expect("drop");
    admin.execute(format!("CREATE DATABASE \"{name}\"").as_str()).await.expect("create");
    let url = format!("{}/{name}", admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base));
    let store = dateline_store_postgres::PostgresStore::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    TestStore { store: Arc::new(store), _dir: None, database: Some(name) }
}

pub fn story(edition_id: EditionId, section_id: SectionId, slug: &str) -> NewArticle {
    let now = OffsetDateTime::now_utc();
    NewArticle {
        edition_id,
        section_id,
        slug: Slug::parse(slug).expect("slug"),
        headline: format!("Headline of {slug}"),
        lead: String::new(),
        dateline_place: String::new(),
        dateline_agency: String::new(),
        body: "Text.".into(),
        main_media_id: None,
        image_caption: String::new(),
        image_credit: String::new(),
        breaking: false,
        status: ArticleStatus::Draft,
        published_at: now,
        updated_at: now,
        published_at_fixed: false,
        translation_group: None,
        correction: None,
        seo_title: String::new(),
        seo_description: String::new(),
        created_by: None,
        tag_ids: Vec::new(),
        author_ids: Vec::new(),
    }
}

async fn transactions_are_all_or_nothing(store: &dyn Store) {
    let edition = NewEdition {
        code: EditionCode::parse("en").expect("code"),
        language: "en".into(),
        name: "English".into(),
        direction: TextDirection::Ltr,
        is_default: true,
        position: 0,
    };
    // Dropped without a commit: nothing.
    let mut tx = store.begin_write().await.expect("begin");
    tx.create_edition(&edition).await.expect("edition");
    drop(tx);
    assert!(store.editions().await.expect("editions").is_empty(), "a dropped transaction leaves nothing");

    // Committed: everything, at once.
    let version_before = store.content_version().await.expect("version");
    let mut tx = store.begin_write().await.expect("begin");
    let edition = tx.create_edition(&edition).await.expect("edition");
    let section = tx
        .create_section(&NewSection {
            edition_id: edition.id,
            slug: Slug::parse("world").expect("slug"),
            name: "World".into(),
            description: String::new(),
            position: 0,
        })
        .await
        .expect("section");
    let tag = tx.ensure_tag(edition.id, &Slug::parse("floods").expect("slug"), "Floods").await.expect("tag");
    let mut first = story(edition.id, section.id, "first");
    first.tag_ids = vec![tag.id];
    let id = tx.create_article(&first).await.expect("article");
    tx.add_revision(id, None, ArticleStatus::Draft, "{}", 1).await.expect("revision");
    tx.record_audit(None, Some(edition.id), "article.save", &format!("article {id}"), "first")
        .await
        .expect("audit");
    tx.enqueue_job("publish_article", &id.to_string(), OffsetDateTime::now_utc()).await.expect("job");
    let version = tx.record_page_change(&["story:1".to_owned()]).await.expect("bump");
    let event = NewLiveEvent {
        edition_id: edition.id,
        kind: "published".into(),
        section_id: Some(section.id),
        article_id: Some(id),
        breaking: false,
        data: "{}".into(),
    };
    let appended = tx.append_live_event(&event, OffsetDateTime::now_utc()).await.expect("event");
    assert!(store.article_by_id(id).await.expect("read").is_none(), "nothing is visible before the commit");
    tx.commit().await.expect("commit");
    let article = store.article_by_id(id).await.expect("read").expect("the article");
    assert_eq!(article.version, 1);
    assert_eq!(article.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["Floods"]);
    assert_eq!(store.revisions(id).await.expect("revisions").len(), 1);
    assert_eq!(store.audit_entries(10, Some(&[edition.id])).await.expect("audit").len(), 1);
    assert_eq!(store.content_version().await.expect("version"), version);
    assert_eq!(version, version_before + 1);
    let events = store.live_events_after(0, 10).await.expect("events");
    assert_eq!(events.iter().map(|e| e.id).collect::<Vec<_>>(), [appended.id]);

    // A stale version, a taken address and a missing story are told apart.
    let mut tx = store.begin_write().await.expect("begin");
    let next = tx.update_article(id, &first, Some(1)).await.expect("update at the right version");
    assert_eq!(next, 2);
    tx.commit().await.expect("commit");
    let mut tx = store.begin_write().await.expect("begin");
    match tx.update_article(id, &first, Some(1)).await {
        Err(StoreError::Stale(now)) => assert_eq!(now, 2),
        other => panic!("a stale version is Stale, not {other:?}"),
    }
    drop(tx);
    let mut tx = store.begin_write().await.expect("begin");
    match tx.create_article(&first).await {
        Err(StoreError::Conflict(_)) => {}
        other => panic!("a taken address is a Conflict, not {other:?}"),
    }
    drop(tx);
    let mut tx = store.begin_write().await.expect("begin");
    match tx.update_article(ArticleId::new(id.get() + 1000), &first, None).await {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("a missing story is NotFound, not {other:?}"),
    }
    drop(tx);
    assert_eq!(
        store.article_by_id(id).await.expect("read").expect("the article").version,
        2,
        "nothing moved"
    );
}

#[tokio::test]
async fn sqlite_transactions_are_all_or_nothing() {
    let test = sqlite().await;
    transactions_are_all_or_nothing(test.store.as_ref()).await;
}

mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn transactions_are_all_or_nothing() {
        let test = super::postgres("tx").await;
        super::transactions_are_all_or_nothing(test.store.as_ref()).await;
    }
}
