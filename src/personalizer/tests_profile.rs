use crate::sorted::SortedMap;

use super::tests::record;
use super::*;
use crate::error::ErrorCode;
use crate::event::Event;
use crate::ids::SequentialIds;
use crate::manifest::tests::fixture;
use crate::profile::NoItems;
use crate::store::{MemoryStore, UNREADABLE_PREFIX};
use crate::time::DAY_MS;

const T0: Millis = 1_790_000_000_000;

fn open_cfg(
    s: &mut MemoryStore,
    now: Millis,
    cap: usize,
    edit: impl FnOnce(&mut serde_json::Value),
) -> Personalizer {
    let mut m = fixture();
    edit(&mut m);
    let manifest = Manifest::from_json(&m).unwrap();
    let mut config = OpenConfig::new("en", false, now);
    config.max_events_per_category = cap;
    Personalizer::open_store(manifest, s, config, Box::new(SequentialIds(now as u64))).unwrap()
}

fn open(s: &mut MemoryStore, now: Millis) -> Personalizer {
    open_cfg(s, now, DEFAULT_MAX_EVENTS_PER_CATEGORY, |_| {})
}

fn grant(p: &mut Personalizer, s: &mut MemoryStore, m: &str, now: Millis) {
    let plan = p.plan_grant(m, now).unwrap();
    p.commit(s, plan).unwrap();
}

fn event(category: &str, kind: &str, item: &str, at: Millis, features: &[(&str, f64)]) -> Event {
    Event {
        category: category.into(),
        kind: kind.into(),
        item: item.into(),
        at: Some(at),
        weight: crate::event::default_weight(kind).unwrap_or(1.0),
        features: features.iter().map(|(f, w)| ((*f).into(), *w)).collect(),
    }
}

fn record_all(
    p: &mut Personalizer,
    s: &mut MemoryStore,
    events: Vec<Event>,
    now: Millis,
) -> Vec<RecordOutcome> {
    let plan = p.plan_record(events, now).unwrap();
    p.commit(s, plan).unwrap()
}

