//! Property test of retention at every read (promise 3): after any sequence of grants and
//! revocations, records (some backdated), clock moves (to just before, at and after the next
//! expiry, within the ranking cache's lifetime or beyond), reads and writes of every kind, no
//! read returns or uses an event past its retention or data of a grant that lapsed (the
//! manifest's `consentValidityDays`), and every commit, whatever it is for, deletes them.
//!
//! The oracle: an event is in force while a module granted now uses its category and keeps
//! data that long. Every read must equal the same read on a fresh open at the same moment
//! (whose open plan deleted what is no longer in force).
#![cfg(not(target_arch = "wasm32"))]

use optin::consent::ConsentState;
use optin::event::Event;
use optin::ids::SequentialIds;
use optin::manifest::Manifest;
use optin::personalizer::{ForgetRequest, OpenConfig, Personalizer};
use optin::profile::StoredEvent;
use optin::rank::{Catalog, RankOptions, Reason};
use optin::report::SeededRandom;
use optin::store::{MemoryStore, Store};
use optin::time::{parse_iso, Millis, DAY_MS};
use proptest::prelude::*;
use serde_json::{json, Value};

const T0: Millis = 1_790_000_000_000;
const OPTIONAL: [&str; 4] = ["topics", "similar", "health", "insights"];
const CATEGORIES: [&str; 3] = ["reading", "reactions", "health-reading"];
const FEATURES: [&str; 3] = ["topic:a", "topic:b", "topic:c"];
const ITEMS: usize = 6;

#[derive(Debug, Clone)]
enum Op {
    Grant(usize),
    Revoke(usize),
    Record {
        category: usize,
        item: usize,
        back: Millis,
        own_features: bool,
    },
    Advance(Millis),
    /// To the next moment an event or a grant leaves force, plus -1, 0 or 1 ms.
    ToNextExpiry(Millis),
    NoticeViewed,
    Block(usize),
    Unblock(usize),
    ForgetItem(usize),
    Report,
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..4usize).prop_map(Op::Grant),
        1 => (0..4usize).prop_map(Op::Revoke),
        5 => (0..3usize, 0..ITEMS, 0..4 * DAY_MS, any::<bool>()).prop_map(|(category, item, back, own_features)| {
            Op::Record { category, item, back, own_features }
        }),
        2 => (1..59_000 as Millis).prop_map(Op::Advance),
        2 => (1..3 * DAY_MS).prop_map(Op::Advance),
        4 => (-1..=1 as Millis).prop_map(Op::ToNextExpiry),
        1 => Just(Op::NoticeViewed),
        1 => (0..3usize).prop_map(Op::Block),
        1 => (0..3usize).prop_map(Op::Unblock),
        1 => (0..ITEMS).prop_map(Op::ForgetItem),
        1 => Just(Op::Report),
        1 => Just(Op::Reopen),
    ]
}

/// The news manifest with short retentions and a consent validity of five days.
fn manifest() -> Manifest {
    let mut m: Value =
        serde_json::from_str(include_str!("fixtures/news-manifest.json")).unwrap_or(Value::Null);
    m["consentValidityDays"] = json!(5);
    for (id, days) in [
        ("topics", 3),
        ("similar", 2),
        ("health", 1),
        ("insights", 4),
    ] {
        for module in m["modules"].as_array_mut().into_iter().flatten() {
            if module["id"] == id {
                module["retentionDays"] = json!(days);
            }
        }
    }
    Manifest::from_json(&m).unwrap()
}

fn catalog() -> Catalog {
    let items: Vec<Value> = (0..ITEMS)
        .map(|i| {
            json!({
                "id": format!("item-{i}"),
                "features": { FEATURES[i % 3]: 1, FEATURES[(i + 1) % 3]: 0.5 },
                "embedding": [1.0 + i as f64, (i % 2) as f64, (i % 3) as f64],
                "baseline": (ITEMS - i) as f64,
            })
        })
        .collect();
    Catalog::from_items(&json!(items)).unwrap()
}

struct World {
    manifest: Manifest,
    store: MemoryStore,
    p: Personalizer,
    now: Millis,
    opens: u64,
}

impl World {
    fn open_at(&mut self, now: Millis) -> Personalizer {
        self.opens += 1;
        let mut p = Personalizer::open_store(
            self.manifest.clone(),
            &mut self.store,
            OpenConfig::new("en", false, now),
            Box::new(SequentialIds(self.opens << 32)),
        )
        .unwrap();
        p.set_catalog(catalog());
        p
    }

