//! Working groups against a real Synapse: signing up from the hub brings an
//! invite into the theme room, `!inviter` respects the room's power levels,
//! newcomers are welcomed once, a supported theme gets its room inside the
//! Space and archiving takes it out, and people's data is shown only in a
//! direct chat and is gone after `!oublier`.
#![recursion_limit = "256"]

mod support;

use std::time::{Duration, Instant};

use matrix_sdk::Room;
use matrix_sdk::ruma::api::client::state::get_state_event_for_key::v3::Request as GetStateRequest;
use matrix_sdk::ruma::events::StateEventType;
use matrix_sdk::ruma::{OwnedRoomId, RoomAliasId};
use serde_json::Value;
use support::{
    Bot, Person, TIMEOUT, bot_events, homeserver, room_events, wait_for_message, wait_for_replies,
};

/// boucle logged no error (the SDK's own complaints are not ours to judge).
fn assert_no_error_of_ours(bot: &Bot) {
    let log = bot.log();
    let ours: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("ERROR") && line.contains("boucle::"))
        .collect();
    assert!(ours.is_empty(), "{ours:#?}");
}

/// Bodies of the bot's messages in `room`.
async fn bot_bodies(room: &Room, bot: &Bot) -> Vec<String> {
    bot_events(room, bot, "m.room.message", |_| true)
        .await
        .into_iter()
        .filter_map(|event| event["content"]["body"].as_str().map(str::to_owned))
        .collect()
}

/// A state event's content as the server has it, read by `person`.
async fn state_content(
    person: &Person,
    room: &OwnedRoomId,
    event_type: &str,
    key: &str,
) -> Option<Value> {
    let request = GetStateRequest::new(
        room.clone(),
        StateEventType::from(event_type),
        key.to_owned(),
    );
    let response = person.client.send(request).await.ok()?;
    serde_json::from_str(response.event_or_content.get()).ok()
}

