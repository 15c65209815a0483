//! `$schema` at the top of a manifest points editors at optin's JSON Schema; optin ignores it.

use serde_json::{json, Value};

use super::*;

fn minimal(extra: Value) -> Value {
    let mut v = json!({
        "policyVersion": "1",
        "controller": {"name": "A", "contact": "a@example.com"},
        "dataCategories": {},
        "modules": [{"id": "base", "essential": true, "title": "Base", "purpose": "Order", "benefit": "Same", "uses": []}]
    });
    if let (Some(v), Some(extra)) = (v.as_object_mut(), extra.as_object()) {
        v.extend(extra.clone());
    }
    v
}

#[test]
fn a_schema_reference_is_allowed_at_the_top_and_changes_nothing() {
    let with = Manifest::from_json(&minimal(
        json!({"$schema": "./node_modules/optin/manifest.schema.json"}),
    ));
    assert_eq!(with, Manifest::from_json(&minimal(json!({}))));
    assert!(with.is_ok());
}

#[test]
fn a_schema_reference_must_be_text_and_only_at_the_top() {
    let err = Manifest::from_json(&minimal(json!({"$schema": 1})))
        .unwrap_err()
        .0;
    assert_eq!(err.path, "$schema");
    let mut v = minimal(json!({}));
    v["modules"][0]["$schema"] = json!("x");
    let err = Manifest::from_json(&v).unwrap_err().0;
    assert_eq!(err.path, "modules[0][\"$schema\"]");
}