fn weights(p: &Personalizer, module: &str, now: Millis) -> SortedMap<String, f64> {
    p.profile(&NoItems, now)
        .modules
        .into_iter()
        .find(|m| m.module == module)
        .map(|m| {
            m.features
                .into_iter()
                .map(|f| (f.feature, f.weight))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn events_without_a_granted_module_are_dropped_and_counted_in_memory_only() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    let keys_before: Vec<String> = s.keys().map(String::from).collect();
    let out = record_all(
        &mut p,
        &mut s,
        vec![event("reading", "view", "a1", T0, &[])],
        T0,
    );
    assert_eq!(
        out,
        [RecordOutcome {
            stored: false,
            reason: Some("no-granted-module")
        }]
    );
    assert!(p.events().is_empty());
    assert_eq!(
        s.keys().map(String::from).collect::<Vec<_>>(),
        keys_before,
        "a dropped event leaves no trace in storage"
    );
    assert_eq!(p.inventory(T0).categories[0].dropped, 1);
    grant(&mut p, &mut s, "similar", T0);
    let out = record_all(
        &mut p,
        &mut s,
        vec![
            event("reading", "view", "a1", T0, &[]),
            event("reactions", "like", "a2", T0, &[]),
        ],
        T0,
    );
    assert_eq!(
        out.iter().map(|o| o.stored).collect::<Vec<_>>(),
        [true, false],
        "similar uses reading only"
    );
    let inv = p.inventory(T0);
    assert_eq!((inv.categories[0].count, inv.categories[0].dropped), (1, 1));
    assert_eq!(inv.categories[1].dropped, 1);
    let inv = open(&mut s, T0 + 1).inventory(T0 + 1);
    assert_eq!(
        (inv.categories[0].count, inv.categories[0].dropped),
        (1, 0),
        "counts are not stored"
    );
}

#[test]
fn inventory_tells_count_age_deadline_and_users() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    grant(&mut p, &mut s, "similar", T0);
    record_all(
        &mut p,
        &mut s,
        vec![
            event("reading", "view", "a1", T0 - DAY_MS, &[]),
            event("reading", "view", "a2", T0, &[]),
        ],
        T0,
    );
    let reading = &p.inventory(T0).categories[0];
    assert_eq!(reading.count, 2);
    assert_eq!(
        reading.oldest.as_deref(),
        Some(crate::time::to_iso(T0 - DAY_MS).as_str())
    );
    assert_eq!(
        reading.retention_days,
        Some(30),
        "the longest of topics (30) and similar (14)"
    );
    assert_eq!(
        reading.delete_after.as_deref(),
        Some(crate::time::to_iso(T0 + 29 * DAY_MS).as_str())
    );
    assert_eq!(reading.modules, ["topics", "similar"]);
}

#[test]
fn retention_deletes_expired_events_at_open_and_on_write() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "similar", T0);
    record_all(
        &mut p,
        &mut s,
        vec![
            event("reading", "view", "old", T0, &[]),
            event("reading", "view", "new", T0 + 10 * DAY_MS, &[]),
        ],
        T0 + 10 * DAY_MS,
    );
    let out = record_all(
        &mut p,
        &mut s,
        vec![event("reading", "view", "ancient", T0 - 20 * DAY_MS, &[])],
        T0 + 10 * DAY_MS,
    );
    assert_eq!(out[0].reason, Some("expired"));
    // 15 days later "old" is past similar's 14 days: gone at open.
    let p2 = open(&mut s, T0 + 15 * DAY_MS);
    let items: Vec<_> = p2.events().iter().map(|e| e.item.as_str()).collect();
    assert_eq!(items, ["new"]);
    // And on any write, even if the app never reopens.
    let mut p3 = open(&mut s, T0 + 15 * DAY_MS);
    record_all(
        &mut p3,
        &mut s,
        vec![event("reading", "view", "x", T0 + 25 * DAY_MS, &[])],
        T0 + 25 * DAY_MS,
    );
    assert_eq!(
        p3.events()
            .iter()
            .map(|e| e.item.as_str())
            .collect::<Vec<_>>(),
        ["x"]
    );
    assert_eq!(open(&mut s, T0 + 25 * DAY_MS).events().len(), 1);
}

#[test]
fn the_cap_evicts_the_oldest_first() {
    let mut s = MemoryStore::new();
    let mut p = open_cfg(&mut s, T0, 3, |_| {});
    grant(&mut p, &mut s, "similar", T0);
    let events = (0..5)
        .map(|i| {
            event(
                "reading",
                "view",
                &format!("a{i}"),
                T0 - (5 - i) * 1000,
                &[],
            )
        })
        .collect();
    record_all(&mut p, &mut s, events, T0);
    let mut items: Vec<_> = p.events().iter().map(|e| e.item.clone()).collect();
    items.sort();
    assert_eq!(items, ["a2", "a3", "a4"]);
}

#[test]
fn pages_hold_many_events_and_round_trip() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "similar", T0);
    let events = (0..600)
        .map(|i| event("reading", "view", &format!("a{i}"), T0, &[]))
        .collect();
    record_all(&mut p, &mut s, events, T0);
    let pages: Vec<_> = s.keys().filter(|k| k.starts_with("events/")).collect();
    assert_eq!(
        pages,
        [
            "events/reading/00000000",
            "events/reading/00000001",
            "events/reading/00000002"
        ]
    );
    assert_eq!(open(&mut s, T0).events(), p.events());
}

