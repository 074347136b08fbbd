//! The engine's tests: exactly once, the flood brake, failures caught,
//! refusals set aside, with the in-memory store.

use super::*;
use crate::core::{IncomingMessage, Settings};
use crate::i18n::Language;
use crate::store::MemoryStore;
use crate::store::domain::open_outbox_entry;

pub(crate) fn settings() -> Settings {
    Settings {
        bot_user_id: "@boucle:s".into(),
        prefix: "!".into(),
        language: Language::Fr,
        time_zone: chrono_tz::Europe::Paris,
        hub_room_id: Some("!hub:s".into()),
        deputy_room_id: None,
        admins: vec![],
        themes: vec![crate::core::ThemeSettings {
            slug: "sante".into(),
            name: "Santé".into(),
            room_id: Some("!sante:s".into()),
        }],
        proposal_threshold: 3,
        meeting_reminders: vec![1440, 60],
        digest: crate::core::DigestSchedule::default(),
        retention: crate::core::Retention::default(),
    }
}

/// The outbox's entries, opened, in the order they were written.
fn outbox_entries(store: &dyn Store) -> Vec<(Vec<u8>, OutboxEntry)> {
    let mut entries: Vec<(Vec<u8>, OutboxEntry)> = store
        .scan_prefix(Tree::Outbox, b"")
        .unwrap()
        .into_iter()
        .map(|(key, value)| {
            let entry = open_outbox_entry(&crate::store::seal::Seal::for_tests(), &value).unwrap();
            (key, entry)
        })
        .collect();
    entries.sort_by_key(|(key, _)| outbox_sequence(key));
    entries
}

/// The entries of one lane (a room, or `~dm:` and a person).
fn lane_entries(store: &dyn Store, lane: &str) -> Vec<(Vec<u8>, OutboxEntry)> {
    outbox_entries(store)
        .into_iter()
        .filter(|(_, entry)| entry.room_id == lane)
        .collect()
}

fn engine_on(store: Arc<dyn Store>) -> Engine {
    Engine::new(
        store,
        crate::store::seal::Seal::for_tests(),
        settings(),
        None,
    )
    .unwrap()
}

fn engine() -> Engine {
    engine_on(Arc::new(MemoryStore::new()))
}

pub(crate) fn message_in(room: &str, event_id: &str, body: &str) -> Input {
    Input::Message(IncomingMessage {
        power: crate::core::RoomPower::default(),
        sender_in_assembly: true,
        ..IncomingMessage::text(event_id, room, "@camille:s", body)
    })
}

fn command(event_id: &str, body: &str) -> Input {
    message_in("!r:s", event_id, body)
}

/// The flood brake with a scripted clock: one person sending 30 commands
/// at once gets 20 answers and one notice; the rest are recorded as
/// handled (never answered later), and someone else is answered.
#[test]
fn a_flooding_member_is_slowed_with_one_notice() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let engine = engine_on(store.clone());
    let now = Utc::now();
    let mut replies = 0;
    for index in 0..30 {
        let event_id = format!("$flood{index}");
        match engine.process(&command(&event_id, "!aide"), now).unwrap() {
            Processed::Committed { messages, .. } => replies += messages,
            other => panic!("{other:?}"),
        }
        assert!(
            engine.is_handled(&event_id).unwrap(),
            "{event_id} in the ledger"
        );
    }
    assert_eq!(replies, crate::flood::LIMIT + 1);
    let notices: Vec<String> = outbox_entries(store.as_ref())
        .into_iter()
        .filter_map(|(_, entry)| match entry.item {
            OutboxItem::Message { content, .. } => content["body"].as_str().map(str::to_owned),
            _ => None,
        })
        .filter(|body| body.starts_with("Doucement"))
        .collect();
    assert_eq!(notices.len(), 1, "{notices:?}");
    let Input::Message(mut other) = command("$calm", "!aide") else {
        unreachable!()
    };
    other.sender = "@yann:s".into();
    assert_eq!(
        engine.process(&Input::Message(other), now).unwrap(),
        Processed::Committed {
            messages: 1,
            actions: 0
        }
    );
    // A minute later the flooder is answered again.
    assert_eq!(
        engine
            .process(
                &command("$later", "!aide"),
                now + chrono::Duration::seconds(61)
            )
            .unwrap(),
        Processed::Committed {
            messages: 1,
            actions: 0
        }
    );
}

