//! The assembly's own data: themes created or archived at run time, who
//! signed up to which theme, who coordinates, what people chose to share,
//! proposals of new themes, and whom the bot already welcomed.
//!
//! The engine loads all of it from the store at start ([`Assembly`]), the
//! core reads it, and every change the core decides is a [`Change`] that the
//! engine writes in the same durable batch as the replies, then applies to
//! the in-memory copy. Nothing here knows how it is stored.
//!
//! Data minimisation: a membership holds the person's id, the display name
//! they had when they signed up (to list members) and two dates; a profile
//! holds only what the person typed in `!profil`. Party membership or
//! opinions are never asked nor stored.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::text::fold;

/// Where a theme stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThemeStatus {
    Active,
    /// Archived: its room left the Space, its data is kept.
    Dormant,
    /// Decided, room being created.
    Creating,
}

/// A theme as stored: one created at run time, or the archive status of a
/// configured one (the configuration keeps its name and room).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeRecord {
    pub slug: String,
    pub name: String,
    pub room_id: Option<String>,
    pub status: ThemeStatus,
    /// The proposal it came from, if any.
    pub proposal: Option<u64>,
    pub changed_at: DateTime<Utc>,
}

/// A person's sign-up to a theme. Keyed by (theme slug, user id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    /// The display name at sign-up, to list members readably.
    pub display_name: Option<String>,
    pub joined_at: DateTime<Utc>,
    /// Set when the person left; the retention job purges it later.
    pub left_at: Option<DateTime<Utc>>,
}

impl Membership {
    pub fn is_current(&self) -> bool {
        self.left_at.is_none()
    }
}

/// A coordinator named with `!coordination`. Keyed by (theme slug, user id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coordination {
    /// Who named them; `None` once that person erased their data.
    pub appointed_by: Option<String>,
    pub at: DateTime<Utc>,
}

/// What a person chose to share with the groups. Keyed by user id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub commune: Option<String>,
    pub collective: Option<String>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    Open,
    /// The theme was created from it.
    Accepted,
    /// Not enough support in time: closed, and who supported it forgotten.
    Expired,
}

/// A proposed theme, gathering support in the hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub number: u64,
    pub name: String,
    pub slug: String,
    /// `None` once the proposer erased their data.
    pub proposer: Option<String>,
    pub supporters: Vec<String>,
    pub status: ProposalStatus,
    pub opened_at: DateTime<Utc>,
}

/// The bot welcomed this person in this room. Keyed by (room id, user id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Welcome {
    pub at: DateTime<Utc>,
}

/// A command being written question by question, after its name was typed
/// alone (`!reunion`, `!sondage`, `!scrutin`, `!creneaux`): the answers
/// checked so far. Keyed by (room id, user id); dropped when the command is
/// made, cancelled, or left unanswered (see `core::dialogues`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dialogue {
    pub command: DialogueCommand,
    pub answers: Vec<String>,
    /// The last answer (or the start): a dialogue left alone ends.
    pub at: DateTime<Utc>,
}

/// The commands that may be written question by question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DialogueCommand {
    Meeting,
    Poll,
    Ballot,
    Slots,
}

/// A poll, native in clients (MSC3381), numbered for text commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Poll {
    pub number: u64,
    pub room_id: String,
    /// `None` once the author erased their data.
    pub author: Option<String>,
    pub question: String,
    /// The options; option `i` has the answer id `(i + 1).to_string()`.
    pub answers: Vec<String>,
    pub max_selections: u32,
    /// Results shown only at the end (`undisclosed` in clients).
    pub hidden: bool,
    pub closes_at: Option<DateTime<Utc>>,
    /// The poll start event, once the homeserver has it.
    pub start_event_id: Option<String>,
    pub opened_at: DateTime<Utc>,
    /// When it was closed; votes sent after are not counted.
    pub closed_at: Option<DateTime<Utc>>,
    /// The results were published (end event and message).
    pub published: bool,
    /// People who erased their data (`!oublier`) before the results were
    /// published: their votes until then are withdrawn, even those the
    /// homeserver still has and gives back at closing.
    pub withdrawn: Vec<Withdrawal>,
    /// The counts, once published; the votes themselves are then deleted,
    /// so nothing links anyone to a closed poll's choices.
    pub results: Option<PollResults>,
}

