//! One person, one vote, whatever they do (tests only).
//!
//! A property test plays random sequences of what people can do to a poll,
//! a slot poll, a meeting's answers and a secret ballot (vote by click or
//! by `!vote`, change, react, redact, edit, `!oublier`), with crashes and
//! restarts in between (a new engine on the same store, the last input
//! delivered again), then closes the poll with the homeserver's copy of the
//! votes. Every count is compared with a simple model of what should count.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

use crate::core::assembly::Attendance;
use crate::core::polls::PollResponse;
use crate::core::{IncomingMessage, Input, RoomPower, Settings};
use crate::engine::Engine;
use crate::store::MemoryStore;

const ROOM: &str = "!sante:s";
const DIRECT: &str = "!dm:s";
const PEOPLE: [&str; 3] = ["@anna:s", "@bruno:s", "@chloe:s"];
const ORGANISER: &str = "@org:s";

/// The engine tests' settings, with a single reminder an hour before.
fn settings() -> Settings {
    Settings {
        meeting_reminders: vec![60],
        ..crate::engine::tests::settings()
    }
}

/// What someone does.
#[derive(Debug, Clone)]
enum Act {
    Click {
        person: usize,
        answer: usize,
    },
    TypeVote {
        person: usize,
        answer: usize,
    },
    RedactVote {
        person: usize,
        nth: usize,
    },
    EditVote {
        person: usize,
        nth: usize,
    },
    React {
        person: usize,
        target: usize,
        answer: usize,
    },
    RedactReaction {
        person: usize,
        nth: usize,
    },
    Cast {
        person: usize,
        answer: usize,
    },
    Forget {
        person: usize,
    },
    CrashAndRestart,
}

fn act() -> impl Strategy<Value = Act> {
    let person = 0..PEOPLE.len();
    prop_oneof![
        3 => (person.clone(), 0..2usize).prop_map(|(person, answer)| Act::Click { person, answer }),
        2 => (person.clone(), 0..2usize).prop_map(|(person, answer)| Act::TypeVote { person, answer }),
        2 => (person.clone(), 0..4usize).prop_map(|(person, nth)| Act::RedactVote { person, nth }),
        1 => (person.clone(), 0..4usize).prop_map(|(person, nth)| Act::EditVote { person, nth }),
        3 => (person.clone(), 0..3usize, 0..3usize)
            .prop_map(|(person, target, answer)| Act::React { person, target, answer }),
        2 => (person.clone(), 0..4usize).prop_map(|(person, nth)| Act::RedactReaction { person, nth }),
        2 => (person.clone(), 0..2usize).prop_map(|(person, answer)| Act::Cast { person, answer }),
        2 => person.prop_map(|person| Act::Forget { person }),
        1 => Just(Act::CrashAndRestart),
    ]
}

/// A vote event as the homeserver keeps it.
#[derive(Debug, Clone)]
struct VoteEvent {
    event_id: String,
    answer: usize,
    at: DateTime<Utc>,
    /// A click (on the homeserver as a poll response, given back at
    /// closing) rather than a typed `!vote`.
    click: bool,
    redacted: bool,
}

#[derive(Debug, Clone)]
struct ReactionEvent {
    event_id: String,
    target: usize,
    redacted: bool,
}

/// What should count, written as plainly as possible.
#[derive(Debug, Default)]
struct Model {
    votes: BTreeMap<usize, Vec<VoteEvent>>,
    /// When each person last erased their data.
    forgot_at: BTreeMap<usize, DateTime<Utc>>,
    reactions: BTreeMap<usize, Vec<ReactionEvent>>,
    /// The current answer of each person on each target (two slots and
    /// the meeting): set by a reaction, removed with it or by erasure.
    answers: BTreeMap<(usize, usize), (Attendance, String)>,
    /// Ballots cast, and who may still cast one.
    cast: usize,
    voted: Vec<usize>,
    struck_off: Vec<usize>,
}

impl Model {
    /// The poll's counts: each person's latest vote that is neither
    /// redacted nor withdrawn by a later erasure.
    fn poll_counts(&self) -> (Vec<u64>, u64) {
        let mut counts = vec![0u64; 2];
        let mut voters = 0;
        for (person, events) in &self.votes {
            let forgot = self.forgot_at.get(person);
            let counted = events
                .iter()
                .rev()
                .find(|event| !event.redacted && forgot.is_none_or(|forgot| event.at > *forgot));
            if let Some(event) = counted {
                counts[event.answer] += 1;
                voters += 1;
            }
        }
        (counts, voters)
    }
}

struct World {
    store: Arc<MemoryStore>,
    engine: Engine,
    now: DateTime<Utc>,
    counter: u64,
    last: Option<Input>,
    poll_start: String,
    targets: Vec<String>,
    model: Model,
}

