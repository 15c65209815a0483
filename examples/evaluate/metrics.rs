//! Ranking metrics: NDCG@10 with its standard error, recall, hit rate, coverage, Gini, and
//! exposure by group.

use std::collections::HashSet;

use optin::rank::Catalog;

pub const K_NDCG: usize = 10;
pub const K_RECALL: usize = 20;

#[derive(Default, Clone, serde::Serialize)]
pub struct Metrics {
    pub ndcg10: f64,
    pub ndcg10_se: f64,
    pub recall20: f64,
    pub hit10: f64,
    pub coverage10: f64,
    pub gini10: f64,
    pub users: usize,
    /// NDCG@10 per user, in user order (for per-user comparisons).
    #[serde(skip)]
    pub per_user: Vec<f64>,
}

pub fn metrics(lists: &[Vec<usize>], truth: &[Vec<usize>], n_items: usize) -> Metrics {
    let mut ndcgs = Vec::with_capacity(lists.len());
    let (mut recall, mut hits) = (0.0, 0.0);
    let mut exposure = vec![0u64; n_items];
    for (list, t) in lists.iter().zip(truth) {
        let relevant: HashSet<usize> = t.iter().copied().collect();
        let dcg: f64 = list
            .iter()
            .take(K_NDCG)
            .enumerate()
            .filter(|(_, i)| relevant.contains(i))
            .map(|(r, _)| 1.0 / (r as f64 + 2.0).log2())
            .sum();
        let ideal: f64 = (0..relevant.len().min(K_NDCG))
            .map(|r| 1.0 / (r as f64 + 2.0).log2())
            .sum();
        ndcgs.push(if ideal > 0.0 { dcg / ideal } else { 0.0 });
        let found = list
            .iter()
            .take(K_RECALL)
            .filter(|i| relevant.contains(i))
            .count();
        recall += found as f64 / relevant.len().max(1) as f64;
        hits += f64::from(list.iter().take(K_NDCG).any(|i| relevant.contains(i)));
        for &i in list.iter().take(K_NDCG) {
            exposure[i] += 1;
        }
    }
    let n = ndcgs.len() as f64;
    let mean = ndcgs.iter().sum::<f64>() / n;
    let var = ndcgs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    exposure.sort_unstable();
    let total: u64 = exposure.iter().sum();
    let gini = if total == 0 {
        0.0
    } else {
        let m = exposure.len() as f64;
        exposure
            .iter()
            .enumerate()
            .map(|(i, &x)| (2.0 * (i as f64 + 1.0) - m - 1.0) * x as f64)
            .sum::<f64>()
            / (m * total as f64)
    };
    Metrics {
        ndcg10: mean,
        ndcg10_se: (var / n).sqrt(),
        recall20: recall / n,
        hit10: hits / n,
        coverage10: exposure.iter().filter(|&&x| x > 0).count() as f64 / n_items as f64,
        gini10: gini,
        users: ndcgs.len(),
        per_user: ndcgs,
    }
}

/// Exposure by group (a film's first genre) in the top 10: position-discounted share over all
/// users, divided by the group's share of the catalog.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GroupExposure {
    pub min_ratio: f64,
    pub min_group: String,
    pub groups_under_half: usize,
    pub groups: usize,
    /// (genre, catalog share, exposure / catalog share), genres of at least 1%.
    pub per_group: Vec<(String, f64, f64)>,
}

pub fn group_exposure(lists: &[Vec<usize>], catalog: &Catalog) -> GroupExposure {
    let names = catalog.group_names();
    let groups = catalog.group_indices();
    let mut share = vec![0.0; names.len()];
    for &g in groups {
        share[g as usize] += 1.0 / groups.len() as f64;
    }
    let mut exposure = vec![0.0; names.len()];
    for list in lists {
        for (r, &i) in list.iter().take(K_NDCG).enumerate() {
            exposure[groups[i] as usize] += 1.0 / (r as f64 + 2.0).log2();
        }
    }
    let total: f64 = exposure.iter().sum::<f64>().max(1e-12);
    // Groups of at least 1% of the catalog, so a handful of films doesn't decide.
    let ratios: Vec<(f64, &String)> = names
        .iter()
        .enumerate()
        .filter(|(g, _)| share[*g] >= 0.01)
        .map(|(g, n)| (exposure[g] / total / share[g], n))
        .collect();
    let (min_ratio, min_group) =
        ratios.iter().copied().fold(
            (f64::INFINITY, &names[0]),
            |a, b| if b.0 < a.0 { b } else { a },
        );
    GroupExposure {
        min_ratio,
        min_group: min_group.clone(),
        groups_under_half: ratios.iter().filter(|(r, _)| *r < 0.5).count(),
        groups: ratios.len(),
        per_group: names
            .iter()
            .enumerate()
            .filter(|(g, _)| share[*g] >= 0.01)
            .map(|(g, n)| (n.clone(), share[g], exposure[g] / total / share[g]))
            .collect(),
    }
}

/// The share of users whose NDCG@10 under `a` is below theirs under `b` (strictly).
pub fn share_below(a: &Metrics, b: &Metrics) -> f64 {
    let n = a.per_user.len().max(1) as f64;
    a.per_user
        .iter()
        .zip(&b.per_user)
        .filter(|(x, y)| x < y)
        .count() as f64
        / n
}
