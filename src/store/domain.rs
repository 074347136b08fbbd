//! Where the assembly's data lives: one tree per record type, and the
//! translation between the core's [`Change`]s and batch operations.
//!
//! Composite keys join their parts with a zero byte (`slug\0user`), which
//! cannot occur in a slug, a room id or a user id, so a prefix scan on the
//! first part finds exactly its entries.

use crate::core::assembly::{Assembly, Change};

use super::records::{
    DIGEST_KEY, ENCRYPTED_ROOM_PREFIX, EncryptedRoom, OutboxEntry, Record, SealedBallotBox,
    SealedElector, SealedReportDraft, decode, encode, outbox_key, outbox_sequence,
};
use super::seal::{Seal, Sealed};
use super::{Batch, Store, StoreError, Tree};

fn pair_key(first: &str, second: &str) -> Vec<u8> {
    let mut key = first.as_bytes().to_vec();
    key.push(0);
    key.extend_from_slice(second.as_bytes());
    key
}

fn split_pair(key: &[u8]) -> Option<(String, String)> {
    let middle = key.iter().position(|byte| *byte == 0)?;
    Some((
        String::from_utf8(key[..middle].to_vec()).ok()?,
        String::from_utf8(key[middle + 1..].to_vec()).ok()?,
    ))
}

fn text_key(key: &[u8]) -> Option<String> {
    String::from_utf8(key.to_vec()).ok()
}

fn bad_key(tree: Tree) -> StoreError {
    StoreError::Decode {
        kind: tree.name(),
        details: "malformed key".to_owned(),
    }
}

/// The size an elector's sealed value is padded to: any user id fits.
const ELECTOR_SIZE: usize = 512;

/// The size a ballot box's sealed value is padded to: what the largest
/// counts of its number of answers take, so the length says nothing else.
fn ballot_box_size(answers: usize) -> usize {
    // `{"ballot":…,"box":{"ballots":…,"counts":[…],"electorate":…},"v":1}`
    // with every number at its widest (20 digits).
    80 + 21 * (answers + 3)
}

/// An elector's key: the ballot's number, then a digest of the person that
/// only the passphrase's holder can compute.
fn elector_key(seal: &Seal, ballot: u64, user_id: &str) -> Vec<u8> {
    let mut named = ballot.to_be_bytes().to_vec();
    named.extend_from_slice(user_id.as_bytes());
    let mut key = ballot.to_be_bytes().to_vec();
    key.extend_from_slice(&seal.name(&named));
    key
}

/// A report draft's key: a digest of the person that only the
/// passphrase's holder can compute.
fn draft_key(seal: &Seal, user_id: &str) -> Vec<u8> {
    let mut named = b"report draft\0".to_vec();
    named.extend_from_slice(user_id.as_bytes());
    seal.name(&named).to_vec()
}

/// What a user id, a room id and an event id may take in JSON, at most
/// (each is at most 255 bytes, escaped at worst twice over).
const IDS_SIZE: usize = 3 * 520;

/// The size a report's sealed value is padded to: its length without the
/// author and the room and message it was typed in (a direct chat names its
/// person), plus room for any of those. So the length says nothing of who
/// wrote it; the text's length, which the team reads anyway, shows.
fn report_size(report: &crate::core::assembly::Report) -> usize {
    let unnamed = crate::core::assembly::Report {
        author: None,
        room_id: String::new(),
        event_id: String::new(),
        ..report.clone()
    };
    encode(&unnamed).len() + IDS_SIZE
}

/// The same for a draft: its length without the person, plus room for one.
fn draft_size(draft: &crate::core::assembly::ReportDraft) -> usize {
    encode(&SealedReportDraft {
        user_id: String::new(),
        draft: draft.clone(),
    })
    .len()
        + IDS_SIZE / 3
}

fn seal_record<R: Record>(seal: &Seal, record: &R, size: usize) -> Vec<u8> {
    encode(&seal.seal(R::KIND, &encode(record), size))
}

fn open_record<R: Record>(seal: &Seal, bytes: &[u8]) -> Result<R, StoreError> {
    let sealed: Sealed = decode(bytes)?;
    decode(&seal.open(&sealed, R::KIND)?)
}

