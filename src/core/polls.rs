//! Polls: native Matrix polls (MSC3381, the unstable form today's clients
//! send and show), votes by click or by `!vote`, closing by hand or at a
//! deadline, and results every client can read.
//!
//! Counting follows the protocol: only a person's latest vote counts; a vote
//! naming an unknown answer is spoiled; extra selections are cut to the
//! maximum; duplicates count once; votes after the end are ignored; a
//! redacted vote gives way to the person's previous one. At closing the
//! adapter re-reads the poll's votes from the homeserver (`/relations`) so
//! that votes sent while the bot was down count too.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::assembly::{Change, Poll, PollResults, Vote, Withdrawal};
use super::commands::PollRequest;
use super::render::{OutgoingMessage, Rendered};
use super::text::fold;
use super::when::{WhenError, parse_when};
use super::{Action, Context, NewTimer, Outcome, State, TimerPurpose};
use crate::i18n::Arg;

pub const POLL_START: &str = "org.matrix.msc3381.poll.start";
pub const POLL_END: &str = "org.matrix.msc3381.poll.end";
const TEXT: &str = "org.matrix.msc1767.text";

/// A vote event read from a room: stable `m.poll.response` or unstable
/// `org.matrix.msc3381.poll.response`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollResponse {
    pub event_id: String,
    pub room_id: String,
    pub sender: String,
    /// The poll start event it answers.
    pub start_event_id: String,
    pub answers: Vec<String>,
    pub at: DateTime<Utc>,
}

/// Counted votes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tally {
    /// Votes per answer, in the poll's order.
    pub counts: Vec<usize>,
    /// People whose vote counts.
    pub voters: usize,
    /// People whose latest vote named an unknown answer.
    pub spoiled: usize,
}

impl Tally {
    /// Indexes of the answers with the most votes (none if nobody voted).
    pub fn winners(&self) -> Vec<usize> {
        let best = self.counts.iter().copied().max().unwrap_or(0);
        if best == 0 {
            return Vec::new();
        }
        (0..self.counts.len())
            .filter(|index| self.counts[*index] == best)
            .collect()
    }
}

/// Counts `votes` (voter, event id, vote) by the protocol's rules.
pub fn tally<'a>(
    poll: &Poll,
    votes: impl IntoIterator<Item = (&'a str, &'a str, &'a Vote)>,
) -> Tally {
    let mut latest: BTreeMap<&str, (&DateTime<Utc>, &str, &Vote)> = BTreeMap::new();
    for (voter, event_id, vote) in votes {
        if poll.closed_at.is_some_and(|end| vote.at > end) {
            continue; // sent after the end
        }
        let newer = latest
            .get(voter)
            .is_none_or(|(at, id, _)| (&vote.at, event_id) > (*at, *id));
        if newer {
            latest.insert(voter, (&vote.at, event_id, vote));
        }
    }
    let mut result = Tally {
        counts: vec![0; poll.answers.len()],
        ..Tally::default()
    };
    for (_, _, vote) in latest.values() {
        let mut chosen: Vec<usize> = Vec::new();
        let mut spoiled = vote.answers.is_empty();
        for answer in &vote.answers {
            match answer
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=poll.answers.len()).contains(n))
            {
                Some(number) if !chosen.contains(&(number - 1)) => chosen.push(number - 1),
                Some(_) => {} // a duplicate counts once
                None => spoiled = true,
            }
        }
        if spoiled {
            result.spoiled += 1;
            continue;
        }
        chosen.truncate(poll.max_selections.max(1) as usize);
        for index in chosen {
            result.counts[index] += 1;
        }
        result.voters += 1;
    }
    result
}

/// The unstable poll start content, with the numbered text fallback.
pub fn start_content(poll: &Poll, fallback: &str) -> Value {
    let answers: Vec<Value> = poll
        .answers
        .iter()
        .enumerate()
        .map(|(index, text)| json!({ "id": Poll::answer_id(index), TEXT: text }))
        .collect();
    json!({
        POLL_START: {
            "kind": if poll.hidden {
                "org.matrix.msc3381.poll.undisclosed"
            } else {
                "org.matrix.msc3381.poll.disclosed"
            },
            "max_selections": poll.max_selections,
            "question": { TEXT: poll.question },
            "answers": answers,
        },
        TEXT: fallback,
        "m.mentions": {},
    })
}

