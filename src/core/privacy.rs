//! People's own data: `!mesdonnees` shows a person everything stored about
//! them, `!oublier` erases it, and the daily retention job erases what is no
//! longer in use.
//!
//! [`REGISTRY`] is the one list of every record type boucle stores, each with
//! how it is exported and erased, or why it holds nothing personal. A test in
//! `store::records` fails when a record type is missing from it, so a new
//! capability cannot store people's data without plugging into both paths.
//!
//! What must stay for the group's history stays without the person: a
//! proposal keeps its name and its number of supporters, not who they were.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::assembly::{Change, Coordination, Poll, Proposal, ProposalStatus};
use super::commands::Place;
use super::render::Rendered;
use super::{Action, Context, NewTimer, Outcome, State, TimerPurpose, next_retention_run};
use crate::i18n::Arg;

/// One thing stored about a person, in both forms they receive it.
pub struct Item {
    pub line: Rendered,
    pub json: Value,
}

pub type Export = fn(&State, &str) -> Vec<Item>;
pub type Erase = fn(&State, &str) -> Vec<Change>;

pub enum Handling {
    Personal {
        export: Export,
        erase: Erase,
    },
    /// Holds nothing that identifies a person; the reason is for review.
    NotPersonal(&'static str),
}

pub struct Entry {
    /// The record type's `Record::KIND`.
    pub kind: &'static str,
    pub handling: Handling,
}

/// Every stored record type, personal or not.
pub static REGISTRY: &[Entry] = &[
    Entry {
        kind: "membership",
        handling: Handling::Personal {
            export: export_memberships,
            erase: erase_memberships,
        },
    },
    Entry {
        kind: "coordination",
        handling: Handling::Personal {
            export: export_coordinations,
            erase: erase_coordinations,
        },
    },
    Entry {
        kind: "profile",
        handling: Handling::Personal {
            export: export_profile,
            erase: erase_profile,
        },
    },
    Entry {
        kind: "proposal",
        handling: Handling::Personal {
            export: export_proposals,
            erase: erase_proposals,
        },
    },
    Entry {
        kind: "welcome",
        handling: Handling::Personal {
            export: export_welcomes,
            erase: erase_welcomes,
        },
    },
    Entry {
        kind: "poll",
        handling: Handling::Personal {
            export: export_polls,
            erase: erase_polls,
        },
    },
    Entry {
        kind: "vote",
        handling: Handling::Personal {
            export: export_votes,
            erase: erase_votes,
        },
    },
    Entry {
        kind: "ballot",
        handling: Handling::Personal {
            export: export_ballots,
            erase: erase_ballots,
        },
    },
    Entry {
        kind: "elector",
        handling: Handling::Personal {
            export: export_electors,
            erase: erase_electors,
        },
    },
    Entry {
        kind: "dead letter",
        handling: Handling::NotPersonal(
            "a room, a kind of message and a reason: no text, and a direct chat is not said whose",
        ),
    },
    Entry {
        kind: "ballot box",
        handling: Handling::NotPersonal("counts only: no name, no time"),
    },
    Entry {
        kind: "sealed elector",
        handling: Handling::NotPersonal(
            "how an elector is stored (store::seal): exported and erased as \"elector\"",
        ),
    },
    Entry {
        kind: "sealed ballot box",
        handling: Handling::NotPersonal("how a ballot box is stored (store::seal): counts only"),
    },
    Entry {
        kind: "encrypted room",
        handling: Handling::NotPersonal("a room's id, no person and no time"),
    },
    Entry {
        kind: "sealed report draft",
        handling: Handling::NotPersonal(
            "how a report draft is stored (store::seal): exported and erased as \"report draft\"",
        ),
    },
    Entry {
        kind: "sealed record",
        handling: Handling::NotPersonal(
            "the encrypted envelope of a sealed elector, ballot box, report or report draft, or of the session",
        ),
    },
    Entry {
        kind: "meeting",
        handling: Handling::Personal {
            export: export_meetings,
            erase: erase_meetings,
        },
    },
    Entry {
        kind: "rsvp",
        handling: Handling::Personal {
            export: export_rsvps,
            erase: erase_rsvps,
        },
    },
    Entry {
        kind: "reminder preference",
        handling: Handling::Personal {
            export: export_reminder_preference,
            erase: erase_reminder_preference,
        },
    },
    Entry {
        kind: "slot poll",
        handling: Handling::Personal {
            export: export_slot_polls,
            erase: erase_slot_polls,
        },
    },
    Entry {
        kind: "slot answer",
        handling: Handling::Personal {
            export: export_slot_answers,
            erase: erase_slot_answers,
        },
    },
    Entry {
        kind: "report",
        handling: Handling::Personal {
            export: export_reports,
            erase: erase_reports,
        },
    },
    Entry {
        kind: "speaker",
        handling: Handling::Personal {
            export: export_speakers,
            erase: erase_speakers,
        },
    },
    Entry {
        kind: "report draft",
        handling: Handling::Personal {
            export: export_drafts,
            erase: erase_drafts,
        },
    },
    Entry {
        kind: "dialogue",
        handling: Handling::Personal {
            export: export_dialogues,
            erase: erase_dialogues,
        },
    },
    Entry {
        kind: "digest state",
        handling: Handling::NotPersonal("the time of the last digest"),
    },
    Entry {
        kind: "missed reminder",
        handling: Handling::NotPersonal("a meeting number and two times"),
    },
    Entry {
        kind: "theme",
        handling: Handling::NotPersonal("a theme's name, room and status"),
    },
    Entry {
        kind: "ledger entry",
        handling: Handling::NotPersonal(
            "an event id, a room and a time, no sender; forgotten after twice the catch-up window",
        ),
    },
    Entry {
        kind: "outbox entry",
        handling: Handling::NotPersonal(
            "a message on its way, deleted as soon as the homeserver has it",
        ),
    },
    Entry {
        kind: "sync cursor",
        handling: Handling::NotPersonal("the sync position"),
    },
    Entry {
        kind: "first start",
        handling: Handling::NotPersonal("the time of the first start"),
    },
    Entry {
        kind: "timer",
        handling: Handling::NotPersonal("a due time and a purpose"),
    },
    Entry {
        kind: "space",
        handling: Handling::NotPersonal("the Space's room id"),
    },
    Entry {
        kind: "pending erasure",
        handling: Handling::NotPersonal(
            "the id of someone already forgotten, kept only until the backups are \
             scrubbed and the database compacted, then deleted",
        ),
    },
];

fn date(state: &State, at: DateTime<Utc>) -> String {
    at.with_timezone(&state.settings.time_zone)
        .format("%d/%m/%Y")
        .to_string()
}

fn theme_name(state: &State, slug: &str) -> String {
    state
        .theme(slug)
        .map_or_else(|| slug.to_owned(), |theme| theme.name)
}

fn export_memberships(state: &State, user_id: &str) -> Vec<Item> {
    let tr = |id: &str, args: &[(&str, Arg)]| state.translator.render(id, args);
    state
        .assembly
        .memberships
        .iter()
        .filter(|((_, user), _)| user == user_id)
        .map(|((slug, _), membership)| {
            let name = theme_name(state, slug);
            let line = match membership.left_at {
                None => tr(
                    "data-membership",
                    &[
                        ("theme", name.into()),
                        ("since", date(state, membership.joined_at).into()),
                    ],
                ),
                Some(left) => tr(
                    "data-membership-left",
                    &[("theme", name.into()), ("left", date(state, left).into())],
                ),
            };
            Item {
                line,
                json: json!({
                    "type": "membership",
                    "theme": slug,
                    "display_name": membership.display_name,
                    "joined_at": membership.joined_at,
                    "left_at": membership.left_at,
                }),
            }
        })
        .collect()
}

fn erase_memberships(state: &State, user_id: &str) -> Vec<Change> {
    state
        .assembly
        .memberships
        .keys()
        .filter(|(_, user)| user == user_id)
        .map(|(slug, user)| Change::Membership {
            slug: slug.clone(),
            user_id: user.clone(),
            value: None,
        })
        .collect()
}

fn export_coordinations(state: &State, user_id: &str) -> Vec<Item> {
    let mut items = Vec::new();
    for ((slug, user), coordination) in &state.assembly.coordinations {
        let name = theme_name(state, slug);
        if user == user_id {
            items.push(Item {
                line: state.translator.render(
                    "data-coordination",
                    &[
                        ("theme", name.into()),
                        ("since", date(state, coordination.at).into()),
                    ],
                ),
                json: json!({
                    "type": "coordination",
                    "theme": slug,
                    "at": coordination.at,
                    "appointed_by": coordination.appointed_by,
                }),
            });
        } else if coordination.appointed_by.as_deref() == Some(user_id) {
            items.push(Item {
                line: state.translator.render(
                    "data-coordination-appointed",
                    &[("theme", name.into()), ("person", user.as_str().into())],
                ),
                json: json!({
                    "type": "coordination_appointed_by_you",
                    "theme": slug,
                    "coordinator": user,
                    "at": coordination.at,
                }),
            });
        }
    }
    items
}

fn erase_coordinations(state: &State, user_id: &str) -> Vec<Change> {
    let mut changes = Vec::new();
    for ((slug, user), coordination) in &state.assembly.coordinations {
        if user == user_id {
            changes.push(Change::Coordination {
                slug: slug.clone(),
                user_id: user.clone(),
                value: None,
            });
        } else if coordination.appointed_by.as_deref() == Some(user_id) {
            changes.push(Change::Coordination {
                slug: slug.clone(),
                user_id: user.clone(),
                value: Some(Coordination {
                    appointed_by: None,
                    ..coordination.clone()
                }),
            });
        }
    }
    changes
}

fn export_profile(state: &State, user_id: &str) -> Vec<Item> {
    let Some(profile) = state.assembly.profiles.get(user_id) else {
        return Vec::new();
    };
    vec![Item {
        line: state.translator.render(
            "data-profile",
            &[
                (
                    "commune",
                    profile.commune.clone().unwrap_or_else(|| "—".into()).into(),
                ),
                (
                    "collective",
                    profile
                        .collective
                        .clone()
                        .unwrap_or_else(|| "—".into())
                        .into(),
                ),
            ],
        ),
        json: json!({
            "type": "profile",
            "commune": profile.commune,
            "collective": profile.collective,
            "updated_at": profile.updated_at,
        }),
    }]
}

fn erase_profile(state: &State, user_id: &str) -> Vec<Change> {
    if state.assembly.profiles.contains_key(user_id) {
        vec![Change::Profile {
            user_id: user_id.to_owned(),
            value: None,
        }]
    } else {
        Vec::new()
    }
}

fn involved(proposal: &Proposal, user_id: &str) -> bool {
    proposal.proposer.as_deref() == Some(user_id)
        || proposal.supporters.iter().any(|user| user == user_id)
}

fn export_proposals(state: &State, user_id: &str) -> Vec<Item> {
    state
        .assembly
        .proposals
        .values()
        .filter(|proposal| involved(proposal, user_id))
        .map(|proposal| {
            let proposed = proposal.proposer.as_deref() == Some(user_id);
            Item {
                line: state.translator.render(
                    if proposed {
                        "data-proposal-proposed"
                    } else {
                        "data-proposal-supported"
                    },
                    &[
                        ("number", proposal.number.to_string().into()),
                        ("name", proposal.name.as_str().into()),
                    ],
                ),
                json: json!({
                    "type": "theme_proposal",
                    "number": proposal.number,
                    "name": proposal.name,
                    "proposed_by_you": proposed,
                    "supported_by_you": proposal.supporters.iter().any(|user| user == user_id),
                    "opened_at": proposal.opened_at,
                }),
            }
        })
        .collect()
}

/// The proposal stays (the theme's history) without the person in it.
fn erase_proposals(state: &State, user_id: &str) -> Vec<Change> {
    state
        .assembly
        .proposals
        .values()
        .filter(|proposal| involved(proposal, user_id))
        .map(|proposal| {
            let mut proposal = proposal.clone();
            if proposal.proposer.as_deref() == Some(user_id) {
                proposal.proposer = None;
            }
            proposal.supporters.retain(|user| user != user_id);
            Change::Proposal(proposal)
        })
        .collect()
}

fn export_welcomes(state: &State, user_id: &str) -> Vec<Item> {
    state
        .assembly
        .welcomes
        .iter()
        .filter(|((_, user), _)| user == user_id)
        .map(|((room, _), welcome)| {
            let theme = state
                .theme_of_room(room)
                .map_or_else(|| room.clone(), |theme| theme.name);
            Item {
                line: state.translator.render(
                    "data-welcome",
                    &[
                        ("theme", theme.into()),
                        ("at", date(state, welcome.at).into()),
                    ],
                ),
                json: json!({ "type": "welcome", "room_id": room, "at": welcome.at }),
            }
        })
        .collect()
}

fn erase_welcomes(state: &State, user_id: &str) -> Vec<Change> {
    state
        .assembly
        .welcomes
        .keys()
        .filter(|(_, user)| user == user_id)
        .map(|(room, user)| Change::Welcome {
            room_id: room.clone(),
            user_id: user.clone(),
            value: None,
        })
        .collect()
}

fn export_polls(state: &State, user_id: &str) -> Vec<Item> {
    state
        .assembly
        .polls
        .values()
        .filter(|poll| poll.author.as_deref() == Some(user_id))
        .map(|poll| Item {
            line: state.translator.render(
                "data-poll-author",
                &[
                    ("number", poll.number.to_string().into()),
                    ("question", poll.question.as_str().into()),
                ],
            ),
            json: json!({
                "type": "poll_started",
                "number": poll.number,
                "question": poll.question,
                "opened_at": poll.opened_at,
            }),
        })
        .collect()
}

/// The poll stays (the group's decision) without its author.
fn erase_polls(state: &State, user_id: &str) -> Vec<Change> {
    state
        .assembly
        .polls
        .values()
        .filter(|poll| poll.author.as_deref() == Some(user_id))
        .map(|poll| {
            Change::Poll(Poll {
                author: None,
                ..poll.clone()
            })
        })
        .collect()
}

fn export_votes(state: &State, user_id: &str) -> Vec<Item> {
    state
        .assembly
        .votes
        .iter()
        .filter(|((_, voter, _), _)| voter == user_id)
        .filter_map(|((number, _, _), vote)| {
            let poll = state.assembly.polls.get(number)?;
            let choices: Vec<&str> = vote
                .answers
                .iter()
                .filter_map(|id| id.parse::<usize>().ok())
                .filter_map(|n| poll.answers.get(n.wrapping_sub(1)).map(String::as_str))
                .collect();
            Some(Item {
                line: state.translator.render(
                    "data-vote",
                    &[
                        ("number", number.to_string().into()),
                        ("question", poll.question.as_str().into()),
                        ("choices", choices.join(", ").into()),
                    ],
                ),
                json: json!({
                    "type": "vote",
                    "poll": number,
                    "answers": choices,
                    "at": vote.at,
                }),
            })
        })
        .collect()
}

/// A person's votes leave no trace of them. In a poll still open (or
/// closing) they are withdrawn: deleted here, and `!oublier` also leaves a
/// digest so that the homeserver's copy does not count at closing (see
/// [`super::polls::withdraw`]). A published poll keeps only its counts, so
/// it holds no vote to erase, except one published by a version that kept
/// the votes: its counts are fixed first, so that they stay as announced.
fn erase_votes(state: &State, user_id: &str) -> Vec<Change> {
    let mut changes = Vec::new();
    for poll in state.assembly.polls.values() {
        let mine: Vec<&str> = state
            .assembly
            .votes_of(poll.number)
            .filter(|(voter, _, _)| *voter == user_id)
            .map(|(_, event_id, _)| event_id)
            .collect();
        if mine.is_empty() {
            continue;
        }
        if poll.published && poll.results.is_none() {
            let counted = super::polls::current_tally(state, poll);
            changes.push(Change::Poll(Poll {
                results: Some(super::polls::stored_results(&counted)),
                // The same record as `erase_polls` writes before: keep its
                // change, since this one comes after.
                author: poll.author.clone().filter(|author| author != user_id),
                ..poll.clone()
            }));
        }
        for event_id in mine {
            changes.push(Change::Vote {
                poll: poll.number,
                voter: user_id.to_owned(),
                event_id: event_id.to_owned(),
                value: None,
            });
        }
    }
    changes
}

fn export_ballots(state: &State, user_id: &str) -> Vec<Item> {
    state
        .assembly
        .ballots
        .values()
        .filter(|ballot| ballot.author.as_deref() == Some(user_id))
        .map(|ballot| Item {
            line: state.translator.render(
                "data-ballot-author",
                &[
                    ("number", ballot.number.to_string().into()),
                    ("question", ballot.question.as_str().into()),
                ],
            ),
            json: json!({
                "type": "ballot_started",
                "number": ballot.number,
                "question": ballot.question,
                "opened_at": ballot.opened_at,
            }),
        })
        .collect()
}

fn erase_ballots(state: &State, user_id: &str) -> Vec<Change> {
    state
        .assembly
        .ballots
        .values()
        .filter(|ballot| ballot.author.as_deref() == Some(user_id))
        .map(|ballot| {
            Change::Ballot(super::assembly::Ballot {
                author: None,
                ..ballot.clone()
            })
        })
        .collect()
}

/// Only whether the person may vote and has voted: the bot cannot say what.
fn export_electors(state: &State, user_id: &str) -> Vec<Item> {
    state
        .assembly
        .electors
        .iter()
        .filter(|((_, user), _)| user == user_id)
        .map(|((number, _), elector)| Item {
            line: state.translator.render(
                if elector.voted {
                    "data-elector-voted"
                } else {
                    "data-elector"
                },
                &[("number", number.to_string().into())],
            ),
            json: json!({ "type": "secret_ballot_elector", "ballot": number, "voted": elector.voted }),
        })
        .collect()
}

fn erase_electors(state: &State, user_id: &str) -> Vec<Change> {
    state
        .assembly
        .electors
        .keys()
        .filter(|(_, user)| user == user_id)
        .map(|(number, user)| Change::Elector {
            ballot: *number,
            user_id: user.clone(),
            value: None,
        })
        .collect()
}

fn export_meetings(state: &State, user_id: &str) -> Vec<Item> {
    state
        .assembly
        .meetings
        .values()
        .filter(|meeting| meeting.organiser.as_deref() == Some(user_id))
        .map(|meeting| Item {
            line: state.translator.render(
                "data-meeting-organiser",
                &[
                    ("number", meeting.number.to_string().into()),
                    ("date", super::format_date(state, meeting.starts_at).into()),
                ],
            ),
            json: json!({
                "type": "meeting_organised",
                "number": meeting.number,
                "starts_at": meeting.starts_at,
            }),
        })
        .collect()
}

/// The meeting stays (the group's calendar) without its organiser.
fn erase_meetings(state: &State, user_id: &str) -> Vec<Change> {
    state
        .assembly
        .meetings
        .values()
        .filter(|meeting| meeting.organiser.as_deref() == Some(user_id))
        .map(|meeting| {
            Change::Meeting(super::assembly::Meeting {
                organiser: None,
                ..meeting.clone()
            })
        })
        .collect()
}

fn export_rsvps(state: &State, user_id: &str) -> Vec<Item> {
    use super::assembly::Attendance;
    state
        .assembly
        .rsvps
        .iter()
        .filter(|((_, user), _)| user == user_id)
        .map(|((number, _), rsvp)| {
            let answer = match rsvp.answer {
                Attendance::Going => "✅",
                Attendance::Maybe => "🤔",
                Attendance::NotGoing => "❌",
            };
            Item {
                line: state.translator.render(
                    "data-rsvp",
                    &[
                        ("number", number.to_string().into()),
                        ("answer", answer.into()),
                    ],
                ),
                json: json!({ "type": "meeting_answer", "meeting": number, "answer": rsvp.answer, "at": rsvp.at }),
            }
        })
        .collect()
}

fn erase_rsvps(state: &State, user_id: &str) -> Vec<Change> {
    state
        .assembly
        .rsvps
        .keys()
        .filter(|(_, user)| user == user_id)
        .map(|(number, user)| Change::Rsvp {
            meeting: *number,
            user_id: user.clone(),
            value: None,
        })
        .collect()
}

fn export_reminder_preference(state: &State, user_id: &str) -> Vec<Item> {
    use super::assembly::ReminderChoice;
    let Some(preference) = state.assembly.reminder_preferences.get(user_id) else {
        return Vec::new();
    };
    let choice = match preference.choice {
        ReminderChoice::Room => "salon",
        ReminderChoice::Direct => "prive",
        ReminderChoice::Off => "aucun",
    };
    vec![Item {
        line: state
            .translator
            .render("data-reminder-choice", &[("choice", choice.into())]),
        json: json!({ "type": "reminder_preference", "choice": preference.choice }),
    }]
}

fn erase_reminder_preference(state: &State, user_id: &str) -> Vec<Change> {
    if state.assembly.reminder_preferences.contains_key(user_id) {
        vec![Change::ReminderPreference {
            user_id: user_id.to_owned(),
            value: None,
        }]
    } else {
        Vec::new()
    }
}

fn export_slot_polls(state: &State, user_id: &str) -> Vec<Item> {
    state
        .assembly
        .slot_polls
        .values()
        .filter(|poll| poll.author.as_deref() == Some(user_id))
        .map(|poll| Item {
            line: state.translator.render(
                "data-slot-poll",
                &[
                    ("number", poll.number.to_string().into()),
                    ("subject", poll.subject.as_str().into()),
                ],
            ),
            json: json!({ "type": "slots_proposed", "number": poll.number, "subject": poll.subject }),
        })
        .collect()
}

fn erase_slot_polls(state: &State, user_id: &str) -> Vec<Change> {
    state
        .assembly
        .slot_polls
        .values()
        .filter(|poll| poll.author.as_deref() == Some(user_id))
        .map(|poll| {
            Change::SlotPoll(super::assembly::SlotPoll {
                author: None,
                ..poll.clone()
            })
        })
        .collect()
}

fn export_slot_answers(state: &State, user_id: &str) -> Vec<Item> {
    state
        .assembly
        .slot_answers
        .iter()
        .filter(|((_, _, user), _)| user == user_id)
        .map(|((number, slot, _), answer)| Item {
            line: state.translator.render(
                "data-slot-answer",
                &[
                    ("number", number.to_string().into()),
                    ("index", i64::from(*slot + 1).into()),
                ],
            ),
            json: json!({ "type": "slot_answer", "slots": number, "slot": slot + 1, "answer": answer.answer }),
        })
        .collect()
}

fn erase_slot_answers(state: &State, user_id: &str) -> Vec<Change> {
    state
        .assembly
        .slot_answers
        .keys()
        .filter(|(_, _, user)| user == user_id)
        .map(|(number, slot, user)| Change::SlotAnswer {
            poll: *number,
            slot: *slot,
            user_id: user.clone(),
            value: None,
        })
        .collect()
}

fn export_reports(state: &State, user_id: &str) -> Vec<Item> {
    let mut items = Vec::new();
    for report in state.assembly.reports.values() {
        if report.author.as_deref() == Some(user_id) {
            items.push(Item {
                line: state.translator.render(
                    "data-report",
                    &[
                        ("number", report.number.to_string().into()),
                        ("theme", report.theme.as_str().into()),
                        ("text", report.text.as_str().into()),
                    ],
                ),
                json: json!({
                    "type": "field_report",
                    "number": report.number,
                    "theme": report.theme,
                    "text": report.text,
                    "anonymous": report.anonymous,
                    "commune": report.commune,
                    "created_at": report.created_at,
                    "answers": report.answers.iter().map(|answer| &answer.text).collect::<Vec<_>>(),
                }),
            });
        }
        // What a member of the deputy team did with it.
        for answer in &report.answers {
            if answer.by.as_deref() == Some(user_id) {
                items.push(Item {
                    line: state.translator.render(
                        "data-report-answer",
                        &[
                            ("number", report.number.to_string().into()),
                            ("text", answer.text.as_str().into()),
                        ],
                    ),
                    json: json!({
                        "type": "field_report_answer",
                        "report": report.number,
                        "text": answer.text,
                        "at": answer.at,
                    }),
                });
            }
        }
        for change in &report.history {
            if change.by.as_deref() == Some(user_id) {
                items.push(Item {
                    line: state.translator.render(
                        "data-report-status",
                        &[
                            ("number", report.number.to_string().into()),
                            (
                                "status",
                                state
                                    .translator
                                    .plain(super::reports::status_id(change.status), &[])
                                    .into(),
                            ),
                        ],
                    ),
                    json: json!({
                        "type": "field_report_status_change",
                        "report": report.number,
                        "status": change.status,
                        "at": change.at,
                    }),
                });
            }
        }
    }
    items
}

/// An erased author's reports stay, as anonymous reports without their
/// commune; the team members' names leave answers and status changes.
fn erase_reports(state: &State, user_id: &str) -> Vec<Change> {
    let mut changes = Vec::new();
    for report in state.assembly.reports.values() {
        let authored = report.author.as_deref() == Some(user_id);
        let acted = report
            .answers
            .iter()
            .any(|answer| answer.by.as_deref() == Some(user_id))
            || report
                .history
                .iter()
                .any(|change| change.by.as_deref() == Some(user_id));
        if !authored && !acted {
            continue;
        }
        let mut report = report.clone();
        if authored {
            report.author = None;
            report.anonymous = true;
            report.commune = None;
            if !state.is_assembly_room(&report.room_id) {
                // Written in the person's direct chat: that room is theirs.
                // Later answers go to the theme's room, replying to nothing.
                report.room_id = state
                    .theme(&report.theme)
                    .and_then(|theme| theme.room_id)
                    .unwrap_or_default();
                report.event_id = String::new();
            }
        }
        for answer in &mut report.answers {
            if answer.by.as_deref() == Some(user_id) {
                answer.by = None;
            }
        }
        for change in &mut report.history {
            if change.by.as_deref() == Some(user_id) {
                change.by = None;
            }
        }
        changes.push(Change::Report(report));
    }
    changes
}

fn export_speakers(state: &State, user_id: &str) -> Vec<Item> {
    state
        .assembly
        .speakers
        .values()
        .filter(|speaker| speaker.proposer.as_deref() == Some(user_id))
        .map(|speaker| Item {
            line: state.translator.render(
                "data-speaker",
                &[
                    ("number", speaker.number.to_string().into()),
                    ("name", speaker.name.as_str().into()),
                ],
            ),
            json: json!({
                "type": "speaker_proposed",
                "number": speaker.number,
                "name": speaker.name,
                "subject": speaker.subject,
                "contact": speaker.contact,
                "at": speaker.at,
            }),
        })
        .collect()
}

/// The proposal stays (a name and a subject for the group) without its
/// proposer and without the contact they gave.
fn erase_speakers(state: &State, user_id: &str) -> Vec<Change> {
    state
        .assembly
        .speakers
        .values()
        .filter(|speaker| speaker.proposer.as_deref() == Some(user_id))
        .map(|speaker| {
            Change::Speaker(super::assembly::Speaker {
                proposer: None,
                contact: None,
                ..speaker.clone()
            })
        })
        .collect()
}

fn export_drafts(state: &State, user_id: &str) -> Vec<Item> {
    state
        .assembly
        .report_drafts
        .get(user_id)
        .map(|draft| Item {
            line: state.translator.render("data-report-draft", &[]),
            json: json!({
                "type": "report_being_written",
                "theme": draft.theme,
                "text": draft.text,
                "commune": draft.commune,
                "started_at": draft.started_at,
            }),
        })
        .into_iter()
        .collect()
}

fn export_dialogues(state: &State, user_id: &str) -> Vec<Item> {
    state
        .assembly
        .dialogues
        .iter()
        .filter(|((_, user), _)| user == user_id)
        .map(|((room, _), dialogue)| Item {
            line: state.translator.render("data-dialogue", &[]),
            json: json!({
                "type": "command_being_written",
                "room": room,
                "command": dialogue.command,
                "answers": dialogue.answers,
                "at": dialogue.at,
            }),
        })
        .collect()
}

fn erase_dialogues(state: &State, user_id: &str) -> Vec<Change> {
    state
        .assembly
        .dialogues
        .keys()
        .filter(|(_, user)| user == user_id)
        .map(|(room, user)| Change::Dialogue {
            room_id: room.clone(),
            user_id: user.clone(),
            value: None,
        })
        .collect()
}

fn erase_drafts(state: &State, user_id: &str) -> Vec<Change> {
    if state.assembly.report_drafts.contains_key(user_id) {
        vec![Change::ReportDraft {
            user_id: user_id.to_owned(),
            value: None,
        }]
    } else {
        Vec::new()
    }
}

/// Everything stored about `user_id`, through the registry.
pub fn export(state: &State, user_id: &str) -> Vec<Item> {
    REGISTRY
        .iter()
        .filter_map(|entry| match entry.handling {
            Handling::Personal { export, .. } => Some(export(state, user_id)),
            Handling::NotPersonal(_) => None,
        })
        .flatten()
        .collect()
}

/// The changes that erase `user_id`'s personal data, through the registry.
pub fn erase(state: &State, user_id: &str) -> Vec<Change> {
    REGISTRY
        .iter()
        .filter_map(|entry| match entry.handling {
            Handling::Personal { erase, .. } => Some(erase(state, user_id)),
            Handling::NotPersonal(_) => None,
        })
        .flatten()
        .collect()
}

/// The JSON document a person receives with `!mesdonnees`.
pub fn export_document(state: &State, user_id: &str, now: DateTime<Utc>) -> Value {
    json!({
        "format": "boucle personal data export",
        "version": 1,
        "user_id": user_id,
        "exported_at": now,
        "records": export(state, user_id).into_iter().map(|item| item.json).collect::<Vec<_>>(),
    })
}

impl Context<'_> {
    /// `!mesdonnees`: a readable list and a JSON file, in an encrypted
    /// direct chat only. Typed anywhere else (a group room, a clear direct
    /// chat), the bot writes them in its encrypted direct chat with the
    /// person, opened if need be, and says so where it was typed.
    pub(super) fn my_data(&mut self) -> Rendered {
        let sender = self.message.sender.clone();
        let items = export(self.state, &sender);
        if items.is_empty() {
            return self.tr("my-data-nothing", &[]);
        }
        let elsewhere = if self.place != Place::Direct {
            Some("my-data-direct-only")
        } else if !self.message.sent_encrypted {
            // The list, and the file, would be readable on the homeserver.
            Some("my-data-unencrypted")
        } else {
            None
        };
        let mut reply = self
            .tr("my-data-header", &[("count", items.len().into())])
            .strong();
        for item in &items {
            reply.line(Rendered {
                body: format!("• {}", item.line.body),
                html: format!("• {}", item.line.html),
            });
        }
        reply.line(self.tr("my-data-footer", &[]));
        let document = export_document(self.state, &sender, self.now);
        let file_name = "mes-donnees-boucle.json".to_owned();
        let content_type = "application/json".to_owned();
        let content = serde_json::to_string_pretty(&document).expect("JSON values serialise");
        let Some(elsewhere) = elsewhere else {
            self.act(Action::SendFile {
                room_id: self.message.room_id.clone(),
                file_name,
                content_type,
                content,
            });
            return reply;
        };
        // Rings: the person is elsewhere, and must find the chat.
        self.act(Action::ring(&sender, reply));
        self.act(Action::DirectFile {
            user_id: sender,
            file_name,
            content_type,
            content,
        });
        self.tr(
            elsewhere,
            &[("bot", self.state.settings.bot_user_id.as_str().into())],
        )
    }