/// The name an outbox lane is kept under: a digest that only the
/// passphrase's holder can compute. A lane is a room, or a person (their
/// direct messages), and a redaction's room is a voter's direct chat: so
/// the outbox names nobody, and its entries are sealed.
pub fn outbox_lane(seal: &Seal, lane: &str) -> String {
    let mut named = b"outbox lane\0".to_vec();
    named.extend_from_slice(lane.as_bytes());
    hex::encode(seal.name(&named))
}

/// What a sealed outbox entry is padded to at least: its length says
/// little of the text (and the seal pads longer ones by 256 bytes).
const OUTBOX_SIZE: usize = 1024;

/// Writes `entry` into the outbox, sealed, under its lane's name.
pub fn put_outbox_entry(batch: &mut Batch, entry: &OutboxEntry, sequence: u64, seal: &Seal) {
    batch.put(
        Tree::Outbox,
        outbox_key(&outbox_lane(seal, &entry.room_id), sequence),
        seal_record(seal, entry, OUTBOX_SIZE),
    );
}

/// Reads an outbox entry: sealed, or clear as written by a version before
/// sealing the outbox (until the next start seals it).
pub fn open_outbox_entry(seal: &Seal, bytes: &[u8]) -> Result<OutboxEntry, StoreError> {
    if is_sealed(bytes) {
        open_record(seal, bytes)
    } else {
        decode(bytes)
    }
}

/// Whether a value of the electors' or ballot boxes' tree is sealed, or
/// was written in clear by a version before sealing.
fn is_sealed(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(bytes)
        .is_ok_and(|value| value.get("sealed").is_some())
}

/// Seals the electors, ballot boxes, reports and report drafts that a
/// version before sealing wrote in clear, and rewrites the ledger entries of version 1 (which kept the
/// room and the time of each event: who wrote in which direct chat, when).
/// Returns how many records were rewritten. The clear copies stay
/// in the database's free space until the next compaction, which the
/// caller runs when this returns more than zero.
pub fn seal_clear_records(store: &dyn Store, seal: &Seal) -> Result<usize, StoreError> {
    let mut batch = Batch::default();
    let mut count = 0;
    for (key, value) in store.scan_prefix(Tree::Electors, b"")? {
        if is_sealed(&value) {
            continue;
        }
        let (number, rest) = key
            .split_at_checked(8)
            .ok_or_else(|| bad_key(Tree::Electors))?;
        let ballot = u64::from_be_bytes(number.try_into().map_err(|_| bad_key(Tree::Electors))?);
        let user_id = text_key(rest).ok_or_else(|| bad_key(Tree::Electors))?;
        let elector: crate::core::assembly::Elector = decode(&value)?;
        batch.delete(Tree::Electors, key.clone());
        write_change(
            &mut batch,
            &Change::Elector {
                ballot,
                user_id,
                value: Some(elector),
            },
            seal,
        );
        count += 1;
    }
    for (key, value) in store.scan_prefix(Tree::BallotBoxes, b"")? {
        if is_sealed(&value) {
            continue;
        }
        let number: [u8; 8] = key
            .as_slice()
            .try_into()
            .map_err(|_| bad_key(Tree::BallotBoxes))?;
        write_change(
            &mut batch,
            &Change::BallotBox {
                ballot: u64::from_be_bytes(number),
                value: decode(&value)?,
            },
            seal,
        );
        count += 1;
    }
    for (_, value) in store.scan_prefix(Tree::Reports, b"")? {
        if is_sealed(&value) {
            continue;
        }
        write_change(&mut batch, &Change::Report(decode(&value)?), seal);
        count += 1;
    }
    for (key, value) in store.scan_prefix(Tree::ReportDrafts, b"")? {
        if is_sealed(&value) {
            continue;
        }
        let user_id = text_key(&key).ok_or_else(|| bad_key(Tree::ReportDrafts))?;
        batch.delete(Tree::ReportDrafts, key.clone());
        write_change(
            &mut batch,
            &Change::ReportDraft {
                user_id,
                value: Some(decode(&value)?),
            },
            seal,
        );
        count += 1;
    }
    for (key, value) in store.scan_prefix(Tree::Outbox, b"")? {
        if is_sealed(&value) {
            continue;
        }
        // A clear entry under its clear lane (a room, or a person): sealed
        // under its lane's name, with its sequence number, so it keeps its
        // place before what is written to the same lane afterwards.
        let sequence = outbox_sequence(&key);
        batch.delete(Tree::Outbox, key.clone());
        match (decode::<OutboxEntry>(&value), sequence) {
            (Ok(entry), Some(sequence)) => put_outbox_entry(&mut batch, &entry, sequence, seal),
            _ => {
                // Unreadable by this version: kept aside, sealed (it may be
                // a direct message), rather than stop the start for it.
                let mut quarantined = b"quarantine/".to_vec();
                quarantined.extend_from_slice(&seal.name(&key));
                batch.put(
                    Tree::Meta,
                    quarantined,
                    encode(&seal.seal("quarantined outbox entry", &value, OUTBOX_SIZE)),
                );
            }
        }
        count += 1;
    }
    for (key, value) in store.scan_prefix(Tree::Ledger, b"")? {
        let entry: crate::store::records::LedgerEntry = decode(&value)?;
        let current = encode(&entry);
        if current != value {
            batch.put(Tree::Ledger, key, current);
            count += 1;
        }
    }
    if count > 0 {
        store.apply(batch)?;
    }
    Ok(count)
}

