//! The sled-backed store: one sled tree per [`Tree`], transactions across
//! trees, and an explicit flush before `apply` returns.
//!
//! sled's default page cache is 1 GiB; a bot beside a homeserver on a small
//! VPS gets a bounded one instead.
//!
//! Ids come from a counter kept in memory and written with every batch, so
//! every id found in the data is below the stored counter, and a dump taken
//! after a restart says the same as one taken before it.
//!
//! [`SledStore::compact`] rewrites the database into a fresh directory and
//! swaps it in: sled never rewrites old log segments, so this is what makes
//! erased data physically gone. A crash at any step of the swap is finished
//! or undone at the next [`SledStore::open`].

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{RwLock, RwLockReadGuard};

use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use super::{Batch, Dump, KeyValue, Operation, Store, StoreError, Tree};

/// Page cache bound: plenty for thousands of meetings and members.
const CACHE_CAPACITY_BYTES: u64 = 32 * 1024 * 1024;

/// sled's own tree for what only this module reads: the id counter.
const INTERNAL_TREE: &str = "boucle_internal";
const ISSUED_KEY: &[u8] = b"issued_ids";
/// When the database was last compacted (or created), Unix seconds.
const COMPACTED_KEY: &[u8] = b"compacted_at";

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Another boucle (or `boucle export`) has it open.
    #[error("the database in {path} is in use by another boucle process")]
    InUse { path: String },
    /// sled could not read its own files, or they are not a sled database.
    #[error("the database in {path} is damaged: {details}")]
    Damaged { path: String, details: String },
    #[error("the database in {path} cannot be opened: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

struct Open {
    database: sled::Db,
    /// The [`Tree::ALL`] trees in order, then the internal tree.
    trees: Vec<sled::Tree>,
}

pub struct SledStore {
    path: PathBuf,
    /// Read-locked by every operation; write-locked by `dump` (one moment)
    /// and `compact` (the swap).
    open: RwLock<Open>,
    /// The highest id handed out.
    issued: AtomicU64,
}