    /// `!oublier [confirmer]`. Votes in polls still open are withdrawn
    /// (the person may vote again, and counts once); ballots already cast
    /// stay in the box, and the person is no longer an elector.
    pub(super) fn forget(&mut self, confirmed: bool) -> Rendered {
        let sender = self.message.sender.clone();
        let changes = erase(self.state, &sender);
        let assembly = &self.state.assembly;
        let open_votes = assembly.votes.keys().any(|(number, voter, _)| {
            voter == &sender
                && assembly
                    .polls
                    .get(number)
                    .is_some_and(|poll| !poll.published)
        });
        let open_ballots = assembly.electors.keys().any(|(number, user)| {
            user == &sender
                && assembly
                    .ballots
                    .get(number)
                    .is_some_and(|ballot| ballot.is_open())
        });
        if confirmed {
            // Withdrawals are written over the rest of the erasure (a poll
            // whose author is erased too), even when nothing else is kept:
            // a vote the bot never saw must not count at closing either.
            let mut after = assembly.clone();
            for change in &changes {
                after.apply(change);
            }
            self.outcome.changes.extend(
                changes
                    .iter()
                    .cloned()
                    .chain(super::polls::withdraw(&after, &sender, self.now)),
            );
        }
        if changes.is_empty() {
            return self.tr("forget-nothing", &[]);
        }
        // What the person sees in !mesdonnees, not the number of writes.
        let count = export(self.state, &sender).len().max(1);
        let mut reply = if confirmed {
            self.outcome.erased.push(sender);
            self.tr("forget-done", &[("count", count.into())])
        } else {
            self.tr("forget-confirm", &[("count", count.into())])
        };
        let tense = if confirmed { "done" } else { "will" };
        if open_votes {
            reply.line(self.tr(&format!("forget-open-votes-{tense}"), &[]));
        }
        if open_ballots {
            reply.line(self.tr(&format!("forget-open-ballots-{tense}"), &[]));
        }
        if !confirmed {
            reply.line(self.tr("forget-how-to-confirm", &[]));
        }
        reply
    }
}

