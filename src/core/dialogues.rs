//! Commands written question by question. On a phone, `!reunion jeudi 18h |
//! Local | Budget` is hard to type; `!reunion` alone starts a short
//! dialogue in the same room: « Quand ? », « Où ? », « Quel sujet ? », each
//! answer checked and read back, « annuler » to stop. At the end the
//! command is made from the answers, one line, and handled exactly as if
//! it had been typed so: same checks, same rights, same reply.
//!
//! The answers are kept ([`Dialogue`], keyed by room and person) so that a
//! restart loses nothing. A dialogue waits [`PATIENCE`] for each answer:
//! after that, the person's messages in the room are ordinary again.

use chrono::{DateTime, Duration, Utc};

use super::assembly::{Change, Dialogue, DialogueCommand};
use super::commands::{self, CommandId};
use super::render::Rendered;
use super::when::parse_when;
use super::{Context, IncomingMessage, Outcome, State};

/// How long a dialogue waits for its next answer.
pub const PATIENCE: Duration = Duration::minutes(15);

/// The most answers a poll or a ballot takes, and slots a date-finding poll.
const MAX_OPTIONS: usize = 20;
const MAX_SLOTS: usize = 10;

/// The longest answer taken, in characters: a place, a subject, a question
/// or an option, each kept until the end and read back at once.
const MAX_ANSWER: usize = 300;

/// The dialogue a command's name typed alone starts, if any.
pub fn command_of(id: CommandId) -> Option<DialogueCommand> {
    match id {
        CommandId::Meeting => Some(DialogueCommand::Meeting),
        CommandId::Poll => Some(DialogueCommand::Poll),
        CommandId::Ballot => Some(DialogueCommand::Ballot),
        CommandId::Slots => Some(DialogueCommand::Slots),
        _ => None,
    }
}

fn command_id(command: DialogueCommand) -> CommandId {
    match command {
        DialogueCommand::Meeting => CommandId::Meeting,
        DialogueCommand::Poll => CommandId::Poll,
        DialogueCommand::Ballot => CommandId::Ballot,
        DialogueCommand::Slots => CommandId::Slots,
    }
}

/// What the next answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Question {
    /// A meeting's date and time.
    When,
    Place,
    /// Optional: « passer ».
    Subject,
    /// A poll's or a ballot's question.
    Asked,
    /// One more option; from the third on, « fini » ends.
    Option,
    SlotSubject,
    /// One more slot (a date and time); from the third on, « fini » ends.
    Slot,
}

/// The question after `answers`, or `None` when everything is known.
fn next_question(command: DialogueCommand, answers: &[String]) -> Option<Question> {
    let given = answers.len();
    match command {
        DialogueCommand::Meeting => [Question::When, Question::Place, Question::Subject]
            .get(given)
            .copied(),
        DialogueCommand::Poll | DialogueCommand::Ballot => match given {
            0 => Some(Question::Asked),
            n if n <= MAX_OPTIONS => Some(Question::Option),
            _ => None,
        },
        DialogueCommand::Slots => match given {
            0 => Some(Question::SlotSubject),
            n if n <= MAX_SLOTS => Some(Question::Slot),
            _ => None,
        },
    }
}

/// The Fluent id that asks `question`, `given` answers in.
fn question_id(question: Question, given: usize) -> &'static str {
    match question {
        Question::When => "dialogue-when",
        Question::Place => "dialogue-place",
        Question::Subject => "dialogue-subject",
        Question::Asked => "dialogue-poll-question",
        Question::Option if given < 2 => "dialogue-first-option",
        Question::Option if given < 3 => "dialogue-second-option",
        Question::Option => "dialogue-next-option",
        Question::SlotSubject => "dialogue-slot-subject",
        Question::Slot if given < 2 => "dialogue-first-slot",
        Question::Slot if given < 3 => "dialogue-second-slot",
        Question::Slot => "dialogue-next-slot",
    }
}

