//! The functional core: `handle(input, &state, now) -> Outcome`.
//!
//! It decides what the bot does and says, and nothing else: no network, no
//! database, no clock, no async. The adapter turns Matrix events into
//! [`Input`]s; the engine applies the [`Outcome`] atomically (ledger, state
//! changes, outbox, timers) before anything is sent.
//!
//! **Architecture Invariant:** nothing in `core` depends on tokio, matrix-sdk,
//! sled or the system clock; `now` is always a parameter.

pub mod assembly;
mod ballots;
pub mod commands;
pub mod delivery;
pub mod encryption;
pub use digest::DigestSchedule;
pub mod dialogues;
mod digest;
mod groups;
pub mod ics;
pub mod limits;
mod meetings;
pub use meetings::LATE_AFTER as REMINDER_LATE_AFTER;
pub mod polls;
pub mod privacy;
pub mod render;
mod reports;
mod slots;
pub mod text;
pub mod when;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::i18n::{Arg, Language, Translator};
use assembly::{Assembly, Ballot, Change, ThemeStatus};
use commands::{Audience, COMMANDS, Command, CommandDef, CommandId, HelpTopic, Parsed, Place};
use render::{OutgoingMessage, Rendered};

/// A working group as the configuration declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeSettings {
    pub slug: String,
    pub name: String,
    /// The room id once the adapter has resolved the configured alias.
    pub room_id: Option<String>,
}

/// How long personal data is kept once it is no longer in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Sign-ups of people who left a theme (and profiles of people in no
    /// theme any more, and welcomes of people not signed up) are erased this
    /// many days after.
    pub former_members_days: u32,
    /// A theme proposal that did not gather enough support in this many days
    /// is closed and its supporters forgotten.
    pub open_proposals_days: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            former_members_days: 90,
            open_proposals_days: 180,
        }
    }
}

/// What the core needs to know about the assembly, from the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub bot_user_id: String,
    pub prefix: String,
    pub language: Language,
    pub time_zone: Tz,
    pub hub_room_id: Option<String>,
    pub deputy_room_id: Option<String>,
    pub admins: Vec<String>,
    pub themes: Vec<ThemeSettings>,
    /// Supporters (the proposer included) at which a proposed theme is created.
    pub proposal_threshold: usize,
    /// Default meeting reminders, in minutes before the start.
    pub meeting_reminders: Vec<u32>,
    /// When the team's digest goes out.
    pub digest: digest::DigestSchedule,
    pub retention: Retention,
}

impl Settings {
    pub fn is_admin(&self, user_id: &str) -> bool {
        self.admins.iter().any(|admin| admin == user_id)
    }

    /// The bot's homeserver name, through which links to rooms are routed.
    pub fn server_name(&self) -> &str {
        self.bot_user_id
            .split_once(':')
            .map_or("", |(_, server)| server)
    }
}

/// A theme as the core sees it: configured or created, active or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub slug: String,
    pub name: String,
    pub room_id: Option<String>,
    pub status: ThemeStatus,
    pub configured: bool,
}

impl Theme {
    pub fn is_active(&self) -> bool {
        self.status == ThemeStatus::Active
    }
}

/// Everything `handle` reads.
#[derive(Debug)]
pub struct State {
    pub settings: Settings,
    pub translator: Translator,
    pub assembly: Assembly,
}

impl State {
    pub fn new(settings: Settings) -> Result<Self, crate::i18n::TranslationError> {
        Self::with_assembly(settings, Assembly::default())
    }

    pub fn with_assembly(
        settings: Settings,
        assembly: Assembly,
    ) -> Result<Self, crate::i18n::TranslationError> {
        let translator = Translator::new(settings.language)?;
        Ok(State {
            settings,
            translator,
            assembly,
        })
    }

    /// Every theme: configured ones first, in configuration order (a stored
    /// record only changes their status), then those created at run time.
    pub fn themes(&self) -> Vec<Theme> {
        let stored = &self.assembly.themes;
        let mut themes: Vec<Theme> = self
            .settings
            .themes
            .iter()
            .map(|configured| Theme {
                slug: configured.slug.clone(),
                name: configured.name.clone(),
                room_id: configured.room_id.clone(),
                status: stored
                    .get(&configured.slug)
                    .map_or(ThemeStatus::Active, |record| record.status),
                configured: true,
            })
            .collect();
        for record in stored.values() {
            if !self.settings.themes.iter().any(|t| t.slug == record.slug) {
                themes.push(Theme {
                    slug: record.slug.clone(),
                    name: record.name.clone(),
                    room_id: record.room_id.clone(),
                    status: record.status,
                    configured: false,
                });
            }
        }
        themes
    }

    pub fn theme(&self, slug: &str) -> Option<Theme> {
        self.themes().into_iter().find(|theme| theme.slug == slug)
    }

    pub fn theme_of_room(&self, room_id: &str) -> Option<Theme> {
        self.themes()
            .into_iter()
            .find(|theme| theme.room_id.as_deref() == Some(room_id))
    }

    /// A hub, deputy or theme room (configured or created by the bot).
    pub fn is_assembly_room(&self, room_id: &str) -> bool {
        self.settings.hub_room_id.as_deref() == Some(room_id)
            || self.settings.deputy_room_id.as_deref() == Some(room_id)
            || self.theme_of_room(room_id).is_some()
    }

    /// The rooms the assembly's Space should list: the hub and every active
    /// theme room.
    pub fn space_children(&self) -> Vec<String> {
        let mut children: Vec<String> = self.settings.hub_room_id.iter().cloned().collect();
        children.extend(
            self.themes()
                .into_iter()
                .filter(Theme::is_active)
                .filter_map(|theme| theme.room_id),
        );
        children
    }

    /// Rooms that were theme rooms and must leave the Space (archived).
    pub fn dormant_rooms(&self) -> Vec<String> {
        self.themes()
            .into_iter()
            .filter(|theme| theme.status == ThemeStatus::Dormant)
            .filter_map(|theme| theme.room_id)
            .collect()
    }

    fn place_of(&self, room_id: &str, is_direct: bool) -> Place {
        let settings = &self.settings;
        if settings.hub_room_id.as_deref() == Some(room_id) {
            Place::Hub
        } else if settings.deputy_room_id.as_deref() == Some(room_id) {
            Place::Deputy
        } else if self.theme_of_room(room_id).is_some() {
            Place::Theme
        } else if is_direct {
            Place::Direct
        } else {
            Place::Other
        }
    }
}

/// How a message was sent, as far as the core cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Text,
    Notice,
    Emote,
    Other,
}

