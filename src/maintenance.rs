//! Keeping the bot's data safe on disk: opening it (and refusing damaged
//! data), daily backups, scrubbing backups after an erasure, and compaction.
//!
//! Backups are export files (`store::export`) in `<data_dir>/backups/`,
//! written to a temporary file and renamed, so a backup is whole or absent.
//! The dump behind one is taken under the store's write lock, so no batch is
//! half in it.
//!
//! When someone asks to be forgotten, the engine erases their records and
//! leaves a `PendingErasure` mark. A little later (several requests share the
//! work) the backups are rewritten without that person's data, the mark is
//! removed, and the database is compacted: after that, nothing of them is in
//! any file of the data directory. Compaction also runs weekly.
//!
//! When a secret ballot closes, the engine forgets who may vote and who
//! voted, and leaves a mark under `CLOSED_BALLOT_PREFIX`: the same clean-up
//! removes that ballot's electors from the backups, so that even the
//! passphrase's holder cannot later set them beside the counts.
//!
//! **Architecture Invariant:** this module uses the store through its API and
//! the core's own erasure (`core::privacy::erase`); it knows nothing of
//! Matrix.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::Notify;

use crate::core::{Settings, State};
use crate::store::domain::{load_assembly, seal_clear_records, write_change};
use crate::store::export;
use crate::store::records::{CLOSED_BALLOT_PREFIX, ERASURE_PREFIX};
use crate::store::seal::Seal;
use crate::store::{Batch, MemoryStore, OpenError, SledStore, Store, StoreError, Tree};

/// How often backups are made, and compaction runs without an erasure.
pub const BACKUP_INTERVAL_HOURS: i64 = 24;
pub const COMPACTION_INTERVAL_DAYS: i64 = 7;

pub fn state_path(data_dir: &Path) -> PathBuf {
    data_dir.join("state")
}

pub fn backups_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("backups")
}

/// Why boucle will not start on its data. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error(
        "the database in {path} is in use by another boucle process.\n\
         Stop it first (systemctl stop boucle), or read the daily backups in {backups}."
    )]
    InUse { path: String, backups: String },
    #[error(
        "the database in {path} is damaged and cannot be read ({details}).\n\
         boucle will not run on damaged data, and has deleted nothing.\n{advice}"
    )]
    Damaged {
        path: String,
        details: String,
        advice: String,
    },
    #[error("{details}.\nThis data was written by a newer boucle: run that version (or newer).")]
    TooNew { details: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// What to do with damaged data: where the last backup is and the command
/// that restores it.
pub fn restore_advice(data_dir: &Path) -> String {
    let state = state_path(data_dir);
    match latest_backup(&backups_dir(data_dir)) {
        Some(backup) => format!(
            "The last backup is {backup}.\n\
             To restore it: move the damaged database aside, then import the backup:\n    \
             mv {state} {state}.damaged\n    \
             boucle import -c <your config.toml> {backup}",
            backup = backup.display(),
            state = state.display(),
        ),
        None => format!(
            "No backup was found in {}. Keep {} as it is (do not delete it): \
             deploy/README.md, \"When the database is damaged\", says what to try.",
            backups_dir(data_dir).display(),
            state.display()
        ),
    }
}

/// Opens the database after reading every record once. The check runs on a
/// copy, because sled writes to a database as it opens it: damaged data is
/// left exactly as it was found, for a person to look at.
///
/// Electors and ballot boxes are read with `seal`. Those a version before
/// sealing wrote in clear are sealed here, in the database and in the
/// backups, and the database is compacted so that no clear copy remains.
pub fn open_state(data_dir: &Path, seal: &Seal) -> Result<SledStore, StateError> {
    let path = state_path(data_dir);
    let shown = path.display().to_string();
    let damaged = |details: String| StateError::Damaged {
        path: shown.clone(),
        details,
        advice: restore_advice(data_dir),
    };
    let opened = |result: Result<SledStore, OpenError>| match result {
        Ok(store) => Ok(store),
        Err(OpenError::InUse { .. }) => Err(StateError::InUse {
            path: shown.clone(),
            backups: backups_dir(data_dir).display().to_string(),
        }),
        Err(OpenError::Damaged { details, .. }) => Err(damaged(details)),
        Err(OpenError::Io { source, .. }) => Err(StateError::Io(source)),
    };
    if path.exists() {
        // A running bot is reported as such, not as damage.
        if is_locked(&path.join("db")) {
            return opened(Err(OpenError::InUse {
                path: shown.clone(),
            }));
        }
        let copy = data_dir.join(format!("state.check-{}", std::process::id()));
        if copy.exists() {
            std::fs::remove_dir_all(&copy)?;
        }
        copy_directory(&path, &copy)?;
        let checked = opened(SledStore::open(&copy)).and_then(|store| {
            store.dump().map_err(|error| damaged(error.to_string()))?;
            match load_assembly(&store, seal) {
                Ok(_) => Ok(()),
                Err(error @ StoreError::UnsupportedVersion { .. }) => Err(StateError::TooNew {
                    details: error.to_string(),
                }),
                Err(error) => Err(damaged(error.to_string())),
            }
        });
        std::fs::remove_dir_all(&copy)?;
        checked?;
    }
    let store = opened(SledStore::open(&path))?;
    let sealed = seal_clear_records(&store, seal).map_err(|error| damaged(error.to_string()))?;
    if sealed > 0 {
        store
            .compact(Utc::now())
            .map_err(|error| damaged(error.to_string()))?;
    }
    // Every start, not only when the live database had clear records: a
    // start cut off between the two, or a backup put back by hand, would
    // otherwise keep them in clear.
    remove_unfinished_backups(&backups_dir(data_dir));
    // A backup that cannot be read now (permissions, a failing disk) does
    // not stop the bot: it is sealed at a later start.
    let backups = seal_clear_backups(&backups_dir(data_dir), seal).unwrap_or_else(|error| {
        tracing::error!(%error, "a backup cannot be read; it is sealed at a later start");
        0
    });
    if sealed > 0 || backups > 0 {
        tracing::info!(
            records = sealed,
            backups,
            "secret-ballot records written in clear by an older version are now sealed"
        );
    }
    Ok(store)
}

/// Opens each backup of `directory` in memory, lets `change` edit it, and
/// writes it back (atomically) when `change` says it changed something.
/// Returns how many backups were rewritten.
fn rewrite_backups(
    directory: &Path,
    change: impl Fn(&MemoryStore) -> Result<bool, StoreError>,
) -> Result<usize, ScrubError> {
    let backups = list_backups(directory).map_err(|source| ScrubError::Read {
        path: directory.display().to_string(),
        source,
    })?;
    let mut rewritten = 0;
    for path in &backups {
        let shown = path.display().to_string();
        let read_error = |source| ScrubError::Read {
            path: shown.clone(),
            source,
        };
        let store_error = |source| ScrubError::Store {
            path: shown.clone(),
            source,
        };
        let Some((_, dump)) = read_backup(path)? else {
            continue;
        };
        let store = MemoryStore::new();
        store.restore(&dump).map_err(store_error)?;
        if change(&store).map_err(store_error)? {
            let text = export::to_text(&store.dump().map_err(store_error)?);
            write_atomically(path, &text).map_err(read_error)?;
            rewritten += 1;
        }
    }
    Ok(rewritten)
}

/// A backup's text and contents. `None` when it is not a backup any more
/// (cut short, edited by hand): it could not be restored, nor sealed or
/// cleaned of what `!oublier` or a closed ballot removed since, so it is
/// deleted, with a warning, and the others go on. A file that cannot be
/// read at all (permissions, a failing disk) is an error: tried again
/// later, never skipped as if done.
fn read_backup(path: &Path) -> Result<Option<(String, crate::store::Dump)>, ScrubError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ScrubError::Read {
        path: shown.clone(),
        source,
    })?;
    match export::from_text(&text) {
        Ok(dump) => Ok(Some((text, dump))),
        Err(error) => {
            match std::fs::remove_file(path) {
                Ok(()) => tracing::warn!(
                    backup = %shown,
                    %error,
                    "a backup that is not one any more (cut short or edited) is deleted: \
                     it could not be restored, nor cleaned of erased data"
                ),
                Err(remove) => tracing::error!(
                    backup = %shown,
                    %error,
                    %remove,
                    "a damaged backup could not be deleted; delete it by hand"
                ),
            }
            Ok(None)
        }
    }
}

