//! The bodies of the fuzz targets (`fuzz/`, run with `cargo fuzz`; see
//! `docs/fuzzing.md`). They live here, in the library, so that `cargo test`
//! runs them too on the seed corpus (`tests/fuzz_seeds.rs`, which reads the
//! files: the core itself never touches the file system) and they cannot rot.
//!
//! Each takes raw bytes, as a fuzzer gives them, and panics when a property
//! breaks: a parser panicking, or a reply that lets typed markup into its
//! `formatted_body`, says `@room`, or leaves `m.mentions` out.

use chrono::{DateTime, TimeZone, Utc};

use super::commands::{COMMANDS, parse};
use super::when::parse_when;
use super::{
    DigestSchedule, IncomingMessage, Input, Language, Retention, RoomPower, Settings, State,
    ThemeSettings, handle,
};

const THEME: &str = "!theme:fuzz.example";
const HUB: &str = "!hub:fuzz.example";
const DEPUTY: &str = "!deputy:fuzz.example";
const DIRECT: &str = "!direct:fuzz.example";
/// A theme room, the hub, the deputy team's room and a direct chat.
pub const ROOMS: [&str; 4] = [THEME, HUB, DEPUTY, DIRECT];

/// Markup that must never reach a reply's `formatted_body` as markup.
pub const INJECTED: [&str; 4] = ["<script", "<img", "<a href=\"javascript", "<b>Camille"];

pub(super) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 10, 0, 0)
        .single()
        .expect("a valid date")
}

pub(super) fn settings(language: Language) -> Settings {
    Settings {
        bot_user_id: "@boucle:fuzz.example".into(),
        prefix: "!".into(),
        language,
        time_zone: chrono_tz::Europe::Paris,
        hub_room_id: Some(HUB.into()),
        deputy_room_id: Some(DEPUTY.into()),
        admins: vec!["@admin:fuzz.example".into()],
        themes: vec![ThemeSettings {
            slug: "sante".into(),
            name: "Santé".into(),
            room_id: Some(THEME.into()),
        }],
        proposal_threshold: 3,
        meeting_reminders: vec![1440, 60],
        digest: DigestSchedule::default(),
        retention: Retention::default(),
    }
}

/// `body` typed by `sender` (with a hostile display name) in `room`.
pub(super) fn message_from(room: &str, sender: &str, body: String) -> IncomingMessage {
    IncomingMessage {
        sender_display_name: Some("<b>Camille</b> @room\n\u{202E}".into()),
        power: RoomPower::default(),
        sender_in_assembly: true,
        is_direct: room == DIRECT,
        sent_encrypted: room == DIRECT,
        ..IncomingMessage::text("$fuzz", room, sender, body)
    }
}

/// Panics unless `content` (a message the bot would send) is safe: no
/// injected markup in `formatted_body`, no `@room`, `m.mentions` set.
pub fn assert_safe(content: &serde_json::Value) {
    let html = content["formatted_body"].as_str().unwrap_or_default();
    let plain = content["body"].as_str().unwrap_or_default();
    for injected in INJECTED {
        assert!(!html.contains(injected), "{injected} in {html}");
    }
    assert!(
        !plain.contains("@room") && !html.contains("@room"),
        "@room in {plain}"
    );
    assert!(
        content["m.mentions"].is_object(),
        "no m.mentions: {content}"
    );
}

/// The command parser and the whole reply path. The first byte picks the
/// room, the language and a command name from the catalog (so the fuzzer
/// reaches every command's arguments quickly); the rest is what follows it.
pub fn commands(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let typed = String::from_utf8_lossy(rest);
    let language = if selector & 1 == 0 {
        Language::Fr
    } else {
        Language::En
    };
    let room = ROOMS[usize::from(selector >> 1) % ROOMS.len()];
    let definition = &COMMANDS[usize::from(selector >> 3) % COMMANDS.len()];
    let name = if selector & 4 == 0 {
        definition.french
    } else {
        definition.english
    };
    let _ = parse(&typed, "!", language);
    let body = format!("!{name} {typed}");
    let _ = parse(&body, "!", language);
    reply_safely(room, language, body);
}

/// Hands `body`, typed by someone with a hostile display name, to the core
/// in `room` (one of [`ROOMS`]) and checks every reply with [`assert_safe`].
pub fn reply_safely(room: &str, language: Language, body: String) {
    let Ok(state) = State::new(settings(language)) else {
        panic!("the fuzzing settings are valid");
    };
    let message = message_from(room, "@camille:fuzz.example", body);
    let outcome = handle(&Input::Message(message), &state, now());
    for outgoing in &outcome.messages {
        assert_safe(&outgoing.content());
    }
}

/// The date parser: any text, in any case, never panics, and a date it
/// accepts is never in the past.
pub fn dates(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(when) = parse_when(&text, chrono_tz::Europe::Paris, now()) {
        assert!(
            when.at.with_timezone(&Utc) > now(),
            "{text:?} read as past {when:?}"
        );
    }
}

/// The whole core, driven by bytes: each step a kind, its parameters and,
/// for what is typed, a length and that many bytes of text (a command from
/// the catalog is put first on half of them). Nothing may panic, and every
/// message and event the bot would send must be safe and fit the event
/// size (see [`super::life`]).
pub fn life(data: &[u8]) {
    use super::life::{Life, PEOPLE, Step};
    let mut life = Life::seeded();
    let mut bytes = data.iter().copied();
    let mut next = move || bytes.next();
    let text = |next: &mut dyn FnMut() -> Option<u8>| -> String {
        let length = usize::from(next().unwrap_or(0));
        let raw: Vec<u8> = (0..length).map_while(|_| next()).collect();
        String::from_utf8_lossy(&raw).into_owned()
    };
    let people = PEOPLE.len();
    for _ in 0..64 {
        let Some(kind) = next() else { break };
        let a = usize::from(next().unwrap_or(0));
        let b = usize::from(next().unwrap_or(0));
        let step = match kind % 6 {
            0 | 1 => {
                let definition = &COMMANDS[b % COMMANDS.len()];
                let name = if kind & 8 == 0 {
                    definition.french
                } else {
                    definition.english
                };
                Step::Say {
                    room: a % ROOMS.len(),
                    person: (a >> 4) % people,
                    name: if kind & 16 == 0 {
                        name.to_owned()
                    } else {
                        String::new()
                    },
                    text: text(&mut next),
                }
            }
            2 => Step::Click {
                person: a % people,
                target: b,
                answer: text(&mut next),
            },
            3 => Step::React {
                person: a % people,
                target: b,
                key: ["✅", "❌", "🤔", "👍"][a % 4].to_owned(),
            },
            4 => {
                if a % 2 == 0 {
                    Step::Redact { target: b }
                } else {
                    Step::Edit {
                        person: a % people,
                        target: b,
                        text: text(&mut next),
                    }
                }
            }
            _ => Step::Wait {
                minutes: u32::from(u16::from_be_bytes([a as u8, b as u8])) * 8,
            },
        };
        life.play(step);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "in <b>x")]
    fn an_unsafe_reply_is_caught() {
        // The checker itself must be able to fail.
        assert_safe(&serde_json::json!({
            "body": "x", "formatted_body": "<b>x</b> <script>", "m.mentions": {},
        }));
    }
}