/// The unstable poll end content, referring to the start event.
pub fn end_content(start_event_id: &str, fallback: &str) -> Value {
    json!({
        POLL_END: {},
        TEXT: fallback,
        "m.relates_to": { "rel_type": "m.reference", "event_id": start_event_id },
        "m.mentions": {},
    })
}

/// `part` of `whole` in whole percent, rounded; 0 of nothing.
pub(super) fn percent(part: u64, whole: u64) -> i64 {
    (part * 100 + whole / 2)
        .checked_div(whole)
        .map_or(0, |value| value as i64)
}

/// One line per answer (votes and percentage of `base`), then who leads:
/// the part of the results polls and secret ballots share.
pub(super) fn count_lines(
    state: &State,
    answers: &[String],
    counts: &[u64],
    base: u64,
    text: &mut Rendered,
    after_counts: impl FnOnce(&mut Rendered),
) {
    let tr = |id: &str, args: &[(&str, Arg)]| state.translator.render(id, args);
    for (index, answer) in answers.iter().enumerate() {
        let votes = counts.get(index).copied().unwrap_or(0);
        text.line(tr(
            "poll-results-line",
            &[
                ("answer", answer.as_str().into()),
                ("votes", i64::try_from(votes).unwrap_or(i64::MAX).into()),
                ("percent", percent(votes, base).into()),
            ],
        ));
    }
    after_counts(text);
    let best = counts.iter().copied().max().unwrap_or(0);
    let leaders: Vec<&str> = answers
        .iter()
        .enumerate()
        .filter(|(index, _)| best > 0 && counts.get(*index) == Some(&best))
        .map(|(_, answer)| answer.as_str())
        .collect();
    match leaders.len() {
        0 => text.line(tr("poll-results-no-votes", &[])),
        1 => text.line(tr("poll-results-winner", &[("answer", leaders[0].into())])),
        _ => text.line(tr(
            "poll-results-tie",
            &[("answers", leaders.join(", ").into())],
        )),
    };
}

/// The digest that stands for `user_id` in `poll`'s withdrawals: it names
/// nobody, and differs from one poll to the next.
pub fn withdrawal_key(poll: &Poll, user_id: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut digest = Sha256::new();
    digest.update(b"boucle: a poll vote withdrawn by !oublier\0");
    digest.update(poll.number.to_be_bytes());
    digest.update(poll.opened_at.timestamp_micros().to_be_bytes());
    digest.update(user_id.as_bytes());
    hex::encode(&digest.finalize()[..16])
}

/// Whether a vote `sender` sent at `at` was withdrawn by their erasure.
fn is_withdrawn(poll: &Poll, sender: &str, at: DateTime<Utc>) -> bool {
    if poll.withdrawn.is_empty() {
        return false;
    }
    let key = withdrawal_key(poll, sender);
    poll.withdrawn
        .iter()
        .any(|withdrawal| withdrawal.voter == key && at <= withdrawal.before)
}

/// What `!oublier` does to the polls not yet published: each remembers,
/// under a digest, that this person's votes until `now` are withdrawn.
/// `assembly` is the data with the rest of the erasure already applied.
pub fn withdraw(
    assembly: &super::assembly::Assembly,
    user_id: &str,
    now: DateTime<Utc>,
) -> Vec<Change> {
    assembly
        .polls
        .values()
        .filter(|poll| !poll.published)
        .map(|poll| {
            let key = withdrawal_key(poll, user_id);
            let mut poll = poll.clone();
            poll.withdrawn.retain(|withdrawal| withdrawal.voter != key);
            poll.withdrawn.push(Withdrawal {
                voter: key,
                before: now,
            });
            Change::Poll(poll)
        })
        .collect()
}

