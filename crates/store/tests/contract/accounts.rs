//! `AccountStore` and `AccountTx`: an account's life — created, limited,
//! logged in with a second factor, given tokens and links, throttled,
//! banned, deleted.

use dateline_core::{Email, Role};
use dateline_store::{EmailTokenPurpose, NewUser, Store, StoreError, UserId};
use time::{Duration, OffsetDateTime};

use crate::fixtures::{site, user};

async fn an_account_from_signup_to_deletion(store: &dyn Store) {
    let site = site(store).await;
    let now = OffsetDateTime::now_utc();

    // Created, found, listed staff first; one account per address.
    let limited = NewUser {
        email: Email::parse("chief@example.com").expect("email"),
        display_name: "Chief".into(),
        password_hash: "$argon2id$chief".into(),
        role: Role::Editor,
        email_verified: false,
        edition_ids: vec![site.edition.id],
    };
    let chief = store.create_user(&limited).await.expect("user");
    assert_eq!(
        (chief.role, chief.edition_ids.clone(), chief.two_factor),
        (Role::Editor, vec![site.edition.id], false)
    );
    match store.create_user(&limited).await {
        Err(StoreError::Conflict(_)) => {}
        other => panic!("a second account for one address is a Conflict, not {other:?}"),
    }
    let listed = store.users().await.expect("users");
    let names: Vec<_> = listed.iter().map(|u| u.display_name.as_str()).collect();
    assert_eq!(names, ["Chief", "Desk", "Ann", "Ben"], "staff first, then by name");
    assert_eq!(listed[0].edition_ids, [site.edition.id]);
    assert!(store.user_by_id(UserId::new(chief.id.get() + 100)).await.expect("read").is_none());

    // Role, password, verification, profile.
    store.set_user_role(chief.id, Role::Admin, &[]).await.expect("role");
    store.set_password_hash(chief.id, "$argon2id$new").await.expect("password");
    store.set_email_verified(chief.id).await.expect("verified");
    store.update_profile(chief.id, "The Chief", "Runs the desk.").await.expect("profile");
    let credentials = store.user_credentials("chief@example.com").await.expect("read").expect("the account");
    assert_eq!(credentials.password_hash, "$argon2id$new");
    let chief = credentials.user;
    assert_eq!((chief.role, chief.edition_ids.len(), chief.email_verified), (Role::Admin, 0, true));
    assert_eq!((chief.display_name.as_str(), chief.bio.as_str()), ("The Chief", "Runs the desk."));
    assert!(store.user_credentials("nobody@example.com").await.expect("read").is_none());

    // A second factor: each 30-second step once.
    store.set_totp_secret(chief.id, Some("JBSWY3DPEHPK3PXP")).await.expect("totp");
    let credentials = store.user_credentials("chief@example.com").await.expect("read").expect("the account");
    assert_eq!(credentials.totp_secret.as_deref(), Some("JBSWY3DPEHPK3PXP"));
    assert!(credentials.user.two_factor);
    assert!(store.accept_totp_step(chief.id, 1000).await.expect("step"));
    assert!(!store.accept_totp_step(chief.id, 1000).await.expect("step"), "a code works once");
    assert!(!store.accept_totp_step(chief.id, 999).await.expect("step"), "nor an older one");
    assert!(store.accept_totp_step(chief.id, 1001).await.expect("step"));

    // The login door: a challenge, then a session.
    store
        .create_login_challenge("challenge", chief.id, "/newsroom", now + Duration::minutes(5))
        .await
        .expect("challenge");
    assert_eq!(
        store.login_challenge("challenge", now).await.expect("read"),
        Some((chief.id, "/newsroom".to_owned()))
    );
    assert!(store.login_challenge("challenge", now + Duration::minutes(6)).await.expect("read").is_none());
    store.delete_login_challenge("challenge").await.expect("delete");
    assert!(store.login_challenge("challenge", now).await.expect("read").is_none());
    store.create_session("session-1", chief.id, now + Duration::days(30)).await.expect("session");
    store.create_session("session-2", chief.id, now + Duration::days(30)).await.expect("session");
    let seen = store.session_user("session-1", now).await.expect("read").expect("the user");
    assert_eq!(seen.id, chief.id);
    assert!(
        store.session_user("session-1", now + Duration::days(31)).await.expect("read").is_none(),
        "expired"
    );
    store.delete_session("session-1").await.expect("logout");
    assert!(store.session_user("session-1", now).await.expect("read").is_none());
    store.delete_user_sessions(chief.id).await.expect("everywhere");
    assert!(store.session_user("session-2", now).await.expect("read").is_none());

    // API tokens.
    let token = store.create_api_token(chief.id, "wire", "token-hash", None).await.expect("token");
    let short = store.create_api_token(chief.id, "short", "short-hash", Some(now + Duration::hours(1))).await;
    let short = short.expect("token");
    assert_eq!(store.api_token_user("token-hash", now).await.expect("read").map(|u| u.id), Some(chief.id));
    assert!(
        store.api_token_user("short-hash", now + Duration::hours(2)).await.expect("read").is_none(),
        "expired"
    );
    let tokens = store.api_tokens_of(chief.id).await.expect("tokens");
    assert_eq!(
        tokens.iter().map(|t| (t.id, t.name.as_str())).collect::<Vec<_>>(),
        [(token.id, "wire"), (short.id, "short")]
    );
    assert!(store.revoke_api_token(token.id, now).await.expect("revoke"));
    assert!(!store.revoke_api_token(token.id, now).await.expect("revoke"), "once");
    assert!(store.api_token_user("token-hash", now).await.expect("read").is_none());
    assert!(store.api_tokens_of(chief.id).await.expect("tokens")[0].revoked_at.is_some());

    // Single-use, purpose-bound e-mail links.
    let expires = now + Duration::hours(1);
    store
        .create_email_token("link", chief.id, EmailTokenPurpose::ResetPassword, expires)
        .await
        .expect("link");
    let wrong_purpose = store.consume_email_token("link", EmailTokenPurpose::VerifyEmail, now).await;
    assert!(wrong_purpose.expect("consume").is_none());
    let used =
        store.consume_email_token("link", EmailTokenPurpose::ResetPassword, now).await.expect("consume");
    assert_eq!(used, Some(chief.id));
    assert!(
        store
            .consume_email_token("link", EmailTokenPurpose::ResetPassword, now)
            .await
            .expect("again")
            .is_none()
    );

    // Login throttling.
    assert!(store.login_failures("chief@example.com").await.expect("read").is_none());
    assert_eq!(store.record_login_failure("chief@example.com", now).await.expect("failure"), 1);
    assert_eq!(store.record_login_failure("chief@example.com", now).await.expect("failure"), 2);
    let (failures, at) = store.login_failures("chief@example.com").await.expect("read").expect("failures");
    assert_eq!((failures, at.unix_timestamp()), (2, now.unix_timestamp()));
    store.clear_login_failures("chief@example.com").await.expect("clear");
    assert!(store.login_failures("chief@example.com").await.expect("read").is_none());

    // Bans.
    store.set_ban(site.ann.id, Some(now + Duration::days(1)), "spam").await.expect("ban");
    assert!(store.user_by_id(site.ann.id).await.expect("read").expect("ann").banned_until.is_some());
    store.set_ban(site.ann.id, None, "").await.expect("unban");
    assert!(store.user_by_id(site.ann.id).await.expect("read").expect("ann").banned_until.is_none());

    // Deleted: the account goes, its comments too unless it keeps them.
    let comment = dateline_store::NewComment {
        article_id: site.article_id,
        parent_id: None,
        user_id: site.ben.id,
        body: "Mine".into(),
        html: "<p>Mine</p>".into(),
        status: dateline_core::CommentStatus::Approved,
        held_reason: String::new(),
        client_address: "192.0.2.1".into(),
    };
    let written = store.add_comment(&comment, now).await.expect("comment");
    store.delete_user(site.ben.id, false).await.expect("delete");
    assert!(store.user_by_id(site.ben.id).await.expect("read").is_none());
    let gone = store.comment_by_id(written.id).await.expect("read").expect("the comment row");
    assert_eq!(
        (gone.status, gone.user_id, gone.body.as_str()),
        (dateline_core::CommentStatus::Deleted, None, "")
    );
    assert_eq!(
        store.article_by_id(site.article_id).await.expect("read").expect("story").card.comment_count,
        0
    );
    let kept = store.add_comment(&dateline_store::NewComment { user_id: site.ann.id, ..comment }, now).await;
    let kept = kept.expect("comment");
    store.delete_user(site.ann.id, true).await.expect("delete");
    let kept = store.comment_by_id(kept.id).await.expect("read").expect("kept anonymously");
    assert_eq!((kept.user_id, kept.body.as_str()), (None, "Mine"));
}

