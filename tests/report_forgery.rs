//! Forged private reports: an aggregator takes only reports a real client could have produced,
//! so the estimate from any accepted set of reports is one honest clients could produce.
//!
//! For each candidate report (honest ones, honest ones tampered with, and made-up ones), the
//! test looks for a random tape on which the honest mechanism produces the same report. An
//! accepted report without such a tape fails the test; so does an honest report refused. In
//! the end the aggregator that took the candidates must estimate exactly what an aggregator of
//! the tapes' honest reports estimates.
#![cfg(not(target_arch = "wasm32"))]

use optin::manifest::{MetricDecl, MetricKind};
use optin::report::mechanism::{
    duchi, local_hashing, olh_hash, olh_params, randomized_response, unary_encoding, Payload,
};
use optin::report::{make_report, Aggregator, Randomness, Report, SeededRandom};
use proptest::prelude::*;
use serde_json::{json, Value};

fn metric(kind: MetricKind, epsilon: f64) -> MetricDecl {
    MetricDecl {
        id: "m".into(),
        label: None,
        kind,
        epsilon,
    }
}

fn categorical(d: usize, epsilon: f64) -> MetricDecl {
    metric(
        MetricKind::Categorical {
            domain: (0..d).map(|i| format!("v{i}")).collect(),
        },
        epsilon,
    )
}

/// Randomness that replays a tape (then zeros): the honest mechanism driven to a chosen output.
struct Tape(Vec<u64>);

impl Randomness for Tape {
    fn next_u64(&mut self) -> u64 {
        if self.0.is_empty() {
            0
        } else {
            self.0.remove(0)
        }
    }
}

/// `uniform()` is 0 (below any probability) or just under 1 (above every one of them).
const LOW: u64 = 0;
const HIGH: u64 = u64::MAX;

/// The honest report that has the same effect on an aggregate as `r`, made by the real
/// mechanism from a tape; `None` if no tape makes the mechanism produce `r`.
fn honest_twin(m: &MetricDecl, r: &Report) -> Option<Report> {
    let eps = m.epsilon;
    let payload = match (&m.kind, &r.payload) {
        (MetricKind::Boolean, Payload::RandomizedResponse { bit }) => {
            randomized_response(*bit, eps, &mut Tape(vec![LOW]))
        }
        (MetricKind::Categorical { domain }, Payload::UnaryEncoding { ones }) => {
            // Every bit is set with a probability in (0, 1), whatever the true value.
            let tape = (0..domain.len() as u32)
                .map(|i| if ones.contains(&i) { LOW } else { HIGH })
                .collect();
            unary_encoding(0, domain.len(), eps, &mut Tape(tape))
        }
        (MetricKind::Categorical { .. }, Payload::LocalHashing { seed, value }) => {
            let (g, _) = olh_params(eps);
            let hashed = olh_hash(*seed, 0, g);
            let tape = if *value == hashed {
                vec![u64::from(*seed), LOW]
            } else {
                // The "other value" draw: below(g - 1), shifted past the true hash.
                let other = if *value > hashed { *value - 1 } else { *value };
                vec![u64::from(*seed), HIGH, u64::from(other)]
            };
            local_hashing(0, eps, &mut Tape(tape))
        }
        (MetricKind::Numeric { min, max }, Payload::Duchi { value }) => {
            // Two possible reports, ±C on the unit scale: the one on the report's side.
            let mid = (min + max) / 2.0;
            let tape = vec![if *value >= mid { LOW } else { HIGH }];
            duchi(mid, *min, *max, eps, &mut Tape(tape))
        }
        _ => return None,
    };
    let twin = Report {
        metric: m.id.clone(),
        epsilon: eps,
        payload,
    };
    let same = match (&twin.payload, &r.payload) {
        // A number read back from JSON, or computed by another platform's `exp`, may be a few
        // ulps off the one this mechanism writes.
        (Payload::Duchi { value: a }, Payload::Duchi { value: b }) => {
            (a - b).abs() <= 1e-10 * a.abs().max(1.0)
        }
        (a, b) => a == b,
    };
    (same && r.metric == m.id && r.epsilon == eps).then_some(twin)
}

/// A candidate report: honest, tampered with, or made up.
#[derive(Debug, Clone)]
enum Candidate {
    Honest {
        value: usize,
        seed: u64,
    },
    /// An honest OUE report with one index added again, past the domain, or moved.
    Tampered {
        value: usize,
        seed: u64,
        index: u32,
        how: u8,
    },
    Ones(Vec<u32>),
    Bit(bool),
    Hash {
        seed: u32,
        value: u32,
    },
    /// ±C on the unit scale, off by a relative error.
    NearDuchi {
        plus: bool,
        off: f64,
    },
    Number(f64),
}

fn candidate() -> impl Strategy<Value = Candidate> {
    prop_oneof![
        4 => (0..400usize, any::<u64>()).prop_map(|(value, seed)| Candidate::Honest { value, seed }),
        2 => (0..400usize, any::<u64>(), 0..310u32, 0..3u8)
            .prop_map(|(value, seed, index, how)| Candidate::Tampered { value, seed, index, how }),
        2 => prop::collection::vec(
            prop_oneof![0..6u32, 0..310u32, Just(u32::MAX)],
            0..12,
        )
        .prop_map(Candidate::Ones),
        1 => any::<bool>().prop_map(Candidate::Bit),
        1 => (any::<u32>(), prop_oneof![0..8u32, any::<u32>()])
            .prop_map(|(seed, value)| Candidate::Hash { seed, value }),
        2 => (
            any::<bool>(),
            prop::sample::select(vec![0.0, 1e-16, -1e-16, 1e-12, -1e-12, 1e-7, -2e-7, 1e-5, -1e-3, 0.5]),
        )
            .prop_map(|(plus, off)| Candidate::NearDuchi { plus, off }),
        1 => (-1e4..1e4f64).prop_map(Candidate::Number),
    ]
}

