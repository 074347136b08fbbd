//! The scheduler: timers kept in the `Timers` tree, keyed by due time, and
//! one task that sleeps until the next one is due. No polling: adding an
//! earlier timer wakes the task, which sleeps again for the new first timer.
//!
//! A fired timer stays in the tree until its consumer completes it (in the
//! same batch as its effects, once reminders exist), so a crash between
//! firing and handling fires it again after restart, and the consumer's
//! ledger makes that harmless. Within one run a timer is dispatched once.
//! Timers due together are dispatched together, as one batch, so that their
//! consumer can say them together (one message per room for a burst of
//! reminders).
//!
//! Time comes from a [`Clock`], so tests move `now` instead of sleeping.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, mpsc};

use crate::store::records::{TimerEntry, decode, encode, timer_key};
use crate::store::{Batch, Store, StoreError, Tree};

/// Where the current time comes from.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock, based on tokio's monotonic time so that a paused tokio
/// runtime (in tests) moves it too.
#[derive(Debug, Clone)]
pub struct TokioClock {
    start_utc: DateTime<Utc>,
    start_instant: tokio::time::Instant,
}

impl TokioClock {
    pub fn starting_at(start_utc: DateTime<Utc>) -> Self {
        TokioClock {
            start_utc,
            start_instant: tokio::time::Instant::now(),
        }
    }

    pub fn system() -> Self {
        Self::starting_at(Utc::now())
    }
}

impl Clock for TokioClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = tokio::time::Instant::now() - self.start_instant;
        self.start_utc + chrono::Duration::from_std(elapsed).unwrap_or_default()
    }
}

/// A timer handed to its consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiredTimer {
    pub key: Vec<u8>,
    pub entry: TimerEntry,
}

#[derive(Clone)]
pub struct Scheduler {
    store: Arc<dyn Store>,
    wakeup: Arc<Notify>,
    dispatched: Arc<Mutex<HashSet<Vec<u8>>>>,
}

/// How many timers are read at once when looking for the next one.
const PAGE: usize = 64;
/// The most timers fired in one batch (more due at once go in the next).
const BATCH: usize = 500;