async fn account_writes_share_the_action_transaction(store: &dyn Store) {
    let site = site(store).await;
    let reader = user(store, "eve@example.com", "Eve", Role::Reader).await;
    store
        .create_session("eve-session", reader.id, OffsetDateTime::now_utc() + Duration::days(1))
        .await
        .expect("session");

    let mut tx = store.begin_write().await.expect("begin");
    tx.set_user_role(reader.id, Role::Editor, &[site.edition.id]).await.expect("role");
    tx.set_totp_secret(reader.id, Some("SECRET")).await.expect("totp");
    assert!(tx.accept_totp_step(reader.id, 7).await.expect("step"));
    tx.set_password_hash(reader.id, "$argon2id$other").await.expect("password");
    tx.delete_user_sessions(reader.id).await.expect("sessions");
    tx.set_ban(reader.id, Some(OffsetDateTime::now_utc() + Duration::days(1)), "spam").await.expect("ban");
    drop(tx);
    let untouched = store.user_credentials("eve@example.com").await.expect("read").expect("eve");
    assert_eq!((untouched.user.role, untouched.password_hash.as_str()), (Role::Reader, "not a hash"));
    assert!(untouched.totp_secret.is_none() && untouched.user.banned_until.is_none());
    assert!(store.session_user("eve-session", OffsetDateTime::now_utc()).await.expect("read").is_some());

    let mut tx = store.begin_write().await.expect("begin");
    tx.set_user_role(reader.id, Role::Editor, &[site.edition.id]).await.expect("role");
    tx.delete_user_sessions(reader.id).await.expect("sessions");
    tx.commit().await.expect("commit");
    let promoted = store.user_by_id(reader.id).await.expect("read").expect("eve");
    assert_eq!((promoted.role, promoted.edition_ids), (Role::Editor, vec![site.edition.id]));
    assert!(store.session_user("eve-session", OffsetDateTime::now_utc()).await.expect("read").is_none());
}

crate::on_both_backends!(an_account_from_signup_to_deletion);
crate::on_both_backends!(account_writes_share_the_action_transaction);
