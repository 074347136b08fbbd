//! The engine applies the core's decisions exactly once.
//!
//! For each input it checks the ledger, asks the core, then writes in one
//! durable batch: the ledger entry, and every outgoing message into the
//! outbox. Only then is the outbox sender woken. A crash before the batch
//! leaves no trace (the event is handled again after restart); a crash after
//! it leaves the ledger entry (never handled twice) and the outbox entries
//! (sent after restart, with the same transaction ids).
//!
//! **Architecture Invariant:** the engine knows the core and the store, not
//! matrix-sdk; the adapter feeds it plain [`Input`]s.

use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use crate::core::{self, Action, Input, Outcome, Settings, State, TimerPurpose};
use crate::flood::Verdict;
use crate::scheduler::{FiredTimer, Scheduler};
use crate::store::domain::{load_assembly, put_outbox_entry, write_change};
use crate::store::records::{
    CREATION_LANE, DIRECT_LANE_PREFIX, DeadLetter, LedgerEntry, OutboxEntry, OutboxItem,
    PendingErasure, TimerEntry, closed_ballot_key, decode, encode, erasure_key, outbox_sequence,
    timer_key,
};
use crate::store::seal::Seal;
use crate::store::{Batch, Store, StoreError, Tree};

/// Deliberate crash points, for the tests that prove nothing is lost or
/// doubled. Set with the `BOUCLE_FAILPOINT` environment variable; unset in
/// production, where every check is a comparison against `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failpoint {
    /// Abort right after a command's batch is durable, before any send.
    AfterCommit,
    /// Abort right after the homeserver accepted a message, before the
    /// outbox entry is removed.
    AfterSend,
    /// Abort when a synced command is about to be handled: the SDK has
    /// saved the response's position, boucle has not.
    BeforeHandling,
    /// Panic while deciding the first command (a bug in the core).
    PanicInCore,
    /// Panic in the outbox sender before its first send (a bug there).
    PanicInOutbox,
}

impl Failpoint {
    pub fn from_env() -> Option<Failpoint> {
        match std::env::var("BOUCLE_FAILPOINT").ok()?.as_str() {
            "after-commit" => Some(Failpoint::AfterCommit),
            "after-send" => Some(Failpoint::AfterSend),
            "before-handling" => Some(Failpoint::BeforeHandling),
            "panic-in-core" => Some(Failpoint::PanicInCore),
            "panic-in-outbox" => Some(Failpoint::PanicInOutbox),
            _ => None,
        }
    }

    /// Panics like a bug would, once per process: the code around must
    /// cope (or the process must end and be restarted).
    pub fn panic_once(active: Option<Failpoint>, here: Failpoint) {
        static PANICKED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
        if active == Some(here) && !PANICKED.swap(true, std::sync::atomic::Ordering::SeqCst) {
            panic!("failpoint {here:?} reached");
        }
    }

    /// Dies like a SIGKILL would: no destructors, no flush, no goodbye.
    pub fn trigger(active: Option<Failpoint>, here: Failpoint) {
        if active == Some(here) {
            eprintln!("boucle: failpoint {here:?} reached, aborting");
            std::process::abort();
        }
    }
}

/// What became of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Processed {
    /// Already in the ledger: nothing done, nothing said.
    AlreadyHandled,
    /// Nothing for the bot to do (an ordinary message).
    Ignored,
    /// Committed: `messages` replies and `actions` are in the outbox.
    Committed { messages: usize, actions: usize },
}

pub struct Engine {
    store: Arc<dyn Store>,
    /// Seals electors and ballot boxes as they are written.
    seal: Seal,
    /// The core's state; locked while an input is decided and committed, so
    /// two inputs never decide on the same stale data.
    state: Mutex<State>,
    outbox_wakeup: Arc<Notify>,
    /// Woken when themes change, for the Space to follow.
    themes_changed: Arc<Notify>,
    /// Woken when someone's data was erased at their request.
    erasures: Arc<Notify>,
    scheduler: Scheduler,
    failpoint: Option<Failpoint>,
    metrics: Arc<crate::metrics::Metrics>,
    /// The per-person brake on floods of commands (memory only).
    flood: Mutex<crate::flood::FloodGuard>,
    /// What decides: [`core::handle`], or a stand-in in tests.
    handler: Handler,
}

/// The core's entry point, as the engine calls it.
pub type Handler = fn(&Input, &State, DateTime<Utc>) -> Outcome;