/// Deletes the temporary files a backup (or a backup's rewrite) cut short
/// by a crash leaves behind (`….json.tmp`): never listed as backups, they
/// would escape sealing, erasure and the closed ballots' clean-up. The
/// backup they were for is whole (the old one) or was never written.
fn remove_unfinished_backups(directory: &Path) {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return;
    };
    for path in entries.filter_map(|entry| entry.ok().map(|entry| entry.path())) {
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("");
        if name.starts_with("boucle-") && name.ends_with(".json.tmp") {
            match std::fs::remove_file(&path) {
                Ok(()) => tracing::info!(file = %path.display(), "an unfinished backup is deleted"),
                Err(error) => {
                    tracing::warn!(file = %path.display(), %error, "cannot delete an unfinished backup")
                }
            }
        }
    }
}

/// Seals, in every backup of `directory`, the records written in clear
/// before sealing. Returns how many backups were rewritten.
fn seal_clear_backups(directory: &Path, seal: &Seal) -> Result<usize, ScrubError> {
    rewrite_backups(directory, |store| {
        seal_clear_records(store, seal).map(|sealed| sealed > 0)
    })
}

/// Whether another process holds sled's lock on its `db` file.
fn is_locked(db_file: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let Ok(file) = std::fs::File::open(db_file) else {
            return false;
        };
        // SAFETY: flock on a file descriptor this function owns.
        let taken = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if taken == 0 {
            // SAFETY: as above; the lock is released with the file anyway.
            unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_UN) };
            return false;
        }
        true
    }
    #[cfg(not(unix))]
    {
        let _ = db_file;
        false
    }
}

fn copy_directory(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_directory(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// The newest backup in `directory`, if any.
pub fn latest_backup(directory: &Path) -> Option<PathBuf> {
    list_backups(directory).ok()?.pop()
}

/// Backups, oldest first (their names sort by time).
pub fn list_backups(directory: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut backups = Vec::new();
    let entries = match std::fs::read_dir(directory) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(backups),
        Err(error) => return Err(error),
    };
    for entry in entries {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("");
        if name.starts_with("boucle-") && name.ends_with(".json") {
            backups.push(path);
        }
    }
    backups.sort();
    Ok(backups)
}

fn backup_time(path: &Path) -> Option<DateTime<Utc>> {
    let name = path.file_name()?.to_str()?;
    let stamp = name.strip_prefix("boucle-")?.strip_suffix(".json")?;
    chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%SZ")
        .ok()
        .map(|time| time.and_utc())
}

/// Writes `text` to `path` whole or not at all: a temporary file beside it,
/// synced, then renamed over it.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
    }
    std::fs::rename(&temporary, path)?;
    if let Some(parent) = path.parent()
        && let Ok(directory) = std::fs::File::open(parent)
    {
        directory.sync_all()?;
    }
    Ok(())
}

