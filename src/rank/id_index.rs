//! Id -> position, for catalogs of up to 1,000,000 (positions + 1 in 32 bits) items.
//!
//! An open-addressing table of 8-byte slots, each the 32-bit hash of an id next to its
//! position + 1 (0: empty), at most half full, probed linearly. Lookups compare the stored hash
//! before the id, so a miss rarely touches the id text. Written out rather than a `HashMap`:
//! loading 100,000 ids is a hot path (the packed load target is 25 ms), and this loop stays
//! fast without depending on how much the compiler inlines.

use super::ItemIds;

/// Positions of ids by hash.
#[derive(Debug, Clone, Default)]
pub struct IdIndex {
    slots: Vec<u64>,
}

/// A fast 32-bit hash of an id. Ids are the app's public data, so there is no adversary to
/// resist; colliding ids just probe on.
fn hash_id(id: &str) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ id.len() as u64;
    for chunk in id.as_bytes().chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    ((h >> 32) ^ h) as u32
}

/// The first slot to probe for `hash` in a table of `mask + 1` slots (the high bits of a
/// multiplicative spread, so ids differing only in their last bytes still scatter).
fn home(hash: u32, mask: usize) -> usize {
    (u64::from(hash).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize & mask
}

impl IdIndex {
    /// Indexes `ids`; `Err(i)` if id `i` repeats an earlier one.
    pub fn build(ids: &ItemIds) -> Result<IdIndex, usize> {
        let n = ids.len();
        let size = (2 * n).next_power_of_two().max(8);
        let mask = size - 1;
        let mut slots = vec![0u64; size];
        for (i, id) in ids.iter().enumerate() {
            let hash = hash_id(id);
            let mut at = home(hash, mask);
            loop {
                let slot = slots[at];
                if slot == 0 {
                    slots[at] = (u64::from(hash) << 32) | (i as u64 + 1);
                    break;
                }
                if (slot >> 32) as u32 == hash && ids.get((slot as u32 - 1) as usize) == Some(id) {
                    return Err(i);
                }
                at = (at + 1) & mask;
            }
        }
        Ok(IdIndex { slots })
    }

    /// The position of `id` in `ids` (the list this index was built from).
    pub fn position(&self, ids: &ItemIds, id: &str) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let hash = hash_id(id);
        let mut at = home(hash, mask);
        loop {
            let slot = *self.slots.get(at)?;
            if slot == 0 {
                return None;
            }
            if (slot >> 32) as u32 == hash {
                let i = slot as u32 - 1;
                if ids.get(i as usize) == Some(id) {
                    return Some(i);
                }
            }
            at = (at + 1) & mask;
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every id is found at its position, and ids not in the list are not found.
        #[test]
        fn finds_every_id_and_nothing_else(
            ids in proptest::collection::hash_set("[a-d]{1,4}", 0..120),
            probes in proptest::collection::vec("[a-e]{1,4}", 0..40),
        ) {
            let ids: Vec<String> = ids.into_iter().collect();
            let list = ItemIds::from(ids.clone());
            let index = IdIndex::build(&list).map_err(|i| TestCaseError::fail(format!("dup {i}")))?;
            for (i, id) in ids.iter().enumerate() {
                prop_assert_eq!(index.position(&list, id), Some(i as u32));
            }
            for p in &probes {
                prop_assert_eq!(index.position(&list, p), ids.iter().position(|x| x == p).map(|i| i as u32));
            }
        }
    }

    #[test]
    fn reports_the_first_repeat() {
        let list = ItemIds::from(vec!["a".to_owned(), "b".to_owned(), "a".to_owned()]);
        assert_eq!(IdIndex::build(&list).err(), Some(2));
        assert!(IdIndex::default().position(&list, "a").is_none());
    }

    #[test]
    fn survives_colliding_homes_in_a_large_catalog() {
        let ids: Vec<String> = (0..300_000).map(|i| format!("item-{i}")).collect();
        let list = ItemIds::from(ids);
        let index = IdIndex::build(&list).unwrap();
        for i in (0..300_000).step_by(997) {
            assert_eq!(index.position(&list, &format!("item-{i}")), Some(i as u32));
        }
        assert_eq!(index.position(&list, "item-300000"), None);
    }
}