/// A person who erased their data while a poll was open, as a digest of
/// the poll and their id (never the id itself): votes they sent before
/// `before` do not count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    pub voter: String,
    pub before: DateTime<Utc>,
}

/// A published poll's counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollResults {
    /// Votes per answer, in the poll's order.
    pub counts: Vec<u64>,
    /// People whose vote counted.
    pub voters: u64,
    /// People whose latest vote named an unknown answer.
    pub spoiled: u64,
}

impl Poll {
    pub fn answer_id(index: usize) -> String {
        (index + 1).to_string()
    }

    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }
}

/// One vote event (a click in a client, or `!vote`). Keyed by (poll number,
/// voter, event id): every vote is kept until the poll closes, because a
/// redacted vote gives way to the voter's previous one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    pub answers: Vec<String>,
    pub at: DateTime<Utc>,
}

/// A secret ballot. Who may vote and who has voted live in [`Elector`]
/// records, the choices only as counts in [`BallotBox`]: no record links a
/// person to a choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ballot {
    pub number: u64,
    pub room_id: String,
    /// `None` once the author erased their data.
    pub author: Option<String>,
    pub question: String,
    pub answers: Vec<String>,
    pub max_selections: u32,
    /// Ballots needed for the result to stand.
    pub quorum: Option<u32>,
    pub closes_at: Option<DateTime<Utc>>,
    pub opened_at: DateTime<Utc>,
    /// Voting starts once the electorate is frozen.
    pub electorate_frozen: bool,
    pub closed_at: Option<DateTime<Utc>>,
}

impl Ballot {
    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }
}

/// A person allowed to vote in an open ballot. Keyed by (ballot number,
/// user id); all of them are deleted when the ballot closes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Elector {
    pub voted: bool,
}

/// The ballot box: counts only, no names, no times. Keyed by ballot number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotBox {
    /// Votes per answer.
    pub counts: Vec<u64>,
    /// Ballots cast.
    pub ballots: u64,
    /// People allowed to vote, frozen at opening.
    pub electorate: u64,
}

/// How a meeting repeats, in the assembly's time zone: the same wall-clock
/// time every `every` weeks or months, whatever the daylight-saving time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    Weeks(u32),
    Months(u32),
}

/// A meeting of a working group (or the general assembly).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub number: u64,
    pub room_id: String,
    /// `None` once the organiser erased their data.
    pub organiser: Option<String>,
    /// The start of the next (or current) occurrence.
    pub starts_at: DateTime<Utc>,
    /// The wall-clock start of the first occurrence in the assembly's time
    /// zone, from which repeats are computed.
    pub first_local: chrono::NaiveDateTime,
    /// Which occurrence `starts_at` is (0 for the first).
    pub occurrence: u32,
    pub place: Option<String>,
    pub subject: Option<String>,
    pub video: Option<String>,
    pub recurrence: Option<Recurrence>,
    /// Reminders, in minutes before the start.
    pub reminders: Vec<u32>,
    /// The announcement's event id, on which reactions count as answers.
    pub announcement_event_id: Option<String>,
    pub cancelled: bool,
    pub created_at: DateTime<Utc>,
    /// A general assembly: announced and reminded in the hub and every
    /// theme room, answered from any of them. (Added without a version
    /// change: records written before read as `false`.)
    #[serde(default)]
    pub general: bool,
    /// The announcements in the other rooms (general assemblies).
    #[serde(default)]
    pub other_announcements: Vec<String>,
    /// `--prive`: kept off the public site, even in a public group. (Added
    /// without a version change: records written before read as `false`,
    /// and a meeting that is not private is written as before.)
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub private: bool,
}

