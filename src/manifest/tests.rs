use serde_json::{json, Value};

use super::*;

pub(crate) fn fixture() -> Value {
    let text = include_str!("../../tests/fixtures/news-manifest.json");
    serde_json::from_str(text).unwrap_or(Value::Null)
}

fn error_for(edit: impl FnOnce(&mut Value)) -> String {
    let mut v = fixture();
    edit(&mut v);
    match Manifest::from_json(&v) {
        Ok(_) => "accepted".to_owned(),
        Err(e) => e.0.to_string(),
    }
}

#[test]
fn accepts_the_fixture_with_every_field() {
    let m = Manifest::from_json(&fixture()).unwrap();
    assert_eq!(m.policy_version, "2026-11-01");
    assert_eq!(m.modules.len(), 5);
    assert!(m.module("editorial").unwrap().essential);
    assert_eq!(m.module("topics").unwrap().uses, ["reading", "reactions"]);
    assert_eq!(m.module("similar").unwrap().signals, [Signal::Embedding]);
    assert!(m.module("insights").unwrap().shares);
    assert!(m.category("health-reading").unwrap().sensitive);
    assert_eq!(m.metrics.len(), 3);
    assert_eq!(
        m.privacy_budget,
        Some(PrivacyBudget {
            epsilon: 4.0,
            period_days: 7
        })
    );
    assert_eq!(m.samples[0].events.len(), 2);
    assert_eq!(m.locales(), ["de", "en"]);
    assert_eq!(m.consent_validity_days, Some(395));
}

#[test]
fn errors_name_the_offending_field() {
    type Edit = Box<dyn FnOnce(&mut Value)>;
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|v| v["modules"][2]["uses"][0] = json!("gps")),
            "modules[2].uses[0]: unknown data category \"gps\"",
        ),
        (
            Box::new(|v| v["modules"][0]["uses"] = json!(["reading"])),
            "modules[0].uses: an essential module needs no consent",
        ),
        (
            Box::new(|v| v["modules"][1]["retentionDays"] = json!(0)),
            "modules[1].retentionDays: must be between 1 and 3650",
        ),
        (
            Box::new(|v| v["modules"][1]["retentionDays"] = json!(1.5)),
            "modules[1].retentionDays: must be a whole number",
        ),
        (
            Box::new(|v| v["modules"][1]["retentiondays"] = json!(3)),
            "modules[1].retentiondays: unknown field",
        ),
        (
            Box::new(|v| v["modules"][3]["id"] = json!("topics")),
            "modules[3].id: duplicate module id \"topics\"",
        ),
        (
            Box::new(|v| v["modules"][1]["title"] = json!({"english": "x"})),
            "modules[1].title.english: not a locale tag",
        ),
        (
            Box::new(|v| v["modules"][1]["purpose"] = json!(7)),
            "modules[1].purpose: expected a string or an object",
        ),
        (
            Box::new(|v| v["modules"][1]["signals"] = json!(["mood"])),
            "modules[1].signals[0]: expected \"features\" or \"embedding\"",
        ),
        (
            Box::new(|v| v["modules"] = json!([])),
            "modules: declare at least one module",
        ),
        (
            Box::new(|v| v["policyVersion"] = json!("")),
            "policyVersion: must not be empty",
        ),
        (
            Box::new(|v| {
                v.as_object_mut().map(|o| o.remove("controller"));
            }),
            "controller: is required",
        ),
        (
            Box::new(|v| v["dataCategories"]["bad id"] = json!({"label": "x"})),
            "dataCategories[\"bad id\"]: \"bad id\" is not a valid id",
        ),
        (
            Box::new(|v| v["metrics"][1]["domain"] = json!(["a"])),
            "metrics[1].domain: needs at least 2 values",
        ),
        (
            Box::new(|v| v["metrics"][2]["max"] = json!(-1)),
            "metrics[2].max: must be greater than min",
        ),
        (
            Box::new(|v| v["metrics"][0]["epsilon"] = json!(5)),
            "metrics[0].epsilon: 5 exceeds the whole privacyBudget.epsilon 4",
        ),
        (
            Box::new(|v| {
                v.as_object_mut().map(|o| o.remove("privacyBudget"));
            }),
            "privacyBudget: is required when metrics are declared",
        ),
        (
            Box::new(|v| {
                v["modules"][4]["shares"] = json!(false);
                v["modules"][4]["uses"] = json!([]);
            }),
            "metrics: metrics need a module with \"shares\": true",
        ),
        (
            Box::new(|v| v["samples"][0]["events"][1]["category"] = json!("gps")),
            "samples[0].events[1].category: unknown data category \"gps\"",
        ),
    ];
    for (edit, expected) in cases {
        let got = error_for(edit);
        assert!(
            got.starts_with(expected),
            "expected {expected:?}, got {got:?}"
        );
    }
}

#[test]
fn rejects_a_manifest_of_the_wrong_type() {
    for v in [json!(null), json!("manifest"), json!([1]), json!(3)] {
        assert_eq!(Manifest::from_json(&v).unwrap_err().0.path, "manifest");
    }
}

#[test]
fn minimal_manifest() {
    let v = json!({
        "policyVersion": "1",
        "controller": {"name": "A", "contact": "a@example.com"},
        "dataCategories": {},
        "modules": [{"id": "base", "essential": true, "title": "Base", "purpose": "Order", "benefit": "Same", "uses": []}]
    });
    let m = Manifest::from_json(&v).unwrap();
    assert!(m.metrics.is_empty() && m.samples.is_empty() && m.privacy_budget.is_none());
}
