//! Field reports ("remontées de terrain"): from a theme room to the deputy
//! team's room as a card, answers carried back to the people who wrote
//! them, statuses kept with who and when.
//!
//! Anonymity is towards the team: an anonymous card names nobody and has no
//! link to the original message (its sender shows there), but the
//! bot keeps the author (sealed at rest, see `store::domain`) so that the
//! answer reaches them, in private. An anonymous report is written in a
//! direct chat: typed in a theme room, where everyone sees who writes, it
//! is not forwarded but moved to the author's direct chat, to confirm
//! there. Nothing leaves an encrypted theme room for an unencrypted deputy
//! room.

use chrono::{DateTime, Utc};

use super::assembly::{
    Change, DraftStep, Report, ReportAnswer, ReportDraft, ReportStatus, StatusChange,
};
use super::commands::{self, CommandId, Place, is_anonymous_flag};
use super::encryption::may_carry;
use super::render::{OutgoingMessage, Rendered};
use super::{Action, Context, IncomingMessage, Outcome, State, format_date};
use crate::i18n::Arg;

/// The text after the command name and `skip` words, as typed (lines and
/// punctuation kept), without the anonymity flag.
fn typed_text(body: &str, prefix: &str, skip: usize) -> String {
    let rest = body
        .trim_start()
        .strip_prefix(prefix)
        .unwrap_or(body)
        .trim_start();
    let mut rest = rest
        .split_once(char::is_whitespace)
        .map_or("", |(_, rest)| rest);
    for _ in 0..skip {
        rest = rest
            .trim_start()
            .split_once(char::is_whitespace)
            .map_or("", |(_, rest)| rest);
    }
    rest.split(' ')
        .filter(|word| !is_anonymous_flag(word.trim()))
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_owned()
}

/// A reply's own text, without the quoted fallback clients put first.
fn without_fallback(body: &str) -> String {
    body.lines()
        .skip_while(|line| line.starts_with('>'))
        .skip_while(|line| line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) fn status_id(status: ReportStatus) -> &'static str {
    match status {
        ReportStatus::New => "report-status-new",
        ReportStatus::Received => "report-status-received",
        ReportStatus::InProgress => "report-status-in-progress",
        ReportStatus::Handled => "report-status-handled",
        ReportStatus::Closed => "report-status-closed",
        ReportStatus::Withdrawn => "report-status-withdrawn",
    }
}

/// A message about `report` to where it was written: a reply to it, or a
/// plain message in its theme's room once its author erased a report
/// typed in their direct chat (nowhere if that theme has no room).
fn about_report(report: &Report, text: Rendered) -> Option<OutgoingMessage> {
    match (report.room_id.as_str(), report.event_id.as_str()) {
        ("", _) => None,
        (room, "") => Some(OutgoingMessage::notice(room, text)),
        (room, event) => Some(OutgoingMessage::reply(room, event, text)),
    }
}

/// Whether what concerns `report` must reach its author in private: it is
/// anonymous and was typed in a room others read (a theme room, before
/// anonymous reports moved to direct chats), where replying to the message
/// or mentioning its author would name them.
/// (An erased author's reports are anonymous too, and have nobody to tell.)
fn told_in_private(state: &State, report: &Report) -> bool {
    report.anonymous && report.author.is_some() && state.is_assembly_room(&report.room_id)
}

/// Whether what concerns `report` goes to its author's direct chat: told in
/// private, or typed there.
fn reaches_author_in_private(state: &State, report: &Report) -> bool {
    told_in_private(state, report)
        || (report.author.is_some()
            && !report.room_id.is_empty()
            && !state.is_assembly_room(&report.room_id))
}

