//! The bot's memory. This module is the only code that opens sled.
//!
//! [`Store`] is deliberately narrow: get, prefix scan, first entry, an atomic
//! batch across trees, and a monotonic id. Batches are durable when `apply`
//! returns, which is what lets the engine acknowledge a command only after its
//! effects are on disk (`apply_buffered` leaves the disk sync to the next
//! one, for the sync position only). [`MemoryStore`] is the in-memory twin; one conformance
//! suite (`conformance.rs`) runs against both.
//!
//! **Architecture Invariant:** every tree is named in [`Tree`] and nowhere
//! else; every value is a versioned record from [`records`].

pub mod domain;
pub mod export;
mod memory;
pub mod records;
pub mod seal;
mod sled_store;

#[cfg(test)]
pub(crate) mod conformance;

pub use memory::MemoryStore;
pub use sled_store::{OpenError, SledStore};

/// The catalog of trees. Adding one means adding it here, with its purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tree {
    /// Event ids already handled → when and where (the exactly-once ledger).
    Ledger,
    /// Messages decided but not yet acknowledged by the homeserver, keyed by
    /// room then sequence number, so each room drains in order.
    Outbox,
    /// Small singletons: the sync cursor, the first start time.
    Meta,
    /// Timers keyed by due time, for the scheduler.
    Timers,
    /// Themes created at run time, and the status of configured ones; by slug.
    Themes,
    /// Sign-ups, keyed by theme slug then user id.
    Memberships,
    /// Coordinators named with `!coordination`, keyed by slug then user id.
    Coordinations,
    /// What people chose to share (`!profil`), keyed by user id.
    Profiles,
    /// Proposed themes, keyed by number (big-endian).
    Proposals,
    /// Who was welcomed where, keyed by room id then user id.
    Welcomes,
    /// Polls, keyed by number (big-endian).
    Polls,
    /// Poll votes, keyed by poll number (big-endian), voter, event id.
    Votes,
    /// Secret ballots, keyed by number (big-endian).
    Ballots,
    /// Who may vote and has voted in open ballots: number, user id.
    Electors,
    /// Ballot boxes (counts only), keyed by ballot number.
    BallotBoxes,
    /// Meetings, keyed by number (big-endian).
    Meetings,
    /// Answers to meetings, keyed by meeting number then user id.
    Rsvps,
    /// Where each person wants reminders, keyed by user id.
    ReminderPreferences,
    /// Reminders missed while down, for the next digest: meeting, due time.
    MissedReminders,
    /// Date-finding polls (`!creneaux`), keyed by number.
    SlotPolls,
    /// Reactions on their slots: number, slot index, user id.
    SlotAnswers,
    /// Field reports, keyed by number.
    Reports,
    /// Proposed speakers, keyed by number.
    Speakers,
    /// Reports being written in direct chats, keyed by user id.
    ReportDrafts,
    /// Commands being written question by question, keyed by room id then
    /// user id.
    Dialogues,
    /// Outbox entries the homeserver refused for good, set aside so that
    /// their room's lane goes on: what and why, never the content. Keyed by
    /// the entry's sequence number.
    DeadLetters,
}

impl Tree {
    pub const ALL: [Tree; 26] = [
        Tree::Ledger,
        Tree::Outbox,
        Tree::Meta,
        Tree::Timers,
        Tree::Themes,
        Tree::Memberships,
        Tree::Coordinations,
        Tree::Profiles,
        Tree::Proposals,
        Tree::Welcomes,
        Tree::Polls,
        Tree::Votes,
        Tree::Ballots,
        Tree::Electors,
        Tree::BallotBoxes,
        Tree::Meetings,
        Tree::Rsvps,
        Tree::ReminderPreferences,
        Tree::MissedReminders,
        Tree::SlotPolls,
        Tree::SlotAnswers,
        Tree::Reports,
        Tree::Speakers,
        Tree::ReportDrafts,
        Tree::Dialogues,
        Tree::DeadLetters,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Tree::Ledger => "ledger",
            Tree::Outbox => "outbox",
            Tree::Meta => "meta",
            Tree::Timers => "timers",
            Tree::Themes => "themes",
            Tree::Memberships => "memberships",
            Tree::Coordinations => "coordinations",
            Tree::Profiles => "profiles",
            Tree::Proposals => "proposals",
            Tree::Welcomes => "welcomes",
            Tree::Polls => "polls",
            Tree::Votes => "votes",
            Tree::Ballots => "ballots",
            Tree::Electors => "electors",
            Tree::BallotBoxes => "ballot_boxes",
            Tree::Meetings => "meetings",
            Tree::Rsvps => "rsvps",
            Tree::ReminderPreferences => "reminder_preferences",
            Tree::MissedReminders => "missed_reminders",
            Tree::SlotPolls => "slot_polls",
            Tree::SlotAnswers => "slot_answers",
            Tree::Reports => "reports",
            Tree::Speakers => "speakers",
            Tree::ReportDrafts => "report_drafts",
            Tree::Dialogues => "dialogues",
            Tree::DeadLetters => "dead_letters",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    Put {
        tree: Tree,
        key: Vec<u8>,
        value: Vec<u8>,
    },
    /// Like `Put`, but the whole batch fails with [`StoreError::Conflict`] if
    /// the key already exists: the ledger's at-most-once guard.
    Insert {
        tree: Tree,
        key: Vec<u8>,
        value: Vec<u8>,
    },
    Delete {
        tree: Tree,
        key: Vec<u8>,
    },
}

/// Writes applied all together or not at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    pub operations: Vec<Operation>,
}

