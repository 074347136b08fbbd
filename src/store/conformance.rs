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
        store.next_id().unwrap()
    };
    let store = SledStore::open(directory.path()).unwrap();
    assert_eq!(store.get(Tree::Meta, b"k").unwrap(), Some(b"kept".to_vec()));
    assert!(store.next_id().unwrap() > last_id);
}