/// A room's power levels, as far as the core needs them. The adapter lists
/// room creators of room version 12 (who hold power without being named in
/// `m.room.power_levels`) with [`i64::MAX`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoomPower {
    pub users: BTreeMap<String, i64>,
    pub users_default: i64,
    /// Level needed to invite someone.
    pub invite: i64,
    /// Level needed to redact someone else's event.
    pub redact: i64,
    /// Level needed to send an `m.room.redaction` event at all (its entry
    /// in `events`, or `events_default`): a redaction needs both.
    pub redaction_event: i64,
}

impl RoomPower {
    /// Power levels that could not be read: every check fails closed
    /// (nobody coordinates, nobody may invite).
    pub fn unknown() -> Self {
        RoomPower {
            users: BTreeMap::new(),
            users_default: i64::MIN,
            invite: i64::MAX,
            redact: i64::MAX,
            redaction_event: i64::MAX,
        }
    }

    pub fn level(&self, user_id: &str) -> i64 {
        self.users
            .get(user_id)
            .copied()
            .unwrap_or(self.users_default)
    }

    pub fn may_invite(&self, user_id: &str) -> bool {
        self.level(user_id) >= self.invite
    }

    pub fn may_redact(&self, user_id: &str) -> bool {
        let level = self.level(user_id);
        level >= self.redact && level >= self.redaction_event
    }
}

/// A room message, already decrypted and converted by the adapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingMessage {
    pub event_id: String,
    pub room_id: String,
    pub sender: String,
    /// The sender's display name in this room, if they set one.
    pub sender_display_name: Option<String>,
    pub body: String,
    pub kind: MessageKind,
    /// An edit (`m.replace`) of an earlier message.
    pub is_edit: bool,
    /// Power levels of this room (read only for messages that may be
    /// commands; [`RoomPower::unknown`] when they could not be read).
    pub power: RoomPower,
    /// The sender's power level in the assembly's other rooms, those whose
    /// power levels could be read: what belongs to another room (a
    /// meeting, a poll) is changed with the power held there.
    pub power_elsewhere: BTreeMap<String, i64>,
    /// The sender is a joined member of the deputy team's room.
    pub sender_is_deputy_team: bool,
    /// The sender is a joined member of the hub or of a theme room (read
    /// outside the assembly's rooms, where anyone on the federation may
    /// write: direct chats, rooms someone else made).
    pub sender_in_assembly: bool,
    /// The event this message replies to (`m.in_reply_to`), if any.
    pub in_reply_to: Option<String>,
    /// For an edit, the event it replaces (its `body` is the new text).
    pub replaces: Option<String>,
    /// A room with only the bot and one person.
    pub is_direct: bool,
    /// This message itself arrived encrypted (a room may have turned
    /// encryption on after it, or a client may send in clear anyway).
    pub sent_encrypted: bool,
}

impl IncomingMessage {
    /// A text message with nothing known yet of its room or sender: power
    /// levels unknown (every check fails closed), not a direct chat, the
    /// sender in no room of the assembly. The adapter, or a test, fills in
    /// what it knows.
    pub fn text(event_id: &str, room_id: &str, sender: &str, body: impl Into<String>) -> Self {
        IncomingMessage {
            event_id: event_id.to_owned(),
            room_id: room_id.to_owned(),
            sender: sender.to_owned(),
            sender_display_name: None,
            body: body.into(),
            kind: MessageKind::Text,
            is_edit: false,
            power: RoomPower::unknown(),
            power_elsewhere: BTreeMap::new(),
            sender_is_deputy_team: false,
            sender_in_assembly: false,
            in_reply_to: None,
            replaces: None,
            is_direct: false,
            sent_encrypted: false,
        }
    }
}

/// Someone joined a room (a new `m.room.member` join, not a name change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    pub event_id: String,
    pub room_id: String,
    pub user_id: String,
    pub display_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Message(IncomingMessage),
    Joined(Joined),
    /// The room of a theme being created exists (answer to
    /// [`Action::CreateThemeRoom`]).
    RoomReady {
        slug: String,
        room_id: String,
    },
    /// A timer set through [`Outcome::timers`] fell due.
    Timer {
        purpose: TimerPurpose,
    },
    /// Meeting reminders that fell due together: said in one message per
    /// room and one per person, however many there are (a general
    /// assembly's day, or a bot back after an outage).
    Reminders(Vec<ReminderDue>),
    /// A vote clicked in a client.
    PollResponse(polls::PollResponse),
    /// An event was redacted (a vote withdrawn, for instance).
    Redaction {
        event_id: String,
        room_id: String,
        redacts: String,
    },
    /// The homeserver accepted an event sent with a `report` tag.
    Sent {
        tag: String,
        event_id: String,
    },
    /// The votes of a closing poll, re-read from the homeserver (answer to
    /// [`Action::FinishPoll`]).
    PollClosing {
        number: u64,
        responses: Vec<polls::PollResponse>,
    },
    /// A reaction (`m.annotation`) to an event.
    Reaction {
        event_id: String,
        room_id: String,
        sender: String,
        relates_to: String,
        key: String,
        at: DateTime<Utc>,
    },
    /// The joined members of a room, listed for a secret ballot being
    /// opened there (answer to [`Action::FreezeElectorate`]).
    Electorate {
        number: u64,
        members: Vec<String>,
    },
    /// An alias the bot needed for a room it creates (the Space, a new
    /// theme's room) is someone else's room; it used `instead`.
    Squatted {
        alias: String,
        instead: String,
    },
    /// The homeserver refused an outbox entry for good; it was set aside.
    Undeliverable {
        lane: delivery::Lane,
        reason: delivery::Refusal,
        /// The day it happened, in the assembly's time zone: the admins
        /// hear of a lane's refusals once a day.
        day: chrono::NaiveDate,
    },
    /// Rooms the adapter sees encrypted (see [`encryption`]).
    RoomsEncrypted {
        rooms: Vec<String>,
    },
    /// The homeserver made the bot wait before opening a direct chat (its
    /// room-creation limit): direct messages queue behind it. The admins,
    /// who can lift the limit, hear of it once a day.
    DirectChatsWaiting {
        /// The day, in the assembly's time zone.
        day: chrono::NaiveDate,
    },
}

