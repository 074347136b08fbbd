//! Data written by older versions is read by this one.
//!
//! `tests/fixtures/exports/` holds export files, one per schema generation:
//! every file there must import, load and start an engine. The newest,
//! `current.json`, is the export of [`populated_store`], a store filled by a
//! script of real commands so that every tree holds records. When a record's
//! format changes, the test comparing it fails: keep the old file under a
//! new name (it becomes the fixture of the old schema, read by every later
//! version), then regenerate `current.json` with `UPDATE_EXPECT=1`.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::core::{IncomingMessage, Input, Joined, RoomPower, Settings, ThemeSettings};
use crate::engine::Engine;
use crate::i18n::Language;
use crate::store::domain::{load_assembly, open_outbox_entry};
use crate::store::records::{
    FIRST_START_KEY, FirstStart, LedgerEntry, SPACE_KEY, SYNC_CURSOR_KEY, SpaceRecord, SyncCursor,
    TimerEntry, decode, encode, outbox_sequence,
};
use crate::store::{Batch, MemoryStore, Store, Tree, export};

const HUB: &str = "!hub:example.org";
const SANTE: &str = "!sante:example.org";
const DEPUTY: &str = "!deputy:example.org";
const DIRECT: &str = "!dm-yann:example.org";
const ADMIN: &str = "@camille:example.org";
const YANN: &str = "@yann:example.org";
const LOU: &str = "@lou:example.org";
const ZOE: &str = "@zoe:example.org";

fn settings() -> Settings {
    Settings {
        bot_user_id: "@boucle:example.org".into(),
        prefix: "!".into(),
        language: Language::Fr,
        time_zone: chrono_tz::Europe::Paris,
        hub_room_id: Some(HUB.into()),
        deputy_room_id: Some(DEPUTY.into()),
        admins: vec![ADMIN.into()],
        themes: vec![ThemeSettings {
            slug: "sante".into(),
            name: "Santé".into(),
            room_id: Some(SANTE.into()),
        }],
        proposal_threshold: 2,
        meeting_reminders: vec![1440, 60],
        digest: crate::core::DigestSchedule::default(),
        retention: crate::core::Retention::default(),
    }
}

struct Script {
    engine: Engine,
    now: DateTime<Utc>,
    counter: usize,
}

impl Script {
    fn event_id(&mut self) -> String {
        self.counter += 1;
        format!("$e{}", self.counter)
    }

    fn input(&mut self, input: Input) {
        self.engine.process(&input, self.now).unwrap();
    }

    fn say(&mut self, room: &str, sender: &str, body: &str) {
        let event_id = self.event_id();
        self.input(Input::Message(IncomingMessage {
            power: RoomPower {
                users: [(ADMIN.to_owned(), 100)].into(),
                users_default: 0,
                invite: 0,
                redact: 50,
                redaction_event: 0,
            },
            sender_is_deputy_team: sender == ADMIN,
            sender_in_assembly: true,
            is_direct: room == DIRECT,
            sent_encrypted: room == DIRECT,
            ..IncomingMessage::text(&event_id, room, sender, body)
        }));
    }

    fn sent(&mut self, tag: &str) -> String {
        let event_id = self.event_id();
        self.input(Input::Sent {
            tag: tag.into(),
            event_id: event_id.clone(),
        });
        event_id
    }
}