/// Writes a backup of `store` taken at `now`, then keeps only the newest
/// `keep` backups.
pub fn write_backup(
    store: &dyn Store,
    directory: &Path,
    now: DateTime<Utc>,
    keep: usize,
) -> Result<PathBuf, StoreError> {
    std::fs::create_dir_all(directory)?;
    restrict_permissions(directory);
    let path = directory.join(format!("boucle-{}.json", now.format("%Y%m%dT%H%M%SZ")));
    let text = export::to_text(&store.dump()?);
    write_atomically(&path, &text)?;
    let backups = list_backups(directory)?;
    let surplus = backups.len().saturating_sub(keep.max(1));
    for old in &backups[..surplus] {
        std::fs::remove_file(old)?;
    }
    Ok(path)
}

#[derive(Debug, thiserror::Error)]
pub enum ScrubError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Store { path: String, source: StoreError },
}

/// Rewrites every backup without the data of `user_ids`, with the same
/// erasure `!oublier` applies to the live data.
pub fn scrub_backups(
    directory: &Path,
    settings: &Settings,
    seal: &Seal,
    user_ids: &[String],
) -> Result<usize, ScrubError> {
    let backups = list_backups(directory).map_err(|source| ScrubError::Read {
        path: directory.display().to_string(),
        source,
    })?;
    for path in &backups {
        let shown = path.display().to_string();
        let Some((text, dump)) = read_backup(path)? else {
            continue;
        };
        let store_error = |source| ScrubError::Store {
            path: shown.clone(),
            source,
        };
        let scrubbed = erase_from(&dump, settings, seal, user_ids).map_err(store_error)?;
        let rewritten = export::to_text(&scrubbed);
        if rewritten != text {
            write_atomically(path, &rewritten).map_err(|source| ScrubError::Read {
                path: shown.clone(),
                source,
            })?;
        }
    }
    Ok(backups.len())
}

/// `dump` without the data of `user_ids` (and without pending erasure marks).
fn erase_from(
    dump: &crate::store::Dump,
    settings: &Settings,
    seal: &Seal,
    user_ids: &[String],
) -> Result<crate::store::Dump, StoreError> {
    let store = MemoryStore::new();
    store.restore(dump)?;
    let assembly = load_assembly(&store, seal)?;
    let mut state = State::with_assembly(settings.clone(), assembly)
        .map_err(|error| StoreError::Io(std::io::Error::other(error.to_string())))?;
    let mut batch = Batch::default();
    for user_id in user_ids {
        for change in crate::core::privacy::erase(&state, user_id) {
            write_change(&mut batch, &change, seal);
            state.assembly.apply(&change);
        }
    }
    for (key, _) in store.scan_prefix(Tree::Meta, ERASURE_PREFIX)? {
        batch.delete(Tree::Meta, key);
    }
    store.apply(batch)?;
    store.dump()
}

/// Rewrites every backup without the electors of `ballots`. Returns how
/// many backups were rewritten.
pub fn scrub_closed_ballots(directory: &Path, ballots: &[u64]) -> Result<usize, ScrubError> {
    rewrite_backups(directory, |store| {
        let mut batch = Batch::default();
        for ballot in ballots {
            // Sealed and clear elector keys both begin with the number.
            for (key, _) in store.scan_prefix(Tree::Electors, &ballot.to_be_bytes())? {
                batch.delete(Tree::Electors, key);
            }
        }
        if batch.is_empty() {
            return Ok(false);
        }
        store.apply(batch)?;
        Ok(true)
    })
}

/// Marks left in `Tree::Meta` under one prefix (closed ballots, erasures)
/// for the clean-up to finish: what was read, so that exactly those are
/// deleted once done.
struct Marks {
    prefix: &'static [u8],
    read: Vec<crate::store::KeyValue>,
}

impl Marks {
    fn read(store: &dyn Store, prefix: &'static [u8]) -> Result<Marks, StoreError> {
        Ok(Marks {
            prefix,
            read: store.scan_prefix(Tree::Meta, prefix)?,
        })
    }

    /// The time of the latest mark.
    fn latest(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let mut latest = None;
        for (_, value) in &self.read {
            let at =
                crate::store::records::decode::<crate::store::records::PendingErasure>(value)?.at;
            latest = latest.max(Some(at));
        }
        Ok(latest)
    }

    /// What each mark names: the key without its prefix.
    fn names(&self) -> impl Iterator<Item = &[u8]> {
        self.read.iter().map(|(key, _)| &key[self.prefix.len()..])
    }

    /// Deletes the marks read, once their work is done, but not one
    /// written since (a ballot closed or a person erased meanwhile, or the
    /// same person again): its work is not done yet.
    fn forget(&self, store: &dyn Store) -> Result<(), StoreError> {
        let mut batch = Batch::default();
        for (key, value) in &self.read {
            if store.get(Tree::Meta, key)?.as_ref() == Some(value) {
                batch.delete(Tree::Meta, key.clone());
            }
        }
        store.apply(batch)
    }
}