impl Input {
    /// What the engine's ledger remembers to apply this input at most once.
    /// Timers have none: their stored entry is removed in the same batch.
    pub fn ledger_key(&self) -> Option<String> {
        match self {
            Input::Message(message) => Some(message.event_id.clone()),
            Input::Joined(joined) => Some(joined.event_id.clone()),
            Input::RoomReady { slug, .. } => Some(format!("room-ready:{slug}")),
            Input::Timer { .. } | Input::Reminders(_) | Input::RoomsEncrypted { .. } => None,
            Input::PollResponse(response) => Some(response.event_id.clone()),
            Input::Redaction { event_id, .. } => Some(event_id.clone()),
            Input::Sent { tag, .. } => Some(format!("sent:{tag}")),
            Input::PollClosing { number, .. } => Some(format!("poll-closing:{number}")),
            Input::Electorate { number, .. } => Some(format!("electorate:{number}")),
            Input::Reaction { event_id, .. } => Some(event_id.clone()),
            Input::Undeliverable { lane, reason, day } => {
                Some(delivery::ledger_key(lane, *reason, *day))
            }
            Input::Squatted { alias, .. } => Some(format!("squatted:{alias}")),
            Input::DirectChatsWaiting { day, .. } => Some(format!("direct-chats-waiting:{day}")),
        }
    }

    pub fn room_id(&self) -> Option<&str> {
        match self {
            Input::Message(message) => Some(&message.room_id),
            Input::Joined(joined) => Some(&joined.room_id),
            Input::RoomReady { room_id, .. } => Some(room_id),
            Input::PollResponse(response) => Some(&response.room_id),
            Input::Redaction { room_id, .. } | Input::Reaction { room_id, .. } => Some(room_id),
            Input::Undeliverable {
                lane: delivery::Lane::Room(room_id),
                ..
            } => Some(room_id),
            Input::Timer { .. }
            | Input::Reminders(_)
            | Input::Sent { .. }
            | Input::PollClosing { .. }
            | Input::Electorate { .. }
            | Input::Undeliverable { .. }
            | Input::Squatted { .. }
            | Input::DirectChatsWaiting { .. }
            | Input::RoomsEncrypted { .. } => None,
        }
    }
}

/// Why a timer was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerPurpose {
    /// The daily job that erases data past its retention period.
    Retention,
    /// A poll's deadline.
    ClosePoll(u64),
    /// A meeting reminder.
    Reminder(ReminderDue),
    /// A series' occurrence starting at `start` began: set up the next.
    NextOccurrence { meeting: u64, start: i64 },
    /// The weekly check that a general assembly is scheduled.
    AssemblyCheck,
    /// The team's digest.
    Digest,
}

impl TimerPurpose {
    /// How the timer is stored.
    pub fn name(self) -> String {
        match self {
            TimerPurpose::Retention => "retention".to_owned(),
            TimerPurpose::ClosePoll(number) => format!("close-poll:{number}"),
            TimerPurpose::Reminder(ReminderDue {
                meeting,
                minutes,
                start,
            }) => format!("reminder:{meeting}:{minutes}:{start}"),
            TimerPurpose::NextOccurrence { meeting, start } => {
                format!("next-occurrence:{meeting}:{start}")
            }
            TimerPurpose::AssemblyCheck => "assembly-check".to_owned(),
            TimerPurpose::Digest => "digest".to_owned(),
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        let parts: Vec<&str> = name.split(':').collect();
        match parts.as_slice() {
            ["retention"] => Some(TimerPurpose::Retention),
            ["assembly-check"] => Some(TimerPurpose::AssemblyCheck),
            ["digest"] => Some(TimerPurpose::Digest),
            ["close-poll", number] => number.parse().ok().map(TimerPurpose::ClosePoll),
            ["reminder", meeting, minutes, start] => Some(TimerPurpose::Reminder(ReminderDue {
                meeting: meeting.parse().ok()?,
                minutes: minutes.parse().ok()?,
                start: start.parse().ok()?,
            })),
            ["next-occurrence", meeting, start] => Some(TimerPurpose::NextOccurrence {
                meeting: meeting.parse().ok()?,
                start: start.parse().ok()?,
            }),
            _ => None,
        }
    }
}

/// A meeting reminder, `minutes` before the occurrence starting at `start`
/// (seconds since the epoch): stale if the meeting moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderDue {
    pub meeting: u64,
    pub minutes: u32,
    pub start: i64,
}

/// A timer to store with the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTimer {
    pub due: DateTime<Utc>,
    pub purpose: TimerPurpose,
}

/// Something other than a message that the adapter must do on Matrix.
/// Stored in the outbox like messages, and retried the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Invite `user_id` into `room_id`.
    Invite { room_id: String, user_id: String },
    /// Create the room of a new theme, in the assembly's Space; the adapter
    /// answers with [`Input::RoomReady`].
    CreateThemeRoom {
        slug: String,
        name: String,
        topic: String,
    },
    /// Send an event other than a notice (a poll start or end). With a
    /// `report` tag, the adapter answers with [`Input::Sent`] and its id.
    SendEvent {
        room_id: String,
        event_type: String,
        content: serde_json::Value,
        report: Option<String>,
    },
    /// Re-read a closing poll's votes from the homeserver; the adapter
    /// answers with [`Input::PollClosing`].
    FinishPoll {
        room_id: String,
        number: u64,
        start_event_id: String,
    },
    /// Send `text` to `user_id` in a direct chat (found, or created); as a
    /// message that notifies them when it `rings` (see
    /// [`OutgoingMessage::ringing`]), a quiet notice otherwise.
    DirectMessage {
        user_id: String,
        text: Rendered,
        rings: bool,
    },
    /// List the joined members of `room_id` as the electorate of secret
    /// ballot `number`; the adapter answers with [`Input::Electorate`].
    FreezeElectorate { room_id: String, number: u64 },
    /// Redact `event_id` in `room_id` (a vote, once counted): its content
    /// goes from the homeserver, which purges it after its
    /// `redaction_retention_period`.
    Redact { room_id: String, event_id: String },
    /// Send a text file (a data export, a calendar) into a room.
    SendFile {
        room_id: String,
        file_name: String,
        content_type: String,
        content: String,
    },
    /// Send a text file to `user_id` in their encrypted direct chat with the
    /// bot, after the direct messages written to them before it.
    DirectFile {
        user_id: String,
        file_name: String,
        content_type: String,
        content: String,
    },
}

impl Action {
    /// A quiet direct message: what answers something the person is doing.
    pub fn tell(user_id: &str, text: Rendered) -> Action {
        Action::DirectMessage {
            user_id: user_id.to_owned(),
            text,
            rings: false,
        }
    }

    /// A direct message that notifies the person (a reminder, an answer):
    /// `m.text` mentioning them.
    pub fn ring(user_id: &str, text: Rendered) -> Action {
        Action::DirectMessage {
            user_id: user_id.to_owned(),
            text,
            rings: true,
        }
    }