#[test]
fn interests_decay_by_time_and_by_interactions() {
    let mut s = MemoryStore::new();
    let mut p = open_cfg(&mut s, T0, 5000, |m| {
        m["modules"][1]["halfLifeInteractions"] = serde_json::json!(0)
    });
    grant(&mut p, &mut s, "topics", T0);
    let now = T0 + 14 * DAY_MS;
    record_all(
        &mut p,
        &mut s,
        vec![
            event("reading", "view", "a", T0, &[("topic:old", 1.0)]),
            event("reading", "view", "b", now, &[("topic:new", 1.0)]),
        ],
        now,
    );
    let w = weights(&p, "topics", now);
    assert!(
        (w["topic:old"] - 0.5).abs() < 1e-9,
        "14 days = one half-life: {w:?}"
    );
    assert!((w["topic:new"] - 1.0).abs() < 1e-9);

    let mut s = MemoryStore::new();
    let mut p = open_cfg(&mut s, T0, 5000, |m| {
        m["modules"][1]["halfLifeInteractions"] = serde_json::json!(1);
        m["modules"][1]["halfLifeDays"] = serde_json::json!(3650);
    });
    grant(&mut p, &mut s, "topics", T0);
    record_all(
        &mut p,
        &mut s,
        vec![
            event("reading", "view", "a", T0 - 2, &[("topic:a", 1.0)]),
            event("reading", "view", "b", T0 - 1, &[("topic:b", 1.0)]),
            event("reading", "view", "c", T0, &[("topic:c", 1.0)]),
        ],
        T0,
    );
    let w = weights(&p, "topics", T0);
    assert!(
        (w["topic:c"] - 1.0).abs() < 1e-6
            && (w["topic:b"] - 0.5).abs() < 1e-6
            && (w["topic:a"] - 0.25).abs() < 1e-6,
        "{w:?}"
    );
}

struct Catalog;
impl crate::profile::ItemSource for Catalog {
    fn visit_features(&self, _: &str, _: &mut dyn FnMut(&str, f64)) -> bool {
        false
    }
    fn embedding(&self, item: &str) -> Option<(u32, &[f32])> {
        match item {
            "x" => Some((0, &[1.0, 0.0])),
            "y" => Some((1, &[0.0, 1.0])),
            _ => None,
        }
    }
}

#[test]
fn recent_items_add_up_each_items_events_heaviest_first() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "similar", T0);
    record_all(
        &mut p,
        &mut s,
        vec![
            event("reading", "view", "x", T0 - 2, &[]),
            event("reading", "view", "y", T0 - 1, &[]),
            event("reading", "view", "x", T0, &[]),
            // Not in the catalog: no embedding, so not a recent item.
            event("reading", "view", "gone", T0 - 3, &[]),
        ],
        T0,
    );
    let profile = p.profile(&Catalog, T0);
    let similar = profile
        .modules
        .iter()
        .find(|m| m.module == "similar")
        .unwrap();
    let decl = p.manifest().module("similar").unwrap();
    let view = crate::event::default_weight("view").unwrap();
    // Newest first: x (rank 0), y (1), the older x (2), gone (3).
    let w = |age: Millis, rank: usize| crate::profile::decay(decl, age, rank) * view;
    let got: Vec<(&str, f64, &str)> = similar
        .recent_items
        .iter()
        .map(|r| (r.item.as_str(), r.weight, r.category.as_str()))
        .collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!((got[0].0, got[0].2), ("x", "reading"));
    assert!((got[0].1 - (w(0, 0) + w(2, 2))).abs() < 1e-12, "{got:?}");
    assert_eq!(got[1].0, "y");
    assert!((got[1].1 - w(1, 1)).abs() < 1e-12, "{got:?}");
}

#[test]
fn a_blocked_topic_shapes_no_signal_not_even_the_embedding() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "similar", T0);
    record_all(
        &mut p,
        &mut s,
        vec![
            event("reading", "view", "x", T0, &[("topic:science", 1.0)]),
            event("reading", "view", "y", T0, &[("topic:sports", 1.0)]),
        ],
        T0,
    );
    let embedding = |p: &Personalizer| {
        p.profile(&Catalog, T0)
            .modules
            .iter()
            .find(|m| m.module == "similar")
            .and_then(|m| m.embedding.clone())
            .unwrap_or_default()
    };
    let both = embedding(&p);
    assert!(both[0] > 0.0 && both[1] > 0.0, "{both:?}");
    let plan = p
        .plan_forget(&ForgetRequest::Feature("topic:science".into()), T0)
        .unwrap();
    p.commit(&mut s, plan).unwrap();
    let e = embedding(&p);
    assert!(
        e[0].abs() < 1e-9 && e[1] > 0.0,
        "only the sports story is left: {e:?}"
    );
    assert_eq!(p.events().len(), 2, "blocking deletes nothing");
    let plan = p.plan_unblock("topic:science", T0).unwrap();
    p.commit(&mut s, plan).unwrap();
    assert_eq!(embedding(&p), both);
}

