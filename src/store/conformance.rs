//! One suite, both stores: what the rest of boucle relies on from storage.

use super::*;

pub(super) fn gets_what_was_put(store: &dyn Store) {
    assert_eq!(store.get(Tree::Meta, b"k").unwrap(), None);
    let mut batch = Batch::default();
    batch.put(Tree::Meta, b"k".to_vec(), b"v1".to_vec());
    store.apply(batch).unwrap();
    assert_eq!(store.get(Tree::Meta, b"k").unwrap(), Some(b"v1".to_vec()));
    // Trees are separate namespaces.
    assert_eq!(store.get(Tree::Ledger, b"k").unwrap(), None);
    let mut batch = Batch::default();
    batch.put(Tree::Meta, b"k".to_vec(), b"v2".to_vec());
    store.apply(batch).unwrap();
    assert_eq!(store.get(Tree::Meta, b"k").unwrap(), Some(b"v2".to_vec()));
    let mut batch = Batch::default();
    batch.delete(Tree::Meta, b"k".to_vec());
    store.apply(batch).unwrap();
    assert_eq!(store.get(Tree::Meta, b"k").unwrap(), None);
}

pub(super) fn scans_a_prefix_in_key_order(store: &dyn Store) {
    let mut batch = Batch::default();
    for key in ["b/2", "a/1", "b/1", "b/10", "c/1"] {
        batch.put(
            Tree::Outbox,
            key.as_bytes().to_vec(),
            key.as_bytes().to_vec(),
        );
    }
    store.apply(batch).unwrap();
    let keys: Vec<String> = store
        .scan_prefix(Tree::Outbox, b"b/")
        .unwrap()
        .into_iter()
        .map(|(key, _)| String::from_utf8(key).unwrap())
        .collect();
    assert_eq!(keys, ["b/1", "b/10", "b/2"]);
    assert_eq!(store.scan_prefix(Tree::Outbox, b"").unwrap().len(), 5);
    assert_eq!(
        store.first(Tree::Outbox).unwrap().unwrap().0,
        b"a/1".to_vec()
    );
    assert_eq!(store.first(Tree::Timers).unwrap(), None);
    let from: Vec<String> = store
        .scan_from(Tree::Outbox, b"b/10", 2)
        .unwrap()
        .into_iter()
        .map(|(key, _)| String::from_utf8(key).unwrap())
        .collect();
    assert_eq!(from, ["b/10", "b/2"]);
    assert_eq!(
        store.scan_from(Tree::Outbox, b"b/11", 10).unwrap().len(),
        2,
        "b/2 and c/1"
    );
    assert!(store.scan_from(Tree::Outbox, b"d", 10).unwrap().is_empty());
}

pub(super) fn a_batch_is_all_or_nothing(store: &dyn Store) {
    let mut first = Batch::default();
    first.insert(Tree::Ledger, b"$event".to_vec(), b"handled".to_vec());
    store.apply(first).unwrap();
    // A second insert of the same key fails, and nothing else of its batch lands.
    let mut second = Batch::default();
    second
        .put(Tree::Outbox, b"reply".to_vec(), b"again".to_vec())
        .insert(Tree::Ledger, b"$event".to_vec(), b"twice".to_vec())
        .put(Tree::Meta, b"cursor".to_vec(), b"x".to_vec());
    assert!(matches!(
        store.apply(second),
        Err(StoreError::Conflict { tree: Tree::Ledger })
    ));
    assert_eq!(store.get(Tree::Outbox, b"reply").unwrap(), None);
    assert_eq!(store.get(Tree::Meta, b"cursor").unwrap(), None);
    assert_eq!(
        store.get(Tree::Ledger, b"$event").unwrap(),
        Some(b"handled".to_vec())
    );
    // A batch touching several trees lands whole.
    let mut third = Batch::default();
    third
        .insert(Tree::Ledger, b"$other".to_vec(), b"handled".to_vec())
        .put(Tree::Outbox, b"reply".to_vec(), b"once".to_vec())
        .delete(Tree::Ledger, b"$event".to_vec());
    store.apply(third).unwrap();
    assert_eq!(
        store.get(Tree::Outbox, b"reply").unwrap(),
        Some(b"once".to_vec())
    );
    assert_eq!(store.get(Tree::Ledger, b"$event").unwrap(), None);
    store.apply(Batch::default()).unwrap();
}

pub(super) fn ids_only_grow(store: &dyn Store) {
    let mut previous = store.next_id().unwrap();
    for _ in 0..1000 {
        let next = store.next_id().unwrap();
        assert!(next > previous, "{next} after {previous}");
        previous = next;
    }
}

