//! The integration-test harness: one real Synapse for the whole run, a bot
//! process per test, and a person driven by a second matrix-sdk client.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use boucle::devserver::{self, RateLimits, SynapseAddress};
use matrix_sdk::config::SyncSettings;
use matrix_sdk::room::MessagesOptions;
use matrix_sdk::ruma::api::client::room::create_room::v3::{
    Request as CreateRoomRequest, RoomPreset,
};
use matrix_sdk::ruma::events::InitialStateEvent;
use matrix_sdk::ruma::events::room::encryption::RoomEncryptionEventContent;
use matrix_sdk::ruma::events::room::message::RoomMessageEventContent;
use matrix_sdk::ruma::{OwnedEventId, OwnedUserId, UserId};
use matrix_sdk::{Client, Room, RoomMemberships};
use serde_json::Value;

pub const TIMEOUT: Duration = Duration::from_secs(90);

/// Starts Synapse once per test binary; it stays up for every test and goes
/// down with the run.
pub fn homeserver() -> &'static SynapseAddress {
    static HOMESERVER: OnceLock<SynapseAddress> = OnceLock::new();
    HOMESERVER.get_or_init(|| {
        let venv = std::env::var_os("BOUCLE_SYNAPSE_VENV")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".boucle/synapse-venv"));
        let directory = tempfile::Builder::new()
            .prefix("boucle-synapse-")
            .tempdir()
            .unwrap()
            .keep();
        devserver::start_for_process_lifetime(venv, directory, RateLimits::Relaxed)
            .unwrap_or_else(|error| panic!("Synapse: {error}"))
    })
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A unique local part for this run.
pub fn unique(prefix: &str) -> String {
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// A person using a Matrix client, with end-to-end encryption.
pub struct Person {
    pub client: Client,
    pub user_id: OwnedUserId,
    _store: tempfile::TempDir,
}

impl Person {
    /// A new account on the shared test homeserver.
    pub async fn new(name: &str) -> Person {
        Person::new_on(homeserver(), name).await
    }

    /// A new account on the homeserver at `server`.
    pub async fn new_on(server: &SynapseAddress, name: &str) -> Person {
        let localpart = unique(name);
        let password = "person-password";
        server
            .register(&localpart, password, false)
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        Person::log_in(&server.url, &server.user_id(&localpart), password).await
    }

    /// An existing account on any homeserver.
    pub async fn log_in(homeserver_url: &str, user_id: &str, password: &str) -> Person {
        let store = tempfile::tempdir().unwrap();
        let client = Client::builder()
            .homeserver_url(homeserver_url)
            .sqlite_store(store.path(), None)
            .build()
            .await
            .unwrap();
        client
            .matrix_auth()
            .login_username(user_id, password)
            .send()
            .await
            .unwrap();
        let syncing = client.clone();
        // Keeps syncing through homeserver outages, as a real client does.
        tokio::spawn(async move {
            loop {
                let _ = syncing
                    .sync(SyncSettings::default().timeout(Duration::from_secs(1)))
                    .await;
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        });
        Person {
            client,
            user_id: user_id.try_into().unwrap(),
            _store: store,
        }
    }

    /// Creates a room and invites `bot`; encrypted if asked.
    pub async fn create_room(&self, encrypted: bool, bot: &UserId) -> Room {
        let mut request = CreateRoomRequest::new();
        request.name = Some("Groupe de test".into());
        request.invite = vec![bot.to_owned()];
        if encrypted {
            request.initial_state = vec![
                InitialStateEvent::with_empty_state_key(
                    RoomEncryptionEventContent::with_recommended_defaults(),
                )
                .to_raw_any(),
            ];
        }
        self.client.create_room(request).await.unwrap()
    }

    /// Creates a room for a working group: the bot invited and given
    /// `bot_level`, inviting restricted to power level `invite_level`.
    pub async fn create_group_room(
        &self,
        name: &str,
        bot: &UserId,
        bot_level: i64,
        invite_level: i64,
    ) -> Room {
        let mut request = CreateRoomRequest::new();
        request.name = Some(name.into());
        request.invite = vec![bot.to_owned()];
        request.power_level_content_override = Some(
            matrix_sdk::ruma::serde::Raw::new(&serde_json::json!({
                "invite": invite_level,
                // This person creates the room: in room version 12 (Synapse's
                // default) creators hold power without being listed.
                "users": { bot.as_str(): bot_level },
            }))
            .unwrap()
            .cast_unchecked(),
        );
        self.client.create_room(request).await.unwrap()
    }

    /// Opens a direct chat with `bot` as Element does: flagged `is_direct`,
    /// the `trusted_private_chat` preset (both sides hold the same power)
    /// and encrypted.
    pub async fn create_direct_chat(&self, bot: &UserId) -> Room {
        let mut request = CreateRoomRequest::new();
        request.invite = vec![bot.to_owned()];
        request.is_direct = true;
        request.preset = Some(RoomPreset::TrustedPrivateChat);
        request.initial_state = vec![
            InitialStateEvent::with_empty_state_key(
                RoomEncryptionEventContent::with_recommended_defaults(),
            )
            .to_raw_any(),
        ];
        self.client.create_room(request).await.unwrap()
    }

    /// A room flagged `is_direct` with `bot`, encrypted, that anyone may
    /// join (the `public_chat` preset): what an outsider could set up as
    /// someone else's "direct chat" with the bot.
    pub async fn create_open_direct_chat(&self, bot: &UserId) -> Room {
        let mut request = CreateRoomRequest::new();
        request.invite = vec![bot.to_owned()];
        request.is_direct = true;
        request.preset = Some(RoomPreset::PublicChat);
        request.initial_state = vec![
            InitialStateEvent::with_empty_state_key(
                RoomEncryptionEventContent::with_recommended_defaults(),
            )
            .to_raw_any(),
        ];
        self.client.create_room(request).await.unwrap()
    }

    /// A direct chat with `bot` that is not encrypted (an older client, or
    /// encryption turned off by hand).
    pub async fn create_clear_direct_chat(&self, bot: &UserId) -> Room {
        let mut request = CreateRoomRequest::new();
        request.invite = vec![bot.to_owned()];
        request.is_direct = true;
        request.preset = Some(RoomPreset::TrustedPrivateChat);
        self.client.create_room(request).await.unwrap()
    }

    /// Joins a room this person was invited to, once the invite arrives.
    pub async fn accept_invite(&self, room_id: &matrix_sdk::ruma::RoomId) -> Room {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(room) = self.client.get_room(room_id) {
                if room.state() == matrix_sdk::RoomState::Joined {
                    return room;
                }
                if room.state() == matrix_sdk::RoomState::Invited {
                    room.join().await.unwrap();
                    continue;
                }
            }
            assert!(
                Instant::now() < deadline,
                "no invite to {room_id} for {}",
                self.user_id
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Joins the first room other than a Space that `inviter` invites this
    /// person to (a direct chat the bot opens), once the invite arrives.
    pub async fn accept_invite_from(&self, inviter: &UserId) -> Room {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            for room in self.client.invited_rooms() {
                let from_inviter = room
                    .invite_details()
                    .await
                    .is_ok_and(|invite| invite.inviter_id == inviter);
                if from_inviter && !room.is_space() {
                    return self.accept_invite(room.room_id()).await;
                }
            }
            assert!(
                Instant::now() < deadline,
                "no invite from {inviter} for {}",
                self.user_id
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Whether this person has an invite to `room_id` pending.
    pub fn is_invited_to(&self, room_id: &matrix_sdk::ruma::RoomId) -> bool {
        self.client
            .get_room(room_id)
            .is_some_and(|room| room.state() == matrix_sdk::RoomState::Invited)
    }

    pub async fn send(&self, room: &Room, body: &str) -> OwnedEventId {
        room.send(RoomMessageEventContent::text_plain(body))
            .await
            .unwrap()
            .response
            .event_id
    }

    /// Edits `original` (an `m.replace`, as Element sends one): its new
    /// text is `body`.
    pub async fn edit(&self, room: &Room, original: &OwnedEventId, body: &str) -> OwnedEventId {
        let content = RoomMessageEventContent::text_plain(body).make_replacement(
            matrix_sdk::ruma::events::room::message::ReplacementMetadata::new(
                original.clone(),
                None,
            ),
        );
        room.send(content).await.unwrap().response.event_id
    }

    /// Waits until `user` has joined `room`, as this person's client sees it.
    pub async fn wait_for_join(&self, room: &Room, user: &UserId) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let joined = room
                .members_no_sync(RoomMemberships::JOIN)
                .await
                .unwrap()
                .iter()
                .any(|member| member.user_id() == user);
            if joined {
                return;
            }
            assert!(Instant::now() < deadline, "{user} never joined");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The events the homeserver notified this person of, as its push rules
    /// (the spec's defaults) decided: `GET /_matrix/client/v3/notifications`.
    pub async fn notifications(&self) -> Vec<Notified> {
        use matrix_sdk::ruma::api::client::push::get_notifications::v3::Request;
        let response = self.client.send(Request::new()).await.unwrap();
        response
            .notifications
            .iter()
            .map(|notification| {
                let event: Value = serde_json::from_str(notification.event.json().get()).unwrap();
                Notified {
                    kind: format!(
                        "{} {} {}",
                        event["type"].as_str().unwrap_or_default(),
                        event["content"]["membership"].as_str().unwrap_or_default(),
                        event["content"]["body"].as_str().unwrap_or_default(),
                    ),
                    event_id: event["event_id"].as_str().unwrap_or_default().to_owned(),
                    sender: event["sender"].as_str().unwrap_or_default().to_owned(),
                    highlight: notification
                        .actions
                        .iter()
                        .any(|action| action.is_highlight()),
                }
            })
            .collect()
    }

    /// The bot's events this person was notified of, in any room.
    pub async fn notified_by(&self, bot: &Bot) -> Vec<Notified> {
        self.notifications()
            .await
            .into_iter()
            .filter(|notified| notified.sender == bot.user_id.as_str())
            .collect()
    }

    /// Whether `event_id` in `room` makes this person's phone ring: the
    /// homeserver notified them of it, and their client, evaluating the same
    /// default push rules on the decrypted event, keeps the notification (the
    /// homeserver notifies every encrypted message of a direct chat, as it
    /// cannot read its type; the client drops the notices).
    pub async fn rings_for(&self, room: &Room, event_id: &str) -> bool {
        let notified = self
            .notifications()
            .await
            .iter()
            .any(|notified| notified.event_id == event_id);
        let event_id = matrix_sdk::ruma::EventId::parse(event_id).unwrap();
        let event = room.event(&event_id, None).await.unwrap();
        // Computed when the event was read, or now that the room's members
        // (the person's own membership among them) are known.
        let actions = match event.push_actions() {
            Some(actions) => actions.to_vec(),
            None => {
                room.sync_members().await.unwrap();
                room.event_push_actions(event.raw())
                    .await
                    .unwrap()
                    .unwrap_or_default()
            }
        };
        let kept = actions.iter().any(|action| action.should_notify());
        if notified != kept {
            eprintln!(
                "{event_id} for {}: notified by the homeserver {notified}, kept by the client {kept} ({actions:?})",
                self.user_id,
            );
        }
        notified && kept
    }

    /// Waits until this person's client knows at least one device of `user`,
    /// so that encrypted messages are shared with it.
    pub async fn wait_for_device(&self, user: &UserId) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let devices = self
                .client
                .encryption()
                .get_user_devices(user)
                .await
                .unwrap();
            if devices.devices().count() > 0 {
                return;
            }
            assert!(Instant::now() < deadline, "no device of {user} seen");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// One notification the homeserver holds for a person.
#[derive(Debug, Clone)]
pub struct Notified {
    pub event_id: String,
    /// The event's type, membership and body, for failure messages.
    pub kind: String,
    pub sender: String,
    /// A mention of the person: the default rules highlight it.
    pub highlight: bool,
}

/// Camille and Dora on the shared homeserver, three rooms (Camille's hub
/// and theme room « Santé », Dora's deputy room) and a bot configured with
/// them and `extra` in `[assembly]`, not started.
pub async fn assembly_rooms(extra: &str) -> (Person, Person, Bot, Room, Room, Room) {
    let server = homeserver();
    let camille = Person::new_on(server, "camille").await;
    let dora = Person::new_on(server, "dora").await;
    let bot = Bot::new_on(server).await;
    let hub = camille.create_room(false, &bot.user_id).await;
    let theme = camille.create_room(false, &bot.user_id).await;
    let deputy = dora.create_room(false, &bot.user_id).await;
    bot.configure_assembly(&format!(
        "[assembly]\nhub_room = \"{}\"\ndeputy_room = \"{}\"\n{extra}\n\n[[theme]]\nslug = \"sante\"\nname = \"Santé\"\nroom = \"{}\"\n",
        hub.room_id(),
        deputy.room_id(),
        theme.room_id(),
    ));
    (camille, dora, bot, hub, theme, deputy)
}

/// A person on `server`, a room of theirs configured as the bot's hub, and
/// the bot running and joined (and its device known, if encrypted).
pub async fn bot_in_new_room(
    server: &SynapseAddress,
    encrypted: bool,
    failpoint: Option<&str>,
) -> (Person, Bot, Room) {
    let person = Person::new_on(server, "camille").await;
    let mut bot = Bot::new_on(server).await;
    let room = person.create_room(encrypted, &bot.user_id).await;
    bot.configure(&room, &person.user_id);
    bot.start(failpoint);
    person.wait_for_join(&room, &bot.user_id).await;
    if encrypted {
        person.wait_for_device(&bot.user_id).await;
    }
    (person, bot, room)
}

/// Every event of `room` (decrypted when possible), oldest first, as JSON.
pub async fn room_events(room: &Room) -> Vec<Value> {
    room_events_with_encryption(room)
        .await
        .into_iter()
        .map(|(event, _)| event)
        .collect()
}

/// Every event of `room`, oldest first, with whether it arrived encrypted.
pub async fn room_events_with_encryption(room: &Room) -> Vec<(Value, bool)> {
    let mut events = Vec::new();
    let mut from: Option<String> = None;
    for _ in 0..20 {
        let mut options = MessagesOptions::backward().from(from.as_deref());
        options.limit = 100u32.into();
        let page = room.messages(options).await.unwrap();
        for event in &page.chunk {
            let json: Value = serde_json::from_str(event.raw().json().get()).unwrap();
            events.push((json, event.encryption_info().is_some()));
        }
        match page.end {
            Some(end) if !page.chunk.is_empty() => from = Some(end),
            _ => break,
        }
    }
    events.reverse();
    events
}

/// The bot's events of `event_type` in `room` that satisfy `wanted`.
pub async fn bot_events(
    room: &Room,
    bot: &Bot,
    event_type: &str,
    wanted: impl Fn(&Value) -> bool,
) -> Vec<Value> {
    room_events(room)
        .await
        .into_iter()
        .filter(|event| {
            event["sender"] == bot.user_id.as_str() && event["type"] == event_type && wanted(event)
        })
        .collect()
}

/// Waits for the bot's first event of `event_type` in `room` that satisfies
/// `wanted`; on timeout, fails with the bot's log.
pub async fn wait_for_event(
    room: &Room,
    bot: &Bot,
    event_type: &str,
    wanted: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(event) = bot_events(room, bot, event_type, &wanted)
            .await
            .into_iter()
            .next()
        {
            return event;
        }
        assert!(
            Instant::now() < deadline,
            "no {event_type} as expected from the bot in {}\n{}",
            room.room_id(),
            bot.log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A predicate on a message's plain body.
pub fn body(wanted: impl Fn(&str) -> bool) -> impl Fn(&Value) -> bool {
    move |event| event["content"]["body"].as_str().is_some_and(&wanted)
}

/// Waits for a message from the bot in `room` whose body satisfies `wanted`.
pub async fn wait_for_message(room: &Room, bot: &Bot, wanted: impl Fn(&str) -> bool) -> Value {
    wait_for_event(room, bot, "m.room.message", body(wanted)).await
}

/// How many messages from the bot in `room` start with `prefix`.
pub async fn count_messages(room: &Room, bot: &Bot, prefix: &str) -> usize {
    bot_events(
        room,
        bot,
        "m.room.message",
        body(|text| text.starts_with(prefix)),
    )
    .await
    .len()
}

/// The bot's replies to `event_id`, counted with `/messages`.
pub async fn replies_to(room: &Room, bot: &UserId, event_id: &OwnedEventId) -> Vec<Value> {
    room_events(room)
        .await
        .into_iter()
        .filter(|event| {
            // Encrypted replies still carry their relation in clear; they
            // count once this client can read them.
            event["sender"] == bot.as_str()
                && event["type"] == "m.room.message"
                && event["content"]["m.relates_to"]["m.in_reply_to"]["event_id"]
                    == event_id.as_str()
        })
        .map(|event| event["content"].clone())
        .collect()
}

/// Waits until every event in `event_ids` has at least one reply; returns
/// the replies of each.
pub async fn wait_for_replies(
    room: &Room,
    bot: &UserId,
    event_ids: &[OwnedEventId],
) -> Vec<Vec<Value>> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let mut all = Vec::new();
        for event_id in event_ids {
            all.push(replies_to(room, bot, event_id).await);
        }
        if all.iter().all(|replies| !replies.is_empty()) {
            return all;
        }
        let answered = all.iter().filter(|replies| !replies.is_empty()).count();
        assert!(
            Instant::now() < deadline,
            "only {answered} of {} commands answered",
            event_ids.len()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The passphrase of every test bot's data directory.
pub const TEST_PASSPHRASE: &str = "dGhlIHRlc3QgYm90cycgZGF0YSBkaXJlY3RvcnkgcGFzc3BocmFzZQ==";

/// What seals a test bot's secret-ballot records.
pub fn test_seal() -> boucle::store::seal::Seal {
    boucle::store::seal::Seal::from_passphrase(TEST_PASSPHRASE)
}

/// A bot account, its configuration and data directory, and its process.
pub struct Bot {
    pub user_id: OwnedUserId,
    homeserver_url: String,
    password: String,
    pub directory: tempfile::TempDir,
    process: Option<Child>,
}

impl Bot {
    /// A bot account on the shared test homeserver.
    pub async fn new() -> Bot {
        Bot::new_on(homeserver()).await
    }

    /// A bot account on the homeserver at `server`.
    pub async fn new_on(server: &SynapseAddress) -> Bot {
        let localpart = unique("boucle");
        let password = "bot-password".to_owned();
        server
            .register(&localpart, &password, false)
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        Bot {
            user_id: server.user_id(&localpart).try_into().unwrap(),
            homeserver_url: server.url.clone(),
            password,
            directory: tempfile::tempdir().unwrap(),
            process: None,
        }
    }

    /// Writes a configuration with `hub` as the hub room and `admin` as admin.
    pub fn configure(&self, hub: &Room, admin: &UserId) -> PathBuf {
        let path = self.directory.path().join("config.toml");
        let config = format!(
            "[matrix]\nhomeserver = \"{}\"\nuser_id = \"{}\"\npassword_env = \"BOUCLE_TEST_PASSWORD\"\n\n\
             [bot]\npassphrase_env = \"BOUCLE_TEST_PASSPHRASE\"\ndata_dir = \"{}\"\n\n[assembly]\nhub_room = \"{}\"\nadmins = [\"{}\"]\n",
            self.homeserver_url,
            self.user_id,
            self.directory.path().join("data").display(),
            hub.room_id(),
            admin,
        );
        std::fs::write(&path, config).unwrap();
        path
    }

    /// Writes a configuration whose `[assembly]` and `[[theme]]` parts are
    /// `assembly` (TOML), for tests of working groups.
    pub fn configure_assembly(&self, assembly: &str) -> PathBuf {
        let path = self.directory.path().join("config.toml");
        let config = format!(
            "[matrix]\nhomeserver = \"{}\"\nuser_id = \"{}\"\npassword_env = \"BOUCLE_TEST_PASSWORD\"\n\n\
             [bot]\npassphrase_env = \"BOUCLE_TEST_PASSPHRASE\"\ndata_dir = \"{}\"\n\n{assembly}\n",
            self.homeserver_url,
            self.user_id,
            self.directory.path().join("data").display(),
        );
        std::fs::write(&path, config).unwrap();
        path
    }

    /// Writes the shipped `config.example.toml` with this bot's account and
    /// data directory, then `edit` applied to it.
    pub fn configure_from_example(
        &self,
        edit: impl FnOnce(&mut toml_edit::DocumentMut),
    ) -> PathBuf {
        // Rooms and admins on the test server: a room on example.org would
        // make Synapse try federation.
        let mut config: toml_edit::DocumentMut = include_str!("../../config.example.toml")
            .replace(":example.org", &format!(":{}", self.user_id.server_name()))
            .parse()
            .unwrap();
        config["matrix"]["homeserver"] = toml_edit::value(self.homeserver_url.as_str());
        config["matrix"]["user_id"] = toml_edit::value(self.user_id.as_str());
        config["matrix"]["password_env"] = toml_edit::value("BOUCLE_TEST_PASSWORD");
        config["bot"]["passphrase_env"] = toml_edit::value("BOUCLE_TEST_PASSPHRASE");
        config["bot"]["data_dir"] = toml_edit::value(self.data_dir().display().to_string());
        edit(&mut config);
        let path = self.directory.path().join("config.toml");
        std::fs::write(&path, config.to_string()).unwrap();
        path
    }

    pub fn data_dir(&self) -> PathBuf {
        self.directory.path().join("data")
    }

    /// The bot's own room alias for `suffix` (`#<bot>-<suffix>:server`).
    pub fn alias(&self, suffix: &str) -> String {
        format!(
            "#{}-{suffix}:{}",
            self.user_id.localpart(),
            self.user_id.server_name()
        )
    }

    pub fn start(&mut self, failpoint: Option<&str>) {
        assert!(self.process.is_none(), "already running");
        let config = self.directory.path().join("config.toml");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.directory.path().join("bot.log"))
            .unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_boucle"));
        command
            .arg("run")
            .arg("-c")
            .arg(&config)
            .env("BOUCLE_TEST_PASSWORD", &self.password)
            .env("BOUCLE_TEST_PASSPHRASE", TEST_PASSPHRASE)
            .env("BOUCLE_LOG", "trace")
            .env_remove("BOUCLE_FAILPOINT")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        if let Some(failpoint) = failpoint {
            command.env("BOUCLE_FAILPOINT", failpoint);
        }
        self.process = Some(command.spawn().unwrap());
    }

    /// SIGKILL, as a crash or an impatient operator would.
    pub fn kill(&mut self) {
        if let Some(mut process) = self.process.take() {
            let _ = process.kill();
            let _ = process.wait();
        }
    }

    /// Whether the process is still running (it never gives up by itself).
    pub fn is_running(&mut self) -> bool {
        self.process
            .as_mut()
            .is_some_and(|process| process.try_wait().unwrap().is_none())
    }

    /// Waits for the process to end by itself (a failpoint abort), and
    /// says how it ended.
    pub async fn wait_for_exit(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        let mut process = self.process.take().expect("running");
        loop {
            if let Some(status) = process.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the bot did not stop at its failpoint\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn device_id(&self) -> String {
        boucle::matrix::saved_device_id(&self.directory.path().join("data"), TEST_PASSPHRASE)
            .expect("the bot saved a session that opens with the test passphrase")
    }

    /// The bot's devices as the homeserver lists them, with its own token.
    pub async fn server_devices(&self) -> Vec<String> {
        let token =
            boucle::matrix::saved_token(&self.directory.path().join("data"), TEST_PASSPHRASE)
                .expect("the bot saved a session that opens with the test passphrase");
        let response: Value = reqwest::Client::new()
            .get(format!("{}/_matrix/client/v3/devices", self.homeserver_url))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        response["devices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|device| device["device_id"].as_str().unwrap().to_owned())
            .collect()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.directory.path().join("bot.log")).unwrap_or_default()
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A TCP port nobody listens on now, on loopback.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Every file under `directory` whose bytes contain `needle`.
pub fn files_containing(directory: &std::path::Path, needle: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(directory) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_containing(&path, needle));
        } else if std::fs::read(&path).is_ok_and(|bytes| {
            bytes
                .windows(needle.len())
                .any(|window| window == needle.as_bytes())
        }) {
            found.push(path);
        }
    }
    found
}