/// Reads every record of the assembly. A record this version cannot read
/// stops the start with an error naming it: nothing is skipped silently.
/// Electors and ballot boxes are opened with `seal`; those still in clear
/// (written before sealing, see [`seal_clear_records`]) are read as they are.
pub fn load_assembly(store: &dyn Store, seal: &Seal) -> Result<Assembly, StoreError> {
    let mut assembly = Assembly::default();
    for (key, value) in store.scan_prefix(Tree::Themes, b"")? {
        let slug = text_key(&key).ok_or_else(|| bad_key(Tree::Themes))?;
        assembly.themes.insert(slug, decode(&value)?);
    }
    for (key, value) in store.scan_prefix(Tree::Memberships, b"")? {
        let pair = split_pair(&key).ok_or_else(|| bad_key(Tree::Memberships))?;
        assembly.memberships.insert(pair, decode(&value)?);
    }
    for (key, value) in store.scan_prefix(Tree::Coordinations, b"")? {
        let pair = split_pair(&key).ok_or_else(|| bad_key(Tree::Coordinations))?;
        assembly.coordinations.insert(pair, decode(&value)?);
    }
    for (key, value) in store.scan_prefix(Tree::Profiles, b"")? {
        let user = text_key(&key).ok_or_else(|| bad_key(Tree::Profiles))?;
        assembly.profiles.insert(user, decode(&value)?);
    }
    for (_, value) in store.scan_prefix(Tree::Proposals, b"")? {
        let proposal: crate::core::assembly::Proposal = decode(&value)?;
        assembly.proposals.insert(proposal.number, proposal);
    }
    for (key, value) in store.scan_prefix(Tree::Welcomes, b"")? {
        let pair = split_pair(&key).ok_or_else(|| bad_key(Tree::Welcomes))?;
        assembly.welcomes.insert(pair, decode(&value)?);
    }
    for (key, value) in store.scan_prefix(Tree::Dialogues, b"")? {
        let pair = split_pair(&key).ok_or_else(|| bad_key(Tree::Dialogues))?;
        assembly.dialogues.insert(pair, decode(&value)?);
    }
    for (_, value) in store.scan_prefix(Tree::Polls, b"")? {
        let poll: crate::core::assembly::Poll = decode(&value)?;
        assembly.polls.insert(poll.number, poll);
    }
    for (key, value) in store.scan_prefix(Tree::Votes, b"")? {
        let (number, rest) = key
            .split_at_checked(8)
            .ok_or_else(|| bad_key(Tree::Votes))?;
        let number = u64::from_be_bytes(number.try_into().map_err(|_| bad_key(Tree::Votes))?);
        let (voter, event_id) = split_pair(rest).ok_or_else(|| bad_key(Tree::Votes))?;
        assembly
            .votes
            .insert((number, voter, event_id), decode(&value)?);
    }
    for (_, value) in store.scan_prefix(Tree::Ballots, b"")? {
        let ballot: crate::core::assembly::Ballot = decode(&value)?;
        assembly.ballots.insert(ballot.number, ballot);
    }
    for (key, value) in store.scan_prefix(Tree::Electors, b"")? {
        if is_sealed(&value) {
            let elector: SealedElector = open_record(seal, &value)?;
            if key != elector_key(seal, elector.ballot, &elector.user_id) {
                return Err(bad_key(Tree::Electors));
            }
            assembly.electors.insert(
                (elector.ballot, elector.user_id),
                crate::core::assembly::Elector {
                    voted: elector.voted,
                },
            );
            continue;
        }
        let (number, rest) = key
            .split_at_checked(8)
            .ok_or_else(|| bad_key(Tree::Electors))?;
        let number = u64::from_be_bytes(number.try_into().map_err(|_| bad_key(Tree::Electors))?);
        let user = text_key(rest).ok_or_else(|| bad_key(Tree::Electors))?;
        assembly.electors.insert((number, user), decode(&value)?);
    }
    for (key, value) in store.scan_prefix(Tree::BallotBoxes, b"")? {
        let number: [u8; 8] = key
            .as_slice()
            .try_into()
            .map_err(|_| bad_key(Tree::BallotBoxes))?;
        let number = u64::from_be_bytes(number);
        let ballot_box = if is_sealed(&value) {
            let sealed: SealedBallotBox = open_record(seal, &value)?;
            if sealed.ballot != number {
                return Err(bad_key(Tree::BallotBoxes));
            }
            sealed.ballot_box
        } else {
            decode(&value)?
        };
        assembly.ballot_boxes.insert(number, ballot_box);
    }
    for (_, value) in store.scan_prefix(Tree::Meetings, b"")? {
        let meeting: crate::core::assembly::Meeting = decode(&value)?;
        assembly.meetings.insert(meeting.number, meeting);
    }
    for (key, value) in store.scan_prefix(Tree::Rsvps, b"")? {
        let (number, rest) = key
            .split_at_checked(8)
            .ok_or_else(|| bad_key(Tree::Rsvps))?;
        let number = u64::from_be_bytes(number.try_into().map_err(|_| bad_key(Tree::Rsvps))?);
        let user = text_key(rest).ok_or_else(|| bad_key(Tree::Rsvps))?;
        assembly.rsvps.insert((number, user), decode(&value)?);
    }
    for (key, value) in store.scan_prefix(Tree::ReminderPreferences, b"")? {
        let user = text_key(&key).ok_or_else(|| bad_key(Tree::ReminderPreferences))?;
        assembly.reminder_preferences.insert(user, decode(&value)?);
    }
    for (_, value) in store.scan_prefix(Tree::MissedReminders, b"")? {
        assembly.missed_reminders.push(decode(&value)?);
    }
    for (key, value) in store.scan_prefix(Tree::ReportDrafts, b"")? {
        if is_sealed(&value) {
            let sealed: SealedReportDraft = open_record(seal, &value)?;
            if key != draft_key(seal, &sealed.user_id) {
                return Err(bad_key(Tree::ReportDrafts));
            }
            assembly.report_drafts.insert(sealed.user_id, sealed.draft);
            continue;
        }
        let user = text_key(&key).ok_or_else(|| bad_key(Tree::ReportDrafts))?;
        assembly.report_drafts.insert(user, decode(&value)?);
    }
    for (_, value) in store.scan_prefix(Tree::Speakers, b"")? {
        let speaker: crate::core::assembly::Speaker = decode(&value)?;
        assembly.speakers.insert(speaker.number, speaker);
    }
    for (key, value) in store.scan_prefix(Tree::Meta, ENCRYPTED_ROOM_PREFIX)? {
        let _: EncryptedRoom = decode(&value)?;
        let room = key
            .strip_prefix(ENCRYPTED_ROOM_PREFIX)
            .and_then(text_key)
            .ok_or_else(|| bad_key(Tree::Meta))?;
        assembly.encrypted_rooms.insert(room);
    }
    if let Some(bytes) = store.get(Tree::Meta, DIGEST_KEY)? {
        let digest: crate::core::assembly::DigestState = decode(&bytes)?;
        assembly.last_digest = Some(digest.last_at);
    }
    for (key, value) in store.scan_prefix(Tree::Reports, b"")? {
        let report: crate::core::assembly::Report = if is_sealed(&value) {
            open_record(seal, &value)?
        } else {
            decode(&value)?
        };
        if key != report.number.to_be_bytes() {
            return Err(bad_key(Tree::Reports));
        }
        assembly.reports.insert(report.number, report);
    }
    for (_, value) in store.scan_prefix(Tree::SlotPolls, b"")? {
        let poll: crate::core::assembly::SlotPoll = decode(&value)?;
        assembly.slot_polls.insert(poll.number, poll);
    }
    for (key, value) in store.scan_prefix(Tree::SlotAnswers, b"")? {
        let bad = || bad_key(Tree::SlotAnswers);
        let (number, rest) = key.split_at_checked(8).ok_or_else(bad)?;
        let (slot, user) = rest.split_at_checked(4).ok_or_else(bad)?;
        let number = u64::from_be_bytes(number.try_into().map_err(|_| bad())?);
        let slot = u32::from_be_bytes(slot.try_into().map_err(|_| bad())?);
        let user = text_key(user).ok_or_else(bad)?;
        assembly
            .slot_answers
            .insert((number, slot, user), decode(&value)?);
    }
    Ok(assembly)
}

