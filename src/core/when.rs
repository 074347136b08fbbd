//! Dates as people write them, in French (and English): `demain 20h`,
//! `jeudi 18h30`, `jeudi prochain à 18 h`, `le 3 décembre à 18h30`,
//! `3/12 18:30` (always day/month), `dans 2 semaines`, `2026-12-03 18:30`.
//!
//! A small grammar rather than a crate: none of the maintained date parsers
//! reads French, and the rules that matter here (day before month, weekday
//! and date that must agree, a past date refused) are easier to see in a few
//! tested lines than to configure. Pure: `now` and the time zone are given.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::text::fold;

/// A moment read from text, in the assembly's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    pub at: DateTime<Tz>,
    /// Whether the text named a time of day (a deadline without one ends
    /// the day; a meeting needs one).
    pub time_given: bool,
}

/// Why a text is not a date boucle can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WhenError {
    Empty,
    /// A word that is no part of a date.
    NotUnderstood(String),
    /// A date that does not exist (31/02) or a weekday that does not match
    /// the date (« lundi 3 décembre » when the 3rd is a Thursday).
    Inconsistent,
    /// Before `now`.
    Past,
    /// More than [`FURTHEST_AHEAD_DAYS`] ahead (or beyond any calendar):
    /// surely a slip of the finger.
    TooFar,
}

/// How far ahead a date may be: nobody plans a meeting or a poll's end ten
/// years from now. Also keeps every sum of dates within the calendar.
pub const FURTHEST_AHEAD_DAYS: i64 = 10 * 366;

fn month_of(word: &str) -> Option<u32> {
    let months: [&[&str]; 12] = [
        &["janvier", "janv", "january", "jan"],
        &["fevrier", "fevr", "fev", "february", "feb"],
        &["mars", "march", "mar"],
        &["avril", "avr", "april", "apr"],
        &["mai", "may"],
        &["juin", "june", "jun"],
        &["juillet", "juil", "july", "jul"],
        &["aout", "august", "aug"],
        &["septembre", "sept", "sep", "september"],
        &["octobre", "oct", "october"],
        &["novembre", "nov", "november"],
        &["decembre", "dec", "december"],
    ];
    let word = word.trim_end_matches('.');
    months
        .iter()
        .position(|names| names.contains(&word))
        .map(|index| index as u32 + 1)
}