pub(super) fn restores_exactly_what_it_dumped(store: &dyn Store, fresh: &dyn Store) {
    let mut batch = Batch::default();
    let id = store.next_id().unwrap();
    batch
        .put(Tree::Meta, b"k".to_vec(), b"v".to_vec())
        .put(Tree::Polls, id.to_be_bytes().to_vec(), b"{}".to_vec())
        .put(Tree::Polls, b"a".to_vec(), b"1".to_vec());
    store.apply(batch).unwrap();
    let dump = store.dump().unwrap();
    assert_eq!(dump.trees.len(), Tree::ALL.len(), "every tree, even empty");
    assert_eq!(dump.entries(Tree::Polls).len(), 2);
    assert!(dump.next_id > id);
    assert_eq!(store.dump().unwrap(), dump, "a dump uses up nothing");

    fresh.restore(&dump).unwrap();
    store.probe_write().unwrap();
    assert_eq!(store.dump().unwrap(), dump, "a write probe is no record");
    assert_eq!(fresh.dump().unwrap(), dump);
    assert_eq!(fresh.get(Tree::Meta, b"k").unwrap(), Some(b"v".to_vec()));
    assert_eq!(fresh.next_id().unwrap(), dump.next_id);
    assert!(matches!(fresh.restore(&dump), Err(StoreError::NotEmpty)));
}

pub(super) fn a_buffered_batch_is_applied_like_any_other(store: &dyn Store) {
    let mut batch = Batch::default();
    batch
        .put(Tree::Meta, b"cursor".to_vec(), b"s1".to_vec())
        .insert(Tree::Ledger, b"$event".to_vec(), b"handled".to_vec());
    store.apply_buffered(batch).unwrap();
    assert_eq!(
        store.get(Tree::Meta, b"cursor").unwrap(),
        Some(b"s1".to_vec())
    );
    // All or nothing, with the same conflicts as `apply`.
    let mut again = Batch::default();
    again
        .put(Tree::Meta, b"cursor".to_vec(), b"s2".to_vec())
        .insert(Tree::Ledger, b"$event".to_vec(), b"twice".to_vec());
    assert!(matches!(
        store.apply_buffered(again),
        Err(StoreError::Conflict { tree: Tree::Ledger })
    ));
    assert_eq!(
        store.get(Tree::Meta, b"cursor").unwrap(),
        Some(b"s1".to_vec())
    );
    store.apply_buffered(Batch::default()).unwrap();
}

macro_rules! conformance_suite {
    ($module:ident, $make:expr) => {
        mod $module {
            use super::*;

            #[test]
            fn gets_what_was_put() {
                let (store, _guard) = $make;
                super::gets_what_was_put(&store);
            }
            #[test]
            fn scans_a_prefix_in_key_order() {
                let (store, _guard) = $make;
                super::scans_a_prefix_in_key_order(&store);
            }
            #[test]
            fn a_batch_is_all_or_nothing() {
                let (store, _guard) = $make;
                super::a_batch_is_all_or_nothing(&store);
            }
            #[test]
            fn restores_exactly_what_it_dumped() {
                let (store, _guard) = $make;
                let (fresh, _fresh_guard) = $make;
                super::restores_exactly_what_it_dumped(&store, &fresh);
            }
            #[test]
            fn a_buffered_batch_is_applied_like_any_other() {
                let (store, _guard) = $make;
                super::a_buffered_batch_is_applied_like_any_other(&store);
            }
            #[test]
            fn ids_only_grow() {
                let (store, _guard) = $make;
                super::ids_only_grow(&store);
            }
        }
    };
}

conformance_suite!(memory, (MemoryStore::new(), ()));
conformance_suite!(sled, {
    let directory = tempfile::tempdir().unwrap();
    (SledStore::open(directory.path()).unwrap(), directory)
});

#[test]
fn sled_keeps_data_and_ids_across_reopening() {
    let directory = tempfile::tempdir().unwrap();
    let last_id = {
        let store = SledStore::open(directory.path()).unwrap();
        let mut batch = Batch::default();
        batch.put(Tree::Meta, b"k".to_vec(), b"kept".to_vec());
        store.apply(batch).unwrap();
        let id = store.next_id().unwrap();
        let mut batch = Batch::default();
        batch.put(Tree::Timers, id.to_be_bytes().to_vec(), b"t".to_vec());
        store.apply(batch).unwrap();
        id
    };
    let store = SledStore::open(directory.path()).unwrap();
    assert_eq!(store.get(Tree::Meta, b"k").unwrap(), Some(b"kept".to_vec()));
    assert!(store.next_id().unwrap() > last_id);
}

