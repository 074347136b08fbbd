//! boucle when the homeserver misbehaves: down for a while, or rate-limiting
//! with Synapse's default limits. Each test owns its Synapse, so stopping it
//! or tightening it disturbs no other test.
#![recursion_limit = "256"]

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use boucle::devserver::{self, RateLimits, Synapse};
use support::{Person, bot_in_new_room, replies_to, wait_for_replies};

fn own_synapse(limits: RateLimits) -> (Synapse, tempfile::TempDir) {
    let venv = std::env::var_os("BOUCLE_SYNAPSE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".boucle/synapse-venv"));
    devserver::ensure_installed(&venv).unwrap();
    let directory = tempfile::tempdir().unwrap();
    let synapse = Synapse::start(&venv, directory.path(), limits).unwrap();
    (synapse, directory)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_rides_out_a_homeserver_outage_and_answers_after() {
    let (mut synapse, _directory) = own_synapse(RateLimits::Relaxed);
    let address = synapse.address();
    let (person, mut bot, room) = bot_in_new_room(&address, false, None).await;
    let before = person.send(&room, "!aide").await;
    wait_for_replies(&room, &bot.user_id, std::slice::from_ref(&before)).await;

    synapse.stop();
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert!(
        bot.is_running(),
        "the bot gave up during the outage\n{}",
        bot.log()
    );
    assert!(
        bot.log().contains("sync failed, will retry"),
        "{}",
        bot.log()
    );
    synapse.restart().unwrap();

    let after = person.send(&room, "!aide").await;
    wait_for_replies(&room, &bot.user_id, std::slice::from_ref(&after)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        replies_to(&room, &bot.user_id, &before).await.len(),
        1,
        "{}",
        bot.log()
    );
    assert_eq!(
        replies_to(&room, &bot.user_id, &after).await.len(),
        1,
        "{}",
        bot.log()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_default_rate_limits_every_reply_is_delivered_once() {
    let (synapse, _directory) = own_synapse(RateLimits::Default);
    let address = synapse.address();
    let (person, bot, room) = bot_in_new_room(&address, false, None).await;

    // Synapse's default rc_message lets a burst of 10 through, then one
    // message every 5 s, per sender. Two people asking 8 times each stay
    // under their own limits; the bot's 16 replies do not.
    let other = Person::new_on(&address, "burst").await;
    room.invite_user_by_id(&other.user_id).await.unwrap();
    let other_room = other.client.join_room_by_id(room.room_id()).await.unwrap();
    let mut commands = Vec::new();
    for _ in 0..8 {
        commands.push(person.send(&room, "!aide").await);
        commands.push(other.send(&other_room, "!help").await);
    }
    wait_for_replies(&room, &bot.user_id, &commands).await;
    for command in &commands {
        assert_eq!(
            replies_to(&room, &bot.user_id, command).await.len(),
            1,
            "{}",
            bot.log()
        );
    }
    // The limit was really hit: Synapse refused some of the bot's sends with
    // 429 (matrix-sdk retries those after Retry-After; the outbox's own wait
    // covers what it gives up on), and yet every reply exists exactly once.
    let synapse_log = std::fs::read_to_string(synapse.directory.join("synapse.log")).unwrap();
    let refused_bot_sends = synapse_log
        .lines()
        .filter(|line| line.contains("/send/m.room.message/boucle.") && line.contains(" 429 "))
        .count();
    assert!(refused_bot_sends > 0, "the rate limit was never reached");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_chats_held_back_by_the_room_creation_limit_are_told_to_the_admins() {
    let (synapse, _directory) = own_synapse(RateLimits::DefaultRoomCreation);
    let address = synapse.address();
    let camille = Person::new_on(&address, "camille").await;
    let mut bot = support::Bot::new_on(&address).await;
    let hub = camille.create_room(false, &bot.user_id).await;
    // Twelve admins, and the alias of the bot's Space already taken by
    // Camille's room: at start, each admin is told in a direct chat. The
    // bot may create ten rooms at once (its Space is one), then one a
    // minute: some direct chats wait.
    let mut squat = matrix_sdk::ruma::api::client::room::create_room::v3::Request::new();
    squat.room_alias_name = Some(format!("{}-espace", bot.user_id.localpart()));
    camille.client.create_room(squat).await.unwrap();
    let mut admins = vec![camille.user_id.to_string()];
    for index in 0..11 {
        let localpart = support::unique(&format!("admin{index}"));
        address
            .register(&localpart, "admin-password", false)
            .await
            .unwrap();
        admins.push(address.user_id(&localpart));
    }
    let quoted: Vec<String> = admins.iter().map(|admin| format!("\"{admin}\"")).collect();
    bot.configure_assembly(&format!(
        "[assembly]\nhub_room = \"{}\"\nadmins = [{}]\n",
        hub.room_id(),
        quoted.join(", ")
    ));
    bot.start(None);
    camille.wait_for_join(&hub, &bot.user_id).await;
    let direct = camille.accept_invite_from(&bot.user_id).await;
    // Camille hears that direct chats wait, and what to do about it (after
    // the wait Synapse asks for, which holds every message back).
    let deadline = std::time::Instant::now() + Duration::from_secs(240);
    let told = loop {
        let found = support::bot_events(&direct, &bot, "m.room.message", |event| {
            event["content"]["body"]
                .as_str()
                .is_some_and(|body| body.starts_with("Le serveur Matrix me fait attendre"))
        })
        .await;
        if let Some(told) = found.into_iter().next() {
            break told;
        }
        assert!(std::time::Instant::now() < deadline, "{}", bot.log());
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    assert!(
        told["content"]["body"]
            .as_str()
            .unwrap()
            .contains("deploy/README.md"),
        "{told}"
    );
    assert_eq!(told["content"]["msgtype"], "m.text", "it rings");
    let synapse_log = std::fs::read_to_string(synapse.directory.join("synapse.log")).unwrap();
    assert!(
        synapse_log
            .lines()
            .any(|line| line.contains("/createRoom") && line.contains(" 429 ")),
        "the room-creation limit was never reached"
    );
}
