//! The benefit check as the Personalizer runs it: measured as events are recorded, stored
//! (encrypted with the rest in a browser), used by the ranking, erased with the module's
//! consent and by retention, never touched by the preview.

use super::*;
use crate::event::Event;
use crate::ids::SequentialIds;
use crate::manifest::tests::fixture;
use crate::rank::benefit::{MIN_EVIDENCE, START};
use crate::store::MemoryStore;
use crate::time::DAY_MS;

const T0: Millis = 1_790_000_000_000;

fn open(s: &mut MemoryStore, now: Millis) -> Personalizer {
    let manifest = Manifest::from_json(&fixture()).unwrap();
    let config = OpenConfig::new("en", false, now);
    let mut p =
        Personalizer::open_store(manifest, s, config, Box::new(SequentialIds(now as u64))).unwrap();
    p.set_catalog(catalog());
    p
}

/// 40 items: even ones about science (the user's taste), odd ones about sports, which the
/// baseline puts first (the higher the index, the more popular).
fn catalog() -> crate::rank::Catalog {
    catalog_of(40)
}

/// `n` items as [`catalog`] has them.
fn catalog_of(n: u32) -> crate::rank::Catalog {
    let items: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let topic = if i % 2 == 0 { "topic:science" } else { "topic:sports" };
            let baseline = if i % 2 == 0 { i } else { 100 + i };
            serde_json::json!({ "id": format!("a-{i}"), "features": { topic: 1 }, "baseline": baseline })
        })
        .collect();
    crate::rank::Catalog::from_items(&serde_json::Value::Array(items)).unwrap()
}

fn grant(p: &mut Personalizer, s: &mut MemoryStore, m: &str, now: Millis) {
    let plan = p.plan_grant(m, now).unwrap();
    p.commit(s, plan).unwrap();
}

fn read(p: &mut Personalizer, s: &mut MemoryStore, item: &str, at: Millis) {
    let e = Event {
        category: "reading".into(),
        kind: "click".into(),
        item: item.into(),
        at: Some(at),
        weight: 1.0,
        features: Default::default(),
    };
    let plan = p.plan_record_one(e, at).unwrap();
    p.commit(s, plan).unwrap();
}

fn topics(p: &Personalizer, now: Millis) -> Option<ModuleBenefit> {
    p.benefit(now).into_iter().find(|b| b.module == "topics")
}

/// The user reads science stories one after another: each is measured against the profile
/// before it. Returns the time of the last read.
fn read_science(p: &mut Personalizer, s: &mut MemoryStore, n: u32) -> Millis {
    let mut at = T0;
    for k in 0..n {
        at = T0 + Millis::from(k) * 60_000;
        read(p, s, &format!("a-{}", 2 * k), at);
    }
    at
}

#[test]
fn nothing_is_measured_before_a_grant_or_from_an_empty_profile() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    assert!(p.benefit(T0).is_empty(), "no module on, nothing to report");
    grant(&mut p, &mut s, "topics", T0);
    let b = topics(&p, T0).unwrap();
    assert_eq!(
        (b.measured, b.median_rank_personalized, b.strength),
        (0, None, f64::from(START))
    );
    // The first read meets an empty profile: nothing to compare.
    read(&mut p, &mut s, "a-0", T0);
    assert_eq!(topics(&p, T0).unwrap().measured, 0);
}

#[test]
fn choices_personalization_ranks_better_are_measured_stored_and_steer_the_ranking() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    let now = read_science(&mut p, &mut s, 8);
    let b = topics(&p, now).unwrap();
    assert_eq!(b.measured, 7, "every read but the first is measured");
    let (mine, theirs) = (
        b.median_rank_personalized.unwrap(),
        b.median_rank_baseline.unwrap(),
    );
    assert!(
        mine < theirs,
        "science stories stand higher in the personal order: {mine} vs {theirs}"
    );
    assert!(
        b.strength >= 1.0,
        "the evidence favours the profile: {}",
        b.strength
    );
    assert!(b.measured >= MIN_EVIDENCE);
    // Stored: another instance on the same store reads the same.
    let again = open(&mut s, now);
    assert_eq!(topics(&again, now), Some(b));
    assert!(s.keys().any(|k| k == BENEFIT_KEY));
}