impl std::fmt::Debug for SledStore {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("SledStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// How long an open waits for a lock held by this process's own handle that
/// was just closed: sled's writer threads let go of the files a moment after
/// the handle is dropped. Another process holding it is refused after this.
const RELEASE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

fn open_database(path: &Path) -> Result<Open, OpenError> {
    let started = std::time::Instant::now();
    let database = loop {
        let opened = sled::Config::new()
            .path(path)
            .cache_capacity(CACHE_CAPACITY_BYTES)
            .mode(sled::Mode::LowSpace)
            .open()
            .map_err(|error| classify(path, error));
        match opened {
            Err(OpenError::InUse { .. }) if started.elapsed() < RELEASE_WAIT => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => break other?,
        }
    };
    let mut trees = Vec::with_capacity(Tree::ALL.len() + 1);
    for name in Tree::ALL
        .iter()
        .map(|tree| tree.name())
        .chain([INTERNAL_TREE])
    {
        trees.push(
            database
                .open_tree(name)
                .map_err(|error| classify(path, error))?,
        );
    }
    Ok(Open { database, trees })
}

fn classify(path: &Path, error: sled::Error) -> OpenError {
    let path = path.display().to_string();
    match error {
        sled::Error::Io(source) if source.kind() == std::io::ErrorKind::WouldBlock => {
            OpenError::InUse { path }
        }
        sled::Error::Io(source)
            if source.to_string().contains("lock") || source.raw_os_error() == Some(11) =>
        {
            OpenError::InUse { path }
        }
        sled::Error::Io(source) if source.kind() == std::io::ErrorKind::PermissionDenied => {
            OpenError::Io { path, source }
        }
        other => OpenError::Damaged {
            path,
            details: other.to_string(),
        },
    }
}

impl SledStore {
    /// Opens (or creates) the database at `path`, first finishing or undoing
    /// a compaction a crash interrupted.
    pub fn open(path: &Path) -> Result<Self, OpenError> {
        recover_swap(path).map_err(|source| OpenError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let open = open_database(path)?;
        let issued = read_issued(&open).map_err(|error| classify(path, error))?;
        let internal = open.trees.last().expect("internal tree");
        if internal
            .get(COMPACTED_KEY)
            .map_err(|error| classify(path, error))?
            .is_none()
        {
            // A new database counts as freshly compacted.
            internal
                .insert(COMPACTED_KEY, &chrono::Utc::now().timestamp().to_be_bytes())
                .map_err(|error| classify(path, error))?;
        }
        Ok(SledStore {
            path: path.to_owned(),
            open: RwLock::new(open),
            issued: AtomicU64::new(issued),
        })
    }

    fn read(&self) -> RwLockReadGuard<'_, Open> {
        self.open.read().expect("sled store lock")
    }

    /// The database's size on disk, in bytes.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.read().database.size_on_disk()?)
    }

    /// When [`SledStore::compact`] last ran (or the database was created).
    pub fn last_compaction(&self) -> Result<Option<chrono::DateTime<chrono::Utc>>, StoreError> {
        Ok(self
            .read()
            .trees
            .last()
            .expect("internal tree")
            .get(COMPACTED_KEY)?
            .and_then(|bytes| <[u8; 8]>::try_from(bytes.as_ref()).ok())
            .and_then(|bytes| chrono::DateTime::from_timestamp(i64::from_be_bytes(bytes), 0)))
    }

    /// Rewrites the database through a dump into a fresh directory, then
    /// swaps it in and deletes the old files. Every operation waits meanwhile.
    pub fn compact(&self, at: chrono::DateTime<chrono::Utc>) -> Result<(), StoreError> {
        let mut open = self.open.write().expect("sled store lock");
        let dump = dump_open(&open, &self.issued)?;
        let fresh = sibling(&self.path, ".compacting");
        let previous = sibling(&self.path, ".previous");
        if fresh.exists() {
            std::fs::remove_dir_all(&fresh)?;
        }
        {
            let target = open_database(&fresh).map_err(open_to_store)?;
            restore_open(&target, &dump)?;
            target
                .trees
                .last()
                .expect("internal tree")
                .insert(COMPACTED_KEY, &at.timestamp().to_be_bytes())?;
            target.database.flush()?;
        }
        open.database.flush()?;
        // The old handle is replaced by the new one below; until then the
        // old files are renamed but still open, which Unix allows.
        *open = swap_in(&self.path, open_database)?;
        self.issued.store(read_issued(&open)?, Ordering::SeqCst);
        std::fs::remove_dir_all(&previous)?;
        Ok(())
    }
}

/// Puts the complete copy `X.compacting` in place of `X` (kept as
/// `X.previous`) and opens it. If it cannot be opened, the swap is undone:
/// the old handle, still in use, goes on writing to files that are again at
/// their place, not to `X.previous`, which the next start would delete.
fn swap_in(
    path: &Path,
    reopen: impl FnOnce(&Path) -> Result<Open, OpenError>,
) -> Result<Open, StoreError> {
    let fresh = sibling(path, ".compacting");
    let previous = sibling(path, ".previous");
    std::fs::rename(path, &previous)?;
    std::fs::rename(&fresh, path)?;
    sync_directory(path);
    match reopen(path) {
        Ok(reopened) => Ok(reopened),
        Err(error) => {
            std::fs::rename(path, &fresh)?;
            std::fs::rename(&previous, path)?;
            sync_directory(path);
            Err(open_to_store(error))
        }
    }
}

fn open_to_store(error: OpenError) -> StoreError {
    match error {
        OpenError::Io { source, .. } => StoreError::Io(source),
        other => StoreError::Io(std::io::Error::other(other.to_string())),
    }
}

fn sync_directory(path: &Path) {
    if let Some(parent) = path.parent()
        && let Ok(directory) = std::fs::File::open(if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        })
    {
        let _ = directory.sync_all();
    }
}

/// The swap is: write `X.compacting` completely, rename `X` to `X.previous`,
/// rename `X.compacting` to `X`, delete `X.previous`. Whatever step a crash
/// stopped at, this leaves exactly one complete database at `X`.
fn recover_swap(path: &Path) -> std::io::Result<()> {
    let fresh = sibling(path, ".compacting");
    let previous = sibling(path, ".previous");
    match (path.exists(), previous.exists(), fresh.exists()) {
        // Between the two renames: the fresh copy is complete.
        (false, true, true) => {
            std::fs::rename(&fresh, path)?;
            std::fs::remove_dir_all(&previous)?;
        }
        // Only the previous one left (should not happen): put it back.
        (false, true, false) => std::fs::rename(&previous, path)?,
        (true, previous_exists, fresh_exists) => {
            // Crash while writing the copy: the original is intact.
            if fresh_exists {
                std::fs::remove_dir_all(&fresh)?;
            }
            // Crash after the swap, before the old files were deleted.
            if previous_exists {
                std::fs::remove_dir_all(&previous)?;
            }
        }
        (false, false, _) => {}
    }
    Ok(())
}