fn missed_key(missed: &crate::core::assembly::MissedReminder) -> Vec<u8> {
    let mut key = missed.meeting.to_be_bytes().to_vec();
    key.extend_from_slice(&missed.due.timestamp_millis().to_be_bytes());
    key
}

fn vote_key(poll: u64, voter: &str, event_id: &str) -> Vec<u8> {
    let mut key = poll.to_be_bytes().to_vec();
    key.extend_from_slice(&pair_key(voter, event_id));
    key
}

fn put_or_delete<R: super::records::Record>(
    batch: &mut Batch,
    tree: Tree,
    key: Vec<u8>,
    value: Option<&R>,
) {
    match value {
        Some(record) => batch.put(tree, key, encode(record)),
        None => batch.delete(tree, key),
    };
}

/// Adds the operations that store `change` to `batch`, sealing electors,
/// ballot boxes, reports and report drafts with `seal`.
pub fn write_change(batch: &mut Batch, change: &Change, seal: &Seal) {
    match change {
        Change::Theme(record) => {
            batch.put(
                Tree::Themes,
                record.slug.as_bytes().to_vec(),
                encode(record),
            );
        }
        Change::Membership {
            slug,
            user_id,
            value,
        } => put_or_delete(
            batch,
            Tree::Memberships,
            pair_key(slug, user_id),
            value.as_ref(),
        ),
        Change::Coordination {
            slug,
            user_id,
            value,
        } => put_or_delete(
            batch,
            Tree::Coordinations,
            pair_key(slug, user_id),
            value.as_ref(),
        ),
        Change::Profile { user_id, value } => put_or_delete(
            batch,
            Tree::Profiles,
            user_id.as_bytes().to_vec(),
            value.as_ref(),
        ),
        Change::Proposal(proposal) => {
            batch.put(
                Tree::Proposals,
                proposal.number.to_be_bytes().to_vec(),
                encode(proposal),
            );
        }
        Change::Welcome {
            room_id,
            user_id,
            value,
        } => put_or_delete(
            batch,
            Tree::Welcomes,
            pair_key(room_id, user_id),
            value.as_ref(),
        ),
        Change::Dialogue {
            room_id,
            user_id,
            value,
        } => put_or_delete(
            batch,
            Tree::Dialogues,
            pair_key(room_id, user_id),
            value.as_ref(),
        ),
        Change::Poll(poll) => {
            batch.put(
                Tree::Polls,
                poll.number.to_be_bytes().to_vec(),
                encode(poll),
            );
        }
        Change::Vote {
            poll,
            voter,
            event_id,
            value,
        } => put_or_delete(
            batch,
            Tree::Votes,
            vote_key(*poll, voter, event_id),
            value.as_ref(),
        ),
        Change::Ballot(ballot) => {
            batch.put(
                Tree::Ballots,
                ballot.number.to_be_bytes().to_vec(),
                encode(ballot),
            );
        }
        Change::Elector {
            ballot,
            user_id,
            value,
        } => {
            let key = elector_key(seal, *ballot, user_id);
            match value {
                Some(elector) => batch.put(
                    Tree::Electors,
                    key,
                    seal_record(
                        seal,
                        &SealedElector {
                            ballot: *ballot,
                            user_id: user_id.clone(),
                            voted: elector.voted,
                        },
                        ELECTOR_SIZE,
                    ),
                ),
                None => batch.delete(Tree::Electors, key),
            };
        }
        Change::BallotBox { ballot, value } => {
            batch.put(
                Tree::BallotBoxes,
                ballot.to_be_bytes().to_vec(),
                seal_record(
                    seal,
                    &SealedBallotBox {
                        ballot: *ballot,
                        ballot_box: value.clone(),
                    },
                    ballot_box_size(value.counts.len()),
                ),
            );
        }
        Change::Meeting(meeting) => {
            batch.put(
                Tree::Meetings,
                meeting.number.to_be_bytes().to_vec(),
                encode(meeting),
            );
        }
        Change::Rsvp {
            meeting,
            user_id,
            value,
        } => {
            let mut key = meeting.to_be_bytes().to_vec();
            key.extend_from_slice(user_id.as_bytes());
            put_or_delete(batch, Tree::Rsvps, key, value.as_ref());
        }
        Change::ReminderPreference { user_id, value } => put_or_delete(
            batch,
            Tree::ReminderPreferences,
            user_id.as_bytes().to_vec(),
            value.as_ref(),
        ),
        Change::Speaker(speaker) => {
            batch.put(
                Tree::Speakers,
                speaker.number.to_be_bytes().to_vec(),
                encode(speaker),
            );
        }
        Change::DigestSent(digest) => {
            batch.put(Tree::Meta, DIGEST_KEY.to_vec(), encode(digest));
        }
        Change::ReportDraft { user_id, value } => {
            // A draft says who is writing which report, anonymous or not.
            let key = draft_key(seal, user_id);
            match value {
                Some(draft) => {
                    batch.put(
                        Tree::ReportDrafts,
                        key,
                        seal_record(
                            seal,
                            &SealedReportDraft {
                                user_id: user_id.clone(),
                                draft: draft.clone(),
                            },
                            draft_size(draft),
                        ),
                    );
                }
                None => {
                    batch.delete(Tree::ReportDrafts, key);
                    // One written in clear by an older version.
                    batch.delete(Tree::ReportDrafts, user_id.as_bytes().to_vec());
                }
            }
        }
        Change::MissedReminderTold(missed) => {
            batch.delete(Tree::MissedReminders, missed_key(missed));
        }
        Change::RoomEncrypted(room_id) => {
            let mut key = ENCRYPTED_ROOM_PREFIX.to_vec();
            key.extend_from_slice(room_id.as_bytes());
            batch.put(Tree::Meta, key, encode(&EncryptedRoom {}));
        }
        Change::Report(report) => {
            // Sealed: an anonymous report's author must not be read from a
            // copy of the data, and every report's text is an opinion.
            batch.put(
                Tree::Reports,
                report.number.to_be_bytes().to_vec(),
                seal_record(seal, report, report_size(report)),
            );
        }
        Change::SlotPoll(poll) => {
            batch.put(
                Tree::SlotPolls,
                poll.number.to_be_bytes().to_vec(),
                encode(poll),
            );
        }
        Change::SlotAnswer {
            poll,
            slot,
            user_id,
            value,
        } => {
            let mut key = poll.to_be_bytes().to_vec();
            key.extend_from_slice(&slot.to_be_bytes());
            key.extend_from_slice(user_id.as_bytes());
            put_or_delete(batch, Tree::SlotAnswers, key, value.as_ref());
        }
        Change::MissedReminder(missed) => {
            batch.put(Tree::MissedReminders, missed_key(missed), encode(missed));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::assembly::{
        Coordination, Membership, Profile, Proposal, ProposalStatus, ThemeRecord, ThemeStatus,
        Welcome,
    };
    use crate::store::MemoryStore;

    /// Every kind of change written then read back gives the same assembly
    /// as applying it in memory: the stored and in-memory views never drift.
    #[test]
    fn changes_written_and_loaded_equal_changes_applied() {
        let at = chrono::DateTime::UNIX_EPOCH;
        let changes = vec![
            Change::Theme(ThemeRecord {
                slug: "eau".into(),
                name: "Eau".into(),
                room_id: None,
                status: ThemeStatus::Creating,
                proposal: Some(1),
                changed_at: at,
            }),
            Change::Membership {
                slug: "eau".into(),
                user_id: "@a:s".into(),
                value: Some(Membership {
                    display_name: None,
                    joined_at: at,
                    left_at: None,
                }),
            },
            Change::Membership {
                slug: "sante".into(),
                user_id: "@b:s".into(),
                value: Some(Membership {
                    display_name: Some("B".into()),
                    joined_at: at,
                    left_at: Some(at),
                }),
            },
            Change::Coordination {
                slug: "eau".into(),
                user_id: "@a:s".into(),
                value: Some(Coordination {
                    appointed_by: None,
                    at,
                }),
            },
            Change::Profile {
                user_id: "@a:s".into(),
                value: Some(Profile {
                    commune: Some("Lannion".into()),
                    collective: None,
                    updated_at: at,
                }),
            },
            Change::Proposal(Proposal {
                number: 300,
                name: "Eau".into(),
                slug: "eau".into(),
                proposer: Some("@a:s".into()),
                supporters: vec!["@a:s".into()],
                status: ProposalStatus::Accepted,
                opened_at: at,
            }),
            Change::Welcome {
                room_id: "!r:s".into(),
                user_id: "@a:s".into(),
                value: Some(Welcome { at }),
            },
            Change::Dialogue {
                room_id: "!r:s".into(),
                user_id: "@a:s".into(),
                value: Some(crate::core::assembly::Dialogue {
                    command: crate::core::assembly::DialogueCommand::Poll,
                    answers: vec!["Quel jour ?".into()],
                    at,
                }),
            },
            Change::Membership {
                slug: "sante".into(),
                user_id: "@b:s".into(),
                value: None,
            },
            Change::Poll(crate::core::assembly::Poll {
                number: 258,
                room_id: "!r:s".into(),
                author: Some("@a:s".into()),
                question: "Q".into(),
                answers: vec!["A".into(), "B".into()],
                max_selections: 1,
                hidden: false,
                closes_at: None,
                start_event_id: Some("$p".into()),
                opened_at: at,
                closed_at: None,
                published: false,
                withdrawn: Vec::new(),
                results: None,
            }),
            Change::Vote {
                poll: 258,
                voter: "@a:s".into(),
                event_id: "$v1".into(),
                value: Some(crate::core::assembly::Vote {
                    answers: vec!["1".into()],
                    at,
                }),
            },
            Change::Vote {
                poll: 258,
                voter: "@b:s".into(),
                event_id: "$v2".into(),
                value: Some(crate::core::assembly::Vote {
                    answers: vec!["2".into()],
                    at,
                }),
            },
            Change::Vote {
                poll: 258,
                voter: "@b:s".into(),
                event_id: "$v2".into(),
                value: None,
            },
            Change::Ballot(crate::core::assembly::Ballot {
                number: 259,
                room_id: "!r:s".into(),
                author: None,
                question: "Q".into(),
                answers: vec!["A".into(), "B".into()],
                max_selections: 1,
                quorum: Some(2),
                closes_at: None,
                opened_at: at,
                electorate_frozen: true,
                closed_at: None,
            }),
            Change::Elector {
                ballot: 259,
                user_id: "@a:s".into(),
                value: Some(crate::core::assembly::Elector { voted: true }),
            },
            Change::Elector {
                ballot: 259,
                user_id: "@b:s".into(),
                value: Some(crate::core::assembly::Elector { voted: false }),
            },
            Change::Elector {
                ballot: 259,
                user_id: "@b:s".into(),
                value: None,
            },
            Change::BallotBox {
                ballot: 259,
                value: crate::core::assembly::BallotBox {
                    counts: vec![1, 0],
                    ballots: 1,
                    electorate: 2,
                },
            },
        ];
        let mut changes = changes;
        changes.extend([
            Change::RoomEncrypted("!r:s".into()),
            Change::Report(report("@a:s", "!dm-a:s")),
            Change::ReportDraft {
                user_id: "@a:s".into(),
                value: Some(draft()),
            },
            Change::ReportDraft {
                user_id: "@b:s".into(),
                value: Some(draft()),
            },
            Change::ReportDraft {
                user_id: "@b:s".into(),
                value: None,
            },
        ]);
        let store = MemoryStore::new();
        let mut expected = Assembly::default();
        for change in &changes {
            let mut batch = Batch::default();
            write_change(&mut batch, change, &Seal::for_tests());
            store.apply(batch).unwrap();
            expected.apply(change);
        }
        assert_eq!(load_assembly(&store, &Seal::for_tests()).unwrap(), expected);
        assert_eq!(expected.memberships.len(), 1);
    }

    fn report(author: &str, room_id: &str) -> crate::core::assembly::Report {
        crate::core::assembly::Report {
            number: 4,
            theme: "sante".into(),
            room_id: room_id.into(),
            event_id: "$typed".into(),
            author: Some(author.into()),
            anonymous: true,
            commune: None,
            text: "Le dispensaire ferme".into(),
            created_at: chrono::DateTime::UNIX_EPOCH,
            card_event_id: Some("$card".into()),
            status: crate::core::assembly::ReportStatus::New,
            history: Vec::new(),
            answers: Vec::new(),
        }
    }

    fn draft() -> crate::core::assembly::ReportDraft {
        crate::core::assembly::ReportDraft {
            step: crate::core::assembly::DraftStep::Confirm,
            theme: Some("sante".into()),
            text: Some("Les urgences ferment".into()),
            commune: None,
            anonymous: Some(true),
            started_at: chrono::DateTime::UNIX_EPOCH,
            seen_in_room: false,
        }
    }

    /// Who wrote an anonymous report, and who is writing one, is read from
    /// no stored byte: not from the value, not from its length, not from
    /// its key.
    #[test]
    fn a_stored_report_or_draft_says_nothing_of_its_author() {
        let stored = |changes: &[Change]| {
            let store = MemoryStore::new();
            let mut batch = Batch::default();
            for change in changes {
                write_change(&mut batch, change, &Seal::for_tests());
            }
            store.apply(batch).unwrap();
            let mut entries = store.scan_prefix(Tree::Reports, b"").unwrap();
            entries.extend(store.scan_prefix(Tree::ReportDrafts, b"").unwrap());
            entries
        };
        let long = format!("@{}:assemblee-populaire.example.org", "x".repeat(200));
        let short_dm = "!a:s".to_owned();
        let long_dm = format!("!{}:assemblee-populaire.example.org", "y".repeat(200));
        let one = stored(&[
            Change::Report(report("@a:s", &short_dm)),
            Change::ReportDraft {
                user_id: "@a:s".into(),
                value: Some(draft()),
            },
        ]);
        let other = stored(&[
            Change::Report(report(&long, &long_dm)),
            Change::ReportDraft {
                user_id: long.clone(),
                value: Some(draft()),
            },
        ]);
        assert_eq!(one.len(), 2);
        for ((key, value), (other_key, other_value)) in one.iter().zip(&other) {
            assert_eq!(value.len(), other_value.len(), "lengths tell nothing");
            assert_eq!(key.len(), other_key.len());
            for bytes in [key, value, other_key, other_value] {
                let text = String::from_utf8_lossy(bytes);
                for clear in ["@a:s", "xxxx", "yyyy", "dispensaire", "urgences", "sante"] {
                    assert!(!text.contains(clear), "{clear} in {text}");
                }
            }
        }
    }
}
