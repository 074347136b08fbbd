//! Polls against a real Synapse: votes clicked in clients (stable and
//! unstable forms), some while the bot is stopped, all counted at closing;
//! the end event and the results message; a deadline that passes while the
//! bot is down closes the poll right after restart, once.
#![recursion_limit = "256"]

mod support;

use std::time::Duration;

use matrix_sdk::Room;
use matrix_sdk::ruma::OwnedEventId;
use serde_json::{Value, json};
use support::{
    Bot, Person, TIMEOUT, body, bot_events, count_messages, homeserver, room_events,
    room_events_with_encryption, wait_for_event,
};

fn body_starts(prefix: &'static str) -> impl Fn(&Value) -> bool {
    body(move |text| text.starts_with(prefix))
}

/// Votes in `room` as whoever the room's client belongs to.
async fn vote(room: &Room, start: &str, answer: &str, stable: bool) {
    let (event_type, content) = if stable {
        (
            "m.poll.response",
            json!({"m.selections": [answer], "m.relates_to": {"rel_type": "m.reference", "event_id": start}}),
        )
    } else {
        (
            "org.matrix.msc3381.poll.response",
            json!({"org.matrix.msc3381.poll.response": {"answers": [answer]},
                   "m.relates_to": {"rel_type": "m.reference", "event_id": start}}),
        )
    };
    room.send_raw(event_type, content).await.unwrap();
}

/// Camille's room with the bot, and Lou and Zoé in it.
async fn poll_room() -> (Person, Person, Person, Bot, Room) {
    let server = homeserver();
    let camille = Person::new_on(server, "camille").await;
    let lou = Person::new_on(server, "lou").await;
    let zoe = Person::new_on(server, "zoe").await;
    let mut bot = Bot::new_on(server).await;
    let room = camille.create_room(false, &bot.user_id).await;
    bot.configure(&room, &camille.user_id);
    bot.start(None);
    camille.wait_for_join(&room, &bot.user_id).await;
    for person in [&lou, &zoe] {
        room.invite_user_by_id(&person.user_id).await.unwrap();
        person.accept_invite(room.room_id()).await;
    }
    (camille, lou, zoe, bot, room)
}

