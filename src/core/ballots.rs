//! Secret ballots: what native polls cannot do. The vote happens in a direct
//! chat with the bot (`!voter n choix`); who may vote and who has voted are
//! kept apart from the ballot box, which holds counts only, so no stored
//! record links a person to a choice. The electorate is frozen at opening:
//! the theme's members, or the room's members. Who voted is forgotten at
//! closing; the box (totals, turnout) stays.

use chrono::{DateTime, Utc};

use super::assembly::{Ballot, BallotBox, Change, Elector};
use super::commands::PollRequest;
use super::polls::percent;
use super::render::{OutgoingMessage, Rendered};
use super::when::parse_when;
use super::{Action, Context, NewTimer, Outcome, Place, State, TimerPurpose};
use crate::i18n::Arg;

/// A ballot's number, question and numbered answers.
fn question_and_answers(state: &State, ballot: &Ballot) -> Rendered {
    let tr = |id: &str, args: &[(&str, Arg)]| state.translator.render(id, args);
    let mut text = tr(
        "ballot-opened",
        &[
            ("number", ballot.number.to_string().into()),
            ("question", ballot.question.as_str().into()),
        ],
    )
    .strong();
    for (index, answer) in ballot.answers.iter().enumerate() {
        text.line(tr(
            "ballot-option",
            &[
                ("index", (index + 1).into()),
                ("answer", answer.as_str().into()),
            ],
        ));
    }
    text
}

/// The announcement in the ballot's room, once the electorate is known.
fn announcement(state: &State, ballot: &Ballot, electorate: usize) -> Rendered {
    let tr = |id: &str, args: &[(&str, Arg)]| state.translator.render(id, args);
    let number: Arg = ballot.number.to_string().into();
    let mut text = question_and_answers(state, ballot);
    text.line(tr(
        "ballot-how",
        &[
            ("number", number),
            ("electorate", electorate.into()),
            ("bot", state.settings.bot_user_id.as_str().into()),
        ],
    ));
    if let Some(quorum) = ballot.quorum {
        text.line(tr("ballot-quorum", &[("quorum", i64::from(quorum).into())]));
    }
    if let Some(due) = ballot.closes_at {
        text.line(tr(
            "poll-created-until",
            &[("date", super::format_date(state, due).into())],
        ));
    }
    text
}

/// The fewest ballots whose counts are published, and so the smallest
/// electorate a ballot opens with. With one ballot, the count is the vote;
/// with two, each voter reads the other's in it.
pub const MIN_BALLOTS: u64 = 3;

/// Freezes `members` as the electorate and announces the ballot; or, when
/// they are too few for a vote to stay secret, says so and closes it.
fn freeze(state: &State, ballot: &Ballot, members: &[String], outcome: &mut Outcome) {
    let mut members: Vec<&String> = members
        .iter()
        .filter(|member| **member != state.settings.bot_user_id)
        .collect();
    members.sort();
    members.dedup();
    if (members.len() as u64) < MIN_BALLOTS {
        outcome.messages.push(OutgoingMessage::notice(
            &ballot.room_id,
            state.translator.render(
                "ballot-too-few-electors",
                &[
                    ("number", ballot.number.to_string().into()),
                    ("electorate", members.len().into()),
                    ("min", i64::try_from(MIN_BALLOTS).unwrap_or(3).into()),
                ],
            ),
        ));
        outcome.changes.push(Change::Ballot(Ballot {
            electorate_frozen: true,
            closed_at: Some(ballot.opened_at),
            ..ballot.clone()
        }));
        return;
    }
    for member in &members {
        outcome.changes.push(Change::Elector {
            ballot: ballot.number,
            user_id: (*member).clone(),
            value: Some(Elector { voted: false }),
        });
    }
    outcome.changes.push(Change::BallotBox {
        ballot: ballot.number,
        value: BallotBox {
            counts: vec![0; ballot.answers.len()],
            ballots: 0,
            electorate: members.len() as u64,
        },
    });
    outcome.changes.push(Change::Ballot(Ballot {
        electorate_frozen: true,
        ..ballot.clone()
    }));
    // The opening notifies the room's members, as any message would, and
    // names nobody: naming every elector would let any member ping a whole
    // room (even those who muted it but for mentions), which only a power
    // level allows, and would not fit one event for a large electorate.
    outcome.messages.push(OutgoingMessage::ringing(
        &ballot.room_id,
        announcement(state, ballot, members.len()),
        Vec::new(),
    ));
}

