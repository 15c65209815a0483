//! One sort routine for the whole crate.
//!
//! The standard library's sorts are instantiated anew for every element type and comparator:
//! about 5 KB of WebAssembly each, which for a dozen call sites was a quarter of the package's
//! sorting and a sixth of its size budget. Here the merge sort itself is compiled once: it
//! sorts a list of positions through a `dyn` comparator, and each call site adds only a
//! small closure and an in-place permutation. It is stable, O(n log n), and close to O(n)
//! on input that is already in order; none of its uses is on the ranking hot path (top-k
//! keeps at most `limit` items).

use std::cmp::Ordering;

/// Sorts `items` by `compare`, stably (equal items keep their order).
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    {
        let view: &[T] = items;
        let mut less = |a: usize, b: usize| match (view.get(a), view.get(b)) {
            (Some(x), Some(y)) => compare(x, y) == Ordering::Less,
            _ => false,
        };
        merge_sort(&mut order, &mut less);
    }
    permute(items, &mut order);
}

/// Sorts `items` by the key `key` gives, stably.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in their natural order, stably.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// Runs shorter than this are sorted by insertion first.
const RUN: usize = 12;

/// Stable merge sort of positions; `less(a, b)` says whether the item at `a` goes first.
fn merge_sort(order: &mut [usize], less: &mut dyn FnMut(usize, usize) -> bool) {
    let n = order.len();
    for run in order.chunks_mut(RUN) {
        for i in 1..run.len() {
            let mut j = i;
            while j > 0 && less(run[j], run[j - 1]) {
                run.swap(j, j - 1);
                j -= 1;
            }
        }
    }
    let mut buffer = vec![0usize; n];
    let mut width = RUN;
    let (mut from, mut to): (&mut [usize], &mut [usize]) = (order, &mut buffer);
    let mut in_buffer = false;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            // Already in order (the right run starts no earlier than the left one ends):
            // copied as it is, so input that is sorted, or nearly, costs about n comparisons.
            if mid == end || !less(from[mid], from[mid - 1]) {
                to[start..end].copy_from_slice(&from[start..end]);
                start = end;
                continue;
            }
            let (mut i, mut j, mut k) = (start, mid, start);
            while i < mid && j < end {
                // Take from the right only when strictly first: that keeps the sort stable.
                if less(from[j], from[i]) {
                    to[k] = from[j];
                    j += 1;
                } else {
                    to[k] = from[i];
                    i += 1;
                }
                k += 1;
            }
            to[k..k + mid - i].copy_from_slice(&from[i..mid]);
            k += mid - i;
            to[k..k + end - j].copy_from_slice(&from[j..end]);
            start = end;
        }
        std::mem::swap(&mut from, &mut to);
        in_buffer = !in_buffer;
        width *= 2;
    }
    if in_buffer {
        // `from` is the buffer now and `to` the caller's slice.
        to.copy_from_slice(from);
    }
}

/// Reorders `items` so that position `i` holds what was at `order[i]`, by following cycles.
/// `order` is used up (each visited entry is set to its own position).
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..order.len() {
        let mut current = start;
        loop {
            let next = order[current];
            order[current] = current;
            if next == start || next == current {
                break;
            }
            items.swap(current, next);
            current = next;
        }
    }
}

// proptest is a native-only dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Equal to the standard library's stable sort, ties included (the payload tells
        /// equal keys apart).
        #[test]
        fn matches_std_stable_sort(keys in proptest::collection::vec(0u8..8, 0..200)) {
            let mut ours: Vec<(u8, usize)> = keys.iter().copied().zip(0..).collect();
            let mut reference = ours.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            reference.sort_by_key(|a| a.0);
            prop_assert_eq!(ours, reference);
        }

        /// Nearly sorted input, where whole runs are copied without merging.
        #[test]
        fn sorts_nearly_sorted_input(n in 0usize..400, swaps in proptest::collection::vec((0usize..400, 0usize..400), 0..4)) {
            let mut ours: Vec<(usize, usize)> = (0..n).map(|i| (i / 3, i)).collect();
            for (a, b) in swaps {
                if a < n && b < n {
                    ours.swap(a, b);
                }
            }
            let mut reference = ours.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            reference.sort_by_key(|a| a.0);
            prop_assert_eq!(ours, reference);
        }

        #[test]
        fn sorts_strings_descending_by_key(words in proptest::collection::vec("[a-c]{0,3}", 0..60)) {
            let mut ours = words.clone();
            let mut reference = words;
            sort_by_key(&mut ours, |w| std::cmp::Reverse(w.len()));
            reference.sort_by_key(|w| std::cmp::Reverse(w.len()));
            prop_assert_eq!(ours, reference);
        }
    }

    #[test]
    fn sorts_lengths_around_the_run_and_merge_boundaries() {
        for n in [0, 1, 2, 11, 12, 13, 24, 25, 48, 49, 97, 1000] {
            let mut v: Vec<u32> = (0..n).map(|i| (i * 7919 + 13) % 101).collect();
            let mut reference = v.clone();
            sort(&mut v);
            reference.sort();
            assert_eq!(v, reference, "n = {n}");
        }
    }
}