fn read_issued(open: &Open) -> Result<u64, sled::Error> {
    Ok(open
        .trees
        .last()
        .expect("internal tree")
        .get(ISSUED_KEY)?
        .and_then(|bytes| <[u8; 8]>::try_from(bytes.as_ref()).ok())
        .map(u64::from_be_bytes)
        .unwrap_or(0))
}

fn index_of(tree: Tree) -> usize {
    Tree::ALL
        .iter()
        .position(|candidate| *candidate == tree)
        .expect("in ALL")
}

/// Writes `batch` in one sled transaction, with the highest id issued so
/// far; the caller decides when it reaches the disk.
fn write_batch(open: &Open, issued: &AtomicU64, batch: &Batch) -> Result<(), StoreError> {
    let internal = Tree::ALL.len();
    let result = open.trees.as_slice().transaction(|trees| {
        for operation in &batch.operations {
            match operation {
                Operation::Put { tree, key, value } => {
                    trees[index_of(*tree)].insert(key.as_slice(), value.as_slice())?;
                }
                Operation::Insert { tree, key, value } => {
                    let target = &trees[index_of(*tree)];
                    if target.get(key.as_slice())?.is_some() {
                        return Err(ConflictableTransactionError::Abort(*tree));
                    }
                    target.insert(key.as_slice(), value.as_slice())?;
                }
                Operation::Delete { tree, key } => {
                    trees[index_of(*tree)].remove(key.as_slice())?;
                }
            }
        }
        // Every id this batch uses was handed out before this point.
        let issued = issued.load(Ordering::SeqCst);
        trees[internal].insert(ISSUED_KEY, &issued.to_be_bytes())?;
        Ok(())
    });
    result.map_err(|error| match error {
        TransactionError::Abort(tree) => StoreError::Conflict { tree },
        TransactionError::Storage(error) => error.into(),
    })
}

fn dump_open(open: &Open, issued: &AtomicU64) -> Result<Dump, StoreError> {
    let mut trees = Vec::with_capacity(Tree::ALL.len());
    for tree in Tree::ALL {
        let entries = open.trees[index_of(tree)]
            .iter()
            .map(|entry| {
                let (key, value) = entry?;
                Ok((key.to_vec(), value.to_vec()))
            })
            .collect::<Result<Vec<_>, sled::Error>>()?;
        trees.push((tree, entries));
    }
    Ok(Dump {
        next_id: issued.load(Ordering::SeqCst) + 1,
        trees,
    })
}

fn restore_open(open: &Open, dump: &Dump) -> Result<(), StoreError> {
    for tree in &open.trees[..Tree::ALL.len()] {
        if !tree.is_empty() {
            return Err(StoreError::NotEmpty);
        }
    }
    for (tree, entries) in &dump.trees {
        let target = &open.trees[index_of(*tree)];
        let mut batch = sled::Batch::default();
        for (key, value) in entries {
            batch.insert(key.as_slice(), value.as_slice());
        }
        target.apply_batch(batch)?;
    }
    open.trees
        .last()
        .expect("internal tree")
        .insert(ISSUED_KEY, &dump.next_id.saturating_sub(1).to_be_bytes())?;
    open.database.flush()?;
    Ok(())
}