#[test]
fn a_sign_up_is_stored_and_survives_a_restart_with_its_invite_queued() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let engine = engine_on(store.clone());
    let now = Utc::now();
    assert_eq!(
        engine
            .process(&message_in("!hub:s", "$1", "!inscription sante"), now)
            .unwrap(),
        Processed::Committed {
            messages: 1,
            actions: 1
        }
    );
    let outbox: Vec<OutboxEntry> = outbox_entries(store.as_ref())
        .into_iter()
        .map(|(_, entry)| entry)
        .collect();
    assert!(outbox.iter().any(|entry| entry.room_id == "!sante:s"
        && entry.item
            == OutboxItem::Invite {
                user_id: "@camille:s".into()
            }));
    let restarted = engine_on(store);
    assert!(restarted.read(|state| state.assembly.membership("sante", "@camille:s").is_some()));
}

#[test]
fn a_fired_timer_is_handled_once_and_sets_the_next_one() {
    let engine = engine();
    let now = Utc::now();
    engine
        .ensure_timer(TimerPurpose::Retention, now - chrono::Duration::minutes(1))
        .unwrap();
    engine.ensure_timer(TimerPurpose::Retention, now).unwrap();
    let fired = engine.scheduler().next().unwrap().expect("a timer is due");
    assert_eq!(fired.entry.purpose, "retention");
    assert!(matches!(
        engine.process_timer(&fired, now).unwrap(),
        Processed::Committed { .. }
    ));
    assert_eq!(
        engine.process_timer(&fired, now).unwrap(),
        Processed::AlreadyHandled
    );
    let timers = engine.store().scan_prefix(Tree::Timers, b"").unwrap();
    assert_eq!(timers.len(), 1, "exactly the next run is set");
    let next: TimerEntry = decode(&timers[0].1).unwrap();
    assert!(next.due > now && next.due <= now + chrono::Duration::days(1));
}

#[test]
fn reminders_fired_together_are_one_batch_and_one_message_per_room() {
    use chrono::TimeZone;
    let engine = engine();
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap();
    for (index, place) in ["Local", "Mairie", "Gare"].iter().enumerate() {
        let body = format!("!reunion jeudi 18h30 | {place}");
        let event_id = format!("${index}");
        engine
            .process(&message_in("!sante:s", &event_id, &body), now)
            .unwrap();
    }
    let outbox_before = engine.store().scan_prefix(Tree::Outbox, b"").unwrap().len();
    let first_due = engine.scheduler().next().unwrap().unwrap().entry.due;
    let fired = engine.scheduler().due(first_due, 100).unwrap();
    assert_eq!(fired.len(), 3, "the three day-before reminders: {fired:?}");
    assert_eq!(
        engine.process_timers(&fired, first_due).unwrap(),
        vec![Processed::Committed {
            messages: 1,
            actions: 0
        }]
    );
    let outbox = engine.store().scan_prefix(Tree::Outbox, b"").unwrap();
    assert_eq!(outbox.len(), outbox_before + 1, "one message for the room");
    assert_eq!(engine.metrics().reminders_sent.get(), 3);
    assert_eq!(engine.metrics().reminders_late.get(), 0);
    // Fired again (a crash before the scheduler forgot them): nothing more.
    assert_eq!(
        engine.process_timers(&fired, first_due).unwrap(),
        vec![Processed::AlreadyHandled]
    );
    let timers = engine.store().scan_prefix(Tree::Timers, b"").unwrap();
    assert!(
        timers
            .iter()
            .all(|(key, _)| fired.iter().all(|timer| &timer.key != key))
    );
    assert_eq!(
        engine.store().scan_prefix(Tree::Outbox, b"").unwrap().len(),
        outbox_before + 1
    );
}

