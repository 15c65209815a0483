//! Item embeddings as a site might train them, from training interactions only: implicit ALS
//! (any dimension, regularisation and confidence), truncated SVD of the interaction matrix,
//! and a content-only embedding of the item features.

use nalgebra::{DMatrix, DVector};

use crate::data::Histories;

/// How a site trained its item embeddings.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum Embedding {
    /// Implicit ALS (Hu, Koren, Volinsky 2008): confidence `1 + alpha` per observed pair.
    Als { dim: usize, lambda: f64, alpha: f64 },
    /// Truncated SVD of the binary user × item matrix (item factors `V·Σ`).
    Svd { dim: usize },
    /// TF-IDF weighted item features (no interactions at all).
    Content,
}

impl Embedding {
    pub fn name(&self) -> String {
        match self {
            Embedding::Als { dim, lambda, alpha } => format!("ALS {dim}d λ={lambda} α={alpha}"),
            Embedding::Svd { dim } => format!("SVD {dim}d"),
            Embedding::Content => "content (features)".into(),
        }
    }
}

fn rng(seed: u64) -> impl FnMut() -> f64 {
    let mut s = seed;
    move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 33) as f64 / (1u64 << 31) as f64 - 0.5
    }
}

/// Runs `f(row)` for every row of `out` on two threads (the machine has two cores).
fn par_rows(out: &mut DMatrix<f64>, f: &(dyn Fn(usize) -> Option<DVector<f64>> + Sync)) {
    let rows = out.nrows();
    let half = rows / 2;
    let (a, b) = std::thread::scope(|s| {
        let first = s.spawn(|| (0..half).map(f).collect::<Vec<_>>());
        let second = (half..rows).map(f).collect::<Vec<_>>();
        (first.join().unwrap_or_default(), second)
    });
    for (r, v) in a.into_iter().chain(b).enumerate() {
        if let Some(v) = v {
            out.set_row(r, &v.transpose());
        }
    }
}

/// Implicit ALS: (user factors, item factors).
pub fn als(
    train: &Histories,
    n_items: usize,
    dim: usize,
    lambda: f64,
    alpha: f64,
    iters: usize,
) -> (DMatrix<f64>, DMatrix<f64>) {
    let mut r = rng(42);
    let mut users = DMatrix::from_fn(train.len(), dim, |_, _| r() * 0.1);
    let mut items = DMatrix::from_fn(n_items, dim, |_, _| r() * 0.1);
    let mut by_item: Vec<Vec<usize>> = vec![Vec::new(); n_items];
    for (u, v) in train.iter().enumerate() {
        for &(i, _) in v {
            by_item[i].push(u);
        }
    }
    let by_user: Vec<Vec<usize>> = train
        .iter()
        .map(|v| v.iter().map(|&(i, _)| i).collect())
        .collect();
    let solve = |fixed: &DMatrix<f64>, rows: &[Vec<usize>], out: &mut DMatrix<f64>| {
        let gram = fixed.transpose() * fixed;
        par_rows(out, &|r| {
            let mut a = gram.clone();
            let mut b = DVector::zeros(dim);
            for &j in &rows[r] {
                let y = fixed.row(j).transpose();
                a.ger(alpha, &y, &y, 1.0);
                b.axpy(1.0 + alpha, &y, 1.0);
            }
            for d in 0..dim {
                a[(d, d)] += lambda;
            }
            a.cholesky().map(|ch| ch.solve(&b))
        });
    };
    for _ in 0..iters {
        solve(&items, &by_user, &mut users);
        solve(&users, &by_item, &mut items);
    }
    (users, items)
}

/// Truncated SVD of the binary user × item matrix by block power iteration (sparse products
/// only): the item factors `V·Σ`.
pub fn svd(train: &Histories, n_items: usize, dim: usize) -> DMatrix<f64> {
    let users = train.len();
    let k = dim.min(users).min(n_items);
    // R·X (users × k) and Rᵀ·Y (items × k) from the interaction lists.
    let r_times = |x: &DMatrix<f64>| {
        let mut out = DMatrix::zeros(users, k);
        for (u, v) in train.iter().enumerate() {
            for &(i, _) in v {
                for c in 0..k {
                    out[(u, c)] += x[(i, c)];
                }
            }
        }
        out
    };
    let rt_times = |y: &DMatrix<f64>| {
        let mut out = DMatrix::zeros(n_items, k);
        for (u, v) in train.iter().enumerate() {
            for &(i, _) in v {
                for c in 0..k {
                    out[(i, c)] += y[(u, c)];
                }
            }
        }
        out
    };
    let mut r = rng(7);
    let mut q = DMatrix::from_fn(n_items, k, |_, _| r());
    for _ in 0..6 {
        let y = r_times(&q).qr().q();
        q = rt_times(&y).qr().q();
    }
    // R·Q = U·Σ·Wᵀ (small): the item factors are Q·W·Σ.
    let b = r_times(&q);
    let small = b.svd(false, true);
    let (Some(vt), sigma) = (small.v_t, small.singular_values) else {
        return q;
    };
    let mut factors = &q * vt.transpose();
    for c in 0..factors.ncols().min(sigma.len()) {
        let s = sigma[c];
        factors.column_mut(c).scale_mut(s);
    }
    factors
}

/// TF-IDF weighted features as a dense vector per item (one dimension per feature, the
/// `max_dim` most frequent).
pub fn content(features: &[Vec<String>], max_dim: usize) -> DMatrix<f64> {
    let mut counts: std::collections::HashMap<&str, usize> = Default::default();
    for f in features.iter().flatten() {
        *counts.entry(f).or_default() += 1;
    }
    let mut vocab: Vec<(&str, usize)> = counts.into_iter().collect();
    vocab.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    vocab.truncate(max_dim.max(1));
    let n = features.len() as f64;
    let dim = vocab.len().max(1);
    let mut m = DMatrix::zeros(features.len(), dim);
    for (i, fs) in features.iter().enumerate() {
        for f in fs {
            if let Some(c) = vocab.iter().position(|(v, _)| v == f) {
                m[(i, c)] = (n / vocab[c].1 as f64).ln();
            }
        }
    }
    m
}
