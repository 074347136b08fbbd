//! iCalendar (RFC 5545) files for meetings, so that a phone adds them in one
//! tap: the event in the assembly's time zone with its `VTIMEZONE` (the
//! daylight-saving transitions of the years concerned, computed from the
//! time zone database), the repeat rule, the place and the video link.
//!
//! Written by hand, it is a few lines of text; the tests read it back with
//! an independent parser (the `icalendar` crate).

use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use super::assembly::{Meeting, Recurrence};

/// How long a meeting lasts in calendars (the bot is not told).
const LENGTH: Duration = Duration::hours(2);

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn text(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for character in value.chars() {
        match character {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\n' => escaped.push_str("\\n"),
            '\r' => {}
            other => escaped.push(other),
        }
    }
    escaped
}

/// Folds a content line at 75 octets, never inside a character.
fn fold_line(line: &str, output: &mut String) {
    let mut width = 0;
    for character in line.chars() {
        let size = character.len_utf8();
        if width + size > 75 {
            output.push_str("\r\n ");
            width = 1;
        }
        output.push(character);
        width += size;
    }
    output.push_str("\r\n");
}

fn local_stamp(at: NaiveDateTime) -> String {
    at.format("%Y%m%dT%H%M%S").to_string()
}

fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let seconds = seconds.abs();
    format!("{sign}{:02}{:02}", seconds / 3600, (seconds % 3600) / 60)
}

fn offset_at(time_zone: Tz, at: DateTime<Utc>) -> i32 {
    time_zone
        .offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc()
}

/// The offset changes of `time_zone` during `years`: (moment, from, to).
fn transitions(
    time_zone: Tz,
    years: std::ops::RangeInclusive<i32>,
) -> Vec<(DateTime<Utc>, i32, i32)> {
    let mut found = Vec::new();
    let (Some(start), Some(end)) = (
        Utc.with_ymd_and_hms(*years.start(), 1, 1, 0, 0, 0).single(),
        Utc.with_ymd_and_hms(*years.end() + 1, 1, 1, 0, 0, 0)
            .single(),
    ) else {
        return found;
    };
    let mut day = start;
    let mut offset = offset_at(time_zone, day);
    while day < end {
        let next = day + Duration::days(1);
        let next_offset = offset_at(time_zone, next);
        if next_offset != offset {
            // The change happened within this day: find its minute.
            let (mut low, mut high) = (0_i64, 24 * 60);
            while high - low > 1 {
                let middle = (low + high) / 2;
                if offset_at(time_zone, day + Duration::minutes(middle)) == offset {
                    low = middle;
                } else {
                    high = middle;
                }
            }
            found.push((day + Duration::minutes(high), offset, next_offset));
            offset = next_offset;
        }
        day = next;
    }
    found
}

fn vtimezone(time_zone: Tz, years: std::ops::RangeInclusive<i32>, lines: &mut Vec<String>) {
    lines.push("BEGIN:VTIMEZONE".into());
    lines.push(format!("TZID:{}", time_zone.name()));
    let changes = transitions(time_zone, years.clone());
    if changes.is_empty() {
        let offset = offset_text(offset_at(
            time_zone,
            Utc.with_ymd_and_hms(*years.start(), 1, 1, 0, 0, 0)
                .single()
                .unwrap_or_default(),
        ));
        lines.extend([
            "BEGIN:STANDARD".into(),
            "DTSTART:19700101T000000".into(),
            format!("TZOFFSETFROM:{offset}"),
            format!("TZOFFSETTO:{offset}"),
            "END:STANDARD".into(),
        ]);
    }
    for (at, from, to) in changes {
        let kind = if to > from { "DAYLIGHT" } else { "STANDARD" };
        let onset = at.naive_utc() + Duration::seconds(i64::from(from));
        lines.extend([
            format!("BEGIN:{kind}"),
            format!("DTSTART:{}", local_stamp(onset)),
            format!("TZOFFSETFROM:{}", offset_text(from)),
            format!("TZOFFSETTO:{}", offset_text(to)),
            format!("END:{kind}"),
        ]);
    }
    lines.push("END:VTIMEZONE".into());
}

/// One calendar event for a meeting.
pub struct Event<'a> {
    pub meeting: &'a Meeting,
    /// A title such as « Réunion Santé : préparer la réunion publique ».
    pub summary: String,
    /// A unique, stable id domain (the bot's server name).
    pub domain: &'a str,
    /// The meeting's public page, written in DESCRIPTION: calendar apps
    /// show it there, and ignore URL.
    pub page: Option<String>,
}

