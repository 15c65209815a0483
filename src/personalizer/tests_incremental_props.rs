//! Property test of the profile cache (`profile::ProfileCache`): after any sequence of
//! records (newest, back-dated, liked and disliked, with and without features of their own),
//! forgets (one event, an item), blocks and unblocks, cap evictions, clock moves past
//! retention, grants, revocations and consent imports, with the cache read at random moments
//! in between, the cached profile equals a full `derive` at that moment to float tolerance,
//! with the same seen items and the same oldest event per category.

use proptest::prelude::*;

use super::*;
use crate::event::Event;
use crate::ids::SequentialIds;
use crate::manifest::tests::fixture;
use crate::profile::{seen_items, ModuleProfile};
use crate::rank::RankOptions;
use crate::store::MemoryStore;
use crate::time::DAY_MS;

const T0: Millis = 1_790_000_000_000;
const MODULES: [&str; 3] = ["topics", "similar", "health"];
const CATEGORIES: [&str; 3] = ["reading", "reactions", "health-reading"];
const ITEMS: usize = 10;
const TOPICS: [&str; 3] = ["topic:science", "topic:sports", "topic:health"];

/// 10 items: each with a topic and a source; the last two without an embedding.
fn catalog() -> crate::rank::Catalog {
    let items: Vec<serde_json::Value> = (0..ITEMS)
        .map(|i| {
            let embedding = if i < ITEMS - 2 {
                serde_json::json!([1.0 + i as f64, (i % 3) as f64, 0.5, -(i as f64) / 4.0])
            } else {
                serde_json::Value::Null
            };
            serde_json::json!({
                "id": format!("a-{i}"),
                "features": { TOPICS[i % 3]: 1, format!("source:s{}", i % 4): 0.5 },
                "embedding": embedding,
                "baseline": i,
            })
        })
        .collect();
    crate::rank::Catalog::from_items(&serde_json::Value::Array(items)).unwrap()
}

fn open(s: &mut MemoryStore, now: Millis) -> Personalizer {
    let manifest = Manifest::from_json(&fixture()).unwrap();
    let mut config = OpenConfig::new("en", false, now);
    // A small cap, so that recording evicts.
    config.max_events_per_category = 7;
    let mut p =
        Personalizer::open_store(manifest, s, config, Box::new(SequentialIds(now as u64))).unwrap();
    p.set_catalog(catalog());
    p
}

#[derive(Debug, Clone)]
enum Op {
    /// category, item, disliked, minutes back (0: now), features of its own
    Record(usize, usize, bool, i64, bool),
    RecordMany(usize, usize),
    ForgetEvent(usize),
    ForgetItem(usize),
    Block(usize, bool),
    /// minutes
    Clock(i64),
    Decide(usize, bool),
    Import(usize, bool),
    Rank,
    Check,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (0..CATEGORIES.len(), 0..ITEMS, any::<bool>(), prop_oneof![3 => Just(0i64), 1 => 0..600i64], any::<bool>())
            .prop_map(|(c, i, d, back, f)| Op::Record(c, i, d, back, f)),
        1 => (0..CATEGORIES.len(), 1..12usize).prop_map(|(c, n)| Op::RecordMany(c, n)),
        1 => (0..40usize).prop_map(Op::ForgetEvent),
        1 => (0..ITEMS).prop_map(Op::ForgetItem),
        1 => (0..TOPICS.len(), any::<bool>()).prop_map(|(t, on)| Op::Block(t, on)),
        3 => prop_oneof![0..120i64, 0..(40 * 24 * 60i64)].prop_map(Op::Clock),
        1 => (0..MODULES.len(), any::<bool>()).prop_map(|(m, on)| Op::Decide(m, on)),
        1 => (0..MODULES.len(), any::<bool>()).prop_map(|(m, on)| Op::Import(m, on)),
        2 => Just(Op::Rank),
        3 => Just(Op::Check),
    ]
}