/// The votes a poll should count: stored ones plus `extra` (re-read at
/// closing), each event once, without withdrawn ones.
fn merged<'a>(
    state: &'a State,
    poll: &Poll,
    extra: &'a [PollResponse],
) -> Vec<(&'a str, &'a str, Vote)> {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut votes: Vec<(&str, &str, Vote)> = Vec::new();
    for (voter, event_id, vote) in state.assembly.votes_of(poll.number) {
        seen.insert(event_id);
        votes.push((voter, event_id, vote.clone()));
    }
    for response in extra {
        if response.room_id != poll.room_id
            || response.start_event_id.as_str() != poll.start_event_id.as_deref().unwrap_or("")
            || is_withdrawn(poll, &response.sender, response.at)
        {
            continue;
        }
        if seen.insert(&response.event_id) {
            votes.push((
                &response.sender,
                &response.event_id,
                Vote {
                    answers: response.answers.clone(),
                    at: response.at,
                },
            ));
        }
    }
    votes
}

/// The results as a message: totals, percentages, voters, winners.
fn results_text(state: &State, poll: &Poll, tally: &Tally, final_results: bool) -> Rendered {
    let tr = |id: &str, args: &[(&str, Arg)]| state.translator.render(id, args);
    let number: Arg = poll.number.to_string().into();
    let mut text = tr(
        if final_results {
            "poll-results-final"
        } else {
            "poll-results-now"
        },
        &[
            ("number", number),
            ("question", poll.question.as_str().into()),
            ("voters", tally.voters.into()),
        ],
    )
    .strong();
    let counts: Vec<u64> = tally.counts.iter().map(|count| *count as u64).collect();
    count_lines(
        state,
        &poll.answers,
        &counts,
        tally.voters as u64,
        &mut text,
        |text| {
            if tally.spoiled > 0 {
                text.line(tr(
                    "poll-results-spoiled",
                    &[("count", tally.spoiled.into())],
                ));
            }
        },
    );
    text
}

/// Closes `poll` at `now`: marks it, and either asks the adapter to re-read
/// its votes before publishing, or (start event unknown) publishes now.
fn close(state: &State, poll: &Poll, now: DateTime<Utc>, outcome: &mut Outcome) {
    let mut closed = poll.clone();
    closed.closed_at = Some(now);
    match &poll.start_event_id {
        Some(start) => {
            outcome.actions.push(Action::FinishPoll {
                room_id: poll.room_id.clone(),
                number: poll.number,
                start_event_id: start.clone(),
            });
            outcome.changes.push(Change::Poll(closed));
        }
        None => {
            let mut finished = publish(state, &closed, &[]);
            outcome.messages.append(&mut finished.messages);
            outcome.actions.append(&mut finished.actions);
            outcome.changes.append(&mut finished.changes);
        }
    }
}

/// The counts of a poll: its published results, or its votes counted now.
pub(super) fn current_tally(state: &State, poll: &Poll) -> Tally {
    match &poll.results {
        Some(results) => Tally {
            counts: results.counts.iter().map(|count| *count as usize).collect(),
            voters: results.voters as usize,
            spoiled: results.spoiled as usize,
        },
        None => tally(poll, state.assembly.votes_of(poll.number)),
    }
}

/// A tally as stored with a published poll.
pub(super) fn stored_results(counted: &Tally) -> PollResults {
    PollResults {
        counts: counted.counts.iter().map(|count| *count as u64).collect(),
        voters: counted.voters as u64,
        spoiled: counted.spoiled as u64,
    }
}

/// Publishes the results of a closed poll: the end event and the message.
/// The counts are kept with the poll and every vote is deleted: a closed
/// poll links nobody to a choice, and nobody's erasure changes its counts.
fn publish(state: &State, poll: &Poll, extra: &[PollResponse]) -> Outcome {
    let mut outcome = Outcome::default();
    let votes = merged(state, poll, extra);
    let counted = tally(
        poll,
        votes
            .iter()
            .map(|(voter, event, vote)| (*voter, *event, vote)),
    );
    let text = results_text(state, poll, &counted, true);
    if let Some(start) = &poll.start_event_id {
        outcome.actions.push(Action::SendEvent {
            room_id: poll.room_id.clone(),
            event_type: POLL_END.to_owned(),
            content: end_content(start, &text.body),
            report: None,
        });
    }
    outcome
        .messages
        .push(OutgoingMessage::notice(&poll.room_id, text));
    for (voter, event_id, _) in state.assembly.votes_of(poll.number) {
        outcome.changes.push(Change::Vote {
            poll: poll.number,
            voter: voter.to_owned(),
            event_id: event_id.to_owned(),
            value: None,
        });
    }
    outcome.changes.push(Change::Poll(Poll {
        published: true,
        results: Some(stored_results(&counted)),
        withdrawn: Vec::new(),
        ..poll.clone()
    }));
    outcome
}