#[test]
fn when_the_baseline_ranks_the_choices_better_the_order_goes_back_to_the_baseline() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    // One science read, then the user reads only the most popular sports stories, which the
    // science profile ranks lower than the baseline does.
    read(&mut p, &mut s, "a-0", T0);
    for k in 0..6 {
        read(
            &mut p,
            &mut s,
            &format!("a-{}", 39 - 2 * k),
            T0 + (k + 1) * 60_000,
        );
    }
    let now = T0 + 10 * 60_000;
    let b = topics(&p, now).unwrap();
    assert!(b.measured >= MIN_EVIDENCE);
    assert_eq!(b.strength, 0.0, "{b:?}");
    let ranked: Vec<u32> = p
        .rank(None, &crate::rank::RankOptions::default(), now)
        .unwrap()
        .iter()
        .map(|r| r.rank.abs_diff(r.baseline_rank))
        .collect();
    assert!(
        ranked.iter().all(|&d| d == 0),
        "the baseline's order exactly"
    );
}

#[test]
fn revoking_or_erasing_deletes_the_measurements() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    grant(&mut p, &mut s, "similar", T0);
    let now = read_science(&mut p, &mut s, 6);
    assert!(topics(&p, now).unwrap().measured > 0);
    let plan = p.plan_revoke("topics", now).unwrap();
    p.commit(&mut s, plan).unwrap();
    assert!(topics(&p, now).is_none());
    assert!(
        !p.benefit.iter().any(|(m, _)| m == "topics"),
        "gone from memory"
    );
    let stored = open(&mut s, now);
    assert!(
        !stored.benefit.iter().any(|(m, _)| m == "topics"),
        "and from storage"
    );
    // Granted again, it starts from nothing.
    grant(&mut p, &mut s, "topics", now);
    assert_eq!(topics(&p, now).unwrap().measured, 0);
    read_science(&mut p, &mut s, 6);
    let plan = p.plan_erase_all();
    p.commit(&mut s, plan).unwrap();
    assert!(p.benefit.is_empty());
    assert!(!s.keys().any(|k| k == BENEFIT_KEY));
}

#[test]
fn measurements_expire_with_the_events_they_measured() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    let now = read_science(&mut p, &mut s, 6);
    assert!(topics(&p, now).unwrap().measured > 0);
    // "topics" keeps reading data 30 days: past that, no read uses what was measured…
    let later = now + 31 * DAY_MS;
    assert_eq!(topics(&p, later).unwrap().measured, 0);
    // …and the next write of any kind deletes it.
    let plan = p.plan_notice_viewed(&["topics".into()], later).unwrap();
    p.commit(&mut s, plan).unwrap();
    assert!(p.benefit.is_empty());
    assert!(!s.keys().any(|k| k == BENEFIT_KEY));
}

#[test]
fn the_preview_neither_reads_nor_writes_the_measurements() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    let now = read_science(&mut p, &mut s, 6);
    let before = p.benefit.clone();
    let snapshot = |s: &MemoryStore| -> Vec<(String, Vec<u8>)> {
        s.keys()
            .map(|k| (k.to_owned(), s.get(k).unwrap_or_default().to_vec()))
            .collect()
    };
    let stored = snapshot(&s);
    let sample = super::ranking::Sample::Events(vec![Event {
        category: "reading".into(),
        kind: "click".into(),
        item: "a-0".into(),
        at: Some(now),
        weight: 1.0,
        features: Default::default(),
    }]);
    let preview = p
        .preview(
            &sample,
            None,
            None,
            &crate::rank::RankOptions::default(),
            now,
        )
        .unwrap();
    assert!(!preview.moves.is_empty(), "the sample does personalize");
    assert_eq!(p.benefit, before);
    assert_eq!(snapshot(&s), stored);
}