/// A calendar holding `events`, in `time_zone`.
pub fn calendar(events: &[Event], time_zone: Tz, now: DateTime<Utc>) -> String {
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//boucle//Assemblée populaire//FR".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
    ];
    let years = events
        .iter()
        .map(|event| event.meeting.starts_at.with_timezone(&time_zone).year())
        .fold(None, |range: Option<(i32, i32)>, year| match range {
            None => Some((year, year)),
            Some((low, high)) => Some((low.min(year), high.max(year))),
        });
    if let Some((low, high)) = years {
        // A series goes on: the next year's changes too.
        vtimezone(time_zone, low..=high + 1, &mut lines);
    }
    let tzid = time_zone.name();
    for event in events {
        let meeting = event.meeting;
        let start = meeting.starts_at.with_timezone(&time_zone).naive_local();
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!(
            "UID:boucle-meeting-{}@{}",
            meeting.number, event.domain
        ));
        lines.push(format!("DTSTAMP:{}Z", now.format("%Y%m%dT%H%M%S")));
        lines.push(format!("DTSTART;TZID={tzid}:{}", local_stamp(start)));
        lines.push(format!("DTEND;TZID={tzid}:{}", local_stamp(start + LENGTH)));
        lines.push(format!("SUMMARY:{}", text(&event.summary)));
        if let Some(place) = &meeting.place {
            lines.push(format!("LOCATION:{}", text(place)));
        }
        if let Some(video) = &meeting.video {
            lines.push(format!("URL:{video}"));
        }
        let description: Vec<&str> = [event.page.as_deref(), meeting.video.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if !description.is_empty() {
            lines.push(format!("DESCRIPTION:{}", text(&description.join("\n"))));
        }
        match meeting.recurrence {
            Some(Recurrence::Weeks(every)) => {
                lines.push(format!("RRULE:FREQ=WEEKLY;INTERVAL={every}"));
            }
            Some(Recurrence::Months(every)) => {
                lines.push(format!("RRULE:FREQ=MONTHLY;INTERVAL={every}"));
            }
            None => {}
        }
        lines.push(format!(
            "STATUS:{}",
            if meeting.cancelled {
                "CANCELLED"
            } else {
                "CONFIRMED"
            }
        ));
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    let mut output = String::new();
    for line in lines {
        fold_line(&line, &mut output);
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;
    use icalendar::{Calendar, CalendarComponent, Component, EventLike};

    fn meeting() -> Meeting {
        let starts_at = Utc.with_ymd_and_hms(2026, 12, 3, 17, 30, 0).unwrap();
        Meeting {
            number: 5,
            room_id: "!r:s".into(),
            organiser: None,
            starts_at,
            first_local: starts_at
                .with_timezone(&chrono_tz::Europe::Paris)
                .naive_local(),
            occurrence: 0,
            place: Some("Maison des associations, salle 2; 1er étage".into()),
            subject: None,
            video: Some("https://visio.example/ap".into()),
            recurrence: Some(Recurrence::Weeks(2)),
            reminders: vec![60],
            announcement_event_id: None,
            cancelled: false,
            created_at: starts_at,
            general: false,
            other_announcements: Vec::new(),
            private: false,
        }
    }

    #[test]
    fn the_file_parses_with_its_time_zone_rule_and_place() {
        let meeting = meeting();
        let text = calendar(
            &[Event {
                meeting: &meeting,
                summary: "Réunion Santé : préparer, décider".into(),
                domain: "exemple.fr",
                page: None,
            }],
            chrono_tz::Europe::Paris,
            Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0).unwrap(),
        );
        assert!(text.lines().all(|line| line.len() <= 76), "{text}");
        assert!(text.contains("\r\n"));
        let parsed: Calendar = text.parse().expect("valid iCalendar");
        let event = parsed
            .components
            .iter()
            .find_map(|component| match component {
                CalendarComponent::Event(event) => Some(event),
                _ => None,
            })
            .expect("one event");
        assert_eq!(
            event.get_summary(),
            Some("Réunion Santé : préparer, décider")
        );
        assert_eq!(
            event.get_location(),
            Some("Maison des associations, salle 2; 1er étage")
        );
        assert_eq!(
            event.property_value("RRULE"),
            Some("FREQ=WEEKLY;INTERVAL=2")
        );
        let start = event.properties().get("DTSTART").expect("a start");
        assert_eq!(start.value(), "20261203T183000");
        assert_eq!(
            start.params().get("TZID").map(|param| param.value()),
            Some("Europe/Paris")
        );
        assert!(text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n"));
        // The 2027 changes: summer time on 28 March at 02:00, winter time on
        // 31 October at 03:00.
        assert!(text.contains(
            "BEGIN:DAYLIGHT\r\nDTSTART:20270328T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
        ), "{text}");
        assert!(text.contains(
            "BEGIN:STANDARD\r\nDTSTART:20271031T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
        ), "{text}");
    }

    #[test]
    fn a_zone_without_daylight_saving_has_one_standard_offset() {
        let meeting = meeting();
        let text = calendar(
            &[Event {
                meeting: &meeting,
                summary: "R".into(),
                domain: "s",
                page: None,
            }],
            chrono_tz::America::Cayenne,
            Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0).unwrap(),
        );
        assert!(
            text.contains("TZOFFSETFROM:-0300\r\nTZOFFSETTO:-0300\r\n"),
            "{text}"
        );
        assert!(
            text.contains("DTSTART;TZID=America/Cayenne:20261203T143000"),
            "{text}"
        );
    }

    #[test]
    fn long_lines_fold_without_breaking_characters() {
        let mut output = String::new();
        fold_line(&format!("SUMMARY:{}", "é".repeat(60)), &mut output);
        for line in output.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        assert_eq!(
            output.replace("\r\n ", "").trim_end(),
            format!("SUMMARY:{}", "é".repeat(60))
        );
    }
}
