//! `ChatStore` and `ChatTx`: a room's life — opened, joined, talked in,
//! moderated, followed through its event log, pruned.

use dateline_store::{
    ArticleId, ChatMessageId, ChatRoomChanges, ChatRoomId, EditionId, NewChatMessage, NewChatRoom,
    NewChatSanction, SanctionKind, Store, StoreError, UserId,
};
use time::{Duration, OffsetDateTime};

use crate::fixtures::site;

fn room(edition_id: EditionId, slug: &str, article_id: Option<ArticleId>) -> NewChatRoom {
    NewChatRoom {
        edition_id,
        slug: slug.into(),
        title: format!("Room {slug}"),
        topic: "What happened".into(),
        article_id,
        members_only: false,
        retention_days: 30,
        created_by: None,
    }
}

fn message(
    room_id: ChatRoomId,
    user_id: UserId,
    reply_to: Option<ChatMessageId>,
    text: &str,
) -> NewChatMessage {
    NewChatMessage {
        room_id,
        user_id,
        reply_to,
        body: text.into(),
        html: format!("<p>{text}</p>"),
        client_address: "192.0.2.9".into(),
    }
}

async fn a_room_from_opening_to_pruning(store: &dyn Store) {
    let site = site(store).await;
    let (ann, ben, desk) = (site.ann.id, site.ben.id, site.editor.id);
    let now = OffsetDateTime::now_utc();

    // Rooms: opened, found, a taken address refused, changed.
    let lobby = store.create_chat_room(&room(site.edition.id, "lobby", None), now).await.expect("room");
    let story = store.create_chat_room(&room(site.edition.id, "harbour", Some(site.article_id)), now).await;
    let story = story.expect("story room");
    match store.create_chat_room(&room(site.edition.id, "lobby", None), now).await {
        Err(StoreError::Conflict(_)) => {}
        other => panic!("a taken room address is a Conflict, not {other:?}"),
    }
    assert_eq!(store.chat_room(lobby.id).await.expect("read").expect("lobby").title, "Room lobby");
    assert_eq!(
        store.chat_room_by_slug(site.edition.id, "harbour").await.expect("read").map(|r| r.id),
        Some(story.id)
    );
    assert!(store.chat_room_by_slug(site.edition.id, "nowhere").await.expect("read").is_none());
    let linked = store.chat_rooms_for_article(site.article_id).await.expect("rooms");
    assert_eq!(linked.iter().map(|r| r.id).collect::<Vec<_>>(), [story.id]);
    let changes = ChatRoomChanges {
        title: "Harbour, live".into(),
        topic: "The reopening".into(),
        article_id: Some(site.article_id),
        members_only: true,
        slow_mode_seconds: 10,
        retention_days: 7,
        closed_at: Some(now),
    };
    store.update_chat_room(story.id, &changes).await.expect("update");
    let changed = store.chat_room(story.id).await.expect("read").expect("room");
    assert_eq!((changed.members_only, changed.slow_mode_seconds, changed.is_open()), (true, 10, false));
    assert!(
        store.chat_rooms_for_article(site.article_id).await.expect("rooms").is_empty(),
        "closed rooms drop off"
    );
    let all = store.chat_rooms(Some(site.edition.id)).await.expect("rooms");
    assert_eq!(all.iter().map(|r| r.id).collect::<Vec<_>>(), [lobby.id, story.id], "open rooms first");
    assert!(
        store.chat_rooms(Some(EditionId::new(site.edition.id.get() + 100))).await.expect("rooms").is_empty()
    );

    // Members.
    store.add_chat_member(story.id, ann, now).await.expect("member");
    store.add_chat_member(story.id, ann, now).await.expect("twice is once");
    store.add_chat_member(story.id, ben, now).await.expect("member");
    assert!(store.is_chat_member(story.id, ann).await.expect("member"));
    store.remove_chat_member(story.id, ben).await.expect("remove");
    assert!(!store.is_chat_member(story.id, ben).await.expect("member"));
    let members = store.chat_members(story.id).await.expect("members");
    assert_eq!(
        members.iter().map(|m| (m.name.as_str(), m.email.as_str())).collect::<Vec<_>>(),
        [("Ann", "ann@example.com")]
    );

    // Messages, replies, edits, pins, deletions.
    let hello = store.add_chat_message(&message(lobby.id, ann, None, "Hello"), now).await.expect("message");
    assert_eq!((hello.author_name.as_str(), hello.author_staff), ("Ann", false));
    let answer = message(lobby.id, desk, Some(hello.id), "Welcome");
    let answer = store.add_chat_message(&answer, now + Duration::seconds(1)).await.expect("reply");
    assert!(answer.author_staff);
    assert_eq!(answer.reply.as_ref().map(|r| (r.id, r.author_name.as_str())), Some((hello.id, "Ann")));
    store.edit_chat_message(hello.id, "Hello all", "<p>Hello all</p>", now).await.expect("edit");
    let edited = store.chat_message(hello.id).await.expect("read").expect("message");
    assert_eq!((edited.body.as_str(), edited.edited_at.is_some()), ("Hello all", true));
    store.pin_chat_message(answer.id, Some(now)).await.expect("pin");
    let pinned = store.pinned_chat_messages(lobby.id).await.expect("pinned");
    assert_eq!(pinned.iter().map(|m| m.id).collect::<Vec<_>>(), [answer.id]);
    let newest = store.chat_messages_before(lobby.id, None, 10).await.expect("messages");
    assert_eq!(newest.iter().map(|m| m.id).collect::<Vec<_>>(), [answer.id, hello.id]);
    let older = store.chat_messages_before(lobby.id, Some(answer.id), 10).await.expect("messages");
    assert_eq!(older.iter().map(|m| m.id).collect::<Vec<_>>(), [hello.id]);
    let last = store.last_chat_message_at(lobby.id, ann).await.expect("last");
    assert_eq!(last.map(|at| at.unix_timestamp()), Some(now.unix_timestamp()));
    assert!(store.last_chat_message_at(lobby.id, ben).await.expect("last").is_none());

    // Reactions and reports.
    assert!(store.toggle_chat_reaction(hello.id, ben, "like", now).await.expect("on"));
    let counts = store.chat_reaction_counts(&[hello.id, answer.id]).await.expect("counts");
    assert_eq!(
        counts.iter().map(|c| (c.message_id, c.kind.as_str(), c.count)).collect::<Vec<_>>(),
        [(hello.id, "like", 1)]
    );
    assert!(!store.toggle_chat_reaction(hello.id, ben, "like", now).await.expect("off"));
    assert!(store.chat_reaction_counts(&[hello.id]).await.expect("counts").is_empty());
    assert!(store.chat_reaction_counts(&[]).await.expect("none").is_empty());
    store.report_chat_message(hello.id, ben, "spam", "an ad", now).await.expect("report");
    match store.report_chat_message(hello.id, ben, "abuse", "", now).await {
        Err(StoreError::Conflict(_)) => {}
        other => panic!("a second report by the same reader is a Conflict, not {other:?}"),
    }
    let reports = store.open_chat_reports(10).await.expect("reports");
    assert_eq!(
        reports
            .iter()
            .map(|r| (r.message.id, r.reporter_name.as_str(), r.reason.as_str()))
            .collect::<Vec<_>>(),
        [(hello.id, "Ben", "spam")]
    );
    store.resolve_chat_reports(hello.id, desk, now).await.expect("resolve");
    assert!(store.open_chat_reports(10).await.expect("reports").is_empty());
    store.delete_chat_message(hello.id, desk, now).await.expect("delete");
    let deleted = store.chat_message(hello.id).await.expect("read").expect("kept for the record");
    assert!(deleted.deleted_at.is_some());
    assert_eq!(
        store.chat_message(answer.id).await.expect("read").expect("reply").reply.map(|r| r.deleted),
        Some(true)
    );

    // Sanctions.
    let mute = NewChatSanction {
        user_id: ben,
        room_id: Some(lobby.id),
        kind: SanctionKind::Mute,
        until: Some(now + Duration::minutes(10)),
        reason: "flooding".into(),
        created_by: desk,
    };
    let mute_id = store.add_chat_sanction(&mute, now).await.expect("mute");
    let ban = NewChatSanction { kind: SanctionKind::Ban, room_id: None, until: None, ..mute.clone() };
    store.add_chat_sanction(&ban, now).await.expect("ban");
    let of_ben = store.active_chat_sanctions(Some(ben), now).await.expect("sanctions");
    assert_eq!(of_ben.len(), 2);
    assert_eq!(of_ben[1].user_name, "Ben");
    assert!(store.active_chat_sanctions(Some(ann), now).await.expect("sanctions").is_empty());
    assert_eq!(
        store.active_chat_sanctions(None, now + Duration::hours(1)).await.expect("later").len(),
        1,
        "the mute ended"
    );
    store.lift_chat_sanction(mute_id, now).await.expect("lift");
    assert_eq!(store.active_chat_sanctions(None, now).await.expect("sanctions")[0].kind, SanctionKind::Ban);

    // The event log every node follows.
    let (_, newest_before) = store.chat_event_bounds().await.expect("bounds");
    let first =
        store.append_chat_event(lobby.id, "message", "{}", now - Duration::days(2)).await.expect("event");
    let second = store.append_chat_event(story.id, "room", "{}", now).await.expect("event");
    assert!(first > newest_before && second > first);
    let after = store.chat_events_after(None, newest_before, 10).await.expect("events");
    assert_eq!(after.iter().map(|e| e.id).collect::<Vec<_>>(), [first, second]);
    let of_story = store.chat_events_after(Some(story.id), 0, 10).await.expect("events");
    assert_eq!(of_story.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), ["room"]);
    assert_eq!(store.prune_chat_events(now - Duration::days(1)).await.expect("prune"), 1);
    assert_eq!(store.chat_event_bounds().await.expect("bounds"), (Some(second), second));
    assert_eq!(store.prune_chat_events(now + Duration::days(1)).await.expect("prune"), 1);
    let emptied = if store.backend() == "postgres" { 0 } else { second };
    assert_eq!(store.chat_event_bounds().await.expect("bounds"), (None, emptied), "an empty log");
    assert_eq!(store.chat_wakeups().await.expect("wake-ups").is_some(), store.backend() == "postgres");

    // Presence and pruning.
    store
        .set_chat_presence(
            "node-a",
            &[(lobby.id, 3), (story.id, 0), (ChatRoomId::new(story.id.get() + 100), 2)],
            now,
        )
        .await
        .expect("presence");
    store.set_chat_presence("node-b", &[(lobby.id, 2)], now).await.expect("presence");
    assert_eq!(store.chat_presence(now - Duration::minutes(1)).await.expect("presence"), [(lobby.id, 5)]);
    assert!(store.chat_presence(now + Duration::minutes(1)).await.expect("presence").is_empty());
    assert_eq!(store.prune_chat_messages(lobby.id, now + Duration::seconds(1)).await.expect("prune"), 1);
    assert_eq!(store.chat_messages_before(lobby.id, None, 10).await.expect("messages").len(), 1);
}