    /// The world after the commit that deletes what is no longer in force, read from a copy
    /// of storage: what every read must already show.
    fn fresh(&self) -> Personalizer {
        self.fresh_at(self.now)
    }

    fn fresh_at(&self, now: Millis) -> Personalizer {
        let mut copy = self.store.clone();
        let mut p = Personalizer::open_store(
            self.manifest.clone(),
            &mut copy,
            OpenConfig::new("en", false, now),
            Box::new(SequentialIds(u64::MAX >> 1)),
        )
        .unwrap();
        p.set_catalog(catalog());
        p
    }

    /// The events in storage, as a fresh open reads them before its own plan.
    fn stored_events(&self) -> Vec<StoredEvent> {
        let (p, _) = Personalizer::open(
            self.manifest.clone(),
            self.store.load().unwrap(),
            OpenConfig::new("en", false, self.now),
            Box::new(SequentialIds(1)),
        );
        p.events().iter().cloned().collect()
    }

    fn granted(&self, module: &str) -> bool {
        self.p.states(self.now).get(module) == Some(&ConsentState::Granted)
    }

    /// The oracle: a module granted now uses the event's category and keeps data this long.
    fn in_force(&self, e: &StoredEvent) -> bool {
        self.manifest.modules.iter().any(|m| {
            m.uses.contains(&e.category)
                && self.granted(&m.id)
                && e.at >= self.now - i64::from(m.retention_days) * DAY_MS
        })
    }

    /// The next moment something leaves force, if anything is in force.
    fn next_expiry(&self) -> Option<Millis> {
        let events = self
            .p
            .events()
            .iter()
            .filter(|e| self.in_force(e))
            .map(|e| {
                let days = self
                    .manifest
                    .modules
                    .iter()
                    .filter(|m| m.uses.contains(&e.category) && self.granted(&m.id))
                    .map(|m| i64::from(m.retention_days))
                    .max()
                    .unwrap_or(0);
                e.at + days * DAY_MS + 1
            });
        let grants = OPTIONAL.iter().filter(|m| self.granted(m)).filter_map(|m| {
            let last = self
                .p
                .consent_records()
                .iter()
                .rev()
                .find(|r| r.module == *m)?;
            self.manifest.consent_expires_at(last.decided_at())
        });
        events.chain(grants).min()
    }

    fn commit<T>(
        &mut self,
        plan: Result<optin::personalizer::Pending<T>, impl std::fmt::Display>,
    ) -> bool {
        match plan {
            Ok(plan) => self.p.commit(&mut self.store, plan).is_ok(),
            Err(_) => false,
        }
    }
}

fn fail(message: String) -> TestCaseError {
    TestCaseError::fail(message)
}

fn in_force_ids(w: &World) -> Vec<String> {
    let mut ids: Vec<String> =
        w.p.events()
            .iter()
            .filter(|e| w.in_force(e))
            .map(|e| e.id.to_string())
            .collect();
    ids.sort();
    ids
}

