//! Finding a date, Framadate-style, in any client: `!creneaux` posts one
//! line per candidate slot and people react ✅ (oui), 🤔 (si nécessaire) or
//! ❌ (non) on each; `!creneaux clore` picks the slot with the most « oui »,
//! then « si nécessaire », and creates the meeting with its reminders.

use chrono::Utc;

use super::assembly::{Attendance, Change, Meeting, Rsvp, SlotAnswer, SlotPoll};
use super::render::{OutgoingMessage, Rendered};
use super::when::parse_when;
use super::{Action, Context, Outcome, State, format_date};
use crate::i18n::Arg;

/// The answer a reaction key gives, if any.
pub fn answer_of(key: &str) -> Option<Attendance> {
    match key.trim_end_matches('\u{fe0f}') {
        "✅" | "✔" | "👍" => Some(Attendance::Going),
        "❌" | "👎" => Some(Attendance::NotGoing),
        "🤔" => Some(Attendance::Maybe),
        _ => None,
    }
}

/// A reaction on one of a slot poll's lines.
pub fn reaction(
    state: &State,
    event_id: &str,
    room_id: &str,
    sender: &str,
    relates_to: &str,
    key: &str,
) -> Outcome {
    let mut outcome = Outcome::default();
    let Some(answer) = answer_of(key) else {
        return outcome;
    };
    for poll in state.assembly.slot_polls.values() {
        if poll.room_id != room_id || poll.closed {
            continue;
        }
        if let Some(slot) = poll
            .slot_event_ids
            .iter()
            .position(|id| id.as_deref() == Some(relates_to))
        {
            outcome.changes.push(Change::SlotAnswer {
                poll: poll.number,
                slot: slot as u32,
                user_id: sender.to_owned(),
                value: Some(SlotAnswer {
                    answer,
                    reaction_event_id: event_id.to_owned(),
                }),
            });
        }
    }
    outcome
}

/// A withdrawn reaction withdraws its answer.
pub fn redaction(state: &State, redacts: &str) -> Outcome {
    let mut outcome = Outcome::default();
    for ((poll, slot, user), answer) in &state.assembly.slot_answers {
        if answer.reaction_event_id == redacts {
            outcome.changes.push(Change::SlotAnswer {
                poll: *poll,
                slot: *slot,
                user_id: user.clone(),
                value: None,
            });
        }
    }
    outcome
}

/// The homeserver gave slot `index` of poll `number` its event id.
pub fn line_sent(state: &State, number: u64, index: usize, event_id: &str) -> Outcome {
    let mut outcome = Outcome::default();
    if let Some(poll) = state.assembly.slot_polls.get(&number)
        && poll.slot_event_ids.get(index).is_some_and(Option::is_none)
    {
        let mut poll = poll.clone();
        poll.slot_event_ids[index] = Some(event_id.to_owned());
        outcome.changes.push(Change::SlotPoll(poll));
    }
    outcome
}

/// (oui, si nécessaire, non) for each slot.
fn counts(state: &State, poll: &SlotPoll) -> Vec<(usize, usize, usize)> {
    let mut counts = vec![(0, 0, 0); poll.slots.len()];
    for ((number, slot, _), answer) in &state.assembly.slot_answers {
        if *number != poll.number {
            continue;
        }
        if let Some(count) = counts.get_mut(*slot as usize) {
            match answer.answer {
                Attendance::Going => count.0 += 1,
                Attendance::Maybe => count.1 += 1,
                Attendance::NotGoing => count.2 += 1,
            }
        }
    }
    counts
}