    /// The message a direct message is sent as (its room found later).
    pub fn direct_message(user_id: &str, text: Rendered, rings: bool) -> OutgoingMessage {
        if rings {
            OutgoingMessage::ringing("", text, vec![user_id.to_owned()])
        } else {
            OutgoingMessage::notice("", text)
        }
    }
}

/// What handling an input decided.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Messages to persist in the outbox, then send.
    pub messages: Vec<OutgoingMessage>,
    /// Matrix actions (invites, room creation, files), after the messages.
    pub actions: Vec<Action>,
    /// Changes to the assembly's data.
    pub changes: Vec<Change>,
    pub timers: Vec<NewTimer>,
    /// The command that was handled, for metrics and logs (never its text).
    pub command: Option<CommandId>,
    /// People whose data this outcome erases at their request: storage must
    /// then make it physically gone (backups scrubbed, database compacted).
    pub erased: Vec<String>,
}

impl Outcome {
    fn ignore() -> Self {
        Outcome::default()
    }

    /// Adds everything `other` decided after what this one decided.
    pub fn merge(&mut self, other: Outcome) {
        self.messages.extend(other.messages);
        self.actions.extend(other.actions);
        self.changes.extend(other.changes);
        self.timers.extend(other.timers);
        self.erased.extend(other.erased);
        self.command = self.command.or(other.command);
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
            && self.actions.is_empty()
            && self.changes.is_empty()
            && self.timers.is_empty()
    }
}

/// The person's standing, for deciding which commands they may use:
/// admin (configuration) > deputy team (members of its room) > coordinator
/// (of this theme) > member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Role {
    is_admin: bool,
    is_deputy_team: bool,
    is_coordinator: bool,
}

impl Role {
    fn may_use(self, audience: Audience) -> bool {
        match audience {
            Audience::Everyone => true,
            Audience::Coordinators => self.is_coordinator || self.is_admin,
            Audience::DeputyTeam => self.is_deputy_team || self.is_admin,
            Audience::Admins => self.is_admin,
        }
    }
}

/// What anyone may ask in a direct chat, member of the assembly or not:
/// help, the list of groups, and their own data (seeing and erasing it is
/// everyone's right).
const OPEN_TO_STRANGERS: &[CommandId] = &[
    CommandId::Help,
    CommandId::Themes,
    CommandId::MyData,
    CommandId::Forget,
];

/// Power level from which a member coordinates a theme (moderator).
pub const COORDINATOR_POWER_LEVEL: i64 = 50;

/// What the bot does about `input`. Every message it decides fits the
/// homeserver's event size (see [`OutgoingMessage::fitted`]): a message
/// too large would be refused, and would hold up its room's lane.
pub fn handle(input: &Input, state: &State, now: DateTime<Utc>) -> Outcome {
    let mut outcome = decide(input, state, now);
    outcome.messages = std::mem::take(&mut outcome.messages)
        .into_iter()
        .flat_map(OutgoingMessage::fitted)
        .collect();
    outcome.actions = std::mem::take(&mut outcome.actions)
        .into_iter()
        .flat_map(|action| match action {
            Action::DirectMessage {
                user_id,
                text,
                rings,
            } => Action::direct_message(&user_id, text, rings)
                .fitted()
                .into_iter()
                .map(|piece| Action::DirectMessage {
                    user_id: user_id.clone(),
                    text: piece.text,
                    rings: piece.rings,
                })
                .collect(),
            Action::SendEvent {
                room_id,
                event_type,
                mut content,
                report,
            } => {
                if event_type == "m.room.message" {
                    render::fit_content(&mut content);
                }
                vec![Action::SendEvent {
                    room_id,
                    event_type,
                    content,
                    report,
                }]
            }
            other => vec![other],
        })
        .collect();
    outcome
}

fn decide(input: &Input, state: &State, now: DateTime<Utc>) -> Outcome {
    match input {
        Input::Message(message) => handle_message(message, state, now),
        Input::Joined(joined) => groups::welcome(joined, state, now),
        Input::RoomReady { slug, room_id } => groups::room_ready(slug, room_id, state, now),
        Input::Timer {
            purpose: TimerPurpose::Retention,
        } => privacy::retention(state, now),
        Input::Timer {
            purpose: TimerPurpose::ClosePoll(number),
        } => {
            if state.assembly.ballots.contains_key(number) {
                ballots::deadline(state, *number, now)
            } else {
                polls::deadline(state, *number, now)
            }
        }
        Input::Electorate { number, members } => ballots::electorate(state, *number, members),
        Input::Undeliverable { lane, reason, .. } => delivery::undeliverable(state, lane, *reason),
        Input::Squatted { alias, instead } => delivery::squatted(state, alias, instead),
        Input::DirectChatsWaiting { .. } => delivery::direct_chats_waiting(state),
        Input::RoomsEncrypted { rooms } => encryption::noted(state, rooms),
        Input::Timer {
            purpose: TimerPurpose::Reminder(reminder),
        } => meetings::reminders(state, std::slice::from_ref(reminder), now),
        Input::Reminders(reminders) => meetings::reminders(state, reminders, now),
        Input::Timer {
            purpose: TimerPurpose::NextOccurrence { meeting, start },
        } => meetings::next_occurrence(state, *meeting, *start, now),
        Input::Timer {
            purpose: TimerPurpose::AssemblyCheck,
        } => meetings::assembly_check(state, now),
        Input::Timer {
            purpose: TimerPurpose::Digest,
        } => digest::scheduled(state, now),
        Input::Reaction {
            event_id,
            room_id,
            sender,
            relates_to,
            key,
            at,
        } => {
            let mut outcome =
                meetings::reaction(state, event_id, room_id, sender, relates_to, key, *at);
            outcome
                .changes
                .extend(slots::reaction(state, event_id, room_id, sender, relates_to, key).changes);
            outcome
        }
        Input::PollResponse(response) => polls::response(state, response),
        Input::Redaction {
            room_id, redacts, ..
        } => {
            let mut outcome = polls::redaction(state, room_id, redacts);
            let withdrawn = reports::redacted(state, room_id, redacts, now);
            outcome.messages.extend(withdrawn.messages);
            outcome.changes.extend(withdrawn.changes);
            outcome
                .changes
                .extend(meetings::redaction(state, redacts).changes);
            outcome
                .changes
                .extend(slots::redaction(state, redacts).changes);
            outcome
        }
        Input::Sent { tag, event_id } => {
            let parts: Vec<&str> = tag.split(':').collect();
            match parts.as_slice() {
                ["meeting", number] | ["meeting", number, _] => number
                    .parse()
                    .map(|number| meetings::announced(state, number, event_id))
                    .unwrap_or_default(),
                ["report", number] => number
                    .parse()
                    .map(|number| reports::card_sent(state, number, event_id))
                    .unwrap_or_default(),
                ["slot", number, index] => match (number.parse(), index.parse()) {
                    (Ok(number), Ok(index)) => slots::line_sent(state, number, index, event_id),
                    _ => Outcome::default(),
                },
                _ => polls::sent(state, tag, event_id),
            }
        }
        Input::PollClosing { number, responses } => polls::finish(state, *number, responses),
    }
}