impl Meeting {
    /// Whether `event_id` is one of this meeting's announcements.
    pub fn is_announcement(&self, event_id: &str) -> bool {
        self.announcement_event_id.as_deref() == Some(event_id)
            || self.other_announcements.iter().any(|id| id == event_id)
    }
}

/// Someone's answer to a meeting's invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Attendance {
    Going,
    Maybe,
    NotGoing,
}

/// An answer, keyed by (meeting number, user id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rsvp {
    pub answer: Attendance,
    pub at: DateTime<Utc>,
    /// The reaction that gave this answer, so withdrawing it withdraws the
    /// answer.
    pub reaction_event_id: Option<String>,
}

/// Where a person wants meeting reminders. Keyed by user id; absent means
/// [`ReminderChoice::DEFAULT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderChoice {
    /// In the group's room, with a mention: seen there, but a notice, which
    /// rings no phone.
    Room,
    /// In a direct chat, as a message that notifies.
    Direct,
    Off,
}

impl ReminderChoice {
    /// What nobody chose: a reminder must ring, and only a direct message
    /// rings one person alone (in a room, `m.text` notifies every member).
    pub const DEFAULT: ReminderChoice = ReminderChoice::Direct;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderPreference {
    pub choice: ReminderChoice,
}

/// A reminder that fell due while the bot was down and could not be sent
/// before the meeting started; the next digest lists it. Keyed by meeting
/// number and due time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissedReminder {
    pub meeting: u64,
    pub due: DateTime<Utc>,
    pub starts_at: DateTime<Utc>,
}

/// Finding a date: candidate slots, one announcement line each, answered
/// by reactions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotPoll {
    pub number: u64,
    pub room_id: String,
    /// `None` once the author erased their data.
    pub author: Option<String>,
    pub subject: String,
    pub slots: Vec<DateTime<Utc>>,
    /// The event of each slot's line, once sent.
    pub slot_event_ids: Vec<Option<String>>,
    /// The meeting created when it was closed.
    pub meeting: Option<u64>,
    pub closed: bool,
    pub created_at: DateTime<Utc>,
}

/// A reaction on a slot's line. Keyed by (slot poll, slot index, user).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotAnswer {
    pub answer: Attendance,
    pub reaction_event_id: String,
}

/// Where a field report stands with the deputy's team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    New,
    Received,
    InProgress,
    Handled,
    Closed,
    /// Its author edited it away or deleted the message before an answer.
    Withdrawn,
}

impl ReportStatus {
    pub fn is_waiting(self) -> bool {
        matches!(
            self,
            ReportStatus::New | ReportStatus::Received | ReportStatus::InProgress
        )
    }
}

/// A status change, kept with who and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub status: ReportStatus,
    /// `None` once that person erased their data.
    pub by: Option<String>,
    pub at: DateTime<Utc>,
}

/// An answer of the team, carried back to the theme room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportAnswer {
    pub text: String,
    pub by: Option<String>,
    pub at: DateTime<Utc>,
}

/// A field report ("remontée de terrain"), numbered for the team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub number: u64,
    pub theme: String,
    pub room_id: String,
    /// The message the report was typed in, answered in reply.
    pub event_id: String,
    /// Kept even for anonymous reports (so the answer reaches them, in
    /// private), never shown to the team then, and stored sealed like the
    /// whole report (`store::domain`); `None` once the author erased their
    /// data.
    pub author: Option<String>,
    pub anonymous: bool,
    pub commune: Option<String>,
    pub text: String,
    pub created_at: DateTime<Utc>,
    /// The card in the deputy room, once sent (replies to it are answers).
    pub card_event_id: Option<String>,
    pub status: ReportStatus,
    pub history: Vec<StatusChange>,
    pub answers: Vec<ReportAnswer>,
}

