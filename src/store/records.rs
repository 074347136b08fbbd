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

    /// Rewrites a record of an older version `from` into the next version's
    /// shape. Called once per version step, so each migration stays small.
    /// `None`: this version cannot be read.
    fn upgrade(from: u64, record: Value) -> Option<Value> {
        let _ = (from, record);
        None
    }
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
    let unsupported = StoreError::UnsupportedVersion {
        kind: R::KIND,
        found,
        expected: R::VERSION,
    };
    if found == 0 || found > u64::from(R::VERSION) {
        return Err(unsupported);
    }
    for version in found..u64::from(R::VERSION) {
        value = match R::upgrade(version, value) {
            Some(upgraded) => upgraded,
            None => return Err(unsupported),
        };
    }
    serde_json::from_value(value).map_err(|error| decode_error(error.to_string()))
}

/// An event boucle has handled: its effects and replies are committed.
/// Keyed by event id. Holds no message text, no room and only the day: the
/// ledger must not say who wrote to the bot when (a vote in a direct chat
/// would show beside the ballot box). Version 1 kept the room and the time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// The day (UTC) it was handled, for forgetting old entries.
    pub handled_on: chrono::NaiveDate,
    /// Handling it failed (a bug): recorded so that it is not tried again
    /// at every start. Absent, and so `false`, in entries that succeeded
    /// and in those written before it existed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub failed: bool,
}

impl Record for LedgerEntry {
    const KIND: &'static str = "ledger entry";
    const VERSION: u32 = 2;

    fn upgrade(from: u64, mut record: Value) -> Option<Value> {
        match from {
            // v1 → v2: the room goes, the time becomes its day.
            1 => {
                let fields = record.as_object_mut()?;
                fields.remove("room_id");
                let at: DateTime<Utc> =
                    serde_json::from_value(fields.remove("handled_at")?).ok()?;
                fields.insert(
                    "handled_on".to_owned(),
                    serde_json::to_value(at.date_naive()).ok()?,
                );
                Some(record)
            }
            _ => None,
        }
    }
}

/// Something to do on Matrix, waiting until the homeserver has done it.
/// Keyed by [`outbox_key`]; the transaction id sent to the homeserver derives
/// from the key, so a resend after a crash is recognised by the server and
/// never duplicated. `room_id` is the lane: entries of one lane run in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub room_id: String,
    pub item: OutboxItem,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OutboxItem {
    /// A room event, sent as is. With `report`, the event id the
    /// homeserver gives it goes back to the engine under that tag.
    Message {
        event_type: String,
        content: Value,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        report: Option<String>,
    },
    /// Re-read a closing poll's votes and hand them to the engine.
    FinishPoll { number: u64, start_event_id: String },
    /// List the lane room's joined members as a secret ballot's electorate.
    FreezeElectorate { number: u64 },
    /// A message to one person, in their direct chat with the bot (found or
    /// created). Lane: [`DIRECT_LANE_PREFIX`] and the user id.
    Direct { user_id: String, content: Value },
    /// Invite a person into the lane's room.
    Invite { user_id: String },
    /// Create a theme's room in the Space; the result goes back to the engine.
    CreateThemeRoom {
        slug: String,
        name: String,
        topic: String,
    },
    /// Redact an event of the lane's room (a counted vote). Sent once the
    /// entry's earlier messages are, like any other.
    Redact { event_id: String },
    /// Upload a text file and post it in one person's direct chat with the
    /// bot (as [`OutboxItem::Direct`]: found, or created encrypted). Lane:
    /// [`DIRECT_LANE_PREFIX`] and the user id, so it follows the messages
    /// written to them before.
    DirectFile {
        user_id: String,
        file_name: String,
        content_type: String,
        content: String,
    },
    /// Upload a text file and post it in the lane's room.
    File {
        file_name: String,
        /// Absent in entries written before calendars: JSON exports.
        #[serde(default = "json_content_type")]
        content_type: String,
        content: String,
    },
}

fn json_content_type() -> String {
    "application/json".to_owned()
}