/// An answer as a keyword: folded, typographic apostrophes made plain,
/// without the punctuation around it (« Fini ! »).
fn keyword(folded: &str) -> String {
    folded
        .replace(['’', 'ʼ'], "'")
        .trim_matches(|c: char| (c.is_ascii_punctuation() && c != '\'') || c.is_whitespace())
        .to_owned()
}

/// Whether the person says they are done (with enough given). Not « fin »
/// nor « stop »: those may be real answers.
fn is_done(folded: &str) -> bool {
    matches!(
        keyword(folded).as_str(),
        "fini" | "termine" | "c'est tout" | "cest tout" | "done" | "finished" | "that's all"
    )
}

fn is_skip(folded: &str) -> bool {
    matches!(
        keyword(folded).as_str(),
        "passer" | "aucun" | "non" | "" | "skip" | "none" | "no"
    )
}

/// An answer as it goes into the command line: what would split it (the
/// separators), read as a flag (a word starting with dashes) or run over
/// the separators (an opening quote) becomes plain text.
fn as_segment(answer: &str) -> String {
    let parts: Vec<String> = answer
        .split(['|', ';', '\n', '\r'])
        .map(|part| {
            part.split_whitespace()
                .map(|word| word.trim_start_matches(['-', '—', '–']))
                .map(|word| word.replace(['"', '«', '»', '“', '”'], ""))
                .filter(|word| !word.is_empty())
                .collect::<Vec<String>>()
                .join(" ")
        })
        .filter(|part| !part.is_empty())
        .collect();
    parts.join(", ")
}

/// The one-line command the answers make.
fn command_line(state: &State, command: DialogueCommand, answers: &[String]) -> String {
    let settings = &state.settings;
    let name = commands::definition(command_id(command)).name(settings.language);
    let segments: Vec<String> = answers
        .iter()
        .filter(|answer| !answer.is_empty())
        .map(|answer| as_segment(answer))
        .collect();
    format!("{}{name} {}", settings.prefix, segments.join(" | "))
}

/// A person's dialogue in this room, waiting or left too long (then told
/// once, and ended). Only a plain message answers: not a reply (to a
/// report's card, to someone), which goes where it would otherwise.
pub fn waiting<'a>(state: &'a State, message: &IncomingMessage) -> Option<&'a Dialogue> {
    if message.in_reply_to.is_some() {
        return None;
    }
    state
        .assembly
        .dialogues
        .get(&(message.room_id.clone(), message.sender.clone()))
}