impl Scheduler {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Scheduler {
            store,
            wakeup: Arc::new(Notify::new()),
            dispatched: Arc::default(),
        }
    }

    /// Adds a timer; returns its key, for cancelling or completing it.
    pub fn schedule(&self, due: DateTime<Utc>, purpose: &str) -> Result<Vec<u8>, StoreError> {
        let key = timer_key(due, self.store.next_id()?);
        let mut batch = Batch::default();
        batch.put(
            Tree::Timers,
            key.clone(),
            encode(&TimerEntry {
                due,
                purpose: purpose.to_owned(),
            }),
        );
        self.store.apply(batch)?;
        self.wakeup.notify_one();
        Ok(key)
    }

    /// Removes a timer, fired or not.
    pub fn complete(&self, key: &[u8]) -> Result<(), StoreError> {
        let mut batch = Batch::default();
        batch.delete(Tree::Timers, key.to_vec());
        self.store.apply(batch)?;
        self.dispatched.lock().expect("dispatched lock").remove(key);
        self.wakeup.notify_one();
        Ok(())
    }

    /// Called once a fired timer was handled (and removed from the store by
    /// its consumer's batch).
    pub fn forget_dispatched(&self, key: &[u8]) {
        self.dispatched.lock().expect("dispatched lock").remove(key);
        self.wakeup.notify_one();
    }

    /// Looks again for the next timer (one was added by someone else).
    pub fn wake(&self) {
        self.wakeup.notify_one();
    }

    /// The first timer not yet dispatched in this run.
    pub fn next(&self) -> Result<Option<FiredTimer>, StoreError> {
        let mut from = Vec::new();
        loop {
            let page = self.store.scan_from(Tree::Timers, &from, PAGE)?;
            let dispatched = self.dispatched.lock().expect("dispatched lock");
            for (key, value) in &page {
                if !dispatched.contains(key) {
                    return Ok(Some(FiredTimer {
                        key: key.clone(),
                        entry: decode(value)?,
                    }));
                }
            }
            match page.last() {
                Some((last, _)) if page.len() == PAGE => {
                    from = last.clone();
                    from.push(0);
                }
                _ => return Ok(None),
            }
        }
    }

    /// Every timer due at `now` not yet dispatched in this run, in order,
    /// at most `limit`.
    pub fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<FiredTimer>, StoreError> {
        let mut due = Vec::new();
        let mut from = Vec::new();
        loop {
            let page = self.store.scan_from(Tree::Timers, &from, PAGE)?;
            let dispatched = self.dispatched.lock().expect("dispatched lock");
            for (key, value) in &page {
                if dispatched.contains(key) {
                    continue;
                }
                let entry: TimerEntry = decode(value)?;
                // Keys sort by due time: the rest are later.
                if entry.due > now || due.len() == limit {
                    return Ok(due);
                }
                due.push(FiredTimer {
                    key: key.clone(),
                    entry,
                });
            }
            match page.last() {
                Some((last, _)) if page.len() == PAGE => {
                    from = last.clone();
                    from.push(0);
                }
                _ => return Ok(due),
            }
        }
    }

    /// Runs until the receiver is dropped: when the first timer is due,
    /// fires it with every other timer due by then, as one batch, so that
    /// timers falling due together are handled together (a burst of
    /// reminders becomes one message per room).
    pub async fn run(self, clock: impl Clock, fired: mpsc::Sender<Vec<FiredTimer>>) {
        loop {
            let next = match self.next() {
                Ok(next) => next,
                Err(error) => {
                    tracing::error!(%error, "cannot read timers");
                    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                    continue;
                }
            };
            let Some(timer) = next else {
                self.wakeup.notified().await;
                continue;
            };
            let now = clock.now();
            let wait = (timer.entry.due - now).to_std().unwrap_or_default();
            if !wait.is_zero() {
                // Woken early when a timer is added or removed; then look again.
                let _ = tokio::time::timeout(wait, self.wakeup.notified()).await;
                continue;
            }
            let batch = match self.due(now, BATCH) {
                Ok(batch) if !batch.is_empty() => batch,
                Ok(_) => vec![timer],
                Err(error) => {
                    tracing::error!(%error, "cannot read timers");
                    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                    continue;
                }
            };
            self.dispatched
                .lock()
                .expect("dispatched lock")
                .extend(batch.iter().map(|timer| timer.key.clone()));
            if fired.send(batch).await.is_err() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;
    use chrono::TimeZone;
    use std::time::Duration;

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, 17, 0, 0).unwrap()
    }

    fn running(scheduler: &Scheduler, clock: &TokioClock) -> mpsc::Receiver<Vec<FiredTimer>> {
        let (sender, receiver) = mpsc::channel(16);
        tokio::spawn(scheduler.clone().run(clock.clone(), sender));
        receiver
    }

    /// The next batch, which must hold a single timer.
    async fn one(fired: &mut mpsc::Receiver<Vec<FiredTimer>>) -> FiredTimer {
        let mut batch = fired.recv().await.unwrap();
        assert_eq!(batch.len(), 1, "{batch:?}");
        batch.pop().unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn a_timer_fires_at_its_time_not_before_and_not_polled() {
        let scheduler = Scheduler::new(Arc::new(MemoryStore::new()));
        let clock = TokioClock::starting_at(start());
        let due = start() + chrono::Duration::hours(24);
        scheduler.schedule(due, "reminder").unwrap();
        let mut fired = running(&scheduler, &clock);
        let timer = one(&mut fired).await;
        assert_eq!(timer.entry.purpose, "reminder");
        // Paused time jumps straight to the deadline: fired exactly when due.
        assert_eq!(clock.now(), due);
    }

    #[tokio::test(start_paused = true)]
    async fn an_earlier_timer_added_while_sleeping_fires_first() {
        let scheduler = Scheduler::new(Arc::new(MemoryStore::new()));
        let clock = TokioClock::starting_at(start());
        scheduler
            .schedule(start() + chrono::Duration::hours(2), "late")
            .unwrap();
        let mut fired = running(&scheduler, &clock);
        tokio::time::sleep(Duration::from_secs(60)).await;
        scheduler
            .schedule(start() + chrono::Duration::minutes(30), "early")
            .unwrap();
        assert_eq!(one(&mut fired).await.entry.purpose, "early");
        assert_eq!(clock.now(), start() + chrono::Duration::minutes(30));
        assert_eq!(one(&mut fired).await.entry.purpose, "late");
        assert_eq!(clock.now(), start() + chrono::Duration::hours(2));
    }

    #[tokio::test(start_paused = true)]
    async fn timers_overdue_at_start_fire_at_once_and_survive_until_completed() {
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        let scheduler = Scheduler::new(store.clone());
        scheduler
            .schedule(start() - chrono::Duration::hours(1), "missed")
            .unwrap();
        let clock = TokioClock::starting_at(start());
        let mut fired = running(&scheduler, &clock);
        let timer = one(&mut fired).await;
        assert_eq!(timer.entry.purpose, "missed");
        assert_eq!(clock.now(), start(), "no waiting for an overdue timer");
        // Not completed: a restart (a new scheduler on the same store) fires it again.
        let restarted = Scheduler::new(store.clone());
        assert_eq!(
            restarted.next().unwrap().map(|t| t.key),
            Some(timer.key.clone())
        );
        scheduler.complete(&timer.key).unwrap();
        assert_eq!(Scheduler::new(store).next().unwrap(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_timer_never_fires() {
        let scheduler = Scheduler::new(Arc::new(MemoryStore::new()));
        let clock = TokioClock::starting_at(start());
        let cancelled = scheduler
            .schedule(start() + chrono::Duration::minutes(5), "cancelled")
            .unwrap();
        scheduler
            .schedule(start() + chrono::Duration::minutes(10), "kept")
            .unwrap();
        let mut fired = running(&scheduler, &clock);
        scheduler.complete(&cancelled).unwrap();
        assert_eq!(one(&mut fired).await.entry.purpose, "kept");
    }

    #[tokio::test(start_paused = true)]
    async fn timers_due_together_fire_as_one_batch_in_order() {
        let scheduler = Scheduler::new(Arc::new(MemoryStore::new()));
        let clock = TokioClock::starting_at(start());
        let at = start() + chrono::Duration::minutes(10);
        for purpose in ["first", "second", "third"] {
            scheduler.schedule(at, purpose).unwrap();
        }
        scheduler
            .schedule(at + chrono::Duration::seconds(1), "later")
            .unwrap();
        let mut fired = running(&scheduler, &clock);
        let batch = fired.recv().await.unwrap();
        let purposes: Vec<&str> = batch.iter().map(|t| t.entry.purpose.as_str()).collect();
        assert_eq!(purposes, ["first", "second", "third"]);
        assert_eq!(clock.now(), at);
        assert_eq!(one(&mut fired).await.entry.purpose, "later");
        assert_eq!(clock.now(), at + chrono::Duration::seconds(1));
    }

    #[test]
    fn due_takes_what_is_due_and_not_dispatched_up_to_a_limit() {
        let scheduler = Scheduler::new(Arc::new(MemoryStore::new()));
        let mut keys = Vec::new();
        for minute in 0..(PAGE as i64 + 10) {
            keys.push(scheduler.schedule(start(), &minute.to_string()).unwrap());
        }
        scheduler
            .schedule(start() + chrono::Duration::minutes(1), "later")
            .unwrap();
        scheduler.dispatched.lock().unwrap().insert(keys[0].clone());
        let due = scheduler.due(start(), 1000).unwrap();
        assert_eq!(due.len(), PAGE + 9, "every one due but the dispatched one");
        assert_eq!(due[0].key, keys[1]);
        assert!(due.iter().all(|timer| timer.entry.purpose != "later"));
        assert_eq!(scheduler.due(start(), 5).unwrap().len(), 5);
    }

    #[test]
    fn next_skips_past_a_full_page_of_dispatched_timers() {
        let scheduler = Scheduler::new(Arc::new(MemoryStore::new()));
        let mut keys = Vec::new();
        for minute in 0..(PAGE as i64 + 3) {
            keys.push(
                scheduler
                    .schedule(start() + chrono::Duration::minutes(minute), "t")
                    .unwrap(),
            );
        }
        scheduler
            .dispatched
            .lock()
            .unwrap()
            .extend(keys[..PAGE + 1].iter().cloned());
        assert_eq!(
            scheduler.next().unwrap().map(|t| t.key),
            Some(keys[PAGE + 1].clone())
        );
    }
}