/// The lane of actions not tied to an existing room (room creation).
pub const CREATION_LANE: &str = "~create";

/// The lanes of messages to one person: this prefix, then the user id.
pub const DIRECT_LANE_PREFIX: &str = "~dm:";

impl Record for OutboxEntry {
    const KIND: &'static str = "outbox entry";
    const VERSION: u32 = 4;

    /// Version 1 held only messages: `event_type` and `content` at the top.
    /// Version 3 added redactions, version 4 files sent in a direct chat: an
    /// older entry is a newer one as it is, and an older boucle refuses
    /// (rather than misreads) what it does not know.
    fn upgrade(from: u64, mut record: Value) -> Option<Value> {
        match from {
            2 | 3 => Some(record),
            1 => {
                let fields = record.as_object_mut()?;
                let event_type = fields.remove("event_type")?;
                let content = fields.remove("content")?;
                fields.insert(
                    "item".to_owned(),
                    serde_json::json!({
                        "type": "message",
                        "event_type": event_type,
                        "content": content,
                    }),
                );
                Some(record)
            }
            _ => None,
        }
    }
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

/// The assembly's Space, once the bot created it (when the configuration
/// names none). Kept in `Meta` under [`SPACE_KEY`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceRecord {
    pub room_id: String,
}

impl Record for SpaceRecord {
    const KIND: &'static str = "space";
    const VERSION: u32 = 1;
}

pub const SPACE_KEY: &[u8] = b"space";

/// Someone asked to be forgotten: their data is gone from the records, and
/// this says the backups still need scrubbing and the database compacting.
/// Kept in `Meta` under [`erasure_key`] only until that is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingErasure {
    pub at: DateTime<Utc>,
}

impl Record for PendingErasure {
    const KIND: &'static str = "pending erasure";
    const VERSION: u32 = 1;
}

/// An outbox entry the homeserver refused for good, set aside. Only what
/// an operator needs to understand it: no text, and no person (a direct
/// chat is recorded as such, not as whose). Keyed by the entry's sequence
/// number, big-endian.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
    /// The room it was for; `None` for a direct chat or a room creation.
    pub room_id: Option<String>,
    /// What it was: `message`, `invite`, `file`, `direct`, …
    pub item: String,
    pub reason: crate::core::delivery::Refusal,
    pub created_at: DateTime<Utc>,
    pub refused_at: DateTime<Utc>,
}

impl Record for DeadLetter {
    const KIND: &'static str = "dead letter";
    const VERSION: u32 = 1;
}

pub const ERASURE_PREFIX: &[u8] = b"erasure/";

/// A secret ballot closed: its electors are gone from the records, and the
/// backups still hold them (sealed) until the clean-up. Kept in `Meta`
/// under this prefix and the ballot's number (big-endian), with the time of
/// closing as a [`PendingErasure`].
pub const CLOSED_BALLOT_PREFIX: &[u8] = b"closed-ballot/";

pub fn closed_ballot_key(ballot: u64) -> Vec<u8> {
    let mut key = CLOSED_BALLOT_PREFIX.to_vec();
    key.extend_from_slice(&ballot.to_be_bytes());
    key
}

pub fn erasure_key(user_id: &str) -> Vec<u8> {
    let mut key = ERASURE_PREFIX.to_vec();
    key.extend_from_slice(user_id.as_bytes());
    key
}

use crate::core::assembly::DigestState;
use crate::core::assembly::{
    Ballot, BallotBox, Coordination, Elector, Meeting, Membership, MissedReminder, Poll, Profile,
    Proposal, ReminderPreference, Report, Rsvp, SlotAnswer, SlotPoll, Speaker, ThemeRecord, Vote,
    Welcome,
};

impl Record for crate::core::assembly::Dialogue {
    const KIND: &'static str = "dialogue";
    const VERSION: u32 = 1;
}

impl Record for crate::core::assembly::ReportDraft {
    const KIND: &'static str = "report draft";
    const VERSION: u32 = 1;
}