/// The secret ballots closed whose electors may still be in backups.
fn closed_ballots(marks: &Marks) -> Result<Vec<u64>, StoreError> {
    marks
        .names()
        .map(|name| {
            name.try_into()
                .map(u64::from_be_bytes)
                .map_err(|_| StoreError::Decode {
                    kind: "closed ballot mark",
                    details: "the key is not a ballot number".to_owned(),
                })
        })
        .collect()
}

/// The people whose erasure is not finished.
fn erased_people(marks: &Marks) -> Vec<String> {
    marks
        .names()
        .map(|name| String::from_utf8_lossy(name).into_owned())
        .collect()
}

/// What the maintenance task needs.
pub struct Jobs {
    pub store: Arc<SledStore>,
    pub data_dir: PathBuf,
    /// Backups kept; 0 turns automatic backups off.
    pub backups_keep: usize,
    /// How long after the latest `!oublier` its clean-up runs.
    pub erasure_delay: Duration,
    /// Woken by the engine when an erasure is committed.
    pub erasures: Arc<Notify>,
    /// The current settings, for erasing in backups.
    pub settings: Box<dyn Fn() -> Settings + Send + Sync>,
    /// Opens and writes the sealed records of the backups.
    pub seal: Seal,
}

impl Jobs {
    /// The next time something is due, given what is on disk.
    fn next_due(&self, now: DateTime<Utc>) -> Result<Due, StoreError> {
        let erasures = Marks::read(self.store.as_ref(), ERASURE_PREFIX)?;
        let mut due = Due {
            at: now + Duration::days(COMPACTION_INTERVAL_DAYS),
            job: Job::CleanUp,
        };
        let mut consider = |at: DateTime<Utc>, job: Job| {
            if at < due.at {
                due = Due { at, job };
            }
        };
        if self.backups_keep > 0 {
            let last = latest_backup(&backups_dir(&self.data_dir)).and_then(|p| backup_time(&p));
            consider(
                last.map_or(now, |at| at + Duration::hours(BACKUP_INTERVAL_HOURS)),
                Job::Backup,
            );
        }
        let compacted = self.store.last_compaction()?.unwrap_or(now);
        consider(
            compacted + Duration::days(COMPACTION_INTERVAL_DAYS),
            Job::CleanUp,
        );
        let closings = Marks::read(self.store.as_ref(), CLOSED_BALLOT_PREFIX)?;
        for marks in [erasures, closings] {
            if !marks.read.is_empty() {
                consider(
                    marks.latest()?.unwrap_or(now) + self.erasure_delay,
                    Job::CleanUp,
                );
            }
        }
        Ok(due)
    }

    /// Finishes pending erasures and closed ballots (backups, then marks),
    /// then compacts.
    pub fn clean_up(&self, now: DateTime<Utc>) -> Result<(), MaintenanceError> {
        let closings = Marks::read(self.store.as_ref(), CLOSED_BALLOT_PREFIX)?;
        let erasures = Marks::read(self.store.as_ref(), ERASURE_PREFIX)?;
        self.finish(&closings, &erasures, now)
    }

    /// The clean-up of the marks read before.
    fn finish(
        &self,
        closings: &Marks,
        erasures: &Marks,
        now: DateTime<Utc>,
    ) -> Result<(), MaintenanceError> {
        let ballots = closed_ballots(closings)?;
        if !ballots.is_empty() {
            let rewritten = scrub_closed_ballots(&backups_dir(&self.data_dir), &ballots)?;
            closings.forget(self.store.as_ref())?;
            tracing::info!(
                ballots = ballots.len(),
                backups = rewritten,
                "closed ballots' electors removed from the backups"
            );
        }
        let users = erased_people(erasures);
        if !users.is_empty() {
            let scrubbed = scrub_backups(
                &backups_dir(&self.data_dir),
                &(self.settings)(),
                &self.seal,
                &users,
            )?;
            erasures.forget(self.store.as_ref())?;
            tracing::info!(
                people = users.len(),
                backups = scrubbed,
                "erasure carried into the backups"
            );
        }
        let before = self.store.size_on_disk()?;
        self.store.compact(now)?;
        tracing::info!(
            before_bytes = before,
            after_bytes = self.store.size_on_disk()?,
            "database compacted"
        );
        Ok(())
    }
}

/// The next job and when it is due.
struct Due {
    at: DateTime<Utc>,
    job: Job,
}

#[derive(Clone, Copy)]
enum Job {
    Backup,
    /// Pending erasures (if any), then compaction.
    CleanUp,
}

#[derive(Debug, thiserror::Error)]
pub enum MaintenanceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Scrub(#[from] ScrubError),
}

/// Runs backups and compaction when due, forever. A failure is logged and
/// tried again a little later; the bot keeps running.
pub async fn run(jobs: Jobs) {
    let erasures = jobs.erasures.clone();
    let jobs = Arc::new(jobs);
    loop {
        let now = Utc::now();
        let due = match jobs.next_due(now) {
            Ok(due) => due,
            Err(error) => {
                tracing::error!(%error, "cannot plan maintenance");
                tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                continue;
            }
        };
        if due.at > now {
            let wait = (due.at - now).to_std().unwrap_or_default();
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = erasures.notified() => {}
            }
            continue;
        }
        let worker = jobs.clone();
        let result = tokio::task::spawn_blocking(move || match due.job {
            Job::Backup => {
                let directory = backups_dir(&worker.data_dir);
                write_backup(worker.store.as_ref(), &directory, now, worker.backups_keep)
                    .map(|path| tracing::info!(path = %path.display(), "backup written"))
                    .map_err(MaintenanceError::from)
            }
            Job::CleanUp => worker.clean_up(now),
        })
        .await;
        match result {
            Ok(Ok(())) => {}
            Ok(Err(error)) => {
                tracing::error!(%error, "maintenance failed, will retry in 10 minutes");
                tokio::time::sleep(std::time::Duration::from_secs(600)).await;
            }
            Err(error) => {
                tracing::error!(%error, "maintenance task panicked");
                tokio::time::sleep(std::time::Duration::from_secs(600)).await;
            }
        }
    }
}