#[test]
fn a_damaged_record_is_reported_and_measured_again() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    let now = read_science(&mut p, &mut s, 6);
    assert!(
        super::benefit::read(b"[[\"topics\", [1, [0, 0, 0, 0], []]]]").is_none(),
        "4 gains"
    );
    assert!(
        super::benefit::read(b"[[\"topics\", [1, [0, 0, 0, 0, 0], [[0, 1, 2]]]]]").is_none(),
        "position 0"
    );
    assert!(super::benefit::read(b"{}").is_none());
    assert_eq!(super::benefit::read(b"[]"), Some(SortedMap::new()));
    let stored = p.benefit.clone();
    let text = super::benefit::write(&stored);
    assert!(s.get(BENEFIT_KEY).unwrap().ends_with(&text), "as stored");
    assert!(
        serde_json::from_slice::<serde_json::Value>(&text).is_ok(),
        "JSON"
    );
    assert_eq!(
        super::benefit::read(&text),
        Some(stored.clone()),
        "round trip"
    );
    // A record that is not what was written is reported, and reads as nothing measured.
    s.tamper(BENEFIT_KEY, b"not json");
    let again = open(&mut s, now);
    assert!(
        again
            .health()
            .problems
            .iter()
            .any(|p| p.contains("benefit")),
        "{:?}",
        again.health()
    );
    assert_eq!(topics(&again, now).unwrap().measured, 0);
}

#[test]
fn forgetting_an_event_restarts_the_evidence_of_the_modules_that_learned_from_it() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    grant(&mut p, &mut s, "health", T0);
    let now = read_science(&mut p, &mut s, 6);
    assert!(topics(&p, now).unwrap().measured > 0);
    // Blocking a feature deletes no event: the evidence stays.
    let plan = p
        .plan_forget(&ForgetRequest::Feature("topic:none".into()), now)
        .unwrap();
    p.commit(&mut s, plan).unwrap();
    assert!(topics(&p, now).unwrap().measured > 0);
    let id = p.events().iter().next().map(|e| e.id).unwrap();
    let plan = p.plan_forget(&ForgetRequest::Event(id), now).unwrap();
    p.commit(&mut s, plan).unwrap();
    assert_eq!(topics(&p, now).unwrap().measured, 0);
    assert!(p.benefit.is_empty(), "nothing of it in memory");
    assert!(!s.keys().any(|k| k == BENEFIT_KEY), "nor stored");
}

#[test]
fn a_bulk_import_measures_its_latest_choices_against_its_earlier_ones() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    p.set_catalog(catalog_of(100));
    grant(&mut p, &mut s, "topics", T0);
    // One recordMany of a reader's history: 30 science stories, oldest first.
    let events: Vec<Event> = (0..30)
        .map(|k| Event {
            category: "reading".into(),
            kind: "click".into(),
            item: format!("a-{}", 2 * k),
            at: Some(T0 + i64::from(k) * 60_000),
            weight: 1.0,
            features: Default::default(),
        })
        .collect();
    let now = T0 + 30 * 60_000;
    let plan = p.plan_record(events.clone(), now).unwrap();
    p.commit(&mut s, plan).unwrap();
    let b = topics(&p, now).unwrap();
    assert_eq!(
        b.measured,
        crate::rank::benefit::WINDOW as u32,
        "the last {} are measured against the 10 before them",
        crate::rank::benefit::WINDOW
    );
    let (mine, theirs) = (
        b.median_rank_personalized.unwrap(),
        b.median_rank_baseline.unwrap(),
    );
    assert!(mine < theirs, "{mine} vs {theirs}");
    assert!(b.strength >= 1.0, "{}", b.strength);

    // An import no longer than what is measured has no earlier events of its own: measured
    // against what was stored before it (here nothing, so nothing is measured).
    let mut s2 = MemoryStore::new();
    let mut q = open(&mut s2, T0);
    q.set_catalog(catalog_of(100));
    grant(&mut q, &mut s2, "topics", T0);
    let plan = q.plan_record(events[..20].to_vec(), now).unwrap();
    q.commit(&mut s2, plan).unwrap();
    assert_eq!(topics(&q, now).unwrap().measured, 0);
}