#[test]
fn a_command_is_committed_once_with_its_reply_in_the_outbox() {
    let engine = engine();
    let now = Utc::now();
    let input = command("$1", "!aide");
    assert_eq!(
        engine.process(&input, now).unwrap(),
        Processed::Committed {
            messages: 1,
            actions: 0
        }
    );
    assert_eq!(
        engine.process(&input, now).unwrap(),
        Processed::AlreadyHandled
    );
    let outbox = outbox_entries(engine.store().as_ref());
    assert_eq!(outbox.len(), 1, "answered exactly once");
    let entry = outbox[0].1.clone();
    assert_eq!(entry.room_id, "!r:s");
    let OutboxItem::Message { content, .. } = entry.item else {
        panic!("a message expected");
    };
    assert_eq!(content["m.relates_to"]["m.in_reply_to"]["event_id"], "$1");
    assert!(engine.is_handled("$1").unwrap());
}

#[test]
fn the_ledger_forgets_only_what_is_beyond_the_window() {
    let engine = engine();
    let now = Utc::now();
    let long_ago = now - chrono::Duration::days(3);
    engine.process(&command("$old", "!aide"), long_ago).unwrap();
    engine.process(&command("$new", "!aide"), now).unwrap();
    assert_eq!(
        engine
            .prune_ledger(now - chrono::Duration::days(2))
            .unwrap(),
        1
    );
    assert!(!engine.is_handled("$old").unwrap());
    assert!(engine.is_handled("$new").unwrap());
}

/// The core with a bug: any message saying "boom", the retention job,
/// and the reminders of meeting 2 panic.
fn buggy(input: &Input, state: &State, now: DateTime<Utc>) -> Outcome {
    match input {
        Input::Message(message) if message.body.contains("boom") => panic!("a bug"),
        Input::Timer {
            purpose: TimerPurpose::Retention,
        } => panic!("a bug"),
        Input::Reminders(due) if due.iter().any(|reminder| reminder.meeting == 2) => {
            panic!("a bug")
        }
        _ => core::handle(input, state, now),
    }
}

fn ledger_entry(engine: &Engine, key: &str) -> LedgerEntry {
    decode(
        &engine
            .store()
            .get(Tree::Ledger, key.as_bytes())
            .unwrap()
            .unwrap(),
    )
    .unwrap()
}

#[test]
fn a_command_that_panics_gets_an_apology_once_and_the_bot_carries_on() {
    let engine = engine().with_handler(buggy);
    let now = Utc::now();
    assert_eq!(
        engine.process(&command("$bug", "!aide boom"), now).unwrap(),
        Processed::Committed {
            messages: 1,
            actions: 0
        }
    );
    assert!(ledger_entry(&engine, "$bug").failed);
    assert_eq!(engine.metrics().handling_failures.get(), 1);
    let outbox = outbox_entries(engine.store().as_ref());
    let entry = outbox[0].1.clone();
    let OutboxItem::Message { content, .. } = entry.item else {
        panic!("a message expected");
    };
    assert!(
        content["body"].as_str().unwrap().starts_with("Désolé"),
        "{content}"
    );
    assert_eq!(content["m.relates_to"]["m.in_reply_to"]["event_id"], "$bug");
    // Not tried again (at the next start, for instance).
    assert_eq!(
        engine.process(&command("$bug", "!aide boom"), now).unwrap(),
        Processed::AlreadyHandled
    );
    // The state is not poisoned: the next command is answered.
    assert_eq!(
        engine.process(&command("$next", "!aide"), now).unwrap(),
        Processed::Committed {
            messages: 1,
            actions: 0
        }
    );
    assert!(!ledger_entry(&engine, "$next").failed);
    assert_eq!(engine.metrics().handling_failures.get(), 1);
    // An ordinary message that panics is recorded, and answered by nobody.
    assert_eq!(
        engine.process(&command("$chat", "boom"), now).unwrap(),
        Processed::Committed {
            messages: 0,
            actions: 0
        }
    );
    assert!(ledger_entry(&engine, "$chat").failed);
}