impl Record for Speaker {
    const KIND: &'static str = "speaker";
    const VERSION: u32 = 1;
}

impl Record for DigestState {
    const KIND: &'static str = "digest state";
    const VERSION: u32 = 1;
}

/// Where the last digest's time is kept in `Meta`.
pub const DIGEST_KEY: &[u8] = b"digest";

/// A room the bot saw encrypted, kept in `Meta` under this prefix and the
/// room's id (see `core::encryption`).
pub const ENCRYPTED_ROOM_PREFIX: &[u8] = b"encrypted-room/";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptedRoom {}

impl Record for EncryptedRoom {
    const KIND: &'static str = "encrypted room";
    const VERSION: u32 = 1;
}

impl Record for Report {
    const KIND: &'static str = "report";
    const VERSION: u32 = 1;
}

impl Record for SlotPoll {
    const KIND: &'static str = "slot poll";
    const VERSION: u32 = 1;
}

impl Record for SlotAnswer {
    const KIND: &'static str = "slot answer";
    const VERSION: u32 = 1;
}

impl Record for Meeting {
    const KIND: &'static str = "meeting";
    const VERSION: u32 = 1;
}

impl Record for Rsvp {
    const KIND: &'static str = "rsvp";
    const VERSION: u32 = 1;
}

impl Record for ReminderPreference {
    const KIND: &'static str = "reminder preference";
    const VERSION: u32 = 1;
}

impl Record for MissedReminder {
    const KIND: &'static str = "missed reminder";
    const VERSION: u32 = 1;
}

impl Record for Ballot {
    const KIND: &'static str = "ballot";
    const VERSION: u32 = 1;
}

impl Record for Elector {
    const KIND: &'static str = "elector";
    const VERSION: u32 = 1;
}

impl Record for BallotBox {
    const KIND: &'static str = "ballot box";
    const VERSION: u32 = 1;
}

impl Record for super::seal::Sealed {
    const KIND: &'static str = "sealed record";
    const VERSION: u32 = 1;
}

/// What a sealed elector record holds (`store::seal`): the ballot and the
/// person are inside, so that the record's key names nobody.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedElector {
    pub ballot: u64,
    pub user_id: String,
    pub voted: bool,
}

impl Record for SealedElector {
    const KIND: &'static str = "sealed elector";
    const VERSION: u32 = 1;
}

/// What a sealed ballot box holds: its ballot's number, so that two boxes
/// with the same counts do not show as equal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedBallotBox {
    pub ballot: u64,
    #[serde(rename = "box")]
    pub ballot_box: BallotBox,
}

impl Record for SealedBallotBox {
    const KIND: &'static str = "sealed ballot box";
    const VERSION: u32 = 1;
}

/// What a sealed report draft holds: the person is inside, so that the
/// record's key (a keyed digest) names nobody.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedReportDraft {
    pub user_id: String,
    pub draft: crate::core::assembly::ReportDraft,
}

impl Record for SealedReportDraft {
    const KIND: &'static str = "sealed report draft";
    const VERSION: u32 = 1;
}

impl Record for Poll {
    const KIND: &'static str = "poll";
    const VERSION: u32 = 2;

    /// Version 1 had no withdrawals and kept a published poll's votes
    /// instead of its counts (they are counted from those votes).
    fn upgrade(from: u64, mut record: Value) -> Option<Value> {
        match from {
            1 => {
                let fields = record.as_object_mut()?;
                fields.insert("withdrawn".to_owned(), Value::Array(Vec::new()));
                fields.insert("results".to_owned(), Value::Null);
                Some(record)
            }
            _ => None,
        }
    }
}

impl Record for Vote {
    const KIND: &'static str = "vote";
    const VERSION: u32 = 1;
}

impl Record for ThemeRecord {
    const KIND: &'static str = "theme";
    const VERSION: u32 = 1;
}

impl Record for Membership {
    const KIND: &'static str = "membership";
    const VERSION: u32 = 1;
}

impl Record for Coordination {
    const KIND: &'static str = "coordination";
    const VERSION: u32 = 1;
}