/// A copy of the files taken while the store is open is what a crash at that
/// moment would leave.
fn copy_directory(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_directory(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn sled_a_buffered_batch_reaches_the_disk_with_the_next_apply() {
    let directory = tempfile::tempdir().unwrap();
    let crashed = tempfile::tempdir().unwrap();
    let store = SledStore::open(directory.path()).unwrap();
    let mut batch = Batch::default();
    batch.put(Tree::Meta, b"cursor".to_vec(), b"s1".to_vec());
    store.apply_buffered(batch).unwrap();
    let mut batch = Batch::default();
    batch.insert(Tree::Ledger, b"$event".to_vec(), b"handled".to_vec());
    store.apply(batch).unwrap();
    // The files as they are now, with the store still open: a crash here.
    copy_directory(directory.path(), crashed.path());
    let after_crash = SledStore::open(crashed.path()).unwrap();
    assert_eq!(
        after_crash.get(Tree::Meta, b"cursor").unwrap(),
        Some(b"s1".to_vec()),
        "written before a durable apply, so on disk with it"
    );
    assert_eq!(
        after_crash.get(Tree::Ledger, b"$event").unwrap(),
        Some(b"handled".to_vec())
    );
}

#[test]
fn sled_dumps_the_same_after_reopening() {
    let directory = tempfile::tempdir().unwrap();
    let before = {
        let store = SledStore::open(directory.path()).unwrap();
        let mut batch = Batch::default();
        let id = store.next_id().unwrap();
        batch.put(Tree::Outbox, id.to_be_bytes().to_vec(), b"o".to_vec());
        store.apply(batch).unwrap();
        store.dump().unwrap()
    };
    let store = SledStore::open(directory.path()).unwrap();
    assert_eq!(store.dump().unwrap(), before);
}

/// Compaction keeps every entry and the ids, and leaves no trace of what was
/// deleted before it in any file.
#[test]
fn sled_compaction_keeps_the_data_and_drops_what_was_deleted() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("state");
    let store = SledStore::open(&path).unwrap();
    let marker = "MARQUEUR-EFFACE-7f3a";
    let mut batch = Batch::default();
    batch
        .put(Tree::Profiles, b"@a:s".to_vec(), marker.as_bytes().to_vec())
        .put(Tree::Profiles, b"@b:s".to_vec(), b"kept".to_vec());
    store.apply(batch).unwrap();
    let mut batch = Batch::default();
    batch.delete(Tree::Profiles, b"@a:s".to_vec());
    store.apply(batch).unwrap();
    assert!(
        !files_containing(&path, marker).is_empty(),
        "sled keeps deleted data until compaction"
    );
    let before = store.dump().unwrap();

    store.compact(chrono::Utc::now()).unwrap();

    assert_eq!(store.dump().unwrap(), before);
    assert_eq!(
        files_containing(directory.path(), marker),
        Vec::<std::path::PathBuf>::new()
    );
    let id = store.next_id().unwrap();
    assert!(id >= before.next_id);
    let mut batch = Batch::default();
    batch.put(Tree::Meta, b"after".to_vec(), b"x".to_vec());
    store.apply(batch).unwrap();
    drop(store);
    let reopened = SledStore::open(&path).unwrap();
    assert_eq!(
        reopened.get(Tree::Meta, b"after").unwrap(),
        Some(b"x".to_vec())
    );
    assert_eq!(
        reopened.get(Tree::Profiles, b"@b:s").unwrap(),
        Some(b"kept".to_vec())
    );
}

/// Each moment a crash can stop the swap at leaves one whole database.
#[test]
fn sled_finishes_or_undoes_an_interrupted_compaction() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("state");
    let write = |at: &std::path::Path, value: &[u8]| {
        let store = SledStore::open(at).unwrap();
        let mut batch = Batch::default();
        batch.put(Tree::Meta, b"k".to_vec(), value.to_vec());
        store.apply(batch).unwrap();
    };
    let read = |at: &std::path::Path| SledStore::open(at).unwrap().get(Tree::Meta, b"k").unwrap();
    let fresh = directory.path().join("state.compacting");
    let previous = directory.path().join("state.previous");

    // Crash while the copy was written: the original stays.
    write(&path, b"original");
    write(&fresh, b"half");
    assert_eq!(read(&path), Some(b"original".to_vec()));
    assert!(!fresh.exists());

    // Crash between the renames: the complete copy is put in place.
    std::fs::rename(&path, &previous).unwrap();
    write(&fresh, b"copy");
    assert_eq!(read(&path), Some(b"copy".to_vec()));
    assert!(!previous.exists() && !fresh.exists());

    // Crash before the old files were deleted.
    std::fs::create_dir_all(&previous).unwrap();
    assert_eq!(read(&path), Some(b"copy".to_vec()));
    assert!(!previous.exists());
}

/// Every file under `directory` whose bytes contain `needle`.
pub(crate) fn files_containing(
    directory: &std::path::Path,
    needle: &str,
) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(directory).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_containing(&path, needle));
        } else if std::fs::read(&path)
            .unwrap()
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
        {
            found.push(path);
        }
    }
    found
}