#[test]
fn the_user_embedding_is_the_decayed_mean_and_dislikes_are_kept_apart() {
    let mut s = MemoryStore::new();
    let mut p = open_cfg(&mut s, T0, 5000, |m| {
        m["modules"][2]["halfLifeInteractions"] = serde_json::json!(0)
    });
    grant(&mut p, &mut s, "similar", T0);
    grant(&mut p, &mut s, "topics", T0);
    record_all(
        &mut p,
        &mut s,
        vec![
            event("reading", "view", "x", T0, &[]),
            event("reading", "view", "y", T0 - 14 * DAY_MS, &[]),
            event("reactions", "dislike", "z", T0, &[("topic:gossip", 1.0)]),
        ],
        T0,
    );
    let profile = p.profile(&Catalog, T0);
    let similar = profile
        .modules
        .iter()
        .find(|m| m.module == "similar")
        .unwrap();
    let e = similar.embedding.clone().unwrap();
    assert!(
        (e[0] - 2.0 / 3.0).abs() < 1e-6 && (e[1] - 1.0 / 3.0).abs() < 1e-6,
        "{e:?}"
    );
    let topics = profile
        .modules
        .iter()
        .find(|m| m.module == "topics")
        .unwrap();
    assert_eq!(topics.disliked_items, ["z"]);
    assert!(topics
        .features
        .iter()
        .any(|f| f.feature == "topic:gossip" && f.weight < 0.0));
}

#[test]
fn forgetting_several_events_is_one_write_of_exactly_those() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    let items = ["a1", "a2", "a3", "a4", "a5"];
    record_all(
        &mut p,
        &mut s,
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                event(
                    "reading",
                    "view",
                    item,
                    T0 - 5 + i as Millis,
                    &[("topic:x", 1.0)],
                )
            })
            .collect(),
        T0,
    );
    let id_of = |p: &Personalizer, item: &str| -> u64 {
        p.events().iter().find(|e| e.item == item).unwrap().id
    };
    let (first, third, fifth) = (id_of(&p, "a1"), id_of(&p, "a3"), id_of(&p, "a5"));
    let stored_before = s.clone();
    // One id that was never stored deletes nothing, and is no error.
    let request = ForgetRequest::Events([third, first, fifth, fifth + 1000].into_iter().collect());

    // All or nothing: a failed commit leaves the store and the profile as they were.
    s.fail_next_commit(StoreError::Full("quota".into()));
    let plan = p.plan_forget(&request, T0).unwrap();
    assert!(p.commit(&mut s, plan).is_err());
    assert_eq!(s, stored_before);
    assert_eq!(p.events().len(), 5);

    let plan = p.plan_forget(&request, T0).unwrap();
    let summary = p.commit(&mut s, plan).unwrap();
    assert_eq!(summary.removed_events, 3);
    assert_eq!(summary.blocked, None);
    let mut left: Vec<String> = p.events().iter().map(|e| e.item.clone()).collect();
    left.sort();
    assert_eq!(left, ["a2", "a4"]);
    // The store agrees: a re-opened profile holds the same two events.
    let reopened = open(&mut s, T0);
    assert_eq!(reopened.events().len(), 2);
    // Nothing is blocked: a new event about the topic still counts.
    assert!(weights(&reopened, "topics", T0).contains_key("topic:x"));
}