impl Record for Profile {
    const KIND: &'static str = "profile";
    const VERSION: u32 = 1;
}

impl Record for Proposal {
    const KIND: &'static str = "proposal";
    const VERSION: u32 = 1;
}

impl Record for Welcome {
    const KIND: &'static str = "welcome";
    const VERSION: u32 = 1;
}

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
                handled_on: at().date_naive(),
                failed: false,
            },
            expect![[r#"{"handled_on":"2026-11-29","v":2}"#]],
        );
        snapshot(
            LedgerEntry {
                handled_on: at().date_naive(),
                failed: true,
            },
            expect![[r#"{"failed":true,"handled_on":"2026-11-29","v":2}"#]],
        );
    }

    /// A version-1 entry (room and time) reads as its day, without the room.
    #[test]
    fn a_ledger_entry_of_version_1_loses_its_room_and_time() {
        let old = br#"{"failed":true,"handled_at":"2026-11-29T23:30:00Z","room_id":"!dm:s","v":1}"#;
        let entry: LedgerEntry = decode(old).unwrap();
        assert_eq!(
            entry,
            LedgerEntry {
                handled_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
                failed: true,
            }
        );
        assert!(!String::from_utf8(encode(&entry)).unwrap().contains("!dm:s"));
    }

    #[test]
    fn outbox_entry_format() {
        snapshot(
            OutboxEntry {
                room_id: "!r:s".into(),
                item: OutboxItem::Message {
                    event_type: "m.room.message".into(),
                    content: serde_json::json!({"body": "x"}),
                    report: None,
                },
                created_at: at(),
            },
            expect![[
                r#"{"created_at":"2026-11-29T08:30:00Z","item":{"content":{"body":"x"},"event_type":"m.room.message","type":"message"},"room_id":"!r:s","v":4}"#
            ]],
        );
        snapshot(
            OutboxEntry {
                room_id: "!r:s".into(),
                item: OutboxItem::Message {
                    event_type: "org.matrix.msc3381.poll.start".into(),
                    content: serde_json::json!({}),
                    report: Some("poll:3".into()),
                },
                created_at: at(),
            },
            expect![[
                r#"{"created_at":"2026-11-29T08:30:00Z","item":{"content":{},"event_type":"org.matrix.msc3381.poll.start","report":"poll:3","type":"message"},"room_id":"!r:s","v":4}"#
            ]],
        );
        snapshot(
            OutboxEntry {
                room_id: "!r:s".into(),
                item: OutboxItem::FinishPoll {
                    number: 3,
                    start_event_id: "$p".into(),
                },
                created_at: at(),
            },
            expect![[
                r#"{"created_at":"2026-11-29T08:30:00Z","item":{"number":3,"start_event_id":"$p","type":"finish_poll"},"room_id":"!r:s","v":4}"#
            ]],
        );
        snapshot(
            OutboxEntry {
                room_id: "!r:s".into(),
                item: OutboxItem::Invite {
                    user_id: "@a:s".into(),
                },
                created_at: at(),
            },
            expect![[
                r#"{"created_at":"2026-11-29T08:30:00Z","item":{"type":"invite","user_id":"@a:s"},"room_id":"!r:s","v":4}"#
            ]],
        );
        snapshot(
            OutboxEntry {
                room_id: CREATION_LANE.into(),
                item: OutboxItem::CreateThemeRoom {
                    slug: "eau".into(),
                    name: "Eau".into(),
                    topic: "t".into(),
                },
                created_at: at(),
            },
            expect![[
                r#"{"created_at":"2026-11-29T08:30:00Z","item":{"name":"Eau","slug":"eau","topic":"t","type":"create_theme_room"},"room_id":"~create","v":4}"#
            ]],
        );
        snapshot(
            OutboxEntry {
                room_id: "!r:s".into(),
                item: OutboxItem::File {
                    file_name: "f.json".into(),
                    content_type: "application/json".into(),
                    content: "{}".into(),
                },
                created_at: at(),
            },
            expect![[
                r#"{"created_at":"2026-11-29T08:30:00Z","item":{"content":"{}","content_type":"application/json","file_name":"f.json","type":"file"},"room_id":"!r:s","v":4}"#
            ]],
        );
        snapshot(
            OutboxEntry {
                room_id: "~dm:@a:s".into(),
                item: OutboxItem::DirectFile {
                    user_id: "@a:s".into(),
                    file_name: "f.json".into(),
                    content_type: "application/json".into(),
                    content: "{}".into(),
                },
                created_at: at(),
            },
            expect![[
                r#"{"created_at":"2026-11-29T08:30:00Z","item":{"content":"{}","content_type":"application/json","file_name":"f.json","type":"direct_file","user_id":"@a:s"},"room_id":"~dm:@a:s","v":4}"#
            ]],
        );
        snapshot(
            OutboxEntry {
                room_id: "!r:s".into(),
                item: OutboxItem::Redact {
                    event_id: "$vote".into(),
                },
                created_at: at(),
            },
            expect![[
                r#"{"created_at":"2026-11-29T08:30:00Z","item":{"event_id":"$vote","type":"redact"},"room_id":"!r:s","v":4}"#
            ]],
        );
    }

    #[test]
    fn a_meeting_written_before_general_assemblies_reads_as_an_ordinary_one() {
        let old = br#"{"announcement_event_id":null,"cancelled":false,"created_at":"2026-11-29T08:30:00Z","first_local":"2026-11-29T08:30:00","number":5,"occurrence":0,"organiser":"@a:s","place":null,"recurrence":null,"reminders":[60],"room_id":"!r:s","starts_at":"2026-11-29T08:30:00Z","subject":null,"v":1,"video":null}"#;
        let meeting = decode::<Meeting>(old).unwrap();
        assert!(!meeting.general);
        assert!(meeting.other_announcements.is_empty());
    }

    #[test]
    fn an_outbox_entry_of_version_1_is_read_as_a_message() {
        let old = br#"{"content":{"body":"x"},"created_at":"2026-11-29T08:30:00Z","event_type":"m.room.message","room_id":"!r:s","v":1}"#;
        assert_eq!(
            decode::<OutboxEntry>(old).unwrap(),
            OutboxEntry {
                room_id: "!r:s".into(),
                item: OutboxItem::Message {
                    event_type: "m.room.message".into(),
                    content: serde_json::json!({"body": "x"}),
                    report: None,
                },
                created_at: at(),
            }
        );
    }

    #[test]
    fn assembly_record_formats() {
        use crate::core::assembly::{ProposalStatus, ThemeStatus};
        snapshot(
            ThemeRecord {
                slug: "eau".into(),
                name: "Eau".into(),
                room_id: Some("!e:s".into()),
                status: ThemeStatus::Dormant,
                proposal: Some(2),
                changed_at: at(),
            },
            expect![[
                r#"{"changed_at":"2026-11-29T08:30:00Z","name":"Eau","proposal":2,"room_id":"!e:s","slug":"eau","status":"dormant","v":1}"#
            ]],
        );
        snapshot(
            Membership {
                display_name: Some("Camille".into()),
                joined_at: at(),
                left_at: None,
            },
            expect![[
                r#"{"display_name":"Camille","joined_at":"2026-11-29T08:30:00Z","left_at":null,"v":1}"#
            ]],
        );
        snapshot(
            Coordination {
                appointed_by: Some("@a:s".into()),
                at: at(),
            },
            expect![[r#"{"appointed_by":"@a:s","at":"2026-11-29T08:30:00Z","v":1}"#]],
        );
        snapshot(
            Profile {
                commune: Some("Lannion".into()),
                collective: None,
                updated_at: at(),
            },
            expect![[
                r#"{"collective":null,"commune":"Lannion","updated_at":"2026-11-29T08:30:00Z","v":1}"#
            ]],
        );
        snapshot(
            Proposal {
                number: 2,
                name: "Eau".into(),
                slug: "eau".into(),
                proposer: None,
                supporters: vec!["@b:s".into()],
                status: ProposalStatus::Open,
                opened_at: at(),
            },
            expect![[
                r#"{"name":"Eau","number":2,"opened_at":"2026-11-29T08:30:00Z","proposer":null,"slug":"eau","status":"open","supporters":["@b:s"],"v":1}"#
            ]],
        );
        snapshot(
            Poll {
                number: 3,
                room_id: "!r:s".into(),
                author: Some("@a:s".into()),
                question: "Quel thème ?".into(),
                answers: vec!["Santé".into(), "Logement".into()],
                max_selections: 1,
                hidden: true,
                closes_at: Some(at()),
                start_event_id: Some("$p".into()),
                opened_at: at(),
                closed_at: None,
                published: false,
                withdrawn: Vec::new(),
                results: None,
            },
            expect![[
                r#"{"answers":["Santé","Logement"],"author":"@a:s","closed_at":null,"closes_at":"2026-11-29T08:30:00Z","hidden":true,"max_selections":1,"number":3,"opened_at":"2026-11-29T08:30:00Z","published":false,"question":"Quel thème ?","results":null,"room_id":"!r:s","start_event_id":"$p","v":2,"withdrawn":[]}"#
            ]],
        );
        snapshot(
            Vote {
                answers: vec!["2".into()],
                at: at(),
            },
            expect![[r#"{"answers":["2"],"at":"2026-11-29T08:30:00Z","v":1}"#]],
        );
        snapshot(
            Ballot {
                number: 4,
                room_id: "!r:s".into(),
                author: Some("@a:s".into()),
                question: "Qui ?".into(),
                answers: vec!["Camille".into(), "Yann".into()],
                max_selections: 1,
                quorum: Some(5),
                closes_at: None,
                opened_at: at(),
                electorate_frozen: true,
                closed_at: None,
            },
            expect![[
                r#"{"answers":["Camille","Yann"],"author":"@a:s","closed_at":null,"closes_at":null,"electorate_frozen":true,"max_selections":1,"number":4,"opened_at":"2026-11-29T08:30:00Z","question":"Qui ?","quorum":5,"room_id":"!r:s","v":1}"#
            ]],
        );
        snapshot(
            Elector { voted: true },
            expect![[r#"{"v":1,"voted":true}"#]],
        );
        snapshot(
            BallotBox {
                counts: vec![3, 1],
                ballots: 4,
                electorate: 9,
            },
            expect![[r#"{"ballots":4,"counts":[3,1],"electorate":9,"v":1}"#]],
        );
        snapshot(
            SealedElector {
                ballot: 4,
                user_id: "@a:s".into(),
                voted: true,
            },
            expect![[r#"{"ballot":4,"user_id":"@a:s","v":1,"voted":true}"#]],
        );
        snapshot(
            SealedBallotBox {
                ballot: 4,
                ballot_box: BallotBox {
                    counts: vec![3, 1],
                    ballots: 4,
                    electorate: 9,
                },
            },
            expect![[r#"{"ballot":4,"box":{"ballots":4,"counts":[3,1],"electorate":9},"v":1}"#]],
        );
        snapshot(
            SealedReportDraft {
                user_id: "@a:s".into(),
                draft: crate::core::assembly::ReportDraft {
                    step: crate::core::assembly::DraftStep::Confirm,
                    theme: Some("sante".into()),
                    text: Some("Le bus".into()),
                    commune: None,
                    anonymous: Some(true),
                    started_at: at(),
                    seen_in_room: false,
                },
            },
            expect![[
                r#"{"draft":{"anonymous":true,"commune":null,"started_at":"2026-11-29T08:30:00Z","step":"confirm","text":"Le bus","theme":"sante"},"user_id":"@a:s","v":1}"#
            ]],
        );
        snapshot(EncryptedRoom {}, expect![[r#"{"v":1}"#]]);
        snapshot(
            crate::store::seal::Sealed {
                sealed: "00ff".into(),
            },
            expect![[r#"{"sealed":"00ff","v":1}"#]],
        );
        snapshot(
            Meeting {
                number: 5,
                room_id: "!r:s".into(),
                organiser: Some("@a:s".into()),
                starts_at: at(),
                first_local: at().naive_utc(),
                occurrence: 0,
                place: Some("Maison des associations".into()),
                subject: None,
                video: None,
                recurrence: Some(crate::core::assembly::Recurrence::Weeks(2)),
                reminders: vec![1440, 60],
                announcement_event_id: None,
                cancelled: false,
                created_at: at(),
                general: false,
                other_announcements: Vec::new(),
                private: false,
            },
            expect![[
                r#"{"announcement_event_id":null,"cancelled":false,"created_at":"2026-11-29T08:30:00Z","first_local":"2026-11-29T08:30:00","general":false,"number":5,"occurrence":0,"organiser":"@a:s","other_announcements":[],"place":"Maison des associations","recurrence":{"weeks":2},"reminders":[1440,60],"room_id":"!r:s","starts_at":"2026-11-29T08:30:00Z","subject":null,"v":1,"video":null}"#
            ]],
        );
        snapshot(
            Rsvp {
                answer: crate::core::assembly::Attendance::Maybe,
                at: at(),
                reaction_event_id: Some("$r".into()),
            },
            expect![[
                r#"{"answer":"maybe","at":"2026-11-29T08:30:00Z","reaction_event_id":"$r","v":1}"#
            ]],
        );
        snapshot(
            ReminderPreference {
                choice: crate::core::assembly::ReminderChoice::Direct,
            },
            expect![[r#"{"choice":"direct","v":1}"#]],
        );
        snapshot(
            MissedReminder {
                meeting: 5,
                due: at(),
                starts_at: at(),
            },
            expect![[
                r#"{"due":"2026-11-29T08:30:00Z","meeting":5,"starts_at":"2026-11-29T08:30:00Z","v":1}"#
            ]],
        );
        snapshot(
            SlotPoll {
                number: 2,
                room_id: "!r:s".into(),
                author: Some("@a:s".into()),
                subject: "Rentrée".into(),
                slots: vec![at()],
                slot_event_ids: vec![Some("$s".into())],
                meeting: None,
                closed: false,
                created_at: at(),
            },
            expect![[
                r#"{"author":"@a:s","closed":false,"created_at":"2026-11-29T08:30:00Z","meeting":null,"number":2,"room_id":"!r:s","slot_event_ids":["$s"],"slots":["2026-11-29T08:30:00Z"],"subject":"Rentrée","v":1}"#
            ]],
        );
        snapshot(
            SlotAnswer {
                answer: crate::core::assembly::Attendance::Going,
                reaction_event_id: "$r".into(),
            },
            expect![[r#"{"answer":"going","reaction_event_id":"$r","v":1}"#]],
        );
        snapshot(
            Report {
                number: 12,
                theme: "transports".into(),
                room_id: "!t:s".into(),
                event_id: "$m".into(),
                author: Some("@a:s".into()),
                anonymous: true,
                commune: Some("Kermaria".into()),
                text: "Le bus de 7h15 ne passe plus".into(),
                created_at: at(),
                card_event_id: Some("$c".into()),
                status: crate::core::assembly::ReportStatus::InProgress,
                history: vec![crate::core::assembly::StatusChange {
                    status: crate::core::assembly::ReportStatus::InProgress,
                    by: Some("@d:s".into()),
                    at: at(),
                }],
                answers: vec![crate::core::assembly::ReportAnswer {
                    text: "Question écrite déposée".into(),
                    by: Some("@d:s".into()),
                    at: at(),
                }],
            },
            expect![[
                r#"{"anonymous":true,"answers":[{"at":"2026-11-29T08:30:00Z","by":"@d:s","text":"Question écrite déposée"}],"author":"@a:s","card_event_id":"$c","commune":"Kermaria","created_at":"2026-11-29T08:30:00Z","event_id":"$m","history":[{"at":"2026-11-29T08:30:00Z","by":"@d:s","status":"in_progress"}],"number":12,"room_id":"!t:s","status":"in_progress","text":"Le bus de 7h15 ne passe plus","theme":"transports","v":1}"#
            ]],
        );
        snapshot(
            Speaker {
                number: 1,
                theme: "eau".into(),
                proposer: Some("@a:s".into()),
                name: "Collectif Eau Pure".into(),
                subject: Some("qualité de l'eau".into()),
                contact: Some("contact@exemple.fr".into()),
                at: at(),
            },
            expect![[
                r#"{"at":"2026-11-29T08:30:00Z","contact":"contact@exemple.fr","name":"Collectif Eau Pure","number":1,"proposer":"@a:s","subject":"qualité de l'eau","theme":"eau","v":1}"#
            ]],
        );
        snapshot(
            crate::core::assembly::ReportDraft {
                step: crate::core::assembly::DraftStep::Commune,
                theme: Some("sante".into()),
                text: Some("Le dispensaire ferme".into()),
                commune: None,
                anonymous: None,
                started_at: at(),
                seen_in_room: false,
            },
            expect![[
                r#"{"anonymous":null,"commune":null,"started_at":"2026-11-29T08:30:00Z","step":"commune","text":"Le dispensaire ferme","theme":"sante","v":1}"#
            ]],
        );
        snapshot(
            crate::core::assembly::Dialogue {
                command: crate::core::assembly::DialogueCommand::Meeting,
                answers: vec!["jeudi 18h".into(), "Salle des fêtes".into()],
                at: at(),
            },
            expect![[
                r#"{"answers":["jeudi 18h","Salle des fêtes"],"at":"2026-11-29T08:30:00Z","command":"meeting","v":1}"#
            ]],
        );
        snapshot(
            DigestState { last_at: at() },
            expect![[r#"{"last_at":"2026-11-29T08:30:00Z","v":1}"#]],
        );
        snapshot(
            Welcome { at: at() },
            expect![[r#"{"at":"2026-11-29T08:30:00Z","v":1}"#]],
        );
        snapshot(
            SpaceRecord {
                room_id: "!space:s".into(),
            },
            expect![[r#"{"room_id":"!space:s","v":1}"#]],
        );
        snapshot(
            PendingErasure { at: at() },
            expect![[r#"{"at":"2026-11-29T08:30:00Z","v":1}"#]],
        );
        snapshot(
            DeadLetter {
                room_id: Some("!r:s".into()),
                item: "message".into(),
                reason: crate::core::delivery::Refusal::TooLarge,
                created_at: at(),
                refused_at: at(),
            },
            expect![[
                r#"{"created_at":"2026-11-29T08:30:00Z","item":"message","reason":"too_large","refused_at":"2026-11-29T08:30:00Z","room_id":"!r:s","v":1}"#
            ]],
        );
    }

    /// Every record type must say, in `core::privacy::REGISTRY`, how a
    /// person's data in it is exported and erased, or why it holds none.
    #[test]
    fn every_record_type_is_in_the_personal_data_registry() {
        let source = include_str!("records.rs");
        let kinds: Vec<&str> = source
            .lines()
            .filter_map(|line| line.trim().strip_prefix("const KIND: &'static str = \""))
            .filter_map(|rest| rest.strip_suffix("\";"))
            .collect();
        assert!(kinds.len() >= 12, "found only {kinds:?}");
        let registry: Vec<&str> = crate::core::privacy::REGISTRY
            .iter()
            .map(|entry| entry.kind)
            .collect();
        for kind in &kinds {
            assert!(
                registry.contains(kind),
                "record type {kind:?} is missing from core::privacy::REGISTRY"
            );
        }
        for kind in &registry {
            assert!(
                kinds.contains(kind),
                "{kind:?} in the registry is no record type"
            );
        }
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
        // Version 1 of the outbox had no newer shape to upgrade from 0.
        assert!(decode::<OutboxEntry>(br#"{"room_id":"!r:s","v":0}"#).is_err());
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