fn check_reads(w: &mut World) -> Result<(), TestCaseError> {
    let now = w.now;
    let fresh = w.fresh();
    let expected = in_force_ids(w);
    let cat = catalog();
    // inventory: counts, oldest and deleteAfter of the events in force only.
    let inventory = w.p.inventory(now);
    let fresh_inventory = fresh.inventory(now);
    prop_assert_eq!(inventory.total_events, expected.len());
    for (c, f) in inventory.categories.iter().zip(&fresh_inventory.categories) {
        prop_assert_eq!(
            (
                &c.count,
                &c.oldest,
                &c.delete_after,
                &c.retention_days,
                &c.modules
            ),
            (
                &f.count,
                &f.oldest,
                &f.delete_after,
                &f.retention_days,
                &f.modules
            ),
            "inventory of {}",
            c.category
        );
        if let Some(after) = c.delete_after.as_deref().and_then(parse_iso) {
            prop_assert!(after >= now, "deleteAfter {} is past", after);
        }
    }
    // exportData: the events in force, and the profile of the modules granted now.
    let export = w.p.export_data(&cat, now);
    let mut exported: Vec<String> = export.events.iter().map(|e| e.id.clone()).collect();
    exported.sort();
    prop_assert_eq!(&exported, &expected, "exported events");
    let profile = w.p.profile(&cat, now);
    prop_assert_eq!(&profile, &fresh.profile(&cat, now), "profile");
    prop_assert_eq!(&export.profile, &profile, "exported profile");
    prop_assert_eq!(&export.consent_state, &fresh.states(now));
    // explainInterest: only events in force.
    for feature in FEATURES {
        let why: Vec<String> =
            w.p.explain_interest(feature, &cat, now)
                .into_iter()
                .map(|e| e.id)
                .collect();
        let fresh_why: Vec<String> = fresh
            .explain_interest(feature, &cat, now)
            .into_iter()
            .map(|e| e.id)
            .collect();
        prop_assert_eq!(why, fresh_why, "explainInterest({})", feature);
    }
    // rank, through its cache: the same items left out as seen, reasons only from interests
    // in force, and the baseline itself when nothing is.
    let options = RankOptions {
        limit: ITEMS,
        exclude_seen: true,
        ..RankOptions::default()
    };
    let mut fresh = fresh;
    let ranked =
        w.p.rank(None, &options, now)
            .map_err(|e| fail(e.to_string()))?;
    let fresh_ranked = fresh
        .rank(None, &options, now)
        .map_err(|e| fail(e.to_string()))?;
    let ids = |r: &[optin::rank::Ranked]| {
        let mut ids: Vec<String> = r.iter().map(|x| x.id.clone()).collect();
        ids.sort();
        ids
    };
    prop_assert_eq!(ids(&ranked), ids(&fresh_ranked), "items left out as seen");
    if profile.modules.is_empty() {
        prop_assert_eq!(&ranked, &fresh_ranked, "the baseline without data in force");
    }
    for reason in ranked.iter().flat_map(|r| &r.reasons) {
        let module = |id: &str| profile.modules.iter().find(|m| m.module == id);
        match reason {
            Reason::Feature {
                feature, module: m, ..
            } => prop_assert!(
                module(m).is_some_and(|mp| mp.features.iter().any(|f| f.feature == *feature)),
                "rank explains with {} of {}, not in force",
                feature,
                m
            ),
            Reason::Similar {
                item, module: m, ..
            } => prop_assert!(
                module(m).is_some_and(|mp| mp.recent_items.iter().any(|r| r.item == *item)),
                "rank explains with {} of {}, not in force",
                item,
                m
            ),
            Reason::Baseline { .. } => {}
        }
    }
    Ok(())
}