#[test]
fn redress_forgets_events_items_and_blocks_features_for_good() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    record_all(
        &mut p,
        &mut s,
        vec![
            event(
                "reading",
                "view",
                "a1",
                T0 - 2,
                &[("topic:health", 1.0), ("topic:science", 1.0)],
            ),
            event("reading", "view", "a2", T0 - 1, &[("topic:health", 1.0)]),
            event("reactions", "like", "a2", T0, &[("topic:health", 1.0)]),
        ],
        T0,
    );
    let why = p.explain_interest("topic:health", &NoItems, T0);
    assert_eq!(
        why.iter().map(|e| e.item.as_str()).collect::<Vec<_>>(),
        ["a2", "a2", "a1"],
        "newest first"
    );
    let forget = |p: &mut Personalizer, s: &mut MemoryStore, r: ForgetRequest| {
        let plan = p.plan_forget(&r, T0).unwrap();
        p.commit(s, plan).unwrap()
    };
    let first = why[2].id.parse().unwrap();
    assert_eq!(
        forget(&mut p, &mut s, ForgetRequest::Event(first)).removed_events,
        1
    );
    assert_eq!(
        forget(&mut p, &mut s, ForgetRequest::Item("a2".into())).removed_events,
        2
    );
    assert!(p.events().is_empty());
    record_all(
        &mut p,
        &mut s,
        vec![event(
            "reading",
            "view",
            "a3",
            T0,
            &[("topic:health", 1.0), ("topic:science", 1.0)],
        )],
        T0,
    );
    let summary = forget(
        &mut p,
        &mut s,
        ForgetRequest::Feature("topic:health".into()),
    );
    assert_eq!(summary.blocked.as_deref(), Some("topic:health"));
    assert_eq!(
        weights(&p, "topics", T0).keys().collect::<Vec<_>>(),
        ["topic:science"]
    );
    // Blocks are the user's choices: they survive revocation and re-opening.
    let plan = p.plan_revoke("topics", T0).unwrap();
    p.commit(&mut s, plan).unwrap();
    let mut p2 = open(&mut s, T0);
    assert!(p2.blocked_features().contains("topic:health"));
    grant(&mut p2, &mut s, "topics", T0);
    record_all(
        &mut p2,
        &mut s,
        vec![event("reading", "view", "a4", T0, &[("topic:health", 5.0)])],
        T0,
    );
    assert!(weights(&p2, "topics", T0).is_empty());
    // A change of mind: the interest comes back from the events still stored, and with the
    // last block gone, no record of blocks is left.
    let plan = p2.plan_unblock("topic:health", T0).unwrap();
    assert!(p2.commit(&mut s, plan).unwrap());
    assert_eq!(
        weights(&p2, "topics", T0).keys().collect::<Vec<_>>(),
        ["topic:health"]
    );
    assert!(!s.keys().any(|k| k == BLOCKS_KEY));
    assert!(open(&mut s, T0).blocked_features().is_empty());
    let keys_before: Vec<String> = s.keys().map(String::from).collect();
    let plan = p2.plan_unblock("topic:health", T0).unwrap();
    assert!(
        !p2.commit(&mut s, plan).unwrap(),
        "not blocked: nothing to do"
    );
    assert_eq!(s.keys().map(String::from).collect::<Vec<_>>(), keys_before);
}

#[test]
fn export_holds_everything_and_erase_all_leaves_nothing() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    record(&mut p, &mut s, "reading", "a1", T0);
    let plan = p
        .plan_forget(&ForgetRequest::Feature("topic:x".into()), T0)
        .unwrap();
    p.commit(&mut s, plan).unwrap();
    let export = serde_json::to_value(p.export_data(&NoItems, T0)).unwrap();
    assert_eq!(export["format"], "optin-export/1");
    assert_eq!(export["consentRecords"].as_array().map(Vec::len), Some(1));
    assert_eq!(export["events"][0]["item"], "a1");
    assert_eq!(export["events"][0]["at"], "2026-09-21T14:13:20.000Z");
    assert_eq!(
        export["profile"]["modules"][0]["features"][0]["feature"],
        "topic:science"
    );
    assert_eq!(export["blockedFeatures"][0], "topic:x");
    assert_eq!(export["consentState"]["topics"], "granted");
    let plan = p.plan_erase_all();
    p.commit(&mut s, plan).unwrap();
    assert!(s.keys().next().is_none(), "the store is empty");
    assert!(
        p.events().is_empty() && p.consent_records().is_empty() && p.blocked_features().is_empty()
    );
    assert_eq!(
        p.states(T0)["topics"],
        crate::consent::ConsentState::NotGranted
    );
}

