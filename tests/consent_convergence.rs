//! Property test of consent across devices, with decisions in the same millisecond: every
//! device given the same records derives the same state, whatever order they arrive in, and
//! a device that imports an export derives the state of the device that made it.
#![cfg(not(target_arch = "wasm32"))]

use optin::consent::ConsentState;
use optin::ids::SequentialIds;
use optin::manifest::Manifest;
use optin::personalizer::{OpenConfig, Personalizer};
use optin::sorted::SortedMap;
use optin::store::MemoryStore;
use optin::time::{Millis, DAY_MS};
use proptest::prelude::*;
use serde_json::Value;

const T0: Millis = 1_790_000_000_000;
const OPTIONAL: [&str; 4] = ["topics", "similar", "health", "insights"];
const SOURCES: usize = 3;

#[derive(Debug, Clone)]
enum Op {
    /// A device decides; `dt` ms after the previous step (mostly 0: the same millisecond).
    Decide {
        device: usize,
        module: usize,
        give: bool,
        dt: Millis,
    },
    /// `to` imports what `from` exports.
    Sync { from: usize, to: usize, dt: Millis },
    /// Past the consent validity (395 days): grants lapse.
    Lapse,
}

fn dt() -> impl Strategy<Value = Millis> {
    prop_oneof![6 => Just(0), 2 => Just(1), 1 => 2..5 as Millis]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (0..SOURCES, 0..4usize, any::<bool>(), dt())
            .prop_map(|(device, module, give, dt)| Op::Decide { device, module, give, dt }),
        3 => (0..SOURCES, 0..SOURCES, dt()).prop_map(|(from, to, dt)| Op::Sync { from, to, dt }),
        1 => Just(Op::Lapse),
    ]
}

fn manifest() -> Manifest {
    let json: Value =
        serde_json::from_str(include_str!("fixtures/news-manifest.json")).unwrap_or(Value::Null);
    Manifest::from_json(&json).unwrap()
}

struct Device {
    store: MemoryStore,
    p: Personalizer,
}

impl Device {
    fn new(id: u64, now: Millis) -> Device {
        let mut store = MemoryStore::new();
        let p = Personalizer::open_store(
            manifest(),
            &mut store,
            OpenConfig::new("en", false, now),
            Box::new(SequentialIds(id << 40)),
        )
        .unwrap();
        Device { store, p }
    }

    fn decide(&mut self, module: &str, give: bool, now: Millis) -> Result<(), TestCaseError> {
        let plan = if give {
            self.p.plan_grant(module, now)
        } else {
            self.p.plan_revoke(module, now)
        };
        let plan = plan.map_err(|e| TestCaseError::fail(e.to_string()))?;
        self.p
            .commit(&mut self.store, plan)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        Ok(())
    }

    fn export(&self) -> Value {
        serde_json::to_value(self.p.consent_records()).unwrap_or(Value::Null)
    }

    fn import(&mut self, records: &Value, now: Millis) -> Result<(), TestCaseError> {
        let plan = self
            .p
            .plan_import(records, now)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        self.p
            .commit(&mut self.store, plan)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        Ok(())
    }

    fn states(&self, now: Millis) -> SortedMap<String, ConsentState> {
        self.p.states(now)
    }
}

/// A fresh device that imports `exports` in this order.
fn fresh_with(id: u64, exports: &[&Value], now: Millis) -> Result<Device, TestCaseError> {
    let mut d = Device::new(id, now);
    for e in exports {
        d.import(e, now)?;
    }
    Ok(d)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn devices_given_the_same_records_derive_the_same_state(
        ops in prop::collection::vec(op(), 1..30),
        order in Just((0..SOURCES).collect::<Vec<_>>()).prop_shuffle(),
        again in 0..SOURCES,
    ) {
        let mut now = T0;
        let mut sources: Vec<Device> = (0..SOURCES).map(|i| Device::new(i as u64 + 1, now)).collect();
        for op in ops {
            match op {
                Op::Decide { device, module, give, dt } => {
                    now += dt;
                    sources[device].decide(OPTIONAL[module], give, now)?;
                }
                Op::Sync { from, to, dt } => {
                    now += dt;
                    let export = sources[from].export();
                    sources[to].import(&export, now)?;
                }
                Op::Lapse => now += 396 * DAY_MS,
            }
        }
        let exports: Vec<Value> = sources.iter().map(Device::export).collect();
        // A device that imports one export derives the state of the device that made it.
        for (i, source) in sources.iter().enumerate() {
            let copy = fresh_with(10 + i as u64, &[&exports[i]], now)?;
            prop_assert_eq!(copy.states(now), source.states(now), "importing device {}'s export", i);
        }
        // Two devices given every export, in different orders (one of them twice), agree.
        let forward: Vec<&Value> = exports.iter().collect();
        let mut shuffled: Vec<&Value> = order.iter().map(|&i| &exports[i]).collect();
        shuffled.push(&exports[again]);
        let p = fresh_with(20, &forward, now)?;
        let q = fresh_with(21, &shuffled, now)?;
        prop_assert_eq!(p.states(now), q.states(now), "orders {:?} and {:?}", (0..SOURCES).collect::<Vec<_>>(), order);
        // And so does a device that had its own records and imports the others'.
        let first = order[0];
        for &i in &order[1..] {
            sources[first].import(&exports[i], now)?;
        }
        prop_assert_eq!(sources[first].states(now), p.states(now), "device {} after importing the others", first);
    }
}

/// Versions before this rule could date two decisions of one device alike: their export keeps
/// the device's order, and the last one wins here as it did there.
#[test]
fn decisions_exported_in_one_millisecond_keep_the_order_they_were_made_in() {
    let mut phone = Device::new(1, T0);
    phone.decide("topics", false, T0).unwrap();
    phone.decide("topics", true, T0).unwrap();
    phone.decide("similar", true, T0).unwrap();
    phone.decide("similar", false, T0).unwrap();
    let mut export = phone.export();
    for r in export.as_array_mut().into_iter().flatten() {
        r["time"] = Value::String(optin::time::to_iso(T0));
    }
    let laptop = fresh_with(2, &[&export], T0 + 5).unwrap();
    let states = laptop.states(T0 + 5);
    assert_eq!(states.get("topics"), Some(&ConsentState::Granted));
    assert_eq!(states.get("similar"), Some(&ConsentState::NotGranted));
}

#[test]
fn a_decision_in_the_millisecond_of_the_last_is_dated_after_it() {
    let mut phone = Device::new(1, T0);
    phone.decide("topics", false, T0).unwrap();
    phone.decide("topics", true, T0).unwrap();
    let times: Vec<Millis> = phone.p.consent_records().iter().map(|r| r.time).collect();
    assert_eq!(times, [T0, T0 + 1]);
    // Also after an imported decision dated ahead of this device's clock.
    let mut ahead = Device::new(2, T0 + 1000);
    ahead.decide("similar", true, T0 + 1000).unwrap();
    phone.import(&ahead.export(), T0 + 2).unwrap();
    phone.decide("similar", false, T0 + 3).unwrap();
    let last = phone.p.consent_records().last().cloned().unwrap();
    assert_eq!(last.time, T0 + 1001);
    let laptop = fresh_with(3, &[&ahead.export(), &phone.export()], T0 + 4).unwrap();
    assert_eq!(laptop.states(T0 + 4), phone.states(T0 + 4));
}