/// Asks `handler` about `input`, catching a panic: a bug met by one event
/// or timer must not stop the bot nor poison its state. The state is only
/// read while deciding (changes are applied after the commit), so a
/// decision that panicked leaves it as it was.
fn decide(
    handler: Handler,
    input: &Input,
    state: &State,
    now: DateTime<Utc>,
    failpoint: Option<Failpoint>,
) -> Result<Outcome, Failed> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if let Input::Message(message) = input
            && core::commands::may_be_command(&message.body, &state.settings.prefix)
        {
            Failpoint::panic_once(failpoint, Failpoint::PanicInCore);
        }
        handler(input, state, now)
    }))
    .map_err(|_| Failed)
}

/// Handling an input panicked (the panic hook has logged where).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Failed;

/// A name for an input in logs: its kind, never its content.
fn input_kind(input: &Input) -> &'static str {
    match input {
        Input::Message(_) => "message",
        Input::Joined(_) => "join",
        Input::RoomReady { .. } => "room ready",
        Input::Timer { .. } => "timer",
        Input::Reminders(_) => "reminders",
        Input::PollResponse(_) => "poll response",
        Input::Redaction { .. } => "redaction",
        Input::Sent { .. } => "sent",
        Input::PollClosing { .. } => "poll closing",
        Input::Reaction { .. } => "reaction",
        Input::Electorate { .. } => "electorate",
        Input::Undeliverable { .. } => "undeliverable",
        Input::Squatted { .. } => "squatted alias",
        Input::DirectChatsWaiting { .. } => "direct chats waiting",
        Input::RoomsEncrypted { .. } => "rooms encrypted",
    }
}

impl Engine {
    /// Loads the assembly's data from `store`; fails if a record cannot be
    /// read, rather than run with part of it.
    /// `seal` opens and writes the sealed records (electors, ballot boxes).
    pub fn new(
        store: Arc<dyn Store>,
        seal: Seal,
        settings: Settings,
        failpoint: Option<Failpoint>,
    ) -> Result<Self, EngineError> {
        let assembly = load_assembly(store.as_ref(), &seal)?;
        let state = State::with_assembly(settings, assembly)?;
        Ok(Engine {
            scheduler: Scheduler::new(store.clone()),
            store,
            seal,
            state: Mutex::new(state),
            outbox_wakeup: Arc::new(Notify::new()),
            themes_changed: Arc::new(Notify::new()),
            erasures: Arc::new(Notify::new()),
            failpoint,
            metrics: Arc::new(crate::metrics::Metrics::new()),
            flood: Mutex::default(),
            handler: core::handle,
        })
    }

    /// Decides with `handler` instead of the core (tests of what the
    /// engine does when deciding fails).
    #[cfg(test)]
    pub(crate) fn with_handler(mut self, handler: Handler) -> Self {
        self.handler = handler;
        self
    }

    /// Logs and counts a failed decision.
    fn failure(&self, input: &Input) {
        self.metrics.handling_failures.inc();
        tracing::error!(
            input = input_kind(input),
            room = %crate::logging::room(input.room_id().unwrap_or_default()),
            "handling failed (a bug): recorded as handled, skipped"
        );
    }

