//! Meetings: scheduled in the group's room with a date read back in full,
//! repeated by a rule in the assembly's time zone, answered by command or
//! by reaction on the announcement, reminded before, never lost, never
//! twice.
//!
//! Reminders are scheduler timers named after the occurrence they belong
//! to (meeting, offset, start). Moving or cancelling a meeting needs no
//! timer bookkeeping: a timer whose occurrence no longer matches is stale
//! and does nothing when it fires. A timer fired late (the bot was down)
//! still reminds, marked late, until the meeting starts; after that, the
//! miss is recorded for the next digest. The timer is removed in the same
//! batch as the reminder, so a restart never repeats it.

use chrono::{DateTime, Duration, Months, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::assembly::{
    Attendance, Change, Meeting, MissedReminder, Recurrence, ReminderChoice, ReminderPreference,
    Rsvp,
};
use super::commands::MeetingRequest;
use super::render::{MESSAGE_BUDGET, OutgoingMessage, Rendered};
use super::when::parse_when;
use super::{
    Action, Context, NewTimer, Outcome, ReminderDue, State, TimerPurpose, format_date, ics,
};
use crate::i18n::Arg;

/// A reminder is "on time" if sent within this long after it fell due.
pub const LATE_AFTER: Duration = Duration::seconds(30);
/// A general assembly's reminders: a week and a day before.
const GENERAL_ASSEMBLY_REMINDERS: [u32; 2] = [7 * 24 * 60, 24 * 60];
/// How many meetings `!agenda` lists.
const AGENDA_LENGTH: usize = 10;

/// The start of occurrence `k` of a series starting at `first_local` (wall
/// clock in `time_zone`): the same wall-clock time, whatever the
/// daylight-saving time. In a skipped hour, the first valid moment after.
pub fn occurrence_start(
    first_local: NaiveDateTime,
    recurrence: Option<Recurrence>,
    k: u32,
    time_zone: Tz,
) -> Option<DateTime<Utc>> {
    let local = match recurrence {
        None if k == 0 => first_local,
        None => return None,
        Some(Recurrence::Weeks(every)) => first_local.checked_add_signed(Duration::try_weeks(
            i64::from(every).checked_mul(i64::from(k))?,
        )?)?,
        Some(Recurrence::Months(every)) => {
            first_local.checked_add_months(Months::new(every.checked_mul(k)?))?
        }
    };
    time_zone
        .from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            time_zone
                .from_local_datetime(&local.checked_add_signed(Duration::hours(1))?)
                .earliest()
        })
        .map(|at| at.with_timezone(&Utc))
}

/// When the reminder `minutes` before `starts_at` is due (never out of
/// the calendar's range: `None` then).
fn reminder_due(starts_at: DateTime<Utc>, minutes: u32) -> Option<DateTime<Utc>> {
    starts_at.checked_sub_signed(Duration::minutes(i64::from(minutes)))
}

/// The timers of a meeting's current occurrence: each reminder still ahead,
/// and for a series, the move to the next occurrence at the start.
fn timers_for(meeting: &Meeting, now: DateTime<Utc>) -> Vec<NewTimer> {
    let start = meeting.starts_at.timestamp();
    let mut timers: Vec<NewTimer> = meeting
        .reminders
        .iter()
        .filter_map(|minutes| Some((reminder_due(meeting.starts_at, *minutes)?, *minutes)))
        .filter(|(due, _)| *due > now)
        .map(|(due, minutes)| NewTimer {
            due,
            purpose: TimerPurpose::Reminder(ReminderDue {
                meeting: meeting.number,
                minutes,
                start,
            }),
        })
        .collect();
    if meeting.recurrence.is_some() {
        timers.push(NewTimer {
            due: meeting.starts_at,
            purpose: TimerPurpose::NextOccurrence {
                meeting: meeting.number,
                start,
            },
        });
    }
    timers
}

/// Where `user` wants what concerns the meetings they come to: reminders,
/// and a meeting cancelled or moved. By default a direct message that
/// notifies them: in the group's room it could not ring their phone alone.
fn reminder_choice_of(state: &State, user: &str) -> ReminderChoice {
    state
        .assembly
        .reminder_preferences
        .get(user)
        .map_or(ReminderChoice::DEFAULT, |preference| preference.choice)
}

fn going(state: &State, meeting: u64) -> Vec<String> {
    state
        .assembly
        .rsvps
        .iter()
        .filter(|((number, _), rsvp)| *number == meeting && rsvp.answer == Attendance::Going)
        .map(|((_, user), _)| user.clone())
        .collect()
}

