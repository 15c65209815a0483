//! Stored records bound to the commit that wrote them: records put back from an earlier
//! moment or deleted fail closed; schema 1 upgrades; a revoke on a full disk still takes
//! effect; nothing stored counts activity.

use super::*;
use crate::consent::ConsentState::{self, *};
use crate::error::{ErrorCode, StoreError};
use crate::ids::SequentialIds;
use crate::store::fresh::TAG_LEN;
use crate::store::{consent_key, MemoryStore, HEAD_KEY, SCHEMA_KEY};

pub(super) const T0: Millis = 1_790_000_000_000;

pub(super) fn manifest() -> Manifest {
    Manifest::from_json(&crate::manifest::tests::fixture()).unwrap()
}

pub(super) fn open(s: &mut MemoryStore, now: Millis) -> Personalizer {
    let config = OpenConfig::new("en", false, now);
    Personalizer::open_store(manifest(), s, config, Box::new(SequentialIds(0))).unwrap()
}

pub(super) fn decide(p: &mut Personalizer, s: &mut MemoryStore, m: &str, on: bool, now: Millis) {
    let plan = match on {
        true => p.plan_grant(m, now).unwrap(),
        false => p.plan_revoke(m, now).unwrap(),
    };
    p.commit(s, plan).unwrap();
}

pub(super) fn record(p: &mut Personalizer, s: &mut MemoryStore, category: &str, item: &str) {
    let e = crate::event::Event {
        category: category.into(),
        kind: "click".into(),
        item: item.into(),
        at: Some(T0),
        weight: 1.0,
        features: vec![("topic:science".into(), 1.0)],
    };
    let plan = p.plan_record(vec![e], T0).unwrap();
    p.commit(s, plan).unwrap();
}

fn state(p: &Personalizer, m: &str) -> ConsentState {
    p.states(T0)[m]
}

fn items(p: &Personalizer) -> Vec<&str> {
    p.events().iter().map(|e| e.item.as_str()).collect()
}

/// `s` with `key` as it was in `then` (absent there: absent here).
fn put_back(s: &mut MemoryStore, then: &MemoryStore, key: &str) {
    match then.get(key) {
        Some(v) => s.put_raw(key, v.to_vec()),
        None => s.remove_raw(key),
    }
}

fn fails_closed(p: &Personalizer) {
    assert!(!p.health().ok);
    assert!(
        p.health()
            .problems
            .iter()
            .any(|m| m.contains("not the ones last written")),
        "{:?}",
        p.health().problems
    );
    for m in ["topics", "similar", "health", "insights"] {
        assert_ne!(state(p, m), Granted, "{m}");
    }
}

#[test]
fn an_old_head_put_back_with_the_withdrawal_deleted_fails_closed() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    decide(&mut p, &mut s, "topics", true, T0);
    let granted = s.clone();
    decide(&mut p, &mut s, "topics", false, T0 + 1);
    // The withdrawal deleted, the head from before it put back: the module had no data, so
    // only the head and the records disagree.
    put_back(&mut s, &granted, HEAD_KEY);
    s.remove_raw(&consent_key(1));
    let p2 = open(&mut s, T0 + 2);
    fails_closed(&p2);
    assert_eq!(state(&p2, "topics"), NotGranted);
    // The old head alone put back: the withdrawal is a record it doesn't list.
    let mut s = granted.clone();
    let mut p = open(&mut s, T0);
    decide(&mut p, &mut s, "topics", false, T0 + 1);
    put_back(&mut s, &granted, HEAD_KEY);
    fails_closed(&open(&mut s, T0 + 2));
}

#[test]
fn a_deleted_page_put_back_brings_nothing_back() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    decide(&mut p, &mut s, "topics", true, T0);
    decide(&mut p, &mut s, "health", true, T0);
    record(&mut p, &mut s, "health-reading", "diagnosis-1");
    record(&mut p, &mut s, "reading", "kept-1");
    let before = s.clone();
    decide(&mut p, &mut s, "health", false, T0 + 1);
    put_back(&mut s, &before, "events/health-reading/00000000");
    let mut p2 = open(&mut s, T0 + 2);
    fails_closed(&p2);
    assert_eq!(items(&p2), ["kept-1"], "the erased event stays gone");
    // The user's next decision deletes what was put back, and trust returns.
    decide(&mut p2, &mut s, "topics", true, T0 + 3);
    assert!(!s.keys().any(|k| k.starts_with("events/health-reading/")));
    let p3 = open(&mut s, T0 + 4);
    assert!(p3.health().ok, "{:?}", p3.health().problems);
    assert_eq!(state(&p3, "topics"), Granted);
    assert_eq!(items(&p3), ["kept-1"]);
}