fn event(category: usize, item: usize, disliked: bool, at: Millis, own: bool) -> Event {
    Event {
        category: CATEGORIES[category].into(),
        kind: if disliked { "dislike" } else { "click" }.into(),
        item: format!("a-{item}"),
        at: Some(at),
        weight: if disliked { -1.0 } else { 1.0 },
        features: if own {
            vec![
                (TOPICS[(item + 1) % 3].into(), 1.0),
                ("tag:own".into(), 0.25),
            ]
        } else {
            Vec::new()
        },
    }
}

/// Records from another device: `module` granted or withdrawn a little later than now.
fn other_device(module: &str, on: bool, now: Millis) -> serde_json::Value {
    let mut s = MemoryStore::new();
    let manifest = Manifest::from_json(&fixture()).unwrap();
    let mut p = Personalizer::open_store(
        manifest,
        &mut s,
        OpenConfig::new("en", false, now),
        Box::new(SequentialIds(77_000)),
    )
    .unwrap();
    let plan = p.plan_grant(module, now + 1).unwrap();
    p.commit(&mut s, plan).unwrap();
    if !on {
        let plan = p.plan_revoke(module, now + 2).unwrap();
        p.commit(&mut s, plan).unwrap();
    }
    serde_json::to_value(p.consent_records()).unwrap()
}

fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-9 * scale.max(f64::MIN_POSITIVE)
        || (a - b).abs() <= 1e-12 * a.abs().max(b.abs())
}

fn same_module(a: &ModuleProfile, b: &ModuleProfile) -> Result<(), String> {
    let ctx = |what: &str| format!("module {}: {what}\ncached: {a:#?}\nfull: {b:#?}", a.module);
    if a.module != b.module || a.events != b.events || a.disliked_items != b.disliked_items {
        return Err(ctx("module, events or disliked items differ"));
    }
    let scale = b
        .features
        .iter()
        .map(|f| f.weight.abs())
        .fold(0.0, f64::max);
    let mut fa: Vec<_> = a.features.iter().collect();
    let mut fb: Vec<_> = b.features.iter().collect();
    fa.sort_by(|x, y| x.feature.cmp(&y.feature));
    fb.sort_by(|x, y| x.feature.cmp(&y.feature));
    // A feature may be in one and not the other only at the threshold of no weight.
    let tiny = |w: f64| w.abs() <= 1e-9 * scale.max(1e-300) || w.abs() < 1e-11;
    fa.retain(|f| !tiny(f.weight) || fb.iter().any(|g| g.feature == f.feature));
    fb.retain(|f| !tiny(f.weight) || fa.iter().any(|g| g.feature == f.feature));
    if fa.len() != fb.len() {
        return Err(ctx("feature sets differ"));
    }
    for (x, y) in fa.iter().zip(&fb) {
        if x.feature != y.feature || x.events != y.events || !close(x.weight, y.weight, scale) {
            return Err(ctx(&format!("feature {} differs", y.feature)));
        }
        if x.category != y.category {
            return Err(ctx(&format!("category of {} differs", y.feature)));
        }
    }
    // All items fit in the recent list (fewer than 20): the same set.
    let mut ra: Vec<_> = a.recent_items.iter().collect();
    let mut rb: Vec<_> = b.recent_items.iter().collect();
    ra.sort_by(|x, y| x.item.cmp(&y.item));
    rb.sort_by(|x, y| x.item.cmp(&y.item));
    let item_scale = rb.iter().map(|r| r.weight.abs()).fold(0.0, f64::max);
    if ra.len() != rb.len()
        || ra.iter().zip(&rb).any(|(x, y)| {
            x.item != y.item || x.category != y.category || !close(x.weight, y.weight, item_scale)
        })
    {
        return Err(ctx("recent items differ"));
    }
    for (x, y) in [
        (&a.embedding, &b.embedding),
        (&a.disliked_embedding, &b.disliked_embedding),
    ] {
        match (x, y) {
            (None, None) => {}
            (Some(x), Some(y))
                if x.len() == y.len() && x.iter().zip(y).all(|(p, q)| (p - q).abs() <= 1e-5) => {}
            _ => return Err(ctx("embeddings differ")),
        }
    }
    Ok(())
}