    /// Opens and writes the sealed records (the outbox's among them).
    pub fn seal(&self) -> &Seal {
        &self.seal
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Counts into `metrics` (shared with the health listener).
    pub fn with_metrics(mut self, metrics: Arc<crate::metrics::Metrics>) -> Self {
        self.metrics = metrics;
        self
    }

    /// The bot's counters, for `/metrics`.
    pub fn metrics(&self) -> &Arc<crate::metrics::Metrics> {
        &self.metrics
    }

    pub fn scheduler(&self) -> &Scheduler {
        &self.scheduler
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().expect("engine state lock")
    }

    /// Reads the current state.
    pub fn read<R>(&self, reader: impl FnOnce(&State) -> R) -> R {
        reader(&self.lock())
    }

    /// Woken whenever new messages wait in the outbox.
    pub fn outbox_wakeup(&self) -> Arc<Notify> {
        self.outbox_wakeup.clone()
    }

    pub fn themes_changed(&self) -> Arc<Notify> {
        self.themes_changed.clone()
    }

    /// Woken after an erasure asked for with `!oublier` is committed; the
    /// erasure itself is recorded (`PendingErasure`) until storage is clean.
    pub fn erasures(&self) -> Arc<Notify> {
        self.erasures.clone()
    }

    pub fn is_handled(&self, event_id: &str) -> Result<bool, StoreError> {
        Ok(self.store.get(Tree::Ledger, event_id.as_bytes())?.is_some())
    }

    /// Forgets ledger entries handled on a day before `older_than`'s. Events that old
    /// are beyond the catch-up window and are never handled again, so their
    /// ids need not be kept (less data kept about who did what, when).
    pub fn prune_ledger(&self, older_than: DateTime<Utc>) -> Result<usize, StoreError> {
        let mut batch = Batch::default();
        for (key, value) in self.store.scan_prefix(Tree::Ledger, b"")? {
            let expired = decode::<LedgerEntry>(&value)
                .map(|entry| entry.handled_on < older_than.date_naive())
                .unwrap_or(false);
            if expired {
                batch.delete(Tree::Ledger, key);
            }
        }
        let pruned = batch.operations.len();
        self.store.apply(batch)?;
        Ok(pruned)
    }

    /// Makes sure a timer for `purpose` exists, setting one at `due` if not
    /// (the daily jobs, at first start).
    pub fn ensure_timer(
        &self,
        purpose: TimerPurpose,
        due: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        for (_, value) in self.store.scan_prefix(Tree::Timers, b"")? {
            if decode::<TimerEntry>(&value).is_ok_and(|entry| entry.purpose == purpose.name()) {
                return Ok(());
            }
        }
        self.scheduler.schedule(due, &purpose.name())?;
        Ok(())
    }

    /// The crash point armed for tests, if any.
    pub fn failpoint(&self) -> Option<Failpoint> {
        self.failpoint
    }

    /// Handles one input at most once; its ledger key guards it.
    pub fn process(&self, input: &Input, now: DateTime<Utc>) -> Result<Processed, StoreError> {
        let ledger_key = input.ledger_key();
        let mut state = self.lock();
        if let Some(key) = &ledger_key
            && self.is_handled(key)?
        {
            return Ok(Processed::AlreadyHandled);
        }
        if let Input::Message(message) = input
            && message.sent_encrypted
            && !core::encryption::is_encrypted(&state, &message.room_id)
        {
            // An encrypted message from a room not known as encrypted (its
            // state not seen yet, or noting it failed): the room is, and it
            // is noted before anything said in it may be carried elsewhere.
            let noted = core::encryption::noted(&state, std::slice::from_ref(&message.room_id));
            self.commit(&mut state, Batch::default(), &noted, now)?;
        }
        let decision = decide(self.handler, input, &state, now, self.failpoint);
        let failed = decision.is_err();
        let mut outcome = decision.unwrap_or_else(|Failed| {
            self.failure(input);
            core::failed(input, &state)
        });
        // The brake counts whatever a person does that makes the bot write:
        // commands, edits, answers in a guided flow, replies to cards,
        // reactions and clicks. Past the limit, one notice, then silence.
        let verdict = if outcome.is_empty() {
            Verdict::Answer
        } else {
            self.flood_verdict(input, now)
        };
        match (verdict, input) {
            (Verdict::Answer, _) => {}
            (Verdict::Notice, Input::Message(message)) => {
                self.metrics.commands_throttled.inc();
                outcome = core::flood_notice(message, &state);
            }
            (Verdict::Notice | Verdict::Silence, _) => {
                self.metrics.commands_throttled.inc();
                outcome = Outcome::default();
            }
        }
        let decided = std::time::Instant::now();
        if outcome.is_empty() && verdict == Verdict::Answer && !failed {
            return Ok(Processed::Ignored);
        }
        let mut batch = Batch::default();
        if let Some(key) = &ledger_key {
            batch.insert(
                Tree::Ledger,
                key.as_bytes().to_vec(),
                encode(&LedgerEntry {
                    handled_on: now.date_naive(),
                    failed,
                }),
            );
        }
        let processed = self.commit(&mut state, batch, &outcome, now)?;
        tracing::trace!(commit_us = decided.elapsed().as_micros(), "committed");
        if let Some(command) = outcome.command
            && matches!(processed, Processed::Committed { .. })
        {
            self.metrics
                .command(core::commands::definition(command).english);
            if command == core::commands::CommandId::BallotVote {
                // Who writes in which direct chat, and when, is who voted
                // when: a vote is logged at debug, and with no room.
                tracing::debug!(?command, "command handled");
            } else {
                tracing::info!(
                    ?command,
                    room = %crate::logging::room(input.room_id().unwrap_or_default()),
                    "command handled"
                );
            }
        }
        Ok(processed)
    }

    /// The flood brake's verdict on `input`, from a person, that would make
    /// the bot write.
    fn flood_verdict(&self, input: &Input, now: DateTime<Utc>) -> Verdict {
        let sender = match input {
            Input::Message(message) => &message.sender,
            Input::Reaction { sender, .. } => sender,
            Input::PollResponse(response) => &response.sender,
            _ => return Verdict::Answer,
        };
        self.flood
            .lock()
            .expect("flood guard lock")
            .check(sender, now)
    }

    /// Sets aside the outbox entry at `key`, which the homeserver refused
    /// for good: it leaves its lane for the dead letters (what and why, not
    /// its content), is counted, and the admins are told (once a day per
    /// lane and reason), all in one batch.
    pub fn set_aside(
        &self,
        key: &[u8],
        entry: &OutboxEntry,
        reason: core::delivery::Refusal,
        now: DateTime<Utc>,
    ) -> Result<Processed, StoreError> {
        use core::delivery::Lane;
        let mut state = self.lock();
        let (lane, item) = match &entry.item {
            OutboxItem::Direct { user_id, .. } => (Lane::Direct(user_id.clone()), "direct"),
            OutboxItem::CreateThemeRoom { .. } => (Lane::Creation, "room creation"),
            OutboxItem::Message { .. } => (Lane::Room(entry.room_id.clone()), "message"),
            OutboxItem::FinishPoll { .. } => (Lane::Room(entry.room_id.clone()), "poll closing"),
            OutboxItem::FreezeElectorate { .. } => {
                (Lane::Room(entry.room_id.clone()), "electorate")
            }
            OutboxItem::Invite { .. } => (Lane::Room(entry.room_id.clone()), "invite"),
            OutboxItem::File { .. } => (Lane::Room(entry.room_id.clone()), "file"),
            OutboxItem::DirectFile { user_id, .. } => {
                (Lane::Direct(user_id.clone()), "direct file")
            }
            OutboxItem::Redact { .. } => (Lane::Room(entry.room_id.clone()), "redaction"),
        };
        // A refused redaction is a vote's: its room (a direct chat) and time
        // would say who voted when. Kept without the room, told to nobody.
        let redaction = matches!(entry.item, OutboxItem::Redact { .. });
        let room_id = match &lane {
            Lane::Room(room_id) if !redaction => Some(room_id.clone()),
            Lane::Room(_) | Lane::Direct(_) | Lane::Creation => None,
        };
        tracing::warn!(
            room = %crate::logging::room(room_id.as_deref().unwrap_or_default()),
            item,
            reason = reason.name(),
            "refused for good by the homeserver: set aside, the lane goes on"
        );
        self.metrics.dead_letters.inc();
        let mut batch = Batch::default();
        batch.delete(Tree::Outbox, key.to_vec()).put(
            Tree::DeadLetters,
            outbox_sequence(key)
                .unwrap_or_default()
                .to_be_bytes()
                .to_vec(),
            encode(&DeadLetter {
                room_id,
                item: item.to_owned(),
                reason,
                created_at: entry.created_at,
                refused_at: now,
            }),
        );
        if redaction {
            self.store.apply(batch)?;
            return Ok(Processed::AlreadyHandled);
        }
        let day = now.with_timezone(&state.settings.time_zone).date_naive();
        let input = Input::Undeliverable { lane, reason, day };
        let ledger_key = input.ledger_key().expect("refusals have a ledger key");
        if self.is_handled(&ledger_key)? {
            self.store.apply(batch)?;
            return Ok(Processed::AlreadyHandled);
        }
        let outcome = decide(self.handler, &input, &state, now, None).unwrap_or_else(|Failed| {
            self.failure(&input);
            Outcome::default()
        });
        batch.insert(
            Tree::Ledger,
            ledger_key.into_bytes(),
            encode(&LedgerEntry {
                handled_on: now.date_naive(),
                failed: false,
            }),
        );
        self.commit(&mut state, batch, &outcome, now)
    }

    /// Handles a fired timer: its effects and its removal in one batch, so it
    /// fires again after a crash only if nothing was done.
    pub fn process_timer(
        &self,
        fired: &FiredTimer,
        now: DateTime<Utc>,
    ) -> Result<Processed, StoreError> {
        let mut processed = self.process_timers(std::slice::from_ref(fired), now)?;
        Ok(processed.pop().unwrap_or(Processed::AlreadyHandled))
    }

    /// Handles timers that fell due together. The meeting reminders among
    /// them are one input to the core (one message per room and per person,
    /// however many meetings), committed in one batch with their removal;
    /// every other timer is handled on its own, in order. What became of
    /// each: the reminders' entry first, if any.
    pub fn process_timers(
        &self,
        fired: &[FiredTimer],
        now: DateTime<Utc>,
    ) -> Result<Vec<Processed>, StoreError> {
        let (reminders, others): (Vec<_>, Vec<_>) = fired.iter().partition(|timer| {
            matches!(
                TimerPurpose::from_name(&timer.entry.purpose),
                Some(TimerPurpose::Reminder(_))
            )
        });
        let mut processed = Vec::new();
        if !reminders.is_empty() {
            processed.push(self.process_reminders(&reminders, now)?);
        }
        for timer in others {
            processed.push(self.process_other_timer(timer, now)?);
        }
        Ok(processed)
    }

    /// Reminder timers, as one input; those already handled are skipped.
    fn process_reminders(
        &self,
        fired: &[&FiredTimer],
        now: DateTime<Utc>,
    ) -> Result<Processed, StoreError> {
        let mut state = self.lock();
        let mut batch = Batch::default();
        let mut due = Vec::new();
        let mut late = 0;
        for timer in fired {
            if self.store.get(Tree::Timers, &timer.key)?.is_none() {
                continue;
            }
            if let Some(TimerPurpose::Reminder(reminder)) =
                TimerPurpose::from_name(&timer.entry.purpose)
            {
                batch.delete(Tree::Timers, timer.key.clone());
                due.push(reminder);
                if now > timer.entry.due + core::REMINDER_LATE_AFTER {
                    late += 1;
                }
            }
        }
        let processed = if due.is_empty() {
            Processed::AlreadyHandled
        } else {
            let count = due.len() as u64;
            let input = Input::Reminders(due);
            let outcome = match decide(self.handler, &input, &state, now, self.failpoint) {
                Ok(outcome) => outcome,
                // One of them fails: the others still go, one by one.
                Err(Failed) => {
                    let Input::Reminders(due) = input else {
                        unreachable!("built above")
                    };
                    let mut outcome = Outcome::default();
                    for reminder in due {
                        let single = Input::Reminders(vec![reminder]);
                        match decide(self.handler, &single, &state, now, self.failpoint) {
                            Ok(decided) => outcome.merge(decided),
                            Err(Failed) => self.failure(&single),
                        }
                    }
                    outcome
                }
            };
            let processed = self.commit(&mut state, batch, &outcome, now)?;
            if matches!(processed, Processed::Committed { .. }) {
                self.metrics.reminders_sent.inc_by(count);
                self.metrics.reminders_late.inc_by(late);
            }
            processed
        };
        for timer in fired {
            self.scheduler.forget_dispatched(&timer.key);
        }
        Ok(processed)
    }

    fn process_other_timer(
        &self,
        fired: &FiredTimer,
        now: DateTime<Utc>,
    ) -> Result<Processed, StoreError> {
        let mut state = self.lock();
        if self.store.get(Tree::Timers, &fired.key)?.is_none() {
            self.scheduler.forget_dispatched(&fired.key);
            return Ok(Processed::AlreadyHandled);
        }
        let mut batch = Batch::default();
        batch.delete(Tree::Timers, fired.key.clone());
        let processed = match TimerPurpose::from_name(&fired.entry.purpose) {
            Some(purpose) => {
                let input = Input::Timer { purpose };
                // A timer whose handling fails is removed all the same, so
                // that it does not fail again at every start.
                let outcome = decide(self.handler, &input, &state, now, self.failpoint)
                    .unwrap_or_else(|Failed| {
                        self.failure(&input);
                        Outcome::default()
                    });
                self.commit(&mut state, batch, &outcome, now)?
            }
            None => {
                tracing::warn!(purpose = %fired.entry.purpose, "timer of an unknown purpose removed");
                self.store.apply(batch)?;
                Processed::Ignored
            }
        };
        self.scheduler.forget_dispatched(&fired.key);
        Ok(processed)
    }

    /// Writes an outcome with `batch` in one durable step, then applies its
    /// changes to the in-memory state and wakes whoever must act.
    fn commit(
        &self,
        state: &mut State,
        mut batch: Batch,
        outcome: &Outcome,
        now: DateTime<Utc>,
    ) -> Result<Processed, StoreError> {
        for outgoing in &outcome.messages {
            let entry = OutboxEntry {
                room_id: outgoing.room_id.clone(),
                item: OutboxItem::Message {
                    event_type: "m.room.message".to_owned(),
                    content: outgoing.content(),
                    report: None,
                },
                created_at: now,
            };
            put_outbox_entry(&mut batch, &entry, self.store.next_id()?, &self.seal);
        }
        for action in &outcome.actions {
            let (lane, item) = outbox_item(action);
            let entry = OutboxEntry {
                room_id: lane.clone(),
                item,
                created_at: now,
            };
            put_outbox_entry(&mut batch, &entry, self.store.next_id()?, &self.seal);
        }
        for change in &outcome.changes {
            write_change(&mut batch, change, &self.seal);
        }
        for timer in &outcome.timers {
            batch.put(
                Tree::Timers,
                timer_key(timer.due, self.store.next_id()?),
                encode(&TimerEntry {
                    due: timer.due,
                    purpose: timer.purpose.name().to_owned(),
                }),
            );
        }
        for user_id in &outcome.erased {
            batch.put(
                Tree::Meta,
                erasure_key(user_id),
                encode(&PendingErasure { at: now }),
            );
        }
        // A closed ballot's electors leave the backups at the next clean-up.
        let mut closed_ballots = false;
        for change in &outcome.changes {
            if let core::assembly::Change::Ballot(ballot) = change
                && ballot.closed_at.is_some()
            {
                closed_ballots = true;
                batch.put(
                    Tree::Meta,
                    closed_ballot_key(ballot.number),
                    encode(&PendingErasure { at: now }),
                );
            }
        }
        match self.store.apply(batch) {
            Ok(()) => {}
            Err(StoreError::Conflict { tree: Tree::Ledger }) => {
                return Ok(Processed::AlreadyHandled);
            }
            Err(error) => return Err(error),
        }
        let themes_changed = outcome
            .changes
            .iter()
            .any(|change| matches!(change, core::assembly::Change::Theme(_)));
        for change in &outcome.changes {
            state.assembly.apply(change);
        }
        Failpoint::trigger(self.failpoint, Failpoint::AfterCommit);
        if !outcome.messages.is_empty() || !outcome.actions.is_empty() {
            self.outbox_wakeup.notify_one();
        }
        if !outcome.timers.is_empty() {
            self.scheduler.wake();
        }
        if themes_changed {
            self.themes_changed.notify_one();
        }
        if !outcome.erased.is_empty() || closed_ballots {
            self.erasures.notify_one();
        }
        Ok(Processed::Committed {
            messages: outcome.messages.len(),
            actions: outcome.actions.len(),
        })
    }
}

/// The outbox lane and item of an action.
fn outbox_item(action: &Action) -> (String, OutboxItem) {
    match action.clone() {
        Action::Invite { room_id, user_id } => (room_id, OutboxItem::Invite { user_id }),
        Action::CreateThemeRoom { slug, name, topic } => (
            CREATION_LANE.to_owned(),
            OutboxItem::CreateThemeRoom { slug, name, topic },
        ),
        Action::SendEvent {
            room_id,
            event_type,
            content,
            report,
        } => (
            room_id,
            OutboxItem::Message {
                event_type,
                content,
                report,
            },
        ),
        Action::FinishPoll {
            room_id,
            number,
            start_event_id,
        } => (
            room_id,
            OutboxItem::FinishPoll {
                number,
                start_event_id,
            },
        ),
        Action::DirectMessage {
            user_id,
            text,
            rings,
        } => (
            format!("{DIRECT_LANE_PREFIX}{user_id}"),
            OutboxItem::Direct {
                content: Action::direct_message(&user_id, text, rings).content(),
                user_id,
            },
        ),
        Action::FreezeElectorate { room_id, number } => {
            (room_id, OutboxItem::FreezeElectorate { number })
        }
        Action::Redact { room_id, event_id } => (room_id, OutboxItem::Redact { event_id }),
        Action::SendFile {
            room_id,
            file_name,
            content_type,
            content,
        } => (
            room_id,
            OutboxItem::File {
                file_name,
                content_type,
                content,
            },
        ),
        Action::DirectFile {
            user_id,
            file_name,
            content_type,
            content,
        } => (
            format!("{DIRECT_LANE_PREFIX}{user_id}"),
            OutboxItem::DirectFile {
                user_id,
                file_name,
                content_type,
                content,
            },
        ),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Translation(#[from] crate::i18n::TranslationError),
}

#[cfg(test)]
pub(crate) mod tests;
