use serde_json::{json, Value};

use super::*;
use crate::consent::ConsentState::{self, *};
use crate::consent::{ConsentEvent, ImportSummary, Method};
use crate::error::ErrorCode;
use crate::error::{ImportError, StoreError};
use crate::ids::SequentialIds;
use crate::store::MemoryStore;
use crate::store::{consent_key, WriteBatch, SCHEMA_KEY};
use crate::time::DAY_MS;

const T0: Millis = 1_790_000_000_000;

fn manifest_json() -> Value {
    crate::manifest::tests::fixture()
}

fn manifest() -> Manifest {
    Manifest::from_json(&manifest_json()).unwrap()
}

fn config(now: Millis, gpc: bool) -> OpenConfig {
    OpenConfig::new("en", gpc, now)
}

fn open_with(store: &mut MemoryStore, m: Manifest, now: Millis, gpc: bool) -> Personalizer {
    Personalizer::open_store(
        m,
        store,
        config(now, gpc),
        Box::new(SequentialIds(now as u64)),
    )
    .unwrap()
}

fn open(store: &mut MemoryStore, now: Millis) -> Personalizer {
    open_with(store, manifest(), now, false)
}

fn grant(p: &mut Personalizer, s: &mut MemoryStore, m: &str, now: Millis) -> ConsentChange {
    let plan = p.plan_grant(m, now).unwrap();
    p.commit(s, plan).unwrap()
}

fn revoke(p: &mut Personalizer, s: &mut MemoryStore, m: &str, now: Millis) -> ConsentChange {
    let plan = p.plan_revoke(m, now).unwrap();
    p.commit(s, plan).unwrap()
}

pub(super) fn record(
    p: &mut Personalizer,
    s: &mut MemoryStore,
    category: &str,
    item: &str,
    now: Millis,
) {
    let e = crate::event::Event {
        category: category.into(),
        kind: "click".into(),
        item: item.into(),
        at: Some(now),
        weight: 2.0,
        features: vec![("topic:science".into(), 1.0)],
    };
    let plan = p.plan_record(vec![e], now).unwrap();
    p.commit(s, plan).unwrap();
}

fn event_keys(s: &MemoryStore) -> Vec<&str> {
    s.keys().filter(|k| k.starts_with("events/")).collect()
}

fn state(p: &Personalizer, m: &str, now: Millis) -> ConsentState {
    p.states(now)[m]
}

#[test]
fn every_optional_module_starts_off_and_essential_ones_on() {
    let mut s = MemoryStore::new();
    let p = open(&mut s, T0);
    let modules = p.modules(None, T0);
    assert_eq!(
        modules
            .iter()
            .filter(|m| m.state == Granted)
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>(),
        ["editorial"]
    );
    assert!(modules
        .iter()
        .filter(|m| !m.essential)
        .all(|m| m.state == NotGranted));
    assert!(p.consent_records().is_empty());
    assert!(s.keys().next().is_none(), "opening writes nothing");
}

#[test]
fn modules_speak_the_requested_locale_with_fallback() {
    let mut s = MemoryStore::new();
    let p = open(&mut s, T0);
    let de = p.modules(Some("de-AT"), T0);
    assert_eq!(de[1].title, "Themen, denen Sie folgen");
    assert_eq!(de[1].locale, "de");
    assert_eq!(de[1].uses[0].label, "Artikel, die Sie lesen");
    assert_eq!(p.modules(Some("it"), T0)[1].title, "Topics you follow");
    assert!(p.modules(None, T0)[3].uses[0].sensitive);
}