fn weekday_of(word: &str) -> Option<Weekday> {
    Some(match word {
        "lundi" | "monday" | "mon" => Weekday::Mon,
        "mardi" | "tuesday" | "tue" => Weekday::Tue,
        "mercredi" | "wednesday" | "wed" => Weekday::Wed,
        "jeudi" | "thursday" | "thu" => Weekday::Thu,
        "vendredi" | "friday" | "fri" => Weekday::Fri,
        "samedi" | "saturday" | "sat" => Weekday::Sat,
        "dimanche" | "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    })
}

fn small_number(word: &str) -> Option<i64> {
    if let Ok(number) = word.parse::<i64>() {
        return Some(number);
    }
    Some(match word {
        "un" | "une" | "a" | "an" | "one" => 1,
        "deux" | "two" => 2,
        "trois" | "three" => 3,
        "quatre" | "four" => 4,
        "cinq" | "five" => 5,
        "six" => 6,
        "sept" | "seven" => 7,
        "huit" | "eight" => 8,
        "dix" | "ten" => 10,
        "quinze" | "fifteen" => 15,
        _ => return None,
    })
}

/// `18h`, `18h30`, `18:30`, `6pm`, `6:30pm`: a time in one word.
fn time_word(word: &str) -> Option<NaiveTime> {
    let (word, offset) = if let Some(rest) = word.strip_suffix("pm") {
        (rest, 12)
    } else if let Some(rest) = word.strip_suffix("am") {
        (rest, 0)
    } else {
        (word, -1)
    };
    let (hours, minutes) = if let Some((hours, minutes)) = word.split_once(['h', ':']) {
        (hours, if minutes.is_empty() { "0" } else { minutes })
    } else if offset >= 0 {
        (word, "0")
    } else {
        return None;
    };
    if hours.is_empty() || !hours.bytes().all(|b| b.is_ascii_digit()) || minutes.len() > 2 {
        return None;
    }
    let mut hours: u32 = hours.parse().ok()?;
    let minutes: u32 = minutes.parse().ok()?;
    if offset >= 0 {
        if !(1..=12).contains(&hours) {
            return None;
        }
        hours = hours % 12 + offset as u32;
    }
    NaiveTime::from_hms_opt(hours, minutes, 0)
}

/// `3/12`, `3/12/2026`, `03.12.26`, `2026-12-03`.
fn date_word(word: &str, today: NaiveDate) -> Option<Result<NaiveDate, WhenError>> {
    if let Some((year, rest)) = word.split_once('-') {
        let (month, day) = rest.split_once('-')?;
        if year.len() != 4 {
            return None;
        }
        let date =
            NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
        return Some(date.ok_or(WhenError::Inconsistent));
    }
    let parts: Vec<&str> = word.trim_end_matches('.').split(['/', '.']).collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|part| part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let day: u32 = parts[0].parse().ok()?;
    let month: u32 = parts[1].parse().ok()?;
    let year = match parts.get(2) {
        Some(year) if year.len() == 2 => Some(2000 + year.parse::<i32>().ok()?),
        Some(year) => Some(year.parse().ok()?),
        None => None,
    };
    Some(day_month(day, month, year, today))
}

/// Day and month, with the year if given. Without one, the nearest such
/// day: « 12/1 » in November is next January, but « 28/11 » on the 29th is
/// yesterday (and refused as past), not a year ahead.
fn day_month(
    day: u32,
    month: u32,
    year: Option<i32>,
    today: NaiveDate,
) -> Result<NaiveDate, WhenError> {
    if let Some(year) = year {
        return NaiveDate::from_ymd_opt(year, month, day).ok_or(WhenError::Inconsistent);
    }
    [today.year() - 1, today.year(), today.year() + 1]
        .into_iter()
        .filter_map(|year| NaiveDate::from_ymd_opt(year, month, day))
        // The nearest; on a tie, the future.
        .min_by_key(|date| ((*date - today).num_days().abs(), *date < today))
        .ok_or(WhenError::Inconsistent)
}

const FILLERS: &[&str] = &[
    "a",
    "le",
    "la",
    "l",
    "at",
    "on",
    "the",
    "de",
    "du",
    "vers",
    "around",
    "for",
    "pour",
    "of",
    "matin",
    "soir",
    "apres-midi",
    "morning",
    "evening",
    "afternoon",
];

/// Reads `text` as a moment after `now`, in `time_zone`.
pub fn parse_when(text: &str, time_zone: Tz, now: DateTime<Utc>) -> Result<When, WhenError> {
    let folded = fold(text)
        .replace(['\u{2019}', '\''], " ")
        .replace(',', " ");
    let words: Vec<&str> = folded.split_whitespace().collect();
    if words.is_empty() {
        return Err(WhenError::Empty);
    }
    let local_now = now.with_timezone(&time_zone);
    let today = local_now.date_naive();
    let mut date: Option<NaiveDate> = None;
    let mut weekday: Option<Weekday> = None;
    let mut next_week = false;
    let mut time: Option<NaiveTime> = None;
    let mut relative: Option<Duration> = None;
    let mut index = 0;
    let word = |index: usize| words.get(index).copied().unwrap_or("");
    while index < words.len() {
        let current = word(index);
        index += 1;
        if FILLERS.contains(&current) {
            continue;
        }
        if let Some(parsed) = time_word(current) {
            time = Some(parsed);
            continue;
        }
        if let Some(parsed) = date_word(current, today) {
            date = Some(parsed?);
            continue;
        }
        match current {
            "aujourd" | "aujourdhui" | "today" => {
                if word(index) == "hui" {
                    index += 1;
                }
                date = Some(today);
                continue;
            }
            "ce" if word(index) == "soir" => {
                index += 1;
                date = Some(today);
                continue;
            }
            "tonight" => {
                date = Some(today);
                continue;
            }
            "demain" | "tomorrow" => {
                date = Some(today + Duration::days(1));
                continue;
            }
            "apres-demain" => {
                date = Some(today + Duration::days(2));
                continue;
            }
            "apres" if word(index) == "demain" || word(index) == "-demain" => {
                index += 1;
                date = Some(today + Duration::days(2));
                continue;
            }
            "prochain" | "prochaine" | "next" => {
                next_week = true;
                continue;
            }
            "midi" | "noon" => {
                time = NaiveTime::from_hms_opt(12, 0, 0);
                continue;
            }
            "minuit" | "midnight" => {
                time = NaiveTime::from_hms_opt(0, 0, 0);
                continue;
            }
            "dans" | "in" => {
                let amount = small_number(word(index))
                    .ok_or_else(|| WhenError::NotUnderstood(word(index).to_owned()))?;
                let unit = word(index + 1);
                index += 2;
                // A number too large for any duration (the fuzzer typed
                // « dans 999999999 jours ») is too far, never a panic.
                let step = match unit.trim_end_matches('s') {
                    "seconde" | "second" | "sec" => Duration::try_seconds(amount),
                    "minute" | "min" => Duration::try_minutes(amount),
                    "heure" | "hour" | "h" => Duration::try_hours(amount),
                    "jour" | "day" => Duration::try_days(amount),
                    "semaine" | "week" => Duration::try_weeks(amount),
                    "moi" | "month" => amount.checked_mul(30).and_then(Duration::try_days),
                    _ => return Err(WhenError::NotUnderstood(unit.to_owned())),
                };
                relative = Some(step.ok_or(WhenError::TooFar)?);
                continue;
            }
            _ => {}
        }
        if let Some(day) = weekday_of(current) {
            weekday = Some(day);
            continue;
        }
        if let Some(month) = month_of(current) {
            // « décembre 3 » (English order), or a month alone after a day.
            let day = words[..index - 1]
                .iter()
                .rev()
                .find_map(|w| ordinal(w))
                .or_else(|| ordinal(word(index)).inspect(|_| index += 1));
            let Some(day) = day else {
                return Err(WhenError::NotUnderstood(current.to_owned()));
            };
            let year = word(index).parse::<i32>().ok().filter(|year| *year >= 2000);
            if year.is_some() {
                index += 1;
            }
            date = Some(day_month(day, month, year, today)?);
            continue;
        }
        if ordinal(current).is_some()
            && words
                .get(index)
                .is_some_and(|next| month_of(next).is_some())
        {
            continue; // the day of « 3 décembre », read with the month
        }
        if let Ok(hours) = current.parse::<u32>() {
            // « 18 h 30 », « 18 heures », « 6 pm »
            let unit = word(index);
            if matches!(unit, "h" | "heure" | "heures" | "pm" | "am") {
                index += 1;
                let mut minutes = 0;
                if matches!(unit, "h" | "heure" | "heures")
                    && let Ok(parsed) = word(index).parse::<u32>()
                {
                    minutes = parsed;
                    index += 1;
                }
                let hours = match unit {
                    "pm" if (1..12).contains(&hours) => hours + 12,
                    "am" if hours == 12 => 0,
                    _ => hours,
                };
                time = Some(
                    NaiveTime::from_hms_opt(hours, minutes, 0).ok_or(WhenError::Inconsistent)?,
                );
                continue;
            }
        }
        return Err(WhenError::NotUnderstood(current.to_owned()));
    }
    if let Some(step) = relative {
        let moved = local_now
            .checked_add_signed(step)
            .ok_or(WhenError::TooFar)?;
        let at = match time {
            Some(time) => resolve(time_zone, moved.date_naive(), time)?,
            None => moved,
        };
        return check(
            When {
                at,
                time_given: true,
            },
            now,
        );
    }
    let day = match (date, weekday) {
        (Some(date), Some(weekday)) if date.weekday() != weekday => {
            return Err(WhenError::Inconsistent);
        }
        (Some(date), _) => date,
        (None, Some(weekday)) => {
            let ahead = (i64::from(weekday.num_days_from_monday())
                - i64::from(today.weekday().num_days_from_monday()))
            .rem_euclid(7);
            let mut day = today + Duration::days(ahead);
            let passed_today = ahead == 0
                && time.is_none_or(|time| {
                    resolve(time_zone, today, time).is_ok_and(|at| at <= local_now)
                });
            if ahead == 0 && (next_week || passed_today) {
                day += Duration::days(7);
            }
            day
        }
        (None, None) => match time {
            // A time alone: today if still ahead, else tomorrow.
            Some(time) if resolve(time_zone, today, time).is_ok_and(|at| at > local_now) => today,
            Some(_) => today + Duration::days(1),
            None => return Err(WhenError::Empty),
        },
    };
    let when = match time {
        Some(time) => When {
            at: resolve(time_zone, day, time)?,
            time_given: true,
        },
        None => When {
            at: resolve(
                time_zone,
                day,
                NaiveTime::from_hms_opt(23, 59, 0).expect("valid time"),
            )?,
            time_given: false,
        },
    };
    check(when, now)
}

/// `3`, `3e`, `1er`, `3rd`: a day of the month.
fn ordinal(word: &str) -> Option<u32> {
    let digits = word.trim_end_matches(|c: char| c.is_alphabetic());
    let day: u32 = digits.parse().ok()?;
    let suffix = &word[digits.len()..];
    let known = ["", "e", "er", "eme", "st", "nd", "rd", "th"].contains(&suffix);
    (known && (1..=31).contains(&day)).then_some(day)
}

/// The moment of `time` on `day` in `time_zone`; in the hour skipped by a
/// daylight-saving change, the first valid moment after it.
fn resolve(time_zone: Tz, day: NaiveDate, time: NaiveTime) -> Result<DateTime<Tz>, WhenError> {
    let local = day.and_time(time);
    time_zone
        .from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            time_zone
                .from_local_datetime(&(local + Duration::hours(1)))
                .earliest()
        })
        .ok_or(WhenError::Inconsistent)
}

