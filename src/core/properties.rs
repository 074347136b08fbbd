//! Property tests of what people type: the command and date parsers never
//! panic on any input, and whatever the bot answers escapes the text it was
//! given (`formatted_body`), never pings a room, and always sets
//! `m.mentions`. The cases are generated (proptest); a failure prints the
//! smallest input that breaks the property.

use chrono::TimeZone;
use proptest::prelude::*;

use super::commands::{COMMANDS, parse};
use super::life::{Life, PEOPLE, Step};
use super::when::parse_when;
use super::*;

/// Pieces that stress the parsers and the escaping: markup, quotes of every
/// kind, separators, mentions, accents, numbers, dates, flags.
fn chunk() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<script>alert(1)</script>".to_owned()),
        Just("<img src=x onerror=alert(1)>".to_owned()),
        Just("<a href=\"javascript:x\">lien</a>".to_owned()),
        Just("&amp;".to_owned()),
        Just("@room".to_owned()),
        Just("@camille:example.org".to_owned()),
        Just("« guillemets »".to_owned()),
        Just("“curly”".to_owned()),
        Just("\"".to_owned()),
        Just("|".to_owned()),
        Just("\n".to_owned()),
        Just("--rappels".to_owned()),
        Just("--chaque".to_owned()),
        Just("20000000 semaines".to_owned()),
        Just("mois".to_owned()),
        Just("999j".to_owned()),
        Just("--anonyme".to_owned()),
        Just("jeudi 18h30".to_owned()),
        Just("31/02".to_owned()),
        Just("demain".to_owned()),
        Just("1".to_owned()),
        Just("99999999999999999999".to_owned()),
        Just("sante".to_owned()),
        Just("Énergie".to_owned()),
        "[a-zA-Z0-9 éàç'’:/.,-]{0,12}",
        any::<String>(),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(chunk(), 0..8).prop_map(|chunks| chunks.join(" "))
}

/// A command name from the catalog (French or English), or any word.
fn command_name() -> impl Strategy<Value = String> {
    let names: Vec<String> = COMMANDS
        .iter()
        .flat_map(|definition| [definition.french, definition.english])
        .map(str::to_owned)
        .collect();
    prop_oneof![prop::sample::select(names), "[a-z]{1,10}"]
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 10, 0, 0).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn the_command_parser_never_panics(body in text(), name in command_name()) {
        let _ = parse(&body, "!", Language::Fr);
        let _ = parse(&format!("!{name} {body}"), "!", Language::Fr);
        let _ = parse(&format!("!{name} {body}"), "!", Language::En);
    }

    #[test]
    fn the_date_parser_never_panics(text in text()) {
        let _ = parse_when(&text, chrono_tz::Europe::Paris, now());
    }

    /// Whatever is typed after whatever command, in a theme room, the hub,
    /// the deputy team's room or a direct chat, every reply escapes it and
    /// pings nobody by accident.
    #[test]
    fn every_reply_escapes_what_was_typed(
        name in command_name(),
        body in text(),
        room in prop::sample::select(super::fuzzing::ROOMS.to_vec()),
    ) {
        super::fuzzing::reply_safely(room, Language::Fr, format!("!{name} {body}"));
    }
}

/// Numbers as people type them, from small to absurd.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..10).prop_map(|n| n.to_string()),
        (0u64..2000).prop_map(|n| n.to_string()),
        any::<u32>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        Just("99999999999999999999999".to_owned()),
    ]
}

/// Commands whose numbers reach into dates: repeats, reminders, deadlines,
/// moves, slots and the general assembly, with any number in them.
fn dated_command() -> impl Strategy<Value = String> {
    let unit = prop::sample::select(vec![
        "semaines", "mois", "jours", "j", "h", "min", "sem", "ans",
    ]);
    (0usize..7, number(), number(), unit.clone(), unit).prop_map(|(template, a, b, u, v)| {
        match template {
            0 => format!("reunion demain 18h | Local --chaque {a} {u}"),
            1 => format!("reunion dans {a} {u} | Local --rappels {b}{v}"),
            2 => format!("sondage Q ? | A | B --jusqu'au dans {a} {u}"),
            3 => format!("deplacer {a} dans {b} {u}"),
            4 => format!("creneaux Rentrée | dans {a} {u} 18h | dans {b} {v} 18h"),
            5 => format!("ag dans {a} {u} 18h | Salle | Ordre du jour --rappels {b}{v}"),
            _ => format!("scrutin Q ? | A | B --jusqu'au dans {a} {u} --quorum {b}"),
        }
    })
}

fn step() -> impl Strategy<Value = Step> {
    let rooms = super::fuzzing::ROOMS.len();
    prop_oneof![
        6 => (0..rooms, 0..PEOPLE.len(), command_name(), text()).prop_map(
            |(room, person, name, text)| Step::Say { room, person, name, text }
        ),
        3 => (0..rooms, 0..PEOPLE.len(), dated_command()).prop_map(
            |(room, person, text)| Step::Say { room, person, name: String::new(), text }
        ),
        1 => (0..PEOPLE.len(), 0usize..64, prop_oneof![Just("1".to_owned()), Just("2".to_owned()), "[0-9a-z]{0,3}"])
            .prop_map(|(person, target, answer)| Step::Click { person, target, answer }),
        2 => (0..PEOPLE.len(), 0usize..64, prop_oneof![Just("✅".to_owned()), Just("❌".to_owned()), Just("🤔".to_owned()), any::<String>()])
            .prop_map(|(person, target, key)| Step::React { person, target, key }),
        1 => (0usize..64).prop_map(|target| Step::Redact { target }),
        1 => (0..PEOPLE.len(), 0usize..64, text()).prop_map(|(person, target, text)| Step::Edit { person, target, text }),
        2 => prop_oneof![0u32..120, 0u32..(60 * 24 * 400)].prop_map(|minutes| Step::Wait { minutes }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// The whole core, not only its parsers: random commands by several
    /// people in every kind of room, clicks, reactions, redactions, edits,
    /// and timers fired at random times, never panic; every message and
    /// event the bot would send is safe and fits the homeserver's limit.
    #[test]
    fn a_random_life_of_the_assembly_never_panics(steps in prop::collection::vec(step(), 1..48)) {
        let mut life = Life::seeded();
        for step in steps {
            life.play(step);
        }
    }
}