#[test]
fn grant_appends_a_complete_record() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    let change = grant(&mut p, &mut s, "topics", T0 + 5);
    assert_eq!((change.previous_state, change.state), (NotGranted, Granted));
    let r = &change.record;
    assert_eq!(r.event, ConsentEvent::Given);
    assert_eq!(r.method, Method::Api);
    assert_eq!(r.time, T0 + 5);
    assert_eq!(r.policy_version, "2026-11-01");
    assert_eq!(r.notice_hash, p.modules(None, T0)[1].notice_hash);
    assert_eq!(r.data_categories, ["reading", "reactions"]);
    assert_eq!(r.retention_days, 30);
    assert_eq!(r.locale, "en");
    assert!(r.purpose.starts_with("Remembers the topics"));
    assert!(!r.gpc);
    let exported = serde_json::to_value(r).unwrap();
    assert_eq!(exported["time"], "2026-09-21T14:13:20.005Z");
    assert_eq!(exported["event"], "given");
    assert_eq!(p.consent_records(), std::slice::from_ref(r));
    assert_eq!(state(&p, "topics", T0 + 6), Granted);
}

#[test]
fn revoke_erases_categories_no_other_granted_module_uses() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    grant(&mut p, &mut s, "similar", T0);
    record(&mut p, &mut s, "reading", "a1", T0);
    record(&mut p, &mut s, "reactions", "a2", T0);
    assert_eq!(
        event_keys(&s),
        ["events/reactions/00000000", "events/reading/00000000"]
    );
    let change = revoke(&mut p, &mut s, "topics", T0 + 1);
    assert_eq!(
        change.erased_categories,
        ["reactions"],
        "reading is still used by `similar`"
    );
    assert_eq!(event_keys(&s), ["events/reading/00000000"]);
    assert_eq!(p.events().len(), 1);
    let change = revoke(&mut p, &mut s, "similar", T0 + 2);
    assert_eq!(change.erased_categories, ["reading"]);
    assert!(event_keys(&s).is_empty());
    assert!(p.events().is_empty());
    assert_eq!(state(&p, "topics", T0 + 3), NotGranted);
}

#[test]
fn declining_is_recorded_and_erases_nothing() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    let change = revoke(&mut p, &mut s, "health", T0);
    assert_eq!(
        (change.previous_state, change.state),
        (NotGranted, NotGranted)
    );
    assert!(change.erased_categories.is_empty());
    assert_eq!(p.consent_records()[0].event, ConsentEvent::Withdrawn);
}

#[test]
fn bad_module_ids_are_typed_errors_and_change_nothing() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    assert_eq!(
        p.plan_grant("gps", T0).unwrap_err().code(),
        "unknown-module"
    );
    assert_eq!(
        p.plan_revoke("editorial", T0).unwrap_err().code(),
        "essential-module"
    );
    assert!(
        p.plan_grant(&"x".repeat(100_000), T0)
            .unwrap_err()
            .to_string()
            .len()
            < 200
    );
    assert!(p.consent_records().is_empty());
    grant(&mut p, &mut s, "topics", T0);
    assert_eq!(state(&p, "topics", T0), Granted);
}

#[test]
fn a_failed_commit_leaves_everything_as_it_was() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    record(&mut p, &mut s, "reading", "a1", T0);
    let before = s.clone();
    s.fail_next_commit(StoreError::Full("quota exceeded".into()));
    // (A revoke is the exception: it always takes effect, see `tests_freshness.rs`.)
    let plan = p.plan_grant("similar", T0 + 1).unwrap();
    let err = p.commit(&mut s, plan).unwrap_err();
    assert_eq!(err.code(), "storage-full");
    assert_eq!(state(&p, "similar", T0 + 1), NotGranted);
    assert_eq!(p.consent_records().len(), 1);
    assert_eq!(s.load(), before.load());
    grant(&mut p, &mut s, "similar", T0 + 2);
    assert_eq!(state(&p, "similar", T0 + 2), Granted);
}

