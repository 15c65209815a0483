//! Native aggregation throughput of private reports (a benchmark, not a test): 1,000,000
//! reports of a 16-value metric, added to an aggregator. Prints the rate and writes
//! bench/out/report-native.json.
//!
//!     cargo run --release --example report_bench

use std::time::Instant;

use optin::manifest::{MetricDecl, MetricKind};
use optin::report::{make_report, Aggregator, SeededRandom};
use serde_json::json;

fn main() {
    let domain: Vec<String> = (0..16).map(|i| format!("v{i}")).collect();
    let metric = MetricDecl {
        id: "m".into(),
        label: None,
        kind: MetricKind::Categorical { domain },
        epsilon: 1.0,
    };
    let mut rng = SeededRandom(7);
    let n = 1_000_000;
    let reports: Vec<_> = (0..n)
        .filter_map(|i| make_report(&metric, &json!(format!("v{}", i % 16)), &mut rng).ok())
        .collect();
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let start = Instant::now();
        let mut agg = Aggregator::new(metric.clone());
        for r in &reports {
            let _ = agg.add(r);
        }
        std::hint::black_box(agg.estimate());
        best = best.min(start.elapsed().as_secs_f64());
    }
    let rate = n as f64 / best;
    println!("native aggregation, 16-value domain (unary encoding): {:.1} million reports/s (target >= 5)", rate / 1e6);
    let _ = std::fs::create_dir_all("bench/out");
    let _ = std::fs::write(
        "bench/out/report-native.json",
        json!({"reports": n, "seconds": best, "reportsPerSecond": rate}).to_string(),
    );
}