/// A date in full, as the bot repeats it back so a misreading shows at once:
/// « jeudi 3 décembre 2026 à 18 h 30 ».
pub fn format_date(state: &State, at: DateTime<Utc>) -> String {
    use chrono::{Datelike, Timelike};
    let local = at.with_timezone(&state.settings.time_zone);
    let translator = &state.translator;
    let weekday = translator.plain(
        &format!("weekday-{}", local.weekday().number_from_monday()),
        &[],
    );
    let month = translator.plain(&format!("month-{}", local.month()), &[]);
    translator.plain(
        if local.minute() == 0 {
            "date-full-hour"
        } else {
            "date-full"
        },
        &[
            ("weekday", weekday.into()),
            ("day", i64::from(local.day()).into()),
            ("month", month.into()),
            ("year", i64::from(local.year()).into()),
            ("hours", i64::from(local.hour()).into()),
            ("minutes", format!("{:02}", local.minute()).into()),
        ],
    )
}

/// When the weekly general-assembly check runs next: Monday 10:00 in the
/// assembly's time zone.
pub fn next_assembly_check(time_zone: Tz, now: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::{Datelike, TimeZone};
    let today = now.with_timezone(&time_zone).date_naive();
    for days in 0..15 {
        let day = today + chrono::Duration::days(days);
        if day.weekday() != chrono::Weekday::Mon {
            continue;
        }
        let Some(ten) = day.and_hms_opt(10, 0, 0) else {
            continue;
        };
        if let Some(at) = time_zone.from_local_datetime(&ten).earliest() {
            let at = at.with_timezone(&Utc);
            if at > now {
                return at;
            }
        }
    }
    now + chrono::Duration::weeks(1)
}

/// When the daily retention job runs next: 04:00 in the assembly's time
/// zone, the first such time after `now`.
pub fn next_retention_run(time_zone: Tz, now: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::TimeZone;
    let local = now.with_timezone(&time_zone).date_naive();
    for days in 0..3 {
        let day = local + chrono::Duration::days(days);
        let Some(four) = day.and_hms_opt(4, 0, 0) else {
            continue;
        };
        if let Some(at) = time_zone.from_local_datetime(&four).earliest() {
            let at = at.with_timezone(&Utc);
            if at > now {
                return at;
            }
        }
    }
    now + chrono::Duration::days(1)
}

/// What is said when handling `input` failed (a bug in boucle): a short
/// apology to the person whose command it was, nothing otherwise. The
/// engine records the input as handled, so it is not tried again.
pub fn failed(input: &Input, state: &State) -> Outcome {
    let Input::Message(message) = input else {
        return Outcome::default();
    };
    if !commands::may_be_command(&message.body, &state.settings.prefix) {
        return Outcome::default();
    }
    Outcome {
        messages: vec![OutgoingMessage::reply(
            &message.room_id,
            &message.event_id,
            state.translator.render("handling-failed", &[]),
        )],
        ..Outcome::default()
    }
}

/// The one notice a person gets when they send commands faster than the
/// flood brake allows (see `flood.rs`, which decides when).
pub fn flood_notice(message: &IncomingMessage, state: &State) -> Outcome {
    let text = state
        .translator
        .render("flood-notice", &[("seconds", Arg::Number(60))]);
    Outcome {
        messages: vec![OutgoingMessage::reply(
            &message.room_id,
            &message.event_id,
            text,
        )],
        ..Outcome::default()
    }
}

/// A `!voter`, whether understood or not: it may hold a choice.
fn is_ballot_vote(parsed: &Parsed) -> bool {
    match parsed {
        Parsed::Command(command) => command.id() == CommandId::BallotVote,
        Parsed::Invalid { id, .. } => *id == CommandId::BallotVote,
        _ => false,
    }
}

/// A command not understood that may still hold a secret ballot's choice:
/// a `!voter` with words the parser did not take, or, while a ballot is
/// open, a typo of `!voter` or `!vote` followed by something.
fn holds_an_unread_choice(parsed: &Parsed, body: &str, state: &State) -> bool {
    let followed = body.split_whitespace().nth(1).is_some();
    let vote_typo = matches!(
        parsed,
        Parsed::Unknown {
            suggestion: Some(CommandId::BallotVote | CommandId::Vote),
            ..
        }
    ) && state.assembly.ballots.values().any(Ballot::is_open);
    followed
        && (vote_typo
            || matches!(
                parsed,
                Parsed::Invalid {
                    id: CommandId::BallotVote,
                    ..
                }
            ))
}