/// Reminders that fell due together (maybe late). Each current one gives
/// its meeting's block; a room then gets one message listing all of its
/// meetings and pinging those coming to any of them, and a person who
/// chose private reminders one direct message. So a burst of reminders (a
/// general assembly, a bot back after an outage) is a few messages, not
/// one per meeting, and arrives on time.
pub fn reminders(state: &State, due: &[ReminderDue], now: DateTime<Utc>) -> Outcome {
    let mut outcome = Outcome::default();
    let mut rooms = Gathered::default();
    let mut direct = Gathered::default();
    for reminder in due {
        let Some(meeting) = state.assembly.meetings.get(&reminder.meeting) else {
            continue;
        };
        if meeting.cancelled || meeting.starts_at.timestamp() != reminder.start {
            continue; // moved or cancelled: this timer is stale
        }
        let Some(due_at) = reminder_due(meeting.starts_at, reminder.minutes) else {
            continue;
        };
        if now >= meeting.starts_at {
            outcome.changes.push(Change::MissedReminder(MissedReminder {
                meeting: meeting.number,
                due: due_at,
                starts_at: meeting.starts_at,
            }));
            continue;
        }
        let tr = |id: &str, args: &[(&str, Arg)]| state.translator.render(id, args);
        let late = now > due_at + LATE_AFTER;
        let mut text = tr(
            if late { "reminder-late" } else { "reminder" },
            &[
                ("number", meeting.number.to_string().into()),
                ("date", format_date(state, meeting.starts_at).into()),
            ],
        )
        .strong();
        describe(state, meeting, &mut text);
        // Those who said they come, and only them, are pinged.
        let mut in_room = Vec::new();
        for user in going(state, meeting.number) {
            match reminder_choice_of(state, &user) {
                ReminderChoice::Room => in_room.push(user),
                ReminderChoice::Direct => direct.add(&user, text.clone(), Vec::new()),
                ReminderChoice::Off => {}
            }
        }
        rooms.add(&meeting.room_id, text.clone(), in_room);
        if meeting.general {
            for room in general_rooms(state, &meeting.room_id) {
                if room != meeting.room_id {
                    rooms.add(&room, text.clone(), Vec::new());
                }
            }
        }
    }
    for (room, blocks) in rooms.0 {
        for (text, mentions) in pack(blocks) {
            let mut message = OutgoingMessage::notice(&room, text);
            message.mentions = mentions;
            outcome.messages.push(message);
        }
    }
    for (user_id, blocks) in direct.0 {
        for (mut text, _) in pack(blocks) {
            // Private reminders are the default: say how to change them.
            text.line(state.translator.render("reminder-direct-how", &[]));
            outcome.actions.push(Action::ring(&user_id, text));
        }
    }
    outcome
}

/// One meeting's reminder text, with the people it pings.
type Block = (Rendered, Vec<String>);

/// Reminder blocks by recipient (a room or a person), in the order they
/// first appear.
#[derive(Default)]
struct Gathered(Vec<(String, Vec<Block>)>);

impl Gathered {
    fn add(&mut self, recipient: &str, text: Rendered, mentions: Vec<String>) {
        match self.0.iter_mut().find(|(known, _)| known == recipient) {
            Some((_, blocks)) => blocks.push((text, mentions)),
            None => self.0.push((recipient.to_owned(), vec![(text, mentions)])),
        }
    }
}

/// Blocks joined by an empty line into as few messages as fit under the
/// size budget, each pinging the people of its blocks once.
fn pack(blocks: Vec<Block>) -> Vec<Block> {
    let size = |text: &Rendered| text.body.len() + text.html.len();
    let mut messages: Vec<Block> = Vec::new();
    for (text, mentions) in blocks {
        match messages.last_mut() {
            Some((current, pinged)) if size(current) + size(&text) + 8 <= MESSAGE_BUDGET => {
                current.line(Rendered::default()).line(text);
                for user in mentions {
                    if !pinged.contains(&user) {
                        pinged.push(user);
                    }
                }
            }
            _ => messages.push((text, mentions)),
        }
    }
    messages
}

/// Where a general assembly is announced and reminded: every active theme
/// room (the hub is the meeting's own room).
/// The rooms a general assembly announced in `from` is also said in: every
/// active theme's, but those where it would leave encryption
/// (`core::encryption`).
fn general_rooms(state: &State, from: &str) -> Vec<String> {
    state
        .themes()
        .into_iter()
        .filter(|theme| theme.is_active())
        .filter_map(|theme| theme.room_id)
        .filter(|room| super::encryption::may_carry(state, [from], room))
        .collect()
}

