//! The team's digest: what happened since the last one, in sections left
//! out when empty, sent on a schedule (or with `!digest`), split so that no
//! message exceeds the homeserver's size limit. A digest missed while the
//! bot was down is sent once after restart (its timer is removed in the
//! same batch).

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::assembly::{Change, DigestState, ProposalStatus, ThemeStatus};
use super::polls::current_tally;
use super::render::{MESSAGE_BUDGET, OutgoingMessage, Rendered};
use super::{NewTimer, Outcome, State, TimerPurpose, format_date};
use crate::i18n::Arg;

/// When digests go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestSchedule {
    /// `None`: every day.
    pub weekday: Option<Weekday>,
    pub at: NaiveTime,
}

impl Default for DigestSchedule {
    fn default() -> Self {
        DigestSchedule {
            weekday: Some(Weekday::Mon),
            at: NaiveTime::from_hms_opt(9, 0, 0).expect("valid time"),
        }
    }
}

impl DigestSchedule {
    /// `lundi 09:00`, `quotidien 9h`, `daily 08:30`, `monday 9:00`.
    pub fn parse(text: &str) -> Option<DigestSchedule> {
        let folded = super::text::fold(text);
        let mut words = folded.split_whitespace();
        let day = words.next()?;
        let weekday = match day {
            "quotidien" | "daily" | "chaque-jour" | "tous-les-jours" => None,
            other => Some(weekday(other)?),
        };
        let time = words.next().unwrap_or("9h");
        let (hours, minutes) = time.split_once(['h', ':']).unwrap_or((time, "0"));
        let minutes = if minutes.is_empty() { "0" } else { minutes };
        let at = NaiveTime::from_hms_opt(hours.parse().ok()?, minutes.parse().ok()?, 0)?;
        words
            .next()
            .is_none()
            .then_some(DigestSchedule { weekday, at })
    }

    /// The first digest time after `now`.
    pub fn next(self, time_zone: Tz, now: DateTime<Utc>) -> DateTime<Utc> {
        let today = now.with_timezone(&time_zone).date_naive();
        for days in 0..15 {
            let day = today + Duration::days(days);
            if self.weekday.is_some_and(|weekday| day.weekday() != weekday) {
                continue;
            }
            if let Some(at) = time_zone
                .from_local_datetime(&day.and_time(self.at))
                .earliest()
            {
                let at = at.with_timezone(&Utc);
                if at > now {
                    return at;
                }
            }
        }
        now + Duration::days(1)
    }
}

fn weekday(word: &str) -> Option<Weekday> {
    Some(match word {
        "lundi" | "monday" => Weekday::Mon,
        "mardi" | "tuesday" => Weekday::Tue,
        "mercredi" | "wednesday" => Weekday::Wed,
        "jeudi" | "thursday" => Weekday::Thu,
        "vendredi" | "friday" => Weekday::Fri,
        "samedi" | "saturday" => Weekday::Sat,
        "dimanche" | "sunday" => Weekday::Sun,
        _ => return None,
    })
}