fn message(room: &str, sender: &str, event_id: &str, body: &str) -> IncomingMessage {
    IncomingMessage {
        power: RoomPower::default(),
        sender_in_assembly: true,
        is_direct: room == DIRECT,
        sent_encrypted: room == DIRECT,
        ..IncomingMessage::text(event_id, room, sender, body)
    }
}

impl World {
    fn new() -> World {
        let store = Arc::new(MemoryStore::new());
        let engine = Engine::new(
            store.clone(),
            crate::store::seal::Seal::for_tests(),
            settings(),
            None,
        )
        .unwrap();
        let mut world = World {
            store,
            engine,
            now: Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap(),
            counter: 0,
            last: None,
            poll_start: String::new(),
            targets: Vec::new(),
            model: Model::default(),
        };
        world.say(ROOM, ORGANISER, "!sondage Quel jour ? | Mardi | Jeudi");
        world.poll_start = world.sent("poll:1");
        world.say(ROOM, ORGANISER, "!scrutin Pour ou contre ? | Pour | Contre");
        world.input(Input::Electorate {
            number: 2,
            members: PEOPLE.iter().map(|person| (*person).to_owned()).collect(),
        });
        world.say(ROOM, ORGANISER, "!creneaux Rentrée | lundi 18h | mardi 18h");
        let first = world.sent("slot:1:0");
        let second = world.sent("slot:1:1");
        world.say(ROOM, ORGANISER, "!reunion jeudi 18h | Local");
        let meeting = world.sent("meeting:1");
        world.targets = vec![first, second, meeting];
        world
    }

    fn event_id(&mut self) -> String {
        self.counter += 1;
        format!("$q{}", self.counter)
    }

    fn input(&mut self, input: Input) {
        // A step apart, and slower than the flood brake's pace.
        self.now += Duration::seconds(5);
        self.engine.process(&input, self.now).unwrap();
        self.last = Some(input);
    }

    fn say(&mut self, room: &str, sender: &str, body: &str) -> String {
        let event_id = self.event_id();
        self.input(Input::Message(message(room, sender, &event_id, body)));
        event_id
    }

    fn sent(&mut self, tag: &str) -> String {
        let event_id = self.event_id();
        self.input(Input::Sent {
            tag: tag.into(),
            event_id: event_id.clone(),
        });
        event_id
    }

    fn play(&mut self, act: Act) {
        match act {
            Act::Click { person, answer } => {
                let event_id = self.event_id();
                let at = self.now + Duration::seconds(5);
                self.model.votes.entry(person).or_default().push(VoteEvent {
                    event_id: event_id.clone(),
                    answer,
                    at,
                    click: true,
                    redacted: false,
                });
                self.input(Input::PollResponse(PollResponse {
                    event_id,
                    room_id: ROOM.into(),
                    sender: PEOPLE[person].into(),
                    start_event_id: self.poll_start.clone(),
                    answers: vec![(answer + 1).to_string()],
                    at,
                }));
            }
            Act::TypeVote { person, answer } => {
                let at = self.now + Duration::seconds(5);
                let event_id = self.say(ROOM, PEOPLE[person], &format!("!vote 1 {}", answer + 1));
                self.model.votes.entry(person).or_default().push(VoteEvent {
                    event_id,
                    answer,
                    at,
                    click: false,
                    redacted: false,
                });
            }
            Act::RedactVote { person, nth } => {
                let Some(events) = self.model.votes.get_mut(&person) else {
                    return;
                };
                let index = nth % events.len().max(1);
                let Some(event) = events.get_mut(index) else {
                    return;
                };
                event.redacted = true;
                let redacts = event.event_id.clone();
                let event_id = self.event_id();
                self.input(Input::Redaction {
                    event_id,
                    room_id: ROOM.into(),
                    redacts,
                });
            }
            Act::EditVote { person, nth } => {
                let Some(events) = self.model.votes.get(&person) else {
                    return;
                };
                let Some(event) = events.get(nth % events.len().max(1)) else {
                    return;
                };
                let replaces = event.event_id.clone();
                let event_id = self.event_id();
                let mut edit = message(ROOM, PEOPLE[person], &event_id, "!vote 1 2");
                edit.is_edit = true;
                edit.replaces = Some(replaces);
                // Edits are not votes: the model does not change.
                self.input(Input::Message(edit));
            }
            Act::React {
                person,
                target,
                answer,
            } => {
                let (key, attendance) = [
                    ("✅", Attendance::Going),
                    ("❌", Attendance::NotGoing),
                    ("🤔", Attendance::Maybe),
                ][answer];
                let event_id = self.event_id();
                self.model
                    .reactions
                    .entry(person)
                    .or_default()
                    .push(ReactionEvent {
                        event_id: event_id.clone(),
                        target,
                        redacted: false,
                    });
                self.model
                    .answers
                    .insert((person, target), (attendance, event_id.clone()));
                let at = self.now;
                self.input(Input::Reaction {
                    event_id,
                    room_id: ROOM.into(),
                    sender: PEOPLE[person].into(),
                    relates_to: self.targets[target].clone(),
                    key: key.into(),
                    at,
                });
            }
            Act::RedactReaction { person, nth } => {
                let Some(reactions) = self.model.reactions.get_mut(&person) else {
                    return;
                };
                let index = nth % reactions.len().max(1);
                let Some(reaction) = reactions.get_mut(index) else {
                    return;
                };
                reaction.redacted = true;
                let redacts = reaction.event_id.clone();
                let target = reaction.target;
                if self
                    .model
                    .answers
                    .get(&(person, target))
                    .is_some_and(|(_, id)| *id == redacts)
                {
                    self.model.answers.remove(&(person, target));
                }
                let event_id = self.event_id();
                self.input(Input::Redaction {
                    event_id,
                    room_id: ROOM.into(),
                    redacts,
                });
            }
            Act::Cast { person, answer } => {
                let may =
                    !self.model.voted.contains(&person) && !self.model.struck_off.contains(&person);
                if may {
                    self.model.voted.push(person);
                    self.model.cast += 1;
                }
                let choice = ["Pour", "Contre"][answer];
                self.say(DIRECT, PEOPLE[person], &format!("!voter 2 {choice}"));
            }
            Act::Forget { person } => {
                self.say(DIRECT, PEOPLE[person], "!oublier confirmer");
                // Everything before this moment is withdrawn or erased.
                self.model.forgot_at.insert(person, self.now);
                self.model.answers.retain(|(who, _), _| *who != person);
                if !self.model.struck_off.contains(&person) {
                    self.model.struck_off.push(person);
                }
            }
            Act::CrashAndRestart => {
                self.engine = Engine::new(
                    self.store.clone(),
                    crate::store::seal::Seal::for_tests(),
                    settings(),
                    None,
                )
                .unwrap();
                // The last input comes again (the sync position was not
                // saved): the ledger or the data make it harmless.
                if let Some(last) = self.last.clone() {
                    self.engine.process(&last, self.now).unwrap();
                }
            }
        }
    }