/// The weekly check: with no general assembly in the next three months,
/// the admins are told (in a direct chat), then again a week later at most.
pub fn assembly_check(state: &State, now: DateTime<Utc>) -> Outcome {
    let mut outcome = Outcome::default();
    let horizon = now + Duration::days(90);
    let scheduled = state.assembly.meetings.values().any(|meeting| {
        meeting.general
            && !meeting.cancelled
            && meeting.starts_at > now
            && meeting.starts_at <= horizon
    });
    if !scheduled {
        let text = state.translator.render("assembly-none-scheduled", &[]);
        for admin in &state.settings.admins {
            outcome.actions.push(Action::ring(admin, text.clone()));
        }
    }
    outcome.timers.push(NewTimer {
        due: now + Duration::weeks(1),
        purpose: TimerPurpose::AssemblyCheck,
    });
    outcome
}

/// A series' occurrence started: move to the next one and set its timers.
pub fn next_occurrence(state: &State, number: u64, start: i64, now: DateTime<Utc>) -> Outcome {
    let mut outcome = Outcome::default();
    let Some(meeting) = state.assembly.meetings.get(&number) else {
        return outcome;
    };
    if meeting.cancelled || meeting.starts_at.timestamp() != start || meeting.recurrence.is_none() {
        return outcome;
    }
    let time_zone = state.settings.time_zone;
    let mut next = meeting.clone();
    // Skip occurrences already past (after a long outage).
    loop {
        let Some(occurrence) = next.occurrence.checked_add(1) else {
            return outcome;
        };
        next.occurrence = occurrence;
        let Some(at) = occurrence_start(
            next.first_local,
            next.recurrence,
            next.occurrence,
            time_zone,
        ) else {
            return outcome;
        };
        next.starts_at = at;
        if at > now {
            break;
        }
    }
    // Answers were for the occurrence that just happened.
    for (meeting_number, user) in state.assembly.rsvps.keys() {
        if *meeting_number == number {
            outcome.changes.push(Change::Rsvp {
                meeting: number,
                user_id: user.clone(),
                value: None,
            });
        }
    }
    outcome.timers = timers_for(&next, now);
    outcome.changes.push(Change::Meeting(next));
    outcome
}

/// A reaction: ✅ ❌ 🤔 on a meeting's announcement answer for the person.
pub fn reaction(
    state: &State,
    event_id: &str,
    room_id: &str,
    sender: &str,
    relates_to: &str,
    key: &str,
    at: DateTime<Utc>,
) -> Outcome {
    let mut outcome = Outcome::default();
    let Some(answer) = super::slots::answer_of(key) else {
        return outcome;
    };
    let meeting = state.assembly.meetings.values().find(|meeting| {
        (meeting.general || meeting.room_id == room_id) && meeting.is_announcement(relates_to)
    });
    if let Some(meeting) = meeting.filter(|meeting| !meeting.cancelled) {
        outcome.changes.push(Change::Rsvp {
            meeting: meeting.number,
            user_id: sender.to_owned(),
            value: Some(Rsvp {
                answer,
                at,
                reaction_event_id: Some(event_id.to_owned()),
            }),
        });
    }
    outcome
}

/// A withdrawn reaction withdraws the answer it gave.
pub fn redaction(state: &State, redacts: &str) -> Outcome {
    let mut outcome = Outcome::default();
    for ((meeting, user), rsvp) in &state.assembly.rsvps {
        if rsvp.reaction_event_id.as_deref() == Some(redacts) {
            outcome.changes.push(Change::Rsvp {
                meeting: *meeting,
                user_id: user.clone(),
                value: None,
            });
        }
    }
    outcome
}

/// The homeserver gave the announcement its id: reactions can now count.
pub fn announced(state: &State, number: u64, event_id: &str) -> Outcome {
    let mut outcome = Outcome::default();
    let Some(meeting) = state.assembly.meetings.get(&number) else {
        return outcome;
    };
    if meeting.is_announcement(event_id) {
        return outcome;
    }
    let mut meeting = meeting.clone();
    if meeting.announcement_event_id.is_none() {
        meeting.announcement_event_id = Some(event_id.to_owned());
    } else {
        // A general assembly's announcement in another room.
        meeting.other_announcements.push(event_id.to_owned());
    }
    outcome.changes.push(Change::Meeting(meeting));
    outcome
}

