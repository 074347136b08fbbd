#![recursion_limit = "256"]
//! boucle against a real Synapse, driven by a person's real Matrix client.
//!
//! These tests prove the foundation: answered in plain and encrypted rooms,
//! one device across restarts, nothing lost while stopped, nothing doubled
//! by a crash, user text escaped and nobody pinged.

mod support;

use std::time::Duration;

use matrix_sdk::Room;
use matrix_sdk::ruma::OwnedEventId;
use support::{Bot, Person, replies_to, wait_for_replies};

/// A person, a bot configured with the person's room as hub, running.
async fn setup(encrypted: bool) -> (Person, Bot, Room) {
    setup_with_failpoint(encrypted, None).await
}

/// The same, with the bot set to crash at `failpoint`.
async fn setup_with_failpoint(encrypted: bool, failpoint: Option<&str>) -> (Person, Bot, Room) {
    support::bot_in_new_room(support::homeserver(), encrypted, failpoint).await
}

fn body(reply: &serde_json::Value) -> &str {
    reply["body"].as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_is_answered_in_a_plain_room() {
    let (person, bot, room) = setup(false).await;
    let command = person.send(&room, "!aide").await;
    let replies = wait_for_replies(&room, &bot.user_id, std::slice::from_ref(&command)).await;
    assert_eq!(replies[0].len(), 1, "{}", bot.log());
    let reply = &replies[0][0];
    assert!(body(reply).contains("Commandes disponibles"), "{reply}");
    assert_eq!(reply["msgtype"], "m.notice");
    assert_eq!(reply["format"], "org.matrix.custom.html");
    assert_eq!(reply["m.mentions"], serde_json::json!({"user_ids": []}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_is_answered_in_an_encrypted_room() {
    let (person, bot, room) = setup(true).await;
    let command = person.send(&room, "!aide sondage").await;
    let replies = wait_for_replies(&room, &bot.user_id, &[command]).await;
    assert_eq!(replies[0].len(), 1, "{}", bot.log());
    assert!(
        body(&replies[0][0]).contains("!sondage (ou !poll)"),
        "{}",
        replies[0][0]
    );
    // The reply really travelled encrypted, and so did the command.
    let events = support::room_events_with_encryption(&room).await;
    let messages: Vec<_> = events
        .iter()
        .filter(|(event, _)| event["type"] == "m.room.message")
        .collect();
    assert!(messages.len() >= 2, "{events:?}");
    assert!(
        messages.iter().all(|(_, encrypted)| *encrypted),
        "{events:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_keeps_the_device_and_never_answers_twice() {
    let (person, mut bot, room) = setup(false).await;
    let first = person.send(&room, "!aide").await;
    wait_for_replies(&room, &bot.user_id, std::slice::from_ref(&first)).await;
    let device = bot.device_id();
    // Registration through the admin API makes a device of its own; what
    // matters is that restarting adds none.
    let devices_before = bot.server_devices().await;
    assert!(devices_before.contains(&device));

    bot.kill();
    bot.start(None);
    let second = person.send(&room, "!help").await;
    wait_for_replies(&room, &bot.user_id, std::slice::from_ref(&second)).await;

    assert_eq!(bot.device_id(), device, "same device after restart");
    assert_eq!(
        bot.server_devices().await,
        devices_before,
        "no new device per start"
    );
    assert_eq!(
        replies_to(&room, &bot.user_id, &first).await.len(),
        1,
        "old command not re-answered"
    );
    assert_eq!(replies_to(&room, &bot.user_id, &second).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_sent_while_stopped_are_answered_once_each_after_restart() {
    let (person, mut bot, room) = setup(false).await;
    let warm_up = person.send(&room, "!aide").await;
    wait_for_replies(&room, &bot.user_id, &[warm_up]).await;
    bot.kill();

    let mut commands = Vec::new();
    for index in 0..15 {
        // Some noise between commands, as in a real room.
        person
            .send(&room, &format!("message ordinaire {index}"))
            .await;
        commands.push(
            person
                .send(&room, if index % 2 == 0 { "!aide" } else { "!reunoin" })
                .await,
        );
    }
    bot.start(None);
    wait_for_replies(&room, &bot.user_id, &commands).await;
    // Give a duplicate every chance to appear before counting.
    tokio::time::sleep(Duration::from_secs(3)).await;
    for command in &commands {
        let replies = replies_to(&room, &bot.user_id, command).await;
        assert_eq!(
            replies.len(),
            1,
            "{command} answered {} times\n{}",
            replies.len(),
            bot.log()
        );
    }
}

/// Restarts a crashed bot and checks that `command` gets exactly one reply
/// (a duplicate would show within the 3 s after the first).
async fn restart_and_expect_one_reply(bot: &mut Bot, room: &Room, command: &OwnedEventId) {
    bot.start(None);
    wait_for_replies(room, &bot.user_id, std::slice::from_ref(command)).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        replies_to(room, &bot.user_id, command).await.len(),
        1,
        "{}",
        bot.log()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_deciding_and_sending_still_yields_exactly_one_reply() {
    let (person, mut bot, room) = setup_with_failpoint(false, Some("after-commit")).await;
    let command = person.send(&room, "!aide").await;
    bot.wait_for_exit().await;
    assert!(bot.log().contains("failpoint AfterCommit"), "{}", bot.log());
    assert_eq!(
        replies_to(&room, &bot.user_id, &command).await.len(),
        0,
        "nothing sent before the crash"
    );

    restart_and_expect_one_reply(&mut bot, &room, &command).await;
}

/// The SDK saves a sync response's position before boucle has handled its
/// events. Found by the bench's crash scenario: after a crash there, the
/// response asked for again came back empty and the command was never
/// answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_before_handling_a_synced_command_still_answers_it_once() {
    let (person, mut bot, room) = setup_with_failpoint(false, Some("before-handling")).await;
    let command = person.send(&room, "!aide").await;
    bot.wait_for_exit().await;
    assert!(
        bot.log().contains("failpoint BeforeHandling"),
        "{}",
        bot.log()
    );

    // Nothing else happens in the room: the homeserver gives the same
    // position again, the one the SDK saved before the crash.
    restart_and_expect_one_reply(&mut bot, &room, &command).await;
}

/// A bug met while deciding one command costs that command only: the
/// person is told, the next command is answered, the process stays up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_that_panics_gets_an_apology_and_the_next_one_is_answered() {
    let (person, mut bot, room) = setup_with_failpoint(false, Some("panic-in-core")).await;
    let command = person.send(&room, "!aide sondage").await;
    let replies = wait_for_replies(&room, &bot.user_id, std::slice::from_ref(&command)).await;
    assert!(
        body(&replies[0][0]).starts_with("Désolé"),
        "{}",
        replies[0][0]
    );
    let next = person.send(&room, "!aide").await;
    let replies = wait_for_replies(&room, &bot.user_id, std::slice::from_ref(&next)).await;
    assert!(
        body(&replies[0][0]).contains("Commandes disponibles"),
        "{}",
        bot.log()
    );
    assert!(bot.is_running(), "{}", bot.log());
    let log = bot.log();
    assert!(log.contains("handling failed"), "{log}");
    // The panic is logged with its place, never its message (which may
    // quote what someone typed).
    assert!(!log.contains("failpoint PanicInCore reached"), "{log}");
    // Recorded as handled: a restart does not try it (nor apologise) again.
    bot.kill();
    bot.start(None);
    let probe = person.send(&room, "!help").await;
    wait_for_replies(&room, &bot.user_id, std::slice::from_ref(&probe)).await;
    assert_eq!(replies_to(&room, &bot.user_id, &command).await.len(), 1);
}

/// A background task that dies must not leave a bot that syncs and records
/// commands while nothing is sent: the process ends with an error (systemd
/// restarts it), and the reply waiting in the outbox goes after the restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_background_task_that_dies_ends_the_process_with_an_error() {
    let (person, mut bot, room) = setup_with_failpoint(false, Some("panic-in-outbox")).await;
    let command = person.send(&room, "!aide").await;
    let status = bot.wait_for_exit().await;
    assert!(!status.success(), "{status:?}\n{}", bot.log());
    assert!(
        bot.log().contains("the outbox task failed"),
        "{}",
        bot.log()
    );
    restart_and_expect_one_reply(&mut bot, &room, &command).await;
}

/// Issue 17: accepted once, this repeat panicked the bot when it fell due.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeat_every_twenty_million_weeks_is_refused_and_the_bot_answers_on() {
    let (person, bot, room) = setup(false).await;
    let command = person
        .send(&room, "!reunion demain 18h --chaque 20000000 semaines")
        .await;
    let replies = wait_for_replies(&room, &bot.user_id, std::slice::from_ref(&command)).await;
    assert!(
        body(&replies[0][0]).contains("une fois par an"),
        "{}",
        replies[0][0]
    );
    // 15,000 characters that escape to 60,000 bytes: answered, and the
    // room is not blocked behind the answer.
    let huge = person
        .send(&room, &format!("!aide {}", "<".repeat(15_000)))
        .await;
    let next = person.send(&room, "!aide").await;
    let replies = wait_for_replies(&room, &bot.user_id, &[huge, next]).await;
    assert!(
        body(&replies[0][0]).contains("trop long"),
        "{}",
        replies[0][0]
    );
    assert!(body(&replies[1][0]).contains("Commandes disponibles"));
}

/// A message the homeserver refuses for good (here one written by an older
/// version, too large for any event) is set aside: the room's next reply
/// goes at once, and the admin is told in a direct chat.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_refused_for_good_is_set_aside_and_the_room_goes_on() {
    use boucle::store::records::{DeadLetter, OutboxEntry, OutboxItem, decode, encode, outbox_key};
    use boucle::store::{Batch, Store, Tree};
    let (person, mut bot, room) = setup(false).await;
    bot.kill();
    {
        let store =
            boucle::maintenance::open_state(&bot.data_dir(), &support::test_seal()).unwrap();
        let entry = OutboxEntry {
            room_id: room.room_id().to_string(),
            item: OutboxItem::Message {
                event_type: "m.room.message".into(),
                content: serde_json::json!({
                    "msgtype": "m.notice",
                    "body": "x".repeat(70_000),
                    "m.mentions": {},
                }),
                report: None,
            },
            created_at: chrono::Utc::now(),
        };
        let mut batch = Batch::default();
        batch.put(
            Tree::Outbox,
            outbox_key(room.room_id().as_str(), store.next_id().unwrap()),
            encode(&entry),
        );
        store.apply(batch).unwrap();
    }
    bot.start(None);
    let command = person.send(&room, "!aide").await;
    let replies = wait_for_replies(&room, &bot.user_id, std::slice::from_ref(&command)).await;
    assert!(body(&replies[0][0]).contains("Commandes disponibles"));
    let direct = person.accept_invite_from(&bot.user_id).await;
    let told = support::wait_for_message(&direct, &bot, |text| text.contains("trop grand")).await;
    assert!(body(&told["content"]).contains("mis de côté"), "{told}");
    bot.kill();
    let store = boucle::maintenance::open_state(&bot.data_dir(), &support::test_seal()).unwrap();
    let dead: Vec<DeadLetter> = store
        .scan_prefix(Tree::DeadLetters, b"")
        .unwrap()
        .iter()
        .map(|(_, value)| decode(value).unwrap())
        .collect();
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!(dead[0].reason, boucle::core::delivery::Refusal::TooLarge);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_after_sending_does_not_send_the_reply_again() {
    let (person, mut bot, room) = setup_with_failpoint(false, Some("after-send")).await;
    let command = person.send(&room, "!aide").await;
    bot.wait_for_exit().await;
    assert_eq!(
        replies_to(&room, &bot.user_id, &command).await.len(),
        1,
        "sent before the crash"
    );

    // The outbox still holds the message; the restart sends it again with the
    // same transaction id, which the homeserver recognises.
    bot.start(None);
    let probe = person.send(&room, "!help").await;
    wait_for_replies(&room, &bot.user_id, &[probe]).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        replies_to(&room, &bot.user_id, &command).await.len(),
        1,
        "{}",
        bot.log()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_text_comes_back_escaped_and_pings_nobody() {
    let (person, bot, room) = setup(false).await;
    let command = person
        .send(
            &room,
            "!aide <b>gras</b> <a href=\"javascript:alert(1)\">lien</a> @room",
        )
        .await;
    let replies = wait_for_replies(&room, &bot.user_id, &[command]).await;
    let reply = &replies[0][0];
    let html = reply["formatted_body"].as_str().unwrap();
    assert!(!html.contains("<b>") && !html.contains("<a "), "{html}");
    assert!(html.contains("&lt;b&gt;gras&lt;/b&gt;"), "{html}");
    assert!(
        html.contains("&lt;a href=&quot;javascript:alert(1)&quot;&gt;"),
        "{html}"
    );
    assert!(
        !body(reply).contains("@room") && !html.contains("@room"),
        "{reply}"
    );
    assert_eq!(reply["m.mentions"], serde_json::json!({"user_ids": []}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invites_are_accepted_from_admins_only() {
    let (admin, bot, _hub) = setup(false).await;
    let stranger = Person::new("inconnu").await;

    let from_stranger = stranger.create_room(false, &bot.user_id).await;
    let from_admin = admin.create_room(false, &bot.user_id).await;
    admin.wait_for_join(&from_admin, &bot.user_id).await;
    let command = admin.send(&from_admin, "!aide").await;
    wait_for_replies(&from_admin, &bot.user_id, &[command]).await;

    // By now the stranger's invite, sent first, has been seen and ignored.
    let joined = from_stranger
        .members_no_sync(matrix_sdk::RoomMemberships::JOIN)
        .await
        .unwrap()
        .iter()
        .any(|member| member.user_id() == bot.user_id);
    assert!(!joined, "the bot joined a stranger's room\n{}", bot.log());
    assert!(bot.log().contains("invite ignored"), "{}", bot.log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_from_before_the_first_start_are_never_answered() {
    let person = Person::new("gwen").await;
    let mut bot = Bot::new().await;
    let room = person.create_room(false, &bot.user_id).await;
    let before = person.send(&room, "!aide").await;
    // The homeserver's clock and the bot's are the same here; make sure the
    // old command is clearly older than the bot's first start.
    tokio::time::sleep(Duration::from_millis(1500)).await;

    bot.configure(&room, &person.user_id);
    bot.start(None);
    person.wait_for_join(&room, &bot.user_id).await;
    let after = person.send(&room, "!aide").await;
    wait_for_replies(&room, &bot.user_id, std::slice::from_ref(&after)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        replies_to(&room, &bot.user_id, &before).await.is_empty(),
        "history from before the bot existed was replayed\n{}",
        bot.log()
    );
}

/// GET `path` on the bot's health listener; the status and the body.
async fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let response = reqwest::get(format!("http://127.0.0.1:{port}{path}"))
        .await
        .ok()?;
    let status = response.status().as_u16();
    Some((status, response.text().await.ok()?))
}

/// The check: the binary started with the shipped example
/// configuration (only the account, data directory and port changed)
/// answers `/healthz` once it syncs, and `/metrics` counts its work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_configuration_serves_healthz_and_metrics() {
    let person = Person::new("sante").await;
    let mut bot = Bot::new().await;
    let port = support::free_port();
    bot.configure_from_example(|config| {
        config["health"]["listen"] = toml_edit::value(format!("127.0.0.1:{port}"));
    });
    bot.start(None);
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    let health = loop {
        if let Some((200, body)) = get(port, "/healthz").await {
            break body;
        }
        assert!(std::time::Instant::now() < deadline, "{}", bot.log());
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    let health: serde_json::Value = serde_json::from_str(&health).unwrap();
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(health["store"]["writable"], true, "{health}");
    assert_eq!(health["sync"]["alive"], true, "{health}");

    let room = person.create_direct_chat(&bot.user_id).await;
    let command = person.send(&room, "!aide").await;
    wait_for_replies(&room, &bot.user_id, &[command]).await;
    let (status, metrics) = get(port, "/metrics").await.unwrap();
    assert_eq!(status, 200);
    assert!(
        metrics.contains("boucle_commands_total{command=\"help\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("boucle_reply_seconds_count 1"),
        "{metrics}"
    );
    assert!(metrics.contains("boucle_outbox_depth 0"), "{metrics}");
    assert_eq!(get(port, "/nope").await.unwrap().0, 404);
    assert!(!bot.log().contains(" ERROR boucle"), "{}", bot.log());
}

/// The erasure check, with the real bot: a marker typed by someone,
/// then `!oublier`, then the clean-up (backups and compaction): the marker is
/// in no file of the data directory, the Matrix client's stores included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forgotten_marker_is_in_no_file_of_the_data_directory() {
    let person = Person::new("oubli").await;
    let mut bot = Bot::new().await;
    // The person belongs to the assembly (in its hub), or the bot would keep
    // nothing from them in a direct chat.
    let hub = person.create_room(false, &bot.user_id).await;
    bot.configure_from_example(|config| {
        config["storage"]["erasure_cleanup_seconds"] = toml_edit::value(1);
        config["assembly"]["hub_room"] = toml_edit::value(hub.room_id().as_str());
        config.remove("health");
    });
    bot.start(None);
    person.wait_for_join(&hub, &bot.user_id).await;
    let room = person.create_direct_chat(&bot.user_id).await;
    // A message from before the bot's first start is history, never a command.
    person.wait_for_join(&room, &bot.user_id).await;
    let marker = format!("Marqueur{}", std::process::id());
    let command = person
        .send(&room, &format!("!profil commune {marker}"))
        .await;
    wait_for_replies(&room, &bot.user_id, &[command]).await;
    let data_dir = bot.data_dir();
    // The backup made at start came before the marker: restart without it,
    // so the new start's backup holds the marker too.
    bot.kill();
    std::fs::remove_dir_all(data_dir.join("backups")).unwrap();
    bot.start(None);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while support::files_containing(&data_dir.join("backups"), &marker).len() != 1 {
        assert!(std::time::Instant::now() < deadline, "{}", bot.log());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(!support::files_containing(&data_dir.join("state"), &marker).is_empty());

    let command = person.send(&room, "!oublier confirmer").await;
    let replies = wait_for_replies(&room, &bot.user_id, &[command]).await;
    assert!(
        body(&replies[0][0]).starts_with("C'est fait"),
        "{}",
        replies[0][0]
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let found = support::files_containing(&data_dir, &marker);
        if found.is_empty() && bot.log().contains("database compacted") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still in {found:?}\n{}",
            bot.log()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(
        bot.log().contains("erasure carried into the backups"),
        "{}",
        bot.log()
    );
}

/// Issue 18, part 2: the Matrix SDK's stores and the session are encrypted
/// with the passphrase, which is not in the data directory. A room's topic
/// and a message, which the SDK keeps from its syncs, and the bot's access
/// token are in no file of the data directory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_of_the_data_directory_holds_no_history_and_no_token() {
    let (person, mut bot, room) = setup(false).await;
    let topic = "Sujet-marqueur-5e1f9";
    let said = "Parole-marqueur-77ab0";
    room.set_room_topic(topic).await.unwrap();
    person.send(&room, said).await;
    let command = person.send(&room, "!aide").await;
    wait_for_replies(&room, &bot.user_id, std::slice::from_ref(&command)).await;
    bot.kill();
    let data = bot.data_dir();
    let token = boucle::matrix::saved_token(&data, support::TEST_PASSPHRASE)
        .expect("the sealed session opens with the passphrase");
    assert!(boucle::matrix::saved_token(&data, "not the passphrase of this bot").is_none());
    for secret in [topic, said, token.as_str(), "access_token"] {
        assert_eq!(
            support::files_containing(&data, secret),
            Vec::<std::path::PathBuf>::new(),
            "{secret}"
        );
    }
    // And the bot starts again on its encrypted store, on the same device.
    bot.start(None);
    let command = person.send(&room, "!aide").await;
    wait_for_replies(&room, &bot.user_id, std::slice::from_ref(&command)).await;
    assert_eq!(bot.log().matches("logged in with a new device").count(), 1);
}