#[test]
fn a_page_put_back_after_forget_does_not_bring_the_forgotten_event_back() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    decide(&mut p, &mut s, "topics", true, T0);
    record(&mut p, &mut s, "reading", "forget-me");
    record(&mut p, &mut s, "reading", "keep-me");
    let before = s.clone();
    let plan = p
        .plan_forget(&ForgetRequest::Item("forget-me".into()), T0)
        .unwrap();
    p.commit(&mut s, plan).unwrap();
    put_back(&mut s, &before, "events/reading/00000000");
    let p2 = open(&mut s, T0 + 1);
    fails_closed(&p2);
    assert!(!items(&p2).contains(&"forget-me"));
}

#[test]
fn a_whole_earlier_moment_and_the_present_both_read_cleanly() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    decide(&mut p, &mut s, "topics", true, T0);
    record(&mut p, &mut s, "reading", "a");
    let then = s.clone();
    decide(&mut p, &mut s, "topics", false, T0 + 1);
    let now = open(&mut s, T0 + 2);
    assert!(now.health().ok);
    assert_eq!(state(&now, "topics"), NotGranted);
    // Everything rolled back to one moment can't be told from that moment (documented).
    let mut old = then.clone();
    let past = open(&mut old, T0 + 2);
    assert!(past.health().ok);
    assert_eq!(state(&past, "topics"), Granted);
}

/// Storage as schema 1 wrote it (no tags, no head, a count of consent records): topics and
/// similar granted, one event; with `lost_withdrawal`, a withdrawal of similar counted but
/// missing.
fn schema_1(lost_withdrawal: bool) -> MemoryStore {
    let mut tagged = MemoryStore::new();
    let mut p = open(&mut tagged, T0);
    decide(&mut p, &mut tagged, "topics", true, T0);
    decide(&mut p, &mut tagged, "similar", true, T0);
    record(&mut p, &mut tagged, "reading", "old-1");
    if lost_withdrawal {
        decide(&mut p, &mut tagged, "similar", false, T0);
        tagged.remove_raw(&consent_key(2));
    }
    let mut s = MemoryStore::new();
    for key in tagged.keys() {
        match key {
            SCHEMA_KEY => s.put_raw(key, b"1".to_vec()),
            HEAD_KEY => {}
            k => s.put_raw(k, tagged.get(k).unwrap()[TAG_LEN..].to_vec()),
        }
    }
    let counted = if lost_withdrawal { "3" } else { "2" };
    s.put_raw(CONSENT_HEAD_KEY, counted.as_bytes().to_vec());
    s
}

#[test]
fn schema_1_storage_opens_as_it_was_and_is_rewritten_as_schema_2() {
    let mut s = schema_1(false);
    let p = open(&mut s, T0 + 1);
    assert!(p.health().ok, "{:?}", p.health().problems);
    assert_eq!(
        (state(&p, "topics"), state(&p, "similar")),
        (Granted, Granted)
    );
    assert_eq!(items(&p), ["old-1"]);
    assert_eq!(s.get(SCHEMA_KEY), Some(&b"2"[..]));
    assert_eq!(s.get(CONSENT_HEAD_KEY), None);
    assert!(s.get(HEAD_KEY).is_some());
    // Upgraded: every record now carries its tag, so putting one back is detected.
    let upgraded = s.clone();
    let p2 = open(&mut s, T0 + 2);
    assert!(p2.health().ok);
    assert_eq!(state(&p2, "similar"), Granted);
    assert_eq!(s, upgraded, "an upgraded store opens without writing");
}

#[test]
fn schema_1_storage_missing_its_last_record_stays_closed_after_the_upgrade() {
    // Three records counted, two stored: the withdrawal that was the third is gone.
    let mut s = schema_1(true);
    let mut p = open(&mut s, T0 + 1);
    assert!(!p.health().ok);
    assert_eq!(state(&p, "topics"), NotGranted);
    let again = open(&mut s, T0 + 2);
    assert!(!again.health().ok, "still missing after the rewrite");
    assert_eq!(state(&again, "similar"), NotGranted);
    // The user decides again: the gap is superseded for that module.
    decide(&mut p, &mut s, "similar", true, T0 + 3);
    assert_eq!(state(&open(&mut s, T0 + 4), "similar"), Granted);
}

