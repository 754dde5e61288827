//! `JobStore`/`JobTx` and `LiveStore`/`LiveTx`: the job queue every node's
//! runner claims from, and the change log every node follows.

use dateline_store::{NewLiveEvent, PageChange, Store};
use time::{Duration, OffsetDateTime};

use crate::fixtures::site;

async fn jobs_run_once_and_the_change_log_is_followed(store: &dyn Store) {
    let site = site(store).await;
    let now = OffsetDateTime::now_utc();

    // Jobs: due ones in order, each claimed by one worker under a lease.
    let later = store.enqueue_job("send_mail", "later", now + Duration::hours(1)).await.expect("job");
    let first = store.enqueue_job("publish_article", "7", now - Duration::minutes(2)).await.expect("job");
    let second =
        store.enqueue_job("send_mail", "secret link", now - Duration::minutes(1)).await.expect("job");
    let lease = now + Duration::minutes(1);
    let claimed = store.claim_job("node-a", now, lease).await.expect("claim").expect("a due job");
    assert_eq!((claimed.id, claimed.kind.as_str(), claimed.attempts), (first, "publish_article", 1));
    let next = store.claim_job("node-b", now, lease).await.expect("claim").expect("the next");
    assert_eq!(next.id, second);
    assert!(store.claim_job("node-b", now, lease).await.expect("claim").is_none(), "the later one waits");
    store.complete_job(first, now).await.expect("done");
    store.clear_job_payload(second).await.expect("clear");
    store.fail_job(second, "421 try later", now).await.expect("fail");
    let again = store.claim_job("node-a", now, lease).await.expect("claim").expect("retried");
    assert_eq!((again.id, again.payload.as_str(), again.attempts), (second, "", 2));
    assert!(
        store
            .claim_job("node-a", now + Duration::minutes(2), lease)
            .await
            .expect("claim")
            .is_some_and(|j| j.id == second),
        "a lapsed lease frees the job"
    );
    store.cancel_jobs("send_mail", "later").await.expect("cancel");
    assert!(
        store
            .claim_job("node-a", now + Duration::hours(2), now + Duration::hours(3))
            .await
            .expect("claim")
            .is_some_and(|j| j.id == second),
        "the cancelled one never runs"
    );
    let _ = later;

    // Jobs written in a transaction exist only if it commits.
    let mut tx = store.begin_write().await.expect("begin");
    tx.enqueue_job("story_changed", "dropped", now).await.expect("job");
    drop(tx);
    let mut tx = store.begin_write().await.expect("begin");
    let kept = tx.enqueue_job("story_changed", "kept", now).await.expect("job");
    tx.cancel_jobs("publish_article", "nothing pending").await.expect("cancel");
    tx.commit().await.expect("commit");
    store.complete_job(second, now).await.expect("done");
    let outbox =
        store.claim_job("node-a", now + Duration::hours(3), now + Duration::hours(4)).await.expect("claim");
    assert_eq!(outbox.map(|j| (j.id, j.payload)), Some((kept, "kept".to_owned())));

    // The change log and the content version.
    let version = store.content_version().await.expect("version");
    let keys = |list: &[&str]| list.iter().map(|k| (*k).to_owned()).collect::<Vec<String>>();
    assert_eq!(store.record_page_change(&keys(&["site"])).await.expect("bump"), version + 1);
    let event = |kind: &str| NewLiveEvent {
        edition_id: site.edition.id,
        kind: kind.into(),
        section_id: Some(site.section.id),
        article_id: Some(site.article_id),
        breaking: true,
        data: "{}".into(),
    };
    let old = store.append_live_event(&event("published"), now - Duration::days(2)).await.expect("event");
    let mut tx = store.begin_write().await.expect("begin");
    tx.append_live_event(&event("dropped"), now).await.expect("event");
    tx.record_page_change(&keys(&["story:1"])).await.expect("bump");
    drop(tx);
    assert_eq!(store.content_version().await.expect("version"), version + 1, "a dropped bump is no bump");
    let mut tx = store.begin_write().await.expect("begin");
    let new = tx.append_live_event(&event("updated"), now).await.expect("event");
    assert_eq!(
        tx.record_page_change(&keys(&["story:2", "list:1", "", "two words"])).await.expect("bump"),
        version + 2
    );
    tx.commit().await.expect("commit");
    // The page changes, numbered by the version; a rolled-back one is not there.
    let changes = store.page_changes_after(version, 10).await.expect("changes");
    assert_eq!(
        changes,
        [
            PageChange { id: version + 1, keys: keys(&["site"]) },
            PageChange { id: version + 2, keys: keys(&["story:2", "list:1"]) },
        ],
        "keys that are empty or hold spaces are not recorded"
    );
    assert_eq!(store.page_changes_after(version + 1, 10).await.expect("changes").len(), 1);
    assert_eq!(store.page_changes_after(version, 1).await.expect("changes").len(), 1);
    assert_eq!(store.prune_page_changes(now - Duration::days(1)).await.expect("prune"), 0);
    assert_eq!(store.prune_page_changes(now + Duration::minutes(1)).await.expect("prune"), 2);
    assert!(store.page_changes_after(0, 10).await.expect("changes").is_empty());
    let after = store.live_events_after(0, 10).await.expect("events");
    assert_eq!(after.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), ["published", "updated"]);
    assert_eq!((after[1].id, after[1].breaking, after[1].article_id), (new.id, true, Some(site.article_id)));
    assert_eq!(store.live_events_after(old.id, 10).await.expect("events").len(), 1);
    let recent = store.recent_live_events(now - Duration::days(1), 10).await.expect("recent");
    assert_eq!(recent.iter().map(|e| e.id).collect::<Vec<_>>(), [new.id]);
    assert_eq!(store.prune_live_events(now - Duration::days(1)).await.expect("prune"), 1);
    assert_eq!(store.live_events_after(0, 10).await.expect("events").len(), 1);
    assert_eq!(store.live_wakeups().await.expect("wake-ups").is_some(), store.backend() == "postgres");
}

crate::on_both_backends!(jobs_run_once_and_the_change_log_is_followed);
