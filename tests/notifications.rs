//! Reaching people on their phones, against a real Synapse and its default
//! push rules: each kind of message that must reach someone is in that
//! person's `GET /notifications` (and kept by their client once decrypted),
//! nobody else's, and none says `@room`; replies, lists and room notices stay
//! quiet. What must happen in private, the bot opens the direct chat for.
#![recursion_limit = "256"]

mod support;

use matrix_sdk::Room;
use serde_json::{Value, json};
use support::{Bot, Person, assembly_rooms, body, homeserver, wait_for_event, wait_for_message};

fn id(event: &Value) -> String {
    event["event_id"].as_str().unwrap().to_owned()
}

/// A message that rings names exactly `people`, as an `m.text`, and never
/// the whole room.
fn assert_rings_naming(event: &Value, people: &[&Person]) {
    let content = &event["content"];
    assert_eq!(content["msgtype"], "m.text", "{event}");
    let named: Vec<&str> = people
        .iter()
        .map(|person| person.user_id.as_str())
        .collect();
    assert_eq!(
        content["m.mentions"],
        json!({ "user_ids": named }),
        "{event}"
    );
    assert!(!content["body"].as_str().unwrap().contains("@room"));
}

/// `event` in `room` rang each of `people`, and highlighted none of the
/// bot's messages for them: nobody was named.
async fn rang_naming_nobody(people: &[&Person], room: &Room, event: &Value, bot: &Bot) {
    for person in people {
        assert!(
            person.rings_for(&room_of(person, room), &id(event)).await,
            "{}",
            person.user_id
        );
        assert!(
            person
                .notified_by(bot)
                .await
                .iter()
                .all(|notified| !notified.highlight),
            "{}",
            person.user_id
        );
    }
}

/// A room of Camille's with the bot, and `others` in it.
async fn group_room(others: &[&Person], camille: &Person, bot: &mut Bot) -> Room {
    let room = camille.create_room(false, &bot.user_id).await;
    bot.configure(&room, &camille.user_id);
    bot.start(None);
    camille.wait_for_join(&room, &bot.user_id).await;
    for person in others {
        room.invite_user_by_id(&person.user_id).await.unwrap();
        person.accept_invite(room.room_id()).await;
    }
    room
}

