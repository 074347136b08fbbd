//! Every value boucle persists, with its schema version.
//!
//! A record is stored as JSON with a `"v"` field beside its own. Reading a
//! version this build does not know is an error, never a guess; each record
//! type has a snapshot test below, so a change of format shows in review and
//! calls for a new version and a migration.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::StoreError;

/// A type stored in a tree.
pub trait Record: Serialize + DeserializeOwned {
    /// Name used in error messages.
    const KIND: &'static str;
    /// The schema version this build writes and reads.
    const VERSION: u32;
}

pub fn encode<R: Record>(record: &R) -> Vec<u8> {
    let mut value = serde_json::to_value(record).expect("records serialise to JSON");
    if let Value::Object(fields) = &mut value {
        fields.insert("v".to_owned(), Value::from(R::VERSION));
    }
    serde_json::to_vec(&value).expect("JSON values serialise")
}

pub fn decode<R: Record>(bytes: &[u8]) -> Result<R, StoreError> {
    let decode_error = |details: String| StoreError::Decode {
        kind: R::KIND,
        details,
    };
    let mut value: Value =
        serde_json::from_slice(bytes).map_err(|error| decode_error(error.to_string()))?;
    let Value::Object(fields) = &mut value else {
        return Err(decode_error("not a JSON object".to_owned()));
    };
    let found = fields
        .remove("v")
        .and_then(|version| version.as_u64())
        .unwrap_or(0);
    if found != u64::from(R::VERSION) {
        return Err(StoreError::UnsupportedVersion {
            kind: R::KIND,
            found,
            expected: R::VERSION,
        });
    }
    serde_json::from_value(value).map_err(|error| decode_error(error.to_string()))
}

/// An event boucle has handled: its effects and replies are committed.
/// Keyed by event id. Holds no message text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub room_id: String,
    pub handled_at: DateTime<Utc>,
}

impl Record for LedgerEntry {
    const KIND: &'static str = "ledger entry";
    const VERSION: u32 = 1;
}

/// A message waiting to be delivered. Keyed by [`outbox_key`]; the
/// transaction id sent to the homeserver derives from the key, so a resend
/// after a crash is recognised by the server and never duplicated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub room_id: String,
    pub event_type: String,
    pub content: Value,
    pub created_at: DateTime<Utc>,
}

impl Record for OutboxEntry {
    const KIND: &'static str = "outbox entry";
    const VERSION: u32 = 1;
}

/// Outbox key: room id, a zero byte, then the sequence number big-endian, so
/// a prefix scan on the room yields its messages in order.
pub fn outbox_key(room_id: &str, sequence: u64) -> Vec<u8> {
    let mut key = outbox_room_prefix(room_id);
    key.extend_from_slice(&sequence.to_be_bytes());
    key
}

pub fn outbox_room_prefix(room_id: &str) -> Vec<u8> {
    let mut key = room_id.as_bytes().to_vec();
    key.push(0);
    key
}

/// The sequence number at the end of an outbox key.
pub fn outbox_sequence(key: &[u8]) -> Option<u64> {
    let tail: [u8; 8] = key.get(key.len().checked_sub(8)?..)?.try_into().ok()?;
    Some(u64::from_be_bytes(tail))
}

/// The room id at the start of an outbox key.
pub fn outbox_room(key: &[u8]) -> Option<&str> {
    let end = key.iter().position(|byte| *byte == 0)?;
    std::str::from_utf8(&key[..end]).ok()
}

/// Where sync resumes: saved only once every event before it is handled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncCursor {
    pub next_batch: String,
}

impl Record for SyncCursor {
    const KIND: &'static str = "sync cursor";
    const VERSION: u32 = 1;
}

pub const SYNC_CURSOR_KEY: &[u8] = b"sync_cursor";

/// When this bot first started: nothing older is ever replayed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstStart {
    pub at: DateTime<Utc>,
}

impl Record for FirstStart {
    const KIND: &'static str = "first start";
    const VERSION: u32 = 1;
}

