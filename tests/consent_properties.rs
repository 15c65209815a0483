//! Property tests of the consent invariants over random sequences of user actions,
//! manifest changes, clock moves, imports and re-opens.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use optin::consent::{ConsentEvent, ConsentRecord, ConsentState, Method};
use optin::event::Event;
use optin::ids::SequentialIds;
use optin::manifest::Manifest;
use optin::personalizer::{OpenConfig, Personalizer};
use optin::store::{MemoryStore, Store};
use optin::time::{Millis, DAY_MS};
use proptest::prelude::*;
use serde_json::{json, Value};

const T0: Millis = 1_790_000_000_000;
const OPTIONAL: [&str; 4] = ["topics", "similar", "health", "insights"];

#[derive(Debug, Clone)]
enum Op {
    Grant(usize),
    Revoke(usize),
    Advance(Millis),
    ChangeNotice(usize),
    BumpPolicy,
    Reopen {
        gpc: bool,
    },
    ImportFromOtherDevice {
        grants: Vec<(usize, bool)>,
        skew: Millis,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..4usize).prop_map(Op::Grant),
        3 => (0..4usize).prop_map(Op::Revoke),
        2 => (0..200 * DAY_MS).prop_map(Op::Advance),
        1 => (0..4usize).prop_map(Op::ChangeNotice),
        1 => Just(Op::BumpPolicy),
        2 => any::<bool>().prop_map(|gpc| Op::Reopen { gpc }),
        2 => (prop::collection::vec((0..4usize, any::<bool>()), 0..5), -DAY_MS..DAY_MS)
            .prop_map(|(grants, skew)| Op::ImportFromOtherDevice { grants, skew }),
    ]
}

fn base_manifest() -> Value {
    serde_json::from_str(include_str!("fixtures/news-manifest.json")).unwrap_or(Value::Null)
}

fn module_index(m: &Value, id: &str) -> usize {
    m["modules"]
        .as_array()
        .and_then(|a| a.iter().position(|x| x["id"] == id))
        .unwrap_or(0)
}

struct World {
    manifest_json: Value,
    store: MemoryStore,
    p: Personalizer,
    now: Millis,
    gpc: bool,
    seq: u64,
}

impl World {
    fn manifest(&self) -> Manifest {
        Manifest::from_json(&self.manifest_json).unwrap()
    }

    fn reopen(&mut self) {
        self.seq += 1_000_000;
        let config = OpenConfig::new("en", self.gpc, self.now);
        self.p = Personalizer::open_store(
            self.manifest(),
            &mut self.store,
            config,
            Box::new(SequentialIds(self.seq)),
        )
        .unwrap();
    }

    /// The app records an event in every category, some of them backdated: events of
    /// categories no granted module uses must be dropped, and old ones expire.
    fn collect_data(&mut self, backdate_days: i64) {
        let m = self.manifest();
        let events = m
            .data_categories
            .iter()
            .map(|c| Event {
                category: c.id.clone(),
                kind: "view".into(),
                item: format!("item-{}", self.now),
                at: Some(self.now - backdate_days * DAY_MS),
                weight: 1.0,
                features: vec![("topic:x".into(), 1.0)],
            })
            .collect();
        if let Ok(plan) = self.p.plan_record(events, self.now) {
            let _ = self.p.commit(&mut self.store, plan);
        }
    }
}

fn other_device_export(manifest: &Manifest, grants: &[(usize, bool)], at: Millis) -> Value {
    let mut store = MemoryStore::new();
    let config = OpenConfig::new("de", false, at);
    let Ok(mut p) = Personalizer::open_store(
        manifest.clone(),
        &mut store,
        config,
        Box::new(SequentialIds(7 << 40)),
    ) else {
        return json!([]);
    };
    for (i, (m, give)) in grants.iter().enumerate() {
        // Two decisions to a millisecond.
        let at = at + (i / 2) as Millis;
        let plan = if *give {
            p.plan_grant(OPTIONAL[*m], at)
        } else {
            p.plan_revoke(OPTIONAL[*m], at)
        };
        if let Ok(plan) = plan {
            let _ = p.commit(&mut store, plan);
        }
    }
    serde_json::to_value(p.consent_records()).unwrap_or(json!([]))
}

