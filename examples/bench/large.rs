//! Scenario 5's store: years of an assembly's life, built through the real
//! engine (so every record is what the bot itself would have written), then
//! written where the bot's data directory keeps its state.
//!
//! 2,000 members sign up (`!inscription`) in the theme rooms; 10,000
//! meetings are announced (`!reunion`) from four years ago to six months
//! ahead, two days before each; 5,000 field reports (`!remontee`) are filed
//! over the last two years. Each command is handled at the time it would
//! have been typed. What the bot would have sent then is dropped, as are
//! the timers already past and the ledger entries a running bot would have
//! pruned.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use boucle::config::Config;
use boucle::core::{IncomingMessage, Input, RoomPower, ThemeSettings, TimerPurpose};
use boucle::engine::Engine;
use boucle::store::records::{TimerEntry, decode};
use boucle::store::{Batch, MemoryStore, SledStore, Store, Tree};
use chrono::{DateTime, Duration, Utc};

pub const MEMBERS: usize = 2_000;
pub const MEETINGS: usize = 10_000;
pub const REPORTS: usize = 5_000;

pub struct Built {
    pub records: usize,
    pub took: std::time::Duration,
    /// The core's time to build `!agenda` in the hub (all themes), each run.
    pub agenda_ms: Vec<f64>,
    /// The core's time to build the team's digest, each run.
    pub digest_ms: Vec<f64>,
}

fn message(number: usize, room_id: &str, sender: &str, body: String, team: bool) -> Input {
    Input::Message(IncomingMessage {
        power: RoomPower::default(),
        sender_is_deputy_team: team,
        sender_in_assembly: true,
        ..IncomingMessage::text(&format!("$large{number}"), room_id, sender, body)
    })
}

/// Builds the store for the bot configured by `config_text`, whose rooms
/// are given by id, and writes it into `data_dir`.
pub fn build(
    config_text: &str,
    bot_user_id: &str,
    hub: &str,
    deputy: &str,
    themes: &[String],
    data_dir: &Path,
) -> Built {
    let started = Instant::now();
    let config = Config::parse(config_text).expect("the bench's configuration");
    let theme_settings: Vec<ThemeSettings> = config
        .themes
        .iter()
        .zip(themes)
        .map(|(theme, room)| ThemeSettings {
            slug: theme.slug.clone(),
            name: theme.name.clone(),
            room_id: Some(room.clone()),
        })
        .collect();
    let settings = config.settings(
        bot_user_id,
        Some(hub.to_owned()),
        Some(deputy.to_owned()),
        theme_settings,
    );
    let zone = settings.time_zone;
    let memory: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let engine = Engine::new(
        memory.clone(),
        boucle::store::seal::Seal::for_tests(),
        settings,
        None,
    )
    .expect("an engine");

    let now = Utc::now();
    let member = |index: usize| format!("@large{index}:localhost");
    let room_of = |index: usize| &themes[index % themes.len()];
    let mut inputs: Vec<(DateTime<Utc>, Input)> = Vec::new();
    let mut number = 0;
    let years = |count: f64| Duration::seconds((count * 365.25 * 86_400.0) as i64);
    let signed_up = now - years(4.5);
    for index in 0..MEMBERS {
        number += 1;
        inputs.push((
            signed_up + Duration::seconds(index as i64),
            message(
                number,
                room_of(index),
                &member(index),
                "!inscription".to_owned(),
                false,
            ),
        ));
    }
    let first = now - years(4.0);
    let span = years(4.5).num_seconds() / MEETINGS as i64;
    for index in 0..MEETINGS {
        number += 1;
        let at = (first + Duration::seconds(span * index as i64)).with_timezone(&zone);
        // Organised by one of the theme's members.
        let organiser = index % MEMBERS;
        inputs.push((
            at.with_timezone(&Utc) - Duration::days(2),
            message(
                number,
                room_of(organiser),
                &member(organiser),
                format!(
                    "!reunion {} | Salle {} | Point d'étape {index}",
                    at.format("%Y-%m-%d %H:%M"),
                    index % 40
                ),
                false,
            ),
        ));
    }
    let reports_from = now - years(2.0);
    let report_span = years(2.0).num_seconds() / REPORTS as i64;
    for index in 0..REPORTS {
        number += 1;
        let reporter = (index * 7) % MEMBERS;
        inputs.push((
            reports_from + Duration::seconds(report_span * index as i64),
            message(
                number,
                room_of(reporter),
                &member(reporter),
                format!(
                    "!remontee Remontée {index} : le bus de 7h15 ne passe plus à l'arrêt Mairie depuis la rentrée"
                ),
                false,
            ),
        ));
    }
    inputs.sort_by_key(|(at, _)| *at);
    for (at, input) in &inputs {
        engine.process(input, *at).expect("the engine takes it");
    }
    let (meetings, memberships, reports) = engine.read(|state| {
        (
            state.assembly.meetings.len(),
            state.assembly.memberships.len(),
            state.assembly.reports.len(),
        )
    });
    assert_eq!(
        (meetings, memberships, reports),
        (MEETINGS, MEMBERS, REPORTS),
        "every generated command left its record"
    );

    // The build times, on the full state, at the real time.
    let hub_agenda = message(0, hub, &member(0), "!agenda".to_owned(), false);
    let digest = Input::Timer {
        purpose: TimerPurpose::Digest,
    };
    let mut agenda_ms = Vec::new();
    let mut digest_ms = Vec::new();
    for _ in 0..20 {
        for (input, times) in [(&hub_agenda, &mut agenda_ms), (&digest, &mut digest_ms)] {
            let started = Instant::now();
            let outcome = engine.read(|state| boucle::core::handle(input, state, now));
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            assert!(!outcome.messages.is_empty(), "{input:?} answered");
        }
    }

    // What a running bot would no longer hold.
    engine
        .prune_ledger(now - Duration::days(2))
        .expect("pruned");
    let mut batch = Batch::default();
    for (key, _) in memory.scan_from(Tree::Outbox, &[], usize::MAX).unwrap() {
        batch.delete(Tree::Outbox, key);
    }
    for (key, value) in memory.scan_from(Tree::Timers, &[], usize::MAX).unwrap() {
        if decode::<TimerEntry>(&value).map_or(true, |timer| timer.due < now) {
            batch.delete(Tree::Timers, key);
        }
    }
    memory.apply(batch).unwrap();
    let dump = memory.dump().unwrap();
    let records = dump.trees.iter().map(|(_, entries)| entries.len()).sum();
    std::fs::create_dir_all(data_dir).unwrap();
    let state = SledStore::open(&boucle::maintenance::state_path(data_dir)).expect("sled");
    state.restore(&dump).expect("restored");
    drop(state);
    Built {
        records,
        took: started.elapsed(),
        agenda_ms,
        digest_ms,
    }
}