/// Place, subject, video link and repeat rule, one line each.
fn describe(state: &State, meeting: &Meeting, text: &mut Rendered) {
    let tr = |id: &str, args: &[(&str, Arg)]| state.translator.render(id, args);
    if let Some(place) = &meeting.place {
        text.line(tr("meeting-place", &[("place", place.as_str().into())]));
    }
    if let Some(subject) = &meeting.subject {
        text.line(tr(
            "meeting-subject",
            &[("subject", subject.as_str().into())],
        ));
    }
    if let Some(video) = &meeting.video {
        text.line(tr(
            "meeting-video",
            &[(
                "link",
                Arg::Link {
                    text: video.clone(),
                    url: video.clone(),
                    quiet: true,
                },
            )],
        ));
    }
    match meeting.recurrence {
        Some(Recurrence::Weeks(1)) => text.line(tr("meeting-every-week", &[])),
        Some(Recurrence::Weeks(every)) => text.line(tr(
            "meeting-every-weeks",
            &[("every", i64::from(every).into())],
        )),
        Some(Recurrence::Months(1)) => text.line(tr("meeting-every-month", &[])),
        Some(Recurrence::Months(every)) => text.line(tr(
            "meeting-every-months",
            &[("every", i64::from(every).into())],
        )),
        None => text,
    };
}

/// Only `http(s)` links become video links: anything else could be a
/// `javascript:` trap in an HTML client.
fn safe_link(link: &str) -> Option<String> {
    let lower = link.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| link.to_owned())
}