/// Tells the author about `report`: in private when it is anonymous and
/// was typed in a room others read (see [`told_in_private`]), otherwise in
/// reply to the message it was typed in, mentioning them. Either way the
/// author also gets it as a direct message that notifies them: a reply in
/// the room is a notice, which rings no phone, and a message that did ring
/// there would ring the whole group.
///
/// What the team writes in its room goes where the report was typed only if
/// that does not take it out of encryption (`core::encryption`); otherwise
/// to the author by direct message, which is always encrypted. False when
/// it could go nowhere (the author erased, the room in clear).
fn tell_author(state: &State, report: &Report, text: Rendered, outcome: &mut Outcome) -> bool {
    let from_team = state.settings.deputy_room_id.as_deref().unwrap_or_default();
    let in_place =
        !told_in_private(state, report) && may_carry(state, [from_team], &report.room_id);
    // Typed in the author's direct chat: the answer there rings them.
    let in_their_chat = !report.room_id.is_empty() && !state.is_assembly_room(&report.room_id);
    let mut told = false;
    if in_place && let Some(mut message) = about_report(report, text.clone()) {
        message.mentions = report.author.iter().cloned().collect();
        message.rings = in_their_chat && report.author.is_some() && !report.anonymous;
        outcome.messages.push(message);
        if in_their_chat {
            return true;
        }
        told = true;
    }
    if let Some(author) = &report.author {
        // An anonymous report's author is told quietly: a phone ringing as
        // the team types `!statut` in a meeting would say whose it is.
        outcome.actions.push(if report.anonymous {
            Action::tell(author, text)
        } else {
            Action::ring(author, text)
        });
        told = true;
    }
    told
}

/// The team's answer, carried to the report's author, and what the team
/// is told of it.
fn answer_outcome(
    state: &State,
    report: &Report,
    text: &str,
    by: &str,
    now: DateTime<Utc>,
) -> (Outcome, &'static str) {
    let mut outcome = Outcome::default();
    let answer = state.translator.render(
        "report-answer",
        &[
            ("number", report.number.to_string().into()),
            ("text", text.into()),
        ],
    );
    let told = if !tell_author(state, report, answer, &mut outcome) {
        "report-answer-not-carried"
    } else if outcome.actions.is_empty() && !reaches_author_in_private(state, report) {
        "report-answered"
    } else {
        "report-answered-private"
    };
    let mut updated = report.clone();
    updated.answers.push(ReportAnswer {
        text: text.to_owned(),
        by: Some(by.to_owned()),
        at: now,
    });
    outcome.changes.push(Change::Report(updated));
    (outcome, told)
}

/// A plain Matrix reply to a report's card, in the deputy room.
pub fn card_reply(message: &IncomingMessage, state: &State, now: DateTime<Utc>) -> Outcome {
    if state.settings.deputy_room_id.as_deref() != Some(message.room_id.as_str()) {
        return Outcome::default();
    }
    let Some(replied) = &message.in_reply_to else {
        return Outcome::default();
    };
    let Some(report) = state
        .assembly
        .reports
        .values()
        .find(|report| report.card_event_id.as_deref() == Some(replied.as_str()))
    else {
        return Outcome::default();
    };
    let text = without_fallback(&message.body);
    if text.trim().is_empty() {
        return Outcome::default();
    }
    let (mut outcome, told) = answer_outcome(state, report, text.trim(), &message.sender, now);
    outcome.messages.push(OutgoingMessage::reply(
        &message.room_id,
        &message.event_id,
        state
            .translator
            .render(told, &[("number", report.number.to_string().into())]),
    ));
    outcome.command = Some(CommandId::Reply);
    outcome
}

/// The homeserver gave a report's card its id.
pub fn card_sent(state: &State, number: u64, event_id: &str) -> Outcome {
    let mut outcome = Outcome::default();
    if let Some(report) = state.assembly.reports.get(&number)
        && report.card_event_id.is_none()
    {
        outcome.changes.push(Change::Report(Report {
            card_event_id: Some(event_id.to_owned()),
            ..report.clone()
        }));
    }
    outcome
}

/// The question a draft's step asks.
fn draft_question(step: DraftStep) -> &'static str {
    match step {
        DraftStep::Theme => "draft-which-theme",
        DraftStep::Text => "draft-what",
        DraftStep::Commune => "draft-where",
        DraftStep::Anonymity => "draft-name-or-not",
        DraftStep::Confirm => "draft-confirm-again",
    }
}