fn handle_message(message: &IncomingMessage, state: &State, now: DateTime<Utc>) -> Outcome {
    let settings = &state.settings;
    if message.sender == settings.bot_user_id || message.kind != MessageKind::Text {
        return Outcome::ignore();
    }
    let parsed = match commands::parse(&message.body, &settings.prefix, settings.language) {
        // `!vote` naming a secret ballot: its choice goes where a `!voter`
        // goes (counted in private only, and erased).
        Parsed::Command(Command::Vote { poll, choices })
            if state.assembly.ballots.contains_key(&poll) =>
        {
            Parsed::Command(Command::BallotVote {
                ballot: poll,
                choices,
            })
        }
        parsed => parsed,
    };
    if message.is_edit
        && !is_ballot_vote(&parsed)
        && !holds_an_unread_choice(&parsed, &message.body, state)
    {
        // Edits are never commands; an edited field report is updated.
        // Except a `!voter`: the edit holds a choice, so it goes where a
        // `!voter` goes, counted once at most and erased.
        return reports::edited(message, state, now);
    }
    if parsed == Parsed::NotCommand {
        if let Some(dialogue) = dialogues::waiting(state, message) {
            // An answer in a command's dialogue (`!reunion` typed alone).
            let place = state.place_of(&message.room_id, message.is_direct);
            let context = Context::answering(state, message, now, place);
            return dialogues::answer(message, state, now, dialogue, context);
        }
        if message.is_direct
            && state.place_of(&message.room_id, true) == Place::Direct
            && let Some(draft) = state.assembly.report_drafts.get(&message.sender)
        {
            // An answer in the guided report flow.
            let mut context = Context::answering(state, message, now, Place::Direct);
            let reply = context.continue_draft(draft.clone());
            let mut outcome = context.outcome;
            outcome.messages.insert(
                0,
                OutgoingMessage::reply(&message.room_id, &message.event_id, reply),
            );
            outcome.command = Some(CommandId::Report);
            return outcome;
        }
        // In the deputy room, a plain reply to a report's card answers it.
        return reports::card_reply(message, state, now);
    }
    let place = state.place_of(&message.room_id, message.is_direct);
    let theme = match place {
        Place::Theme => state.theme_of_room(&message.room_id),
        _ => None,
    };
    let is_coordinator = coordinates(state, message, &message.room_id);
    let mut context = Context {
        state,
        message,
        now,
        place,
        theme,
        role: Role {
            is_admin: settings.is_admin(&message.sender),
            is_deputy_team: message.sender_is_deputy_team,
            is_coordinator,
        },
        outcome: Outcome::default(),
        general_assembly: false,
        acknowledged: false,
    };
    // "!voter Pour", "!votre 1 Pour": not understood, a choice all the same.
    let unread_choice = holds_an_unread_choice(&parsed, &message.body, state);
    let (reply, command) = match parsed {
        Parsed::NotCommand => return Outcome::ignore(),
        Parsed::Command(command) => {
            let id = command.id();
            let definition = commands::definition(id);
            let reply = if !definition.allowed_in(place) && id == CommandId::BallotVote {
                let (ballot, choices) = match &command {
                    Command::BallotVote { ballot, choices } => (*ballot, choices.as_str()),
                    _ => (0, ""),
                };
                Some(context.vote_in_the_open(ballot, choices.is_empty()))
            } else if !definition.allowed_in(place) {
                Some(context.wrong_place(definition))
            } else if !context.role.may_use(definition.audience) {
                Some(context.refused(definition))
            } else if matches!(place, Place::Direct | Place::Other)
                && !message.sender_in_assembly
                && !context.role.is_admin
                && !OPEN_TO_STRANGERS.contains(&id)
            {
                Some(context.stranger())
            } else {
                context.run(command)
            };
            (reply, Some(id))
        }
        Parsed::Unknown { typed, suggestion } => {
            let mut reply = context.unknown(&typed, suggestion);
            if unread_choice {
                context.erase_choice(&mut reply);
            }
            (Some(reply), None)
        }
        Parsed::Invalid { id, .. }
            if message.body.split_whitespace().nth(1).is_none()
                && dialogues::command_of(id).is_some()
                && commands::definition(id).allowed_in(place)
                && context.role.may_use(commands::definition(id).audience) =>
        {
            // The command's name alone: asked question by question.
            let command = dialogues::command_of(id).expect("checked in the guard");
            (Some(context.start_dialogue(command)), Some(id))
        }
        Parsed::Invalid { id, problem } => {
            let mut reply = context.invalid(commands::definition(id), &problem);
            if unread_choice {
                context.erase_choice(&mut reply);
            }
            (Some(reply), Some(id))
        }
        Parsed::NotYetAvailable(id) => (Some(context.not_yet(commands::definition(id))), Some(id)),
    };
    let acknowledged = context.acknowledged;
    let mut outcome = context.outcome;
    if let Some(reply) = reply.filter(|_| !acknowledged) {
        outcome.messages.insert(
            0,
            OutgoingMessage::reply(&message.room_id, &message.event_id, reply),
        );
    }
    outcome.command = command;
    outcome
}

/// The sender's power level in `room_id`, read there: this room's from
/// its power levels, another assembly room's as the adapter read it, and
/// none at all (the check fails closed) when they could not be read.
fn level_in(message: &IncomingMessage, room_id: &str) -> i64 {
    if room_id == message.room_id {
        message.power.level(&message.sender)
    } else {
        message
            .power_elsewhere
            .get(room_id)
            .copied()
            .unwrap_or(i64::MIN)
    }
}

/// Whether the sender coordinates what belongs to `room_id`: moderator
/// there (power level 50), or named coordinator of that room's theme.
fn coordinates(state: &State, message: &IncomingMessage, room_id: &str) -> bool {
    level_in(message, room_id) >= COORDINATOR_POWER_LEVEL
        || state.theme_of_room(room_id).is_some_and(|theme| {
            state
                .assembly
                .is_appointed_coordinator(&theme.slug, &message.sender)
        })
}

/// One message's view of the state: where it was said and by whom.
struct Context<'a> {
    state: &'a State,
    message: &'a IncomingMessage,
    now: DateTime<Utc>,
    place: Place,
    /// The theme whose room this is, if any.
    theme: Option<Theme>,
    role: Role,
    /// Effects decided so far besides the reply.
    outcome: Outcome,
    /// The meeting being created is the general assembly (`!ag`).
    general_assembly: bool,
    /// The command was acknowledged with ✅ on the person's message: no
    /// reply (see [`Context::acknowledge`]).
    acknowledged: bool,
}

