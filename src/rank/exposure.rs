//! Exposure constraints: a greedy re-rank that keeps each group within its share of the top k.
//!
//! Every prefix of length `r` holds at least `floor(min_g · r)` items of a group with a
//! minimum share (the proportional form of FA*IR's prefix test), and a group with a maximum
//! share gets at most `floor(max_g · k)` items. Within those rules the order is by score.
//! When a rule can't be met (not enough items of a group), the best remaining item is taken.

use crate::sorted::SortedMap;

/// Minimum and maximum shares per group index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExposureConstraint {
    /// Group index -> minimum share of the top k.
    pub min: Vec<(u32, f32)>,
    /// Group index -> maximum share of the top k.
    pub max: Vec<(u32, f32)>,
}

impl ExposureConstraint {
    /// Whether there is nothing to enforce.
    pub fn is_empty(&self) -> bool {
        self.min.is_empty() && self.max.is_empty()
    }
}

/// Picks `k` of `sorted` (best first; `group_of` gives each item's group) under `c`.
///
/// One forward pass: the next item of a group, and the next item of any group that is not
/// capped, only ever move forward (a capped group stays capped), so cursors replace rescans.
pub fn constrained_top_k<T: Copy>(
    sorted: &[T],
    group_of: &dyn Fn(&T) -> Option<u32>,
    k: usize,
    c: &ExposureConstraint,
) -> Vec<T> {
    let k = k.min(sorted.len());
    let mut taken = vec![false; sorted.len()];
    let mut out = Vec::with_capacity(k);
    let mut counts: SortedMap<u32, usize> = SortedMap::new();
    let mut group_cursor: SortedMap<u32, usize> = SortedMap::new();
    let mut any_cursor = 0;
    let cap = |g: u32| c.max.iter().find(|(x, _)| *x == g).map(|(_, s)| due(*s, k));
    for r in 1..=k {
        let count = |g: &u32| counts.get(g).copied().unwrap_or(0);
        // The next untaken item of group `g`, advancing its cursor past taken and other items.
        let mut next_in = |g: u32| -> Option<usize> {
            let cursor = group_cursor.get_or_insert_with(g, || 0);
            while *cursor < sorted.len()
                && (taken[*cursor] || group_of(&sorted[*cursor]) != Some(g))
            {
                *cursor += 1;
            }
            (*cursor < sorted.len()).then_some(*cursor)
        };
        // The group furthest below its floor for this prefix goes first; with lookahead, when
        // the slots left are no more than the items still owed at k, owed groups go first
        // (otherwise shares of 1 in k all fall due at the last slot).
        let owed: usize = c
            .min
            .iter()
            .map(|(g, share)| due(*share, k).saturating_sub(count(g)))
            .sum();
        let length = if owed > 0 && owed > k - r { k } else { r };
        let mut deficit = None;
        for (g, share) in &c.min {
            if count(g) < due(*share, length) {
                if let Some(i) = next_in(*g) {
                    deficit = Some(deficit.map_or(i, |d: usize| d.min(i)));
                }
            }
        }
        let pick = deficit.or_else(|| {
            while any_cursor < sorted.len() {
                let i = any_cursor;
                let blocked =
                    group_of(&sorted[i]).is_some_and(|g| cap(g).is_some_and(|m| count(&g) >= m));
                if !taken[i] && !blocked {
                    return Some(i);
                }
                any_cursor += 1;
            }
            // Every rule is met or impossible: the best item left, whatever its group.
            taken.iter().position(|t| !t)
        });
        let Some(i) = pick else { break };
        taken[i] = true;
        if let Some(g) = group_of(&sorted[i]) {
            *counts.get_or_insert_with(g, || 0) += 1;
        }
        out.push(sorted[i]);
    }
    out
}

/// Items a share of `len` positions requires.
fn due(share: f32, len: usize) -> usize {
    (share * len as f32 + 1e-6).floor() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(x: &(u32, char)) -> Option<u32> {
        Some(match x.1 {
            'a' => 0,
            'b' => 1,
            _ => 2,
        })
    }

    #[test]
    fn a_buried_group_is_lifted_to_its_minimum_in_every_prefix() {
        // Group b is ranked last by score.
        let sorted: Vec<(u32, char)> = (0..8)
            .map(|i| (i, 'a'))
            .chain((8..12).map(|i| (i, 'b')))
            .collect();
        let c = ExposureConstraint {
            min: vec![(1, 0.5)],
            max: vec![],
        };
        let out = constrained_top_k(&sorted, &group, 6, &c);
        let groups: String = out.iter().map(|x| x.1).collect();
        assert_eq!(groups, "abababa"[..6].to_owned());
        for r in 1..=6 {
            let b = out[..r].iter().filter(|x| x.1 == 'b').count();
            assert!(b >= r / 2, "prefix {r}: {groups}");
        }
        // Within each group the order is by score.
        assert_eq!(
            out.iter()
                .filter(|x| x.1 == 'b')
                .map(|x| x.0)
                .collect::<Vec<_>>(),
            [8, 9, 10]
        );
    }

    #[test]
    fn minimums_that_fall_due_at_the_end_are_all_met() {
        // Two groups owed 1 of 10 each: both due only at the 10th slot without lookahead.
        let sorted: Vec<(u32, char)> = (0..20)
            .map(|i| (i, 'a'))
            .chain([(20, 'b'), (21, 'c')])
            .collect();
        let c = ExposureConstraint {
            min: vec![(1, 0.1), (2, 0.1)],
            max: vec![],
        };
        let out = constrained_top_k(&sorted, &group, 10, &c);
        assert_eq!(out.iter().filter(|x| x.1 == 'b').count(), 1);
        assert_eq!(out.iter().filter(|x| x.1 == 'c').count(), 1);
        assert_eq!(
            out[..8].iter().filter(|x| x.1 == 'a').count(),
            8,
            "the best items lead"
        );
    }

    #[test]
    fn a_capped_group_stops_at_its_maximum_and_impossible_rules_degrade_gracefully() {
        let sorted: Vec<(u32, char)> = (0..10)
            .map(|i| (i, 'a'))
            .chain([(10, 'b'), (11, 'c')])
            .collect();
        let c = ExposureConstraint {
            min: vec![],
            max: vec![(0, 0.5)],
        };
        let out = constrained_top_k(&sorted, &group, 4, &c);
        assert_eq!(out.iter().filter(|x| x.1 == 'a').count(), 2);
        assert_eq!(out.len(), 4);
        // Asking for more than exists still fills k.
        let c = ExposureConstraint {
            min: vec![(1, 0.9)],
            max: vec![],
        };
        assert_eq!(constrained_top_k(&sorted, &group, 5, &c).len(), 5);
    }
}
