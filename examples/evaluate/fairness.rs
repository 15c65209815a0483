//! Exposure by group (an item's first feature) in the top 10, and what an exposure rule costs:
//! every group of at least 3% of the catalog gets at least 1 of every 10 results. (A rule of
//! "half the catalog share" would round to zero items per list for every group: per-list
//! prefix rules only bite where share × length reaches 1.)

use optin::rank::{Catalog, ExposureConstraint};
use serde_json::{json, Value};

use crate::data::{Data, Histories};
use crate::metrics::{group_exposure, metrics};
use crate::replay::{lists, Config};

pub fn report(
    config: &Config,
    catalog: &Catalog,
    train: &Histories,
    truth: &[Vec<usize>],
    popularity: &[Vec<usize>],
    data: &Data,
) -> Value {
    let n = catalog.len();
    let mut share = vec![0.0; catalog.group_names().len()];
    for &g in catalog.group_indices() {
        share[g as usize] += 1.0 / n as f64;
    }
    let rule = ExposureConstraint {
        min: share
            .iter()
            .enumerate()
            .filter(|(_, s)| **s >= 0.03)
            .map(|(g, _)| (g as u32, 0.1))
            .collect(),
        max: vec![],
    };
    let personal = lists(config, catalog, train, data, &ExposureConstraint::default());
    let mitigated = lists(config, catalog, train, data, &rule);
    let rows = [
        ("popularity", popularity),
        ("optin engine, default", &personal[..]),
        ("optin engine, default + exposure rule", &mitigated[..]),
    ]
    .map(|(name, l)| {
        (
            name,
            metrics(l, truth, n).ndcg10,
            group_exposure(l, catalog),
        )
    });
    println!(
        "\nExposure by group (an item's first feature; groups of at least 1% of the catalog), top 10; rule: {} groups of >= 3% get >= 1 in 10:",
        rule.min.len()
    );
    println!("| group | catalog share | popularity | optin default | optin + rule |\n| --- | ---: | ---: | ---: | ---: |");
    for (k, (group, share, _)) in rows[0].2.per_group.iter().enumerate() {
        let ratio = |r: usize| rows[r].2.per_group.get(k).map_or(0.0, |x| x.2);
        println!(
            "| {group} | {share:.3} | {:.2} | {:.2} | {:.2} |",
            ratio(0),
            ratio(1),
            ratio(2)
        );
    }
    println!(
        "| **NDCG@10** | | {:.4} | {:.4} | {:.4} |",
        rows[0].1, rows[1].1, rows[2].1
    );
    Value::Array(
        rows.iter()
            .map(|(name, ndcg, e)| json!({"ranking": name, "ndcg10": ndcg, "exposure": e}))
            .collect(),
    )
}