/// The adapter listed the room's members for a ballot being opened.
pub fn electorate(state: &State, number: u64, members: &[String]) -> Outcome {
    let mut outcome = Outcome::default();
    if let Some(ballot) = state
        .assembly
        .ballots
        .get(&number)
        .filter(|ballot| !ballot.electorate_frozen && ballot.is_open())
    {
        freeze(state, ballot, members, &mut outcome);
    }
    outcome
}

/// The results: totals, turnout, quorum.
pub fn results_text(state: &State, ballot: &Ballot, ballot_box: &BallotBox) -> Rendered {
    let tr = |id: &str, args: &[(&str, Arg)]| state.translator.render(id, args);
    let mut text = tr(
        "ballot-results",
        &[
            ("number", ballot.number.to_string().into()),
            ("question", ballot.question.as_str().into()),
        ],
    )
    .strong();
    let turnout = |text: &mut Rendered| {
        text.line(tr(
            "ballot-turnout",
            &[
                (
                    "ballots",
                    i64::try_from(ballot_box.ballots).unwrap_or(0).into(),
                ),
                (
                    "electorate",
                    i64::try_from(ballot_box.electorate).unwrap_or(0).into(),
                ),
                (
                    "percent",
                    percent(ballot_box.ballots, ballot_box.electorate).into(),
                ),
            ],
        ));
    };
    if ballot_box.ballots < MIN_BALLOTS {
        // Too few for the counts to keep anyone's vote secret.
        text.line(tr(
            "ballot-too-few-ballots",
            &[("min", i64::try_from(MIN_BALLOTS).unwrap_or(3).into())],
        ));
        turnout(&mut text);
        return text;
    }
    super::polls::count_lines(
        state,
        &ballot.answers,
        &ballot_box.counts,
        ballot_box.ballots,
        &mut text,
        |text| {
            turnout(text);
            if let Some(quorum) = ballot.quorum {
                let id = if ballot_box.ballots >= u64::from(quorum) {
                    "ballot-quorum-met"
                } else {
                    "ballot-quorum-missed"
                };
                text.line(tr(id, &[("quorum", i64::from(quorum).into())]));
            }
        },
    );
    text
}

/// Closes a ballot: forgets who voted, keeps the box, publishes.
pub fn close(state: &State, ballot: &Ballot, now: DateTime<Utc>, outcome: &mut Outcome) {
    let closed = Ballot {
        closed_at: Some(now),
        ..ballot.clone()
    };
    for (number, user) in state.assembly.electors.keys() {
        if *number == ballot.number {
            outcome.changes.push(Change::Elector {
                ballot: ballot.number,
                user_id: user.clone(),
                value: None,
            });
        }
    }
    let ballot_box = state
        .assembly
        .ballot_boxes
        .get(&ballot.number)
        .cloned()
        .unwrap_or(BallotBox {
            counts: vec![0; ballot.answers.len()],
            ballots: 0,
            electorate: 0,
        });
    outcome.messages.push(OutgoingMessage::notice(
        &ballot.room_id,
        results_text(state, &closed, &ballot_box),
    ));
    outcome.changes.push(Change::Ballot(closed));
}

/// A ballot's deadline passed.
pub fn deadline(state: &State, number: u64, now: DateTime<Utc>) -> Outcome {
    let mut outcome = Outcome::default();
    if let Some(ballot) = state
        .assembly
        .ballots
        .get(&number)
        .filter(|ballot| ballot.is_open())
    {
        close(state, ballot, now, &mut outcome);
    }
    outcome
}