/// The adapter re-read a closing poll's votes: count them all and publish.
pub fn finish(state: &State, number: u64, responses: &[PollResponse]) -> Outcome {
    match state.assembly.polls.get(&number) {
        Some(poll) if !poll.is_open() && !poll.published => publish(state, poll, responses),
        _ => Outcome::default(),
    }
}

/// A poll's deadline passed (maybe while the bot was down).
pub fn deadline(state: &State, number: u64, now: DateTime<Utc>) -> Outcome {
    let mut outcome = Outcome::default();
    if let Some(poll) = state
        .assembly
        .polls
        .get(&number)
        .filter(|poll| poll.is_open())
    {
        // Closed at the deadline, not at the restart: later votes do not count.
        let end = poll.closes_at.unwrap_or(now).min(now);
        close(state, poll, end, &mut outcome);
    }
    outcome
}

/// A click in a client: stored, silently.
pub fn response(state: &State, response: &PollResponse) -> Outcome {
    let mut outcome = Outcome::default();
    let poll = state.assembly.polls.values().find(|poll| {
        poll.room_id == response.room_id
            && poll.start_event_id.as_deref() == Some(response.start_event_id.as_str())
    });
    let Some(poll) = poll else {
        return outcome;
    };
    // After the end, and once published (the re-read at closing has them
    // all), votes are not stored; nor are votes their sender withdrew by
    // erasing their data, which a sync may bring after the erasure.
    if poll.published
        || poll.closed_at.is_some_and(|end| response.at > end)
        || is_withdrawn(poll, &response.sender, response.at)
    {
        return outcome;
    }
    outcome.changes.push(Change::Vote {
        poll: poll.number,
        voter: response.sender.clone(),
        event_id: response.event_id.clone(),
        value: Some(Vote {
            answers: response.answers.clone(),
            at: response.at,
        }),
    });
    outcome
}

/// A redaction: if it removes a vote, the voter's previous vote counts again.
pub fn redaction(state: &State, room_id: &str, redacts: &str) -> Outcome {
    let mut outcome = Outcome::default();
    let found = state.assembly.votes.keys().find(|(number, _, event_id)| {
        event_id == redacts
            && state
                .assembly
                .polls
                .get(number)
                .is_some_and(|poll| poll.room_id == room_id)
    });
    if let Some((poll, voter, event_id)) = found {
        outcome.changes.push(Change::Vote {
            poll: *poll,
            voter: voter.clone(),
            event_id: event_id.clone(),
            value: None,
        });
    }
    outcome
}

/// The homeserver accepted an event the core asked to hear about.
pub fn sent(state: &State, tag: &str, event_id: &str) -> Outcome {
    let mut outcome = Outcome::default();
    if let Some(number) = tag
        .strip_prefix("poll:")
        .and_then(|n| n.parse::<u64>().ok())
        && let Some(poll) = state.assembly.polls.get(&number)
        && poll.start_event_id.is_none()
    {
        outcome.changes.push(Change::Poll(Poll {
            start_event_id: Some(event_id.to_owned()),
            ..poll.clone()
        }));
    }
    outcome
}