/// The digest's sections since `since`, as lines (heading first).
fn sections(state: &State, since: DateTime<Utc>, now: DateTime<Utc>) -> Vec<Vec<Rendered>> {
    let tr = |id: &str, args: &[(&str, Arg)]| state.translator.render(id, args);
    let assembly = &state.assembly;
    let theme_name = |slug: &str| {
        state
            .theme(slug)
            .map_or_else(|| slug.to_owned(), |theme| theme.name)
    };
    let excerpt = |text: &str| text.chars().take(120).collect::<String>();
    let mut sections = Vec::new();
    // What was said in an encrypted room stays out of a clear deputy room
    // (`core::encryption`); how much was left out is said at the end.
    let deputy_room = state.settings.deputy_room_id.as_deref().unwrap_or_default();
    let left_out = std::cell::Cell::new(0usize);
    let carried = |room: &str| {
        let carried = super::encryption::may_carry(state, [room], deputy_room);
        if !carried {
            left_out.set(left_out.get() + 1);
        }
        carried
    };
    let theme_room = |slug: &str| {
        state
            .theme(slug)
            .and_then(|theme| theme.room_id)
            .unwrap_or_default()
    };
    let hub_room = state.settings.hub_room_id.as_deref().unwrap_or_default();

    let mut new_reports: Vec<_> = assembly
        .reports
        .values()
        .filter(|report| report.created_at > since)
        .filter(|report| carried(&report.room_id))
        .collect();
    new_reports.sort_by_key(|report| (report.theme.clone(), report.number));
    if !new_reports.is_empty() {
        let mut lines = vec![tr(
            "digest-new-reports",
            &[("count", new_reports.len().into())],
        )];
        for report in new_reports {
            lines.push(tr(
                "digest-report-line",
                &[
                    ("theme", theme_name(&report.theme).into()),
                    ("number", report.number.to_string().into()),
                    ("text", excerpt(&report.text).into()),
                ],
            ));
        }
        sections.push(lines);
    }

    let waiting: Vec<_> = assembly
        .reports
        .values()
        .filter(|report| report.status.is_waiting())
        .collect();
    if let Some(oldest) = waiting.iter().min_by_key(|report| report.created_at) {
        sections.push(vec![tr(
            "digest-waiting",
            &[
                ("count", waiting.len().into()),
                ("number", oldest.number.to_string().into()),
                ("days", (now - oldest.created_at).num_days().into()),
            ],
        )]);
    }

    let closed: Vec<_> = assembly
        .polls
        .values()
        .filter(|poll| poll.closed_at.is_some_and(|at| at > since))
        .filter(|poll| carried(&poll.room_id))
        .collect();
    let open = assembly
        .polls
        .values()
        .filter(|poll| poll.is_open())
        .count();
    if !closed.is_empty() || open > 0 {
        let mut lines = vec![tr("digest-polls", &[("open", open.into())])];
        for poll in closed {
            let counted = current_tally(state, poll);
            let winners: Vec<&str> = counted
                .winners()
                .into_iter()
                .map(|index| poll.answers[index].as_str())
                .collect();
            lines.push(tr(
                "digest-poll-line",
                &[
                    ("number", poll.number.to_string().into()),
                    ("question", poll.question.as_str().into()),
                    ("voters", counted.voters.into()),
                    (
                        "result",
                        if winners.is_empty() {
                            "—".to_owned()
                        } else {
                            winners.join(", ")
                        }
                        .into(),
                    ),
                ],
            ));
        }
        sections.push(lines);
    }

    let mut coming: Vec<_> = assembly
        .meetings
        .values()
        .filter(|meeting| {
            !meeting.cancelled
                && meeting.starts_at > now
                && meeting.starts_at <= now + Duration::days(14)
        })
        .filter(|meeting| carried(&meeting.room_id))
        .collect();
    coming.sort_by_key(|meeting| meeting.starts_at);
    if !coming.is_empty() {
        let mut lines = vec![tr("digest-meetings", &[])];
        for meeting in coming {
            let going = assembly
                .rsvps
                .iter()
                .filter(|((number, _), rsvp)| {
                    *number == meeting.number && rsvp.answer == super::assembly::Attendance::Going
                })
                .count();
            let group = state
                .theme_of_room(&meeting.room_id)
                .map_or_else(|| tr("agenda-hub", &[]).body, |theme| theme.name);
            lines.push(tr(
                "digest-meeting-line",
                &[
                    ("number", meeting.number.to_string().into()),
                    ("date", format_date(state, meeting.starts_at).into()),
                    ("group", group.into()),
                    ("going", going.into()),
                ],
            ));
        }
        sections.push(lines);
    }

    let mut member_lines = Vec::new();
    for theme in state.themes() {
        let joined = assembly
            .memberships
            .iter()
            .filter(|((slug, _), membership)| *slug == theme.slug && membership.joined_at > since)
            .count();
        let left = assembly
            .memberships
            .iter()
            .filter(|((slug, _), membership)| {
                *slug == theme.slug && membership.left_at.is_some_and(|at| at > since)
            })
            .count();
        if joined + left > 0 {
            member_lines.push(tr(
                "digest-members-line",
                &[
                    ("theme", theme.name.as_str().into()),
                    ("joined", joined.into()),
                    ("left", left.into()),
                ],
            ));
        }
    }
    if !member_lines.is_empty() {
        member_lines.insert(0, tr("digest-members", &[]));
        sections.push(member_lines);
    }

    let speakers: Vec<_> = assembly
        .speakers
        .values()
        .filter(|speaker| speaker.at > since)
        .filter(|speaker| carried(&theme_room(&speaker.theme)))
        .collect();
    if !speakers.is_empty() {
        let mut lines = vec![tr("digest-speakers", &[])];
        for speaker in speakers {
            lines.push(tr(
                "digest-speaker-line",
                &[
                    ("theme", theme_name(&speaker.theme).into()),
                    ("name", speaker.name.as_str().into()),
                    (
                        "subject",
                        speaker.subject.clone().unwrap_or_else(|| "—".into()).into(),
                    ),
                ],
            ));
        }
        sections.push(lines);
    }

    let mut theme_lines = Vec::new();
    for proposal in assembly.proposals.values() {
        if proposal.opened_at > since
            && proposal.status != ProposalStatus::Expired
            && carried(hub_room)
        {
            theme_lines.push(tr(
                "digest-theme-proposed",
                &[("name", proposal.name.as_str().into())],
            ));
        }
    }
    for record in assembly.themes.values() {
        if record.changed_at > since && record.status == ThemeStatus::Dormant {
            theme_lines.push(tr(
                "digest-theme-archived",
                &[("name", record.name.as_str().into())],
            ));
        }
    }
    if !theme_lines.is_empty() {
        theme_lines.insert(0, tr("digest-themes", &[]));
        sections.push(theme_lines);
    }

    if left_out.get() > 0 {
        sections.push(vec![tr(
            "digest-left-out",
            &[("count", left_out.get().into())],
        )]);
    }

    if !assembly.missed_reminders.is_empty() {
        let mut lines = vec![tr("digest-missed", &[])];
        for missed in &assembly.missed_reminders {
            lines.push(tr(
                "digest-missed-line",
                &[
                    ("number", missed.meeting.to_string().into()),
                    ("due", format_date(state, missed.due).into()),
                ],
            ));
        }
        sections.push(lines);
    }
    sections
}

