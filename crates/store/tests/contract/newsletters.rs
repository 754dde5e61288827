//! `NewsletterStore` and `NewsletterTx`: a subscriber's life (double
//! opt-in, choices, leaving and coming back) and a send's ledger (never
//! twice, never skipped).

use dateline_store::{
    DeliveryOutcome, EditionId, NewSend, NewSubscriber, SendKind, Store, StoreError, SubscriberStatus,
    SubscriptionChoice,
};
use time::{Duration, OffsetDateTime};

use crate::fixtures::site;

fn subscriber(edition_id: EditionId, email: &str, confirm_hash: &str, now: OffsetDateTime) -> NewSubscriber {
    NewSubscriber {
        edition_id,
        email: email.into(),
        choice: SubscriptionChoice { daily: true, breaking: true, section_ids: Vec::new(), tags: Vec::new() },
        token: format!("dlm_{email}"),
        confirm_hash: confirm_hash.into(),
        confirm_expires_at: now + Duration::days(2),
        client_address: "198.51.100.4".into(),
    }
}

async fn a_subscriber_and_a_send_from_signup_to_delivery(store: &dyn Store) {
    let site = site(store).await;
    let edition = site.edition.id;
    let now = OffsetDateTime::now_utc();

    // Sign-ups: pending until confirmed; one per address and edition.
    let ines = store.create_subscriber(&subscriber(edition, "ines@example.com", "hash-1", now), now).await;
    let ines = ines.expect("subscriber");
    assert_eq!(ines.status, SubscriberStatus::Pending);
    match store.create_subscriber(&subscriber(edition, "ines@example.com", "hash-2", now), now).await {
        Err(StoreError::Conflict(_)) => {}
        other => panic!("a second sign-up of one address is a Conflict, not {other:?}"),
    }
    let jo = store.create_subscriber(&subscriber(edition, "jo@example.com", "hash-3", now), now).await;
    let jo = jo.expect("subscriber");
    assert_eq!(store.signups_from("198.51.100.4", now - Duration::hours(1)).await.expect("count"), 2);
    assert_eq!(store.signups_from("203.0.113.1", now - Duration::hours(1)).await.expect("count"), 0);
    let found = store.subscriber_by_email(edition, "ines@example.com").await.expect("read");
    assert_eq!(found.map(|s| s.id), Some(ines.id));
    assert_eq!(
        store.subscriber_by_token("dlm_jo@example.com").await.expect("read").map(|s| s.id),
        Some(jo.id)
    );
    let by_link = store.subscriber_by_confirmation("hash-1", now).await.expect("read");
    assert_eq!(by_link.map(|s| s.id), Some(ines.id));
    assert!(
        store.subscriber_by_confirmation("hash-1", now + Duration::days(3)).await.expect("read").is_none()
    );

    // A new link, the cooldown mark, the confirmation.
    let sport = SubscriptionChoice {
        daily: false,
        breaking: true,
        section_ids: vec![site.section.id],
        tags: vec!["Floods".into()],
    };
    store.renew_subscription(ines.id, &sport, "hash-4", now + Duration::days(2)).await.expect("renew");
    assert!(
        store.subscriber_by_confirmation("hash-1", now).await.expect("read").is_none(),
        "the old link is gone"
    );
    store.mark_subscriber_mailed(ines.id, now).await.expect("mark");
    let confirmed = store.confirm_subscriber("hash-4", now).await.expect("confirm").expect("the subscriber");
    assert_eq!((confirmed.status, confirmed.choice.clone()), (SubscriberStatus::Active, sport));
    assert!(confirmed.last_mailed_at.is_some());
    assert!(store.confirm_subscriber("hash-4", now).await.expect("confirm").is_none(), "a link works once");
    store.confirm_subscriber("hash-3", now).await.expect("confirm").expect("jo");

    // Choices, leaving and coming back.
    let daily =
        SubscriptionChoice { daily: true, breaking: false, section_ids: Vec::new(), tags: Vec::new() };
    store.set_subscription_choice(jo.id, &daily).await.expect("choice");
    assert!(store.set_subscribed(jo.id, false, now).await.expect("leave"));
    assert!(!store.set_subscribed(jo.id, false, now).await.expect("leave twice"), "already gone");
    let counts = store.newsletter_counts().await.expect("counts");
    assert_eq!(counts.len(), 1);
    let c = &counts[0];
    assert_eq!(
        (c.edition_id, c.active, c.pending, c.unsubscribed, c.daily, c.breaking),
        (edition, 1, 0, 1, 0, 1)
    );
    assert!(store.set_subscribed(jo.id, true, now).await.expect("back"));
    assert_eq!(
        store.subscriber_by_token("dlm_jo@example.com").await.expect("read").expect("jo").choice,
        daily
    );

    // A breaking send reaches the breaking subscribers, once.
    let breaking = NewSend {
        edition_id: edition,
        kind: SendKind::Breaking,
        key: site.article_id.to_string(),
        subject: "Breaking: the harbour reopens".into(),
        article_ids: vec![site.article_id],
        period: None,
        requested_by: None,
    };
    let send = store.create_send(&breaking, now).await.expect("send").expect("a new send");
    assert!(
        store.create_send(&breaking, now).await.expect("send").is_none(),
        "the same key never sends twice"
    );
    assert!(store.send_exists(edition, SendKind::Breaking, &breaking.key).await.expect("exists"));
    assert!(!store.send_exists(edition, SendKind::Digest, &breaking.key).await.expect("exists"));
    let read = store.newsletter_send(send).await.expect("read").expect("the send");
    assert_eq!((read.kind, read.article_ids.clone()), (SendKind::Breaking, vec![site.article_id]));
    let digest = NewSend {
        kind: SendKind::Digest,
        key: "2026-12-07".into(),
        subject: "Today".into(),
        period: Some((now - Duration::days(1), now)),
        ..breaking.clone()
    };
    let digest = store.create_send(&digest, now).await.expect("digest").expect("a new send");
    assert_eq!(
        store.last_digest_end(edition).await.expect("end").map(|t| t.unix_timestamp()),
        Some(now.unix_timestamp())
    );

    // The ledger: claimed under a lease, finished one way or another.
    let lease = now + Duration::minutes(1);
    let claimed = store.claim_deliveries(now, lease, 10).await.expect("claim");
    let mut mine: Vec<_> =
        claimed.iter().map(|d| (d.send_id, d.subscriber.email.clone(), d.attempts)).collect();
    mine.sort();
    assert_eq!(mine, [(send, "ines@example.com".to_owned(), 1), (digest, "jo@example.com".to_owned(), 1)]);
    assert!(store.claim_deliveries(now, lease, 10).await.expect("claim").is_empty(), "leased rows wait");
    for delivery in &claimed {
        let outcome = if delivery.send_id == send {
            DeliveryOutcome::Sent
        } else {
            DeliveryOutcome::Retry { at: now, error: "421 try later".into() }
        };
        store.finish_delivery(delivery.id, &outcome, now).await.expect("finish");
    }
    let again = store.claim_deliveries(now, lease, 10).await.expect("claim");
    assert_eq!(again.iter().map(|d| (d.send_id, d.attempts)).collect::<Vec<_>>(), [(digest, 2)]);
    store.finish_delivery(again[0].id, &DeliveryOutcome::Released, now).await.expect("release");
    let third = store.claim_deliveries(now, lease, 10).await.expect("claim");
    assert_eq!(third[0].attempts, 2, "a released row keeps its count");
    store
        .finish_delivery(third[0].id, &DeliveryOutcome::Failed { error: "550 no such user".into() }, now)
        .await
        .expect("fail");
    let history = store.send_history(10).await.expect("history");
    let summary = |id| history.iter().find(|h| h.send.id == id).expect("in the history");
    assert_eq!((summary(send).sent, summary(send).waiting, summary(send).failed), (1, 0, 0));
    assert_eq!((summary(digest).failed, summary(digest).last_error.as_str()), (1, "550 no such user"));
    assert!(summary(digest).period_to.is_some());
    assert!(store.claim_deliveries(now + Duration::hours(1), lease, 10).await.expect("claim").is_empty());

    // What the sender looks up.
    let hour_ago = now - Duration::hours(2);
    let ids = store.published_ids_between(edition, hour_ago, now, 10).await.expect("ids");
    assert_eq!(ids, [site.article_id]);
    assert!(
        store
            .published_ids_between(edition, now - Duration::minutes(5), now, 10)
            .await
            .expect("ids")
            .is_empty()
    );
    let breaking_news = store.breaking_published_since(hour_ago).await.expect("breaking");
    assert_eq!(breaking_news, [(site.article_id, edition)]);
}