#[test]
fn a_timer_that_panics_is_removed_and_does_not_fire_again() {
    let engine = engine().with_handler(buggy);
    let now = Utc::now();
    engine
        .ensure_timer(TimerPurpose::Retention, now - chrono::Duration::minutes(1))
        .unwrap();
    let fired = engine.scheduler().next().unwrap().expect("a timer is due");
    assert!(matches!(
        engine.process_timer(&fired, now).unwrap(),
        Processed::Committed { .. }
    ));
    assert_eq!(engine.metrics().handling_failures.get(), 1);
    assert!(
        engine
            .store()
            .scan_prefix(Tree::Timers, b"")
            .unwrap()
            .is_empty(),
        "the failing timer is gone, not stored to fail at every start"
    );
    assert_eq!(
        engine.process(&command("$after", "!aide"), now).unwrap(),
        Processed::Committed {
            messages: 1,
            actions: 0
        }
    );
}

#[test]
fn reminders_due_with_one_that_panics_still_go_for_the_others() {
    use chrono::TimeZone;
    let engine = engine().with_handler(buggy);
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap();
    for (index, place) in ["Local", "Mairie", "Gare"].iter().enumerate() {
        let body = format!("!reunion jeudi 18h30 | {place}");
        engine
            .process(&message_in("!sante:s", &format!("${index}"), &body), now)
            .unwrap();
    }
    let outbox_before = engine.store().scan_prefix(Tree::Outbox, b"").unwrap().len();
    let first_due = engine.scheduler().next().unwrap().unwrap().entry.due;
    let fired = engine.scheduler().due(first_due, 100).unwrap();
    assert_eq!(fired.len(), 3);
    engine.process_timers(&fired, first_due).unwrap();
    assert_eq!(engine.metrics().handling_failures.get(), 1);
    let outbox = outbox_entries(engine.store().as_ref());
    let bodies: Vec<String> = outbox[outbox_before..]
        .iter()
        .filter_map(|(_, entry)| match entry.item.clone() {
            OutboxItem::Message { content, .. } => content["body"].as_str().map(str::to_owned),
            _ => None,
        })
        .collect();
    assert_eq!(bodies.len(), 2, "meetings 1 and 3 reminded: {bodies:?}");
    assert!(
        bodies.iter().any(|body| body.contains("Local")),
        "{bodies:?}"
    );
    assert!(
        bodies.iter().any(|body| body.contains("Gare")),
        "{bodies:?}"
    );
    assert!(
        !bodies.iter().any(|body| body.contains("Mairie")),
        "{bodies:?}"
    );
}