/// The digest as messages for the deputy room: heading, sections, each
/// message within the size budget; the sections start on a new line each.
pub fn messages(state: &State, since: DateTime<Utc>, now: DateTime<Utc>) -> Vec<Rendered> {
    let tr = |id: &str, args: &[(&str, Arg)]| state.translator.render(id, args);
    let title = tr(
        "digest-title",
        &[
            ("since", format_date(state, since).into()),
            ("until", format_date(state, now).into()),
        ],
    )
    .strong();
    let sections = sections(state, since, now);
    if sections.is_empty() {
        let mut quiet = title;
        quiet.line(tr("digest-quiet", &[]));
        return vec![quiet];
    }
    let size = |text: &Rendered| text.body.len() + text.html.len();
    let mut messages = vec![title];
    for section in sections {
        let mut lines = section.into_iter();
        let heading = lines.next().expect("every section has a heading").strong();
        let mut pending = vec![heading.clone()];
        for line in lines {
            pending.push(Rendered {
                body: format!("• {}", line.body),
                html: format!("• {}", line.html),
            });
        }
        // Line by line, so that even one long section is cut cleanly; a
        // new message repeats the section's heading.
        let mut first = true;
        for line in pending {
            let current = messages.last_mut().expect("at least the title");
            if size(current) + size(&line) + 8 > MESSAGE_BUDGET {
                let mut next = Rendered::default();
                if !first {
                    next.line(heading.clone());
                }
                messages.push(next);
            }
            let current = messages.last_mut().expect("at least the title");
            current.line(line);
            first = false;
        }
    }
    messages
}

/// Sends the digest: messages, the time, the missed reminders told.
fn send(state: &State, now: DateTime<Utc>, rings: bool, outcome: &mut Outcome) {
    let Some(room) = state.settings.deputy_room_id.clone() else {
        return;
    };
    let since = state
        .assembly
        .last_digest
        .unwrap_or(now - Duration::days(7));
    // The team is told once that its scheduled digest is there: the first
    // message notifies the room's members, the rest are quiet. Asked for
    // with `!digest`, it rings nobody: whoever asked is watching.
    for (index, text) in messages(state, since, now).into_iter().enumerate() {
        outcome.messages.push(if index == 0 && rings {
            OutgoingMessage::ringing(&room, text, Vec::new())
        } else {
            OutgoingMessage::notice(&room, text)
        });
    }
    outcome
        .changes
        .push(Change::DigestSent(DigestState { last_at: now }));
    for missed in &state.assembly.missed_reminders {
        outcome
            .changes
            .push(Change::MissedReminderTold(missed.clone()));
    }
}

/// The scheduled digest fell due (maybe late): sent once, next one set.
pub fn scheduled(state: &State, now: DateTime<Utc>) -> Outcome {
    let mut outcome = Outcome::default();
    send(state, now, true, &mut outcome);
    outcome.timers.push(NewTimer {
        due: state.settings.digest.next(state.settings.time_zone, now),
        purpose: TimerPurpose::Digest,
    });
    outcome
}

/// `!digest`: the same, now, in the deputy room, quiet.
pub fn now_for(state: &State, now: DateTime<Utc>) -> Outcome {
    let mut outcome = Outcome::default();
    send(state, now, false, &mut outcome);
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_read_as_written_and_fall_on_the_right_day() {
        let monday = DigestSchedule::parse("lundi 09:00").unwrap();
        assert_eq!(monday, DigestSchedule::default());
        assert_eq!(
            DigestSchedule::parse("quotidien 8h30").unwrap(),
            DigestSchedule {
                weekday: None,
                at: NaiveTime::from_hms_opt(8, 30, 0).unwrap()
            }
        );
        assert!(DigestSchedule::parse("bientôt").is_none());
        assert!(DigestSchedule::parse("lundi 25:00").is_none());
        // Sunday 29 November 2026, 10:00 Paris: next Monday 09:00 Paris.
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0).unwrap();
        assert_eq!(
            monday.next(chrono_tz::Europe::Paris, now).to_rfc3339(),
            "2026-11-30T08:00:00+00:00"
        );
    }
}
