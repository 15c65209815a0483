//! Ordered maps and sets as sorted vectors.
//!
//! Every map in the core is small (modules, categories, pages, stored records: tens to a few
//! thousand entries) and read far more than written. `BTreeMap` is the natural choice, but
//! each key/value type instantiates its whole node machinery, ~4 KB of WebAssembly each,
//! about a tenth of the module for a dozen types. A sorted `Vec` with binary search does the
//! same job in a few hundred bytes per type. Iteration is in key order, like `BTreeMap`.

use std::borrow::Borrow;
use std::ops::{Bound, RangeBounds};

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// A map ordered by key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap {
            entries: Vec::new(),
        }
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value of `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        self.entries.get(i).map(|(_, v)| v)
    }

    /// The value of `key`, to change.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        self.entries.get_mut(i).map(|(_, v)| v)
    }

    /// Whether `key` is in the map.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`; the value it had, if any.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => self
                .entries
                .get_mut(i)
                .map(|slot| std::mem::replace(&mut slot.1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes `key`; its value, if it had one.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        Some(self.entries.remove(i).1)
    }

    /// The value of `key`, inserted by `make` if missing.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, make()));
                i
            }
        };
        // `i` is in bounds: found, or just inserted there.
        &mut self.entries[i].1
    }

    /// Keeps the entries `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// The entries whose keys fall in `range`, in order.
    pub fn range<Q: Ord + ?Sized>(
        &self,
        range: impl RangeBounds<Q>,
    ) -> impl Iterator<Item = (&K, &V)> + '_
    where
        K: Borrow<Q>,
    {
        let start = match range.start_bound() {
            Bound::Included(q) => self.find(q).unwrap_or_else(|i| i),
            Bound::Excluded(q) => self.find(q).map_or_else(|i| i, |i| i + 1),
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(q) => self.find(q).map_or_else(|i| i, |i| i + 1),
            Bound::Excluded(q) => self.find(q).unwrap_or_else(|i| i),
            Bound::Unbounded => self.entries.len(),
        };
        self.entries
            .get(start..end.max(start))
            .unwrap_or(&[])
            .iter()
            .map(|(k, v)| (k, v))
    }
}

impl<K, V> SortedMap<K, V> {
    /// How many entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + '_ {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + '_ {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + '_ {
        self.entries.iter().map(|(_, v)| v)
    }
}

/// `map[key]` in tests, like `BTreeMap`'s (it panics on a missing key, so not outside them).
#[cfg(test)]
impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for SortedMap<K, V> {
    type Output = V;
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry for this key")
    }
}

impl<K: Ord, V> Extend<(K, V)> for SortedMap<K, V> {
    /// Appends, sorts stably and keeps the last value of each key (as inserting one by one
    /// would): O(n log n), where inserting one by one into a vector is O(n²).
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, items: I) {
        self.entries.extend(items);
        crate::sort::sort_by(&mut self.entries, |a, b| a.0.cmp(&b.0));
        let mut kept: Vec<(K, V)> = Vec::with_capacity(self.entries.len());
        for entry in self.entries.drain(..) {
            match kept.last_mut() {
                Some(last) if last.0 == entry.0 => *last = entry,
                _ => kept.push(entry),
            }
        }
        self.entries = kept;
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(items: I) -> Self {
        let mut map = SortedMap::new();
        map.extend(items);
        map
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<K: Serialize, V: Serialize> Serialize for SortedMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// A set in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortedSet<T> {
    items: Vec<T>,
}

impl<T> Default for SortedSet<T> {
    fn default() -> Self {
        SortedSet { items: Vec::new() }
    }
}

impl<T: Ord> SortedSet<T> {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `item`; whether it was new.
    pub fn insert(&mut self, item: T) -> bool {
        match self.items.binary_search(&item) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, item);
                true
            }
        }
    }

    /// Whether `item` is in the set.
    pub fn contains<Q: Ord + ?Sized>(&self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.items
            .binary_search_by(|x| x.borrow().cmp(item))
            .is_ok()
    }

    /// Removes `item`; whether it was there.
    pub fn remove<Q: Ord + ?Sized>(&mut self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        match self.items.binary_search_by(|x| x.borrow().cmp(item)) {
            Ok(i) => {
                self.items.remove(i);
                true
            }
            Err(_) => false,
        }
    }
}

impl<T> SortedSet<T> {
    /// How many items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Removes every item.
    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// The items in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }
}

impl<T: Ord> Extend<T> for SortedSet<T> {
    /// Appends, sorts stably and keeps the first of equal items (as inserting one by one
    /// would): O(n log n).
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        self.items.extend(items);
        crate::sort::sort(&mut self.items);
        self.items.dedup();
    }
}