/// Editing a report 500 times does not post 500 cards: edits, like
/// commands, go through the flood brake (and so do reactions).
#[test]
fn a_report_edited_in_a_loop_is_braked_like_commands() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let mut settings = settings();
    settings.deputy_room_id = Some("!deputy:s".into());
    let engine = Engine::new(
        store.clone(),
        crate::store::seal::Seal::for_tests(),
        settings,
        None,
    )
    .unwrap();
    let now = Utc::now();
    engine
        .process(
            &message_in("!sante:s", "$report", "!remontee Le bus ne passe plus"),
            now,
        )
        .unwrap();
    engine
        .process(
            &Input::Sent {
                tag: "report:1".into(),
                event_id: "$card".into(),
            },
            now,
        )
        .unwrap();
    let in_deputy_room = |store: &Arc<dyn Store>| lane_entries(store.as_ref(), "!deputy:s").len();
    let before = in_deputy_room(&store);
    for index in 0..500 {
        let Input::Message(mut edit) = message_in(
            "!sante:s",
            &format!("$edit{index}"),
            &format!("!remontee Le bus ne passe plus ({index})"),
        ) else {
            unreachable!()
        };
        edit.is_edit = true;
        edit.replaces = Some("$report".into());
        engine.process(&Input::Message(edit), now).unwrap();
    }
    let cards = in_deputy_room(&store) - before;
    // The first command counted too: 19 edits reach the team.
    assert_eq!(
        cards,
        crate::flood::LIMIT - 1,
        "{cards} updates sent to the team"
    );
    assert!(engine.metrics().commands_throttled.get() >= 480);
    // Reactions too: a hundred clicks on an announcement, twenty taken.
    engine
        .process(
            &message_in("!sante:s", "$m", "!reunion jeudi 18h | Local"),
            now + chrono::Duration::minutes(5),
        )
        .unwrap();
    let later = now + chrono::Duration::minutes(5);
    engine
        .process(
            &Input::Sent {
                tag: "meeting:1".into(),
                event_id: "$announce".into(),
            },
            later,
        )
        .unwrap();
    let mut committed = 0;
    for index in 0..100 {
        let reaction = Input::Reaction {
            event_id: format!("$r{index}"),
            room_id: "!sante:s".into(),
            sender: "@camille:s".into(),
            relates_to: "$announce".into(),
            key: if index % 2 == 0 { "✅" } else { "❌" }.into(),
            at: later,
        };
        engine.process(&reaction, later).unwrap();
        let taken = engine.read(|state| {
            state.assembly.rsvps.values().any(|rsvp| {
                rsvp.reaction_event_id.as_deref() == Some(format!("$r{index}").as_str())
            })
        });
        committed += usize::from(taken);
    }
    // Twenty in the minute, the meeting's own command included.
    assert_eq!(committed, crate::flood::LIMIT - 1, "{committed}");
}

/// Regression (issue 17): the general assembly's announcements in the
/// theme rooms shared one ledger key, so only the first event id was
/// recorded and reactions in the other rooms were ignored.
#[test]
fn each_general_assembly_announcement_is_answered_by_reaction() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let mut settings = settings();
    settings.admins = vec!["@camille:s".into()];
    let engine = Engine::new(
        store.clone(),
        crate::store::seal::Seal::for_tests(),
        settings,
        None,
    )
    .unwrap();
    let now = Utc::now();
    engine
        .process(
            &message_in("!hub:s", "$ag", "!ag samedi 14h | Salle des fêtes | Bilan"),
            now,
        )
        .unwrap();
    let tags: Vec<String> = outbox_entries(store.as_ref())
        .into_iter()
        .filter_map(|(_, entry)| match entry.item {
            OutboxItem::Message { report, .. } => report,
            _ => None,
        })
        .collect();
    assert_eq!(tags.len(), 2, "{tags:?}");
    for (tag, event) in tags.iter().zip(["$in-hub", "$in-sante"]) {
        engine
            .process(
                &Input::Sent {
                    tag: tag.clone(),
                    event_id: event.into(),
                },
                now,
            )
            .unwrap();
    }
    engine
        .process(
            &Input::Reaction {
                event_id: "$yes".into(),
                room_id: "!sante:s".into(),
                sender: "@yann:s".into(),
                relates_to: "$in-sante".into(),
                key: "✅".into(),
                at: now,
            },
            now,
        )
        .unwrap();
    assert!(engine.read(|state| {
        state
            .assembly
            .rsvps
            .contains_key(&(1, "@yann:s".to_owned()))
    }));
}

