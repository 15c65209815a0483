//! Ties in the baseline: equal scores keep catalog order, whatever their sign bit says.

use serde_json::json;

use super::*;
use crate::manifest::tests::fixture;

fn baseline_order(baselines: &[f32]) -> (Vec<String>, Vec<u32>) {
    let items: Vec<_> = baselines
        .iter()
        .enumerate()
        .map(|(i, &b)| json!({ "id": format!("item-{i}"), "baseline": f64::from(b) }))
        .collect();
    let c = Catalog::from_items(&json!(items)).unwrap();
    let m = Manifest::from_json(&fixture()).unwrap();
    let ranked = rank(
        &c,
        &RankProfile::default(),
        ScoreWeights::from_manifest(&m),
        None,
        &RankOptions::default(),
    );
    (
        ranked.into_iter().map(|r| r.id).collect(),
        c.baseline_ranks().to_vec(),
    )
}

#[test]
fn a_negative_zero_baseline_ties_with_zero_by_catalog_order() {
    for baselines in [[-0.0f32, 0.0, -0.0], [0.0, -0.0, 0.0]] {
        let (order, ranks) = baseline_order(&baselines);
        assert_eq!(order, ["item-0", "item-1", "item-2"], "{baselines:?}");
        assert_eq!(ranks, [1, 2, 3], "{baselines:?}");
    }
    // Among other values, -0 and +0 still sit together, in catalog order.
    let (order, _) = baseline_order(&[-1.0, 0.0, 2.0, -0.0]);
    assert_eq!(order, ["item-2", "item-1", "item-3", "item-0"]);
}