fn report_json(m: &MetricDecl, c: &Candidate) -> Value {
    let honest = |value: usize, seed: u64| {
        let v = match &m.kind {
            MetricKind::Boolean => json!(value % 2 == 0),
            MetricKind::Categorical { domain } => json!(domain[value % domain.len()]),
            MetricKind::Numeric { min, max } => json!(min + (max - min) * (value as f64 / 399.0)),
        };
        make_report(m, &v, &mut SeededRandom(seed)).map_or(Value::Null, |r| json!(r))
    };
    let base = json!({ "metric": m.id, "epsilon": m.epsilon });
    let with = |fields: Value| {
        let mut v = base.clone();
        if let (Some(o), Some(f)) = (v.as_object_mut(), fields.as_object()) {
            o.extend(f.clone());
        }
        v
    };
    match c {
        Candidate::Honest { value, seed } => honest(*value, *seed),
        Candidate::Tampered {
            value,
            seed,
            index,
            how,
        } => {
            let mut r = honest(*value, *seed);
            if let Some(ones) = r.get_mut("ones").and_then(Value::as_array_mut) {
                match how {
                    0 => {
                        let first = ones.first().cloned().unwrap_or(json!(index));
                        ones.push(first.clone());
                        ones.push(first);
                    }
                    1 => ones.push(json!(index)),
                    _ => ones.reverse(),
                }
            }
            r
        }
        Candidate::Ones(ones) => with(json!({ "mechanism": "oue", "ones": ones })),
        Candidate::Bit(bit) => with(json!({ "mechanism": "rr", "bit": bit })),
        Candidate::Hash { seed, value } => {
            with(json!({ "mechanism": "olh", "seed": seed, "value": value }))
        }
        Candidate::NearDuchi { plus, off } => {
            let MetricKind::Numeric { min, max } = m.kind else {
                return Value::Null;
            };
            let e = m.epsilon.exp();
            let c = (e + 1.0) / (e - 1.0) * if *plus { 1.0 } else { -1.0 };
            let value = (min + max) / 2.0 + (max - min) / 2.0 * c * (1.0 + off);
            with(json!({ "mechanism": "duchi", "value": value }))
        }
        Candidate::Number(value) => with(json!({ "mechanism": "duchi", "value": value })),
    }
}

fn metrics() -> Vec<MetricDecl> {
    vec![
        metric(MetricKind::Boolean, 1.0),
        categorical(4, 1.0),
        categorical(256, 0.5),
        categorical(300, 2.0),
        metric(
            MetricKind::Numeric {
                min: 0.0,
                max: 120.0,
            },
            0.5,
        ),
        metric(
            MetricKind::Numeric {
                min: -1.0,
                max: 1.0,
            },
            3.0,
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn an_accepted_set_of_reports_estimates_what_honest_clients_could(
        which in 0..6usize,
        candidates in prop::collection::vec(candidate(), 1..40),
    ) {
        let m = metrics()[which].clone();
        let mut aggregator = Aggregator::new(m.clone());
        let mut honest = Aggregator::new(m.clone());
        for c in &candidates {
            let json = report_json(&m, c);
            let accepted = Report::from_json(&json).and_then(|r| aggregator.add(&r).map(|()| r));
            let twin = Report::from_json(&json).ok().and_then(|r| honest_twin(&m, &r));
            match (accepted, twin) {
                (Ok(_), Some(twin)) => honest.add(&twin).map_err(|e| TestCaseError::fail(format!("the twin of {json} refused: {e}")))?,
                (Ok(_), None) => return Err(TestCaseError::fail(format!("accepted a report no client could produce: {json}"))),
                (Err(e), _) if matches!(c, Candidate::Honest { .. }) => {
                    return Err(TestCaseError::fail(format!("refused an honest report {json}: {e}")))
                }
                (Err(_), _) => {}
            }
        }
        prop_assert_eq!(aggregator.estimate(), honest.estimate());
    }
}

#[test]
fn one_forged_report_cannot_count_an_index_twice() {
    let m = categorical(4, 1.0);
    let mut aggregator = Aggregator::new(m.clone());
    let forged = json!({ "metric": "m", "epsilon": 1.0, "mechanism": "oue", "ones": vec![3; 256] });
    let err = Report::from_json(&forged)
        .and_then(|r| aggregator.add(&r))
        .unwrap_err();
    assert_eq!(err.path, "report.ones");
    for ones in [json!([2, 2]), json!([3, 1]), json!([0, 4])] {
        let r = json!({ "metric": "m", "epsilon": 1.0, "mechanism": "oue", "ones": ones });
        assert!(
            Report::from_json(&r)
                .and_then(|r| aggregator.add(&r))
                .is_err(),
            "{r}"
        );
    }
    assert_eq!(aggregator.estimate().reports, 0, "nothing was counted");
}
