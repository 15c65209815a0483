//! A metric's fields belong to its type: a field another type reads is a mistake to report,
//! not to ignore.

use serde_json::json;

use super::*;

#[test]
fn fields_of_another_metric_type_are_refused() {
    let cases = [
        (
            json!({"id": "m", "type": "boolean", "domain": ["a", "b"], "epsilon": 1}),
            "metric.domain",
        ),
        (
            json!({"id": "m", "type": "numeric", "min": 0, "max": 1, "domain": ["a", "b"], "epsilon": 1}),
            "metric.domain",
        ),
        (
            json!({"id": "m", "type": "boolean", "min": 0, "epsilon": 1}),
            "metric.min",
        ),
        (
            json!({"id": "m", "type": "categorical", "domain": ["a", "b"], "max": 3, "epsilon": 1}),
            "metric.max",
        ),
    ];
    for (v, path) in cases {
        let err = MetricDecl::from_json(&v).expect_err("a field of another type");
        assert_eq!(err.path, path, "{v}");
        assert!(err.message.contains("only"), "{}", err.message);
    }
}

#[test]
fn absent_and_null_fields_of_another_type_are_fine() {
    for v in [
        json!({"id": "m", "type": "boolean", "epsilon": 1}),
        json!({"id": "m", "type": "boolean", "domain": null, "min": null, "max": null, "epsilon": 1}),
        json!({"id": "m", "type": "numeric", "min": 0, "max": 1, "epsilon": 1}),
        json!({"id": "m", "type": "categorical", "domain": ["a", "b"], "epsilon": 1}),
    ] {
        assert!(MetricDecl::from_json(&v).is_ok(), "{v}");
    }
}
