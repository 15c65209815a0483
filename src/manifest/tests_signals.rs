//! A module the user can grant must have a use for the data it collects.

use serde_json::{json, Value};

use super::*;

/// A manifest with the baseline module and one more, `module`.
fn with_module(module: Value) -> Value {
    json!({
        "policyVersion": "1",
        "controller": {"name": "A", "contact": "a@example.com"},
        "dataCategories": {"reading": {"label": "Articles you read"}},
        "modules": [
            {"id": "base", "essential": true, "title": "Base", "purpose": "Order", "benefit": "Same", "uses": []},
            module
        ]
    })
}

fn reading_module(extra: Value) -> Value {
    let mut m = json!({
        "id": "topics", "title": "Topics", "purpose": "Learns topics", "benefit": "More of them",
        "uses": ["reading"], "retentionDays": 30
    });
    if let (Some(m), Some(extra)) = (m.as_object_mut(), extra.as_object()) {
        m.extend(extra.clone());
    }
    m
}

#[test]
fn an_optional_module_that_uses_data_must_say_what_it_feeds() {
    for signals in [None, Some(json!(null)), Some(json!([]))] {
        let extra = match &signals {
            Some(s) => json!({ "signals": s }),
            None => json!({}),
        };
        let err = Manifest::from_json(&with_module(reading_module(extra)))
            .expect_err("a module that would collect data for nothing")
            .0;
        assert_eq!(err.path, "modules[1].signals", "signals {signals:?}");
        assert!(
            err.message.contains("\"features\"") && err.message.contains("\"embedding\""),
            "the message says what to write: {}",
            err.message
        );
    }
}

#[test]
fn modules_that_use_data_for_something_else_or_use_none_need_no_signals() {
    let accepted = [
        // Private reports: its data feeds reports, not the profile.
        reading_module(json!({"shares": true})),
        // Uses no data: granting it collects nothing.
        json!({"id": "digest", "title": "Digest", "purpose": "P", "benefit": "B", "uses": []}),
        reading_module(json!({"signals": ["features"]})),
        reading_module(json!({"signals": ["embedding", "features"]})),
    ];
    for module in accepted {
        let m = Manifest::from_json(&with_module(module.clone()));
        assert!(m.is_ok(), "{module}: {m:?}");
    }
}
