//! Statistical tests of the private-report mechanisms with fixed seeds: n = 100,000 simulated
//! users, epsilon in {0.5, 1, 2, 4}; booleans, categories over domains of 2, 16 and 1,024
//! values, and bounded numbers. Each estimate must be unbiased (the mean over trials within 3
//! standard errors of the truth) and its empirical variance within 1.25x of the mechanism's
//! theoretical variance. Prints the table. Run in release (scripts/test.sh does).
#![cfg(not(target_arch = "wasm32"))]

use optin::manifest::{MetricDecl, MetricKind};
use optin::report::{make_report, Aggregator, SeededRandom};
use serde_json::json;

const USERS: usize = 100_000;
const EPSILONS: [f64; 4] = [0.5, 1.0, 2.0, 4.0];

struct Row {
    what: String,
    epsilon: f64,
    truth: f64,
    mean: f64,
    bias_in_se: f64,
    variance_ratio: f64,
}

fn metric(kind: MetricKind, epsilon: f64) -> MetricDecl {
    MetricDecl {
        id: "m".into(),
        label: None,
        kind,
        epsilon,
    }
}

/// Runs `trials` aggregations; returns per trial the estimates and their theoretical variances.
fn trials(
    m: &MetricDecl,
    values: &[serde_json::Value],
    trials: usize,
    seed: u64,
) -> Vec<Vec<(f64, f64)>> {
    let mut rng = SeededRandom(seed);
    (0..trials)
        .map(|_| {
            let mut agg = Aggregator::new(m.clone());
            for v in values {
                if let Ok(r) = make_report(m, v, &mut rng) {
                    let _ = agg.add(&r);
                }
            }
            let e = agg.estimate();
            match (e.mean, e.frequencies) {
                (Some(i), _) => vec![(i.estimate, i.stderr * i.stderr)],
                (None, Some(f)) => f.iter().map(|x| (x.interval.estimate, 0.0)).collect(),
                _ => Vec::new(),
            }
        })
        .collect()
}

fn check(
    rows: &mut Vec<Row>,
    what: String,
    epsilon: f64,
    truths: &[f64],
    theory: &[f64],
    runs: &[Vec<(f64, f64)>],
) {
    let r = runs.len() as f64;
    // Unbiased: the first value's mean over trials within 3 standard errors (of that mean).
    let mean = runs.iter().map(|t| t[0].0).sum::<f64>() / r;
    let bias_in_se = (mean - truths[0]).abs() / (theory[0] / r).sqrt();
    // Variance: squared errors over every value and trial, each against its theoretical variance.
    let mut z2 = 0.0;
    let mut count = 0.0;
    for t in runs {
        for (v, (estimate, _)) in t.iter().enumerate() {
            z2 += (estimate - truths[v]).powi(2) / theory[v];
            count += 1.0;
        }
    }
    let variance_ratio = z2 / count;
    rows.push(Row {
        what,
        epsilon,
        truth: truths[0],
        mean,
        bias_in_se,
        variance_ratio,
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "statistical: run in release (scripts/test.sh does)"
)]
fn mechanisms_are_unbiased_with_their_theoretical_variance() {
    let mut rows = Vec::new();
    for (k, &eps) in EPSILONS.iter().enumerate() {
        let seed = 1000 + k as u64;
        // Booleans: 30% of users say yes.
        let m = metric(MetricKind::Boolean, eps);
        let values: Vec<_> = (0..USERS).map(|u| json!(u * 10 < USERS * 3)).collect();
        // Every report flips independently: variance p(1-p) per report, whatever the truth.
        let p = eps.exp() / (1.0 + eps.exp());
        let runs = trials(&m, &values, 300, seed);
        check(
            &mut rows,
            "boolean, randomized response".into(),
            eps,
            &[0.3],
            &[p * (1.0 - p) / (USERS as f64 * (2.0 * p - 1.0).powi(2))],
            &runs,
        );

        // Categories: Zipf-like shares over d values.
        for d in [2usize, 16, 1024] {
            let domain: Vec<String> = (0..d).map(|i| format!("v{i}")).collect();
            let weights: Vec<f64> = (0..d).map(|i| 1.0 / (i as f64 + 1.0)).collect();
            let total: f64 = weights.iter().sum();
            let mut counts: Vec<usize> = weights
                .iter()
                .map(|w| (w / total * USERS as f64).floor() as usize)
                .collect();
            counts[0] += USERS - counts.iter().sum::<usize>();
            let values: Vec<_> = counts
                .iter()
                .enumerate()
                .flat_map(|(i, &c)| std::iter::repeat_n(json!(format!("v{i}")), c))
                .collect();
            let truths: Vec<f64> = counts.iter().map(|&c| c as f64 / USERS as f64).collect();
            let (pp, qq) = if d <= optin::report::mechanism::MAX_UNARY_DOMAIN {
                optin::report::mechanism::oue_pq(eps)
            } else {
                let (g, keep) = optin::report::mechanism::olh_params(eps);
                (keep, 1.0 / f64::from(g))
            };
            let theory: Vec<f64> = truths
                .iter()
                .map(|&f| {
                    (f * pp * (1.0 - pp) + (1.0 - f) * qq * (1.0 - qq))
                        / (USERS as f64 * (pp - qq).powi(2))
                })
                .collect();
            let m = metric(MetricKind::Categorical { domain }, eps);
            let n_trials = (2000 / d).clamp(3, 300);
            let runs = trials(&m, &values, n_trials, seed + d as u64);
            let name = if d <= 256 {
                "unary encoding"
            } else {
                "local hashing"
            };
            check(
                &mut rows,
                format!("categorical d={d}, {name}"),
                eps,
                &truths,
                &theory,
                &runs,
            );
        }

        // Numbers in [0, 120], spread evenly: mean 60.
        let m = metric(
            MetricKind::Numeric {
                min: 0.0,
                max: 120.0,
            },
            eps,
        );
        let values: Vec<_> = (0..USERS)
            .map(|u| json!(120.0 * u as f64 / (USERS - 1) as f64))
            .collect();
        let c = (eps.exp() + 1.0) / (eps.exp() - 1.0);
        let mean_t2 = (0..USERS)
            .map(|u| (2.0 * u as f64 / (USERS - 1) as f64 - 1.0).powi(2))
            .sum::<f64>()
            / USERS as f64;
        let theory = 60.0f64.powi(2) * (c * c - mean_t2) / USERS as f64;
        let runs = trials(&m, &values, 300, seed + 7);
        check(
            &mut rows,
            "numeric [0, 120], Duchi et al.".into(),
            eps,
            &[60.0],
            &[theory],
            &runs,
        );
    }
    println!("\n| metric | epsilon | truth | mean estimate | bias / s.e. | empirical / theoretical variance |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for r in &rows {
        println!(
            "| {} | {} | {:.4} | {:.4} | {:.2} | {:.3} |",
            r.what, r.epsilon, r.truth, r.mean, r.bias_in_se, r.variance_ratio
        );
    }
    for r in &rows {
        assert!(
            r.bias_in_se < 3.0,
            "{} eps {}: biased ({:.2} s.e.)",
            r.what,
            r.epsilon,
            r.bias_in_se
        );
        assert!(
            r.variance_ratio < 1.25 && r.variance_ratio > 0.8,
            "{} eps {}: variance ratio {:.3}",
            r.what,
            r.epsilon,
            r.variance_ratio
        );
    }
}
