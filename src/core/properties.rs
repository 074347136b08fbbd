//! Property tests of what people type: the command and date parsers never
//! panic on any input, and whatever the bot answers escapes the text it was
//! given (`formatted_body`), never pings a room, and always sets
//! `m.mentions`. The cases are generated (proptest); a failure prints the
//! smallest input that breaks the property.

use chrono::TimeZone;
use proptest::prelude::*;

use super::commands::{COMMANDS, parse};
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