#[test]
fn a_changed_notice_invalidates_only_that_module_and_erases_its_data() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    grant(&mut p, &mut s, "health", T0);
    record(&mut p, &mut s, "health-reading", "h1", T0);
    assert_eq!(event_keys(&s), ["events/health-reading/00000000"]);
    let mut changed = manifest_json();
    changed["modules"][3]["retentionDays"] = json!(90);
    let p2 = open_with(
        &mut s,
        Manifest::from_json(&changed).unwrap(),
        T0 + DAY_MS,
        false,
    );
    assert_eq!(state(&p2, "health", T0 + DAY_MS), Invalidated);
    assert_eq!(state(&p2, "topics", T0 + DAY_MS), Granted);
    let last = p2.consent_records().last().unwrap();
    assert_eq!(
        (last.module.as_str(), last.event, last.method),
        ("health", ConsentEvent::Invalidated, Method::System)
    );
    assert!(event_keys(&s).is_empty(), "its data went with the grant");
    assert!(p2.events().is_empty());
    // Re-opening does not pile up more records, and a new grant applies to the new notice.
    let mut p3 = open_with(
        &mut s,
        Manifest::from_json(&changed).unwrap(),
        T0 + 2 * DAY_MS,
        false,
    );
    assert_eq!(p3.consent_records().len(), 3);
    grant(&mut p3, &mut s, "health", T0 + 2 * DAY_MS);
    assert_eq!(state(&p3, "health", T0 + 2 * DAY_MS), Granted);
}

#[test]
fn a_new_policy_version_invalidates_every_grant() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    grant(&mut p, &mut s, "similar", T0);
    let mut changed = manifest_json();
    changed["policyVersion"] = json!("2027-01-01");
    let p2 = open_with(
        &mut s,
        Manifest::from_json(&changed).unwrap(),
        T0 + 1,
        false,
    );
    assert!(p2
        .modules(None, T0 + 1)
        .iter()
        .filter(|m| !m.essential)
        .all(|m| m.state != Granted));
    assert_eq!(state(&p2, "topics", T0 + 1), Invalidated);
}

#[test]
fn grants_expire_after_the_validity_period() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    assert_eq!(state(&p, "topics", T0 + 394 * DAY_MS), Granted);
    assert_eq!(
        state(&p, "topics", T0 + 395 * DAY_MS),
        NotGranted,
        "derived from the clock even before a record"
    );
    let p2 = open(&mut s, T0 + 396 * DAY_MS);
    let last = p2.consent_records().last().unwrap();
    assert_eq!(
        (last.event, last.method),
        (ConsentEvent::Expired, Method::System)
    );
    assert_eq!(p2.consent_records().len(), 2);
}

#[test]
fn gpc_is_recorded_and_explicit_grants_still_work() {
    let mut s = MemoryStore::new();
    let mut p = open_with(&mut s, manifest(), T0, true);
    let modules = p.modules(None, T0);
    assert!(
        modules
            .iter()
            .find(|m| m.id == "insights")
            .unwrap()
            .gpc_applies
    );
    assert!(
        !modules
            .iter()
            .find(|m| m.id == "topics")
            .unwrap()
            .gpc_applies
    );
    let change = grant(&mut p, &mut s, "insights", T0);
    assert!(change.record.gpc);
    assert_eq!(change.state, Granted);
}

fn other_device_records(edit: impl FnOnce(&mut Personalizer, &mut MemoryStore)) -> Value {
    let mut s = MemoryStore::new();
    let mut p = Personalizer::open_store(
        manifest(),
        &mut s,
        config(T0, false),
        Box::new(SequentialIds(9_000)),
    )
    .unwrap();
    edit(&mut p, &mut s);
    serde_json::to_value(p.consent_records()).unwrap()
}

fn import(
    p: &mut Personalizer,
    s: &mut MemoryStore,
    records: &Value,
    now: Millis,
) -> Result<ImportSummary, ImportError> {
    let plan = p.plan_import(records, now)?;
    Ok(p.commit(s, plan)?.0)
}