/// The cache's answer against a full derivation, at `now`.
fn check(p: &Personalizer, now: Millis) -> Result<(), String> {
    let states = p.states(now);
    let window = p.window(&states, now);
    let cached = p.derived(&states, &window, now);
    let full = derive(
        &p.manifest,
        &states,
        &p.log,
        &window,
        &p.blocks,
        &p.catalog,
        now,
    );
    if cached.profile.modules.len() != full.modules.len() {
        return Err(format!(
            "modules differ: {:?} vs {:?}",
            cached.profile.modules, full.modules
        ));
    }
    for (a, b) in cached.profile.modules.iter().zip(&full.modules) {
        same_module(a, b)?;
    }
    let seen: std::collections::HashSet<u32> = seen_items(&p.manifest, &full, &p.log, &window)
        .into_iter()
        .filter_map(|i| p.catalog.position(i))
        .collect();
    if cached.seen != seen {
        return Err(format!("seen differs: {:?} vs {seen:?}", cached.seen));
    }
    // The same ranking, but for near-ties.
    let weights = crate::rank::ScoreWeights::from_manifest(&p.manifest);
    let options = RankOptions {
        exclude_seen: true,
        ..RankOptions::default()
    };
    let names = seen_items(&p.manifest, &full, &p.log, &window);
    let a = crate::rank::rank(
        &p.catalog,
        &crate::rank::RankProfile::build_weighted_seen(
            &p.manifest,
            &cached.profile,
            &p.catalog,
            cached.seen.clone(),
            &|_| 1.0,
        ),
        weights,
        None,
        &options,
    );
    let b = crate::rank::rank(
        &p.catalog,
        &crate::rank::RankProfile::build(&p.manifest, &full, &p.catalog, &names),
        weights,
        None,
        &options,
    );
    if a.len() != b.len()
        || a.iter()
            .zip(&b)
            .any(|(x, y)| x.id != y.id && (x.score - y.score).abs() > 1e-4 * (1.0 + y.score.abs()))
    {
        let ids = |r: &[crate::rank::Ranked]| {
            r.iter()
                .map(|x| (x.id.clone(), x.score))
                .collect::<Vec<_>>()
        };
        return Err(format!("rankings differ: {:?} vs {:?}", ids(&a), ids(&b)));
    }
    for (category, _) in window.categories() {
        let oldest = window
            .events(&p.log, Some(category))
            .iter()
            .map(|e| e.at)
            .min();
        let cached_oldest = cached
            .oldest
            .iter()
            .find(|(c, _)| c == category)
            .map(|o| o.1);
        if oldest != cached_oldest {
            return Err(format!(
                "oldest of {category}: {cached_oldest:?} vs {oldest:?}"
            ));
        }
    }
    Ok(())
}