impl Context<'_> {
    fn meeting_here(&self, number: Option<u64>) -> Result<Meeting, Rendered> {
        let meetings = self.state.assembly.meetings.values();
        let found = match number {
            Some(number) => meetings
                .filter(|meeting| meeting.number == number)
                .find(|meeting| self.in_scope(meeting)),
            None => self.ahead_here().min_by_key(|meeting| meeting.starts_at),
        };
        match (found, number) {
            (Some(meeting), _) => Ok(meeting.clone()),
            (None, Some(number)) => {
                Err(self.tr("meeting-unknown", &[("number", number.to_string().into())]))
            }
            (None, None) => Err(self.tr("meeting-none-here", &[])),
        }
    }

    /// The meetings ahead that a command without a number may be about:
    /// this room's and the general assembly's, not cancelled.
    fn ahead_here(&self) -> impl Iterator<Item = &Meeting> {
        self.state.assembly.meetings.values().filter(|meeting| {
            (meeting.room_id == self.message.room_id || meeting.general)
                && !meeting.cancelled
                && meeting.starts_at > self.now
        })
    }

    /// The meetings one sees from here: in a theme room, its own and the
    /// general assembly; in the hub and the deputy room, all of them; in a
    /// direct chat, the general assembly, the hub's, and those of the
    /// groups the person belongs to (others' places and video links are
    /// for their members).
    fn in_scope(&self, meeting: &Meeting) -> bool {
        if meeting.general || meeting.room_id == self.message.room_id {
            return true;
        }
        match self.place {
            super::commands::Place::Hub | super::commands::Place::Deputy => true,
            super::commands::Place::Direct => {
                self.state.settings.hub_room_id.as_deref() == Some(meeting.room_id.as_str())
                    || self
                        .state
                        .theme_of_room(&meeting.room_id)
                        .is_some_and(|theme| {
                            self.state
                                .assembly
                                .membership(&theme.slug, &self.message.sender)
                                .is_some_and(|membership| membership.is_current())
                        })
            }
            super::commands::Place::Theme | super::commands::Place::Other => false,
        }
    }

    fn may_manage(&self, meeting: &Meeting) -> bool {
        self.may_change(
            meeting.organiser.as_deref(),
            &meeting.room_id,
            meeting.general,
        )
    }

    /// `!reunion`.
    pub(super) fn create_meeting(&mut self, request: MeetingRequest) -> Option<Rendered> {
        let upcoming = self
            .state
            .assembly
            .meetings
            .values()
            .filter(|meeting| {
                meeting.room_id == self.message.room_id
                    && !meeting.cancelled
                    && meeting.starts_at > self.now
            })
            .map(|meeting| meeting.organiser.as_deref());
        if let Some(refusal) = self.over_cap(upcoming) {
            return Some(refusal);
        }
        let time_zone = self.state.settings.time_zone;
        let when = match parse_when(&request.when, time_zone, self.now) {
            Ok(when) if when.time_given => when,
            Ok(_) => {
                return Some(self.tr(
                    "meeting-needs-time",
                    &[("typed", request.when.as_str().into())],
                ));
            }
            Err(error) => return Some(self.date_problem(&request.when, &error)),
        };
        let video = match request.video.as_deref().map(safe_link) {
            Some(None) => return Some(self.tr("meeting-bad-link", &[])),
            Some(link) => link,
            None => None,
        };
        let meeting = Meeting {
            number: self.state.assembly.next_meeting_number(),
            room_id: self.message.room_id.clone(),
            organiser: Some(self.message.sender.clone()),
            starts_at: when.at.with_timezone(&Utc),
            first_local: when.at.naive_local(),
            occurrence: 0,
            place: request.place,
            subject: request.subject,
            video,
            recurrence: request.recurrence,
            reminders: request
                .reminders
                .unwrap_or_else(|| self.state.settings.meeting_reminders.clone()),
            announcement_event_id: None,
            cancelled: false,
            created_at: self.now,
            general: self.general_assembly,
            other_announcements: Vec::new(),
            private: request.private,
        };
        self.publish_meeting(meeting);
        None
    }

    /// Announces `meeting` in its room as the reply to this command (with
    /// its calendar file), sets its timers and stores it.
    pub(super) fn publish_meeting(&mut self, meeting: Meeting) {
        let mut text = self
            .tr(
                "meeting-announced",
                &[
                    ("number", meeting.number.to_string().into()),
                    ("date", format_date(self.state, meeting.starts_at).into()),
                ],
            )
            .strong();
        describe(self.state, &meeting, &mut text);
        text.line(self.tr(
            "meeting-how-to-answer",
            &[("number", meeting.number.to_string().into())],
        ));
        // The announcement is the reply; reactions on it count as answers,
        // so its event id must come back (`report`).
        let announcement =
            OutgoingMessage::reply(&self.message.room_id, &self.message.event_id, text.clone());
        self.act(Action::SendEvent {
            room_id: meeting.room_id.clone(),
            event_type: "m.room.message".to_owned(),
            content: announcement.content(),
            report: Some(format!("meeting:{}", meeting.number)),
        });
        let calendar = self.calendar(&[&meeting]);
        let mut rooms = vec![meeting.room_id.clone()];
        if meeting.general {
            for (index, room) in general_rooms(self.state, &meeting.room_id)
                .into_iter()
                .enumerate()
            {
                if room != meeting.room_id {
                    // The same announcement, answered from any room. Each
                    // has its own tag, so that each event id comes back
                    // under its own ledger key.
                    self.act(Action::SendEvent {
                        room_id: room.clone(),
                        event_type: "m.room.message".to_owned(),
                        content: OutgoingMessage::notice(&room, text.clone()).content(),
                        report: Some(format!("meeting:{}:{index}", meeting.number)),
                    });
                    rooms.push(room);
                }
            }
        }
        for room in rooms {
            self.act(Action::SendFile {
                room_id: room,
                file_name: format!("reunion-{}.ics", meeting.number),
                content_type: "text/calendar".to_owned(),
                content: calendar.clone(),
            });
        }
        self.outcome.timers.extend(timers_for(&meeting, self.now));
        self.change(Change::Meeting(meeting));
    }

    /// `!ag` (admins, in the hub): a meeting announced in every room,
    /// reminded a week and a day before everywhere.
    pub(super) fn create_assembly(&mut self, mut request: MeetingRequest) -> Option<Rendered> {
        if request.reminders.is_none() {
            request.reminders = Some(GENERAL_ASSEMBLY_REMINDERS.to_vec());
        }
        self.general_assembly = true;
        self.create_meeting(request)
    }

    /// An iCalendar file of `meetings`.
    fn calendar(&self, meetings: &[&Meeting]) -> String {
        let events: Vec<ics::Event> = meetings
            .iter()
            .map(|meeting| {
                let group = self
                    .state
                    .theme_of_room(&meeting.room_id)
                    .map_or_else(|| self.tr("agenda-hub", &[]).body, |theme| theme.name);
                let summary = match &meeting.subject {
                    Some(subject) => self.tr(
                        "ics-summary-subject",
                        &[
                            ("group", group.into()),
                            ("subject", subject.as_str().into()),
                        ],
                    ),
                    None => self.tr("ics-summary", &[("group", group.into())]),
                };
                ics::Event {
                    meeting,
                    summary: summary.body,
                    domain: self.state.settings.server_name(),
                    page: None,
                }
            })
            .collect();
        ics::calendar(&events, self.state.settings.time_zone, self.now)
    }

    /// Meetings still ahead in this room's scope that may be told here
    /// (`core::encryption`), soonest first; and how many may not.
    fn upcoming(&self) -> (Vec<&Meeting>, usize) {
        let (told, kept): (Vec<&Meeting>, Vec<&Meeting>) =
            self.upcoming_in_scope().into_iter().partition(|meeting| {
                super::encryption::may_carry(
                    self.state,
                    [meeting.room_id.as_str()],
                    &self.message.room_id,
                )
            });
        (told, kept.len())
    }

    /// Meetings still ahead in this room's scope, soonest first.
    fn upcoming_in_scope(&self) -> Vec<&Meeting> {
        let mut upcoming: Vec<&Meeting> = self
            .state
            .assembly
            .meetings
            .values()
            .filter(|meeting| {
                !meeting.cancelled && meeting.starts_at > self.now && self.in_scope(meeting)
            })
            .collect();
        upcoming.sort_by_key(|meeting| meeting.starts_at);
        upcoming
    }

    /// `!agenda ics`: the upcoming meetings of this scope as one file. In a
    /// group room it goes to the person's direct chat: a file is never a
    /// notice, so posted in the room it would ring every member's phone.
    pub(super) fn agenda_file(&mut self) -> Rendered {
        let (upcoming, kept) = self.upcoming();
        if upcoming.is_empty() {
            return self.agenda_empty(kept);
        }
        let count = upcoming.len();
        let file_name = "agenda.ics".to_owned();
        let content_type = "text/calendar".to_owned();
        let content = self.calendar(&upcoming);
        let id = if self.place == super::commands::Place::Direct {
            self.act(Action::SendFile {
                room_id: self.message.room_id.clone(),
                file_name,
                content_type,
                content,
            });
            "agenda-file"
        } else {
            self.act(Action::DirectFile {
                user_id: self.message.sender.clone(),
                file_name,
                content_type,
                content,
            });
            "agenda-file-private"
        };
        let mut reply = self.tr(id, &[("count", count.into())]);
        if kept > 0 {
            reply.line(self.tr("agenda-not-carried", &[("count", kept.into())]));
        }
        reply
    }

    /// Nothing to show here: none ahead, or only some from encrypted rooms.
    fn agenda_empty(&self, kept: usize) -> Rendered {
        if kept > 0 {
            return self.tr("agenda-not-carried", &[("count", kept.into())]);
        }
        self.tr("agenda-empty", &[])
    }

    /// Meeting `number`, if the sender may change it and it still stands.
    fn meeting_to_change(&self, number: u64) -> Result<Meeting, Rendered> {
        let meeting = self.meeting_here(Some(number))?;
        if !self.may_manage(&meeting) {
            return Err(self.tr(
                "meeting-manage-refused",
                &[("number", number.to_string().into())],
            ));
        }
        if meeting.cancelled {
            return Err(self.tr(
                "meeting-already-cancelled",
                &[("number", number.to_string().into())],
            ));
        }
        Ok(meeting)
    }

    /// Tells those coming to meeting `number` of `news` (it is cancelled,
    /// or moved): in the room, mentioning those who want their reminders
    /// there, and by a direct message that rings to the others, unless they
    /// want no reminders.
    fn tell_going(&mut self, number: u64, mut news: OutgoingMessage) {
        let mut in_room = Vec::new();
        for user in going(self.state, number) {
            match reminder_choice_of(self.state, &user) {
                ReminderChoice::Room => in_room.push(user),
                ReminderChoice::Direct => self.act(Action::ring(&user, news.text.clone())),
                ReminderChoice::Off => {}
            }
        }
        news.mentions = in_room;
        self.outcome.messages.push(news);
    }

    /// `!annuler n`.
    pub(super) fn cancel_meeting(&mut self, number: u64) -> Rendered {
        let meeting = match self.meeting_to_change(number) {
            Ok(meeting) => meeting,
            Err(reply) => return reply,
        };
        let notice = OutgoingMessage::notice(
            &meeting.room_id,
            self.tr(
                "meeting-cancelled",
                &[
                    ("number", number.to_string().into()),
                    ("date", format_date(self.state, meeting.starts_at).into()),
                ],
            ),
        );
        self.tell_going(number, notice);
        self.change(Change::Meeting(Meeting {
            cancelled: true,
            ..meeting
        }));
        self.tr(
            "meeting-cancel-done",
            &[("number", number.to_string().into())],
        )
    }

    /// `!deplacer n <quand>`.
    pub(super) fn move_meeting(&mut self, number: u64, typed: &str) -> Rendered {
        let meeting = match self.meeting_to_change(number) {
            Ok(meeting) => meeting,
            Err(reply) => return reply,
        };
        let when = match parse_when(typed, self.state.settings.time_zone, self.now) {
            Ok(when) if when.time_given => when,
            Ok(_) => return self.tr("meeting-needs-time", &[("typed", typed.into())]),
            Err(error) => return self.date_problem(typed, &error),
        };
        let moved = Meeting {
            starts_at: when.at.with_timezone(&Utc),
            first_local: when.at.naive_local(),
            occurrence: 0,
            ..meeting.clone()
        };
        let notice = OutgoingMessage::notice(
            &meeting.room_id,
            self.tr(
                "meeting-moved",
                &[
                    ("number", number.to_string().into()),
                    ("before", format_date(self.state, meeting.starts_at).into()),
                    ("date", format_date(self.state, moved.starts_at).into()),
                ],
            ),
        );
        self.tell_going(number, notice);
        self.outcome.timers.extend(timers_for(&moved, self.now));
        self.change(Change::Meeting(moved));
        self.tr(
            "meeting-move-done",
            &[("number", number.to_string().into())],
        )
    }

    /// `!participe`, `!absent`, `!peutetre` `[n]`.
    pub(super) fn answer(&mut self, number: Option<u64>, answer: Attendance) -> Rendered {
        let meeting = match self.meeting_here(number) {
            Ok(meeting) => meeting,
            Err(reply) => return reply,
        };
        if meeting.cancelled {
            return self.tr(
                "meeting-already-cancelled",
                &[("number", meeting.number.to_string().into())],
            );
        }
        let id = match answer {
            Attendance::Going => "rsvp-going",
            Attendance::Maybe => "rsvp-maybe",
            Attendance::NotGoing => "rsvp-not-going",
        };
        let reply = self.tr(
            id,
            &[
                ("number", meeting.number.to_string().into()),
                ("date", format_date(self.state, meeting.starts_at).into()),
            ],
        );
        self.change(Change::Rsvp {
            meeting: meeting.number,
            user_id: self.message.sender.clone(),
            value: Some(Rsvp {
                answer,
                at: self.now,
                reaction_event_id: None,
            }),
        });
        // Which meeting goes without saying when it was named, or is the
        // only one ahead here; otherwise the reply says which it took.
        if number.is_some() || self.ahead_here().count() <= 1 {
            self.acknowledge();
        }
        reply
    }

    fn person(&self, user_id: &str) -> Arg {
        let name = self
            .state
            .assembly
            .memberships
            .iter()
            .find(|((_, user), _)| user == user_id)
            .and_then(|(_, membership)| membership.display_name.as_deref());
        Arg::person(&super::limits::shown_name(name, user_id), user_id)
    }

    /// `!participants [n]`: in the meeting's own room only, where those
    /// named can see who asked.
    pub(super) fn attendees(&self, number: Option<u64>) -> Rendered {
        let meeting = match self.meeting_here(number) {
            Ok(meeting) => meeting,
            Err(reply) => return reply,
        };
        if meeting.room_id != self.message.room_id {
            return self.tr(
                "attendees-elsewhere",
                &[("number", meeting.number.to_string().into())],
            );
        }
        let mut reply = self
            .tr(
                "attendees-header",
                &[
                    ("number", meeting.number.to_string().into()),
                    ("date", format_date(self.state, meeting.starts_at).into()),
                ],
            )
            .strong();
        let mut any = false;
        for (answer, id) in [
            (Attendance::Going, "attendees-going"),
            (Attendance::Maybe, "attendees-maybe"),
            (Attendance::NotGoing, "attendees-not-going"),
        ] {
            let people: Vec<&String> = self
                .state
                .assembly
                .rsvps
                .iter()
                .filter(|((number, _), rsvp)| *number == meeting.number && rsvp.answer == answer)
                .map(|((_, user), _)| user)
                .collect();
            if people.is_empty() {
                continue;
            }
            any = true;
            reply.line(self.tr(id, &[("count", people.len().into())]));
            for user in people {
                reply.line(self.tr("members-line", &[("person", self.person(user))]));
            }
        }
        if !any {
            reply.line(self.tr(
                "attendees-none",
                &[("number", meeting.number.to_string().into())],
            ));
        }
        reply
    }

    /// `!rappels [salon|prive|aucun]`.
    pub(super) fn reminder_choice(&mut self, choice: Option<ReminderChoice>) -> Rendered {
        let current = reminder_choice_of(self.state, &self.message.sender);
        let id = |choice: ReminderChoice| match choice {
            ReminderChoice::Room => "reminders-room",
            ReminderChoice::Direct => "reminders-direct",
            ReminderChoice::Off => "reminders-off",
        };
        let Some(choice) = choice else {
            let mut reply = self.tr(id(current), &[]);
            reply.line(self.tr("reminders-how", &[]));
            return reply;
        };
        self.change(Change::ReminderPreference {
            user_id: self.message.sender.clone(),
            // The default is not stored: nothing kept about who chose it.
            value: (choice != ReminderChoice::DEFAULT).then_some(ReminderPreference { choice }),
        });
        self.tr(id(choice), &[])
    }

    /// `!agenda`: upcoming meetings here; in the hub and the deputy room, all.
    pub(super) fn agenda(&self) -> Rendered {
        let (upcoming, kept) = self.upcoming();
        if upcoming.is_empty() {
            return self.agenda_empty(kept);
        }
        let mut reply = self
            .tr("agenda-header", &[("count", upcoming.len().into())])
            .strong();
        for meeting in upcoming.iter().take(AGENDA_LENGTH) {
            let theme = self
                .state
                .theme_of_room(&meeting.room_id)
                .map_or_else(|| self.tr("agenda-hub", &[]).body, |theme| theme.name);
            let going = going(self.state, meeting.number).len();
            reply.line(self.tr(
                "agenda-line",
                &[
                    ("number", meeting.number.to_string().into()),
                    ("date", format_date(self.state, meeting.starts_at).into()),
                    ("theme", theme.into()),
                    (
                        "place",
                        meeting.place.clone().unwrap_or_else(|| "—".into()).into(),
                    ),
                    ("going", going.into()),
                ],
            ));
        }
        if upcoming.len() > AGENDA_LENGTH {
            reply.line(self.tr(
                "agenda-more",
                &[("count", (upcoming.len() - AGENDA_LENGTH).into())],
            ));
        }
        if kept > 0 {
            reply.line(self.tr("agenda-not-carried", &[("count", kept.into())]));
        }
        reply
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    #[test]
    fn a_weekly_meeting_keeps_its_hour_across_both_daylight_saving_changes() {
        let paris = chrono_tz::Europe::Paris;
        // Thursday 19 March 2026 at 18:30, every week: winter then summer time.
        let first = local(2026, 3, 19, 18, 30);
        let weekly = Some(Recurrence::Weeks(1));
        let utc = |k| {
            occurrence_start(first, weekly, k, paris)
                .unwrap()
                .to_rfc3339()
        };
        assert_eq!(utc(0), "2026-03-19T17:30:00+00:00");
        assert_eq!(utc(1), "2026-03-26T17:30:00+00:00");
        assert_eq!(
            utc(2),
            "2026-04-02T16:30:00+00:00",
            "summer time: still 18:30 in Paris"
        );
        // October: back to winter time on the 25th.
        let autumn = local(2026, 10, 22, 18, 30);
        let utc = |k| {
            occurrence_start(autumn, weekly, k, paris)
                .unwrap()
                .to_rfc3339()
        };
        assert_eq!(utc(0), "2026-10-22T16:30:00+00:00");
        assert_eq!(
            utc(1),
            "2026-10-29T17:30:00+00:00",
            "winter time: still 18:30 in Paris"
        );
    }

    #[test]
    fn monthly_and_fortnightly_series_and_single_meetings() {
        let paris = chrono_tz::Europe::Paris;
        let first = local(2026, 1, 31, 18, 0);
        let monthly = Some(Recurrence::Months(1));
        // 31 January + 1 month: the last day of February.
        assert_eq!(
            occurrence_start(first, monthly, 1, paris)
                .unwrap()
                .to_rfc3339(),
            "2026-02-28T17:00:00+00:00"
        );
        let fortnightly = Some(Recurrence::Weeks(2));
        assert_eq!(
            occurrence_start(first, fortnightly, 1, paris)
                .unwrap()
                .to_rfc3339(),
            "2026-02-14T17:00:00+00:00"
        );
        assert!(occurrence_start(first, None, 1, paris).is_none());
    }
}
