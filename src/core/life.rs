//! A life of the assembly in memory, for the property test and the fuzz
//! target that drive the whole core: several people typing anything in
//! every kind of room, clicking, reacting, redacting and editing, and time
//! passing so that timers fire. The homeserver's answers to the core's
//! questions are played back as the adapter would. Every message and event
//! the bot would send is checked: safe, and within the event size.

use chrono::{DateTime, Utc};

use super::*;

/// One step of a random life of the assembly.
#[derive(Debug, Clone)]
pub enum Step {
    /// Someone types a command (or anything) in a room.
    Say {
        room: usize,
        person: usize,
        name: String,
        text: String,
    },
    /// Someone clicks an answer on the poll whose start event is `target`.
    Click {
        person: usize,
        target: usize,
        answer: String,
    },
    /// Someone reacts on an event the bot sent.
    React {
        person: usize,
        target: usize,
        key: String,
    },
    /// Someone redacts one of the events seen so far.
    Redact { target: usize },
    /// Someone edits one of the messages seen so far.
    Edit {
        person: usize,
        target: usize,
        text: String,
    },
    /// Time passes; the timers due fire.
    Wait { minutes: u32 },
}

pub const PEOPLE: [&str; 4] = [
    "@camille:fuzz.example",
    "@yann:fuzz.example",
    "@admin:fuzz.example",
    "@lou:autre.example",
];

/// The core as the engine and the adapter drive it, in memory: changes
/// applied, timers fired when due, and the homeserver's answers to the
/// core's questions (an event's id, a room's members, a poll's votes) fed
/// back as inputs.
pub struct Life {
    state: State,
    now: DateTime<Utc>,
    timers: Vec<NewTimer>,
    /// Events seen so far, with their room: targets of reactions,
    /// redactions and edits.
    events: Vec<(String, String)>,
    counter: u64,
}

impl Life {
    pub fn new() -> Self {
        Life {
            state: State::new(super::fuzzing::settings(Language::Fr)).expect("valid settings"),
            now: super::fuzzing::now(),
            timers: Vec::new(),
            events: Vec::new(),
            counter: 0,
        }
    }

    fn event_id(&mut self) -> String {
        self.counter += 1;
        format!("$life{}", self.counter)
    }

    fn target(&self, index: usize) -> Option<(String, String)> {
        (!self.events.is_empty()).then(|| self.events[index % self.events.len()].clone())
    }

    /// Hands `input` to the core and plays its outcome through.
    fn feed(&mut self, input: Input) {
        let mut queue = vec![input];
        // The homeserver's answers may lead to more questions; bounded, as
        // nothing in the core asks forever.
        for _ in 0..64 {
            let Some(input) = queue.pop() else { return };
            let outcome = handle(&input, &self.state, self.now);
            for message in &outcome.messages {
                let content = message.content();
                super::fuzzing::assert_safe(&content);
                let size = serde_json::to_string(&content).map_or(0, |text| text.len());
                assert!(
                    size <= render::MESSAGE_BUDGET,
                    "a message of {size} bytes after {input:?}"
                );
                let id = self.event_id();
                self.events.push((message.room_id.clone(), id));
            }
            for change in &outcome.changes {
                self.state.assembly.apply(change);
            }
            self.timers.extend(outcome.timers.iter().cloned());
            for action in &outcome.actions {
                match action {
                    Action::SendEvent {
                        room_id,
                        report,
                        content,
                        ..
                    } => {
                        let size = serde_json::to_string(content).map_or(0, |text| text.len());
                        assert!(size <= render::MESSAGE_BUDGET, "an event of {size} bytes");
                        let id = self.event_id();
                        self.events.push((room_id.clone(), id.clone()));
                        if let Some(tag) = report {
                            queue.push(Input::Sent {
                                tag: tag.clone(),
                                event_id: id,
                            });
                        }
                    }
                    Action::FinishPoll { number, .. } => queue.push(Input::PollClosing {
                        number: *number,
                        responses: Vec::new(),
                    }),
                    Action::FreezeElectorate { number, .. } => queue.push(Input::Electorate {
                        number: *number,
                        members: PEOPLE.iter().map(|person| (*person).to_owned()).collect(),
                    }),
                    Action::CreateThemeRoom { slug, .. } => queue.push(Input::RoomReady {
                        slug: slug.clone(),
                        room_id: format!("!{slug}:fuzz.example"),
                    }),
                    Action::DirectMessage { text, .. } => {
                        let content =
                            render::OutgoingMessage::notice("!dm", text.clone()).content();
                        super::fuzzing::assert_safe(&content);
                    }
                    // The homeserver sends the redaction back, as it does
                    // to every client: nothing a vote's erasure undoes.
                    Action::Redact { room_id, event_id } => {
                        let id = self.event_id();
                        queue.push(Input::Redaction {
                            event_id: id,
                            room_id: room_id.clone(),
                            redacts: event_id.clone(),
                        });
                    }
                    Action::Invite { .. } | Action::SendFile { .. } | Action::DirectFile { .. } => {
                    }
                }
            }
        }
    }