fn check_invariants(w: &World, previous_records: &[ConsentRecord]) -> Result<(), TestCaseError> {
    let manifest = w.manifest();
    let records = w.p.consent_records();
    // Append-only.
    prop_assert!(records.len() >= previous_records.len());
    prop_assert_eq!(&records[..previous_records.len()], previous_records);
    // State is a pure function of the stored records and the manifest: a fresh instance over
    // the same storage agrees with this one.
    let config = OpenConfig::new("en", w.gpc, w.now);
    let (fresh, _) = Personalizer::open(
        manifest.clone(),
        w.store.load().unwrap(),
        config,
        Box::new(SequentialIds(1)),
    );
    let states = w.p.states(w.now);
    prop_assert_eq!(&fresh.states(w.now), &states);
    let infos = w.p.modules(None, w.now);
    for info in infos.iter().filter(|m| !m.essential) {
        let last = records.iter().rev().find(|r| r.module == info.id);
        if info.state == ConsentState::Granted {
            // Granted only by a given record for the notice in force, within its validity.
            let last = last.ok_or_else(|| TestCaseError::fail("granted without a record"))?;
            prop_assert_eq!(last.event, ConsentEvent::Given);
            prop_assert_eq!(&last.notice_hash, &info.notice_hash);
            prop_assert!(manifest
                .consent_expires_at(last.decided_at())
                .is_none_or(|end| w.now < end));
        }
    }
    // Global Privacy Control: no import ever grants a sharing module while it is on.
    for r in records {
        let shares = manifest.module(&r.module).is_some_and(|m| m.shares);
        prop_assert!(
            !(r.gpc && shares && r.method == Method::Import && r.event == ConsentEvent::Given)
        );
    }
    // Promises 1 and 3: every stored event belongs to a category a granted module uses, and
    // is no older than the longest retention of those modules; in memory and in storage alike.
    let retention: BTreeMap<&str, i64> = manifest
        .data_categories
        .iter()
        .filter_map(|c| {
            manifest
                .modules
                .iter()
                .filter(|m| {
                    m.uses.contains(&c.id) && states.get(&m.id) == Some(&ConsentState::Granted)
                })
                .map(|m| i64::from(m.retention_days))
                .max()
                .map(|d| (c.id.as_str(), d))
        })
        .collect();
    for e in w.p.events().iter() {
        let days = retention.get(e.category.as_str()).copied();
        prop_assert!(
            days.is_some(),
            "event in {} kept without a granted user",
            e.category
        );
        prop_assert!(
            e.at >= w.now - days.unwrap_or(0) * DAY_MS,
            "event in {} kept past retention",
            e.category
        );
    }
    for key in w.store.keys().filter(|k| k.starts_with("events/")) {
        let category = key.split('/').nth(1).unwrap_or("");
        prop_assert!(
            retention.contains_key(category),
            "{} kept without a granted user",
            key
        );
    }
    prop_assert_eq!(
        fresh.events(),
        w.p.events(),
        "the event log round-trips through storage"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn consent_invariants_hold_for_any_sequence(ops in prop::collection::vec((op(), 0..40i64), 1..40)) {
        let mut w = World {
            manifest_json: base_manifest(),
            store: MemoryStore::new(),
            p: Personalizer::open(Manifest::from_json(&base_manifest()).unwrap(), Vec::new(),
                OpenConfig::new("en", false, T0), Box::new(SequentialIds(0))).0,
            now: T0,
            gpc: false,
            seq: 0,
        };
        for (op, backdate) in ops {
            let before = w.p.consent_records().to_vec();
            match op {
                Op::Grant(m) | Op::Revoke(m) => {
                    w.now += 1;
                    let id = OPTIONAL[m];
                    let plan = if matches!(op, Op::Grant(_)) { w.p.plan_grant(id, w.now) } else { w.p.plan_revoke(id, w.now) };
                    let plan = plan.map_err(|e| TestCaseError::fail(e.to_string()))?;
                    let change = w.p.commit(&mut w.store, plan).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert_eq!(change.state == ConsentState::Granted, matches!(op, Op::Grant(_)));
                }
                Op::Advance(ms) => { w.now += ms; w.reopen(); }
                Op::ChangeNotice(m) => {
                    let i = module_index(&w.manifest_json, OPTIONAL[m]);
                    let days = w.manifest_json["modules"][i]["retentionDays"].as_u64().unwrap_or(1);
                    w.manifest_json["modules"][i]["retentionDays"] = json!(days % 3650 + 1);
                    w.reopen();
                }
                Op::BumpPolicy => {
                    let v = w.manifest_json["policyVersion"].as_str().unwrap_or("").to_owned();
                    w.manifest_json["policyVersion"] = json!(format!("{v}+"));
                    w.reopen();
                }
                Op::Reopen { gpc } => { w.gpc = gpc; w.reopen(); }
                Op::ImportFromOtherDevice { grants, skew } => {
                    w.now += DAY_MS;
                    let export = other_device_export(&w.manifest(), &grants, w.now + skew - DAY_MS / 2);
                    let plan = w.p.plan_import(&export, w.now).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    w.p.commit(&mut w.store, plan).map_err(|e| TestCaseError::fail(e.to_string()))?;
                }
            }
            check_invariants(&w, &before).or_else(|e| if matches!(e, TestCaseError::Fail(_)) { Err(e) } else { Ok(()) })?;
            w.collect_data(backdate);
        }
    }

    #[test]
    fn manifest_parsing_never_panics_on_arbitrary_json(v in arbitrary_json()) {
        let _ = Manifest::from_json(&v);
        let _ = optin::consent::parse_records(&v, T0);
    }
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null)),
        "[a-zA-Z0-9:_.\\- ]{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "modules",
            "given",
            "topics",
            "2026-01-01T00:00:00Z",
            "en",
            "reading"
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "policyVersion",
                    "controller",
                    "dataCategories",
                    "modules",
                    "metrics",
                    "samples",
                    "id",
                    "uses",
                    "title",
                    "purpose",
                    "benefit",
                    "retentionDays",
                    "essential",
                    "shares",
                    "label",
                    "recordId",
                    "module",
                    "event",
                    "time",
                    "noticeHash",
                    "method",
                    "locale",
                    "gpc",
                    "type",
                    "domain",
                    "epsilon",
                ])
                .prop_map(str::to_owned),
                inner,
                0..8,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
