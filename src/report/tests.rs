use serde_json::json;

use super::*;
use crate::manifest::tests::fixture;
use crate::manifest::Manifest;

fn metric(id: &str) -> MetricDecl {
    Manifest::from_json(&fixture())
        .unwrap()
        .metric(id)
        .cloned()
        .unwrap()
}

#[test]
fn reports_never_carry_the_true_value_and_validate_the_domain() {
    let mut rng = SeededRandom(1);
    let r = make_report(&metric("favourite-section"), &json!("science"), &mut rng).unwrap();
    let text = serde_json::to_string(&r).unwrap();
    assert!(!text.contains("science"), "{text}");
    assert!(text.contains(r#""mechanism":"oue""#));
    let r = make_report(&metric("minutes-read"), &json!(42.5), &mut rng).unwrap();
    assert!(!serde_json::to_string(&r).unwrap().contains("42.5"));
    for (m, v) in [
        ("favourite-section", json!("gossip")),
        ("minutes-read", json!(121)),
        ("minutes-read", json!(-1)),
        ("feed-helpful", json!("yes")),
    ] {
        assert_eq!(
            make_report(&metric(m), &v, &mut rng).unwrap_err().path,
            "value",
            "{m} {v}"
        );
    }
}

#[test]
fn aggregators_reject_foreign_reports_and_merge_by_sums() {
    let mut rng = SeededRandom(2);
    let m = metric("feed-helpful");
    let mut a = Aggregator::new(m.clone());
    let mut b = Aggregator::new(m.clone());
    for i in 0..2000 {
        let r = make_report(&m, &json!(i % 4 == 0), &mut rng).unwrap();
        if i % 2 == 0 {
            a.add(&r).unwrap()
        } else {
            b.add(&r).unwrap()
        }
    }
    let mut whole = a.clone();
    whole.merge(&b).unwrap();
    assert_eq!(whole.estimate().reports, 2000);
    let other = make_report(&metric("minutes-read"), &json!(3), &mut rng).unwrap();
    assert!(a.add(&other).is_err());
    let mut forged = make_report(&m, &json!(true), &mut rng).unwrap();
    forged.epsilon = 0.1;
    assert!(a.add(&forged).is_err());
    assert!(a.merge(&Aggregator::new(metric("minutes-read"))).is_err());
}

#[test]
fn payload_field_names_match_the_serialized_report() {
    use mechanism::Payload;
    for payload in [
        Payload::RandomizedResponse { bit: true },
        Payload::UnaryEncoding { ones: vec![1] },
        Payload::LocalHashing { seed: 3, value: 1 },
        Payload::Duchi { value: 0.5 },
    ] {
        let report = Report {
            metric: "m".into(),
            epsilon: 1.0,
            payload: payload.clone(),
        };
        let json = serde_json::to_value(&report).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        let mut expected = vec!["epsilon", "mechanism", "metric"];
        expected.extend(payload.field_names());
        expected.sort_unstable();
        assert_eq!(keys, expected, "{payload:?}");
    }
}

#[test]
fn reports_read_back_from_json_and_nothing_else_is_accepted() {
    use mechanism::Payload;
    for payload in [
        Payload::RandomizedResponse { bit: false },
        Payload::UnaryEncoding { ones: vec![0, 3] },
        Payload::LocalHashing { seed: 7, value: 2 },
        Payload::Duchi { value: -3.5 },
    ] {
        let report = Report {
            metric: "m".into(),
            epsilon: 0.5,
            payload,
        };
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(Report::from_json(&json), Ok(report));
    }
    for (bad, field) in [
        (json!("rr"), "report"),
        (json!({ "metric": "m", "epsilon": 1 }), "report.mechanism"),
        (
            json!({ "metric": "m", "epsilon": 1, "mechanism": "rr" }),
            "report.bit",
        ),
        (
            json!({ "metric": "m", "epsilon": 1, "mechanism": "rr", "bit": 1 }),
            "report.bit",
        ),
        (
            json!({ "metric": "m", "epsilon": 1, "mechanism": "xx", "bit": true }),
            "report.mechanism",
        ),
        (
            json!({ "metric": "m", "epsilon": 1, "mechanism": "rr", "bit": true, "userId": "u1" }),
            "report.userId",
        ),
        (
            json!({ "metric": "m", "epsilon": 1, "mechanism": "rr", "bit": true, "ones": [] }),
            "report.ones",
        ),
        (
            json!({ "metric": "m", "epsilon": 1, "mechanism": "oue", "ones": [1, -1] }),
            "report.ones[1]",
        ),
        (
            json!({ "metric": "m", "epsilon": 1, "mechanism": "olh", "seed": 1.5, "value": 0 }),
            "report.seed",
        ),
        (
            json!({ "metric": "m", "epsilon": "1", "mechanism": "duchi", "value": 2 }),
            "report.epsilon",
        ),
        (
            json!({ "metric": "", "epsilon": 1, "mechanism": "duchi", "value": 2 }),
            "report.metric",
        ),
    ] {
        match Report::from_json(&bad) {
            Ok(r) => panic!("accepted {bad}: {r:?}"),
            Err(e) => assert_eq!(e.path, field, "{bad}: {e}"),
        }
    }
}

#[test]
fn an_aggregator_without_reports_estimates_nothing() {
    for id in ["feed-helpful", "favourite-section", "minutes-read"] {
        let agg = Aggregator::new(metric(id));
        let e = agg.estimate();
        assert_eq!(e.reports, 0, "{id}");
        assert!(e.mean.is_none() && e.frequencies.is_none(), "{id}: {e:?}");
    }
}