/// A store holding records of every kind, written by the engine from
/// commands as people type them (and by hand for what the adapter writes).
pub(crate) fn populated_store() -> MemoryStore {
    let store = Arc::new(MemoryStore::new());
    let mut script = Script {
        engine: Engine::new(
            store.clone(),
            crate::store::seal::Seal::for_tests(),
            settings(),
            None,
        )
        .unwrap(),
        now: Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0).unwrap(),
        counter: 0,
    };
    let joined = script.event_id();
    script.input(Input::Joined(Joined {
        event_id: joined,
        room_id: SANTE.into(),
        user_id: YANN.into(),
        display_name: Some("Yann".into()),
    }));
    script.say(HUB, YANN, "!inscription sante");
    script.say(SANTE, ADMIN, &format!("!coordination {YANN}"));
    script.say(SANTE, YANN, "!profil commune Quimperlé");
    script.say(HUB, LOU, "!theme proposer Transports");
    script.say(HUB, ZOE, "!theme proposer Culture");
    script.say(HUB, YANN, "!soutenir 2");
    script.say(SANTE, YANN, "!sondage Quel jour ?\nMardi\nJeudi");
    script.sent("poll:1");
    script.say(SANTE, LOU, "!vote 1 Jeudi");
    // Three members: a secret ballot opens with three electors at least.
    script.say(HUB, LOU, "!inscription sante");
    script.say(HUB, ZOE, "!inscription sante");
    script.say(SANTE, YANN, "!scrutin Pour ou contre ? | Pour | Contre");
    script.input(Input::Electorate {
        number: 1,
        members: vec![YANN.into(), LOU.into(), ZOE.into()],
    });
    script.say(DIRECT, YANN, "!voter 1 Pour");
    script.say(SANTE, YANN, "!reunion jeudi 18h30 | Local | Préparer l'AG");
    script.sent("meeting:1");
    script.say(SANTE, LOU, "!participe 1");
    script.say(SANTE, LOU, "!rappels salon");
    script.say(
        SANTE,
        YANN,
        "!creneaux Réunion de rentrée | mardi 18h | jeudi 18h30",
    );
    let slot = script.sent("slot:1:0");
    let reaction = script.event_id();
    script.input(Input::Reaction {
        event_id: reaction,
        room_id: SANTE.into(),
        sender: LOU.into(),
        relates_to: slot,
        key: "✅".into(),
        at: script.now,
    });
    script.say(SANTE, LOU, "!remontee Le bus de 7h15 ne passe plus");
    script.sent("report:1");
    script.say(
        SANTE,
        ZOE,
        "!intervenant Collectif Eau Pure | qualité de l'eau | contact@exemple.fr",
    );
    script.say(DIRECT, YANN, "!remontee");
    script.say(DEPUTY, ADMIN, "!digest");
    script.say(DIRECT, ZOE, "!oublier confirmer");
    // A reminder handled after the meeting started is kept for the digest.
    let reminder = store
        .scan_prefix(Tree::Timers, b"")
        .unwrap()
        .into_iter()
        .map(|(key, value)| (key, decode::<TimerEntry>(&value).unwrap()))
        .find(|(_, entry)| entry.purpose.starts_with("reminder"))
        .expect("a reminder timer");
    script.now = reminder.1.due + Duration::days(2);
    let fired = crate::scheduler::FiredTimer {
        key: reminder.0,
        entry: reminder.1,
    };
    script.engine.process_timer(&fired, script.now).unwrap();
    // A message the homeserver refused for good, set aside.
    let (key, entry) = store
        .scan_prefix(Tree::Outbox, b"")
        .unwrap()
        .into_iter()
        .map(|(key, value)| {
            (
                key,
                open_outbox_entry(script.engine.seal(), &value).unwrap(),
            )
        })
        .filter(|(_, entry)| entry.room_id == SANTE)
        .min_by_key(|(key, _)| outbox_sequence(key))
        .expect("a message for the theme room");
    script
        .engine
        .set_aside(
            &key,
            &entry,
            crate::core::delivery::Refusal::TooLarge,
            script.now,
        )
        .unwrap();
    // A poll being written question by question, left open.
    script.say(SANTE, ZOE, "!sondage");
    script.say(SANTE, ZOE, "Quel jour pour la fête ?");
    // What the adapter writes itself.
    let at = Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap();
    let mut batch = Batch::default();
    batch
        .put(
            Tree::Meta,
            FIRST_START_KEY.to_vec(),
            encode(&FirstStart { at }),
        )
        .put(
            Tree::Meta,
            SYNC_CURSOR_KEY.to_vec(),
            encode(&SyncCursor {
                next_batch: "s72_1_0".into(),
            }),
        )
        .put(
            Tree::Meta,
            SPACE_KEY.to_vec(),
            encode(&SpaceRecord {
                room_id: "!space:example.org".into(),
            }),
        );
    store.apply(batch).unwrap();
    drop(script);
    Arc::try_unwrap(store).expect("the engine is gone")
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exports")
}

#[test]
fn the_populated_store_has_records_in_every_tree() {
    let dump = populated_store().dump().unwrap();
    for (tree, entries) in &dump.trees {
        assert!(!entries.is_empty(), "no record in {}", tree.name());
    }
}

#[test]
fn the_current_fixture_is_this_versions_export() {
    let text = export::to_text(&populated_store().dump().unwrap());
    let path = fixtures().join("current.json");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == text,
        "the export format or a record's format changed: keep {} under a new name \
         (it is now an old schema's fixture), then run with UPDATE_EXPECT=1",
        path.display()
    );
}

/// Every fixture, however old, is imported, read and started on.
#[test]
fn every_fixture_export_is_read_by_this_version() {
    let mut read = 0;
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let dump = export::from_text(&text).unwrap_or_else(|error| panic!("{path:?}: {error}"));
        let store = Arc::new(MemoryStore::new());
        store.restore(&dump).unwrap();
        load_assembly(store.as_ref(), &crate::store::seal::Seal::for_tests())
            .unwrap_or_else(|error| panic!("{path:?}: {error}"));
        for (_, value) in dump.entries(Tree::Outbox) {
            open_outbox_entry(&crate::store::seal::Seal::for_tests(), value)
                .unwrap_or_else(|error| panic!("{path:?}: {error}"));
        }
        for (_, value) in dump.entries(Tree::Ledger) {
            decode::<LedgerEntry>(value).unwrap_or_else(|error| panic!("{path:?}: {error}"));
        }
        for (_, value) in dump.entries(Tree::Timers) {
            decode::<TimerEntry>(value).unwrap_or_else(|error| panic!("{path:?}: {error}"));
        }
        Engine::new(
            store,
            crate::store::seal::Seal::for_tests(),
            settings(),
            None,
        )
        .unwrap_or_else(|error| panic!("{path:?}: {error}"));
        read += 1;
    }
    assert!(read >= 2, "the current fixture and at least one older one");
}
