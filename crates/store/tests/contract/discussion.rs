//! `DiscussionStore` and `DiscussionTx`: a discussion's life, from the
//! first comment to the moderator's decision and a reader's data export.

use dateline_core::{CommentSort, CommentStatus, Reaction, ReportReason};
use dateline_store::{ArticleId, CommentId, NewComment, QueueView, Store, StoreError, ThreadQuery, UserId};
use time::{Duration, OffsetDateTime};

use crate::fixtures::site;

fn comment(
    article_id: ArticleId,
    user_id: UserId,
    parent_id: Option<CommentId>,
    text: &str,
    status: CommentStatus,
) -> NewComment {
    NewComment {
        article_id,
        parent_id,
        user_id,
        body: text.into(),
        html: format!("<p>{text}</p>"),
        status,
        held_reason: if status == CommentStatus::Pending { "new account".into() } else { String::new() },
        client_address: "192.0.2.7".into(),
    }
}

async fn count_of(store: &dyn Store, article_id: ArticleId) -> i64 {
    store.article_by_id(article_id).await.expect("read").expect("the story").card.comment_count
}

async fn a_discussion_from_first_comment_to_decision(store: &dyn Store) {
    let site = site(store).await;
    let (article, ann, ben) = (site.article_id, site.ann.id, site.ben.id);
    let now = OffsetDateTime::now_utc();

    // Comments and replies; a reply joins its parent's thread.
    let first = store.add_comment(&comment(article, ann, None, "First", CommentStatus::Approved), now).await;
    let first = first.expect("first comment");
    assert_eq!((first.root_id, first.author_name.as_deref()), (None, Some("Ann")));
    let reply = comment(article, ben, Some(first.id), "A reply", CommentStatus::Approved);
    let reply = store.add_comment(&reply, now).await.expect("reply");
    assert_eq!((reply.root_id, reply.parent_author.as_deref()), (Some(first.id), Some("Ann")));
    let second = comment(article, ben, None, "Second thread", CommentStatus::Approved);
    let second = store.add_comment(&second, now + Duration::seconds(1)).await.expect("second");
    let held = comment(article, ann, None, "Held for review", CommentStatus::Pending);
    let held = store.add_comment(&held, now + Duration::seconds(2)).await.expect("held");
    assert_eq!(count_of(store, article).await, 3, "only approved comments count");
    assert_eq!(store.comment_by_id(held.id).await.expect("read").expect("held").held_reason, "new account");
    assert!(store.comment_by_id(CommentId::new(held.id.get() + 100)).await.expect("read").is_none());

    // Threads: the viewer's own pending one shows to them only.
    let threads =
        |viewer, sort| ThreadQuery { article_id: article, sort, after: None, limit: 10, viewer_id: viewer };
    let ids = |comments: Vec<dateline_store::Comment>| comments.into_iter().map(|c| c.id).collect::<Vec<_>>();
    let for_ben = store.comment_threads(&threads(Some(ben), CommentSort::Newest)).await.expect("threads");
    assert_eq!(ids(for_ben), [second.id, first.id]);
    let for_ann = store.comment_threads(&threads(Some(ann), CommentSort::Oldest)).await.expect("threads");
    assert_eq!(ids(for_ann), [first.id, second.id, held.id]);
    // Later pages start after a cursor, in each order.
    let cursor = |id: CommentId, reactions| Some(dateline_core::CommentCursor { reactions, id: id.get() });
    let after = |viewer, sort, from| ThreadQuery { after: from, ..threads(viewer, sort) };
    let page = store.comment_threads(&after(Some(ann), CommentSort::Oldest, cursor(first.id, 0))).await;
    assert_eq!(ids(page.expect("threads")), [second.id, held.id]);
    let page = store.comment_threads(&after(Some(ben), CommentSort::Newest, cursor(second.id, 0))).await;
    assert_eq!(ids(page.expect("threads")), [first.id]);
    let page = store.comment_threads(&after(None, CommentSort::Top, cursor(second.id, 0))).await;
    assert_eq!(ids(page.expect("threads")), [first.id], "same count: by id, newest first");
    let page = store.comment_threads(&after(None, CommentSort::Top, cursor(first.id, 0))).await;
    assert!(page.expect("threads").is_empty());
    let replies = store.comment_replies(&[first.id, second.id], None).await.expect("replies");
    assert_eq!(ids(replies), [reply.id]);
    assert!(store.comment_replies(&[], None).await.expect("none").is_empty());

    // Reactions: on, counted, off again; the top sort follows them.
    assert!(store.toggle_reaction(second.id, ann, Reaction::Insightful, now).await.expect("on"));
    let top = store.comment_threads(&threads(None, CommentSort::Top)).await.expect("threads");
    assert_eq!(ids(top)[0], second.id);
    let counts = store.comment_reactions(&[first.id, second.id], Some(ann)).await.expect("counts");
    assert_eq!(counts.len(), 1);
    assert_eq!(
        (counts[0].comment_id, counts[0].kind.as_str(), counts[0].count, counts[0].mine),
        (second.id, "insightful", 1, true)
    );
    let for_ben = store.comment_reactions(&[second.id], Some(ben)).await.expect("counts");
    assert!(!for_ben[0].mine);
    assert!(!store.toggle_reaction(second.id, ann, Reaction::Insightful, now).await.expect("off"));
    assert!(store.comment_reactions(&[second.id], None).await.expect("counts").is_empty());
    assert_eq!(store.comment_by_id(second.id).await.expect("read").expect("second").reaction_count, 0);

    // An edit that needs a look again takes the comment off the count.
    let later = now + Duration::minutes(1);
    store
        .edit_comment(second.id, "Edited", "<p>Edited</p>", CommentStatus::Pending, "banned words", later)
        .await
        .expect("edit");
    let edited = store.comment_by_id(second.id).await.expect("read").expect("edited");
    assert_eq!(
        (edited.body.as_str(), edited.status, edited.edited_at.is_some()),
        ("Edited", CommentStatus::Pending, true)
    );
    assert_eq!(count_of(store, article).await, 2);

    // Reports, the queue and a decision.
    store.report_comment(first.id, ben, ReportReason::Spam, "Looks like an ad", now).await.expect("report");
    match store.report_comment(first.id, ben, ReportReason::Abuse, "", now).await {
        Err(StoreError::Conflict(_)) => {}
        other => panic!("a second report by the same reader is a Conflict, not {other:?}"),
    }
    assert_eq!(store.moderation_counts().await.expect("counts"), (2, 1), "two held, one reported");
    let reported = store.moderation_queue(QueueView::Reported, 10).await.expect("queue");
    assert_eq!(reported.len(), 1);
    assert_eq!(reported[0].reports, [("spam".to_owned(), "Looks like an ad".to_owned())]);
    assert_eq!(reported[0].author_email.as_deref(), Some("ann@example.com"));
    assert_eq!(reported[0].article_slug.as_str(), "harbour-reopens");
    let pending = store.moderation_queue(QueueView::Pending, 10).await.expect("queue");
    assert_eq!(pending.iter().map(|q| q.comment.id).collect::<Vec<_>>(), [second.id, held.id]);
    assert_eq!(store.moderation_queue(QueueView::Recent, 10).await.expect("queue").len(), 2);
    let told = store.resolve_reports(first.id, "removed", later).await.expect("resolve");
    assert_eq!(told.len(), 1);
    assert_eq!((told[0].reporter_id, told[0].reporter_email.as_str()), (ben, "ben@example.com"));
    store
        .set_comment_status(first.id, CommentStatus::Rejected, Some(site.editor.id), later)
        .await
        .expect("reject");
    let rejected = store.moderation_queue(QueueView::Rejected, 10).await.expect("queue");
    assert_eq!(rejected.iter().map(|q| q.comment.id).collect::<Vec<_>>(), [first.id]);
    assert_eq!(store.moderation_counts().await.expect("counts"), (2, 0));
    assert_eq!(count_of(store, article).await, 1);

    // A reply to a removed comment is refused.
    match store
        .add_comment(&comment(article, ben, Some(first.id), "Too late", CommentStatus::Approved), later)
        .await
    {
        Err(StoreError::Conflict(_)) => {}
        other => panic!("a reply to a removed comment is a Conflict, not {other:?}"),
    }

    // What rate limits and the export read.
    assert_eq!(store.approved_comment_count(ben).await.expect("count"), 1);
    assert_eq!(store.approved_comment_count(ann).await.expect("count"), 0);
    // What the rules ask counts no further than they look.
    assert_eq!(store.approved_comments_up_to(ben, 5).await.expect("count"), 1);
    assert_eq!(store.approved_comments_up_to(ben, 1).await.expect("count"), 1);
    assert_eq!(store.approved_comments_up_to(ben, 0).await.expect("count"), 0);
    assert_eq!(store.approved_comments_up_to(ann, 5).await.expect("count"), 0);
    let recent =
        store.recent_comment_counts(ann, "192.0.2.7", now - Duration::minutes(5)).await.expect("recent");
    assert_eq!(recent, (2, 4));
    let exported = store.own_comments(ann).await.expect("export");
    assert_eq!(exported.iter().map(|c| c.id).collect::<Vec<_>>(), [first.id, held.id]);
    assert_eq!(exported[0].article_headline, "Headline of harbour-reopens");
    assert_eq!(exported[0].status, CommentStatus::Rejected);

    // The author's deletion blanks the text.
    store.set_comment_status(reply.id, CommentStatus::Deleted, None, later).await.expect("delete");
    let deleted = store.comment_by_id(reply.id).await.expect("read").expect("deleted");
    assert_eq!(
        (deleted.status, deleted.body.as_str(), deleted.html.as_str()),
        (CommentStatus::Deleted, "", "")
    );
    assert_eq!(count_of(store, article).await, 0);
}

