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
const DEPENDENCIES: &str = "warn,matrix_sdk::http_client=off,matrix_sdk_crypto::backups=error";

/// The log filter for `BOUCLE_LOG`. A bare level there (`debug`) is
/// boucle's own; every other crate stays at `warn` unless named
/// (`BOUCLE_LOG=debug,matrix_sdk=debug`, for a deliberate investigation
/// that `docs/privacy.md` warns about).
pub fn directives(boucle_log: Option<&str>) -> String {
    let mut directives = vec![DEPENDENCIES.to_owned(), "boucle=info".to_owned()];
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_bare_level_is_boucles_own_and_other_crates_stay_quiet() {
        assert_eq!(
            super::directives(Some("trace")),
            format!("{},boucle=info,boucle=trace", super::DEPENDENCIES)
        );
        assert!(super::directives(None).starts_with("warn,"));
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