#[test]
fn future_events_are_invalid_and_nothing_is_stored() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "similar", T0);
    let err = p
        .plan_record(
            vec![
                event("reading", "view", "a", T0, &[]),
                event("reading", "view", "b", T0 + 2 * DAY_MS, &[]),
            ],
            T0,
        )
        .unwrap_err();
    assert_eq!(err.code(), "invalid-event");
    assert!(err.to_string().contains("events[1].at"));
    assert!(p.events().is_empty());
}

#[test]
fn a_single_future_event_is_named_as_the_argument_record_was_given() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "similar", T0);
    let err = p
        .plan_record_one(event("reading", "view", "b", T0 + 2 * DAY_MS, &[]), T0)
        .unwrap_err();
    assert_eq!(err.code(), "invalid-event");
    let message = err.to_string();
    assert!(message.contains("event.at"), "{message}");
    assert!(!message.contains("events[0]"), "{message}");
    assert!(p.events().is_empty());
}

#[test]
fn an_unreadable_page_is_skipped_and_the_rest_kept() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    record(&mut p, &mut s, "reading", "a1", T0);
    record(&mut p, &mut s, "reactions", "a2", T0);
    s.tamper("events/reading/00000000", b"\x00garbage");
    let p2 = open(&mut s, T0);
    assert_eq!(
        p2.events()
            .iter()
            .map(|e| e.item.as_str())
            .collect::<Vec<_>>(),
        ["a2"]
    );
    assert!(p2
        .health()
        .problems
        .iter()
        .any(|m| m.contains("events/reading/00000000")));
    assert_eq!(
        p2.states(T0)["topics"],
        crate::consent::ConsentState::Granted,
        "consent records are intact"
    );
}

#[test]
fn an_undecryptable_entry_turns_consent_off_until_the_user_decides_again() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    s.put_raw(&format!("{UNREADABLE_PREFIX}abc"), Vec::new());
    let mut p2 = open(&mut s, T0);
    assert_eq!(
        p2.states(T0)["topics"],
        crate::consent::ConsentState::NotGranted
    );
    assert!(!p2.health().ok);
    grant(&mut p2, &mut s, "topics", T0 + 1);
    assert!(
        s.keys().all(|k| !k.starts_with(UNREADABLE_PREFIX)),
        "superseded by the decision"
    );
    let p3 = open(&mut s, T0 + 2);
    assert_eq!(
        p3.states(T0 + 2)["topics"],
        crate::consent::ConsentState::Granted
    );
    assert!(p3.health().ok);
}

#[test]
fn unreadable_consent_turns_use_off_but_deletes_no_data() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    record(&mut p, &mut s, "reading", "a1", T0);
    s.put_raw(&format!("{UNREADABLE_PREFIX}abc"), Vec::new());
    let mut p2 = open(&mut s, T0 + 1);
    assert_eq!(
        p2.states(T0 + 1)["topics"],
        crate::consent::ConsentState::NotGranted
    );
    assert_eq!(p2.events().len(), 1, "fail closed for use, not destructive");
    let out = record_all(
        &mut p2,
        &mut s,
        vec![event("reading", "view", "a2", T0 + 1, &[])],
        T0 + 1,
    );
    assert_eq!(
        out[0].reason,
        Some("no-granted-module"),
        "nothing new is collected meanwhile"
    );
    assert!(
        p2.profile(&NoItems, T0 + 1).modules.is_empty(),
        "and nothing is used"
    );
    assert_eq!(open(&mut s, T0 + 2).events().len(), 1);
}