/// An encrypted direct chat `person` opens with the bot, as Element does.
async fn direct_chat(person: &Person, bot: &Bot) -> Room {
    let direct = person.create_direct_chat(&bot.user_id).await;
    person.wait_for_join(&direct, &bot.user_id).await;
    person.wait_for_device(&bot.user_id).await;
    direct
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reminder_and_a_cancellation_ring_who_comes_and_nobody_else() {
    let server = homeserver();
    let camille = Person::new_on(server, "camille").await;
    let lou = Person::new_on(server, "lou").await;
    let mut bot = Bot::new_on(server).await;
    let room = group_room(&[&lou], &camille, &mut bot).await;
    let direct = direct_chat(&lou, &bot).await;
    camille
        .send(&room, "!reunion dans 80 secondes | Local --rappels 1min")
        .await;
    let announcement = wait_for_message(&room, &bot, |text| text.starts_with("Réunion #1")).await;
    room_of(&lou, &room)
        .send_raw(
            "m.reaction",
            json!({"m.relates_to": {"rel_type": "m.annotation", "event_id": announcement["event_id"], "key": "✅"}}),
        )
        .await
        .unwrap();
    // Lou comes and chose nothing: the reminder is a direct message that
    // rings, naming Lou.
    let reminder = wait_for_message(&direct, &bot, |text| {
        text.starts_with("Rappel : réunion #1")
    })
    .await;
    assert_rings_naming(&reminder, &[&lou]);
    assert!(lou.rings_for(&direct, &id(&reminder)).await, "{reminder}");
    // The announcement and the room's reminder are notices: quiet.
    let in_room =
        wait_for_message(&room, &bot, |text| text.starts_with("Rappel : réunion #1")).await;
    assert_eq!(in_room["content"]["msgtype"], "m.notice");
    assert!(!lou.rings_for(&room, &id(&announcement)).await);
    assert!(!lou.rings_for(&room, &id(&in_room)).await);

    // The meeting is cancelled: Lou's phone rings with it.
    camille.send(&room, "!annuler 1").await;
    let cancelled = wait_for_message(&direct, &bot, |text| {
        text.contains("#1") && text.contains("annulée")
    })
    .await;
    assert_rings_naming(&cancelled, &[&lou]);
    assert!(lou.rings_for(&direct, &id(&cancelled)).await, "{cancelled}");
    // Camille does not come: in the group's room, only the new meeting's
    // calendar file rang (a file is never a notice: it rings every
    // member, once per meeting); not the answers to her commands, not the
    // reminder, not the cancellation.
    let in_room: Vec<String> = support::room_events(&room)
        .await
        .iter()
        .filter_map(|event| event["event_id"].as_str().map(str::to_owned))
        .collect();
    let rang: Vec<_> = camille
        .notified_by(&bot)
        .await
        .into_iter()
        .filter(|notified| in_room.contains(&notified.event_id))
        .collect();
    assert_eq!(rang.len(), 1, "{rang:?}");
    assert!(rang[0].kind.contains("reunion-1.ics"), "{rang:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_answer_to_a_report_and_its_status_ring_its_author_only() {
    let lou = Person::new_on(homeserver(), "lou").await;
    let (camille, dora, mut bot, _hub, theme, deputy) = assembly_rooms("").await;
    bot.start(None);
    camille.wait_for_join(&theme, &bot.user_id).await;
    dora.wait_for_join(&deputy, &bot.user_id).await;
    theme.invite_user_by_id(&lou.user_id).await.unwrap();
    lou.accept_invite(theme.room_id()).await;
    let direct = direct_chat(&camille, &bot).await;
    camille
        .send(&theme, "!remontee Le bus de 7h15 ne passe plus à Kermaria")
        .await;
    let card = wait_for_message(&deputy, &bot, |text| text.starts_with("Remontée #1")).await;
    // A new card is for the team to read at its pace: no ring.
    assert!(!dora.rings_for(&deputy, &id(&card)).await);
    room_of(&dora, &deputy)
        .send_raw(
            "m.room.message",
            json!({
                "msgtype": "m.text",
                "body": "Question écrite déposée",
                "m.relates_to": {"m.in_reply_to": {"event_id": card["event_id"]}},
            }),
        )
        .await
        .unwrap();
    // In the theme room, a quiet reply; in Camille's direct chat, the ring.
    let in_room = wait_for_message(&theme, &bot, |text| {
        text.contains("Question écrite déposée")
    })
    .await;
    assert_eq!(in_room["content"]["msgtype"], "m.notice");
    let answer = wait_for_message(&direct, &bot, |text| {
        text.contains("Question écrite déposée")
    })
    .await;
    assert_rings_naming(&answer, &[&camille]);
    assert!(camille.rings_for(&direct, &id(&answer)).await, "{answer}");
    assert!(!camille.rings_for(&theme, &id(&in_room)).await);

    dora.send(&deputy, "!statut 1 traité").await;
    let status = wait_for_message(&direct, &bot, |text| {
        text.contains("maintenant « traitée »")
    })
    .await;
    assert_rings_naming(&status, &[&camille]);
    assert!(camille.rings_for(&direct, &id(&status)).await, "{status}");
    // Lou, in the theme room, and Dora, who answered, heard nothing ring.
    assert!(lou.notified_by(&bot).await.is_empty());
    assert!(dora.notified_by(&bot).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_announcement_rings_the_rooms_members_without_naming_anyone() {
    let lou = Person::new_on(homeserver(), "lou").await;
    let (camille, dora, mut bot, hub, _theme, deputy) = assembly_rooms("").await;
    bot.start(None);
    camille.wait_for_join(&hub, &bot.user_id).await;
    dora.wait_for_join(&deputy, &bot.user_id).await;
    hub.invite_user_by_id(&lou.user_id).await.unwrap();
    lou.accept_invite(hub.room_id()).await;
    dora.send(&deputy, "!annonce Le projet de loi arrive en séance mardi")
        .await;
    wait_for_message(&deputy, &bot, |text| {
        text.starts_with("Annonce envoyée dans 2 salons")
    })
    .await;
    let announced = wait_for_message(&hub, &bot, |text| text.contains("Le projet de loi")).await;
    assert_rings_naming(&announced, &[]);
    rang_naming_nobody(&[&camille, &lou], &hub, &announced, &bot).await;
    // The team's confirmation is a notice.
    assert!(dora.notified_by(&bot).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_ballot_opening_rings_its_electors_and_names_nobody() {
    let server = homeserver();
    let camille = Person::new_on(server, "camille").await;
    let lou = Person::new_on(server, "lou").await;
    let zoe = Person::new_on(server, "zoe").await;
    let outsider = Person::new_on(server, "yann").await;
    let mut bot = Bot::new_on(server).await;
    let room = group_room(&[&lou, &zoe], &camille, &mut bot).await;
    // Yann shares another room with the bot, not this one.
    let _elsewhere = direct_chat(&outsider, &bot).await;
    camille
        .send(&room, "!scrutin Pour ou contre ? | Pour | Contre")
        .await;
    let opened = wait_for_event(
        &room,
        &bot,
        "m.room.message",
        body(|text| text.starts_with("Scrutin secret #1")),
    )
    .await;
    // Naming every elector would let any member ping a whole room.
    assert_rings_naming(&opened, &[]);
    rang_naming_nobody(&[&camille, &lou, &zoe], &room, &opened, &bot).await;
    assert!(outsider.notified_by(&bot).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn my_data_asked_in_a_group_room_comes_in_a_direct_chat_the_bot_opens() {
    let server = homeserver();
    let camille = Person::new_on(server, "camille").await;
    let mut bot = Bot::new_on(server).await;
    let room = group_room(&[], &camille, &mut bot).await;
    // Something to keep: a reminder preference.
    camille.send(&room, "!rappels salon").await;
    wait_for_message(&room, &bot, |text| text.starts_with("Vos rappels")).await;
    camille.send(&room, "!mesdonnees").await;
    let said = wait_for_message(&room, &bot, |text| {
        text.starts_with("Je vous écris en privé")
    })
    .await;
    assert_eq!(said["content"]["msgtype"], "m.notice");
    let direct = camille.accept_invite_from(&bot.user_id).await;
    assert!(
        direct
            .latest_encryption_state()
            .await
            .unwrap()
            .is_encrypted(),
        "the bot's direct chat is encrypted"
    );
    let list = wait_for_message(&direct, &bot, |text| {
        text.starts_with("Ce que je garde sur vous")
    })
    .await;
    assert!(
        list["content"]["body"]
            .as_str()
            .unwrap()
            .contains("rappels"),
        "{list}"
    );
    let file = wait_for_event(&direct, &bot, "m.room.message", |event| {
        event["content"]["msgtype"] == "m.file"
    })
    .await;
    assert_eq!(file["content"]["body"], "mes-donnees-boucle.json");
    // Nothing of it in the group room, and the chat is reused next time.
    let in_room = support::room_events(&room).await;
    assert!(
        in_room
            .iter()
            .all(|event| event["content"]["msgtype"] != "m.file"
                && !event["content"]["body"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("Ce que je garde")),
        "the data stayed out of the room"
    );
    camille.send(&room, "!mesdonnees").await;
    let deadline = std::time::Instant::now() + support::TIMEOUT;
    while support::count_messages(&direct, &bot, "Ce que je garde sur vous").await < 2 {
        assert!(std::time::Instant::now() < deadline, "{}", bot.log());
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    let invites: Vec<String> = camille
        .client
        .invited_rooms()
        .iter()
        .filter(|room| !room.is_space())
        .map(|room| room.room_id().to_string())
        .collect();
    assert!(
        invites.is_empty(),
        "no second chat: {invites:?} besides {}\n{}",
        direct.room_id(),
        bot.log()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_vote_typed_in_the_open_is_not_counted_and_the_bot_offers_the_ballot_in_private() {
    let server = homeserver();
    let camille = Person::new_on(server, "camille").await;
    let lou = Person::new_on(server, "lou").await;
    let zoe = Person::new_on(server, "zoe").await;
    let mut bot = Bot::new_on(server).await;
    let room = group_room(&[&lou, &zoe], &camille, &mut bot).await;
    camille
        .send(&room, "!scrutin Pour ou contre ? | Pour | Contre")
        .await;
    wait_for_message(&room, &bot, |text| text.starts_with("Scrutin secret #1")).await;
    // Zoé types « !voter 1 », as the opening says: the ballot comes to her
    // in private, and she votes there.
    zoe.send(&room_of(&zoe, &room), "!voter 1").await;
    wait_for_message(&room, &bot, |text| {
        text.starts_with("Je vous écris en privé au sujet du scrutin #1")
    })
    .await;
    let zoe_direct = zoe.accept_invite_from(&bot.user_id).await;
    let offer = wait_for_message(&zoe_direct, &bot, |text| {
        text.starts_with("Scrutin secret #1")
    })
    .await;
    assert_rings_naming(&offer, &[&zoe]);
    zoe.send(&zoe_direct, "!voter 1 Pour").await;
    wait_for_message(&zoe_direct, &bot, |text| text.starts_with("Votre bulletin")).await;
    // Lou types a choice in the open: not counted, and offered in private.
    lou.send(&room_of(&lou, &room), "!voter 1 Pour").await;
    let refused = wait_for_message(&room, &bot, |text| text.starts_with("Vote non compté")).await;
    assert!(
        refused["content"]["body"]
            .as_str()
            .unwrap()
            .contains("Je vous écris en privé"),
        "{refused}"
    );
    let direct = lou.accept_invite_from(&bot.user_id).await;
    let offer = wait_for_message(&direct, &bot, |text| text.starts_with("Scrutin secret #1")).await;
    assert_rings_naming(&offer, &[&lou]);
    assert!(
        offer["content"]["body"]
            .as_str()
            .unwrap()
            .contains("Votez ici")
    );
    lou.send(&direct, "!voter 1 2").await;
    wait_for_message(&direct, &bot, |text| text.starts_with("Votre bulletin")).await;
    camille.send(&room, "!cloturer").await;
    let results = wait_for_message(&room, &bot, |text| {
        text.starts_with("Résultats du scrutin secret #1")
    })
    .await;
    // Two ballots: each voter would read the other's choice in the count,
    // so it is not published.
    let body = results["content"]["body"].as_str().unwrap();
    assert!(body.contains("Trop peu de bulletins"), "{body}");
    assert!(!body.contains("voix"), "{body}");
    assert!(
        body.contains("2 bulletins sur 3 électeurs (67 %)"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_bot_has_a_name_and_a_picture_set_once() {
    let server = homeserver();
    let camille = Person::new_on(server, "camille").await;
    let mut bot = Bot::new_on(server).await;
    let _room = group_room(&[], &camille, &mut bot).await;
    let bot_id = bot.user_id.clone();
    let face = || async {
        let profile = camille
            .client
            .account()
            .fetch_user_profile_of(&bot_id)
            .await
            .unwrap();
        let name = profile
            .get("displayname")
            .and_then(|v| v.as_str().map(str::to_owned));
        let avatar = profile
            .get("avatar_url")
            .and_then(|v| v.as_str().map(str::to_owned));
        (name, avatar)
    };
    let deadline = std::time::Instant::now() + support::TIMEOUT;
    let avatar = loop {
        if let (Some(name), Some(avatar)) = face().await
            && name == "boucle"
        {
            break avatar;
        }
        assert!(std::time::Instant::now() < deadline, "{}", bot.log());
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    };
    // The picture is the one shipped with boucle.
    use matrix_sdk::media::{MediaFormat, MediaRequestParameters};
    use matrix_sdk::ruma::events::room::MediaSource;
    let picture = camille
        .client
        .media()
        .get_media_content(
            &MediaRequestParameters {
                source: MediaSource::Plain(avatar.as_str().into()),
                format: MediaFormat::File,
            },
            false,
        )
        .await
        .unwrap();
    assert_eq!(picture, include_bytes!("../assets/avatar.png"));
    // Started again, the bot uploads nothing new.
    let checked = |log: String| log.matches("name and picture up to date").count();
    assert_eq!(checked(bot.log()), 1);
    assert_eq!(bot.log().matches("avatar set").count(), 1);
    bot.kill();
    bot.start(None);
    while checked(bot.log()) < 2 {
        assert!(std::time::Instant::now() < deadline, "{}", bot.log());
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    assert_eq!(bot.log().matches("avatar set").count(), 1, "no new upload");
    assert_eq!(face().await.1.as_deref(), Some(avatar.as_str()));
}

/// `room` as `person`'s client knows it.
fn room_of(person: &Person, room: &Room) -> Room {
    person.client.get_room(room.room_id()).unwrap()
}

/// Issue 18: anyone on the federation may open a room with the bot and a
/// person, flagged direct, and leave. If the room stays open to anyone, they
/// could come back once the bot writes a ballot or a person's data there:
/// such a room is never taken for the person's direct chat.
#[tokio::test(flavor = "multi_thread")]
async fn a_room_anyone_may_join_is_never_taken_for_a_direct_chat() {
    let server = homeserver();
    let camille = Person::new_on(server, "camille").await;
    let mallory = Person::new_on(server, "mallory").await;
    let mut bot = Bot::new_on(server).await;
    let room = group_room(&[], &camille, &mut bot).await;
    let trap = mallory.create_open_direct_chat(&bot.user_id).await;
    mallory.wait_for_join(&trap, &bot.user_id).await;
    trap.invite_user_by_id(&camille.user_id).await.unwrap();
    let trap_seen_by_camille = camille.accept_invite(trap.room_id()).await;
    trap.leave().await.unwrap();
    // Once the bot has seen Mallory leave (it answers what Camille writes
    // there afterwards), the room holds only the bot and Camille.
    let asked = camille.send(&trap_seen_by_camille, "!aide").await;
    support::wait_for_replies(
        &trap_seen_by_camille,
        &bot.user_id,
        std::slice::from_ref(&asked),
    )
    .await;
    // Something kept, so that there is data to write in private.
    camille.send(&room, "!rappels salon").await;
    wait_for_message(&room, &bot, |text| text.starts_with("Vos rappels")).await;
    camille.send(&room, "!mesdonnees").await;
    wait_for_message(&room, &bot, |text| {
        text.starts_with("Je vous écris en privé")
    })
    .await;
    let direct = camille.accept_invite_from(&bot.user_id).await;
    assert_ne!(direct.room_id(), trap.room_id());
    wait_for_message(&direct, &bot, |text| {
        text.starts_with("Ce que je garde sur vous")
    })
    .await;
    let in_trap = support::room_events(&trap_seen_by_camille).await;
    assert!(
        in_trap
            .iter()
            .filter(|event| event["sender"] == bot.user_id.as_str())
            .all(|event| event["content"]["msgtype"] != "m.file"
                && !event["content"]["body"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("Ce que je garde")),
        "the data went into the room anyone may join: {in_trap:?}"
    );
}
