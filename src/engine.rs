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

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use crate::core::{self, Input, State};
use crate::store::records::{LedgerEntry, OutboxEntry, decode, encode, outbox_key};
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
}

impl Failpoint {
    pub fn from_env() -> Option<Failpoint> {
        match std::env::var("BOUCLE_FAILPOINT").ok()?.as_str() {
            "after-commit" => Some(Failpoint::AfterCommit),
            "after-send" => Some(Failpoint::AfterSend),
            _ => None,
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
    /// Committed: `messages` replies are in the outbox.
    Committed { messages: usize },
}

pub struct Engine {
    store: Arc<dyn Store>,
    state: State,
    outbox_wakeup: Arc<Notify>,
    failpoint: Option<Failpoint>,
}

impl Engine {
    pub fn new(store: Arc<dyn Store>, state: State, failpoint: Option<Failpoint>) -> Self {
        Engine {
            store,
            state,
            outbox_wakeup: Arc::new(Notify::new()),
            failpoint,
        }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    /// Woken whenever new messages wait in the outbox.
    pub fn outbox_wakeup(&self) -> Arc<Notify> {
        self.outbox_wakeup.clone()
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

    /// Handles one input at most once; its event id keys the ledger.
    pub fn process(&self, input: &Input, now: DateTime<Utc>) -> Result<Processed, StoreError> {
        let Input::Message(message) = input;
        let event_id = message.event_id.as_str();
        if self.is_handled(event_id)? {
            return Ok(Processed::AlreadyHandled);
        }
        let outcome = core::handle(input, &self.state, now);
        if outcome.messages.is_empty() {
            return Ok(Processed::Ignored);
        }
        let mut batch = Batch::default();
        batch.insert(
            Tree::Ledger,
            event_id.as_bytes().to_vec(),
            encode(&LedgerEntry {
                room_id: message.room_id.clone(),
                handled_at: now,
            }),
        );
        for outgoing in &outcome.messages {
            let entry = OutboxEntry {
                room_id: outgoing.room_id.clone(),
                event_type: "m.room.message".to_owned(),
                content: outgoing.content(),
                created_at: now,
            };
            batch.put(
                Tree::Outbox,
                outbox_key(&outgoing.room_id, self.store.next_id()?),
                encode(&entry),
            );
        }
        match self.store.apply(batch) {
            Ok(()) => {}
            Err(StoreError::Conflict { tree: Tree::Ledger }) => {
                return Ok(Processed::AlreadyHandled);
            }
            Err(error) => return Err(error),
        }
        if let Some(command) = outcome.command {
            tracing::info!(?command, room = %message.room_id, "command handled");
        }
        Failpoint::trigger(self.failpoint, Failpoint::AfterCommit);
        self.outbox_wakeup.notify_one();
        Ok(Processed::Committed {
            messages: outcome.messages.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{IncomingMessage, MessageKind, Settings};
    use crate::i18n::Language;
    use crate::store::MemoryStore;

    fn engine() -> Engine {
        let settings = Settings {
            bot_user_id: "@boucle:s".into(),
            prefix: "!".into(),
            language: Language::Fr,
            time_zone: chrono_tz::Europe::Paris,
            hub_room_id: None,
            deputy_room_id: None,
            admins: vec![],
            themes: vec![],
        };
        Engine::new(
            Arc::new(MemoryStore::new()),
            State::new(settings).unwrap(),
            None,
        )
    }

    fn command(event_id: &str, body: &str) -> Input {
        Input::Message(IncomingMessage {
            event_id: event_id.into(),
            room_id: "!r:s".into(),
            sender: "@camille:s".into(),
            body: body.into(),
            kind: MessageKind::Text,
            is_edit: false,
            sender_power_level: 0,
            is_direct: false,
        })
    }

    #[test]
    fn a_command_is_committed_once_with_its_reply_in_the_outbox() {
        let engine = engine();
        let now = Utc::now();
        let input = command("$1", "!aide");
        assert_eq!(
            engine.process(&input, now).unwrap(),
            Processed::Committed { messages: 1 }
        );
        assert_eq!(
            engine.process(&input, now).unwrap(),
            Processed::AlreadyHandled
        );
        let outbox = engine.store().scan_prefix(Tree::Outbox, b"").unwrap();
        assert_eq!(outbox.len(), 1, "answered exactly once");
        let entry: OutboxEntry = decode(&outbox[0].1).unwrap();
        assert_eq!(entry.room_id, "!r:s");
        assert_eq!(
            entry.content["m.relates_to"]["m.in_reply_to"]["event_id"],
            "$1"
        );
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