/// After a commit: nothing out of force in memory or in storage.
fn check_deleted(w: &World, what: &str) -> Result<(), TestCaseError> {
    for e in w.p.events().iter() {
        prop_assert!(
            w.in_force(e),
            "after {}: event {} kept in memory",
            what,
            e.id
        );
    }
    for e in w.stored_events() {
        prop_assert!(
            w.in_force(&e),
            "after {}: event {} kept in storage",
            what,
            e.id
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_read_sees_and_no_commit_keeps_data_out_of_force(ops in prop::collection::vec(op(), 1..40)) {
        let mut w = World {
            manifest: manifest(),
            store: MemoryStore::new(),
            p: Personalizer::open(manifest(), Vec::new(), OpenConfig::new("en", false, T0), Box::new(SequentialIds(0))).0,
            now: T0,
            opens: 0,
        };
        w.p = w.open_at(T0);
        for op in ops {
            let now = w.now;
            let committed = match &op {
                Op::Grant(m) => { let plan = w.p.plan_grant(OPTIONAL[*m], now); w.commit(plan) }
                Op::Revoke(m) => { let plan = w.p.plan_revoke(OPTIONAL[*m], now); w.commit(plan) }
                Op::Record { category, item, back, own_features } => {
                    let e = Event {
                        category: CATEGORIES[*category].into(),
                        kind: "click".into(),
                        item: format!("item-{item}"),
                        at: Some(now - back),
                        weight: 1.0,
                        features: if *own_features { vec![(FEATURES[item % 3].into(), 1.0)] } else { vec![] },
                    };
                    let plan = w.p.plan_record(vec![e], now);
                    w.commit(plan)
                }
                Op::Advance(ms) => { w.now += ms; false }
                Op::ToNextExpiry(offset) => {
                    if let Some(at) = w.next_expiry() {
                        w.now = w.now.max(at + offset);
                    }
                    false
                }
                Op::NoticeViewed => {
                    let plan = w.p.plan_notice_viewed(&OPTIONAL.map(String::from), now);
                    w.commit(plan)
                }
                Op::Block(f) => {
                    let plan = w.p.plan_forget(&ForgetRequest::Feature(FEATURES[*f].into()), now);
                    w.commit(plan)
                }
                Op::Unblock(f) => { let plan = w.p.plan_unblock(FEATURES[*f], now); w.commit(plan) }
                Op::ForgetItem(i) => {
                    let plan = w.p.plan_forget(&ForgetRequest::Item(format!("item-{i}")), now);
                    w.commit(plan)
                }
                Op::Report => {
                    let plan = w.p.plan_private_report("feed-helpful", &json!(true), now, &mut SeededRandom(now as u64));
                    w.commit(plan)
                }
                Op::Reopen => { w.p = w.open_at(now); true }
            };
            if committed {
                check_deleted(&w, &format!("{op:?}"))?;
            }
            check_reads(&mut w)?;
        }
    }
}

fn personalized(ranked: &[optin::rank::Ranked]) -> bool {
    ranked
        .iter()
        .flat_map(|r| &r.reasons)
        .any(|r| !matches!(r, Reason::Baseline { .. }))
}

/// A world with "topics" granted at T0 and one event recorded then.
fn one_event() -> World {
    let mut w = World {
        manifest: manifest(),
        store: MemoryStore::new(),
        p: Personalizer::open(
            manifest(),
            Vec::new(),
            OpenConfig::new("en", false, T0),
            Box::new(SequentialIds(0)),
        )
        .0,
        now: T0,
        opens: 0,
    };
    w.p = w.open_at(T0);
    let plan = w.p.plan_grant("topics", T0);
    assert!(w.commit(plan));
    let e = Event {
        category: "reading".into(),
        kind: "click".into(),
        item: "item-0".into(),
        at: None,
        weight: 1.0,
        features: vec![],
    };
    let plan = w.p.plan_record(vec![e], T0);
    assert!(w.commit(plan));
    w
}

#[test]
fn rank_stops_personalizing_the_moment_a_grant_lapses_not_a_minute_later() {
    let mut w = one_event();
    // Retention (3 days) outlives the grant here: move the event on, then let the grant lapse.
    let end = T0 + 5 * DAY_MS;
    let plan = w.p.plan_record(
        vec![Event {
            category: "reading".into(),
            kind: "click".into(),
            item: "item-1".into(),
            at: Some(end - 1000),
            weight: 1.0,
            features: vec![],
        }],
        end - 1000,
    );
    assert!(w.commit(plan));
    let options = RankOptions::default();
    let before = w.p.rank(None, &options, end - 1).unwrap();
    assert!(personalized(&before), "granted until the end");
    let after = w.p.rank(None, &options, end).unwrap();
    assert!(
        !personalized(&after),
        "lapsed: the ranking cache must not outlive the grant"
    );
    let baseline = w.fresh_at(end).rank(None, &options, end).unwrap();
    assert_eq!(after, baseline);
}

#[test]
fn an_event_past_retention_is_gone_from_every_read_before_any_write() {
    let mut w = one_event();
    let options = RankOptions {
        exclude_seen: true,
        ..RankOptions::default()
    };
    let last = T0 + 3 * DAY_MS;
    assert_eq!(w.p.inventory(last).total_events, 1);
    assert_eq!(w.p.rank(None, &options, last).unwrap().len(), ITEMS - 1);
    let gone = last + 1;
    let cat = catalog();
    assert_eq!(w.p.inventory(gone).total_events, 0);
    assert!(w.p.export_data(&cat, gone).events.is_empty());
    assert!(w.p.explain_interest("topic:a", &cat, gone).is_empty());
    assert!(w
        .p
        .profile(&cat, gone)
        .modules
        .iter()
        .all(|m| m.events == 0));
    let ranked = w.p.rank(None, &options, gone).unwrap();
    assert_eq!(ranked.len(), ITEMS, "nothing is left out as seen");
    assert!(!personalized(&ranked));
    // Still in memory and in storage until the next commit, of any kind: here a notice view.
    assert_eq!(w.p.events().len(), 1);
    w.now = gone;
    let plan = w.p.plan_notice_viewed(&["topics".to_owned()], gone);
    assert!(w.commit(plan));
    assert!(w.p.events().is_empty());
    assert!(w.stored_events().is_empty());
}