async fn comment_writes_share_the_action_transaction(store: &dyn Store) {
    let site = site(store).await;
    let (article, ann) = (site.article_id, site.ann.id);
    let now = OffsetDateTime::now_utc();

    // Dropped: neither the comment nor the story's count.
    let mut tx = store.begin_write().await.expect("begin");
    let (added, count) = tx
        .add_comment(&comment(article, ann, None, "Dropped", CommentStatus::Approved), now)
        .await
        .expect("add");
    assert_eq!(count, 1, "the count as the transaction sees it");
    assert_eq!(tx.comment_by_id(added.id).await.expect("read").map(|c| c.id), Some(added.id));
    drop(tx);
    assert!(store.comment_by_id(added.id).await.expect("read").is_none());
    assert_eq!(count_of(store, article).await, 0);

    // Committed: every write together.
    let mut tx = store.begin_write().await.expect("begin");
    let (kept, _) = tx
        .add_comment(&comment(article, ann, None, "Kept", CommentStatus::Approved), now)
        .await
        .expect("add");
    let count = tx
        .edit_comment(kept.id, "Kept, edited", "<p>Kept, edited</p>", CommentStatus::Approved, "", now)
        .await
        .expect("edit");
    assert_eq!(count, Some(1));
    assert!(
        tx.edit_comment(CommentId::new(kept.id.get() + 100), "x", "x", CommentStatus::Approved, "", now)
            .await
            .expect("edit")
            .is_none()
    );
    assert!(tx.toggle_reaction(kept.id, site.ben.id, Reaction::Like, now).await.expect("react"));
    tx.commit().await.expect("commit");
    let kept = store.comment_by_id(kept.id).await.expect("read").expect("kept");
    assert_eq!((kept.body.as_str(), kept.reaction_count), ("Kept, edited", 1));
    assert_eq!(count_of(store, article).await, 1);

    // A decision with its reports, in one transaction.
    store.report_comment(kept.id, site.ben.id, ReportReason::OffTopic, "", now).await.expect("report");
    let mut tx = store.begin_write().await.expect("begin");
    let decided = tx.set_comment_status(kept.id, CommentStatus::Rejected, Some(site.editor.id), now).await;
    assert_eq!(decided.expect("decide"), Some((article, 0)));
    assert_eq!(tx.resolve_reports(kept.id, "removed", now).await.expect("resolve").len(), 1);
    assert!(
        tx.set_comment_status(CommentId::new(kept.id.get() + 100), CommentStatus::Rejected, None, now)
            .await
            .expect("none")
            .is_none()
    );
    drop(tx);
    assert_eq!(
        store.moderation_counts().await.expect("counts"),
        (0, 1),
        "the dropped decision left the report open"
    );
    assert_eq!(count_of(store, article).await, 1);
}

crate::on_both_backends!(a_discussion_from_first_comment_to_decision);
crate::on_both_backends!(comment_writes_share_the_action_transaction);