/// The daily retention job: erases sign-ups of people who left a theme long
/// ago, the profiles of people who are in no theme any more, the welcomes of
/// people not signed up, and closes proposals that found no support in time.
pub fn retention(state: &State, now: DateTime<Utc>) -> Outcome {
    let retention = state.settings.retention;
    let limit = now - chrono::Duration::days(i64::from(retention.former_members_days));
    let proposal_limit = now - chrono::Duration::days(i64::from(retention.open_proposals_days));
    let assembly = &state.assembly;
    let mut changes = Vec::new();
    for ((room, user), welcome) in &assembly.welcomes {
        let signed_up = state.theme_of_room(room).is_some_and(|theme| {
            assembly
                .membership(&theme.slug, user)
                .is_some_and(|membership| membership.is_current())
        });
        if !signed_up && welcome.at < limit {
            changes.push(Change::Welcome {
                room_id: room.clone(),
                user_id: user.clone(),
                value: None,
            });
        }
    }
    for ((room, user), dialogue) in &assembly.dialogues {
        if dialogue.at < now - chrono::Duration::days(1) {
            changes.push(Change::Dialogue {
                room_id: room.clone(),
                user_id: user.clone(),
                value: None,
            });
        }
    }
    for (user, draft) in &assembly.report_drafts {
        if draft.started_at < now - chrono::Duration::days(1) {
            changes.push(Change::ReportDraft {
                user_id: user.clone(),
                value: None,
            });
        }
    }
    for proposal in assembly.proposals.values() {
        if proposal.status == ProposalStatus::Open && proposal.opened_at < proposal_limit {
            changes.push(Change::Proposal(Proposal {
                status: ProposalStatus::Expired,
                proposer: None,
                supporters: Vec::new(),
                ..proposal.clone()
            }));
        }
    }
    for ((slug, user), membership) in &assembly.memberships {
        if membership.left_at.is_some_and(|left| left < limit) {
            changes.push(Change::Membership {
                slug: slug.clone(),
                user_id: user.clone(),
                value: None,
            });
        }
    }
    for (user, profile) in &assembly.profiles {
        let in_a_theme = assembly
            .memberships
            .iter()
            .any(|((_, member), membership)| member == user && membership.is_current());
        if !in_a_theme && profile.updated_at < limit {
            changes.push(Change::Profile {
                user_id: user.clone(),
                value: None,
            });
        }
    }
    Outcome {
        changes,
        timers: vec![NewTimer {
            due: next_retention_run(state.settings.time_zone, now),
            purpose: TimerPurpose::Retention,
        }],
        ..Outcome::default()
    }
}