impl Batch {
    pub fn put(&mut self, tree: Tree, key: impl Into<Vec<u8>>, value: Vec<u8>) -> &mut Self {
        self.operations.push(Operation::Put {
            tree,
            key: key.into(),
            value,
        });
        self
    }

    pub fn insert(&mut self, tree: Tree, key: impl Into<Vec<u8>>, value: Vec<u8>) -> &mut Self {
        self.operations.push(Operation::Insert {
            tree,
            key: key.into(),
            value,
        });
        self
    }

    pub fn delete(&mut self, tree: Tree, key: impl Into<Vec<u8>>) -> &mut Self {
        self.operations.push(Operation::Delete {
            tree,
            key: key.into(),
        });
        self
    }

    pub fn is_empty(&self) -> bool {
        self.operations.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sled(#[from] sled::Error),
    #[error("key already present in {}", tree.name())]
    Conflict { tree: Tree },
    #[error("a {kind} record has schema version {found}, this boucle reads version {expected}")]
    UnsupportedVersion {
        kind: &'static str,
        found: u64,
        expected: u32,
    },
    #[error("a {kind} record cannot be decoded: {details}")]
    Decode { kind: &'static str, details: String },
    #[error("cannot restore into a store that already holds data")]
    NotEmpty,
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Every entry of every tree as of one moment, and the next id: all a store
/// is, in a form that can be written out and read back (`store::export`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dump {
    /// The id the store would hand out next; a restored store goes on from it.
    pub next_id: u64,
    /// Each tree of [`Tree::ALL`] with its entries in key order; empty trees
    /// included.
    pub trees: Vec<(Tree, Vec<KeyValue>)>,
}

impl Dump {
    pub fn entries(&self, tree: Tree) -> &[KeyValue] {
        self.trees
            .iter()
            .find(|(candidate, _)| *candidate == tree)
            .map(|(_, entries)| entries.as_slice())
            .unwrap_or_default()
    }
}

pub type KeyValue = (Vec<u8>, Vec<u8>);

/// What the rest of boucle may ask of storage.
pub trait Store: Send + Sync + 'static {
    fn get(&self, tree: Tree, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;

    /// Every entry whose key starts with `prefix`, in key order.
    fn scan_prefix(&self, tree: Tree, prefix: &[u8]) -> Result<Vec<KeyValue>, StoreError>;

    /// The entry with the smallest key.
    fn first(&self, tree: Tree) -> Result<Option<KeyValue>, StoreError>;

    /// Up to `limit` entries with keys at or after `from`, in key order.
    fn scan_from(&self, tree: Tree, from: &[u8], limit: usize)
    -> Result<Vec<KeyValue>, StoreError>;

    /// Applies every operation atomically; durable on disk when this returns.
    fn apply(&self, batch: Batch) -> Result<(), StoreError>;

    /// Applies every operation atomically, as [`Store::apply`], but leaves
    /// the disk sync to the next `apply` (or to the store's own, within half
    /// a second). Only for what a crash may lose without harm: the sync
    /// position, which the ledger makes safe to read again. Ordinary chatter
    /// then costs the bot no disk sync at all.
    fn apply_buffered(&self, batch: Batch) -> Result<(), StoreError>;

    /// A number greater than any this store returned before, across restarts.
    fn next_id(&self) -> Result<u64, StoreError>;

    /// Everything, as of one moment: no batch is half in it. Hands out one id
    /// (the dump's `next_id`) so that a store restored from it goes on from
    /// there, above every id used before.
    fn dump(&self) -> Result<Dump, StoreError>;

    /// Writes and flushes a value only the store itself reads: whether the
    /// store still accepts durable writes (for `/healthz`).
    fn probe_write(&self) -> Result<(), StoreError>;

    /// Fills an empty store with `dump`, durably; its next id is
    /// `dump.next_id`. Refused with [`StoreError::NotEmpty`] otherwise.
    fn restore(&self, dump: &Dump) -> Result<(), StoreError>;
}