#[test]
fn an_unreadable_grant_keeps_its_data_unused_within_retention() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "similar", T0);
    record(&mut p, &mut s, "reading", "a1", T0);
    s.tamper(&crate::store::consent_key(0), b"tampered");
    let p2 = open(&mut s, T0 + 1);
    assert_eq!(
        p2.states(T0 + 1)["similar"],
        crate::consent::ConsentState::NotGranted
    );
    assert_eq!(
        p2.events().len(),
        1,
        "the grant is unreadable, the data is kept"
    );
    // Retention still applies: the unreadable record could have granted any module using
    // `reading`, so the longest it could be kept is topics' 30 days.
    assert_eq!(open(&mut s, T0 + 29 * DAY_MS).events().len(), 1);
    assert_eq!(open(&mut s, T0 + 31 * DAY_MS).events().len(), 0);
}

#[test]
fn health_recovers_once_the_user_decides_again() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    grant(&mut p, &mut s, "similar", T0);
    s.tamper(&crate::store::consent_key(1), b"tampered");
    let mut p2 = open(&mut s, T0 + 1);
    let problems = p2.health().problems;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("\"topics\""),
        "topics' grant precedes the damaged record: {problems:?}"
    );
    grant(&mut p2, &mut s, "similar", T0 + 2);
    grant(&mut p2, &mut s, "topics", T0 + 2);
    let p3 = open(&mut s, T0 + 3);
    assert!(p3.health().ok, "{:?}", p3.health().problems);
    assert_eq!(
        p3.states(T0 + 3)["similar"],
        crate::consent::ConsentState::Granted
    );
}

fn news_catalog() -> crate::rank::Catalog {
    crate::rank::Catalog::from_items(&serde_json::json!([
        {"id": "a-100", "features": {"topic:sports": 1}, "embedding": [1, 0], "baseline": 100},
        {"id": "a-101", "features": {"topic:science": 1}, "embedding": [0, 1], "baseline": 10},
        {"id": "a-102", "features": {"topic:science": 1, "topic:space": 1}, "embedding": [0.1, 1], "baseline": 5},
        {"id": "a-103", "features": {"topic:culture": 1}, "embedding": [0.7, 0.7], "baseline": 50},
    ]))
    .unwrap()
}

fn ranked_ids(p: &mut Personalizer, now: Millis) -> Vec<String> {
    p.rank(None, &crate::rank::RankOptions::default(), now)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect()
}

#[test]
fn rank_is_the_baseline_without_consent_and_personal_with_it() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    p.set_catalog(news_catalog());
    record_all(
        &mut p,
        &mut s,
        vec![event("reading", "click", "a-101", T0, &[])],
        T0,
    );
    assert_eq!(
        ranked_ids(&mut p, T0),
        ["a-100", "a-103", "a-101", "a-102"],
        "promise 8: nobody is punished for saying no"
    );
    grant(&mut p, &mut s, "topics", T0);
    record_all(
        &mut p,
        &mut s,
        vec![event("reading", "click", "a-101", T0, &[])],
        T0,
    );
    let ids = ranked_ids(&mut p, T0);
    assert_eq!(
        ids,
        ["a-100", "a-101", "a-102", "a-103"],
        "the science stories move up past culture: features come from the catalog"
    );
    // Revoking drops the profile at once (the cache follows every change).
    let plan = p.plan_revoke("topics", T0).unwrap();
    p.commit(&mut s, plan).unwrap();
    assert_eq!(ranked_ids(&mut p, T0), ["a-100", "a-103", "a-101", "a-102"]);
    let err = p
        .rank(
            Some(&["nope".into()]),
            &crate::rank::RankOptions::default(),
            T0,
        )
        .unwrap_err();
    assert_eq!(err.code(), "unknown-item");
}