/// A refused message leaves its lane for the dead letters, without its
/// text; the admins hear of it once a day per lane and reason.
#[test]
fn a_refused_entry_is_set_aside_and_told_to_the_admins_once_a_day() {
    use crate::core::delivery::Refusal;
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let mut settings = settings();
    settings.admins = vec!["@admin:s".into()];
    let engine = Engine::new(
        store.clone(),
        crate::store::seal::Seal::for_tests(),
        settings,
        None,
    )
    .unwrap();
    let now = Utc::now();
    for index in 0..3 {
        engine
            .process(&message_in("!sante:s", &format!("$m{index}"), "!aide"), now)
            .unwrap();
    }
    let lane = |engine: &Engine| lane_entries(engine.store().as_ref(), "!sante:s");
    let entries = lane(&engine);
    assert_eq!(entries.len(), 3);
    for (key, entry) in &entries[..2] {
        engine
            .set_aside(key, entry, Refusal::TooLarge, now)
            .unwrap();
    }
    assert_eq!(lane(&engine).len(), 1, "the lane goes on with the third");
    let dead: Vec<DeadLetter> = store
        .scan_prefix(Tree::DeadLetters, b"")
        .unwrap()
        .iter()
        .map(|(_, value)| decode(value).unwrap())
        .collect();
    assert_eq!(dead.len(), 2);
    assert_eq!(dead[0].room_id.as_deref(), Some("!sante:s"));
    assert_eq!(dead[0].reason, Refusal::TooLarge);
    let stored = format!("{:?}", store.dump().unwrap());
    assert!(
        !stored.contains("Commandes disponibles"),
        "no text kept aside"
    );
    let reports: Vec<OutboxEntry> = lane_entries(store.as_ref(), "~dm:@admin:s")
        .into_iter()
        .map(|(_, entry)| entry)
        .collect();
    assert_eq!(reports.len(), 1, "told once: {reports:?}");
    let OutboxItem::Direct { user_id, content } = &reports[0].item else {
        panic!("a direct message");
    };
    assert_eq!(user_id, "@admin:s");
    assert!(
        content["body"].as_str().unwrap().contains("trop grand"),
        "{content}"
    );
    assert_eq!(engine.metrics().dead_letters.get(), 2);
    // The next day, the same refusal is told again.
    let (key, entry) = lane(&engine).remove(0);
    engine
        .set_aside(
            &key,
            &entry,
            Refusal::TooLarge,
            now + chrono::Duration::days(1),
        )
        .unwrap();
    assert_eq!(lane_entries(store.as_ref(), "~dm:@admin:s").len(), 2);
}

#[test]
fn ordinary_messages_leave_no_trace() {
    let engine = engine();
    let input = command("$2", "bonjour");
    assert_eq!(
        engine.process(&input, Utc::now()).unwrap(),
        Processed::Ignored
    );
    assert!(!engine.is_handled("$2").unwrap());
    assert!(
        engine
            .store()
            .scan_prefix(Tree::Outbox, b"")
            .unwrap()
            .is_empty()
    );
}

/// Issue 18, part 4: an encrypted message from a room the bot has not
/// noted as encrypted (its state not seen yet, or noting it failed) marks
/// the room encrypted before it is handled, so that what it says is never
/// carried into a clear room: here, a report into the team's clear room.
#[test]
fn an_encrypted_message_marks_its_room_encrypted_before_anything_is_carried() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let settings = Settings {
        deputy_room_id: Some("!deputy:s".into()),
        ..settings()
    };
    let engine = Engine::new(
        store.clone(),
        crate::store::seal::Seal::for_tests(),
        settings,
        None,
    )
    .unwrap();
    let now = Utc::now();
    let Input::Message(mut report) = message_in(
        "!sante:s",
        "$report",
        "!remontee Le dispensaire ferme le samedi",
    ) else {
        unreachable!()
    };
    report.sent_encrypted = true;
    engine.process(&Input::Message(report), now).unwrap();
    assert!(engine.read(|state| crate::core::encryption::is_encrypted(state, "!sante:s")));
    let to_the_team = lane_entries(store.as_ref(), "!deputy:s");
    assert!(
        to_the_team
            .iter()
            .all(|(_, entry)| !format!("{:?}", entry.item).contains("dispensaire")),
        "{to_the_team:?}"
    );
    // And the person is told, in the room.
    let told = lane_entries(store.as_ref(), "!sante:s");
    assert_eq!(told.len(), 1, "{told:?}");
}
