//! Property tests of freshness: after any sequence of commits, any mix of records from the
//! store's earlier moments (put back, deleted, kept) is either one whole moment, read as it
//! was, or detected, with no module on. Commit tags never repeat, erase and reopen included.

use proptest::prelude::*;

use super::tests_freshness::{decide, manifest, open, record, T0};
use super::*;
use crate::consent::ConsentState;
use crate::store::fresh::{is_tagged, TAG_LEN};
use crate::store::{MemoryStore, Store, SCHEMA_KEY};
use crate::time::DAY_MS;

const MODULES: [&str; 4] = ["topics", "similar", "health", "insights"];
const CATEGORIES: [&str; 3] = ["reading", "reactions", "health-reading"];

#[derive(Debug, Clone)]
enum Op {
    Decide(usize, bool),
    Record(usize, usize),
    ForgetItem(usize),
    Block(bool),
    Viewed,
    Reopen(i64),
    EraseAll,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..MODULES.len(), any::<bool>()).prop_map(|(m, on)| Op::Decide(m, on)),
        4 => (0..CATEGORIES.len(), 0..4usize).prop_map(|(c, i)| Op::Record(c, i)),
        1 => (0..4usize).prop_map(Op::ForgetItem),
        1 => any::<bool>().prop_map(Op::Block),
        1 => Just(Op::Viewed),
        1 => (0..20i64).prop_map(Op::Reopen),
        1 => Just(Op::EraseAll),
    ]
}

/// One moment of the store, with the time it was taken at and the states then.
struct Moment {
    store: MemoryStore,
    now: Millis,
    states: SortedMap<String, ConsentState>,
}

fn run(ops: &[Op]) -> Vec<Moment> {
    let mut s = MemoryStore::new();
    let mut now = T0;
    let mut p = open(&mut s, now);
    let mut moments = vec![Moment {
        store: s.clone(),
        now,
        states: p.states(now),
    }];
    for op in ops {
        match op {
            Op::Decide(m, on) => decide(&mut p, &mut s, MODULES[*m], *on, now),
            Op::Record(c, i) => record(&mut p, &mut s, CATEGORIES[*c], &format!("item-{i}")),
            Op::ForgetItem(i) => {
                let plan = p.plan_forget(&ForgetRequest::Item(format!("item-{i}")), now);
                p.commit(&mut s, plan.unwrap()).unwrap();
            }
            Op::Block(true) => {
                let plan = p.plan_forget(&ForgetRequest::Feature("topic:science".into()), now);
                p.commit(&mut s, plan.unwrap()).unwrap();
            }
            Op::Block(false) => {
                let plan = p.plan_unblock("topic:science", now).unwrap();
                p.commit(&mut s, plan).unwrap();
            }
            Op::Viewed => {
                let plan = p.plan_notice_viewed(&["health".into()], now).unwrap();
                p.commit(&mut s, plan).unwrap();
            }
            Op::Reopen(days) => {
                now += days * DAY_MS;
                p = open(&mut s, now);
            }
            Op::EraseAll => {
                let plan = p.plan_erase_all();
                p.commit(&mut s, plan).unwrap();
            }
        }
        if moments.last().is_some_and(|m| m.store != s) {
            moments.push(Moment {
                store: s.clone(),
                now,
                states: p.states(now),
            });
        }
    }
    moments
}

fn tags(s: &MemoryStore) -> Vec<i64> {
    s.keys()
        .filter(|k| is_tagged(k))
        .filter_map(|k| s.get(k)?.first_chunk::<TAG_LEN>().copied())
        .map(i64::from_le_bytes)
        .collect()
}

fn load(s: &MemoryStore, now: Millis) -> Personalizer {
    let config = OpenConfig::new("en", false, now);
    let entries = s.load().unwrap();
    Personalizer::open(
        manifest(),
        entries,
        config,
        Box::new(crate::ids::SequentialIds(0)),
    )
    .0
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_partial_rollback_is_detected_and_turns_nothing_on(
        ops in prop::collection::vec(op(), 1..28),
        mix in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>()), 1..6),
    ) {
        let moments = run(&ops);
        let last = moments.last().unwrap();
        // The present and every whole earlier moment read cleanly, as they were.
        for m in [moments.first().unwrap(), last] {
            let p = load(&m.store, m.now);
            prop_assert!(p.health().ok, "{:?}", p.health().problems);
            prop_assert_eq!(&p.states(m.now), &m.states);
        }
        let mut keys: Vec<&str> = moments.iter().flat_map(|m| m.store.keys()).collect();
        crate::sort::sort(&mut keys);
        keys.dedup();
        prop_assume!(!keys.is_empty());
        let mut mixed = last.store.clone();
        for (key, moment) in &mix {
            let key = keys[key.index(keys.len())];
            match moment.get(&moments).store.get(key) {
                Some(v) => mixed.put_raw(key, v.to_vec()),
                None => mixed.remove_raw(key),
            }
        }
        let now = last.now;
        let p = load(&mixed, now);
        if let Some(m) = moments.iter().find(|m| m.store.load() == mixed.load()) {
            prop_assert!(p.health().ok, "{:?}", p.health().problems);
            prop_assert_eq!(&load(&mixed, m.now).states(m.now), &m.states);
        } else {
            let granted: Vec<_> = manifest().modules.iter().filter(|m| !m.essential)
                .filter(|m| p.states(now)[&m.id] == ConsentState::Granted)
                .map(|m| m.id.clone()).collect();
            prop_assert!(granted.is_empty(), "{:?} on after a partial rollback", granted);
            // Deleting every record reads as an erased store: nothing to trust, nothing on.
            if mixed.keys().any(|k| k != SCHEMA_KEY) {
                prop_assert!(!p.health().ok, "undetected: {:?}", mixed.keys().collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn commit_tags_never_repeat_and_count_nothing(ops in prop::collection::vec(op(), 1..40)) {
        let moments = run(&ops);
        let mut seen: Vec<i64> = Vec::new();
        let mut last: Option<i64> = None;
        for pair in moments.windows(2) {
            let before = tags(&pair[0].store);
            let fresh: Vec<i64> = tags(&pair[1].store).into_iter().filter(|t| !before.contains(t)).collect();
            for t in &fresh {
                prop_assert!(!seen.contains(t), "tag {} written again", t);
                // Not a counter, from any start: one commit's tag tells nothing of the next.
                if let Some(l) = last {
                    prop_assert!(t.wrapping_sub(l).unsigned_abs() > 1 << 32, "tags {} and {} close", l, t);
                }
            }
            last = fresh.first().copied().or(last);
            seen.extend(before);
            seen.extend(fresh);
        }
    }
}