    /// Slot and meeting answers as the bot holds them: (person, target).
    fn stored_answers(&self) -> BTreeMap<(usize, usize), Attendance> {
        self.engine.read(|state| {
            let mut answers = BTreeMap::new();
            for ((_, slot, user), answer) in &state.assembly.slot_answers {
                let person = PEOPLE.iter().position(|p| p == user).expect("a person");
                assert!(
                    answers
                        .insert((person, *slot as usize), answer.answer)
                        .is_none(),
                    "{user} counted twice on slot {slot}"
                );
            }
            for ((_, user), rsvp) in &state.assembly.rsvps {
                let person = PEOPLE.iter().position(|p| p == user).expect("a person");
                assert!(
                    answers.insert((person, 2), rsvp.answer).is_none(),
                    "{user} answered the meeting twice"
                );
            }
            answers
        })
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn every_person_counts_once_in_every_count_whatever_they_do(
        acts in prop::collection::vec(act(), 1..40)
    ) {
        let mut world = World::new();
        for act in acts {
            world.play(act);
        }
        // Slots and the meeting: as the model says, each person once.
        let expected: BTreeMap<(usize, usize), Attendance> = world
            .model
            .answers
            .iter()
            .map(|(key, (answer, _))| (*key, *answer))
            .collect();
        prop_assert_eq!(world.stored_answers(), expected);
        // The secret ballot: one ballot per person at most, never more
        // than the electorate.
        let ballots = world.engine.read(|state| state.assembly.ballot_boxes[&2].clone());
        prop_assert_eq!(ballots.ballots, world.model.cast as u64);
        prop_assert_eq!(ballots.counts.iter().sum::<u64>(), world.model.cast as u64);
        // The poll, closed with every click the homeserver still holds.
        world.say(ROOM, ORGANISER, "!cloturer 1");
        let responses: Vec<PollResponse> = world
            .model
            .votes
            .iter()
            .flat_map(|(person, events)| {
                events
                    .iter()
                    .filter(|event| event.click && !event.redacted)
                    .map(|event| PollResponse {
                        event_id: event.event_id.clone(),
                        room_id: ROOM.into(),
                        sender: PEOPLE[*person].into(),
                        start_event_id: world.poll_start.clone(),
                        answers: vec![(event.answer + 1).to_string()],
                        at: event.at,
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        world.input(Input::PollClosing { number: 1, responses });
        let results = world
            .engine
            .read(|state| state.assembly.polls[&1].results.clone())
            .expect("published");
        let (counts, voters) = world.model.poll_counts();
        prop_assert_eq!(results.counts, counts);
        prop_assert_eq!(results.voters, voters);
        prop_assert!(voters <= PEOPLE.len() as u64);
        prop_assert!(world.engine.read(|state| state.assembly.votes.is_empty()));
    }
}
