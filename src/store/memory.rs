//! The in-memory store: for Node, the sandbox, and native tests.

use crate::sorted::SortedMap;

use super::{Store, WriteBatch, WriteOp};
use crate::error::StoreError;

/// Records in a sorted map. Can be told to fail its next commit, to test rollback, or to
/// refuse every batch that writes, like a full disk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryStore {
    entries: SortedMap<String, Vec<u8>>,
    fail_next: Option<StoreError>,
    full: bool,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes the next commit fail with `error` (and change nothing).
    pub fn fail_next_commit(&mut self, error: StoreError) {
        self.fail_next = Some(error);
    }

    /// While `full`, every batch with a put fails with `StoreError::Full` (deletions pass).
    pub fn set_full(&mut self, full: bool) {
        self.full = full;
    }

    /// Replaces the payload of a stored value but keeps its commit tag (see
    /// [`super::fresh`]): what damage inside a record looks like, as opposed to a record put
    /// back. Writes the bytes as they are if the key holds no tagged value.
    pub fn tamper(&mut self, key: &str, payload: &[u8]) {
        let tag = match self.entries.get(key) {
            Some(v) if super::fresh::is_tagged(key) && v.len() >= super::fresh::TAG_LEN => {
                v[..super::fresh::TAG_LEN].to_vec()
            }
            _ => Vec::new(),
        };
        self.entries
            .insert(key.to_owned(), [tag.as_slice(), payload].concat());
    }

    /// Removes a record directly, bypassing the core (to simulate tampering in tests).
    pub fn remove_raw(&mut self, key: &str) {
        self.entries.remove(key);
    }

    /// The raw bytes under `key`.
    pub fn get(&self, key: &str) -> Option<&[u8]> {
        self.entries.get(key).map(Vec::as_slice)
    }

    /// Overwrites a record directly, bypassing the core (to simulate tampering in tests).
    pub fn put_raw(&mut self, key: &str, value: Vec<u8>) {
        self.entries.insert(key.to_owned(), value);
    }

    /// Every key, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }
}

impl Store for MemoryStore {
    fn load(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        Ok(self
            .entries
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }

    fn commit(&mut self, batch: &WriteBatch) -> Result<(), StoreError> {
        if let Some(e) = self.fail_next.take() {
            return Err(e);
        }
        if self.full && batch.ops.iter().any(|op| matches!(op, WriteOp::Put(..))) {
            return Err(StoreError::Full("the store is full".into()));
        }
        for op in &batch.ops {
            match op {
                WriteOp::Put(k, v) => {
                    self.entries.insert(k.clone(), v.clone());
                }
                WriteOp::Delete(k) => {
                    self.entries.remove(k);
                }
                WriteOp::DeletePrefix(p) => self.entries.retain(|k, _| !k.starts_with(p.as_str())),
                WriteOp::Clear => self.entries.clear(),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_atomically_and_fails_without_change() {
        let mut s = MemoryStore::new();
        let mut b = WriteBatch::default();
        b.put("events/a/1", vec![1]);
        b.put("events/b/1", vec![2]);
        s.commit(&b).unwrap();
        let before = s.clone();
        s.fail_next_commit(StoreError::Full("quota".into()));
        let mut wipe = WriteBatch::default();
        wipe.delete_prefix("events/");
        assert_eq!(s.commit(&wipe), Err(StoreError::Full("quota".into())));
        assert_eq!(s.load(), before.load());
        let mut one = WriteBatch::default();
        one.delete_prefix("events/a/");
        s.commit(&one).unwrap();
        assert_eq!(s.keys().collect::<Vec<_>>(), ["events/b/1"]);
    }
}