pub const FIRST_START_KEY: &[u8] = b"first_start";

/// Something to do at a given time. Keyed by [`timer_key`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimerEntry {
    pub due: DateTime<Utc>,
    /// What to do, named by the capability that set the timer.
    pub purpose: String,
}

impl Record for TimerEntry {
    const KIND: &'static str = "timer";
    const VERSION: u32 = 1;
}

/// Timer key: due time in milliseconds big-endian, then a unique id, so the
/// first key is always the next timer due.
pub fn timer_key(due: DateTime<Utc>, id: u64) -> Vec<u8> {
    let millis = u64::try_from(due.timestamp_millis()).unwrap_or(0);
    let mut key = millis.to_be_bytes().to_vec();
    key.extend_from_slice(&id.to_be_bytes());
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use expect_test::{Expect, expect};

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, 8, 30, 0).unwrap()
    }

    fn snapshot<R: Record + PartialEq + std::fmt::Debug>(record: R, expected: Expect) {
        let bytes = encode(&record);
        expected.assert_eq(std::str::from_utf8(&bytes).unwrap());
        assert_eq!(decode::<R>(&bytes).unwrap(), record, "round trip");
    }

    #[test]
    fn ledger_entry_format() {
        snapshot(
            LedgerEntry {
                room_id: "!r:s".into(),
                handled_at: at(),
            },
            expect![[r#"{"handled_at":"2026-11-29T08:30:00Z","room_id":"!r:s","v":1}"#]],
        );
    }

    #[test]
    fn outbox_entry_format() {
        snapshot(
            OutboxEntry {
                room_id: "!r:s".into(),
                event_type: "m.room.message".into(),
                content: serde_json::json!({"body": "x"}),
                created_at: at(),
            },
            expect![[
                r#"{"content":{"body":"x"},"created_at":"2026-11-29T08:30:00Z","event_type":"m.room.message","room_id":"!r:s","v":1}"#
            ]],
        );
    }

    #[test]
    fn meta_and_timer_formats() {
        snapshot(
            SyncCursor {
                next_batch: "s72_1".into(),
            },
            expect![[r#"{"next_batch":"s72_1","v":1}"#]],
        );
        snapshot(
            FirstStart { at: at() },
            expect![[r#"{"at":"2026-11-29T08:30:00Z","v":1}"#]],
        );
        snapshot(
            TimerEntry {
                due: at(),
                purpose: "test".into(),
            },
            expect![[r#"{"due":"2026-11-29T08:30:00Z","purpose":"test","v":1}"#]],
        );
    }

    #[test]
    fn an_unknown_version_is_refused_not_guessed() {
        let error = decode::<SyncCursor>(br#"{"next_batch":"x","v":2}"#).unwrap_err();
        assert!(matches!(
            error,
            StoreError::UnsupportedVersion {
                found: 2,
                expected: 1,
                ..
            }
        ));
        let error = decode::<SyncCursor>(br#"{"next_batch":"x"}"#).unwrap_err();
        assert!(matches!(
            error,
            StoreError::UnsupportedVersion { found: 0, .. }
        ));
        assert!(matches!(
            decode::<SyncCursor>(b"garbage"),
            Err(StoreError::Decode { .. })
        ));
    }

    #[test]
    fn outbox_keys_order_by_room_then_sequence() {
        let a1 = outbox_key("!a:s", 1);
        let a2 = outbox_key("!a:s", 256);
        let b1 = outbox_key("!b:s", 0);
        assert!(a1 < a2 && a2 < b1);
        assert_eq!(outbox_sequence(&a2), Some(256));
        assert_eq!(outbox_room(&a2), Some("!a:s"));
        assert!(a1.starts_with(&outbox_room_prefix("!a:s")));
        assert!(!outbox_key("!ab:s", 0).starts_with(&outbox_room_prefix("!a:s")));
    }

    #[test]
    fn timer_keys_order_by_due_time() {
        let early = timer_key(at(), 9);
        let late = timer_key(at() + chrono::Duration::seconds(1), 1);
        assert!(early < late);
    }
}