impl Context<'_> {
    /// ✅ on the person's message instead of the reply, where the reply
    /// would only say « c'est noté » (`!participe`, `!vote`, `!soutenir`):
    /// a busy room, a general assembly's, stays readable. A refusal, a
    /// question or news still gets words.
    fn acknowledge(&mut self) {
        self.act(Action::SendEvent {
            room_id: self.message.room_id.clone(),
            event_type: "m.reaction".to_owned(),
            content: serde_json::json!({
                "m.relates_to": {
                    "rel_type": "m.annotation",
                    "event_id": self.message.event_id,
                    "key": "✅",
                }
            }),
            report: None,
        });
        self.acknowledged = true;
    }

    /// Runs a parsed command the sender may use here; returns the reply.
    fn run(&mut self, command: Command) -> Option<Rendered> {
        match command {
            Command::Help { topic } => Some(self.help(topic.as_ref())),
            Command::Themes => Some(self.themes()),
            Command::Join { theme } => Some(self.join(theme.as_deref())),
            Command::Leave { theme } => Some(self.leave(theme.as_deref())),
            Command::Members => Some(self.members()),
            Command::Profile(action) => Some(self.profile(action)),
            Command::Coordinator { user_id, remove } => Some(self.appoint(&user_id, remove)),
            Command::Invite { user_id } => Some(self.invite(&user_id)),
            Command::Theme(action) => Some(self.theme_command(action)),
            Command::Support { proposal } => Some(self.support(proposal)),
            Command::MyData => Some(self.my_data()),
            Command::Forget { confirmed } => Some(self.forget(confirmed)),
            Command::Poll(request) => Some(self.create_poll(request)),
            Command::Vote { poll, choices } => Some(self.vote(poll, &choices)),
            Command::Close { poll } => Some(self.close_poll(poll)),
            Command::Results { poll } => Some(self.poll_results(poll)),
            Command::Polls => Some(self.open_polls()),
            Command::Ballot(request) => Some(self.create_ballot(request)),
            Command::BallotVote { ballot, choices } => Some(self.cast(ballot, &choices)),
            // The announcement is itself the reply (reactions go on it).
            Command::Meeting(request) => self.create_meeting(request),
            Command::Cancel { meeting } => Some(self.cancel_meeting(meeting)),
            Command::Move { meeting, when } => Some(self.move_meeting(meeting, &when)),
            Command::Rsvp { meeting, answer } => Some(self.answer(meeting, answer)),
            Command::Attendees { meeting } => Some(self.attendees(meeting)),
            Command::Reminders(choice) => Some(self.reminder_choice(choice)),
            Command::Agenda { ics: false } => Some(self.agenda()),
            Command::Agenda { ics: true } => Some(self.agenda_file()),
            Command::Slots { subject, slots } => Some(self.create_slots(&subject, &slots)),
            Command::SlotsClose { poll } => self.close_slots(poll),
            Command::Assembly(request) => self.create_assembly(request),
            Command::Report {
                has_text,
                anonymous,
            } => Some(self.report(has_text, anonymous)),
            Command::Reply { report } => Some(self.reply_to_report(report)),
            Command::Status { report, status } => Some(self.set_status(report, status)),
            Command::Reports { filter } => Some(self.list_reports(filter.as_deref())),
            Command::Announce => Some(self.announce()),
            Command::Speaker {
                name,
                subject,
                contact,
            } => Some(self.propose_speaker(name, subject, contact)),
            Command::Speakers => Some(self.list_speakers()),
            Command::Digest => {
                let mut digest = digest::now_for(self.state, self.now);
                self.outcome.messages.append(&mut digest.messages);
                self.outcome.changes.append(&mut digest.changes);
                None
            }
        }
    }

    /// The one rule for changing what someone started (closing a poll, a
    /// ballot or a slot poll, moving or cancelling a meeting): its author,
    /// a coordinator of the room it belongs to (judged with that room's
    /// power levels, wherever the command is typed), or an admin. The
    /// general assembly belongs to the whole assembly: only its organiser
    /// and the admins change it.
    fn may_change(&self, author: Option<&str>, room_id: &str, general: bool) -> bool {
        self.role.is_admin
            || author == Some(self.message.sender.as_str())
            || (!general && coordinates(self.state, self.message, room_id))
    }

    /// Refuses one more open poll, meeting, slot poll or speaker when the
    /// sender already has [`limits::OPEN_PER_PERSON`] of that kind open in
    /// this room, or the room [`limits::OPEN_PER_ROOM`]. `items` are the
    /// open ones of that kind here, by who started them.
    fn over_cap<'a>(&self, items: impl Iterator<Item = Option<&'a str>>) -> Option<Rendered> {
        let (mut mine, mut here) = (0, 0);
        for author in items {
            here += 1;
            mine += usize::from(author == Some(self.message.sender.as_str()));
        }
        if mine >= limits::OPEN_PER_PERSON {
            Some(self.tr("cap-person", &[("max", limits::OPEN_PER_PERSON.into())]))
        } else if here >= limits::OPEN_PER_ROOM {
            Some(self.tr("cap-room", &[("max", limits::OPEN_PER_ROOM.into())]))
        } else {
            None
        }
    }

    fn change(&mut self, change: Change) {
        self.outcome.changes.push(change);
    }

    fn act(&mut self, action: Action) {
        self.outcome.actions.push(action);
    }

    fn tr(&self, id: &str, args: &[(&str, Arg)]) -> Rendered {
        self.state.translator.render(id, args)
    }

    fn name(&self, definition: &CommandDef) -> String {
        format!(
            "{}{}",
            self.state.settings.prefix,
            definition.name(self.state.settings.language)
        )
    }

    fn visible(&self) -> impl Iterator<Item = &'static CommandDef> + '_ {
        COMMANDS.iter().filter(|definition| {
            definition.allowed_in(self.place) && self.role.may_use(definition.audience)
        })
    }

    fn help(&self, topic: Option<&HelpTopic>) -> Rendered {
        match topic {
            None => self.help_overview(),
            Some(HelpTopic::Command(id)) => self.help_command(commands::definition(*id)),
            Some(HelpTopic::Unknown(typed)) => {
                let echo = limits::shorten(typed, limits::ECHO_MAX_CHARS);
                let mut reply = self.tr("help-unknown-topic", &[("topic", echo.into())]);
                if let Some(definition) = commands::closest(typed, self.state.settings.language) {
                    reply.line(
                        self.tr("did-you-mean", &[("command", self.name(definition).into())]),
                    );
                }
                reply
            }
        }
    }

    fn help_overview(&self) -> Rendered {
        let mut reply = self.tr("help-header", &[]).strong();
        let mut upcoming = Vec::new();
        for definition in self.visible() {
            if definition.is_available() {
                reply.line(self.tr(
                    "help-line",
                    &[
                        ("command", self.name(definition).into()),
                        (
                            "summary",
                            self.tr(&definition.summary_id(), &[]).body.into(),
                        ),
                    ],
                ));
            } else {
                upcoming.push(self.name(definition));
            }
        }
        if !upcoming.is_empty() {
            reply.line(self.tr("help-upcoming", &[("commands", upcoming.join(", ").into())]));
        }
        reply.line(self.tr("help-footer", &[]));
        reply.line(self.tr("help-separators", &[]));
        reply
    }

    fn help_command(&self, definition: &CommandDef) -> Rendered {
        let language = self.state.settings.language;
        let other = match language {
            Language::Fr => definition.english,
            Language::En => definition.french,
        };
        let usage = self.tr(&definition.usage_id(), &[]).body;
        let mut reply = self
            .tr(
                "help-command-title",
                &[
                    ("command", self.name(definition).into()),
                    (
                        "alias",
                        format!("{}{other}", self.state.settings.prefix).into(),
                    ),
                ],
            )
            .strong();
        reply.line(self.tr(&definition.summary_id(), &[]));
        let separated = usage.contains('|');
        reply.line(self.tr("help-usage", &[("usage", usage.into())]));
        reply.line(self.tr(
            "help-example",
            &[(
                "example",
                self.tr(&definition.example_id(), &[]).body.into(),
            )],
        ));
        if separated {
            reply.line(self.tr("help-separators", &[]));
        }
        if definition.id == CommandId::Report {
            // The private way is the one that keeps a report anonymous.
            reply.line(self.tr("help-report-private", &[]));
        }
        if !definition.is_available() {
            reply.line(self.tr("help-not-yet", &[]));
        } else if !self.role.may_use(definition.audience) {
            reply.line(self.tr("help-not-for-you", &[]));
        }
        reply
    }

    fn unknown(&self, typed: &str, suggestion: Option<CommandId>) -> Rendered {
        let typed = format!(
            "{}{}",
            self.state.settings.prefix,
            limits::shorten(typed, limits::ECHO_MAX_CHARS)
        );
        let mut reply = self.tr("unknown-command", &[("command", typed.into())]);
        match suggestion {
            Some(id) => reply.line(self.tr(
                "did-you-mean",
                &[("command", self.name(commands::definition(id)).into())],
            )),
            None => reply.line(self.tr("see-help", &[])),
        };
        reply
    }

    /// The context of a plain message answering a question the bot asked
    /// (a dialogue, the report flow): no command, so no coordinator's power.
    fn answering<'a>(
        state: &'a State,
        message: &'a IncomingMessage,
        now: DateTime<Utc>,
        place: Place,
    ) -> Context<'a> {
        Context {
            state,
            message,
            now,
            place,
            theme: match place {
                Place::Theme => state.theme_of_room(&message.room_id),
                _ => None,
            },
            role: Role {
                is_admin: state.settings.is_admin(&message.sender),
                is_deputy_team: message.sender_is_deputy_team,
                is_coordinator: false,
            },
            outcome: Outcome::default(),
            general_assembly: false,
            acknowledged: false,
        }
    }

    /// Erases the message being handled, which holds a ballot's choice,
    /// and says so under `reply`.
    fn erase_choice(&mut self, reply: &mut Rendered) {
        let erased = self.redact_message();
        reply.line(self.tr(
            "ballot-refused-erased",
            &[("erased", i64::from(erased).into())],
        ));
    }

    fn invalid(&self, definition: &CommandDef, problem: &commands::ParseProblem) -> Rendered {
        use commands::ParseProblem;
        let command: Arg = self.name(definition).into();
        let mut reply = match problem {
            ParseProblem::Missing => self.tr("problem-missing", &[("command", command)]),
            ParseProblem::NotAUserId => self.tr("problem-not-a-user-id", &[("command", command)]),
            ParseProblem::NotANumber => self.tr("problem-not-a-number", &[("command", command)]),
            ParseProblem::UnknownAction => {
                self.tr("problem-unknown-action", &[("command", command)])
            }
            ParseProblem::NoQuestion => self.tr("problem-no-question", &[]),
            ParseProblem::OptionCount { found } => self.tr(
                "problem-option-count",
                &[
                    ("found", (*found).into()),
                    ("min", (*commands::POLL_OPTIONS.start()).into()),
                    ("max", (*commands::POLL_OPTIONS.end()).into()),
                ],
            ),
            ParseProblem::SlotCount { found } => {
                self.tr("problem-slot-count", &[("found", (*found).into())])
            }
            ParseProblem::TooLong { max } => self.tr(
                "problem-too-long",
                &[("max", (*max).into()), ("command", command)],
            ),
            ParseProblem::FieldTooLong { max } => self.tr(
                "problem-field-too-long",
                &[("max", (*max).into()), ("command", command)],
            ),
            ParseProblem::RepeatTooRare => self.tr(
                "problem-repeat-too-rare",
                &[
                    ("weeks", i64::from(limits::REPEAT_MAX_WEEKS).into()),
                    ("months", i64::from(limits::REPEAT_MAX_MONTHS).into()),
                ],
            ),
            ParseProblem::ReminderTooEarly => self.tr(
                "problem-reminder-too-early",
                &[(
                    "days",
                    i64::from(limits::REMINDER_MAX_MINUTES / (24 * 60)).into(),
                )],
            ),
            ParseProblem::TooManyReminders => self.tr(
                "problem-too-many-reminders",
                &[("max", limits::REMINDERS_MAX.into())],
            ),
            ParseProblem::BadFlag(flag) => self.tr(
                "problem-bad-flag",
                &[("flag", format!("--{flag}").into()), ("command", command)],
            ),
        };
        reply.line(self.tr(
            "help-usage",
            &[("usage", self.tr(&definition.usage_id(), &[]).body.into())],
        ));
        reply.line(self.tr(
            "help-example",
            &[(
                "example",
                self.tr(&definition.example_id(), &[]).body.into(),
            )],
        ));
        reply
    }

    /// A command used where it makes no sense: say where it works.
    fn wrong_place(&self, definition: &CommandDef) -> Rendered {
        let where_id = if definition.places == [Place::Theme] {
            "place-theme-only"
        } else if definition.places == [Place::Hub] {
            "place-hub-only"
        } else if definition.places == [Place::Deputy] {
            "place-deputy-only"
        } else if definition.places == [Place::Direct] {
            "place-direct-only"
        } else {
            "place-not-here"
        };
        self.tr(where_id, &[("command", self.name(definition).into())])
    }

    /// Someone in none of the assembly's rooms, in a direct chat: how to
    /// join, rather than a sign-up or a report from anywhere.
    fn stranger(&self) -> Rendered {
        let hub = match &self.state.settings.hub_room_id {
            Some(hub) => Arg::room(
                &self.state.translator.plain("room-hub", &[]),
                hub,
                self.state.settings.server_name(),
            ),
            None => self.state.translator.plain("room-hub", &[]).into(),
        };
        self.tr("direct-stranger", &[("hub", hub)])
    }

    /// A command the sender may not use: say who may, in one sentence.
    fn refused(&self, definition: &CommandDef) -> Rendered {
        let id = match definition.audience {
            Audience::Admins => "refused-admins",
            Audience::DeputyTeam => "refused-deputy-team",
            Audience::Coordinators | Audience::Everyone => "refused-coordinators",
        };
        self.tr(id, &[("command", self.name(definition).into())])
    }

    fn not_yet(&self, definition: &CommandDef) -> Rendered {
        self.tr(
            "command-not-yet",
            &[("command", self.name(definition).into())],
        )
    }
}

#[doc(hidden)]
pub mod fuzzing;
#[doc(hidden)]
pub mod life;
#[cfg(test)]
mod properties;
#[cfg(test)]
mod regressions;
#[cfg(test)]
mod tests;
