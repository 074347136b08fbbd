//! A per-person brake on floods of what makes the bot write.
//!
//! Each person may have [`LIMIT`] inputs acted upon in any [`WINDOW`]
//! (commands, edits of a report, answers in the guided flow, replies to
//! cards, reactions, clicks); past that, the first extra one gets one polite
//! notice (if it was a message) and the following ones are recorded as
//! handled without effect until the window has room again. A flooder is slowed to the limit; everyone else, in every room, is
//! answered as usual, because a silenced command costs the bot nothing but a
//! ledger entry.
//!
//! Kept in memory only (who typed when is not worth storing): a restart
//! forgets it. Pure: the caller passes `now`, so tests move the clock.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Duration, Utc};

/// Commands answered per person per window: far above what a person types.
pub const LIMIT: usize = 20;
pub const WINDOW: Duration = Duration::seconds(60);
/// At most one notice per person in this long.
pub const NOTICE_EVERY: Duration = Duration::minutes(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Answer,
    /// Over the limit: say so once.
    Notice,
    /// Over the limit, already told: record it, say nothing.
    Silence,
}

#[derive(Debug, Default)]
pub struct FloodGuard {
    answered: HashMap<String, VecDeque<DateTime<Utc>>>,
    noticed: HashMap<String, DateTime<Utc>>,
}

impl FloodGuard {
    /// Decides for one command from `sender` at `now`, and remembers it.
    pub fn check(&mut self, sender: &str, now: DateTime<Utc>) -> Verdict {
        self.forget_before(now - NOTICE_EVERY.max(WINDOW));
        let answered = self.answered.entry(sender.to_owned()).or_default();
        while answered.front().is_some_and(|at| *at <= now - WINDOW) {
            answered.pop_front();
        }
        if answered.len() < LIMIT {
            answered.push_back(now);
            return Verdict::Answer;
        }
        match self.noticed.get(sender) {
            Some(at) if now - *at < NOTICE_EVERY => Verdict::Silence,
            _ => {
                self.noticed.insert(sender.to_owned(), now);
                Verdict::Notice
            }
        }
    }

    /// Drops people with nothing recent, so memory follows activity.
    fn forget_before(&mut self, cutoff: DateTime<Utc>) {
        self.answered
            .retain(|_, times| times.back().is_some_and(|at| *at > cutoff));
        self.noticed.retain(|_, at| *at > cutoff);
    }

    /// People currently remembered (for tests).
    pub fn people(&self) -> usize {
        self.answered.len().max(self.noticed.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, 10, 0, 0).unwrap()
    }

    /// 200 commands in a minute from one person: the limit is answered, one
    /// notice, the rest silenced; someone else is answered throughout.
    #[test]
    fn a_flood_is_slowed_with_one_notice_and_others_are_untouched() {
        let mut guard = FloodGuard::default();
        let mut verdicts = Vec::new();
        for index in 0..200 {
            let now = start() + Duration::milliseconds(300 * index);
            verdicts.push(guard.check("@flood:s", now));
            // Someone else, one command every 3 s meanwhile: always answered.
            if index % 10 == 0 {
                assert_eq!(guard.check("@calm:s", now), Verdict::Answer);
            }
        }
        let count = |wanted| {
            verdicts
                .iter()
                .filter(|verdict| **verdict == wanted)
                .count()
        };
        assert_eq!(count(Verdict::Notice), 1);
        // All 200 within 59.7 s: one window's worth answered.
        assert_eq!(count(Verdict::Answer), LIMIT);
        assert_eq!(count(Verdict::Silence), 200 - LIMIT - 1);
        assert_eq!(verdicts[LIMIT], Verdict::Notice);
    }

    #[test]
    fn after_a_quiet_minute_commands_are_answered_again() {
        let mut guard = FloodGuard::default();
        for _ in 0..LIMIT {
            assert_eq!(guard.check("@a:s", start()), Verdict::Answer);
        }
        assert_eq!(guard.check("@a:s", start()), Verdict::Notice);
        assert_eq!(
            guard.check("@a:s", start() + Duration::seconds(59)),
            Verdict::Silence
        );
        assert_eq!(
            guard.check("@a:s", start() + Duration::seconds(61)),
            Verdict::Answer
        );
        // Much later, everything about them is forgotten.
        guard.check("@b:s", start() + Duration::hours(1));
        assert_eq!(guard.people(), 1);
    }
}