#[test]
fn import_takes_the_latest_decision_per_module() {
    let remote = other_device_records(|p, s| {
        grant(p, s, "topics", T0 + 10);
        grant(p, s, "similar", T0 + 10);
        revoke(p, s, "similar", T0 + 20);
        grant(p, s, "health", T0 + 1);
    });
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "health", T0 + 5);
    revoke(&mut p, &mut s, "health", T0 + 6);
    let summary = import(&mut p, &mut s, &remote, T0 + 100).unwrap();
    assert_eq!(summary.applied, 2, "{summary:?}");
    assert_eq!(state(&p, "topics", T0 + 100), Granted);
    assert_eq!(state(&p, "similar", T0 + 100), NotGranted);
    assert_eq!(
        state(&p, "health", T0 + 100),
        NotGranted,
        "the local withdrawal is newer"
    );
    let imported = p.consent_records().last().unwrap();
    assert_eq!(imported.method, Method::Import);
    assert!(imported.source_record_id.is_some());
    // Importing the same records again changes nothing.
    let again = import(&mut p, &mut s, &remote, T0 + 200).unwrap();
    assert_eq!(again.applied, 0);
    // And exporting from here, importing there, converges.
    let back = serde_json::to_value(p.consent_records()).unwrap();
    let mut s2 = MemoryStore::new();
    let mut p2 = open(&mut s2, T0);
    import(&mut p2, &mut s2, &back, T0 + 300).unwrap();
    assert_eq!(p2.states(T0 + 300), p.states(T0 + 300));
}

#[test]
fn a_withdrawal_wins_a_tie() {
    let remote = other_device_records(|p, s| {
        revoke(p, s, "topics", T0 + 10);
    });
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0 + 10);
    import(&mut p, &mut s, &remote, T0 + 11).unwrap();
    assert_eq!(state(&p, "topics", T0 + 11), NotGranted);

    let remote = other_device_records(|p, s| {
        grant(p, s, "similar", T0 + 10);
    });
    revoke(&mut p, &mut s, "similar", T0 + 10);
    assert_eq!(import(&mut p, &mut s, &remote, T0 + 12).unwrap().applied, 0);
    assert_eq!(state(&p, "similar", T0 + 12), NotGranted);
}

#[test]
fn import_never_grants_a_different_notice_or_a_sharing_module_under_gpc() {
    let mut remote = other_device_records(|p, s| {
        grant(p, s, "topics", T0 + 10);
        grant(p, s, "insights", T0 + 10);
    });
    remote[0]["noticeHash"] = json!("0".repeat(64));
    let mut s = MemoryStore::new();
    let mut p = open_with(&mut s, manifest(), T0, true);
    let summary = import(&mut p, &mut s, &remote, T0 + 20).unwrap();
    assert_eq!((summary.invalidated, summary.blocked_by_gpc), (1, 1));
    assert_eq!(state(&p, "topics", T0 + 20), Invalidated);
    assert_eq!(state(&p, "insights", T0 + 20), NotGranted);
}

#[test]
fn malformed_imports_are_rejected_whole() {
    let good = other_device_records(|p, s| {
        grant(p, s, "topics", T0 + 10);
        grant(p, s, "similar", T0 + 10);
    });
    let cases: Vec<(Value, &str)> = vec![
        (json!({"records": []}), "records"),
        (json!([1]), "records[0]"),
        (
            {
                let mut v = good.clone();
                v[1]["event"] = json!("granted");
                v
            },
            "records[1].event",
        ),
        (
            {
                let mut v = good.clone();
                v[1]["time"] = json!("yesterday");
                v
            },
            "records[1].time",
        ),
        (
            {
                let mut v = good.clone();
                v[1]["noticeHash"] = json!("abc");
                v
            },
            "records[1].noticeHash",
        ),
        (
            {
                let mut v = good.clone();
                v[1]["extra"] = json!(1);
                v
            },
            "records[1].extra",
        ),
        (
            {
                let mut v = good.clone();
                v[1]["time"] = json!("2099-01-01T00:00:00Z");
                v
            },
            "records[1].time",
        ),
    ];
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    for (bad, path) in cases {
        match import(&mut p, &mut s, &bad, T0 + 20) {
            Err(ImportError::Invalid(e)) => assert_eq!(e.path, path),
            other => panic!("{path}: {other:?}"),
        }
        assert!(p.consent_records().is_empty(), "nothing half-applied");
    }
    assert_eq!(import(&mut p, &mut s, &good, T0 + 20).unwrap().applied, 2);
}

