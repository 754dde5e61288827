//! A small site every domain story starts from: an edition with a
//! section, a story published an hour ago, two readers and an editor.

use dateline_core::{ArticleStatus, EditionCode, Email, Role, Slug, TextDirection};
use dateline_store::{ArticleId, Edition, NewEdition, NewSection, NewUser, Section, Store, User};
use time::{Duration, OffsetDateTime};

pub struct Site {
    pub edition: Edition,
    pub section: Section,
    pub article_id: ArticleId,
    pub ann: User,
    pub ben: User,
    pub editor: User,
}

pub async fn user(store: &dyn Store, email: &str, name: &str, role: Role) -> User {
    store
        .create_user(&NewUser {
            email: Email::parse(email).expect("email"),
            display_name: name.into(),
            password_hash: "not a hash".into(),
            role,
            email_verified: true,
            edition_ids: Vec::new(),
        })
        .await
        .expect("user")
}

pub async fn site(store: &dyn Store) -> Site {
    let mut tx = store.begin_write().await.expect("begin");
    let edition = tx
        .create_edition(&NewEdition {
            code: EditionCode::parse("en").expect("code"),
            language: "en".into(),
            name: "English".into(),
            direction: TextDirection::Ltr,
            is_default: true,
            position: 0,
        })
        .await
        .expect("edition");
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
    let mut story = super::transactions::story(edition.id, section.id, "harbour-reopens");
    story.status = ArticleStatus::Published;
    story.breaking = true;
    story.published_at = OffsetDateTime::now_utc() - Duration::hours(1);
    let article_id = tx.create_article(&story).await.expect("article");
    tx.commit().await.expect("commit");
    Site {
        edition,
        section,
        article_id,
        ann: user(store, "ann@example.com", "Ann", Role::Reader).await,
        ben: user(store, "ben@example.com", "Ben", Role::Reader).await,
        editor: user(store, "desk@example.com", "Desk", Role::Editor).await,
    }
}

/// Runs `$story` (an `async fn(&dyn Store)`) on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($story:ident) => {
        mod $story {
            #[tokio::test]
            async fn sqlite() {
                let test = $crate::transactions::sqlite().await;
                super::$story(test.store.as_ref()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let test = $crate::transactions::postgres(stringify!($story)).await;
                super::$story(test.store.as_ref()).await;
            }
        }
    };
}