#[test]
fn exclude_seen_leaves_out_the_items_of_events_a_ranking_module_learns_from() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    p.set_catalog(news_catalog());
    let unseen = |p: &mut Personalizer| -> Vec<String> {
        let options = crate::rank::RankOptions {
            exclude_seen: true,
            ..crate::rank::RankOptions::default()
        };
        let mut ids: Vec<String> = p
            .rank(None, &options, T0)
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        ids.sort();
        ids
    };
    // "insights" keeps reading for reports but ranks nothing: its events are not "seen".
    grant(&mut p, &mut s, "insights", T0);
    record_all(
        &mut p,
        &mut s,
        vec![event("reading", "click", "a-101", T0, &[])],
        T0,
    );
    assert_eq!(unseen(&mut p), ["a-100", "a-101", "a-102", "a-103"]);
    // "topics" learns from reading and reactions: both events' items are seen now, the
    // earlier read included, each once however often it was read.
    grant(&mut p, &mut s, "topics", T0);
    record_all(
        &mut p,
        &mut s,
        vec![
            event("reactions", "like", "a-102", T0, &[]),
            event("reading", "click", "a-101", T0, &[]),
        ],
        T0,
    );
    assert_eq!(unseen(&mut p), ["a-100", "a-103"]);
}

#[test]
fn preview_never_reads_or_writes_the_real_profile() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    p.set_catalog(news_catalog());
    grant(&mut p, &mut s, "similar", T0);
    record_all(
        &mut p,
        &mut s,
        vec![event("reading", "click", "a-100", T0, &[])],
        T0,
    );
    let (store_before, records_before, events_before, states_before) = (
        s.clone(),
        p.consent_records().to_vec(),
        p.events().clone(),
        p.states(T0),
    );
    let preview = p
        .preview(
            &Sample::Persona("science-fan".into()),
            None,
            None,
            &crate::rank::RankOptions::default(),
            T0,
        )
        .unwrap();
    assert_eq!(
        preview
            .baseline
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>(),
        ["a-100", "a-103", "a-101", "a-102"]
    );
    let top: Vec<&str> = preview
        .personalized
        .iter()
        .map(|r| r.id.as_str())
        .take(2)
        .collect();
    assert_eq!(
        top,
        ["a-102", "a-101"],
        "the persona liked a-102 and read a-101, both science"
    );
    assert!(preview
        .moves
        .iter()
        .any(|m| m.id == "a-102" && m.from == 4 && m.to == 1));
    // The real user's sports click played no part, and nothing real changed.
    assert!(preview.personalized.iter().position(|r| r.id == "a-100") > Some(0));
    assert_eq!(s, store_before);
    assert_eq!(p.consent_records(), records_before);
    assert_eq!(p.events(), &events_before);
    assert_eq!(p.states(T0), states_before);
    let err = p
        .preview(
            &Sample::Persona("nobody".into()),
            None,
            None,
            &crate::rank::RankOptions::default(),
            T0,
        )
        .unwrap_err();
    assert_eq!(err.code(), "invalid-argument");
}

#[test]
fn with_every_event_erased_not_even_their_count_is_kept() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    let keys_before: Vec<String> = s.keys().map(String::from).collect();
    record_all(
        &mut p,
        &mut s,
        vec![
            event("reading", "view", "a1", T0, &[("topic:x", 1.0)]),
            event("reactions", "like", "a2", T0, &[("topic:x", 1.0)]),
        ],
        T0,
    );
    assert!(s.keys().any(|k| k == NEXT_EVENT_KEY));
    let plan = p.plan_revoke("topics", T0).unwrap();
    p.commit(&mut s, plan).unwrap();
    // Left: what was there before any event, plus the withdrawal record.
    let left: Vec<String> = s
        .keys()
        .filter(|k| !keys_before.contains(&k.to_string()))
        .map(String::from)
        .collect();
    assert!(
        left.iter()
            .all(|k| k.starts_with(crate::store::CONSENT_PREFIX)),
        "{left:?}"
    );
    // Ids start over, on this instance and on a fresh one.
    grant(&mut p, &mut s, "topics", T0);
    record_all(
        &mut p,
        &mut s,
        vec![event("reading", "view", "a3", T0, &[])],
        T0,
    );
    assert_eq!(p.events().iter().map(|e| e.id).collect::<Vec<_>>(), [0]);
    let p2 = open(&mut s, T0);
    assert_eq!(p2.events().iter().map(|e| e.id).collect::<Vec<_>>(), [0]);
}
