//! Opening does not depend on the order a store gives its records in: the IndexedDB store
//! gives them in the order of their opaque names, not their keys.

use proptest::prelude::*;
use serde_json::json;

use crate::event::Event;
use crate::ids::SequentialIds;
use crate::manifest::Manifest;
use crate::personalizer::{OpenConfig, Personalizer};
use crate::store::{MemoryStore, Store};
use crate::time::Millis;

const T0: Millis = 1_790_000_000_000;

fn manifest() -> Manifest {
    Manifest::from_json(&crate::manifest::tests::fixture()).unwrap()
}

fn event(item: &str, category: &str) -> Event {
    Event::parse(
        &json!({ "category": category, "kind": "click", "item": item }),
        "e",
        &|_| true,
    )
    .unwrap()
}

/// A store after a grant, two events, and (if `damage`) one record no longer readable, as the
/// IndexedDB store reports one (its key replaced by an `unreadable/` name).
fn seeded(damage: Option<usize>) -> MemoryStore {
    let mut store = MemoryStore::new();
    let mut p = Personalizer::open_store(
        manifest(),
        &mut store,
        OpenConfig::new("en", false, T0),
        Box::new(SequentialIds(0)),
    )
    .unwrap();
    let plan = p.plan_grant("topics", T0).unwrap();
    p.commit(&mut store, plan).unwrap();
    for (i, category) in ["reading", "reactions"].into_iter().enumerate() {
        let plan = p
            .plan_record(
                vec![event(&format!("item-{i}"), category)],
                T0 + 1 + i as Millis,
            )
            .unwrap();
        p.commit(&mut store, plan).unwrap();
    }
    if let Some(index) = damage {
        let keys: Vec<String> = store.keys().map(str::to_owned).collect();
        let key = &keys[index % keys.len()];
        store.remove_raw(key);
        store.put_raw(&format!("unreadable/{}", key.replace('/', "-")), Vec::new());
    }
    store
}

/// Opens over the store's records in the order `order` gives them, then grants again and
/// reopens: (topics' state after the damage, after the new grant, health after it).
fn open_in_order(store: &mut MemoryStore, order: &[usize]) -> (String, String, bool) {
    let mut entries = store.load().unwrap();
    let n = entries.len();
    let mut shuffled: Vec<(String, Vec<u8>)> = Vec::with_capacity(n);
    for &i in order.iter().take(n) {
        let picked = entries.remove(i % entries.len());
        shuffled.push(picked);
    }
    shuffled.append(&mut entries);
    let now = T0 + 1_000;
    let (mut p, plan) = Personalizer::open(
        manifest(),
        shuffled,
        OpenConfig::new("en", false, now),
        Box::new(SequentialIds(100)),
    );
    p.commit(store, plan).unwrap();
    let before = format!("{:?}", p.states(now).get("topics"));
    let plan = p.plan_grant("topics", now).unwrap();
    p.commit(store, plan).unwrap();
    let again = Personalizer::open_store(
        manifest(),
        store,
        OpenConfig::new("en", false, now + 1),
        Box::new(SequentialIds(200)),
    )
    .unwrap();
    (
        before,
        format!("{:?}", again.states(now + 1).get("topics")),
        again.health().ok,
    )
}

proptest! {
    #[test]
    fn records_in_any_order_open_alike(order in proptest::collection::vec(0usize..16, 0..16), damage in proptest::option::of(0usize..16)) {
        let mut sorted = seeded(damage);
        let mut shuffled = sorted.clone();
        let expected = open_in_order(&mut sorted, &[]);
        prop_assert_eq!(open_in_order(&mut shuffled, &order), expected.clone());
        // A new decision always brings consent back, whichever record was unreadable.
        prop_assert_eq!(expected.1.as_str(), "Some(Granted)");
        prop_assert!(expected.2);
    }
}