impl Context<'_> {
    /// `!scrutin`.
    pub(super) fn create_ballot(&mut self, request: PollRequest) -> Rendered {
        let open = self
            .state
            .assembly
            .ballots
            .values()
            .filter(|ballot| ballot.room_id == self.message.room_id && ballot.is_open())
            .map(|ballot| ballot.author.as_deref());
        if let Some(refusal) = self.over_cap(open) {
            return refusal;
        }
        let closes_at = match &request.until {
            None => None,
            Some(text) => match parse_when(text, self.state.settings.time_zone, self.now) {
                Ok(when) => Some(when.at.with_timezone(&Utc)),
                Err(error) => return self.date_problem(text, &error),
            },
        };
        let ballot = Ballot {
            number: self.state.assembly.next_poll_number(),
            room_id: self.message.room_id.clone(),
            author: Some(self.message.sender.clone()),
            question: request.question,
            max_selections: request
                .multiple
                .unwrap_or(1)
                .min(request.options.len() as u32),
            answers: request.options,
            quorum: request.quorum,
            closes_at,
            opened_at: self.now,
            electorate_frozen: false,
            closed_at: None,
        };
        if let Some(due) = closes_at {
            self.outcome.timers.push(NewTimer {
                due,
                purpose: TimerPurpose::ClosePoll(ballot.number),
            });
        }
        let members: Vec<String> = self
            .theme
            .as_ref()
            .map(|theme| {
                self.state
                    .assembly
                    .members_of(&theme.slug)
                    .into_iter()
                    .map(|(user, _)| user.to_owned())
                    .collect()
            })
            .unwrap_or_default();
        let number: Arg = ballot.number.to_string().into();
        if !members.is_empty() && (members.len() as u64) < MIN_BALLOTS {
            // Known already: refused at once, nothing opened.
            return self.tr(
                "ballot-too-few-electors",
                &[
                    ("number", number),
                    ("electorate", members.len().into()),
                    ("min", i64::try_from(MIN_BALLOTS).unwrap_or(3).into()),
                ],
            );
        }
        if members.is_empty() {
            // Not a theme with sign-ups: the room's members, listed by the
            // adapter, will be the electorate.
            self.act(Action::FreezeElectorate {
                room_id: ballot.room_id.clone(),
                number: ballot.number,
            });
            self.change(Change::Ballot(ballot));
            return self.tr("ballot-preparing-room", &[("number", number)]);
        }
        let mut outcome = std::mem::take(&mut self.outcome);
        freeze(self.state, &ballot, &members, &mut outcome);
        self.outcome = outcome;
        self.tr(
            "ballot-preparing-members",
            &[("number", number), ("electorate", members.len().into())],
        )
    }

    /// Asks the adapter to redact the message being handled, if the bot's
    /// power in its room allows: whether it will.
    pub(super) fn redact_message(&mut self) -> bool {
        if !self
            .message
            .power
            .may_redact(&self.state.settings.bot_user_id)
        {
            return false;
        }
        self.act(Action::Redact {
            room_id: self.message.room_id.clone(),
            event_id: self.message.event_id.clone(),
        });
        // An edit's original holds a choice too (or the typo of one). Only
        // in a direct chat, where nobody but the person and the bot writes:
        // in a group room, anyone's edit may name anyone's event.
        if self.place == Place::Direct
            && let Some(original) = self.message.replaces.clone()
        {
            self.act(Action::Redact {
                room_id: self.message.room_id.clone(),
                event_id: original,
            });
        }
        true
    }

    /// `!voter n choix` typed where everyone in the room sees it: not
    /// counted, and erased if the bot may; the ballot is written to the
    /// person in private, ready to vote there. `!voter n` alone (no choice
    /// said) just asks for that.
    pub(super) fn vote_in_the_open(&mut self, number: u64, asking: bool) -> Rendered {
        if asking {
            let number_arg: Arg = number.to_string().into();
            return match self.state.assembly.ballots.get(&number) {
                None => self.tr("ballot-unknown", &[("number", number_arg)]),
                Some(ballot) if !ballot.is_open() => {
                    self.tr("ballot-closed", &[("number", number_arg)])
                }
                Some(ballot) if !ballot.electorate_frozen => {
                    self.tr("ballot-not-ready", &[("number", number_arg)])
                }
                Some(_) => {
                    // Whether the person may still vote is theirs to know:
                    // in the room, "voted already" would tell who voted.
                    self.offer_or_say_why(number);
                    self.tr("ballot-going-private", &[("number", number_arg)])
                }
            };
        }
        let erased = self.redact_message();
        // The room's reply is the same whether a ballot is offered or not:
        // which it is would tell the room who voted already.
        self.offer_or_say_why(number);
        self.tr(
            "ballot-vote-in-room",
            &[
                ("bot", self.state.settings.bot_user_id.as_str().into()),
                ("erased", i64::from(erased).into()),
            ],
        )
    }

    /// Writes the ballot to the person in private, or, in private too,
    /// why not: what is said in the room is the same either way.
    fn offer_or_say_why(&mut self, number: u64) {
        if !self.offer_private_vote(number) {
            let why = self.why_no_ballot(number);
            let sender = self.message.sender.clone();
            self.act(Action::tell(&sender, why));
        }
    }

    /// Why no ballot is written to the person in private.
    fn why_no_ballot(&self, number: u64) -> Rendered {
        let number_arg: Arg = number.to_string().into();
        match self.state.assembly.ballots.get(&number) {
            None => self.tr("ballot-unknown", &[("number", number_arg)]),
            Some(ballot) if !ballot.is_open() => {
                self.tr("ballot-closed", &[("number", number_arg)])
            }
            Some(ballot) if !ballot.electorate_frozen => {
                self.tr("ballot-not-ready", &[("number", number_arg)])
            }
            Some(_) => self.tr("ballot-not-offered", &[("number", number_arg)]),
        }
    }

    /// Writes ballot `number` to the sender in their encrypted direct chat
    /// with the bot (which it opens if need be), so that nobody has to know
    /// how to open one: only while they may still vote in it. Rings: the
    /// person is elsewhere, and must find the chat. Whether it did.
    fn offer_private_vote(&mut self, number: u64) -> bool {
        let Some(ballot) = self.state.assembly.ballots.get(&number) else {
            return false;
        };
        let sender = self.message.sender.clone();
        let may_vote = ballot.is_open()
            && ballot.electorate_frozen
            && self
                .state
                .assembly
                .electors
                .get(&(number, sender.clone()))
                .is_some_and(|elector| !elector.voted);
        if !may_vote {
            return false;
        }
        let text = self.ballot_to_vote_on(ballot);
        self.act(Action::ring(&sender, text));
        true
    }

    /// A ballot's question and answers, and how to vote right here.
    fn ballot_to_vote_on(&self, ballot: &Ballot) -> Rendered {
        let mut text = question_and_answers(self.state, ballot);
        text.line(self.tr(
            "ballot-vote-here",
            &[("number", ballot.number.to_string().into())],
        ));
        text
    }

    /// `!voter n choix`, in a direct chat. Counted only from a message that
    /// came encrypted (a clear one would leave the choice readable on the
    /// homeserver); then the message is redacted where the bot may, so that
    /// no client can read the choice later. A refused `!voter` that says a
    /// choice (a typo, a second vote, a closed ballot) is redacted too: what
    /// was typed is a choice all the same.
    pub(super) fn cast(&mut self, number: u64, choices: &str) -> Rendered {
        let number_arg: Arg = number.to_string().into();
        if !self.message.sent_encrypted {
            // The same reply whether a ballot is offered or not: the
            // homeserver reads this chat.
            let erased = self.redact_message();
            self.offer_or_say_why(number);
            return self.tr(
                "ballot-unencrypted",
                &[
                    ("number", number_arg),
                    ("bot", self.state.settings.bot_user_id.as_str().into()),
                    ("erased", i64::from(erased).into()),
                ],
            );
        }
        match self.count_vote(number, choices) {
            Ok(reply) => reply,
            Err(mut refusal) if !choices.trim().is_empty() => {
                self.erase_choice(&mut refusal);
                refusal
            }
            Err(refusal) => refusal,
        }
    }

    /// Puts the vote in the box, or says why not (`Err`).
    fn count_vote(&mut self, number: u64, choices: &str) -> Result<Rendered, Rendered> {
        let number_arg: Arg = number.to_string().into();
        let Some(ballot) = self.state.assembly.ballots.get(&number).cloned() else {
            return Err(self.tr("ballot-unknown", &[("number", number_arg)]));
        };
        if !ballot.is_open() {
            return Err(self.tr("ballot-closed", &[("number", number_arg)]));
        }
        if !ballot.electorate_frozen {
            return Err(self.tr("ballot-not-ready", &[("number", number_arg)]));
        }

        let sender = self.message.sender.clone();
        let Some(elector) = self.state.assembly.electors.get(&(number, sender.clone())) else {
            return Err(self.tr("ballot-not-elector", &[("number", number_arg)]));
        };
        if elector.voted {
            return Err(self.tr("ballot-already-voted", &[("number", number_arg)]));
        }
        if choices.trim().is_empty() {
            // `!voter n` alone, here: the ballot again, to vote on.
            return Ok(self.ballot_to_vote_on(&ballot));
        }
        let chosen = self.resolve_choices(&ballot.answers, choices, ballot.max_selections, true)?;
        let mut ballot_box = self
            .state
            .assembly
            .ballot_boxes
            .get(&number)
            .cloned()
            .unwrap_or(BallotBox {
                counts: vec![0; ballot.answers.len()],
                ballots: 0,
                electorate: 0,
            });
        for index in chosen {
            if let Some(count) = ballot_box.counts.get_mut(index) {
                *count += 1;
            }
        }
        ballot_box.ballots += 1;
        self.change(Change::Elector {
            ballot: number,
            user_id: sender,
            value: Some(Elector { voted: true }),
        });
        self.change(Change::BallotBox {
            ballot: number,
            value: ballot_box,
        });
        // The reply does not repeat the choice: it would sit in the chat.
        Ok(if self.redact_message() {
            self.tr("ballot-cast-erased", &[("number", number_arg)])
        } else {
            self.tr("ballot-cast", &[("number", number_arg)])
        })
    }

    /// `!cloturer n` on a ballot: the author, a coordinator or an admin.
    pub(super) fn close_ballot(&mut self, ballot: &Ballot) -> Rendered {
        let number: Arg = ballot.number.to_string().into();
        if !ballot.is_open() {
            return self.tr("ballot-closed", &[("number", number)]);
        }
        if !self.may_change(ballot.author.as_deref(), &ballot.room_id, false) {
            return self.tr("ballot-close-refused", &[("number", number)]);
        }
        let mut outcome = std::mem::take(&mut self.outcome);
        close(self.state, ballot, self.now, &mut outcome);
        self.outcome = outcome;
        self.tr("ballot-closing", &[("number", number)])
    }

    /// `!resultats n` on a ballot: turnout while open, results once closed.
    pub(super) fn ballot_results(&self, ballot: &Ballot) -> Rendered {
        let ballot_box = self
            .state
            .assembly
            .ballot_boxes
            .get(&ballot.number)
            .cloned()
            .unwrap_or(BallotBox {
                counts: vec![0; ballot.answers.len()],
                ballots: 0,
                electorate: 0,
            });
        if ballot.is_open() {
            return self.tr(
                "ballot-turnout-open",
                &[
                    ("number", ballot.number.to_string().into()),
                    (
                        "ballots",
                        i64::try_from(ballot_box.ballots).unwrap_or(0).into(),
                    ),
                    (
                        "electorate",
                        i64::try_from(ballot_box.electorate).unwrap_or(0).into(),
                    ),
                ],
            );
        }
        results_text(self.state, ballot, &ballot_box)
    }

    /// The ballot numbered `number` in this room, or the latest open one.
    pub(super) fn ballot_here(&self, number: Option<u64>) -> Option<Ballot> {
        let mut here = self
            .state
            .assembly
            .ballots
            .values()
            .filter(|ballot| ballot.room_id == self.message.room_id);
        match number {
            Some(number) => here.find(|ballot| ballot.number == number),
            None => here.rfind(|ballot| ballot.is_open()),
        }
        .cloned()
    }
}