impl Context<'_> {
    /// `!remontee <texte> [--anonyme]`, in a theme room.
    pub(super) fn report(&mut self, has_text: bool, anonymous: bool) -> Rendered {
        let text = typed_text(&self.message.body, &self.state.settings.prefix, 0);
        let Some(theme) = self.theme.clone() else {
            // In a direct chat: the guided flow, starting from what was typed.
            return self.start_draft((!text.is_empty()).then_some(text), anonymous);
        };
        if anonymous {
            return self.move_to_private(&theme, (!text.is_empty()).then_some(text));
        }
        if !has_text {
            // `!remontee` alone, as on a phone: asked question by question,
            // in private (where it may also stay anonymous).
            return self.ask_in_private(&theme);
        }
        let commune = self
            .state
            .assembly
            .profiles
            .get(&self.message.sender)
            .and_then(|profile| profile.commune.clone());
        self.file_report(&theme, text, commune, anonymous)
    }

    /// Files a report typed in this message: the card to the team, the
    /// record, the acknowledgement (or why not).
    fn file_report(
        &mut self,
        theme: &super::Theme,
        text: String,
        commune: Option<String>,
        anonymous: bool,
    ) -> Rendered {
        let Some(deputy_room) = self.state.settings.deputy_room_id.clone() else {
            return self.tr("report-no-deputy-room", &[]);
        };
        if !may_carry(self.state, [self.message.room_id.as_str()], &deputy_room) {
            return self.tr("report-deputy-room-not-encrypted", &[]);
        }
        let report = Report {
            number: self
                .state
                .assembly
                .reports
                .keys()
                .next_back()
                .map_or(1, |last| last + 1),
            theme: theme.slug.clone(),
            room_id: self.message.room_id.clone(),
            event_id: self.message.event_id.clone(),
            author: Some(self.message.sender.clone()),
            anonymous,
            commune,
            text,
            created_at: self.now,
            card_event_id: None,
            status: ReportStatus::New,
            history: Vec::new(),
            answers: Vec::new(),
        };
        let number: Arg = report.number.to_string().into();
        let mut card = self
            .tr(
                "report-card-title",
                &[
                    ("number", number.clone()),
                    ("theme", theme.name.as_str().into()),
                ],
            )
            .strong();
        card.line(Rendered::plain(&report.text));
        let who = if anonymous {
            self.tr("report-card-anonymous", &[])
        } else {
            let name = super::limits::shown_name(
                self.message.sender_display_name.as_deref(),
                &self.message.sender,
            );
            self.tr(
                "report-card-author",
                &[("person", Arg::person(&name, &self.message.sender))],
            )
        };
        card.line(who);
        if let Some(commune) = &report.commune
            && !anonymous
        {
            card.line(self.tr(
                "report-card-commune",
                &[("commune", commune.as_str().into())],
            ));
        }
        if self.place == Place::Direct {
            // The team cannot open a private chat: no link to it.
            card.line(self.tr("report-card-private", &[("number", number.clone())]));
        } else if anonymous {
            // A link to the original message would show its sender.
            card.line(self.tr(
                "report-card-anonymous-answer",
                &[("number", number.clone())],
            ));
        } else {
            let link = format!(
                "https://matrix.to/#/{}/{}?via={}",
                report.room_id,
                report.event_id,
                self.state.settings.server_name()
            );
            card.line(self.tr(
                "report-card-link",
                &[
                    (
                        "link",
                        Arg::Link {
                            text: self.tr("report-card-link-text", &[]).body,
                            url: link,
                            quiet: false,
                        },
                    ),
                    ("number", number.clone()),
                ],
            ));
        }
        self.act(Action::SendEvent {
            room_id: deputy_room.clone(),
            event_type: "m.room.message".to_owned(),
            content: OutgoingMessage::notice(&deputy_room, card).content(),
            report: Some(format!("report:{}", report.number)),
        });
        // The team's answers come back here only if they may leave its room
        // for this one (`core::encryption`); otherwise in private.
        let here = may_carry(self.state, [deputy_room.as_str()], &self.message.room_id);
        self.change(Change::Report(report));
        self.tr(
            match (anonymous, here) {
                (true, true) => "report-sent-anonymous",
                (true, false) => "report-sent-anonymous-private",
                (false, true) => "report-sent",
                (false, false) => "report-sent-private",
            },
            &[("number", number)],
        )
    }

    /// `!remontee` typed alone in a theme room: the guided flow, for this
    /// theme, in the author's direct chat (opened by the bot if need be).
    fn ask_in_private(&mut self, theme: &super::Theme) -> Rendered {
        self.change(Change::ReportDraft {
            user_id: self.message.sender.clone(),
            value: Some(ReportDraft {
                step: DraftStep::Text,
                theme: Some(theme.slug.clone()),
                text: None,
                commune: None,
                anonymous: None,
                started_at: self.now,
                seen_in_room: true,
            }),
        });
        let mut first = self.tr("draft-for", &[("theme", theme.name.as_str().into())]);
        first.line(self.tr("draft-what", &[]));
        // Rings: the person is in the room, and must find the direct chat.
        self.act(Action::ring(&self.message.sender, first));
        self.tr("report-go-private", &[])
    }

    /// `!remontee --anonyme` typed in a theme room, where everyone sees who
    /// wrote it: nothing is forwarded. The message is erased if the bot may,
    /// and the report continues in the author's direct chat (opened by the
    /// bot if need be), ready to confirm when its text was given.
    fn move_to_private(&mut self, theme: &super::Theme, text: Option<String>) -> Rendered {
        let deputy_room = self.state.settings.deputy_room_id.as_deref();
        // Only a message with a report in it has something to erase.
        let erased = text.is_some() && self.redact_message();
        if text.is_some()
            && deputy_room.is_some_and(|deputy_room| {
                !may_carry(self.state, [self.message.room_id.as_str()], deputy_room)
            })
        {
            // Refused here rather than after the move: its text would end
            // in the clear deputy room all the same.
            let mut refusal = self.tr("report-deputy-room-not-encrypted", &[]);
            refusal.line(self.tr("report-erased", &[("erased", i64::from(erased).into())]));
            return refusal;
        }
        let typed = text.is_some();
        let step = if text.is_some() {
            DraftStep::Confirm
        } else {
            DraftStep::Text
        };
        let first = match &text {
            // The room saw it before it was erased: the person decides,
            // knowing that, whether it goes as it is or in other words.
            Some(text) => self.tr(
                "draft-confirm-seen",
                &[
                    ("theme", theme.name.as_str().into()),
                    ("text", text.as_str().into()),
                ],
            ),
            None => {
                let mut first = self.tr(
                    "draft-anonymous-for",
                    &[("theme", theme.name.as_str().into())],
                );
                first.line(self.tr("draft-what", &[]));
                first
            }
        };
        self.change(Change::ReportDraft {
            user_id: self.message.sender.clone(),
            value: Some(ReportDraft {
                step,
                theme: Some(theme.slug.clone()),
                text,
                commune: None,
                anonymous: Some(true),
                started_at: self.now,
                seen_in_room: true,
            }),
        });
        // Rings: the person is in the room, and must find the direct chat.
        self.act(Action::ring(&self.message.sender, first));
        if !typed {
            return self.tr("report-anonymous-go-private", &[]);
        }
        self.tr(
            "report-anonymous-in-room",
            &[("erased", i64::from(erased).into())],
        )
    }

    /// Starts the guided flow in a direct chat. In a clear one (the
    /// homeserver reads it), the flow goes on in the bot's encrypted chat
    /// with the person, and what was typed here is erased, not kept.
    fn start_draft(&mut self, text: Option<String>, anonymous: bool) -> Rendered {
        if !self.message.sent_encrypted {
            let erased = text.is_some() && self.redact_message();
            let first = self.new_draft(None, anonymous);
            self.act(Action::ring(&self.message.sender, first));
            return self.tr(
                "draft-clear-chat",
                &[
                    ("erased", i64::from(erased).into()),
                    ("typed", i64::from(text.is_some()).into()),
                ],
            );
        }
        self.new_draft(text, anonymous)
    }

    /// Keeps a new draft and asks its first question.
    fn new_draft(&mut self, text: Option<String>, anonymous: bool) -> Rendered {
        let draft = ReportDraft {
            step: DraftStep::Theme,
            theme: None,
            text,
            commune: None,
            anonymous: anonymous.then_some(true),
            started_at: self.now,
            seen_in_room: false,
        };
        self.change(Change::ReportDraft {
            user_id: self.message.sender.clone(),
            value: Some(draft),
        });
        let mut reply = self.tr("draft-which-theme", &[]);
        reply.line(self.tr(
            "themes-available",
            &[("themes", self.active_theme_list().into())],
        ));
        reply
    }

    /// One answer in the guided flow (a plain message in a direct chat).
    pub(super) fn continue_draft(&mut self, mut draft: ReportDraft) -> Rendered {
        let answer = self.message.body.trim().to_owned();
        let folded = super::text::fold(&answer);
        let user_id = self.message.sender.clone();
        if !self.message.sent_encrypted {
            // An answer typed in clear: not taken, erased; the question
            // again, in the encrypted chat.
            let erased = self.redact_message();
            let question = self.tr(draft_question(draft.step), &[]);
            self.act(Action::ring(&user_id, question));
            return self.tr(
                "draft-clear-chat",
                &[
                    ("erased", i64::from(erased).into()),
                    ("typed", 1_i64.into()),
                ],
            );
        }
        if matches!(folded.as_str(), "annuler" | "cancel" | "stop") {
            self.change(Change::ReportDraft {
                user_id,
                value: None,
            });
            return self.tr("draft-cancelled", &[]);
        }
        match draft.step {
            DraftStep::Theme => match super::groups::find_theme(self.state, &answer) {
                Some(theme) if theme.is_active() => draft.theme = Some(theme.slug),
                _ => {
                    let mut reply = self.tr("theme-unknown", &[("typed", answer.as_str().into())]);
                    reply.line(self.tr(
                        "themes-available",
                        &[("themes", self.active_theme_list().into())],
                    ));
                    return reply;
                }
            },
            DraftStep::Text => {
                if answer.is_empty() {
                    return self.tr("draft-what", &[]);
                }
                draft.text = Some(answer.clone());
                if draft.anonymous == Some(true) {
                    // Anonymous already: read back before it goes.
                    let theme = draft
                        .theme
                        .as_deref()
                        .and_then(|slug| self.state.theme(slug))
                        .map_or_else(String::new, |theme| theme.name);
                    draft.step = DraftStep::Confirm;
                    self.change(Change::ReportDraft {
                        user_id,
                        value: Some(draft),
                    });
                    return self.tr(
                        "draft-confirm-anonymous",
                        &[("theme", theme.into()), ("text", answer.as_str().into())],
                    );
                }
            }
            DraftStep::Commune => {
                draft.commune = if matches!(folded.as_str(), "passer" | "skip" | "non" | "-") {
                    None
                } else {
                    Some(answer.chars().take(80).collect())
                };
            }
            DraftStep::Anonymity => match folded.as_str() {
                "oui" | "yes" | "o" | "y" => draft.anonymous = Some(false),
                "non" | "no" | "n" | "anonyme" => draft.anonymous = Some(true),
                _ => return self.tr("draft-name-or-not", &[]),
            },
            DraftStep::Confirm => match folded.as_str() {
                "oui" | "yes" | "o" | "y" | "ok" | "envoyer" | "send" => {}
                "reecrire" | "rewrite" | "modifier" | "edit" => {
                    // Asked again below, in private this time.
                    draft.text = None;
                }
                "non" | "no" | "n" => {
                    self.change(Change::ReportDraft {
                        user_id,
                        value: None,
                    });
                    return self.tr("draft-cancelled", &[]);
                }
                _ => return self.tr("draft-confirm-again", &[]),
            },
        }
        // The next question still unanswered, or the report itself.
        let next = if draft.theme.is_none() {
            Some(DraftStep::Theme)
        } else if draft.text.is_none() {
            Some(DraftStep::Text)
        } else if draft.step < DraftStep::Commune
            && draft.commune.is_none()
            && draft.anonymous != Some(true)
        {
            // An anonymous card shows no commune: not asked.
            Some(DraftStep::Commune)
        } else if draft.anonymous.is_none() {
            Some(DraftStep::Anonymity)
        } else {
            None
        };
        if let Some(step) = next {
            draft.step = step;
            let question = if step == DraftStep::Anonymity && draft.seen_in_room {
                "draft-name-or-not-seen"
            } else {
                draft_question(step)
            };
            self.change(Change::ReportDraft {
                user_id,
                value: Some(draft),
            });
            return self.tr(question, &[]);
        }
        self.change(Change::ReportDraft {
            user_id,
            value: None,
        });
        let Some(theme) = draft
            .theme
            .as_deref()
            .and_then(|slug| self.state.theme(slug))
        else {
            return self.tr("draft-cancelled", &[]);
        };
        self.file_report(
            &theme,
            draft.text.unwrap_or_default(),
            draft.commune,
            draft.anonymous.unwrap_or(false),
        )
    }

    fn report_by_number(&self, number: u64) -> Result<Report, Rendered> {
        self.state
            .assembly
            .reports
            .get(&number)
            .cloned()
            .ok_or_else(|| self.tr("report-unknown", &[("number", number.to_string().into())]))
    }

    /// `!repondre n <texte>`, in the deputy room.
    pub(super) fn reply_to_report(&mut self, number: u64) -> Rendered {
        let report = match self.report_by_number(number) {
            Ok(report) => report,
            Err(reply) => return reply,
        };
        let text = typed_text(&self.message.body, &self.state.settings.prefix, 1);
        let (mut outcome, told) =
            answer_outcome(self.state, &report, &text, &self.message.sender, self.now);
        self.outcome.messages.append(&mut outcome.messages);
        self.outcome.actions.append(&mut outcome.actions);
        self.outcome.changes.append(&mut outcome.changes);
        self.tr(told, &[("number", number.to_string().into())])
    }

    /// `!statut n <statut>`: kept with who and when; the author is told when
    /// the report is handled or closed.
    pub(super) fn set_status(&mut self, number: u64, status: ReportStatus) -> Rendered {
        let mut report = match self.report_by_number(number) {
            Ok(report) => report,
            Err(reply) => return reply,
        };
        let status_text = self.tr(status_id(status), &[]).body;
        if report.status == status {
            return self.tr(
                "report-status-same",
                &[
                    ("number", number.to_string().into()),
                    ("status", status_text.into()),
                ],
            );
        }
        report.status = status;
        report.history.push(StatusChange {
            status,
            by: Some(self.message.sender.clone()),
            at: self.now,
        });
        if matches!(status, ReportStatus::Handled | ReportStatus::Closed) {
            let told = self.tr(
                "report-status-told",
                &[
                    ("number", number.to_string().into()),
                    ("status", status_text.clone().into()),
                ],
            );
            let mut outcome = std::mem::take(&mut self.outcome);
            tell_author(self.state, &report, told, &mut outcome);
            self.outcome = outcome;
        }
        self.change(Change::Report(report));
        self.tr(
            "report-status-set",
            &[
                ("number", number.to_string().into()),
                ("status", status_text.into()),
            ],
        )
    }

    /// `!remontees [ouvertes|<thème>]`: oldest waiting first.
    pub(super) fn list_reports(&self, filter: Option<&str>) -> Rendered {
        let open_only = filter.is_some_and(|filter| {
            matches!(
                super::text::fold(filter).as_str(),
                "ouvertes" | "open" | "en-attente"
            )
        });
        let theme = filter.filter(|_| !open_only).map(super::text::fold);
        let mut reports: Vec<&Report> = self
            .state
            .assembly
            .reports
            .values()
            .filter(|report| !open_only || report.status.is_waiting())
            .filter(|report| {
                theme.as_ref().is_none_or(|wanted| {
                    report.theme == *wanted
                        || self
                            .state
                            .theme(&report.theme)
                            .is_some_and(|theme| super::text::fold(&theme.name) == *wanted)
                })
            })
            .collect();
        // What was said in an encrypted room is not shown in a clear one.
        let before = reports.len();
        reports.retain(|report| {
            may_carry(self.state, [report.room_id.as_str()], &self.message.room_id)
        });
        let kept = before - reports.len();
        let not_carried = self.tr("reports-not-carried", &[("count", kept.into())]);
        if reports.is_empty() {
            return if kept > 0 {
                not_carried
            } else {
                self.tr("reports-none", &[])
            };
        }
        // Waiting ones first, oldest first; then the others, newest first.
        reports.sort_by_key(|report| {
            (
                !report.status.is_waiting(),
                if report.status.is_waiting() {
                    report.created_at.timestamp()
                } else {
                    -report.created_at.timestamp()
                },
            )
        });
        let mut reply = self
            .tr("reports-header", &[("count", reports.len().into())])
            .strong();
        for report in reports.iter().take(20) {
            let theme = self
                .state
                .theme(&report.theme)
                .map_or_else(|| report.theme.clone(), |theme| theme.name);
            let excerpt: String = report.text.chars().take(80).collect();
            reply.line(self.tr(
                "reports-line",
                &[
                    ("number", report.number.to_string().into()),
                    ("theme", theme.into()),
                    ("status", self.tr(status_id(report.status), &[]).body.into()),
                    ("date", format_date(self.state, report.created_at).into()),
                    ("text", excerpt.into()),
                ],
            ));
        }
        if kept > 0 {
            reply.line(not_carried);
        }
        reply
    }
}