/// The data directory holds the session token and political data: owner only.
pub fn restrict_permissions(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Input;
    use crate::engine::Engine;
    use crate::engine::tests::{message_in, settings};
    use crate::store::conformance::files_containing;

    fn from(sender: &str, event_id: &str, body: &str) -> Input {
        let Input::Message(mut message) = message_in("!hub:s", event_id, body) else {
            unreachable!()
        };
        message.sender = sender.into();
        Input::Message(message)
    }

    #[test]
    fn backups_are_whole_files_and_only_the_newest_are_kept() {
        let data = tempfile::tempdir().unwrap();
        let store = MemoryStore::new();
        let directory = backups_dir(data.path());
        let start = Utc::now();
        for day in 0..5 {
            let mut batch = Batch::default();
            batch.put(Tree::Meta, format!("day{day}").into_bytes(), b"{}".to_vec());
            store.apply(batch).unwrap();
            write_backup(&store, &directory, start + Duration::days(day), 3).unwrap();
        }
        let kept = list_backups(&directory).unwrap();
        assert_eq!(kept.len(), 3);
        assert_eq!(
            backup_time(&kept[0]),
            Some(chrono::SubsecRound::trunc_subsecs(start, 0) + Duration::days(2))
        );
        let names: Vec<_> = std::fs::read_dir(&directory)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(
            names.iter().all(|name| !name.ends_with(".tmp")),
            "{names:?}"
        );
        let newest = std::fs::read_to_string(latest_backup(&directory).unwrap()).unwrap();
        let dump = export::from_text(&newest).unwrap();
        assert_eq!(dump.entries(Tree::Meta).len(), 5);
        assert_eq!(newest, export::to_text(&store.dump().unwrap()));
    }

    /// Issue 18, part 2: copies of the data directory taken after each vote
    /// (its files, a backup, an export) are the same whichever way people
    /// voted, but for sealed bytes of the same length; and no file holds a
    /// count or a "voted" flag in clear. So no pair of copies (two backups,
    /// the database before and after a vote) tells anyone's choice.
    #[test]
    fn no_two_copies_of_the_data_directory_tell_how_anyone_voted() {
        use chrono::TimeZone;
        const VOTERS: [&str; 3] = ["@anna:s", "@bruno:s", "@chloe:s"];
        /// The copy with each sealed value replaced by its length.
        fn blind(text: &str) -> String {
            fn walk(value: &mut serde_json::Value) {
                match value {
                    serde_json::Value::Object(fields) => {
                        for (name, field) in fields.iter_mut() {
                            match (name.as_str(), field.as_str()) {
                                ("sealed", Some(sealed)) => *field = sealed.len().into(),
                                _ => walk(field),
                            }
                        }
                    }
                    serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
                    _ => {}
                }
            }
            let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
            walk(&mut value);
            value.to_string()
        }
        fn life(choices: [&str; 3]) -> (Vec<String>, crate::core::assembly::BallotBox) {
            let data = tempfile::tempdir().unwrap();
            let store = Arc::new(open_state(data.path(), &Seal::for_tests()).unwrap());
            let engine = Engine::new(store.clone(), Seal::for_tests(), settings(), None).unwrap();
            let now = Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap();
            let say = |room: &str, sender: &str, event_id: &str, body: &str| {
                let Input::Message(mut message) = message_in(room, event_id, body) else {
                    unreachable!()
                };
                message.sender = sender.into();
                message.is_direct = room.starts_with("!dm");
                message.sent_encrypted = message.is_direct;
                engine.process(&Input::Message(message), now).unwrap();
            };
            say(
                "!hub:s",
                "@camille:s",
                "$open",
                "!scrutin Pour ou contre ? | Pour | Contre",
            );
            let members = VOTERS.iter().map(|voter| (*voter).to_owned()).collect();
            engine
                .process(&Input::Electorate { number: 1, members }, now)
                .unwrap();
            let mut copies = Vec::new();
            for (index, (voter, choice)) in VOTERS.iter().zip(choices).enumerate() {
                say(
                    &format!("!dm-{index}:s"),
                    voter,
                    &format!("$vote{index}"),
                    &format!("!voter 1 {choice}"),
                );
                assert!(
                    engine
                        .read(|state| { state.assembly.electors[&(1, (*voter).to_owned())].voted })
                );
                write_backup(store.as_ref(), &backups_dir(data.path()), now, 7).unwrap();
                let backup = latest_backup(&backups_dir(data.path())).unwrap();
                copies.push(blind(&std::fs::read_to_string(backup).unwrap()));
                copies.push(blind(&export::to_text(&store.dump().unwrap())));
                for clear in ["\"counts\"", "\"voted\"", "\"electorate\""] {
                    assert_eq!(
                        files_containing(data.path(), clear),
                        Vec::<PathBuf>::new(),
                        "{clear} in clear after vote {index}"
                    );
                }
            }
            let ballot_box = engine.read(|state| state.assembly.ballot_boxes[&1].clone());
            (copies, ballot_box)
        }
        let (yes, yes_box) = life(["Pour", "Pour", "Contre"]);
        let (no, no_box) = life(["Contre", "Contre", "Pour"]);
        // The boxes differ (the bot can count)...
        assert_eq!(yes_box.counts, [2, 1]);
        assert_eq!(no_box.counts, [1, 2]);
        // ...but nothing else does, at any moment.
        for (index, (yes, no)) in yes.iter().zip(&no).enumerate() {
            assert_eq!(yes, no, "copy {index}");
        }
    }

    /// Issue 18, part 2: once a secret ballot is closed, its electors (who
    /// voted, sealed) are in no backup after the clean-up, so that the
    /// passphrase's holder cannot set two backups' electors beside their
    /// counts; another ballot's electors stay.
    #[test]
    fn a_closed_ballots_electors_leave_the_backups() {
        let data = tempfile::tempdir().unwrap();
        let store = Arc::new(open_state(data.path(), &Seal::for_tests()).unwrap());
        let engine = Engine::new(store.clone(), Seal::for_tests(), settings(), None).unwrap();
        let now = Utc::now();
        let say = |room: &str, sender: &str, event_id: &str, body: &str| {
            let Input::Message(mut message) = message_in(room, event_id, body) else {
                unreachable!()
            };
            message.sender = sender.into();
            message.is_direct = room.starts_with("!dm");
            message.sent_encrypted = message.is_direct;
            engine.process(&Input::Message(message), now).unwrap();
        };
        for (number, event_id) in [(1, "$open1"), (2, "$open2")] {
            say(
                "!hub:s",
                "@camille:s",
                event_id,
                "!scrutin Pour ou contre ? | Pour | Contre",
            );
            let members = ["@anna:s", "@bruno:s", "@chloe:s"]
                .map(str::to_owned)
                .into();
            engine
                .process(&Input::Electorate { number, members }, now)
                .unwrap();
        }
        say("!dm-anna:s", "@anna:s", "$vote", "!voter 1 Pour");
        let directory = backups_dir(data.path());
        write_backup(store.as_ref(), &directory, now, 7).unwrap();
        let electors_in_backup = |ballot: u64| {
            let text = std::fs::read_to_string(latest_backup(&directory).unwrap()).unwrap();
            let dump = export::from_text(&text).unwrap();
            dump.entries(Tree::Electors)
                .iter()
                .filter(|(key, _)| key.starts_with(&ballot.to_be_bytes()))
                .count()
        };
        assert_eq!(electors_in_backup(1), 3);
        assert_eq!(electors_in_backup(2), 3);

        say("!hub:s", "@camille:s", "$close", "!cloturer 1");
        assert!(engine.read(|state| state.assembly.ballots[&1].closed_at.is_some()));
        let jobs = Jobs {
            store: store.clone(),
            data_dir: data.path().to_owned(),
            backups_keep: 7,
            erasure_delay: Duration::seconds(0),
            erasures: engine.erasures(),
            settings: Box::new(settings),
            seal: Seal::for_tests(),
        };
        assert!(jobs.next_due(now).unwrap().at <= now, "the clean-up is due");
        // Ballot 2 closes while the clean-up of ballot 1 runs: its mark is
        // not among those read, so it stays for the next clean-up.
        let closings = Marks::read(store.as_ref(), CLOSED_BALLOT_PREFIX).unwrap();
        let erasures = Marks::read(store.as_ref(), ERASURE_PREFIX).unwrap();
        say("!hub:s", "@camille:s", "$close2", "!cloturer 2");
        jobs.finish(&closings, &erasures, now).unwrap();

        assert_eq!(electors_in_backup(1), 0);
        assert_eq!(electors_in_backup(2), 3);
        let left = Marks::read(store.as_ref(), CLOSED_BALLOT_PREFIX).unwrap();
        assert_eq!(closed_ballots(&left).unwrap(), [2]);
        jobs.clean_up(now).unwrap();
        assert_eq!(electors_in_backup(2), 0);
        assert!(
            Marks::read(store.as_ref(), CLOSED_BALLOT_PREFIX)
                .unwrap()
                .read
                .is_empty()
        );
    }

    /// Electors and ballot boxes that a version before sealing wrote in
    /// clear are sealed at the next start, in the database and in every
    /// backup, and the clear copies are gone from the files.
    #[test]
    fn records_written_in_clear_are_sealed_at_start_backups_included() {
        let data = tempfile::tempdir().unwrap();
        {
            let store = SledStore::open(&state_path(data.path())).unwrap();
            let mut key = 7u64.to_be_bytes().to_vec();
            key.extend_from_slice(b"@anna:s");
            let mut batch = Batch::default();
            batch.put(
                Tree::Electors,
                key,
                crate::store::records::encode(&crate::core::assembly::Elector { voted: true }),
            );
            batch.put(
                Tree::BallotBoxes,
                7u64.to_be_bytes().to_vec(),
                crate::store::records::encode(&crate::core::assembly::BallotBox {
                    counts: vec![1, 0],
                    ballots: 1,
                    electorate: 3,
                }),
            );
            // An anonymous report and a draft, as an older version wrote them.
            let report = crate::core::assembly::Report {
                number: 3,
                theme: "sante".into(),
                room_id: "!dm-bea:s".into(),
                event_id: "$typed-by-bea".into(),
                author: Some("@bea:s".into()),
                anonymous: true,
                commune: None,
                text: "Le dispensaire ferme".into(),
                created_at: Utc::now(),
                card_event_id: None,
                status: crate::core::assembly::ReportStatus::New,
                history: Vec::new(),
                answers: Vec::new(),
            };
            batch.put(
                Tree::Reports,
                3u64.to_be_bytes().to_vec(),
                crate::store::records::encode(&report),
            );
            batch.put(
                Tree::ReportDrafts,
                b"@carl:s".to_vec(),
                crate::store::records::encode(&crate::core::assembly::ReportDraft {
                    step: crate::core::assembly::DraftStep::Confirm,
                    theme: Some("sante".into()),
                    text: Some("Les urgences ferment".into()),
                    commune: None,
                    anonymous: Some(true),
                    started_at: Utc::now(),
                    seen_in_room: false,
                }),
            );
            // A ledger entry of version 1, with the direct chat and the time.
            batch.put(
                Tree::Ledger,
                b"$vote-anna".to_vec(),
                br#"{"v":1,"room_id":"!dm-anna:s","handled_at":"2026-11-30T10:03:00Z"}"#.to_vec(),
            );
            // Outbox entries in clear, under lanes that name a person and
            // a voter's direct chat (a vote's redaction).
            let outbox = [
                (
                    "~dm:@dana:s",
                    42,
                    crate::store::records::OutboxItem::Direct {
                        user_id: "@dana:s".into(),
                        content: serde_json::json!({"body": "Réponse à votre remontée #3"}),
                    },
                ),
                (
                    "!dm-anna:s",
                    43,
                    crate::store::records::OutboxItem::Redact {
                        event_id: "$ballot-of-anna".into(),
                    },
                ),
            ];
            // And one this version cannot read, naming a person: it does
            // not stop the start, and is kept aside sealed.
            batch.put(
                Tree::Outbox,
                crate::store::records::outbox_key("~dm:@erin:s", 44),
                br#"{"v":99,"to":"@erin:s","body":"rendez-vous secret"}"#.to_vec(),
            );
            for (lane, sequence, item) in outbox {
                batch.put(
                    Tree::Outbox,
                    crate::store::records::outbox_key(lane, sequence),
                    crate::store::records::encode(&crate::store::records::OutboxEntry {
                        room_id: lane.into(),
                        item,
                        created_at: Utc::now(),
                    }),
                );
            }
            store.apply(batch).unwrap();
            write_backup(&store, &backups_dir(data.path()), Utc::now(), 7).unwrap();
        }
        assert!(!files_containing(data.path(), "\"voted\"").is_empty());
        let clear_backup = latest_backup(&backups_dir(data.path())).unwrap();
        let clear_text = std::fs::read(&clear_backup).unwrap();
        let store = open_state(data.path(), &Seal::for_tests()).unwrap();
        for clear in [
            "\"voted\"",
            "\"counts\"",
            "@anna:s",
            "!dm-anna:s",
            "10:03",
            "@bea:s",
            "!dm-bea:s",
            "dispensaire",
            "@carl:s",
            "urgences",
            "@dana:s",
            "remontée #3",
            "$ballot-of-anna",
            "@erin:s",
            "rendez-vous secret",
        ] {
            assert_eq!(
                files_containing(data.path(), clear),
                Vec::<PathBuf>::new(),
                "{clear}"
            );
        }
        let assembly = load_assembly(&store, &Seal::for_tests()).unwrap();
        assert!(assembly.electors[&(7, "@anna:s".to_owned())].voted);
        // The outbox entries are sealed under their lane's name, each with
        // its sequence number: still sent, in the same order.
        let lane = crate::store::domain::outbox_lane(&Seal::for_tests(), "~dm:@dana:s");
        let entries = store
            .scan_prefix(
                Tree::Outbox,
                &crate::store::records::outbox_room_prefix(&lane),
            )
            .unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(
            crate::store::records::outbox_sequence(&entries[0].0),
            Some(42)
        );
        let entry =
            crate::store::domain::open_outbox_entry(&Seal::for_tests(), &entries[0].1).unwrap();
        assert_eq!(entry.room_id, "~dm:@dana:s");
        assert_eq!(store.scan_prefix(Tree::Outbox, b"").unwrap().len(), 2);
        assert_eq!(
            store.scan_prefix(Tree::Meta, b"quarantine/").unwrap().len(),
            1
        );
        assert_eq!(assembly.ballot_boxes[&7].counts, [1, 0]);
        assert_eq!(assembly.reports[&3].author.as_deref(), Some("@bea:s"));
        assert_eq!(
            assembly.report_drafts["@carl:s"].text.as_deref(),
            Some("Les urgences ferment")
        );
        // Another passphrase opens nothing, and says why.
        let error = load_assembly(
            &store,
            &Seal::from_passphrase("not the passphrase of this data"),
        )
        .unwrap_err();
        assert!(error.to_string().contains("passphrase"), "{error}");

        // A clear backup put back by hand, the database being sealed
        // already, is sealed at the next start too.
        drop(store);
        std::fs::write(&clear_backup, &clear_text).unwrap();
        // Next to it, a backup cut short: it does not stop the start, and
        // it does not keep the clear one from being sealed; it is deleted
        // (it could not be restored, nor cleaned of erased data).
        let cut_short = backups_dir(data.path()).join("boucle-20260101T000000Z.json");
        std::fs::write(&cut_short, b"{\"format\": \"boucle-export\", \"entr").unwrap();
        // And the temporary file of a backup cut short by a crash, in clear:
        // deleted.
        let unfinished = backups_dir(data.path()).join("boucle-20260102T000000Z.json.tmp");
        std::fs::write(&unfinished, &clear_text).unwrap();
        // sled lets go of its lock from a background thread, a moment
        // after the drop: a new process (a restart) never sees it held.
        let mut attempts = 0;
        let _store = loop {
            match open_state(data.path(), &Seal::for_tests()) {
                Err(StateError::InUse { .. }) if attempts < 100 => {
                    attempts += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                opened => break opened.unwrap(),
            }
        };
        assert_eq!(
            files_containing(data.path(), "\"voted\""),
            Vec::<PathBuf>::new()
        );
        assert!(!cut_short.exists());
        assert!(!unfinished.exists());
        assert_eq!(
            list_backups(&backups_dir(data.path())).unwrap(),
            [clear_backup]
        );
    }

    /// The issue's erasure check: a marker written by someone, erased with
    /// `!oublier`, is in no file of the data directory after the clean-up,
    /// backups included, while someone else's data stays.
    #[test]
    fn after_forgetting_and_clean_up_the_marker_is_in_no_file() {
        let data = tempfile::tempdir().unwrap();
        let store = Arc::new(open_state(data.path(), &Seal::for_tests()).unwrap());
        let engine = Engine::new(
            store.clone(),
            crate::store::seal::Seal::for_tests(),
            settings(),
            None,
        )
        .unwrap();
        let now = Utc::now();
        let marker = "Kerzmarqueur-8c1d";
        let kept = "Gardemarqueur-55e0";
        // Replies are delivered (and leave the outbox) in the running bot.
        let deliver = || {
            let mut batch = Batch::default();
            for (key, _) in store.scan_prefix(Tree::Outbox, b"").unwrap() {
                batch.delete(Tree::Outbox, key);
            }
            store.apply(batch).unwrap();
        };
        engine
            .process(
                &from("@anna:s", "$1", &format!("!profil commune {marker}")),
                now,
            )
            .unwrap();
        engine
            .process(
                &from("@bruno:s", "$2", &format!("!profil commune {kept}")),
                now,
            )
            .unwrap();
        deliver();
        write_backup(store.as_ref(), &backups_dir(data.path()), now, 7).unwrap();
        engine
            .process(&from("@anna:s", "$3", "!oublier confirmer"), now)
            .unwrap();
        deliver();
        let pending = erased_people(&Marks::read(store.as_ref(), ERASURE_PREFIX).unwrap());
        assert_eq!(pending, ["@anna:s"]);
        assert!(!files_containing(data.path(), marker).is_empty());

        let jobs = Jobs {
            store: store.clone(),
            data_dir: data.path().to_owned(),
            backups_keep: 7,
            erasure_delay: Duration::seconds(0),
            erasures: engine.erasures(),
            settings: Box::new(settings),
            seal: Seal::for_tests(),
        };
        jobs.clean_up(now).unwrap();

        assert_eq!(files_containing(data.path(), marker), Vec::<PathBuf>::new());
        assert_eq!(files_containing(&backups_dir(data.path()), kept).len(), 1);
        assert!(
            Marks::read(store.as_ref(), ERASURE_PREFIX)
                .unwrap()
                .read
                .is_empty()
        );
        // The bot goes on with the compacted database.
        let reply = engine
            .process(&from("@bruno:s", "$4", "!profil"), now)
            .unwrap();
        assert!(matches!(reply, crate::engine::Processed::Committed { .. }));
        assert!(engine.read(|state| state.assembly.profiles.contains_key("@bruno:s")));
    }

    #[test]
    fn damaged_data_is_refused_untouched_with_the_last_backup_named() {
        let data = tempfile::tempdir().unwrap();
        {
            let store = open_state(data.path(), &Seal::for_tests()).unwrap();
            let mut batch = Batch::default();
            for index in 0..50 {
                batch.put(
                    Tree::Meta,
                    format!("k{index}").into_bytes(),
                    vec![0xab; 3000],
                );
            }
            store.apply(batch).unwrap();
            write_backup(&store, &backups_dir(data.path()), Utc::now(), 7).unwrap();
        }
        // A database opened again has a snapshot file, as one in use has.
        drop(open_state(data.path(), &Seal::for_tests()).unwrap());
        let db = state_path(data.path()).join("db");
        let mut bytes = std::fs::read(&db).unwrap();
        // Damage inside pages sled reads back.
        bytes[100_000..100_064].fill(0);
        std::fs::write(&db, &bytes).unwrap();

        let error = open_state(data.path(), &Seal::for_tests()).unwrap_err();
        let message = error.to_string();
        assert!(matches!(error, StateError::Damaged { .. }), "{message}");
        assert!(message.contains("has deleted nothing"), "{message}");
        let backup = latest_backup(&backups_dir(data.path())).unwrap();
        assert!(message.contains(&backup.display().to_string()), "{message}");
        assert!(message.contains("boucle import -c"), "{message}");
        assert_eq!(
            std::fs::read(&db).unwrap(),
            bytes,
            "the damaged file is as found"
        );
    }

    #[test]
    fn a_database_in_use_is_reported_as_such() {
        let data = tempfile::tempdir().unwrap();
        let _running = open_state(data.path(), &Seal::for_tests()).unwrap();
        let error = open_state(data.path(), &Seal::for_tests()).unwrap_err();
        assert!(matches!(error, StateError::InUse { .. }), "{error}");
    }
}