impl Context<'_> {
    /// `!creneaux <objet> | <créneau> | …`.
    pub(super) fn create_slots(&mut self, subject: &str, typed: &[String]) -> Rendered {
        let open = self
            .state
            .assembly
            .slot_polls
            .values()
            .filter(|poll| poll.room_id == self.message.room_id && !poll.closed)
            .map(|poll| poll.author.as_deref());
        if let Some(refusal) = self.over_cap(open) {
            return refusal;
        }
        let mut slots = Vec::new();
        for text in typed {
            match parse_when(text, self.state.settings.time_zone, self.now) {
                Ok(when) if when.time_given => slots.push(when.at.with_timezone(&Utc)),
                Ok(_) => return self.tr("meeting-needs-time", &[("typed", text.as_str().into())]),
                Err(error) => return self.date_problem(text, &error),
            }
        }
        let number = self
            .state
            .assembly
            .slot_polls
            .keys()
            .next_back()
            .map_or(1, |last| last + 1);
        for (index, at) in slots.iter().enumerate() {
            let line = self.tr(
                "slots-line",
                &[
                    ("number", number.to_string().into()),
                    ("index", (index + 1).into()),
                    ("date", format_date(self.state, *at).into()),
                ],
            );
            self.act(Action::SendEvent {
                room_id: self.message.room_id.clone(),
                event_type: "m.room.message".to_owned(),
                content: OutgoingMessage::notice(&self.message.room_id, line).content(),
                report: Some(format!("slot:{number}:{index}")),
            });
        }
        self.change(Change::SlotPoll(SlotPoll {
            number,
            room_id: self.message.room_id.clone(),
            author: Some(self.message.sender.clone()),
            subject: subject.to_owned(),
            slot_event_ids: vec![None; slots.len()],
            slots,
            meeting: None,
            closed: false,
            created_at: self.now,
        }));
        self.tr(
            "slots-opened",
            &[
                ("number", number.to_string().into()),
                ("subject", subject.into()),
            ],
        )
    }

    /// `!creneaux clore [n]`: the author, a coordinator or an admin.
    pub(super) fn close_slots(&mut self, number: Option<u64>) -> Option<Rendered> {
        let here = self
            .state
            .assembly
            .slot_polls
            .values()
            .filter(|poll| poll.room_id == self.message.room_id);
        let found = match number {
            Some(number) => here.clone().find(|poll| poll.number == number),
            None => here.clone().rfind(|poll| !poll.closed),
        };
        let Some(poll) = found.cloned() else {
            return Some(match number {
                Some(number) => self.tr("slots-unknown", &[("number", number.to_string().into())]),
                None => self.tr("slots-none-here", &[]),
            });
        };
        let number: Arg = poll.number.to_string().into();
        if poll.closed {
            return Some(self.tr("slots-closed", &[("number", number)]));
        }
        if !self.may_change(poll.author.as_deref(), &poll.room_id, false) {
            return Some(self.tr("slots-close-refused", &[("number", number)]));
        }
        let counts = counts(self.state, &poll);
        // Most « oui », then most « si nécessaire », then the earliest;
        // slots already past are out.
        let best = (0..poll.slots.len())
            .filter(|index| poll.slots[*index] > self.now)
            .filter(|index| counts[*index].0 + counts[*index].1 > 0)
            .max_by(|a, b| {
                (
                    counts[*a].0,
                    counts[*a].1,
                    std::cmp::Reverse(poll.slots[*a]),
                )
                    .cmp(&(
                        counts[*b].0,
                        counts[*b].1,
                        std::cmp::Reverse(poll.slots[*b]),
                    ))
            });
        let Some(best) = best else {
            return Some(self.tr("slots-no-answer", &[("number", number)]));
        };
        let meeting = Meeting {
            number: self.state.assembly.next_meeting_number(),
            room_id: poll.room_id.clone(),
            organiser: poll.author.clone(),
            starts_at: poll.slots[best],
            first_local: poll.slots[best]
                .with_timezone(&self.state.settings.time_zone)
                .naive_local(),
            occurrence: 0,
            place: None,
            subject: Some(poll.subject.clone()),
            video: None,
            recurrence: None,
            reminders: self.state.settings.meeting_reminders.clone(),
            announcement_event_id: None,
            cancelled: false,
            created_at: self.now,
            general: false,
            other_announcements: Vec::new(),
            private: false,
        };
        // Who said « oui » comes; « si nécessaire » may come.
        for ((poll_number, slot, user), answer) in &self.state.assembly.slot_answers {
            if *poll_number != poll.number || *slot as usize != best {
                continue;
            }
            let attendance = match answer.answer {
                Attendance::Going => Attendance::Going,
                Attendance::Maybe => Attendance::Maybe,
                Attendance::NotGoing => continue,
            };
            self.outcome.changes.push(Change::Rsvp {
                meeting: meeting.number,
                user_id: user.clone(),
                value: Some(Rsvp {
                    answer: attendance,
                    at: self.now,
                    reaction_event_id: None,
                }),
            });
        }
        let chosen = self.tr(
            "slots-chosen",
            &[
                ("number", number),
                ("date", format_date(self.state, poll.slots[best]).into()),
                ("yes", counts[best].0.into()),
                ("maybe", counts[best].1.into()),
            ],
        );
        self.outcome
            .messages
            .push(OutgoingMessage::notice(&poll.room_id, chosen));
        self.change(Change::SlotPoll(SlotPoll {
            closed: true,
            meeting: Some(meeting.number),
            ..poll
        }));
        self.publish_meeting(meeting);
        None
    }
}