fn check(when: When, now: DateTime<Utc>) -> Result<When, WhenError> {
    let at = when.at.with_timezone(&Utc);
    if at <= now {
        Err(WhenError::Past)
    } else if at > now + Duration::days(FURTHEST_AHEAD_DAYS) {
        Err(WhenError::TooFar)
    } else {
        Ok(when)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sunday 29 November 2026, 10:00 in Paris.
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0).unwrap()
    }

    fn read(text: &str) -> Result<String, WhenError> {
        parse_when(text, chrono_tz::Europe::Paris, now()).map(|when| {
            let shown = when.at.format("%a %Y-%m-%d %H:%M").to_string();
            if when.time_given {
                shown
            } else {
                format!("{shown} (no time)")
            }
        })
    }

    #[test]
    fn real_phrasings_read_as_people_mean_them() {
        let cases = [
            ("demain 20h", "Mon 2026-11-30 20:00"),
            ("Demain à 20h", "Mon 2026-11-30 20:00"),
            ("demain à 20 h", "Mon 2026-11-30 20:00"),
            ("jeudi 18h30", "Thu 2026-12-03 18:30"),
            ("Jeudi à 18h30", "Thu 2026-12-03 18:30"),
            ("jeudi prochain à 18 h", "Thu 2026-12-03 18:00"),
            ("jeudi prochain 18h", "Thu 2026-12-03 18:00"),
            ("le 3 décembre à 18h30", "Thu 2026-12-03 18:30"),
            ("3 décembre 18h30", "Thu 2026-12-03 18:30"),
            ("le 3 decembre 2026 a 18h30", "Thu 2026-12-03 18:30"),
            ("jeudi 3 décembre à 18 h 30", "Thu 2026-12-03 18:30"),
            ("le 1er décembre à 9h", "Tue 2026-12-01 09:00"),
            ("3/12 18:30", "Thu 2026-12-03 18:30"),
            ("03/12 18h30", "Thu 2026-12-03 18:30"),
            ("3/12/2026 18:30", "Thu 2026-12-03 18:30"),
            ("3/12/26 à 18h", "Thu 2026-12-03 18:00"),
            ("3.12. 18h", "Thu 2026-12-03 18:00"),
            ("12/1 19h", "Tue 2027-01-12 19:00"),
            ("2026-12-03 18:30", "Thu 2026-12-03 18:30"),
            ("2026-12-03", "Thu 2026-12-03 23:59 (no time)"),
            ("le 3 décembre", "Thu 2026-12-03 23:59 (no time)"),
            ("vendredi", "Fri 2026-12-04 23:59 (no time)"),
            ("samedi matin 10h", "Sat 2026-12-05 10:00"),
            ("dimanche 18h", "Sun 2026-11-29 18:00"),
            ("dimanche 9h", "Sun 2026-12-06 09:00"),
            ("dimanche prochain 18h", "Sun 2026-12-06 18:00"),
            ("ce soir 20h", "Sun 2026-11-29 20:00"),
            ("aujourd'hui à 14h", "Sun 2026-11-29 14:00"),
            ("après-demain 18h", "Tue 2026-12-01 18:00"),
            ("apres demain a 18h", "Tue 2026-12-01 18:00"),
            ("18h", "Sun 2026-11-29 18:00"),
            ("8h", "Mon 2026-11-30 08:00"),
            ("midi", "Sun 2026-11-29 12:00"),
            ("demain midi", "Mon 2026-11-30 12:00"),
            ("dans 2 semaines", "Sun 2026-12-13 10:00"),
            ("dans deux semaines à 18h", "Sun 2026-12-13 18:00"),
            ("dans 3 jours", "Wed 2026-12-02 10:00"),
            ("dans 2 heures", "Sun 2026-11-29 12:00"),
            ("dans 30 minutes", "Sun 2026-11-29 10:30"),
            ("dans 90 secondes", "Sun 2026-11-29 10:01"),
            ("le 14 mars à 14h", "Sun 2027-03-14 14:00"),
            ("14 mars 2027 14h", "Sun 2027-03-14 14:00"),
            ("le 29 mars à 2h30", "Mon 2027-03-29 02:30"),
            ("tomorrow 8pm", "Mon 2026-11-30 20:00"),
            ("tomorrow at 6:30pm", "Mon 2026-11-30 18:30"),
            ("thursday 6 pm", "Thu 2026-12-03 18:00"),
            ("next thursday at 18:00", "Thu 2026-12-03 18:00"),
            ("december 3 at 18:30", "Thu 2026-12-03 18:30"),
            ("3rd december 6pm", "Thu 2026-12-03 18:00"),
            ("in 2 weeks", "Sun 2026-12-13 10:00"),
            ("noon", "Sun 2026-11-29 12:00"),
        ];
        assert!(cases.len() >= 40);
        for (text, expected) in cases {
            assert_eq!(read(text).as_deref(), Ok(expected), "{text:?}");
        }
    }

    #[test]
    fn a_daylight_saving_change_never_moves_the_written_hour() {
        // 28 March 2027 at 02:30 does not exist in Paris: the first moment
        // after the gap is taken. 20:00 that day is 20:00 summer time.
        assert_eq!(
            read("28/03/2027 20h").as_deref(),
            Ok("Sun 2027-03-28 20:00")
        );
        let when = parse_when("28/03/2027 20h", chrono_tz::Europe::Paris, now()).unwrap();
        assert_eq!(
            when.at.with_timezone(&Utc).to_rfc3339(),
            "2027-03-28T18:00:00+00:00"
        );
        assert_eq!(
            read("28/03/2027 2h30").as_deref(),
            Ok("Sun 2027-03-28 03:30")
        );
    }

    #[test]
    fn past_impossible_and_unknown_dates_are_refused() {
        assert_eq!(
            read("hier 18h"),
            Err(WhenError::NotUnderstood("hier".into()))
        );
        assert_eq!(read("28/11/2026 18h"), Err(WhenError::Past));
        assert_eq!(read("28/11 18h"), Err(WhenError::Past));
        assert_eq!(read("le 20 novembre"), Err(WhenError::Past));
        assert_eq!(read("aujourd'hui 8h"), Err(WhenError::Past));
        assert_eq!(read("31/02 18h"), Err(WhenError::Inconsistent));
        assert_eq!(read("lundi 3 décembre 18h"), Err(WhenError::Inconsistent));
        assert_eq!(read("25h"), Err(WhenError::NotUnderstood("25h".into())));
        assert_eq!(read(""), Err(WhenError::Empty));
        assert_eq!(
            read("bientôt"),
            Err(WhenError::NotUnderstood("bientot".into()))
        );
        assert_eq!(
            read("dans plein de jours"),
            Err(WhenError::NotUnderstood("plein".into()))
        );
    }

    #[test]
    fn dates_beyond_ten_years_are_too_far_and_never_overflow() {
        // Found by the `dates` fuzz target: this one used to panic.
        assert_eq!(read("dans 999999999 jours"), Err(WhenError::TooFar));
        assert_eq!(
            read("dans 9223372036854775807 mois"),
            Err(WhenError::TooFar)
        );
        assert_eq!(
            read("dans 9223372036854775807 secondes"),
            Err(WhenError::TooFar)
        );
        assert_eq!(read("3/12/2999 18h"), Err(WhenError::TooFar));
        assert!(read("dans 500 semaines").is_ok());
        assert_eq!(read("dans 600 semaines"), Err(WhenError::TooFar));
    }
}