/// A speaker or association proposed to a group (`!intervenant`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Speaker {
    pub number: u64,
    pub theme: String,
    /// `None` once the proposer erased their data.
    pub proposer: Option<String>,
    pub name: String,
    pub subject: Option<String>,
    /// `None` once the proposer erased their data.
    pub contact: Option<String>,
    pub at: DateTime<Utc>,
}

/// When the last digest went to the team (a singleton in `Meta`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestState {
    pub last_at: DateTime<Utc>,
}

/// Where the guided report flow (in a direct chat) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DraftStep {
    Theme,
    Text,
    Commune,
    Anonymity,
    /// Everything is known (moved here from a theme room): send it?
    Confirm,
}

/// A field report being written in a direct chat, question by question.
/// Keyed by user id; erased when sent, cancelled or a day old.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDraft {
    pub step: DraftStep,
    pub theme: Option<String>,
    pub text: Option<String>,
    pub commune: Option<String>,
    /// `Some(true)`: anonymous; `None`: not asked yet.
    pub anonymous: Option<bool>,
    pub started_at: DateTime<Utc>,
    /// Started by a command typed in a room, which the room saw: the
    /// anonymity question says so. (Added without a version change: read
    /// as `false` in drafts written before, not written when `false`.)
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub seen_in_room: bool,
}

/// One decided change to the assembly's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Theme(ThemeRecord),
    Membership {
        slug: String,
        user_id: String,
        value: Option<Membership>,
    },
    Coordination {
        slug: String,
        user_id: String,
        value: Option<Coordination>,
    },
    Profile {
        user_id: String,
        value: Option<Profile>,
    },
    Proposal(Proposal),
    Welcome {
        room_id: String,
        user_id: String,
        value: Option<Welcome>,
    },
    Dialogue {
        room_id: String,
        user_id: String,
        value: Option<Dialogue>,
    },
    Poll(Poll),
    Vote {
        poll: u64,
        voter: String,
        event_id: String,
        value: Option<Vote>,
    },
    Ballot(Ballot),
    Elector {
        ballot: u64,
        user_id: String,
        value: Option<Elector>,
    },
    BallotBox {
        ballot: u64,
        value: BallotBox,
    },
    Meeting(Meeting),
    Rsvp {
        meeting: u64,
        user_id: String,
        value: Option<Rsvp>,
    },
    ReminderPreference {
        user_id: String,
        value: Option<ReminderPreference>,
    },
    MissedReminder(MissedReminder),
    SlotPoll(SlotPoll),
    SlotAnswer {
        poll: u64,
        slot: u32,
        user_id: String,
        value: Option<SlotAnswer>,
    },
    Report(Report),
    Speaker(Speaker),
    /// A digest was sent: remember when.
    DigestSent(DigestState),
    /// A missed reminder was listed in a digest: forget it.
    MissedReminderTold(MissedReminder),
    ReportDraft {
        user_id: String,
        value: Option<ReportDraft>,
    },
    /// The adapter saw this room encrypted: it stays so, the homeserver
    /// never lets encryption be turned off (see `core::encryption`).
    RoomEncrypted(String),
}