impl Context<'_> {
    /// `!annonce [sante,logement] <texte>`: in the hub and every active
    /// theme room, or in the themes named first.
    pub(super) fn announce(&mut self) -> Rendered {
        let text = typed_text(&self.message.body, &self.state.settings.prefix, 0);
        let first = text.split_whitespace().next().unwrap_or_default();
        let named: Vec<Option<super::Theme>> = first
            .split(',')
            .map(|slug| self.state.theme(&super::text::fold(slug.trim())))
            .collect();
        let targeted = first.contains(',') || named.iter().all(Option::is_some);
        let (rooms, text) = if targeted && named.iter().all(Option::is_some) {
            let rooms: Vec<String> = named
                .into_iter()
                .flatten()
                .filter(super::Theme::is_active)
                .filter_map(|theme| theme.room_id)
                .collect();
            (rooms, text[first.len()..].trim().to_owned())
        } else if targeted {
            return self.tr("announce-unknown-themes", &[("themes", first.into())]);
        } else {
            let mut rooms: Vec<String> = self.state.settings.hub_room_id.iter().cloned().collect();
            rooms.extend(
                self.state
                    .themes()
                    .into_iter()
                    .filter(super::Theme::is_active)
                    .filter_map(|theme| theme.room_id),
            );
            (rooms, text)
        };
        if text.is_empty() {
            let definition = commands::definition(CommandId::Announce);
            return self.invalid(definition, &commands::ParseProblem::Missing);
        }
        let mut message = self.tr("announce-header", &[]).strong();
        message.line(Rendered::plain(&text));
        let (rooms, clear): (Vec<String>, Vec<String>) = rooms
            .into_iter()
            .partition(|room| may_carry(self.state, [self.message.room_id.as_str()], room));
        // An announcement is for everyone in each room: it notifies them
        // (the rooms' own rule), naming nobody and never `@room`.
        for room in &rooms {
            self.outcome
                .messages
                .push(OutgoingMessage::ringing(room, message.clone(), Vec::new()));
        }
        if rooms.is_empty() {
            return self.tr("announce-none-carried", &[("count", clear.len().into())]);
        }
        let mut reply = self.tr("announce-done", &[("count", rooms.len().into())]);
        if !clear.is_empty() {
            reply.line(self.tr("announce-not-carried", &[("count", clear.len().into())]));
        }
        reply
    }

    /// `!intervenant <nom> | <sujet> | <contact>`, in a theme room.
    pub(super) fn propose_speaker(
        &mut self,
        name: String,
        subject: Option<String>,
        contact: Option<String>,
    ) -> Rendered {
        let Some(theme) = self.theme.clone() else {
            return self.wrong_place(commands::definition(CommandId::Speaker));
        };
        let proposed = self
            .state
            .assembly
            .speakers
            .values()
            .filter(|speaker| speaker.theme == theme.slug)
            .map(|speaker| speaker.proposer.as_deref());
        if let Some(refusal) = self.over_cap(proposed) {
            return refusal;
        }
        let number = self
            .state
            .assembly
            .speakers
            .keys()
            .next_back()
            .map_or(1, |last| last + 1);
        let reply = self.tr(
            "speaker-added",
            &[
                ("number", number.to_string().into()),
                ("name", name.as_str().into()),
            ],
        );
        self.change(Change::Speaker(super::assembly::Speaker {
            number,
            theme: theme.slug,
            proposer: Some(self.message.sender.clone()),
            name,
            subject,
            contact,
            at: self.now,
        }));
        reply
    }

    /// `!intervenants`: this group's proposed speakers.
    pub(super) fn list_speakers(&self) -> Rendered {
        let Some(theme) = &self.theme else {
            return self.wrong_place(commands::definition(CommandId::Speakers));
        };
        let speakers: Vec<_> = self
            .state
            .assembly
            .speakers
            .values()
            .filter(|speaker| speaker.theme == theme.slug)
            .collect();
        if speakers.is_empty() {
            return self.tr("speakers-none", &[]);
        }
        let mut reply = self
            .tr("speakers-header", &[("count", speakers.len().into())])
            .strong();
        for speaker in speakers {
            reply.line(self.tr(
                "speakers-line",
                &[
                    ("number", speaker.number.to_string().into()),
                    ("name", speaker.name.as_str().into()),
                    (
                        "subject",
                        speaker.subject.clone().unwrap_or_else(|| "—".into()).into(),
                    ),
                    (
                        "contact",
                        speaker.contact.clone().unwrap_or_else(|| "—".into()).into(),
                    ),
                ],
            ));
        }
        reply
    }
}

