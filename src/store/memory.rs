//! The in-memory twin of the sled store, for core and engine tests. It obeys
//! the same conformance suite, so a test passing here means the same on disk.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{Batch, Dump, KeyValue, Operation, Store, StoreError, Tree};

type Trees = HashMap<Tree, BTreeMap<Vec<u8>, Vec<u8>>>;

#[derive(Debug, Default)]
pub struct MemoryStore {
    trees: Mutex<Trees>,
    next: AtomicU64,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Store for MemoryStore {
    fn get(&self, tree: Tree, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let trees = self.trees.lock().expect("memory store lock");
        Ok(trees
            .get(&tree)
            .and_then(|entries| entries.get(key).cloned()))
    }

    fn scan_prefix(&self, tree: Tree, prefix: &[u8]) -> Result<Vec<KeyValue>, StoreError> {
        let trees = self.trees.lock().expect("memory store lock");
        Ok(trees
            .get(&tree)
            .map(|entries| {
                entries
                    .range(prefix.to_vec()..)
                    .take_while(|(key, _)| key.starts_with(prefix))
                    .map(|(key, value)| (key.clone(), value.clone()))
                    .collect()
            })
            .unwrap_or_default())
    }

    fn first(&self, tree: Tree) -> Result<Option<KeyValue>, StoreError> {
        let trees = self.trees.lock().expect("memory store lock");
        Ok(trees.get(&tree).and_then(|entries| {
            entries
                .iter()
                .next()
                .map(|(key, value)| (key.clone(), value.clone()))
        }))
    }

    fn scan_from(
        &self,
        tree: Tree,
        from: &[u8],
        limit: usize,
    ) -> Result<Vec<KeyValue>, StoreError> {
        let trees = self.trees.lock().expect("memory store lock");
        Ok(trees
            .get(&tree)
            .map(|entries| {
                entries
                    .range(from.to_vec()..)
                    .take(limit)
                    .map(|(key, value)| (key.clone(), value.clone()))
                    .collect()
            })
            .unwrap_or_default())
    }

    fn apply(&self, batch: Batch) -> Result<(), StoreError> {
        let mut trees = self.trees.lock().expect("memory store lock");
        for operation in &batch.operations {
            if let Operation::Insert { tree, key, .. } = operation
                && trees
                    .get(tree)
                    .is_some_and(|entries| entries.contains_key(key))
            {
                return Err(StoreError::Conflict { tree: *tree });
            }
        }
        for operation in batch.operations {
            match operation {
                Operation::Put { tree, key, value } | Operation::Insert { tree, key, value } => {
                    trees.entry(tree).or_default().insert(key, value);
                }
                Operation::Delete { tree, key } => {
                    trees.entry(tree).or_default().remove(&key);
                }
            }
        }
        Ok(())
    }

    fn apply_buffered(&self, batch: Batch) -> Result<(), StoreError> {
        self.apply(batch)
    }

    fn next_id(&self) -> Result<u64, StoreError> {
        Ok(self.next.fetch_add(1, Ordering::SeqCst) + 1)
    }

    fn probe_write(&self) -> Result<(), StoreError> {
        Ok(())
    }

    fn dump(&self) -> Result<Dump, StoreError> {
        let trees = self.trees.lock().expect("memory store lock");
        Ok(Dump {
            next_id: self.next.load(Ordering::SeqCst) + 1,
            trees: Tree::ALL
                .iter()
                .map(|tree| {
                    let entries = trees
                        .get(tree)
                        .map(|entries| {
                            entries
                                .iter()
                                .map(|(key, value)| (key.clone(), value.clone()))
                                .collect()
                        })
                        .unwrap_or_default();
                    (*tree, entries)
                })
                .collect(),
        })
    }

    fn restore(&self, dump: &Dump) -> Result<(), StoreError> {
        let mut trees = self.trees.lock().expect("memory store lock");
        if trees.values().any(|entries| !entries.is_empty()) {
            return Err(StoreError::NotEmpty);
        }
        for (tree, entries) in &dump.trees {
            trees
                .entry(*tree)
                .or_default()
                .extend(entries.iter().cloned());
        }
        self.next
            .store(dump.next_id.saturating_sub(1), Ordering::SeqCst);
        Ok(())
    }
}
