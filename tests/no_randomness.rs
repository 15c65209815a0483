//! Without secure randomness nothing that needs it is written: a decision, an import or a
//! private report fails with `no-randomness`, storage and state stay as they were, and no
//! fixed or guessable record id is ever stored.
#![cfg(not(target_arch = "wasm32"))]

use optin::consent::ConsentState;
use std::sync::atomic::{AtomicUsize, Ordering};

use optin::error::ErrorCode;
use optin::ids::{IdSource, RandomIds, SequentialIds};
use optin::manifest::Manifest;
use optin::personalizer::{OpenConfig, Personalizer};
use optin::report::SecureRandom;
use optin::store::{MemoryStore, Store};
use optin::time::{Millis, DAY_MS};
use serde_json::Value;

const T0: Millis = 1_790_000_000_000;

fn manifest() -> Manifest {
    let json: Value =
        serde_json::from_str(include_str!("fixtures/news-manifest.json")).unwrap_or(Value::Null);
    Manifest::from_json(&json).unwrap()
}

fn open(store: &mut MemoryStore, ids: Box<dyn IdSource>, now: Millis) -> Personalizer {
    Personalizer::open_store(manifest(), store, OpenConfig::new("en", false, now), ids).unwrap()
}

/// The platform's source as it is where there is none (Node 18 without `crypto`).
fn no_source() -> Box<dyn IdSource> {
    Box::new(RandomIds::from_source(|_| false))
}

/// A source that works once, then fails (used by one test only).
fn one_id_then_none() -> Box<dyn IdSource> {
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    Box::new(RandomIds::from_source(|bytes| {
        bytes.fill(7);
        CALLS.fetch_add(1, Ordering::SeqCst) == 0
    }))
}

fn snapshot(store: &MemoryStore) -> Vec<(String, Vec<u8>)> {
    store.load().unwrap()
}

fn state(p: &Personalizer, module: &str, now: Millis) -> ConsentState {
    p.states(now).get(module).copied().unwrap()
}

#[test]
fn a_decision_without_an_id_fails_and_changes_nothing() {
    let mut store = MemoryStore::new();
    let mut p = open(&mut store, no_source(), T0);
    let err = p.plan_grant("topics", T0).map(|_| ()).unwrap_err();
    assert_eq!(err.code(), "no-randomness");
    assert!(p.consent_records().is_empty());
    assert_eq!(state(&p, "topics", T0), ConsentState::NotGranted);
    assert!(snapshot(&store).is_empty(), "nothing written");

    // Granted where ids worked; the revoke on a device without them fails, the grant stands.
    let mut p = open(&mut store, Box::new(SequentialIds(0)), T0);
    let plan = p.plan_grant("topics", T0).unwrap();
    p.commit(&mut store, plan).unwrap();
    let before = snapshot(&store);
    let mut p = open(&mut store, no_source(), T0 + 1);
    let err = p.plan_revoke("topics", T0 + 1).map(|_| ()).unwrap_err();
    assert_eq!(err.code(), "no-randomness");
    assert_eq!(state(&p, "topics", T0 + 1), ConsentState::Granted);
    assert_eq!(p.consent_records().len(), 1);
    assert_eq!(snapshot(&store), before, "nothing written");
}

#[test]
fn an_import_without_ids_fails_whole() {
    // Another device decided about two modules; here the second id can't be made.
    let mut other_store = MemoryStore::new();
    let mut other = open(&mut other_store, Box::new(SequentialIds(1 << 40)), T0);
    for module in ["topics", "similar"] {
        let plan = other.plan_grant(module, T0).unwrap();
        other.commit(&mut other_store, plan).unwrap();
    }
    let export = serde_json::to_value(other.consent_records()).unwrap();
    let mut store = MemoryStore::new();
    let mut p = open(&mut store, one_id_then_none(), T0 + 1);
    let err = p.plan_import(&export, T0 + 1).map(|_| ()).unwrap_err();
    assert_eq!(err.code(), "no-randomness");
    assert!(p.consent_records().is_empty(), "not half applied");
    assert!(snapshot(&store).is_empty(), "nothing written");
    for module in ["topics", "similar"] {
        assert_eq!(state(&p, module, T0 + 1), ConsentState::NotGranted);
    }
}

#[test]
fn a_lapsed_grant_without_an_id_is_off_and_its_data_goes_but_no_record_is_forged() {
    let mut store = MemoryStore::new();
    let mut p = open(&mut store, Box::new(SequentialIds(0)), T0);
    let plan = p.plan_grant("health", T0).unwrap();
    p.commit(&mut store, plan).unwrap();
    let e = optin::event::Event {
        category: "health-reading".into(),
        kind: "click".into(),
        item: "h-1".into(),
        at: None,
        weight: 1.0,
        features: vec![("topic:health".into(), 1.0)],
    };
    let plan = p.plan_record(vec![e], T0).unwrap();
    p.commit(&mut store, plan).unwrap();
    // A year and more later (validity: 395 days), opened where no id can be made: the open
    // still works, the module is off, its data is deleted, and no `expired` record with a
    // made-up id is written.
    let later = T0 + 400 * DAY_MS;
    let p = open(&mut store, no_source(), later);
    assert_eq!(state(&p, "health", later), ConsentState::NotGranted);
    assert_eq!(p.consent_records().len(), 1);
    assert!(
        store.keys().all(|k| !k.starts_with("events/")),
        "data erased"
    );
    // Where ids work again, the lapse is recorded at the next consent write.
    let mut p = open(&mut store, Box::new(SequentialIds(50)), later + 1);
    let plan = p.plan_grant("topics", later + 1).unwrap();
    p.commit(&mut store, plan).unwrap();
    let events: Vec<_> = p.consent_records().iter().map(|r| r.event).collect();
    use optin::consent::ConsentEvent::*;
    assert_eq!(events, [Given, Expired, Given]);
}

#[test]
fn a_private_report_without_randomness_fails_and_spends_nothing() {
    let mut store = MemoryStore::new();
    let mut p = open(&mut store, Box::new(SequentialIds(0)), T0);
    let plan = p.plan_grant("insights", T0).unwrap();
    p.commit(&mut store, plan).unwrap();
    let before = snapshot(&store);
    let mut broken = SecureRandom::from_source(|_| false);
    let err = p
        .plan_private_report("feed-helpful", &Value::Bool(true), T0, &mut broken)
        .map(|_| ())
        .unwrap_err();
    assert_eq!(err.code(), "no-randomness");
    assert_eq!(snapshot(&store), before, "no budget spent");
    assert_eq!(p.privacy_budget(T0).map(|b| b.spent), Some(0.0));
    // A source that works again makes reports again.
    let mut working = SecureRandom::default();
    assert!(p
        .plan_private_report("feed-helpful", &Value::Bool(true), T0, &mut working)
        .is_ok());
}