#[tokio::test(flavor = "multi_thread")]
async fn votes_clicked_in_both_forms_even_while_the_bot_is_down_are_all_counted() {
    let (camille, lou, zoe, mut bot, room) = poll_room().await;
    camille
        .send(&room, "!sondage Quel thème ?\nSanté\nLogement\nÉnergie")
        .await;
    let start = wait_for_event(&room, &bot, "org.matrix.msc3381.poll.start", |_| true).await;
    let start_id = start["event_id"].as_str().unwrap().to_owned();
    assert_eq!(
        start["content"]["org.matrix.msc3381.poll.start"]["answers"][1]["org.matrix.msc1767.text"],
        "Logement"
    );
    let lou_room = lou.client.get_room(room.room_id()).unwrap();
    let zoe_room = zoe.client.get_room(room.room_id()).unwrap();
    vote(&lou_room, &start_id, "1", true).await;
    vote(&room, &start_id, "2", false).await;
    // The bot knows these two before it stops.
    camille.send(&room, "!resultats").await;
    let provisional = wait_for_event(
        &room,
        &bot,
        "m.room.message",
        body_starts("Résultats provisoires"),
    )
    .await;
    assert!(
        provisional["content"]["body"]
            .as_str()
            .unwrap()
            .contains("(2 votants)"),
        "{provisional}"
    );

    bot.kill();
    vote(&zoe_room, &start_id, "2", true).await;
    vote(&lou_room, &start_id, "3", false).await; // Lou changes their mind
    bot.start(None);
    camille.send(&room, "!cloturer").await;

    let results = wait_for_event(
        &room,
        &bot,
        "m.room.message",
        body_starts("Résultats du sondage #1"),
    )
    .await;
    let body = results["content"]["body"].as_str().unwrap();
    assert!(body.contains("(3 votants)"), "{body}");
    assert!(body.contains("Santé : 0 voix"), "{body}");
    assert!(body.contains("Logement : 2 voix (67 %)"), "{body}");
    assert!(body.contains("Énergie : 1 voix (33 %)"), "{body}");
    assert!(body.contains("En tête : Logement"), "{body}");
    let end = wait_for_event(&room, &bot, "org.matrix.msc3381.poll.end", |_| true).await;
    assert_eq!(
        end["content"]["m.relates_to"]["event_id"],
        start_id.as_str()
    );
    assert_eq!(end["content"]["m.relates_to"]["rel_type"], "m.reference");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deadline_passing_while_the_bot_is_down_closes_the_poll_once_after_restart() {
    let (camille, lou, _zoe, mut bot, room) = poll_room().await;
    camille
        .send(
            &room,
            "!sondage On se voit quand ? | Mardi | Jeudi --jusqu'au dans 20 secondes",
        )
        .await;
    let start = wait_for_event(&room, &bot, "org.matrix.msc3381.poll.start", |_| true).await;
    let start_id = start["event_id"].as_str().unwrap().to_owned();
    let lou_room = lou.client.get_room(room.room_id()).unwrap();
    vote(&lou_room, &start_id, "2", true).await;
    bot.kill();
    tokio::time::sleep(Duration::from_secs(22)).await;
    bot.start(None);
    let results = wait_for_event(
        &room,
        &bot,
        "m.room.message",
        body_starts("Résultats du sondage #1"),
    )
    .await;
    assert!(
        results["content"]["body"]
            .as_str()
            .unwrap()
            .contains("Jeudi : 1 voix (100 %)"),
        "{results}"
    );
    wait_for_event(&room, &bot, "org.matrix.msc3381.poll.end", |_| true).await;
    // Another restart does not close it again.
    bot.kill();
    bot.start(None);
    camille.send(&room, "!aide").await;
    wait_for_event(
        &room,
        &bot,
        "m.room.message",
        body_starts("Commandes disponibles"),
    )
    .await;
    assert_eq!(count_messages(&room, &bot, "Résultats du sondage").await, 1);
    assert_eq!(
        bot_events(&room, &bot, "org.matrix.msc3381.poll.end", |_| true)
            .await
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_ballot_is_voted_in_direct_chats_and_counted_at_closing() {
    let (camille, lou, zoe, bot, room) = poll_room().await;
    camille
        .send(
            &room,
            "!scrutin Pour ou contre ? | Pour | Contre --quorum 2",
        )
        .await;
    // The electorate is the room's members, listed by the bot: three people.
    let announced = wait_for_event(
        &room,
        &bot,
        "m.room.message",
        body_starts("Scrutin secret #1"),
    )
    .await;
    assert!(
        announced["content"]["body"]
            .as_str()
            .unwrap()
            .contains("3 personnes peuvent voter"),
        "{announced}"
    );
    // What would name a voter in the logs: their id, their direct chat's,
    // their vote's.
    let mut names = Vec::new();
    // A vote in a direct chat that is not encrypted would leave the choice
    // readable on the homeserver: not counted, and erased.
    let clear = zoe.create_clear_direct_chat(&bot.user_id).await;
    zoe.wait_for_join(&clear, &bot.user_id).await;
    let vote = zoe.send(&clear, "!voter 1 Pour").await;
    names.extend([clear.room_id().to_string(), vote.to_string()]);
    let refusal = wait_for_event(
        &clear,
        &bot,
        "m.room.message",
        body_starts("Vote non compté"),
    )
    .await;
    assert!(
        refusal["content"]["body"]
            .as_str()
            .unwrap()
            .contains("J'ai effacé votre message"),
        "{refusal}"
    );
    wait_until_redacted(&clear, &vote, &bot).await;
    for (person, choice) in [(&lou, "Contre"), (&zoe, "contre"), (&camille, "1")] {
        let direct = person.create_direct_chat(&bot.user_id).await;
        person.wait_for_join(&direct, &bot.user_id).await;
        let vote = if person.user_id == lou.user_id {
            // Lou mistypes, then corrects the message by editing it: the
            // typo and the edit each hold a choice, and both are erased;
            // the refusal does not repeat the typo.
            let typo = person.send(&direct, "!voter 1 Contrre").await;
            let refusal = wait_for_event(
                &direct,
                &bot,
                "m.room.message",
                body_starts("Ce choix n'est pas une des réponses"),
            )
            .await;
            let refused = refusal["content"]["body"].as_str().unwrap();
            assert!(!refused.contains("Contrre"), "{refused}");
            assert!(refused.contains("J'ai effacé votre message"), "{refused}");
            wait_until_redacted(&direct, &typo, &bot).await;
            names.push(typo.to_string());
            person.edit(&direct, &typo, "!voter 1 Contre").await
        } else {
            person.send(&direct, &format!("!voter 1 {choice}")).await
        };
        names.extend([
            person.user_id.to_string(),
            direct.room_id().to_string(),
            vote.to_string(),
        ]);
        let receipt = wait_for_event(
            &direct,
            &bot,
            "m.room.message",
            body_starts("Votre bulletin"),
        )
        .await;
        assert!(
            !receipt["content"]["body"]
                .as_str()
                .unwrap()
                .contains("Contre"),
            "the receipt repeats no choice"
        );
        assert!(
            receipt["content"]["body"]
                .as_str()
                .unwrap()
                .contains("j'efface votre message du serveur"),
            "{receipt}"
        );
        // The vote came encrypted, and no client can read it any more: the
        // homeserver hands out the event without its content.
        let events = room_events_with_encryption(&direct).await;
        assert!(
            events
                .iter()
                .any(|(event, encrypted)| event["event_id"] == vote.as_str()
                    && (*encrypted || event["type"] == "m.room.encrypted")),
            "the vote was sent encrypted"
        );
        wait_until_redacted(&direct, &vote, &bot).await;
    }
    camille.send(&room, "!cloturer").await;
    let results = wait_for_event(
        &room,
        &bot,
        "m.room.message",
        body_starts("Résultats du scrutin secret #1"),
    )
    .await;
    let body = results["content"]["body"].as_str().unwrap();
    assert!(body.contains("Contre : 2 voix (67 %)"), "{body}");
    assert!(body.contains("Pour : 1 voix (33 %)"), "{body}");
    assert!(
        body.contains("3 bulletins sur 3 électeurs (100 %)"),
        "{body}"
    );
    assert!(body.contains("Quorum de 2 atteint"), "{body}");
    // The harness logs at every level (BOUCLE_LOG=trace): still, no line
    // names a voter, and no line holds a choice.
    let log = bot.log();
    assert!(log.contains("TRACE"), "the bot logged at trace level");
    assert!(
        log.contains("command handled"),
        "the votes were logged as commands"
    );
    for name in &names {
        assert!(!log.contains(name.as_str()), "{name} is in the log");
    }
    assert!(
        !log.contains("Contre") && !log.contains("!voter"),
        "a choice is in the log"
    );
}

/// Waits until `event_id` in `room`, as `/messages` gives it to a member,
/// is redacted: no content left.
async fn wait_until_redacted(room: &Room, event_id: &OwnedEventId, bot: &Bot) {
    let deadline = std::time::Instant::now() + TIMEOUT;
    loop {
        let events = room_events(room).await;
        let event = events
            .iter()
            .find(|event| event["event_id"] == event_id.as_str());
        if let Some(event) = event
            && event["unsigned"]["redacted_because"].is_object()
        {
            let content = event["content"]
                .as_object()
                .map_or(0, |content| content.len());
            assert_eq!(content, 0, "a redacted vote keeps no content: {event}");
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the vote {event_id} was not redacted: {event:?}\n{}",
            bot.log()
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}