impl Store for SledStore {
    fn get(&self, tree: Tree, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.read().trees[index_of(tree)]
            .get(key)?
            .map(|value| value.to_vec()))
    }

    fn scan_prefix(&self, tree: Tree, prefix: &[u8]) -> Result<Vec<KeyValue>, StoreError> {
        self.read().trees[index_of(tree)]
            .scan_prefix(prefix)
            .map(|entry| {
                let (key, value) = entry?;
                Ok((key.to_vec(), value.to_vec()))
            })
            .collect()
    }

    fn first(&self, tree: Tree) -> Result<Option<KeyValue>, StoreError> {
        Ok(self.read().trees[index_of(tree)]
            .first()?
            .map(|(key, value)| (key.to_vec(), value.to_vec())))
    }

    fn scan_from(
        &self,
        tree: Tree,
        from: &[u8],
        limit: usize,
    ) -> Result<Vec<KeyValue>, StoreError> {
        self.read().trees[index_of(tree)]
            .range(from..)
            .take(limit)
            .map(|entry| {
                let (key, value) = entry?;
                Ok((key.to_vec(), value.to_vec()))
            })
            .collect()
    }

    fn apply(&self, batch: Batch) -> Result<(), StoreError> {
        if batch.is_empty() {
            return Ok(());
        }
        let open = self.read();
        write_batch(&open, &self.issued, &batch)?;
        // Durable before anyone is told: a reply is only sent once its
        // command's effects are on disk.
        open.database.flush()?;
        Ok(())
    }

    fn apply_buffered(&self, batch: Batch) -> Result<(), StoreError> {
        if batch.is_empty() {
            return Ok(());
        }
        // sled writes it to disk with the next flush: the next `apply`, or
        // its own every 500 ms (`flush_every_ms`, left at its default).
        write_batch(&self.read(), &self.issued, &batch)
    }

    fn next_id(&self) -> Result<u64, StoreError> {
        Ok(self.issued.fetch_add(1, Ordering::SeqCst) + 1)
    }

    fn probe_write(&self) -> Result<(), StoreError> {
        let open = self.read();
        open.trees.last().expect("internal tree").insert(
            b"health_probe",
            &chrono::Utc::now().timestamp_millis().to_be_bytes(),
        )?;
        open.database.flush()?;
        Ok(())
    }

    fn dump(&self) -> Result<Dump, StoreError> {
        // The write lock: no batch can land while the trees are read.
        let open = self.open.write().expect("sled store lock");
        dump_open(&open, &self.issued)
    }

    fn restore(&self, dump: &Dump) -> Result<(), StoreError> {
        let open = self.open.write().expect("sled store lock");
        restore_open(&open, dump)?;
        self.issued
            .store(dump.next_id.saturating_sub(1), Ordering::SeqCst);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A handle closed a moment ago (by another thread, as sled's own do)
    /// does not make the next open fail.
    #[test]
    fn an_open_waits_for_a_handle_being_closed() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("state");
        let first = SledStore::open(&path).unwrap();
        let closing = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(200));
            drop(first);
        });
        let second = SledStore::open(&path);
        closing.join().unwrap();
        assert!(second.is_ok(), "{second:?}");
    }

    /// A compaction whose copy cannot be opened leaves the original in place,
    /// still written through the handle in use, and the copy aside.
    #[test]
    fn a_copy_that_cannot_be_opened_is_swapped_back_out() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("state");
        let store = SledStore::open(&path).unwrap();
        let mut batch = Batch::default();
        batch.put(Tree::Meta, b"k".to_vec(), b"original".to_vec());
        store.apply(batch).unwrap();
        {
            let copy = open_database(&sibling(&path, ".compacting")).unwrap();
            copy.trees[index_of(Tree::Meta)]
                .insert(b"k", b"copy".as_slice())
                .unwrap();
            copy.database.flush().unwrap();
        }
        let refused = swap_in(&path, |at| {
            Err(OpenError::InUse {
                path: at.display().to_string(),
            })
        });
        assert!(refused.is_err());
        assert!(!sibling(&path, ".previous").exists());
        assert!(sibling(&path, ".compacting").exists());
        // The handle in use writes to the files at `path`.
        let mut batch = Batch::default();
        batch.put(Tree::Meta, b"after".to_vec(), b"x".to_vec());
        store.apply(batch).unwrap();
        drop(store);
        let reopened = SledStore::open(&path).unwrap();
        assert_eq!(
            reopened.get(Tree::Meta, b"k").unwrap(),
            Some(b"original".to_vec())
        );
        assert_eq!(
            reopened.get(Tree::Meta, b"after").unwrap(),
            Some(b"x".to_vec())
        );
        assert!(!sibling(&path, ".compacting").exists(), "cleared at start");
    }
}
