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
use crate::store::domain::{load_assembly, write_change};
use crate::store::records::{
    CREATION_LANE, DIRECT_LANE_PREFIX, DeadLetter, LedgerEntry, OutboxEntry, OutboxItem,
    PendingErasure, TimerEntry, decode, encode, erasure_key, outbox_key, outbox_sequence,
    timer_key,
};
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
    }
}

impl Engine {
    /// Loads the assembly's data from `store`; fails if a record cannot be
    /// read, rather than run with part of it.
    pub fn new(
        store: Arc<dyn Store>,
        settings: Settings,
        failpoint: Option<Failpoint>,
    ) -> Result<Self, EngineError> {
        let assembly = load_assembly(store.as_ref())?;
        let state = State::with_assembly(settings, assembly)?;
        Ok(Engine {
            scheduler: Scheduler::new(store.clone()),
            store,
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
            room = input.room_id().unwrap_or_default(),
            "handling failed (a bug): recorded as handled, skipped"
        );
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

    /// Forgets ledger entries handled before `older_than`. Events that old
    /// are beyond the catch-up window and are never handled again, so their
    /// ids need not be kept (less data kept about who did what, when).
    pub fn prune_ledger(&self, older_than: DateTime<Utc>) -> Result<usize, StoreError> {
        let mut batch = Batch::default();
        for (key, value) in self.store.scan_prefix(Tree::Ledger, b"")? {
            let expired = decode::<LedgerEntry>(&value)
                .map(|entry| entry.handled_at < older_than)
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
                    room_id: input.room_id().unwrap_or_default().to_owned(),
                    handled_at: now,
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
            tracing::info!(
                ?command,
                room = input.room_id().unwrap_or_default(),
                "command handled"
            );
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
        };
        let room_id = match &lane {
            Lane::Room(room_id) => Some(room_id.clone()),
            Lane::Direct(_) | Lane::Creation => None,
        };
        tracing::warn!(
            room = room_id.as_deref().unwrap_or_default(),
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
                room_id: input.room_id().unwrap_or_default().to_owned(),
                handled_at: now,
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
            batch.put(
                Tree::Outbox,
                outbox_key(&outgoing.room_id, self.store.next_id()?),
                encode(&entry),
            );
        }
        for action in &outcome.actions {
            let (lane, item) = outbox_item(action);
            let entry = OutboxEntry {
                room_id: lane.clone(),
                item,
                created_at: now,
            };
            batch.put(
                Tree::Outbox,
                outbox_key(&lane, self.store.next_id()?),
                encode(&entry),
            );
        }
        for change in &outcome.changes {
            write_change(&mut batch, change);
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
        if !outcome.erased.is_empty() {
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
        Action::DirectMessage { user_id, text } => (
            format!("{DIRECT_LANE_PREFIX}{user_id}"),
            OutboxItem::Direct {
                content: crate::core::render::OutgoingMessage::notice("", text).content(),
                user_id,
            },
        ),
        Action::FreezeElectorate { room_id, number } => {
            (room_id, OutboxItem::FreezeElectorate { number })
        }
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
pub(crate) mod tests {
    use super::*;
    use crate::core::{IncomingMessage, MessageKind, Settings};
    use crate::i18n::Language;
    use crate::store::MemoryStore;

    pub(crate) fn settings() -> Settings {
        Settings {
            bot_user_id: "@boucle:s".into(),
            prefix: "!".into(),
            language: Language::Fr,
            time_zone: chrono_tz::Europe::Paris,
            hub_room_id: Some("!hub:s".into()),
            deputy_room_id: None,
            admins: vec![],
            themes: vec![crate::core::ThemeSettings {
                slug: "sante".into(),
                name: "Santé".into(),
                room_id: Some("!sante:s".into()),
            }],
            proposal_threshold: 3,
            meeting_reminders: vec![1440, 60],
            digest: crate::core::DigestSchedule::default(),
            retention: crate::core::Retention::default(),
        }
    }

    fn engine_on(store: Arc<dyn Store>) -> Engine {
        Engine::new(store, settings(), None).unwrap()
    }

    fn engine() -> Engine {
        engine_on(Arc::new(MemoryStore::new()))
    }

    pub(crate) fn message_in(room: &str, event_id: &str, body: &str) -> Input {
        Input::Message(IncomingMessage {
            event_id: event_id.into(),
            room_id: room.into(),
            sender: "@camille:s".into(),
            sender_display_name: None,
            body: body.into(),
            kind: MessageKind::Text,
            is_edit: false,
            power: crate::core::RoomPower::default(),
            power_elsewhere: Default::default(),
            sender_is_deputy_team: false,
            sender_in_assembly: true,
            in_reply_to: None,
            replaces: None,
            room_encrypted: false,
            deputy_room_encrypted: false,
            is_direct: false,
        })
    }

    fn command(event_id: &str, body: &str) -> Input {
        message_in("!r:s", event_id, body)
    }

    /// The flood brake with a scripted clock: one person sending 30 commands
    /// at once gets 20 answers and one notice; the rest are recorded as
    /// handled (never answered later), and someone else is answered.
    #[test]
    fn a_flooding_member_is_slowed_with_one_notice() {
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        let engine = engine_on(store.clone());
        let now = Utc::now();
        let mut replies = 0;
        for index in 0..30 {
            let event_id = format!("$flood{index}");
            match engine.process(&command(&event_id, "!aide"), now).unwrap() {
                Processed::Committed { messages, .. } => replies += messages,
                other => panic!("{other:?}"),
            }
            assert!(
                engine.is_handled(&event_id).unwrap(),
                "{event_id} in the ledger"
            );
        }
        assert_eq!(replies, crate::flood::LIMIT + 1);
        let notices: Vec<String> = store
            .scan_prefix(Tree::Outbox, b"")
            .unwrap()
            .into_iter()
            .filter_map(
                |(_, value)| match decode::<OutboxEntry>(&value).unwrap().item {
                    OutboxItem::Message { content, .. } => {
                        content["body"].as_str().map(str::to_owned)
                    }
                    _ => None,
                },
            )
            .filter(|body| body.starts_with("Doucement"))
            .collect();
        assert_eq!(notices.len(), 1, "{notices:?}");
        let Input::Message(mut other) = command("$calm", "!aide") else {
            unreachable!()
        };
        other.sender = "@yann:s".into();
        assert_eq!(
            engine.process(&Input::Message(other), now).unwrap(),
            Processed::Committed {
                messages: 1,
                actions: 0
            }
        );
        // A minute later the flooder is answered again.
        assert_eq!(
            engine
                .process(
                    &command("$later", "!aide"),
                    now + chrono::Duration::seconds(61)
                )
                .unwrap(),
            Processed::Committed {
                messages: 1,
                actions: 0
            }
        );
    }

    #[test]
    fn a_sign_up_is_stored_and_survives_a_restart_with_its_invite_queued() {
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        let engine = engine_on(store.clone());
        let now = Utc::now();
        assert_eq!(
            engine
                .process(&message_in("!hub:s", "$1", "!inscription sante"), now)
                .unwrap(),
            Processed::Committed {
                messages: 1,
                actions: 1
            }
        );
        let outbox: Vec<OutboxEntry> = store
            .scan_prefix(Tree::Outbox, b"")
            .unwrap()
            .iter()
            .map(|(_, value)| decode(value).unwrap())
            .collect();
        assert!(outbox.iter().any(|entry| entry.room_id == "!sante:s"
            && entry.item
                == OutboxItem::Invite {
                    user_id: "@camille:s".into()
                }));
        let restarted = engine_on(store);
        assert!(restarted.read(|state| state.assembly.membership("sante", "@camille:s").is_some()));
    }

    #[test]
    fn a_fired_timer_is_handled_once_and_sets_the_next_one() {
        let engine = engine();
        let now = Utc::now();
        engine
            .ensure_timer(TimerPurpose::Retention, now - chrono::Duration::minutes(1))
            .unwrap();
        engine.ensure_timer(TimerPurpose::Retention, now).unwrap();
        let fired = engine.scheduler().next().unwrap().expect("a timer is due");
        assert_eq!(fired.entry.purpose, "retention");
        assert!(matches!(
            engine.process_timer(&fired, now).unwrap(),
            Processed::Committed { .. }
        ));
        assert_eq!(
            engine.process_timer(&fired, now).unwrap(),
            Processed::AlreadyHandled
        );
        let timers = engine.store().scan_prefix(Tree::Timers, b"").unwrap();
        assert_eq!(timers.len(), 1, "exactly the next run is set");
        let next: TimerEntry = decode(&timers[0].1).unwrap();
        assert!(next.due > now && next.due <= now + chrono::Duration::days(1));
    }

    #[test]
    fn reminders_fired_together_are_one_batch_and_one_message_per_room() {
        use chrono::TimeZone;
        let engine = engine();
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap();
        for (index, place) in ["Local", "Mairie", "Gare"].iter().enumerate() {
            let body = format!("!reunion jeudi 18h30 | {place}");
            let event_id = format!("${index}");
            engine
                .process(&message_in("!sante:s", &event_id, &body), now)
                .unwrap();
        }
        let outbox_before = engine.store().scan_prefix(Tree::Outbox, b"").unwrap().len();
        let first_due = engine.scheduler().next().unwrap().unwrap().entry.due;
        let fired = engine.scheduler().due(first_due, 100).unwrap();
        assert_eq!(fired.len(), 3, "the three day-before reminders: {fired:?}");
        assert_eq!(
            engine.process_timers(&fired, first_due).unwrap(),
            vec![Processed::Committed {
                messages: 1,
                actions: 0
            }]
        );
        let outbox = engine.store().scan_prefix(Tree::Outbox, b"").unwrap();
        assert_eq!(outbox.len(), outbox_before + 1, "one message for the room");
        assert_eq!(engine.metrics().reminders_sent.get(), 3);
        assert_eq!(engine.metrics().reminders_late.get(), 0);
        // Fired again (a crash before the scheduler forgot them): nothing more.
        assert_eq!(
            engine.process_timers(&fired, first_due).unwrap(),
            vec![Processed::AlreadyHandled]
        );
        let timers = engine.store().scan_prefix(Tree::Timers, b"").unwrap();
        assert!(
            timers
                .iter()
                .all(|(key, _)| fired.iter().all(|timer| &timer.key != key))
        );
        assert_eq!(
            engine.store().scan_prefix(Tree::Outbox, b"").unwrap().len(),
            outbox_before + 1
        );
    }

    #[test]
    fn a_command_is_committed_once_with_its_reply_in_the_outbox() {
        let engine = engine();
        let now = Utc::now();
        let input = command("$1", "!aide");
        assert_eq!(
            engine.process(&input, now).unwrap(),
            Processed::Committed {
                messages: 1,
                actions: 0
            }
        );
        assert_eq!(
            engine.process(&input, now).unwrap(),
            Processed::AlreadyHandled
        );
        let outbox = engine.store().scan_prefix(Tree::Outbox, b"").unwrap();
        assert_eq!(outbox.len(), 1, "answered exactly once");
        let entry: OutboxEntry = decode(&outbox[0].1).unwrap();
        assert_eq!(entry.room_id, "!r:s");
        let OutboxItem::Message { content, .. } = entry.item else {
            panic!("a message expected");
        };
        assert_eq!(content["m.relates_to"]["m.in_reply_to"]["event_id"], "$1");
        assert!(engine.is_handled("$1").unwrap());
    }

    #[test]
    fn the_ledger_forgets_only_what_is_beyond_the_window() {
        let engine = engine();
        let now = Utc::now();
        let long_ago = now - chrono::Duration::days(3);
        engine.process(&command("$old", "!aide"), long_ago).unwrap();
        engine.process(&command("$new", "!aide"), now).unwrap();
        assert_eq!(
            engine
                .prune_ledger(now - chrono::Duration::days(2))
                .unwrap(),
            1
        );
        assert!(!engine.is_handled("$old").unwrap());
        assert!(engine.is_handled("$new").unwrap());
    }

    /// The core with a bug: any message saying "boom", the retention job,
    /// and the reminders of meeting 2 panic.
    fn buggy(input: &Input, state: &State, now: DateTime<Utc>) -> Outcome {
        match input {
            Input::Message(message) if message.body.contains("boom") => panic!("a bug"),
            Input::Timer {
                purpose: TimerPurpose::Retention,
            } => panic!("a bug"),
            Input::Reminders(due) if due.iter().any(|reminder| reminder.meeting == 2) => {
                panic!("a bug")
            }
            _ => core::handle(input, state, now),
        }
    }

    fn ledger_entry(engine: &Engine, key: &str) -> LedgerEntry {
        decode(
            &engine
                .store()
                .get(Tree::Ledger, key.as_bytes())
                .unwrap()
                .unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn a_command_that_panics_gets_an_apology_once_and_the_bot_carries_on() {
        let engine = engine().with_handler(buggy);
        let now = Utc::now();
        assert_eq!(
            engine.process(&command("$bug", "!aide boom"), now).unwrap(),
            Processed::Committed {
                messages: 1,
                actions: 0
            }
        );
        assert!(ledger_entry(&engine, "$bug").failed);
        assert_eq!(engine.metrics().handling_failures.get(), 1);
        let outbox = engine.store().scan_prefix(Tree::Outbox, b"").unwrap();
        let entry: OutboxEntry = decode(&outbox[0].1).unwrap();
        let OutboxItem::Message { content, .. } = entry.item else {
            panic!("a message expected");
        };
        assert!(
            content["body"].as_str().unwrap().starts_with("Désolé"),
            "{content}"
        );
        assert_eq!(content["m.relates_to"]["m.in_reply_to"]["event_id"], "$bug");
        // Not tried again (at the next start, for instance).
        assert_eq!(
            engine.process(&command("$bug", "!aide boom"), now).unwrap(),
            Processed::AlreadyHandled
        );
        // The state is not poisoned: the next command is answered.
        assert_eq!(
            engine.process(&command("$next", "!aide"), now).unwrap(),
            Processed::Committed {
                messages: 1,
                actions: 0
            }
        );
        assert!(!ledger_entry(&engine, "$next").failed);
        assert_eq!(engine.metrics().handling_failures.get(), 1);
        // An ordinary message that panics is recorded, and answered by nobody.
        assert_eq!(
            engine.process(&command("$chat", "boom"), now).unwrap(),
            Processed::Committed {
                messages: 0,
                actions: 0
            }
        );
        assert!(ledger_entry(&engine, "$chat").failed);
    }

    #[test]
    fn a_timer_that_panics_is_removed_and_does_not_fire_again() {
        let engine = engine().with_handler(buggy);
        let now = Utc::now();
        engine
            .ensure_timer(TimerPurpose::Retention, now - chrono::Duration::minutes(1))
            .unwrap();
        let fired = engine.scheduler().next().unwrap().expect("a timer is due");
        assert!(matches!(
            engine.process_timer(&fired, now).unwrap(),
            Processed::Committed { .. }
        ));
        assert_eq!(engine.metrics().handling_failures.get(), 1);
        assert!(
            engine
                .store()
                .scan_prefix(Tree::Timers, b"")
                .unwrap()
                .is_empty(),
            "the failing timer is gone, not stored to fail at every start"
        );
        assert_eq!(
            engine.process(&command("$after", "!aide"), now).unwrap(),
            Processed::Committed {
                messages: 1,
                actions: 0
            }
        );
    }

    #[test]
    fn reminders_due_with_one_that_panics_still_go_for_the_others() {
        use chrono::TimeZone;
        let engine = engine().with_handler(buggy);
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap();
        for (index, place) in ["Local", "Mairie", "Gare"].iter().enumerate() {
            let body = format!("!reunion jeudi 18h30 | {place}");
            engine
                .process(&message_in("!sante:s", &format!("${index}"), &body), now)
                .unwrap();
        }
        let outbox_before = engine.store().scan_prefix(Tree::Outbox, b"").unwrap().len();
        let first_due = engine.scheduler().next().unwrap().unwrap().entry.due;
        let fired = engine.scheduler().due(first_due, 100).unwrap();
        assert_eq!(fired.len(), 3);
        engine.process_timers(&fired, first_due).unwrap();
        assert_eq!(engine.metrics().handling_failures.get(), 1);
        let outbox = engine.store().scan_prefix(Tree::Outbox, b"").unwrap();
        let bodies: Vec<String> = outbox[outbox_before..]
            .iter()
            .filter_map(
                |(_, value)| match decode::<OutboxEntry>(value).unwrap().item {
                    OutboxItem::Message { content, .. } => {
                        content["body"].as_str().map(str::to_owned)
                    }
                    _ => None,
                },
            )
            .collect();
        assert_eq!(bodies.len(), 2, "meetings 1 and 3 reminded: {bodies:?}");
        assert!(
            bodies.iter().any(|body| body.contains("Local")),
            "{bodies:?}"
        );
        assert!(
            bodies.iter().any(|body| body.contains("Gare")),
            "{bodies:?}"
        );
        assert!(
            !bodies.iter().any(|body| body.contains("Mairie")),
            "{bodies:?}"
        );
    }

    /// Editing a report 500 times does not post 500 cards: edits, like
    /// commands, go through the flood brake (and so do reactions).
    #[test]
    fn a_report_edited_in_a_loop_is_braked_like_commands() {
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        let mut settings = settings();
        settings.deputy_room_id = Some("!deputy:s".into());
        let engine = Engine::new(store.clone(), settings, None).unwrap();
        let now = Utc::now();
        engine
            .process(
                &message_in("!sante:s", "$report", "!remontee Le bus ne passe plus"),
                now,
            )
            .unwrap();
        engine
            .process(
                &Input::Sent {
                    tag: "report:1".into(),
                    event_id: "$card".into(),
                },
                now,
            )
            .unwrap();
        let in_deputy_room = |store: &Arc<dyn Store>| {
            store
                .scan_prefix(Tree::Outbox, b"!deputy:s\0")
                .unwrap()
                .len()
        };
        let before = in_deputy_room(&store);
        for index in 0..500 {
            let Input::Message(mut edit) = message_in(
                "!sante:s",
                &format!("$edit{index}"),
                &format!("!remontee Le bus ne passe plus ({index})"),
            ) else {
                unreachable!()
            };
            edit.is_edit = true;
            edit.replaces = Some("$report".into());
            engine.process(&Input::Message(edit), now).unwrap();
        }
        let cards = in_deputy_room(&store) - before;
        // The first command counted too: 19 edits reach the team.
        assert_eq!(
            cards,
            crate::flood::LIMIT - 1,
            "{cards} updates sent to the team"
        );
        assert!(engine.metrics().commands_throttled.get() >= 480);
        // Reactions too: a hundred clicks on an announcement, twenty taken.
        engine
            .process(
                &message_in("!sante:s", "$m", "!reunion jeudi 18h | Local"),
                now + chrono::Duration::minutes(5),
            )
            .unwrap();
        let later = now + chrono::Duration::minutes(5);
        engine
            .process(
                &Input::Sent {
                    tag: "meeting:1".into(),
                    event_id: "$announce".into(),
                },
                later,
            )
            .unwrap();
        let mut committed = 0;
        for index in 0..100 {
            let reaction = Input::Reaction {
                event_id: format!("$r{index}"),
                room_id: "!sante:s".into(),
                sender: "@camille:s".into(),
                relates_to: "$announce".into(),
                key: if index % 2 == 0 { "✅" } else { "❌" }.into(),
                at: later,
            };
            engine.process(&reaction, later).unwrap();
            let taken = engine.read(|state| {
                state.assembly.rsvps.values().any(|rsvp| {
                    rsvp.reaction_event_id.as_deref() == Some(format!("$r{index}").as_str())
                })
            });
            committed += usize::from(taken);
        }
        // Twenty in the minute, the meeting's own command included.
        assert_eq!(committed, crate::flood::LIMIT - 1, "{committed}");
    }

    /// Regression (issue 17): the general assembly's announcements in the
    /// theme rooms shared one ledger key, so only the first event id was
    /// recorded and reactions in the other rooms were ignored.
    #[test]
    fn each_general_assembly_announcement_is_answered_by_reaction() {
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        let mut settings = settings();
        settings.admins = vec!["@camille:s".into()];
        let engine = Engine::new(store.clone(), settings, None).unwrap();
        let now = Utc::now();
        engine
            .process(
                &message_in("!hub:s", "$ag", "!ag samedi 14h | Salle des fêtes | Bilan"),
                now,
            )
            .unwrap();
        let tags: Vec<String> = store
            .scan_prefix(Tree::Outbox, b"")
            .unwrap()
            .iter()
            .filter_map(
                |(_, value)| match decode::<OutboxEntry>(value).unwrap().item {
                    OutboxItem::Message { report, .. } => report,
                    _ => None,
                },
            )
            .collect();
        assert_eq!(tags.len(), 2, "{tags:?}");
        for (tag, event) in tags.iter().zip(["$in-hub", "$in-sante"]) {
            engine
                .process(
                    &Input::Sent {
                        tag: tag.clone(),
                        event_id: event.into(),
                    },
                    now,
                )
                .unwrap();
        }
        engine
            .process(
                &Input::Reaction {
                    event_id: "$yes".into(),
                    room_id: "!sante:s".into(),
                    sender: "@yann:s".into(),
                    relates_to: "$in-sante".into(),
                    key: "✅".into(),
                    at: now,
                },
                now,
            )
            .unwrap();
        assert!(engine.read(|state| {
            state
                .assembly
                .rsvps
                .contains_key(&(1, "@yann:s".to_owned()))
        }));
    }

    /// A refused message leaves its lane for the dead letters, without its
    /// text; the admins hear of it once a day per lane and reason.
    #[test]
    fn a_refused_entry_is_set_aside_and_told_to_the_admins_once_a_day() {
        use crate::core::delivery::Refusal;
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        let mut settings = settings();
        settings.admins = vec!["@admin:s".into()];
        let engine = Engine::new(store.clone(), settings, None).unwrap();
        let now = Utc::now();
        for index in 0..3 {
            engine
                .process(&message_in("!sante:s", &format!("$m{index}"), "!aide"), now)
                .unwrap();
        }
        let lane = |engine: &Engine| -> Vec<(Vec<u8>, OutboxEntry)> {
            engine
                .store()
                .scan_prefix(Tree::Outbox, b"!sante:s\0")
                .unwrap()
                .into_iter()
                .map(|(key, value)| (key, decode(&value).unwrap()))
                .collect()
        };
        let entries = lane(&engine);
        assert_eq!(entries.len(), 3);
        for (key, entry) in &entries[..2] {
            engine
                .set_aside(key, entry, Refusal::TooLarge, now)
                .unwrap();
        }
        assert_eq!(lane(&engine).len(), 1, "the lane goes on with the third");
        let dead: Vec<DeadLetter> = store
            .scan_prefix(Tree::DeadLetters, b"")
            .unwrap()
            .iter()
            .map(|(_, value)| decode(value).unwrap())
            .collect();
        assert_eq!(dead.len(), 2);
        assert_eq!(dead[0].room_id.as_deref(), Some("!sante:s"));
        assert_eq!(dead[0].reason, Refusal::TooLarge);
        let stored = format!("{:?}", store.dump().unwrap());
        assert!(
            !stored.contains("Commandes disponibles"),
            "no text kept aside"
        );
        let reports: Vec<OutboxEntry> = store
            .scan_prefix(Tree::Outbox, DIRECT_LANE_PREFIX.as_bytes())
            .unwrap()
            .iter()
            .map(|(_, value)| decode(value).unwrap())
            .collect();
        assert_eq!(reports.len(), 1, "told once: {reports:?}");
        let OutboxItem::Direct { user_id, content } = &reports[0].item else {
            panic!("a direct message");
        };
        assert_eq!(user_id, "@admin:s");
        assert!(
            content["body"].as_str().unwrap().contains("trop grand"),
            "{content}"
        );
        assert_eq!(engine.metrics().dead_letters.get(), 2);
        // The next day, the same refusal is told again.
        let (key, entry) = lane(&engine).remove(0);
        engine
            .set_aside(
                &key,
                &entry,
                Refusal::TooLarge,
                now + chrono::Duration::days(1),
            )
            .unwrap();
        assert_eq!(
            store
                .scan_prefix(Tree::Outbox, DIRECT_LANE_PREFIX.as_bytes())
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn ordinary_messages_leave_no_trace() {
        let engine = engine();
        let input = command("$2", "bonjour");
        assert_eq!(
            engine.process(&input, Utc::now()).unwrap(),
            Processed::Ignored
        );
        assert!(!engine.is_handled("$2").unwrap());
        assert!(
            engine
                .store()
                .scan_prefix(Tree::Outbox, b"")
                .unwrap()
                .is_empty()
        );
    }
}