impl Context<'_> {
    /// The full date, as the bot repeats it (« jeudi 3 décembre 2026 à 18 h 30 »).
    pub(super) fn full_date(&self, at: DateTime<Utc>) -> String {
        super::format_date(self.state, at)
    }

    fn poll_here(&self, number: Option<u64>, open_only: bool) -> Result<Poll, Rendered> {
        let mut here = self
            .state
            .assembly
            .polls
            .values()
            .filter(|poll| poll.room_id == self.message.room_id);
        let found = match number {
            Some(number) => here.rfind(|poll| poll.number == number),
            None => here.rfind(|poll| !open_only || poll.is_open()),
        };
        match (found, number) {
            (Some(poll), _) => Ok(poll.clone()),
            (None, Some(number)) => {
                Err(self.tr("poll-unknown", &[("number", number.to_string().into())]))
            }
            (None, None) => Err(self.tr("poll-none-here", &[])),
        }
    }

    /// `!sondage`.
    pub(super) fn create_poll(&mut self, request: PollRequest) -> Rendered {
        let open = self
            .state
            .assembly
            .polls
            .values()
            .filter(|poll| poll.room_id == self.message.room_id && poll.is_open())
            .map(|poll| poll.author.as_deref());
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
        let max_selections = request
            .multiple
            .unwrap_or(1)
            .min(request.options.len() as u32);
        let poll = Poll {
            number: self.state.assembly.next_poll_number(),
            room_id: self.message.room_id.clone(),
            author: Some(self.message.sender.clone()),
            question: request.question,
            answers: request.options,
            max_selections,
            hidden: request.hidden,
            closes_at,
            start_event_id: None,
            opened_at: self.now,
            closed_at: None,
            published: false,
            withdrawn: Vec::new(),
            results: None,
        };
        let mut fallback = poll.question.clone();
        for (index, answer) in poll.answers.iter().enumerate() {
            fallback.push_str(&format!("\n{}. {answer}", index + 1));
        }
        let content = start_content(&poll, &fallback);
        if super::render::content_size(&content) > super::render::MESSAGE_BUDGET {
            return self.tr("poll-too-large", &[]);
        }
        self.act(Action::SendEvent {
            room_id: poll.room_id.clone(),
            event_type: POLL_START.to_owned(),
            content,
            report: Some(format!("poll:{}", poll.number)),
        });
        if let Some(due) = closes_at {
            self.outcome.timers.push(NewTimer {
                due,
                purpose: TimerPurpose::ClosePoll(poll.number),
            });
        }
        let number: Arg = poll.number.to_string().into();
        let mut reply = self.tr("poll-created", &[("number", number.clone())]);
        if poll.max_selections > 1 {
            reply.line(self.tr(
                "poll-created-multiple",
                &[("max", i64::from(poll.max_selections).into())],
            ));
        }
        if let Some(due) = closes_at {
            reply.line(self.tr(
                "poll-created-until",
                &[("date", self.full_date(due).into())],
            ));
        }
        if poll.hidden {
            reply.line(self.tr("poll-created-hidden", &[]));
        }
        self.change(Change::Poll(poll));
        reply
    }

    /// A date someone typed that boucle cannot use: what and how to write it.
    pub(super) fn date_problem(&self, typed: &str, error: &WhenError) -> Rendered {
        let id = match error {
            WhenError::Past => "date-past",
            WhenError::Inconsistent => "date-inconsistent",
            WhenError::TooFar => "date-too-far",
            WhenError::Empty | WhenError::NotUnderstood(_) => "date-not-understood",
        };
        let mut reply = self.tr(id, &[("typed", typed.into())]);
        reply.line(self.tr("date-examples", &[]));
        reply
    }

    /// The options someone typed (numbers or names, several separated by
    /// commas), as indexes into `answers`; or what is wrong with them.
    pub(super) fn resolve_choices(
        &self,
        answers: &[String],
        choices: &str,
        max_selections: u32,
        secret: bool,
    ) -> Result<Vec<usize>, Rendered> {
        let typed: Vec<&str> = choices
            .split([',', ';'])
            .map(str::trim)
            .filter(|choice| !choice.is_empty())
            .collect();
        let mut chosen = Vec::new();
        for choice in typed {
            let folded = fold(choice);
            let by_number = choice
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=answers.len()).contains(n))
                .map(|n| n - 1);
            let by_text = answers
                .iter()
                .position(|answer| fold(answer) == folded)
                .or_else(|| {
                    let starting: Vec<usize> = (0..answers.len())
                        .filter(|index| {
                            folded.len() >= 2 && fold(&answers[*index]).starts_with(&folded)
                        })
                        .collect();
                    (starting.len() == 1).then(|| starting[0])
                });
            match by_number.or(by_text) {
                Some(index) if !chosen.contains(&index) => chosen.push(index),
                Some(_) => {}
                None => {
                    let options: Vec<String> = answers
                        .iter()
                        .enumerate()
                        .map(|(i, answer)| format!("{}. {answer}", i + 1))
                        .collect();
                    // A secret ballot's reply does not repeat what was typed:
                    // it would stay in the chat after the vote is erased.
                    let mut reply = if secret {
                        self.tr("ballot-unknown-choice", &[])
                    } else {
                        self.tr("vote-unknown-choice", &[("choice", choice.into())])
                    };
                    reply.line(self.tr("vote-options", &[("options", options.join(" ; ").into())]));
                    return Err(reply);
                }
            }
        }
        if chosen.is_empty() {
            return Err(self.tr(
                "problem-missing",
                &[(
                    "command",
                    format!("{}vote", self.state.settings.prefix).into(),
                )],
            ));
        }
        if chosen.len() > max_selections as usize {
            return Err(self.tr(
                "vote-too-many",
                &[("max", i64::from(max_selections).into())],
            ));
        }
        Ok(chosen)
    }

    /// `!vote n choix`.
    pub(super) fn vote(&mut self, number: u64, choices: &str) -> Rendered {
        let poll = match self.poll_here(Some(number), false) {
            Ok(poll) => poll,
            Err(reply) => return reply,
        };
        if !poll.is_open() {
            return self.tr("poll-closed", &[("number", number.to_string().into())]);
        }
        let answers: Vec<String> =
            match self.resolve_choices(&poll.answers, choices, poll.max_selections, false) {
                Ok(indexes) => indexes.into_iter().map(Poll::answer_id).collect(),
                Err(reply) => return reply,
            };
        let chosen: Vec<&str> = answers
            .iter()
            .filter_map(|id| id.parse::<usize>().ok())
            .map(|n| poll.answers[n - 1].as_str())
            .collect();
        let reply = self.tr(
            "vote-recorded",
            &[
                ("number", number.to_string().into()),
                ("choices", chosen.join(", ").into()),
            ],
        );
        self.change(Change::Vote {
            poll: poll.number,
            voter: self.message.sender.clone(),
            event_id: self.message.event_id.clone(),
            value: Some(Vote {
                answers,
                at: self.now,
            }),
        });
        self.acknowledge();
        reply
    }

    /// `!cloturer [n]`: the author, a coordinator or an admin.
    pub(super) fn close_poll(&mut self, number: Option<u64>) -> Rendered {
        if let Some(ballot) = self.ballot_in_question(number) {
            return self.close_ballot(&ballot);
        }
        let poll = match self.poll_here(number, true) {
            Ok(poll) => poll,
            Err(reply) => return reply,
        };
        let number_arg: Arg = poll.number.to_string().into();
        if !poll.is_open() {
            return self.tr("poll-closed", &[("number", number_arg)]);
        }
        if !self.may_change(poll.author.as_deref(), &poll.room_id, false) {
            return self.tr("poll-close-refused", &[("number", number_arg)]);
        }
        let mut outcome = std::mem::take(&mut self.outcome);
        close(self.state, &poll, self.now, &mut outcome);
        self.outcome = outcome;
        self.tr("poll-closing", &[("number", number_arg)])
    }

    /// Whether `!cloturer`/`!resultats` with `number` (or none: the latest
    /// open one here) is about a secret ballot rather than a poll.
    fn ballot_in_question(&self, number: Option<u64>) -> Option<super::assembly::Ballot> {
        let ballot = self.ballot_here(number)?;
        if number.is_some() {
            return Some(ballot);
        }
        let latest_poll = self
            .state
            .assembly
            .polls
            .values()
            .filter(|poll| poll.room_id == self.message.room_id && poll.is_open())
            .map(|poll| poll.number)
            .max()
            .unwrap_or(0);
        (ballot.number > latest_poll).then_some(ballot)
    }

    /// `!resultats [n]`.
    pub(super) fn poll_results(&self, number: Option<u64>) -> Rendered {
        if let Some(ballot) = self.ballot_in_question(number) {
            return self.ballot_results(&ballot);
        }
        let poll = match self.poll_here(number, false) {
            Ok(poll) => poll,
            Err(reply) => return reply,
        };
        let counted = current_tally(self.state, &poll);
        if poll.hidden && poll.is_open() {
            return self.tr(
                "poll-results-hidden",
                &[
                    ("number", poll.number.to_string().into()),
                    ("voters", counted.voters.into()),
                ],
            );
        }
        results_text(self.state, &poll, &counted, !poll.is_open())
    }

    /// `!sondages`: open polls here, with their deadlines.
    pub(super) fn open_polls(&self) -> Rendered {
        let open: Vec<&Poll> = self
            .state
            .assembly
            .polls
            .values()
            .filter(|poll| poll.room_id == self.message.room_id && poll.is_open())
            .collect();
        let ballots: Vec<&super::assembly::Ballot> = self
            .state
            .assembly
            .ballots
            .values()
            .filter(|ballot| ballot.room_id == self.message.room_id && ballot.is_open())
            .collect();
        if open.is_empty() && ballots.is_empty() {
            return self.tr("polls-none", &[]);
        }
        let mut reply = self
            .tr(
                "polls-header",
                &[("count", (open.len() + ballots.len()).into())],
            )
            .strong();
        for ballot in ballots {
            reply.line(self.tr(
                "polls-line-ballot",
                &[
                    ("number", ballot.number.to_string().into()),
                    ("question", ballot.question.as_str().into()),
                ],
            ));
        }
        for poll in open {
            let voters = tally(poll, self.state.assembly.votes_of(poll.number)).voters;
            let line = match poll.closes_at {
                Some(due) => self.tr(
                    "polls-line-until",
                    &[
                        ("number", poll.number.to_string().into()),
                        ("question", poll.question.as_str().into()),
                        ("voters", voters.into()),
                        ("date", self.full_date(due).into()),
                    ],
                ),
                None => self.tr(
                    "polls-line",
                    &[
                        ("number", poll.number.to_string().into()),
                        ("question", poll.question.as_str().into()),
                        ("voters", voters.into()),
                    ],
                ),
            };
            reply.line(line);
        }
        reply
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(second: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, 10, 0, second).unwrap()
    }

    fn poll(max_selections: u32) -> Poll {
        Poll {
            number: 1,
            room_id: "!r:s".into(),
            author: None,
            question: "Q".into(),
            answers: vec!["A".into(), "B".into(), "C".into()],
            max_selections,
            hidden: false,
            closes_at: None,
            start_event_id: Some("$start".into()),
            opened_at: at(0),
            closed_at: None,
            published: false,
            withdrawn: Vec::new(),
            results: None,
        }
    }

    fn vote(answers: &[&str], second: u32) -> Vote {
        Vote {
            answers: answers.iter().map(|answer| (*answer).to_owned()).collect(),
            at: at(second),
        }
    }

    fn count(poll: &Poll, votes: &[(&str, &str, Vote)]) -> Tally {
        tally(
            poll,
            votes
                .iter()
                .map(|(voter, event, vote)| (*voter, *event, vote)),
        )
    }

    #[test]
    fn only_the_latest_vote_of_a_person_counts() {
        let votes = [
            ("@a", "$1", vote(&["1"], 1)),
            ("@a", "$2", vote(&["2"], 2)),
            ("@b", "$3", vote(&["2"], 3)),
        ];
        assert_eq!(count(&poll(1), &votes).counts, vec![0, 2, 0]);
        assert_eq!(count(&poll(1), &votes).voters, 2);
    }

    #[test]
    fn an_unknown_answer_spoils_the_vote() {
        let votes = [
            ("@a", "$1", vote(&["1"], 1)),
            ("@a", "$2", vote(&["2", "zzz"], 2)),
            ("@b", "$3", vote(&["3"], 3)),
        ];
        let counted = count(&poll(2), &votes);
        assert_eq!(counted.counts, vec![0, 0, 1]);
        assert_eq!((counted.voters, counted.spoiled), (1, 1));
    }

    #[test]
    fn extra_selections_are_cut_to_the_maximum() {
        let votes = [("@a", "$1", vote(&["3", "1", "2"], 1))];
        assert_eq!(count(&poll(2), &votes).counts, vec![1, 0, 1]);
        assert_eq!(count(&poll(1), &votes).counts, vec![0, 0, 1]);
    }

    #[test]
    fn duplicates_count_once() {
        let votes = [("@a", "$1", vote(&["2", "2", "2"], 1))];
        assert_eq!(count(&poll(3), &votes).counts, vec![0, 1, 0]);
    }

    #[test]
    fn votes_after_the_end_are_ignored() {
        let mut closed = poll(1);
        closed.closed_at = Some(at(5));
        let votes = [
            ("@a", "$1", vote(&["1"], 4)),
            ("@a", "$2", vote(&["2"], 6)),
            ("@b", "$3", vote(&["3"], 9)),
        ];
        let counted = count(&closed, &votes);
        assert_eq!(counted.counts, vec![1, 0, 0]);
        assert_eq!(counted.voters, 1);
    }

    #[test]
    fn a_redacted_vote_gives_way_to_the_previous_one() {
        let mut state =
            State::new(super::super::tests::settings(crate::i18n::Language::Fr)).unwrap();
        state.assembly.polls.insert(1, poll(1));
        for (event, answers, second) in [("$1", "1", 1), ("$2", "2", 2)] {
            state.assembly.apply(&Change::Vote {
                poll: 1,
                voter: "@a".into(),
                event_id: event.into(),
                value: Some(vote(&[answers], second)),
            });
        }
        assert_eq!(
            tally(&poll(1), state.assembly.votes_of(1)).counts,
            vec![0, 1, 0]
        );
        for change in redaction(&state, "!r:s", "$2").changes {
            state.assembly.apply(&change);
        }
        assert_eq!(
            tally(&poll(1), state.assembly.votes_of(1)).counts,
            vec![1, 0, 0]
        );
        // A redaction in another room, or of another event, changes nothing.
        assert!(redaction(&state, "!other:s", "$1").changes.is_empty());
        assert!(redaction(&state, "!r:s", "$zzz").changes.is_empty());
    }

    #[test]
    fn ties_and_empty_polls_have_no_single_winner() {
        assert_eq!(count(&poll(1), &[]).winners(), Vec::<usize>::new());
        let votes = [("@a", "$1", vote(&["1"], 1)), ("@b", "$2", vote(&["3"], 1))];
        assert_eq!(count(&poll(1), &votes).winners(), vec![0, 2]);
    }

    #[test]
    fn the_start_event_is_what_clients_show_as_a_poll() {
        expect_test::expect![[r#"
            {
              "m.mentions": {},
              "org.matrix.msc1767.text": "Q\n1. A\n2. B\n3. C",
              "org.matrix.msc3381.poll.start": {
                "answers": [
                  {
                    "id": "1",
                    "org.matrix.msc1767.text": "A"
                  },
                  {
                    "id": "2",
                    "org.matrix.msc1767.text": "B"
                  },
                  {
                    "id": "3",
                    "org.matrix.msc1767.text": "C"
                  }
                ],
                "kind": "org.matrix.msc3381.poll.disclosed",
                "max_selections": 2,
                "question": {
                  "org.matrix.msc1767.text": "Q"
                }
              }
            }"#]]
        .assert_eq(
            &serde_json::to_string_pretty(&start_content(&poll(2), "Q\n1. A\n2. B\n3. C")).unwrap(),
        );
        expect_test::expect![[r#"{"m.mentions":{},"m.relates_to":{"event_id":"$start","rel_type":"m.reference"},"org.matrix.msc1767.text":"fini","org.matrix.msc3381.poll.end":{}}"#]]
            .assert_eq(&end_content("$start", "fini").to_string());
    }
}