/// Waits until a state event, as `person` reads it, satisfies `wanted`
/// (`None`: not there); on timeout, fails saying `what` never happened.
async fn wait_for_state(
    person: &Person,
    bot: &Bot,
    room: &OwnedRoomId,
    (event_type, key): (&str, &str),
    wanted: impl Fn(Option<&Value>) -> bool,
    what: &str,
) {
    let deadline = Instant::now() + TIMEOUT;
    while !wanted(state_content(person, room, event_type, key).await.as_ref()) {
        assert!(Instant::now() < deadline, "{what}\n{}", bot.log());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn resolve(person: &Person, alias: &str) -> OwnedRoomId {
    let alias = RoomAliasId::parse(alias).unwrap();
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Ok(response) = person.client.resolve_room_alias(&alias).await {
            return response.room_id;
        }
        assert!(Instant::now() < deadline, "{alias} never appeared");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Camille (an admin), the bot, the hub and the theme room « Santé »
/// (the bot at `bot_level` there, inviting at `invite_level`), the bot
/// configured, started and in both rooms.
async fn hub_and_theme(bot_level: i64, invite_level: i64) -> (Person, Bot, Room, Room) {
    let server = homeserver();
    let camille = Person::new_on(server, "camille").await;
    let mut bot = Bot::new_on(server).await;
    let hub = camille.create_room(false, &bot.user_id).await;
    let theme = camille
        .create_group_room("Santé", &bot.user_id, bot_level, invite_level)
        .await;
    bot.configure_assembly(&format!(
        "[assembly]\nhub_room = \"{}\"\nadmins = [\"{}\"]\n\n[[theme]]\nslug = \"sante\"\nname = \"Santé\"\nroom = \"{}\"\n",
        hub.room_id(),
        camille.user_id,
        theme.room_id(),
    ));
    bot.start(None);
    camille.wait_for_join(&hub, &bot.user_id).await;
    camille.wait_for_join(&theme, &bot.user_id).await;
    (camille, bot, hub, theme)
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_up_from_the_hub_invites_and_inviting_needs_the_power_to_invite() {
    let (camille, bot, hub, theme) = hub_and_theme(50, 50).await;
    let server = homeserver();
    let lou = Person::new_on(server, "lou").await;
    let zoe = Person::new_on(server, "zoe").await;
    hub.invite_user_by_id(&lou.user_id).await.unwrap();
    let lou_hub = lou.accept_invite(hub.room_id()).await;

    lou.send(&lou_hub, "!inscription santé").await;
    wait_for_message(&hub, &bot, |body| {
        body.contains("inscrit·e au groupe Santé")
    })
    .await;
    let lou_theme = lou.accept_invite(theme.room_id()).await;

    // Lou is welcomed once, mentioned, and told they are signed up.
    let welcome = wait_for_message(&theme, &bot, |body| body.starts_with("Bienvenue")).await;
    assert_eq!(
        welcome["content"]["m.mentions"]["user_ids"][0],
        lou.user_id.as_str()
    );
    assert!(
        welcome["content"]["body"]
            .as_str()
            .unwrap()
            .contains("Vous êtes inscrit·e")
    );

    // Lou (level 0) may not invite; the bot does not lend its power.
    lou.send(&lou_theme, &format!("!inviter {}", zoe.user_id))
        .await;
    wait_for_message(&theme, &bot, |body| body.contains("vous avez le niveau 0")).await;
    // Camille (level 100) may.
    camille
        .send(&theme, &format!("!inviter {}", zoe.user_id))
        .await;
    wait_for_message(&theme, &bot, |body| body.starts_with("J'invite")).await;
    zoe.accept_invite(theme.room_id()).await;

    // A power level changed between two commands counts for the second:
    // the bot keeps power levels in memory, and drops them when the room's
    // state changes. Lou raised to the invite level may invite; back to 0,
    // Lou may not any more.
    let noe = Person::new_on(server, "noe").await;
    for (level, expected) in [(50, "J'invite"), (0, "vous avez le niveau 0")] {
        theme
            .update_power_levels(vec![(&lou.user_id, level.into())])
            .await
            .unwrap();
        let command = lou
            .send(&lou_theme, &format!("!inviter {}", noe.user_id))
            .await;
        let replies = wait_for_replies(&theme, &bot.user_id, &[command]).await;
        let body = replies[0][0]["body"].as_str().unwrap_or_default();
        assert!(body.contains(expected), "at level {level}: {body}");
    }

    camille.send(&theme, "!membres").await;
    let members = wait_for_message(&theme, &bot, |body| body.starts_with("Groupe Santé")).await;
    assert!(
        members["content"]["body"]
            .as_str()
            .unwrap()
            .contains("1 membre"),
        "{members}"
    );

    // Exactly one welcome per person, even after Lou leaves and comes back.
    lou_theme.leave().await.unwrap();
    theme.invite_user_by_id(&lou.user_id).await.unwrap();
    lou.accept_invite(theme.room_id()).await;
    camille.send(&theme, "!aide").await;
    wait_for_message(&theme, &bot, |body| {
        body.starts_with("Commandes disponibles")
    })
    .await;
    let welcomes = bot_bodies(&theme, &bot)
        .await
        .into_iter()
        .filter(|body| body.starts_with("Bienvenue"))
        .count();
    assert_eq!(
        welcomes,
        2,
        "one for Lou, one for Zoé: {:?}",
        bot_bodies(&theme, &bot).await
    );

    // The Space the bot made is the theme room's parent, where the bot has
    // the power to say so. In the hub it has none: it never asked there,
    // which the homeserver's own request log shows.
    let space = resolve(&camille, &bot.alias("espace")).await;
    wait_for_state(
        &camille,
        &bot,
        &theme.room_id().to_owned(),
        ("m.space.parent", space.as_str()),
        |content| content.is_some(),
        "the theme room never pointed to the Space",
    )
    .await;
    let asked_in_hub = format!("/rooms/{}/state/m.space.parent", hub.room_id());
    let synapse_log = std::fs::read_to_string(server.directory.join("synapse.log")).unwrap();
    let asked: Vec<&str> = synapse_log
        .lines()
        .filter(|line| line.contains(bot.user_id.as_str()))
        .filter(|line| {
            line.replace("%21", "!")
                .replace("%3A", ":")
                .contains(&asked_in_hub)
        })
        .collect();
    assert!(asked.is_empty(), "{asked:#?}");
    assert!(
        synapse_log.contains("m.space.parent"),
        "the request log names state requests"
    );
    assert_no_error_of_ours(&bot);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_theme_supported_three_times_gets_a_room_in_the_space_and_archiving_removes_it() {
    let server = homeserver();
    let camille = Person::new_on(server, "camille").await;
    let lou = Person::new_on(server, "lou").await;
    let zoe = Person::new_on(server, "zoe").await;
    let mut bot = Bot::new_on(server).await;
    let hub = camille.create_room(false, &bot.user_id).await;
    bot.configure_assembly(&format!(
        "[assembly]\nhub_room = \"{}\"\nadmins = [\"{}\"]\nproposal_threshold = 3\n",
        hub.room_id(),
        camille.user_id,
    ));
    bot.start(None);
    camille.wait_for_join(&hub, &bot.user_id).await;
    for person in [&lou, &zoe] {
        hub.invite_user_by_id(&person.user_id).await.unwrap();
        person.accept_invite(hub.room_id()).await;
    }
    // The bot made the Space (none configured), with the hub in it; the
    // admin is invited.
    let space = resolve(&camille, &bot.alias("espace")).await;
    camille.accept_invite(&space).await;
    wait_for_state(
        &camille,
        &bot,
        &space,
        ("m.space.child", hub.room_id().as_str()),
        |content| content.is_some(),
        "the hub never entered the Space",
    )
    .await;

    camille.send(&hub, "!theme proposer Transports").await;
    wait_for_message(&hub, &bot, |body| body.starts_with("Proposition #1")).await;
    let lou_hub = lou.client.get_room(hub.room_id()).unwrap();
    let supported = lou.send(&lou_hub, "!soutenir 1").await;
    // Noted with ✅ on Lou's message, not a message.
    support::wait_for_event(&hub, &bot, "m.reaction", |event| {
        event["content"]["m.relates_to"]["event_id"] == supported.as_str()
            && event["content"]["m.relates_to"]["key"] == "✅"
    })
    .await;
    let zoe_hub = zoe.client.get_room(hub.room_id()).unwrap();
    zoe.send(&zoe_hub, "!soutenir 1").await;
    wait_for_message(&hub, &bot, |body| body.contains("a son salon")).await;

    let room_id = resolve(&camille, &bot.alias("transports")).await;
    // The supporters are invited; the room sits in the Space and points to it.
    let lou_room = lou.accept_invite(&room_id).await;
    zoe.accept_invite(&room_id).await;
    let child = state_content(&camille, &space, "m.space.child", room_id.as_str()).await;
    assert!(
        child
            .as_ref()
            .is_some_and(|content| content["via"].is_array()),
        "{child:?}"
    );
    let join_rules = state_content(&lou, &room_id, "m.room.join_rules", "")
        .await
        .unwrap();
    assert_eq!(join_rules["join_rule"], "restricted");
    assert_eq!(join_rules["allow"][0]["room_id"], space.as_str());
    let welcome = wait_for_message(&lou_room, &bot, |body| {
        body.contains("dans le groupe Transports")
    })
    .await;
    assert_eq!(
        welcome["content"]["m.mentions"]["user_ids"][0],
        lou.user_id.as_str()
    );
    lou.send(&lou_room, "!membres").await;
    let members = wait_for_message(&lou_room, &bot, |body| {
        body.starts_with("Groupe Transports")
    })
    .await;
    assert!(
        members["content"]["body"]
            .as_str()
            .unwrap()
            .contains("3 membres"),
        "{members}"
    );

    camille.send(&hub, "!theme archiver transports").await;
    wait_for_message(&hub, &bot, |body| body.contains("mis en sommeil")).await;
    wait_for_state(
        &camille,
        &bot,
        &space,
        ("m.space.child", room_id.as_str()),
        |content| content.is_some_and(|content| content.get("via").is_none()),
        "the archived room stayed in the Space",
    )
    .await;
    assert_no_error_of_ours(&bot);
}

#[tokio::test(flavor = "multi_thread")]
async fn my_data_only_in_a_direct_chat_and_nothing_left_after_forgetting() {
    let (camille, mut bot, hub, _theme) = hub_and_theme(100, 0).await;
    let server = homeserver();
    let lou = Person::new_on(server, "lou").await;
    hub.invite_user_by_id(&lou.user_id).await.unwrap();
    let lou_hub = lou.accept_invite(hub.room_id()).await;
    lou.send(&lou_hub, "!inscription sante").await;
    lou.send(&lou_hub, "!profil commune Trégastel-Marqueur")
        .await;
    lou.send(&lou_hub, "!mesdonnees").await;
    let refusal = wait_for_message(&hub, &bot, |body| {
        body.starts_with("Je vous écris en privé")
    })
    .await;
    assert!(
        !refusal["content"]["body"]
            .as_str()
            .unwrap()
            .contains("Trégastel")
    );

    // A room of three created with the "direct" flag is no direct chat:
    // the data and its file are not shown there, in front of Camille.
    let three = lou.create_direct_chat(&bot.user_id).await;
    three.invite_user_by_id(&camille.user_id).await.unwrap();
    camille.accept_invite(three.room_id()).await;
    lou.wait_for_join(&three, &bot.user_id).await;
    lou.wait_for_join(&three, &camille.user_id).await;
    lou.send(&three, "!mesdonnees").await;
    let refused = wait_for_message(&three, &bot, |body| {
        body.starts_with("Je vous écris en privé")
    })
    .await;
    assert!(
        !refused["content"]["body"]
            .as_str()
            .unwrap()
            .contains("Trégastel")
    );
    assert!(
        !bot_bodies(&three, &bot)
            .await
            .iter()
            .any(|body| body.contains("Trégastel") || body.ends_with(".json")),
        "{:?}",
        bot_bodies(&three, &bot).await
    );

    // Lou is no admin: the bot still accepts a direct chat.
    let direct = lou.create_direct_chat(&bot.user_id).await;
    lou.wait_for_join(&direct, &bot.user_id).await;
    lou.send(&direct, "!mesdonnees").await;
    let listing = wait_for_message(&direct, &bot, |body| body.starts_with("Ce que je garde")).await;
    let body = listing["content"]["body"].as_str().unwrap();
    assert!(
        body.contains("inscription au groupe Santé") && body.contains("Trégastel-Marqueur"),
        "{body}"
    );
    // The same data as a JSON file.
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let file = room_events(&direct).await.into_iter().find(|event| {
            event["sender"] == bot.user_id.as_str() && event["content"]["msgtype"] == "m.file"
        });
        if let Some(file) = file {
            assert_eq!(file["content"]["body"], "mes-donnees-boucle.json");
            assert!(file["content"]["m.mentions"].is_object(), "{file}");
            break;
        }
        assert!(Instant::now() < deadline, "no export file\n{}", bot.log());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    lou.send(&direct, "!oublier").await;
    wait_for_message(&direct, &bot, |body| body.contains("!oublier confirmer")).await;
    lou.send(&direct, "!oublier confirmer").await;
    wait_for_message(&direct, &bot, |body| body.starts_with("C'est fait")).await;
    lou.send(&direct, "!mesdonnees").await;
    wait_for_message(&direct, &bot, |body| body == "Je ne garde rien sur vous.").await;

    // Nothing about Lou survives a restart either.
    bot.kill();
    bot.start(None);
    lou.send(&direct, "!oublier").await;
    wait_for_message(&direct, &bot, |body| body.contains("rien à effacer")).await;
}

/// A bot kicked from a theme room stops sending there: what was meant for
/// that room (an invite after a sign-up) is set aside at once, never
/// retried, the hub is answered, and the admin is told why.
#[tokio::test(flavor = "multi_thread")]
async fn a_bot_kicked_from_a_room_stops_sending_there_and_tells_the_admin() {
    let (camille, bot, hub, theme) = hub_and_theme(50, 0).await;
    let server = homeserver();
    let lou = Person::new_on(server, "lou").await;
    theme.kick_user(&bot.user_id, Some("test")).await.unwrap();
    hub.invite_user_by_id(&lou.user_id).await.unwrap();
    let lou_hub = lou.accept_invite(hub.room_id()).await;
    // Give the bot's sync the kick before the sign-up.
    tokio::time::sleep(Duration::from_secs(2)).await;
    lou.send(&lou_hub, "!inscription santé").await;
    wait_for_message(&hub, &bot, |body| {
        body.contains("inscrit·e au groupe Santé")
    })
    .await;
    let direct = camille.accept_invite_from(&bot.user_id).await;
    wait_for_message(&direct, &bot, |body| {
        body.contains("Je ne suis plus dans ce salon")
    })
    .await;
    assert!(!lou.is_invited_to(theme.room_id()));
    let log = bot.log();
    assert!(
        !log.lines()
            .any(|line| line.contains("will retry") && line.contains(theme.room_id().as_str())),
        "{log}"
    );
    // The hub goes on.
    let next = lou.send(&lou_hub, "!themes").await;
    wait_for_replies(&hub, &bot.user_id, &[next]).await;
    assert_no_error_of_ours(&bot);
}

/// The deputy team is whoever joined its room: a room anyone can join
/// would make anyone a member of the team. The bot says so at start, and
/// `boucle check` says so too (with the bot's saved session, no login).
#[tokio::test(flavor = "multi_thread")]
async fn an_open_deputy_room_is_warned_about_at_start_and_by_check() {
    let server = homeserver();
    let camille = Person::new_on(server, "camille").await;
    let mut bot = Bot::new_on(server).await;
    let hub = camille.create_room(false, &bot.user_id).await;
    let deputy = camille.create_room(false, &bot.user_id).await;
    deputy
        .send_state_event_raw(
            "m.room.join_rules",
            "",
            serde_json::json!({"join_rule": "public"}),
        )
        .await
        .unwrap();
    let config = bot.configure_assembly(&format!(
        "[assembly]\nhub_room = \"{}\"\ndeputy_room = \"{}\"\nadmins = [\"{}\"]\n",
        hub.room_id(),
        deputy.room_id(),
        camille.user_id,
    ));
    bot.start(None);
    camille.wait_for_join(&deputy, &bot.user_id).await;
    let deadline = Instant::now() + TIMEOUT;
    while !bot.log().contains("is open: its join rule is public") {
        assert!(Instant::now() < deadline, "no warning\n{}", bot.log());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(!bot.log().contains("the hub ("), "{}", bot.log());
    bot.kill();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_boucle"))
        .args(["check", "-c", config.to_str().unwrap()])
        .env("BOUCLE_TEST_PASSPHRASE", support::TEST_PASSPHRASE)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    assert!(
        text.contains("warning: the deputy team's room") && text.contains("invite-only"),
        "{text}"
    );
    assert!(!text.contains("warning: the hub"), "{text}");
}

/// An account from anywhere that opens a direct chat is no member: no
/// sign-up, no report, a polite word on how to join; its own data stays
/// its to see.
#[tokio::test(flavor = "multi_thread")]
async fn a_stranger_in_a_direct_chat_is_told_how_to_join() {
    let (_camille, bot, _hub, theme) = hub_and_theme(100, 0).await;
    let server = homeserver();
    let stranger = Person::new_on(server, "inconnu").await;
    let direct = stranger.create_direct_chat(&bot.user_id).await;
    stranger.wait_for_join(&direct, &bot.user_id).await;
    let command = stranger.send(&direct, "!inscription santé").await;
    let replies = wait_for_replies(&direct, &bot.user_id, &[command]).await;
    let reply = replies[0][0]["body"].as_str().unwrap().to_owned();
    assert!(
        reply.contains("Je ne vous trouve dans aucun salon"),
        "{reply}"
    );
    assert!(!stranger.is_invited_to(theme.room_id()));
    let command = stranger.send(&direct, "!mesdonnees").await;
    let replies = wait_for_replies(&direct, &bot.user_id, &[command]).await;
    assert_eq!(replies[0][0]["body"], "Je ne garde rien sur vous.");
}

/// Aliases are open to every account: a room someone made under the alias
/// of a theme to come is not adopted as that theme's room (its maker would
/// hold the group); the bot makes its own under the next alias, and the
/// admins hear of it.
#[tokio::test(flavor = "multi_thread")]
async fn a_room_squatting_a_themes_alias_is_not_adopted() {
    use matrix_sdk::ruma::api::client::room::create_room::v3::Request as CreateRoomRequest;
    let server = homeserver();
    let camille = Person::new_on(server, "camille").await;
    let lou = Person::new_on(server, "lou").await;
    let mut bot = Bot::new_on(server).await;
    let hub = camille.create_room(false, &bot.user_id).await;
    bot.configure_assembly(&format!(
        "[assembly]\nhub_room = \"{}\"\nadmins = [\"{}\"]\n",
        hub.room_id(),
        camille.user_id,
    ));
    // Lou takes the alias first, and even lets the bot in.
    let mut request = CreateRoomRequest::new();
    request.room_alias_name = Some(format!("{}-transports", bot.user_id.localpart()));
    request.is_direct = true;
    request.invite = vec![bot.user_id.clone()];
    let squat = lou.client.create_room(request).await.unwrap();
    bot.start(None);
    camille.wait_for_join(&hub, &bot.user_id).await;
    lou.wait_for_join(&squat, &bot.user_id).await;
    let space = resolve(&camille, &bot.alias("espace")).await;
    camille.accept_invite(&space).await;
    camille.send(&hub, "!theme creer Transports").await;
    wait_for_message(&hub, &bot, |body| body.contains("a son salon")).await;
    let room_id = resolve(&camille, &bot.alias("transports-2")).await;
    assert_ne!(room_id, squat.room_id());
    // The group's room is the bot's, with Camille (admin) invited to it.
    camille.accept_invite(&room_id).await;
    let direct = camille.accept_invite_from(&bot.user_id).await;
    wait_for_message(&direct, &bot, |body| {
        body.contains("déjà celle du salon de quelqu'un d'autre")
    })
    .await;
    let squatted_alias = bot.alias("transports");
    assert_eq!(resolve(&camille, &squatted_alias).await, squat.room_id());
    assert_no_error_of_ours(&bot);
}
