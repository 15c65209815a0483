use serde_json::json;

use super::*;
use crate::error::ErrorCode;
use crate::ids::SequentialIds;
use crate::manifest::tests::fixture;
use crate::report::SeededRandom;
use crate::store::MemoryStore;
use crate::time::DAY_MS;

// 2026-11-24 is in budget period floor(days since epoch / 7); start at a period boundary.
const PERIOD: Millis = 7 * DAY_MS;
const T0: Millis = (1_790_000_000_000 / PERIOD + 1) * PERIOD;

fn open(s: &mut MemoryStore, now: Millis, gpc: bool) -> Personalizer {
    let m = Manifest::from_json(&fixture()).unwrap();
    Personalizer::open_store(
        m,
        s,
        OpenConfig::new("en", gpc, now),
        Box::new(SequentialIds(now as u64)),
    )
    .unwrap()
}

fn report(
    p: &mut Personalizer,
    s: &mut MemoryStore,
    metric: &str,
    value: serde_json::Value,
    now: Millis,
) -> Result<crate::report::Report, String> {
    let mut rng = SeededRandom(now as u64);
    let plan = p
        .plan_private_report(metric, &value, now, &mut rng)
        .map_err(|e| e.code().to_owned())?;
    p.commit(s, plan).map_err(|e| e.code().to_owned())
}

fn grant(p: &mut Personalizer, s: &mut MemoryStore, m: &str, now: Millis) {
    let plan = p.plan_grant(m, now).unwrap();
    p.commit(s, plan).unwrap();
}

#[test]
fn reports_need_the_sharing_module_a_declared_metric_and_a_valid_value() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0, false);
    assert_eq!(
        report(&mut p, &mut s, "feed-helpful", json!(true), T0).unwrap_err(),
        "consent-required"
    );
    grant(&mut p, &mut s, "topics", T0);
    assert_eq!(
        report(&mut p, &mut s, "feed-helpful", json!(true), T0).unwrap_err(),
        "consent-required",
        "topics does not share"
    );
    grant(&mut p, &mut s, "insights", T0);
    assert_eq!(
        report(&mut p, &mut s, "clicks", json!(1), T0).unwrap_err(),
        "unknown-metric"
    );
    assert_eq!(
        report(&mut p, &mut s, "minutes-read", json!(500), T0).unwrap_err(),
        "invalid-value",
        "no clamping"
    );
    assert_eq!(
        p.privacy_budget(T0).unwrap().spent,
        0.0,
        "refused reports spend nothing"
    );
    let r = report(&mut p, &mut s, "favourite-section", json!("science"), T0).unwrap();
    assert_eq!((r.metric.as_str(), r.epsilon), ("favourite-section", 1.0));
    let plan = p.plan_revoke("insights", T0).unwrap();
    p.commit(&mut s, plan).unwrap();
    assert_eq!(
        report(&mut p, &mut s, "feed-helpful", json!(true), T0).unwrap_err(),
        "consent-required"
    );
}

#[test]
fn the_budget_survives_reopening_refuses_past_the_limit_and_resets_at_the_boundary() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0, false);
    grant(&mut p, &mut s, "insights", T0);
    // Budget 4 per 7 days; feed-helpful costs 1, minutes-read 0.5.
    for _ in 0..3 {
        report(&mut p, &mut s, "feed-helpful", json!(true), T0 + 1).unwrap();
    }
    let mut p2 = open(&mut s, T0 + DAY_MS, false);
    assert_eq!(
        p2.privacy_budget(T0 + DAY_MS).unwrap().spent,
        3.0,
        "the spend survives a re-open"
    );
    report(&mut p2, &mut s, "minutes-read", json!(30), T0 + DAY_MS).unwrap();
    report(&mut p2, &mut s, "minutes-read", json!(30), T0 + DAY_MS).unwrap();
    assert_eq!(
        report(&mut p2, &mut s, "minutes-read", json!(30), T0 + DAY_MS).unwrap_err(),
        "budget-exhausted"
    );
    assert_eq!(
        report(
            &mut p2,
            &mut s,
            "feed-helpful",
            json!(true),
            T0 + PERIOD - 1
        )
        .unwrap_err(),
        "budget-exhausted",
        "not before the boundary"
    );
    let info = p2.privacy_budget(T0 + DAY_MS).unwrap();
    assert_eq!(info.resets_at, crate::time::to_iso(T0 + PERIOD));
    report(&mut p2, &mut s, "feed-helpful", json!(true), T0 + PERIOD).unwrap();
    assert_eq!(p2.privacy_budget(T0 + PERIOD).unwrap().spent, 1.0);
}

#[test]
fn a_failed_budget_write_hands_out_no_report() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0, false);
    grant(&mut p, &mut s, "insights", T0);
    s.fail_next_commit(crate::error::StoreError::Full("quota".into()));
    assert_eq!(
        report(&mut p, &mut s, "feed-helpful", json!(true), T0).unwrap_err(),
        "storage-full"
    );
    assert_eq!(p.privacy_budget(T0).unwrap().spent, 0.0);
}

#[test]
fn an_unreadable_budget_counts_as_spent_until_the_period_ends() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0, false);
    grant(&mut p, &mut s, "insights", T0);
    report(&mut p, &mut s, "feed-helpful", json!(true), T0).unwrap();
    s.tamper(BUDGET_KEY, b"garbage");
    let mut p2 = open(&mut s, T0 + 1, false);
    assert!(!p2.health().ok);
    assert_eq!(
        report(&mut p2, &mut s, "feed-helpful", json!(true), T0 + 1).unwrap_err(),
        "budget-exhausted"
    );
    let mut p3 = open(&mut s, T0 + PERIOD, false);
    report(&mut p3, &mut s, "feed-helpful", json!(true), T0 + PERIOD).unwrap();
}

#[test]
fn under_gpc_only_an_explicit_grant_enables_reports() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0, true);
    assert_eq!(
        report(&mut p, &mut s, "feed-helpful", json!(true), T0).unwrap_err(),
        "consent-required"
    );
    grant(&mut p, &mut s, "insights", T0);
    assert!(report(&mut p, &mut s, "feed-helpful", json!(true), T0).is_ok());
}
