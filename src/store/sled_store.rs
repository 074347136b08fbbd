//! The sled-backed store: one sled tree per [`Tree`], transactions across
//! trees, and an explicit flush before `apply` returns.
//!
//! sled's default page cache is 1 GiB; a bot beside a homeserver on a small
//! VPS gets a bounded one instead.

use std::path::Path;

use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use super::{Batch, KeyValue, Operation, Store, StoreError, Tree};

/// Page cache bound: plenty for thousands of meetings and members.
const CACHE_CAPACITY_BYTES: u64 = 32 * 1024 * 1024;

pub struct SledStore {
    database: sled::Db,
    trees: Vec<sled::Tree>,
}

impl std::fmt::Debug for SledStore {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("SledStore").finish_non_exhaustive()
    }
}

impl SledStore {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let database = sled::Config::new()
            .path(path)
            .cache_capacity(CACHE_CAPACITY_BYTES)
            .mode(sled::Mode::LowSpace)
            .open()
            .map_err(|source| StoreError::Open {
                path: path.display().to_string(),
                source,
            })?;
        let trees = Tree::ALL
            .iter()
            .map(|tree| database.open_tree(tree.name()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SledStore { database, trees })
    }

    fn tree(&self, tree: Tree) -> &sled::Tree {
        &self.trees[index_of(tree)]
    }
}

fn index_of(tree: Tree) -> usize {
    Tree::ALL
        .iter()
        .position(|candidate| *candidate == tree)
        .expect("in ALL")
}

impl Store for SledStore {
    fn get(&self, tree: Tree, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.tree(tree).get(key)?.map(|value| value.to_vec()))
    }

    fn scan_prefix(&self, tree: Tree, prefix: &[u8]) -> Result<Vec<KeyValue>, StoreError> {
        self.tree(tree)
            .scan_prefix(prefix)
            .map(|entry| {
                let (key, value) = entry?;
                Ok((key.to_vec(), value.to_vec()))
            })
            .collect()
    }

    fn first(&self, tree: Tree) -> Result<Option<KeyValue>, StoreError> {
        Ok(self
            .tree(tree)
            .first()?
            .map(|(key, value)| (key.to_vec(), value.to_vec())))
    }

    fn scan_from(
        &self,
        tree: Tree,
        from: &[u8],
        limit: usize,
    ) -> Result<Vec<KeyValue>, StoreError> {
        self.tree(tree)
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
        let result = self.trees.as_slice().transaction(|trees| {
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
            Ok(())
        });
        match result {
            Ok(()) => {}
            Err(TransactionError::Abort(tree)) => return Err(StoreError::Conflict { tree }),
            Err(TransactionError::Storage(error)) => return Err(error.into()),
        }
        // Durable before anyone is told: a reply is only sent once its
        // command's effects are on disk.
        self.database.flush()?;
        Ok(())
    }

    fn next_id(&self) -> Result<u64, StoreError> {
        Ok(self.database.generate_id()? + 1)
    }
}