/// Everything the assembly remembers, in memory. Small: thousands of
/// records at most, so reading it all at start is cheap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assembly {
    pub themes: BTreeMap<String, ThemeRecord>,
    pub memberships: BTreeMap<(String, String), Membership>,
    pub coordinations: BTreeMap<(String, String), Coordination>,
    pub profiles: BTreeMap<String, Profile>,
    pub proposals: BTreeMap<u64, Proposal>,
    pub welcomes: BTreeMap<(String, String), Welcome>,
    pub dialogues: BTreeMap<(String, String), Dialogue>,
    pub polls: BTreeMap<u64, Poll>,
    pub votes: BTreeMap<(u64, String, String), Vote>,
    pub ballots: BTreeMap<u64, Ballot>,
    pub electors: BTreeMap<(u64, String), Elector>,
    pub ballot_boxes: BTreeMap<u64, BallotBox>,
    pub meetings: BTreeMap<u64, Meeting>,
    pub rsvps: BTreeMap<(u64, String), Rsvp>,
    pub reminder_preferences: BTreeMap<String, ReminderPreference>,
    pub missed_reminders: Vec<MissedReminder>,
    pub slot_polls: BTreeMap<u64, SlotPoll>,
    pub slot_answers: BTreeMap<(u64, u32, String), SlotAnswer>,
    pub reports: BTreeMap<u64, Report>,
    pub speakers: BTreeMap<u64, Speaker>,
    pub last_digest: Option<DateTime<Utc>>,
    pub report_drafts: BTreeMap<String, ReportDraft>,
    /// Rooms the bot has seen encrypted, for the rule that nothing said in
    /// one is written where it would be read in clear.
    pub encrypted_rooms: std::collections::BTreeSet<String>,
}

fn set<K: Ord, V>(map: &mut BTreeMap<K, V>, key: K, value: Option<V>) {
    match value {
        Some(value) => {
            map.insert(key, value);
        }
        None => {
            map.remove(&key);
        }
    }
}

impl Assembly {
    pub fn apply(&mut self, change: &Change) {
        match change.clone() {
            Change::Theme(record) => {
                self.themes.insert(record.slug.clone(), record);
            }
            Change::Membership {
                slug,
                user_id,
                value,
            } => set(&mut self.memberships, (slug, user_id), value),
            Change::Coordination {
                slug,
                user_id,
                value,
            } => set(&mut self.coordinations, (slug, user_id), value),
            Change::Profile { user_id, value } => set(&mut self.profiles, user_id, value),
            Change::Proposal(proposal) => {
                self.proposals.insert(proposal.number, proposal);
            }
            Change::Welcome {
                room_id,
                user_id,
                value,
            } => set(&mut self.welcomes, (room_id, user_id), value),
            Change::Dialogue {
                room_id,
                user_id,
                value,
            } => set(&mut self.dialogues, (room_id, user_id), value),
            Change::Poll(poll) => {
                self.polls.insert(poll.number, poll);
            }
            Change::Vote {
                poll,
                voter,
                event_id,
                value,
            } => set(&mut self.votes, (poll, voter, event_id), value),
            Change::Ballot(ballot) => {
                self.ballots.insert(ballot.number, ballot);
            }
            Change::Elector {
                ballot,
                user_id,
                value,
            } => set(&mut self.electors, (ballot, user_id), value),
            Change::BallotBox { ballot, value } => {
                self.ballot_boxes.insert(ballot, value);
            }
            Change::Meeting(meeting) => {
                self.meetings.insert(meeting.number, meeting);
            }
            Change::Rsvp {
                meeting,
                user_id,
                value,
            } => set(&mut self.rsvps, (meeting, user_id), value),
            Change::ReminderPreference { user_id, value } => {
                set(&mut self.reminder_preferences, user_id, value)
            }
            Change::SlotPoll(poll) => {
                self.slot_polls.insert(poll.number, poll);
            }
            Change::SlotAnswer {
                poll,
                slot,
                user_id,
                value,
            } => set(&mut self.slot_answers, (poll, slot, user_id), value),
            Change::Report(report) => {
                self.reports.insert(report.number, report);
            }
            Change::Speaker(speaker) => {
                self.speakers.insert(speaker.number, speaker);
            }
            Change::DigestSent(digest) => {
                self.last_digest = Some(digest.last_at);
            }
            Change::MissedReminderTold(missed) => {
                self.missed_reminders.retain(|kept| *kept != missed);
            }
            Change::ReportDraft { user_id, value } => set(&mut self.report_drafts, user_id, value),
            Change::RoomEncrypted(room_id) => {
                self.encrypted_rooms.insert(room_id);
            }
            Change::MissedReminder(missed) => {
                if !self.missed_reminders.contains(&missed) {
                    self.missed_reminders.push(missed);
                }
            }
        }
    }