async fn a_signup_shares_the_action_transaction(store: &dyn Store) {
    let site = site(store).await;
    let now = OffsetDateTime::now_utc();

    let mut tx = store.begin_write().await.expect("begin");
    let dropped =
        tx.create_subscriber(&subscriber(site.edition.id, "ines@example.com", "h1", now), now).await;
    tx.mark_subscriber_mailed(dropped.expect("subscriber").id, now).await.expect("mark");
    tx.enqueue_job("send_mail", "{}", now).await.expect("mail");
    drop(tx);
    assert!(store.subscriber_by_email(site.edition.id, "ines@example.com").await.expect("read").is_none());

    let mut tx = store.begin_write().await.expect("begin");
    let kept = tx.create_subscriber(&subscriber(site.edition.id, "ines@example.com", "h2", now), now).await;
    let kept = kept.expect("subscriber");
    let choice = SubscriptionChoice { daily: false, breaking: true, ..SubscriptionChoice::default() };
    tx.renew_subscription(kept.id, &choice, "h3", now + Duration::days(1)).await.expect("renew");
    tx.mark_subscriber_mailed(kept.id, now).await.expect("mark");
    tx.commit().await.expect("commit");
    let kept = store.subscriber_by_confirmation("h3", now).await.expect("read").expect("kept");
    assert_eq!((kept.choice, kept.last_mailed_at.is_some()), (choice, true));
}

crate::on_both_backends!(a_subscriber_and_a_send_from_signup_to_delivery);
crate::on_both_backends!(a_signup_shares_the_action_transaction);