impl Context<'_> {
    /// A command's name typed alone: its dialogue starts here.
    pub(super) fn start_dialogue(&mut self, command: DialogueCommand) -> Rendered {
        self.keep_dialogue(Dialogue {
            command,
            answers: Vec::new(),
            at: self.now,
        });
        let mut reply = self.tr(
            match command {
                DialogueCommand::Meeting => "dialogue-start-meeting",
                DialogueCommand::Poll => "dialogue-start-poll",
                DialogueCommand::Ballot => "dialogue-start-ballot",
                DialogueCommand::Slots => "dialogue-start-slots",
            },
            &[],
        );
        let first = next_question(command, &[]).expect("a dialogue asks something first");
        reply.line(self.tr(question_id(first, 0), &[]));
        reply
    }

    fn keep_dialogue(&mut self, dialogue: Dialogue) {
        self.change(Change::Dialogue {
            room_id: self.message.room_id.clone(),
            user_id: self.message.sender.clone(),
            value: Some(dialogue),
        });
    }

    fn end_dialogue(&mut self) {
        self.change(Change::Dialogue {
            room_id: self.message.room_id.clone(),
            user_id: self.message.sender.clone(),
            value: None,
        });
    }

    /// One answer. `Ok` is the reply (read back, next question); `Err` is
    /// the finished command line, to be handled as if typed.
    pub(super) fn continue_dialogue(&mut self, mut dialogue: Dialogue) -> Result<Rendered, String> {
        let answer = self.message.body.trim().to_owned();
        let folded = super::text::fold(&answer);
        if dialogue.at + PATIENCE < self.now {
            self.end_dialogue();
            return Ok(self.tr("dialogue-expired", &[]));
        }
        if matches!(keyword(&folded).as_str(), "annuler" | "cancel") {
            self.end_dialogue();
            return Ok(self.tr("dialogue-cancelled", &[]));
        }
        // Any answer, taken or not, keeps the dialogue waiting.
        dialogue.at = self.now;
        self.keep_dialogue(dialogue.clone());
        let Some(question) = next_question(dialogue.command, &dialogue.answers) else {
            self.end_dialogue();
            return Err(command_line(
                self.state,
                dialogue.command,
                &dialogue.answers,
            ));
        };
        let given = dialogue.answers.len();
        let mut finished = false;
        let listing = matches!(question, Question::Option | Question::Slot);
        let again = |context: &Self, id: &str| {
            let mut reply = context.tr(id, &[]);
            reply.line(context.tr(question_id(question, given), &[]));
            reply
        };
        let noted = match question {
            _ if answer.is_empty() => return Ok(again(self, "dialogue-empty")),
            _ if answer.chars().count() > MAX_ANSWER => {
                let mut reply = self.tr("dialogue-too-long", &[("max", MAX_ANSWER.into())]);
                reply.line(self.tr(question_id(question, given), &[]));
                return Ok(reply);
            }
            // « fini »: with two options or slots at least (and the
            // question or subject before them).
            _ if listing && is_done(&folded) => {
                if given < 3 {
                    let need = if question == Question::Slot {
                        "dialogue-need-two-slots"
                    } else {
                        "dialogue-need-two"
                    };
                    return Ok(again(self, need));
                }
                finished = true;
                None
            }
            _ if listing
                && dialogue.answers[1..]
                    .iter()
                    .any(|given| super::text::fold(given) == folded) =>
            {
                return Ok(again(self, "dialogue-twice"));
            }
            Question::When | Question::Slot => {
                match parse_when(&answer, self.state.settings.time_zone, self.now) {
                    Ok(when) => {
                        let date = super::format_date(self.state, when.at.with_timezone(&Utc));
                        dialogue.answers.push(answer.clone());
                        Some(self.tr("dialogue-noted-date", &[("date", date.into())]))
                    }
                    Err(error) => {
                        let mut reply = self.date_problem(&answer, &error);
                        reply.line(self.tr(question_id(question, given), &[]));
                        return Ok(reply);
                    }
                }
            }
            Question::Subject if is_skip(&folded) => {
                dialogue.answers.push(String::new());
                None
            }
            _ => {
                dialogue.answers.push(answer.clone());
                Some(self.tr("dialogue-noted", &[("answer", as_segment(&answer).into())]))
            }
        };
        if finished || next_question(dialogue.command, &dialogue.answers).is_none() {
            self.end_dialogue();
            return Err(command_line(
                self.state,
                dialogue.command,
                &dialogue.answers,
            ));
        }
        let next = next_question(dialogue.command, &dialogue.answers)
            .expect("checked just above: something is still asked");
        let mut reply = noted.unwrap_or_default();
        reply.line(self.tr(question_id(next, dialogue.answers.len()), &[]));
        dialogue.at = self.now;
        self.keep_dialogue(dialogue);
        Ok(reply)
    }
}

/// An answer in a dialogue: the reply, or the finished command handled as
/// if typed in one line (its outcome then ends the dialogue too).
pub(super) fn answer(
    message: &IncomingMessage,
    state: &State,
    now: DateTime<Utc>,
    dialogue: &Dialogue,
    context: Context<'_>,
) -> Outcome {
    let mut context = context;
    match context.continue_dialogue(dialogue.clone()) {
        Ok(reply) => {
            let mut outcome = context.outcome;
            outcome.messages.insert(
                0,
                super::render::OutgoingMessage::reply(&message.room_id, &message.event_id, reply),
            );
            outcome.command = Some(command_id(dialogue.command));
            outcome
        }
        Err(line) => {
            let ended = context.outcome.changes;
            let typed = IncomingMessage {
                body: line,
                ..message.clone()
            };
            let mut outcome = super::handle_message(&typed, state, now);
            outcome.changes.splice(0..0, ended);
            outcome
        }
    }
}