    pub fn membership(&self, slug: &str, user_id: &str) -> Option<&Membership> {
        self.memberships.get(&(slug.to_owned(), user_id.to_owned()))
    }

    /// Current members of a theme, in sign-up order.
    pub fn members_of(&self, slug: &str) -> Vec<(&str, &Membership)> {
        let mut members: Vec<(&str, &Membership)> = self
            .memberships
            .iter()
            .filter(|((theme, _), membership)| theme == slug && membership.is_current())
            .map(|((_, user), membership)| (user.as_str(), membership))
            .collect();
        members.sort_by_key(|(user, membership)| (membership.joined_at, *user));
        members
    }

    pub fn is_appointed_coordinator(&self, slug: &str, user_id: &str) -> bool {
        self.coordinations
            .contains_key(&(slug.to_owned(), user_id.to_owned()))
    }

    /// Polls and secret ballots share one numbering, so `#5` is never two
    /// things.
    pub fn next_poll_number(&self) -> u64 {
        let last_poll = self.polls.keys().next_back().copied().unwrap_or(0);
        let last_ballot = self.ballots.keys().next_back().copied().unwrap_or(0);
        last_poll.max(last_ballot) + 1
    }

    /// The votes of a poll, by voter.
    pub fn votes_of(&self, poll: u64) -> impl Iterator<Item = (&str, &str, &Vote)> {
        self.votes
            .range((poll, String::new(), String::new())..)
            .take_while(move |((number, _, _), _)| *number == poll)
            .map(|((_, voter, event_id), vote)| (voter.as_str(), event_id.as_str(), vote))
    }

    pub fn next_meeting_number(&self) -> u64 {
        self.meetings.keys().next_back().map_or(1, |last| last + 1)
    }

    pub fn next_proposal_number(&self) -> u64 {
        self.proposals.keys().next_back().map_or(1, |last| last + 1)
    }
}

/// A theme's short name, from what people call it: `Transports & mobilité`
/// → `transports-mobilite`. Lowercase ASCII letters, digits and dashes.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for character in fold(name).chars() {
        if character.is_ascii_alphanumeric() {
            slug.push(character);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug: String = slug.trim_end_matches('-').chars().take(32).collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_short_ascii_and_readable() {
        assert_eq!(slugify("Transports & mobilité"), "transports-mobilite");
        assert_eq!(slugify("  Énergie  "), "energie");
        assert_eq!(slugify("Œuvres sociales !"), "oeuvres-sociales");
        assert_eq!(slugify("!!!"), "");
        assert!(slugify(&"long ".repeat(20)).len() <= 32);
        assert!(!slugify(&"ab ".repeat(20)).ends_with('-'));
    }

    #[test]
    fn changes_apply_and_undo() {
        let mut assembly = Assembly::default();
        let at = chrono::DateTime::UNIX_EPOCH;
        let membership = Membership {
            display_name: None,
            joined_at: at,
            left_at: None,
        };
        assembly.apply(&Change::Membership {
            slug: "sante".into(),
            user_id: "@a:s".into(),
            value: Some(membership.clone()),
        });
        assert_eq!(assembly.members_of("sante").len(), 1);
        assembly.apply(&Change::Membership {
            slug: "sante".into(),
            user_id: "@a:s".into(),
            value: Some(Membership {
                left_at: Some(at),
                ..membership
            }),
        });
        assert!(assembly.members_of("sante").is_empty());
        assembly.apply(&Change::Membership {
            slug: "sante".into(),
            user_id: "@a:s".into(),
            value: None,
        });
        assert!(assembly.memberships.is_empty());
    }
}