impl<T: Ord> FromIterator<T> for SortedSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut set = SortedSet::new();
        set.extend(items);
        set
    }
}

impl<T> IntoIterator for SortedSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a SortedSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T: Serialize> Serialize for SortedSet<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.items.len()))?;
        for item in &self.items {
            seq.serialize_element(item)?;
        }
        seq.end()
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8, u16),
        Remove(u8),
        Retain(u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (any::<u8>(), any::<u16>()).prop_map(|(k, v)| Op::Insert(k % 32, v)),
            any::<u8>().prop_map(|k| Op::Remove(k % 32)),
            any::<u8>().prop_map(|m| Op::Retain(m % 5 + 1)),
        ]
    }

    proptest! {
        /// The same answers as BTreeMap and BTreeSet after any sequence of changes.
        #[test]
        fn behaves_like_the_btree_collections(ops in proptest::collection::vec(op(), 0..80), lo in 0u8..34, hi in 0u8..34) {
            let (mut ours, mut reference) = (SortedMap::new(), BTreeMap::new());
            let (mut set, mut set_reference) = (SortedSet::new(), BTreeSet::new());
            for op in ops {
                match op {
                    Op::Insert(k, v) => {
                        prop_assert_eq!(ours.insert(k, v), reference.insert(k, v));
                        prop_assert_eq!(set.insert(k), set_reference.insert(k));
                    }
                    Op::Remove(k) => {
                        prop_assert_eq!(ours.remove(&k), reference.remove(&k));
                        prop_assert_eq!(set.remove(&k), set_reference.remove(&k));
                    }
                    Op::Retain(m) => {
                        ours.retain(|k, _| k % m != 0);
                        reference.retain(|k, _| k % m != 0);
                    }
                }
                prop_assert_eq!(ours.iter().collect::<Vec<_>>(), reference.iter().collect::<Vec<_>>());
                prop_assert_eq!(set.iter().collect::<Vec<_>>(), set_reference.iter().collect::<Vec<_>>());
            }
            for k in 0..34u8 {
                prop_assert_eq!(ours.get(&k), reference.get(&k));
                prop_assert_eq!(set.contains(&k), set_reference.contains(&k));
            }
            if lo <= hi {
                prop_assert_eq!(ours.range(lo..hi).collect::<Vec<_>>(), reference.range(lo..hi).collect::<Vec<_>>());
                prop_assert_eq!(ours.range(lo..=hi).collect::<Vec<_>>(), reference.range(lo..=hi).collect::<Vec<_>>());
                prop_assert_eq!(ours.range(lo..).collect::<Vec<_>>(), reference.range(lo..).collect::<Vec<_>>());
            }
            *ours.get_or_insert_with(40, || 7) += 1;
            prop_assert_eq!(ours.get(&40), Some(&8));
        }
    }

    proptest! {
        /// Building in bulk keeps the last value of a repeated key, like inserting in turn.
        #[test]
        fn bulk_building_matches_inserting_in_turn(
            first in proptest::collection::vec((0u8..20, any::<u16>()), 0..30),
            then in proptest::collection::vec((0u8..20, any::<u16>()), 0..60),
        ) {
            let mut ours: SortedMap<u8, u16> = first.iter().copied().collect();
            let mut reference: BTreeMap<u8, u16> = first.iter().copied().collect();
            ours.extend(then.iter().copied());
            reference.extend(then.iter().copied());
            prop_assert_eq!(ours.iter().collect::<Vec<_>>(), reference.iter().collect::<Vec<_>>());
            let mut set: SortedSet<u8> = first.iter().map(|x| x.0).collect();
            set.extend(then.iter().map(|x| x.0));
            let set_reference: BTreeSet<u8> = first.iter().chain(&then).map(|x| x.0).collect();
            prop_assert_eq!(set.iter().collect::<Vec<_>>(), set_reference.iter().collect::<Vec<_>>());
        }
    }

    #[test]
    fn serializes_like_the_btree_collections() {
        let map: SortedMap<String, u32> = [("b".to_owned(), 2), ("a".to_owned(), 1)]
            .into_iter()
            .collect();
        let reference: BTreeMap<String, u32> = map.iter().map(|(k, v)| (k.clone(), *v)).collect();
        assert_eq!(
            serde_json::to_string(&map).unwrap(),
            serde_json::to_string(&reference).unwrap()
        );
        let set: SortedSet<&str> = ["y", "x", "y"].into_iter().collect();
        assert_eq!(serde_json::to_string(&set).unwrap(), r#"["x","y"]"#);
    }
}