fn run(ops: &[Op]) -> Result<(), String> {
    let mut s = MemoryStore::new();
    let mut now = T0;
    let mut p = open(&mut s, now);
    for m in ["topics", "similar"] {
        let plan = p.plan_grant(m, now).unwrap();
        p.commit(&mut s, plan).unwrap();
    }
    for (step, op) in ops.iter().enumerate() {
        match op {
            Op::Record(c, i, d, back, own) => {
                let e = event(*c, *i, *d, now - back * 60_000, *own);
                let plan = p.plan_record_one(e, now).unwrap();
                p.commit(&mut s, plan).unwrap();
            }
            Op::RecordMany(c, n) => {
                let events = (0..*n)
                    .map(|k| {
                        event(
                            *c,
                            k % ITEMS,
                            k % 4 == 3,
                            now - (*n - k) as Millis * 1000,
                            false,
                        )
                    })
                    .collect();
                let plan = p.plan_record(events, now).unwrap();
                p.commit(&mut s, plan).unwrap();
            }
            Op::ForgetEvent(k) => {
                let ids: Vec<u64> = p.log.iter().map(|e| e.id).collect();
                if let Some(&id) = ids.get(k % ids.len().max(1)) {
                    let plan = p.plan_forget(&ForgetRequest::Event(id), now).unwrap();
                    p.commit(&mut s, plan).unwrap();
                }
            }
            Op::ForgetItem(i) => {
                let plan = p
                    .plan_forget(&ForgetRequest::Item(format!("a-{i}")), now)
                    .unwrap();
                p.commit(&mut s, plan).unwrap();
            }
            Op::Block(t, true) => {
                let plan = p
                    .plan_forget(&ForgetRequest::Feature(TOPICS[*t].into()), now)
                    .unwrap();
                p.commit(&mut s, plan).unwrap();
            }
            Op::Block(t, false) => {
                let plan = p.plan_unblock(TOPICS[*t], now).unwrap();
                p.commit(&mut s, plan).unwrap();
            }
            Op::Clock(minutes) => now += minutes * 60_000,
            Op::Decide(m, on) => {
                let plan = if *on {
                    p.plan_grant(MODULES[*m], now)
                } else {
                    p.plan_revoke(MODULES[*m], now)
                };
                p.commit(&mut s, plan.unwrap()).unwrap();
            }
            Op::Import(m, on) => {
                let records = other_device(MODULES[*m], *on, now);
                now += 10;
                if let Ok(plan) = p.plan_import(&records, now) {
                    p.commit(&mut s, plan).unwrap();
                }
            }
            Op::Rank => {
                p.rank(None, &RankOptions::default(), now).unwrap();
            }
            Op::Check => check(&p, now).map_err(|e| format!("step {step} ({op:?}): {e}"))?,
        }
    }
    check(&p, now).map_err(|e| format!("at the end: {e}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_cached_profile_is_the_full_derivation(ops in proptest::collection::vec(op(), 1..60)) {
        if let Err(e) = run(&ops) {
            prop_assert!(false, "{}", e);
        }
    }
}

#[test]
fn appending_to_a_long_history_needs_no_rebuild_and_stays_exact() {
    let mut s = MemoryStore::new();
    let mut now = T0;
    let mut p = open(&mut s, now);
    p.max_events_per_category = 10_000;
    for m in ["topics", "similar"] {
        let plan = p.plan_grant(m, now).unwrap();
        p.commit(&mut s, plan).unwrap();
    }
    let events = (0..3000)
        .map(|k| {
            event(
                k % 2,
                k % ITEMS,
                k % 9 == 0,
                now - (3000 - k) as Millis * 1000,
                false,
            )
        })
        .collect();
    let plan = p.plan_record(events, now).unwrap();
    p.commit(&mut s, plan).unwrap();
    p.rank(None, &RankOptions::default(), now).unwrap();
    let rebuilds = p.profile_cache.borrow().rebuilds();
    for k in 0..200 {
        now += 1000;
        let plan = p
            .plan_record_one(event(k % 2, k % ITEMS, k % 7 == 0, now, k % 5 == 0), now)
            .unwrap();
        p.commit(&mut s, plan).unwrap();
        p.rank(None, &RankOptions::default(), now).unwrap();
        assert!(p.profile_cache.borrow().is_tracking());
    }
    assert_eq!(
        p.profile_cache.borrow().rebuilds(),
        rebuilds,
        "appends rebuilt"
    );
    check(&p, now).unwrap();
    assert!(
        p.derived(&p.states(now), &p.window(&p.states(now), now), now)
            .profile
            .modules[0]
            .events
            > 3000
    );
    // And a month later, with everything expired bit by bit on the way (each category's
    // oldest leave first: no rebuild either).
    for _ in 0..70 {
        now += DAY_MS / 2;
        check(&p, now).unwrap();
    }
    assert_eq!(
        p.profile_cache.borrow().rebuilds(),
        rebuilds,
        "expiry rebuilt"
    );
    assert!(p
        .derived(&p.states(now), &p.window(&p.states(now), now), now)
        .profile
        .modules
        .iter()
        .all(|m| m.events == 0));
}