#[test]
fn a_tampered_withdrawal_fails_closed() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    grant(&mut p, &mut s, "similar", T0);
    revoke(&mut p, &mut s, "topics", T0 + 1);
    s.tamper(&consent_key(2), b"{not json");
    let p2 = open(&mut s, T0 + 2);
    assert_eq!(state(&p2, "topics", T0 + 2), NotGranted);
    assert_eq!(
        state(&p2, "similar", T0 + 2),
        NotGranted,
        "a grant before an unreadable record is not trusted"
    );
    assert!(!p2.health().ok);
    let problems = p2.health().problems;
    assert!(
        problems
            .iter()
            .any(|m| m.contains("consent to \"topics\" could not be verified")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|m| m.contains("consent to \"similar\" could not be verified")),
        "{problems:?}"
    );
    assert_eq!(p2.consent_records().len(), 2, "intact records stay");
}

#[test]
fn a_deleted_last_record_fails_closed() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    revoke(&mut p, &mut s, "topics", T0 + 1);
    let mut wipe = WriteBatch::default();
    wipe.ops.push(crate::store::WriteOp::Delete(consent_key(1)));
    s.commit(&wipe).unwrap();
    let mut p2 = open(&mut s, T0 + 2);
    assert_eq!(state(&p2, "topics", T0 + 2), NotGranted);
    assert!(!p2.health().ok);
    grant(&mut p2, &mut s, "topics", T0 + 3);
    assert_eq!(
        state(&open(&mut s, T0 + 4), "topics", T0 + 4),
        Granted,
        "a new decision after the gap counts"
    );
}

#[test]
fn a_newer_schema_is_read_only_with_consent_off() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    grant(&mut p, &mut s, "topics", T0);
    s.put_raw(SCHEMA_KEY, b"99".to_vec());
    let before = s.clone();
    let mut p2 = open(&mut s, T0 + 1);
    assert_eq!(state(&p2, "topics", T0 + 1), NotGranted);
    assert!(p2.health().problems[0].contains("newer version"));
    assert_eq!(
        p2.plan_grant("topics", T0 + 1).unwrap_err().code(),
        "storage-read-only"
    );
    assert_eq!(s, before, "nothing was written");
}

#[test]
fn consent_metrics_count_decisions_and_time_to_decide() {
    let mut s = MemoryStore::new();
    let mut p = open(&mut s, T0);
    let plan = p
        .plan_notice_viewed(&["topics".into(), "similar".into()], T0)
        .unwrap();
    p.commit(&mut s, plan).unwrap();
    let plan = p.plan_notice_viewed(&["topics".into()], T0 + 999).unwrap();
    p.commit(&mut s, plan).unwrap();
    grant(&mut p, &mut s, "topics", T0 + 4_000);
    revoke(&mut p, &mut s, "topics", T0 + 5_000);
    grant(&mut p, &mut s, "topics", T0 + 6_000);
    let metrics = p.consent_metrics();
    let topics = metrics.iter().find(|m| m.module == "topics").unwrap();
    assert_eq!(
        (topics.grants, topics.withdrawals, topics.regrants),
        (2, 1, 1)
    );
    assert_eq!(topics.ms_to_first_decision, Some(4_000));
    let reopened = open(&mut s, T0 + 7_000);
    assert_eq!(reopened.consent_metrics(), metrics, "views persist");
    assert_eq!(
        metrics
            .iter()
            .find(|m| m.module == "similar")
            .unwrap()
            .ms_to_first_decision,
        None
    );
    assert!(metrics.iter().all(|m| m.module != "editorial"));
}