async fn chat_writes_share_the_action_transaction(store: &dyn Store) {
    let site = site(store).await;
    let now = OffsetDateTime::now_utc();
    let (_, newest_before) = store.chat_event_bounds().await.expect("bounds");

    // Dropped: no room, no message, no event.
    let mut tx = store.begin_write().await.expect("begin");
    let dropped = tx.create_chat_room(&room(site.edition.id, "dropped", None), now).await.expect("room");
    tx.add_chat_message(&message(dropped.id, site.ann.id, None, "Gone"), now).await.expect("message");
    tx.append_chat_event(dropped.id, "message", "{}", now).await.expect("event");
    drop(tx);
    assert!(store.chat_room(dropped.id).await.expect("read").is_none());
    assert_eq!(store.chat_event_bounds().await.expect("bounds").1, newest_before);

    // Committed: all of it, the moderation included.
    let lobby = store.create_chat_room(&room(site.edition.id, "lobby", None), now).await.expect("room");
    let mut tx = store.begin_write().await.expect("begin");
    let changes = ChatRoomChanges {
        title: "Lobby".into(),
        topic: String::new(),
        article_id: None,
        members_only: true,
        slow_mode_seconds: 0,
        retention_days: 30,
        closed_at: None,
    };
    assert_eq!(tx.update_chat_room(lobby.id, &changes).await.expect("update").title, "Lobby");
    match tx.update_chat_room(ChatRoomId::new(lobby.id.get() + 100), &changes).await {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("a missing room is NotFound, not {other:?}"),
    }
    drop(tx);
    let mut tx = store.begin_write().await.expect("begin");
    tx.update_chat_room(lobby.id, &changes).await.expect("update");
    tx.add_chat_member(lobby.id, site.ann.id, now).await.expect("member");
    tx.add_chat_member(lobby.id, site.ben.id, now).await.expect("member");
    tx.remove_chat_member(lobby.id, site.ben.id).await.expect("remove");
    let said = tx.add_chat_message(&message(lobby.id, site.ann.id, None, "Hi"), now).await.expect("message");
    tx.edit_chat_message(said.id, "Hi all", "<p>Hi all</p>", now).await.expect("edit");
    assert_eq!(tx.chat_message(said.id).await.expect("read").expect("message").body, "Hi all");
    assert!(tx.toggle_chat_reaction(said.id, site.ben.id, "like", now).await.expect("react"));
    assert_eq!(tx.chat_reaction_counts(&[said.id]).await.expect("counts").len(), 1);
    tx.pin_chat_message(said.id, Some(now)).await.expect("pin");
    let sanction = NewChatSanction {
        user_id: site.ben.id,
        room_id: Some(lobby.id),
        kind: SanctionKind::Mute,
        until: Some(now + Duration::minutes(5)),
        reason: String::new(),
        created_by: site.editor.id,
    };
    let muted = tx.add_chat_sanction(&sanction, now).await.expect("mute");
    tx.lift_chat_sanction(muted, now).await.expect("lift");
    tx.resolve_chat_reports(said.id, site.editor.id, now).await.expect("resolve");
    tx.delete_chat_message(said.id, site.editor.id, now).await.expect("delete");
    let event = tx.append_chat_event(lobby.id, "deleted", "{}", now).await.expect("event");
    tx.commit().await.expect("commit");
    assert!(store.chat_room(lobby.id).await.expect("read").expect("lobby").members_only);
    assert!(store.is_chat_member(lobby.id, site.ann.id).await.expect("member"));
    assert!(!store.is_chat_member(lobby.id, site.ben.id).await.expect("member"));
    let said = store.chat_message(said.id).await.expect("read").expect("message");
    assert!(said.deleted_at.is_some() && said.pinned_at.is_none(), "a deletion unpins");
    assert!(store.active_chat_sanctions(Some(site.ben.id), now).await.expect("sanctions").is_empty());
    assert_eq!(store.chat_event_bounds().await.expect("bounds").1, event);
}

crate::on_both_backends!(a_room_from_opening_to_pruning);
crate::on_both_backends!(chat_writes_share_the_action_transaction);