/// A report the team has not answered yet, typed in `event_id`.
fn unanswered<'a>(state: &'a State, room_id: &str, event_id: &str) -> Option<&'a Report> {
    state.assembly.reports.values().find(|report| {
        report.room_id == room_id
            && report.event_id == event_id
            && report.answers.is_empty()
            && report.status.is_waiting()
    })
}

/// A notice to the team, as a reply to the report's card when it is known.
fn to_team(state: &State, report: &Report, text: Rendered) -> Option<OutgoingMessage> {
    let room = state.settings.deputy_room_id.as_deref()?;
    Some(match &report.card_event_id {
        Some(card) => OutgoingMessage::reply(room, card, text),
        None => OutgoingMessage::notice(room, text),
    })
}

/// The author edited the message of an unanswered report: the team gets
/// the new text.
pub fn edited(message: &IncomingMessage, state: &State, now: DateTime<Utc>) -> Outcome {
    let mut outcome = Outcome::default();
    let Some(original) = &message.replaces else {
        return outcome;
    };
    let Some(report) = unanswered(state, &message.room_id, original) else {
        return outcome;
    };
    if report.author.as_deref() != Some(message.sender.as_str()) {
        return outcome;
    }
    let is_report = matches!(
        commands::parse(
            &message.body,
            &state.settings.prefix,
            state.settings.language
        ),
        commands::Parsed::Command(commands::Command::Report { has_text: true, .. })
    );
    let text = typed_text(&message.body, &state.settings.prefix, 0);
    if !is_report || text.is_empty() || text == report.text {
        return outcome;
    }
    let deputy_room = state.settings.deputy_room_id.as_deref().unwrap_or_default();
    if !may_carry(state, [message.room_id.as_str()], deputy_room) {
        // Kept as it was: the new text would leave encryption.
        outcome.messages.push(OutgoingMessage::reply(
            &message.room_id,
            &message.event_id,
            state
                .translator
                .render("report-deputy-room-not-encrypted", &[]),
        ));
        outcome.command = Some(CommandId::Report);
        return outcome;
    }
    let number: Arg = report.number.to_string().into();
    let mut notice = state
        .translator
        .render("report-edited", &[("number", number.clone())]);
    notice.line(Rendered::plain(&text));
    outcome.messages.extend(to_team(state, report, notice));
    let updated_notice = state
        .translator
        .render("report-updated", &[("number", number)]);
    if told_in_private(state, report) {
        outcome
            .actions
            .push(Action::tell(&message.sender, updated_notice));
    } else {
        outcome.messages.push(OutgoingMessage::reply(
            &message.room_id,
            &message.event_id,
            updated_notice,
        ));
    }
    let mut updated = report.clone();
    updated.text = text;
    updated.history.push(StatusChange {
        status: updated.status,
        // An anonymous report's history names nobody either.
        by: (!report.anonymous).then(|| message.sender.clone()),
        at: now,
    });
    outcome.changes.push(Change::Report(updated));
    outcome.command = Some(CommandId::Report);
    outcome
}

/// The message of an unanswered report was deleted: the report is
/// withdrawn and the team told.
pub fn redacted(state: &State, room_id: &str, redacts: &str, now: DateTime<Utc>) -> Outcome {
    let mut outcome = Outcome::default();
    let Some(report) = unanswered(state, room_id, redacts) else {
        return outcome;
    };
    outcome.messages.extend(to_team(
        state,
        report,
        state.translator.render(
            "report-withdrawn",
            &[("number", report.number.to_string().into())],
        ),
    ));
    let mut withdrawn = report.clone();
    withdrawn.status = ReportStatus::Withdrawn;
    withdrawn.history.push(StatusChange {
        status: ReportStatus::Withdrawn,
        by: None,
        at: now,
    });
    outcome.changes.push(Change::Report(withdrawn));
    outcome
}
