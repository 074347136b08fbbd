//! What the logs say about rooms and events: a pseudonym, never the id.
//!
//! A direct chat's room id stands for the person in it, and an event's id
//! for its sender (the homeserver maps both back). With the time of every
//! log line, the id of the direct chat where someone voted would say who
//! voted when. So the logs name rooms and events by a keyed digest that
//! changes at every start: lines of one run can be followed, and nobody,
//! the operator included, can map them back to a room or a person. Rooms
//! from the configuration and the assembly's own rooms are logged by
//! address where an operator needs it (joining them, the Space).

use std::fmt;
use std::sync::OnceLock;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// This process's key, from the system's random source.
fn key() -> &'static [u8; 32] {
    static KEY: OnceLock<[u8; 32]> = OnceLock::new();
    KEY.get_or_init(|| {
        let mut key = [0u8; 32];
        let read = std::fs::File::open("/dev/urandom")
            .and_then(|mut random| std::io::Read::read_exact(&mut random, &mut key));
        if read.is_err() {
            // No random source: the start time still differs between runs.
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|elapsed| elapsed.as_nanos())
                .unwrap_or_default();
            key[..16].copy_from_slice(&nanos.to_be_bytes());
            key[16..20].copy_from_slice(&std::process::id().to_be_bytes());
        }
        key
    })
}

/// What the other crates may log, whatever `BOUCLE_LOG` asks: the SDK and
/// the HTTP stack log room ids, user ids and request paths at debug and
/// trace, which boucle cannot mask.
/// Their warnings too can name a room or a sender (in a message or a span's
/// fields), so only their errors are shown, as boucle's own errors show an
/// error's text through [`error`].
const DEPENDENCIES: &str = "error,matrix_sdk::http_client=off";

/// Dependencies' messages known to be harmless for a bot, silenced by their
/// target (the module that logs them), so that nobody reads them as a
/// breakdown: `matrix_sdk::room` logs an error when it cannot work out the
/// push rules' context of a room it has not fully loaded (push rules decide
/// a person's notifications; the bot has none), and the crypto crate's
/// identity manager warns « Our own device might have been deleted » while
/// the homeserver's device list catches up with a new login.
pub const NOISE: &str = "matrix_sdk::room=off,matrix_sdk_crypto::identities::manager=error";

/// In the local demo (no configuration), where the logs go to a file: the
/// dependencies' warnings too, bar [`NOISE`], and boucle's `info`.
pub fn demo_directives(boucle_log: Option<&str>) -> String {
    let mut directives = vec![
        "warn".to_owned(),
        "matrix_sdk::http_client=off".to_owned(),
        NOISE.to_owned(),
        "boucle=info".to_owned(),
    ];
    directives.extend(user_directives(boucle_log));
    directives.join(",")
}

fn user_directives(boucle_log: Option<&str>) -> Vec<String> {
    let mut directives = Vec::new();
    for directive in boucle_log.unwrap_or_default().split(',') {
        let directive = directive.trim();
        if directive.is_empty() {
            continue;
        }
        if directive.contains('=') || directive.contains('[') {
            directives.push(directive.to_owned());
        } else {
            directives.push(format!("boucle={directive}"));
        }
    }
    directives
}

/// The log filter for `BOUCLE_LOG`. A bare level there (`debug`) is
/// boucle's own; every other crate stays at `error` unless named
/// (`BOUCLE_LOG=debug,matrix_sdk=debug`, for a deliberate investigation
/// that `docs/privacy.md` warns about).
pub fn directives(boucle_log: Option<&str>) -> String {
    let mut directives = vec![
        DEPENDENCIES.to_owned(),
        NOISE.to_owned(),
        "boucle=info".to_owned(),
    ];
    directives.extend(user_directives(boucle_log));
    directives.join(",")
}

/// A room or event as the logs show it: `room#3fa9c1d2`.
pub struct Pseudonym {
    kind: &'static str,
    digest: [u8; 4],
}

impl fmt::Display for Pseudonym {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}#{}", self.kind, hex::encode(self.digest))
    }
}

fn pseudonym(kind: &'static str, id: &str) -> Pseudonym {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key()).expect("HMAC takes any key");
    mac.update(id.as_bytes());
    let bytes = mac.finalize().into_bytes();
    let mut digest = [0; 4];
    digest.copy_from_slice(&bytes[..4]);
    Pseudonym { kind, digest }
}

/// How the logs name the room `id`.
pub fn room(id: impl AsRef<str>) -> Pseudonym {
    pseudonym("room", id.as_ref())
}

