//! Meetings against a real Synapse: the announcement answered by reaction,
//! a reminder on time pinging those who come, and reminders that fell due
//! while the bot was stopped sent once, together, marked late, after restart.
#![recursion_limit = "256"]

mod support;

use std::time::{Duration, Instant};

use matrix_sdk::Room;
use serde_json::{Value, json};
use support::{Bot, Person, TIMEOUT, bot_events, count_messages, homeserver, wait_for_message};

async fn wait_for_bot_message(room: &Room, bot: &Bot, prefix: &str) -> Value {
    wait_for_message(room, bot, |body| body.starts_with(prefix)).await
}

/// Camille's group room with the bot, and Lou in it.
async fn meeting_room() -> (Person, Person, Bot, Room) {
    let server = homeserver();
    let camille = Person::new_on(server, "camille").await;
    let lou = Person::new_on(server, "lou").await;
    let mut bot = Bot::new_on(server).await;
    let room = camille.create_room(false, &bot.user_id).await;
    bot.configure(&room, &camille.user_id);
    bot.start(None);
    camille.wait_for_join(&room, &bot.user_id).await;
    room.invite_user_by_id(&lou.user_id).await.unwrap();
    lou.accept_invite(room.room_id()).await;
    (camille, lou, bot, room)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reaction_answers_and_the_reminder_pings_who_comes() {
    let (camille, lou, bot, room) = meeting_room().await;
    let lou_room = lou.client.get_room(room.room_id()).unwrap();
    // Lou asks to be reminded in the group's room rather than in private.
    lou.send(&lou_room, "!rappels salon").await;
    wait_for_bot_message(&room, &bot, "Vos rappels de réunion arrivent dans le salon").await;
    camille
        .send(&room, "!reunion dans 80 secondes | Local --rappels 1min")
        .await;
    let announcement = wait_for_bot_message(&room, &bot, "Réunion #1").await;
    lou_room
        .send_raw(
            "m.reaction",
            json!({"m.relates_to": {"rel_type": "m.annotation", "event_id": announcement["event_id"], "key": "✅"}}),
        )
        .await
        .unwrap();
    // The reaction counts as an answer.
    let deadline = Instant::now() + TIMEOUT;
    loop {
        camille.send(&room, "!participants").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let listed = bot_events(&room, &bot, "m.room.message", |event| {
            event["content"]["body"]
                .as_str()
                .is_some_and(|body| body.starts_with("Réunion #1,"))
        })
        .await;
        if listed.iter().any(|event| {
            event["content"]["body"].as_str().is_some_and(|body| {
                body.contains("Viennent (1)") && body.contains(lou.user_id.as_str())
            })
        }) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the reaction never counted\n{}",
            bot.log()
        );
    }
    let reminder = wait_for_bot_message(&room, &bot, "Rappel : réunion #1").await;
    assert_eq!(
        reminder["content"]["m.mentions"]["user_ids"],
        json!([lou.user_id.as_str()])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_typed_answer_is_acknowledged_with_a_reaction_not_a_message() {
    let (camille, lou, bot, room) = meeting_room().await;
    camille.send(&room, "!reunion jeudi 18h30 | Local").await;
    wait_for_bot_message(&room, &bot, "Réunion #1").await;
    let lou_room = lou.client.get_room(room.room_id()).unwrap();
    let typed = lou.send(&lou_room, "!participe").await;
    let reaction = support::wait_for_event(&room, &bot, "m.reaction", |event| {
        event["content"]["m.relates_to"]["event_id"] == typed.as_str()
    })
    .await;
    assert_eq!(reaction["content"]["m.relates_to"]["key"], "✅");
    assert_eq!(
        reaction["content"]["m.relates_to"]["rel_type"],
        "m.annotation"
    );
    // Counted, and no message answered it.
    camille.send(&room, "!participants").await;
    let listed = wait_for_bot_message(&room, &bot, "Réunion #1,").await;
    assert!(
        listed["content"]["body"]
            .as_str()
            .unwrap()
            .contains(lou.user_id.as_str()),
        "{listed}"
    );
    assert!(
        support::replies_to(&room, &bot.user_id, &typed)
            .await
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn reminders_due_while_the_bot_is_down_are_sent_once_together_marked_late() {
    let (camille, _lou, mut bot, room) = meeting_room().await;
    camille
        .send(&room, "!reunion dans 3 minutes | Local --rappels 2min")
        .await;
    wait_for_bot_message(&room, &bot, "Réunion #1").await;
    camille
        .send(&room, "!reunion dans 3 minutes | Mairie --rappels 2min")
        .await;
    wait_for_bot_message(&room, &bot, "Réunion #2").await;
    bot.kill();
    // The reminders fall due a minute after the announcements, while
    // stopped; the restart comes 40 s after that (late: more than 30 s),
    // 80 s before the meetings start.
    tokio::time::sleep(Duration::from_secs(100)).await;
    bot.start(None);
    let reminder = wait_for_bot_message(&room, &bot, "Rappel en retard : réunion #1").await;
    // Due together when the bot came back: one message for both.
    let body = reminder["content"]["body"].as_str().unwrap();
    assert!(body.contains("Rappel en retard : réunion #2"), "{body}");
    // Another restart does not send them again.
    bot.kill();
    bot.start(None);
    camille.send(&room, "!agenda").await;
    wait_for_bot_message(&room, &bot, "Les 2 prochaines réunions").await;
    assert_eq!(count_messages(&room, &bot, "Rappel").await, 1);
}

/// Issue 19, part 3: `!reunion` typed alone, as on a phone, is asked
/// question by question in the room; plain answers reach the bot (which
/// reads no other plain message there), and the meeting is made as if
/// typed in one line.
#[tokio::test(flavor = "multi_thread")]
async fn a_meeting_typed_alone_is_asked_question_by_question() {
    let (camille, lou, bot, room) = meeting_room().await;
    camille.send(&room, "!reunion").await;
    wait_for_bot_message(&room, &bot, "Nouvelle réunion").await;
    camille.send(&room, "jeudi 18h30").await;
    let noted = wait_for_bot_message(&room, &bot, "Noté : jeudi").await;
    assert!(body_of(&noted).contains("Où ?"), "{noted}");
    // Lou's plain message is no answer, and gets none.
    let lou_room = lou.client.get_room(room.room_id()).unwrap();
    let chatter = lou.send(&lou_room, "Salle des fêtes ?").await;
    camille.send(&room, "Local de l'association").await;
    let noted = wait_for_bot_message(&room, &bot, "Noté : « Local de l'association »").await;
    assert!(body_of(&noted).contains("Quel sujet ?"), "{noted}");
    camille.send(&room, "Préparer l'AG").await;
    let announced = wait_for_bot_message(&room, &bot, "Réunion #1").await;
    let text = body_of(&announced);
    assert!(text.contains("Local de l'association"), "{text}");
    assert!(text.contains("Préparer l'AG"), "{text}");
    assert!(
        support::replies_to(&room, &bot.user_id, &chatter)
            .await
            .is_empty()
    );
}

fn body_of(event: &Value) -> String {
    event["content"]["body"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}