    pub fn play(&mut self, step: Step) {
        match step {
            Step::Say {
                room,
                person,
                name,
                text,
            } => {
                let event_id = self.event_id();
                let room = super::fuzzing::ROOMS[room];
                self.events.push((room.to_owned(), event_id.clone()));
                let mut message =
                    super::fuzzing::message_from(room, PEOPLE[person], format!("!{name} {text}"));
                message.event_id = event_id;
                self.feed(Input::Message(message));
            }
            Step::Click {
                person,
                target,
                answer,
            } => {
                let Some((room_id, start)) = self.target(target) else {
                    return;
                };
                let event_id = self.event_id();
                self.feed(Input::PollResponse(polls::PollResponse {
                    event_id,
                    room_id,
                    sender: PEOPLE[person].to_owned(),
                    start_event_id: start,
                    answers: vec![answer],
                    at: self.now,
                }));
            }
            Step::React {
                person,
                target,
                key,
            } => {
                let Some((room_id, relates_to)) = self.target(target) else {
                    return;
                };
                let event_id = self.event_id();
                self.events.push((room_id.clone(), event_id.clone()));
                self.feed(Input::Reaction {
                    event_id,
                    room_id,
                    sender: PEOPLE[person].to_owned(),
                    relates_to,
                    key,
                    at: self.now,
                });
            }
            Step::Redact { target } => {
                let Some((room_id, redacts)) = self.target(target) else {
                    return;
                };
                let event_id = self.event_id();
                self.feed(Input::Redaction {
                    event_id,
                    room_id,
                    redacts,
                });
            }
            Step::Edit {
                person,
                target,
                text,
            } => {
                let Some((room_id, replaces)) = self.target(target) else {
                    return;
                };
                let mut message = super::fuzzing::message_from(&room_id, PEOPLE[person], text);
                message.event_id = self.event_id();
                message.is_edit = true;
                message.replaces = Some(replaces);
                self.feed(Input::Message(message));
            }
            Step::Wait { minutes } => {
                self.now += chrono::Duration::minutes(i64::from(minutes));
                let now = self.now;
                let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.timers)
                    .into_iter()
                    .partition(|timer| timer.due <= now);
                self.timers = later;
                let (reminders, others): (Vec<_>, Vec<_>) = due
                    .into_iter()
                    .partition(|timer| matches!(timer.purpose, TimerPurpose::Reminder(_)));
                let reminders: Vec<ReminderDue> = reminders
                    .into_iter()
                    .filter_map(|timer| match timer.purpose {
                        TimerPurpose::Reminder(reminder) => Some(reminder),
                        _ => None,
                    })
                    .collect();
                if !reminders.is_empty() {
                    self.feed(Input::Reminders(reminders));
                }
                for timer in others {
                    self.feed(Input::Timer {
                        purpose: timer.purpose,
                    });
                }
            }
        }
    }
}

impl Life {
    /// A life with a few things to vote in and react to (a poll, a weekly
    /// meeting, a slot poll, a secret ballot), so that random steps meet
    /// them.
    pub fn seeded() -> Self {
        let mut life = Life::new();
        for (room, body) in [
            (
                0,
                "sondage Quel jour ? | Mardi | Jeudi --jusqu'au demain 18h",
            ),
            (
                0,
                "reunion demain 18h | Local | AG --chaque semaine --rappels 1j,1h",
            ),
            (0, "creneaux Rentrée | lundi 18h | mardi 18h"),
            (1, "scrutin Pour ou contre ? | Pour | Contre"),
        ] {
            life.play(Step::Say {
                room,
                person: 2,
                name: String::new(),
                text: body.to_owned(),
            });
        }
        life
    }
}

impl Default for Life {
    fn default() -> Self {
        Life::new()
    }
}