/// How the logs name the event `id`.
pub fn event(id: impl AsRef<str>) -> Pseudonym {
    pseudonym("event", id.as_ref())
}

/// An error's text as the logs show it: URLs (whose paths hold room and
/// user ids, percent-encoded) replaced by `<url>`, and Matrix ids in the
/// homeserver's messages (`User @anna:s not in room !dm:s`) by pseudonyms.
pub fn error(error: &impl fmt::Display) -> String {
    let text = error.to_string();
    let mut shown = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while !rest.is_empty() {
        let start = rest.find(|c: char| !is_separator(c)).unwrap_or(rest.len());
        shown.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(is_separator).unwrap_or(rest.len());
        let word = &rest[..end];
        rest = &rest[end..];
        if word.contains("://") {
            shown.push_str("<url>");
        } else if let Some(kind) = id_kind(word) {
            shown.push_str(&pseudonym(kind, word).to_string());
        } else {
            shown.push_str(word);
        }
    }
    shown
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | '"' | '\'' | ',' | '[' | ']' | '<' | '>')
}

/// What `word` names, if it is a Matrix room, user, alias or event id.
fn id_kind(word: &str) -> Option<&'static str> {
    let kind = match word.chars().next()? {
        '!' => "room",
        '#' => "room",
        '@' => "user",
        '$' => return (word.len() > 1).then_some("event"),
        _ => return None,
    };
    let (local, server) = word[1..].split_once(':')?;
    (!local.is_empty() && !server.is_empty()).then_some(kind)
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_errors_text_names_no_room_person_or_event() {
        let raw = "error sending request for url (https://hs.example/_matrix/client/v3/rooms/%21dm-anna%3As/send/m.room.message/1): \
                   [403 / M_FORBIDDEN] User @anna:s not in room !dm-anna:s, event $vote-4Camille";
        let shown = super::error(&raw);
        for secret in ["anna", "%21", "hs.example", "Camille", "dm-"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(
            shown.contains("M_FORBIDDEN") && shown.contains("<url>"),
            "{shown}"
        );
        assert!(
            shown.contains("user#") && shown.contains("room#"),
            "{shown}"
        );
        assert_eq!(super::error(&"timed out after 30s"), "timed out after 30s");
    }

    /// The filters, applied by a real subscriber: the known noise is gone,
    /// the same crates' other messages are not.
    #[test]
    fn known_noise_is_silenced_by_target_and_the_rest_shows() {
        use std::sync::{Arc, Mutex};
        #[derive(Clone, Default)]
        struct Lines(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Lines {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        for directives in [super::directives(None), super::demo_directives(None)] {
            let lines = Lines::default();
            let writer = lines.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(&directives))
                .with_writer(move || writer.clone())
                .finish();
            tracing::subscriber::with_default(subscriber, || {
                tracing::error!(target: "matrix_sdk::room", "Could not compute power levels for push conditions");
                tracing::warn!(target: "matrix_sdk_crypto::identities::manager", "Our own device might have been deleted");
                tracing::error!(target: "matrix_sdk_crypto::identities::manager", "a real crypto error");
                tracing::error!(target: "matrix_sdk::client", "a real client error");
                tracing::info!(target: "boucle::matrix", "boucle is running");
                tracing::debug!(target: "boucle::matrix", "a detail");
            });
            let written = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
            assert!(!written.contains("power levels"), "{directives}: {written}");
            assert!(!written.contains("might have been deleted"), "{written}");
            assert!(written.contains("a real crypto error"), "{written}");
            assert!(written.contains("a real client error"), "{written}");
            assert!(written.contains("boucle is running"), "{written}");
            assert!(!written.contains("a detail"), "{written}");
        }
    }

    #[test]
    fn a_bare_level_is_boucles_own_and_other_crates_stay_quiet() {
        assert_eq!(
            super::directives(Some("trace")),
            format!(
                "{},{},boucle=info,boucle=trace",
                super::DEPENDENCIES,
                super::NOISE
            )
        );
        assert!(super::directives(None).starts_with("error,"));
        assert!(super::directives(Some("matrix_sdk=debug")).ends_with(",matrix_sdk=debug"));
    }

    #[test]
    fn a_pseudonym_is_stable_within_a_run_and_hides_the_id() {
        let first = super::room("!dm-anna:s").to_string();
        assert_eq!(first, super::room("!dm-anna:s").to_string());
        assert_ne!(first, super::room("!dm-bruno:s").to_string());
        assert!(
            first.starts_with("room#") && !first.contains("anna"),
            "{first}"
        );
        assert_ne!(
            super::event("$e").to_string(),
            super::room("$e").to_string()[..]
        );
    }
}