#[test]
fn a_revoke_on_a_full_disk_still_takes_effect_and_is_stored_later() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    decide(&mut p, &mut s, "topics", true, T0);
    decide(&mut p, &mut s, "similar", true, T0);
    record(&mut p, &mut s, "reactions", "liked-1");
    s.set_full(true);
    let plan = p.plan_revoke("topics", T0 + 1).unwrap();
    let change = p.commit(&mut s, plan).unwrap();
    assert_eq!(change.erased_categories, ["reactions"]);
    assert_eq!(state(&p, "topics"), NotGranted, "off in memory at once");
    assert!(p.events().is_empty());
    assert!(p.health().problems[0].contains("could not be stored"));
    // The erasure was stored: the data is gone, and storage reads as not granted.
    assert!(!s.keys().any(|k| k.starts_with("events/")));
    let meanwhile = open(&mut s.clone(), T0 + 2);
    assert_eq!(state(&meanwhile, "topics"), NotGranted);
    assert!(!meanwhile.health().ok);
    // Space again: the next change of any kind stores the withdrawal too.
    s.set_full(false);
    let plan = p.plan_notice_viewed(&["health".into()], T0 + 3).unwrap();
    p.commit(&mut s, plan).unwrap();
    assert!(p.health().ok);
    let later = open(&mut s, T0 + 4);
    assert!(later.health().ok, "{:?}", later.health().problems);
    assert_eq!(
        (state(&later, "topics"), state(&later, "similar")),
        (NotGranted, Granted)
    );
    let events: Vec<_> = later.consent_records().iter().map(|r| r.event).collect();
    use crate::consent::ConsentEvent::*;
    assert_eq!(events, [Given, Given, Withdrawn], "the grant was put back");
}

#[test]
fn a_revoke_whose_erasure_fails_is_off_in_memory_and_retried() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    decide(&mut p, &mut s, "topics", true, T0);
    record(&mut p, &mut s, "reading", "a");
    s.fail_next_commit(StoreError::Failed("disk gone".into()));
    let plan = p.plan_revoke("topics", T0 + 1).unwrap();
    assert_eq!(p.commit(&mut s, plan).unwrap_err().code(), "storage-failed");
    assert_eq!(state(&p, "topics"), NotGranted);
    assert!(p.events().is_empty());
    assert!(s.keys().any(|k| k.starts_with("events/")), "still stored");
    assert!(p.health().problems[0].contains("could not be stored"));
    let plan = p.plan_notice_viewed(&["health".into()], T0 + 2).unwrap();
    p.commit(&mut s, plan).unwrap();
    assert!(!s.keys().any(|k| k.starts_with("events/")));
    let later = open(&mut s, T0 + 3);
    assert!(later.health().ok, "{:?}", later.health().problems);
    assert_eq!(state(&later, "topics"), NotGranted);
}

/// The stored values without their tags, and the keys: what is left to read.
fn untagged(s: &MemoryStore) -> Vec<(String, Vec<u8>)> {
    let tags = s
        .get(HEAD_KEY)
        .map(|h| crate::store::fresh::read_head(h).unwrap());
    s.keys()
        .map(|k| {
            let v = s.get(k).unwrap();
            let v = match (&tags, k) {
                (_, HEAD_KEY) => tags
                    .as_ref()
                    .unwrap()
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(",")
                    .into_bytes(),
                (Some(t), k) if t.contains_key(k) => v[TAG_LEN..].to_vec(),
                _ => v.to_vec(),
            };
            (k.to_owned(), v)
        })
        .collect()
}

#[test]
fn nothing_stored_tells_how_much_happened_once_its_data_is_gone() {
    let run = |events: usize| {
        let mut s = MemoryStore::new();
        let mut p = open(&mut s, T0);
        decide(&mut p, &mut s, "topics", true, T0);
        for i in 0..events {
            record(&mut p, &mut s, "reading", &format!("item-{i}"));
        }
        let plan = p
            .plan_forget(&ForgetRequest::Item("item-0".into()), T0)
            .unwrap();
        p.commit(&mut s, plan).unwrap();
        decide(&mut p, &mut s, "topics", false, T0 + 1);
        s
    };
    let (none, one, many) = (run(0), run(1), run(40));
    assert_eq!(untagged(&one), untagged(&none));
    assert_eq!(
        untagged(&many),
        untagged(&none),
        "40 events and 43 commits leave the same"
    );
    // The tags differ (random), which is all that differs.
    assert_ne!(many.get(&consent_key(0)), none.get(&consent_key(0)));
}
