//! The blend (a rank-based prior plus standardized personal terms) and the benefit check.

use proptest::prelude::*;
use serde_json::{json, Value};

use super::benefit::{positions, Benefit, MIN_EVIDENCE, PERSONALIZED, START, STRENGTHS};
use super::*;
use crate::manifest::tests::fixture;
use crate::profile::{FeatureWeight, ModuleProfile};

fn manifest() -> Manifest {
    Manifest::from_json(&fixture()).unwrap()
}

fn lcg(seed: u64) -> impl FnMut() -> f64 {
    let mut x = seed;
    move || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((x >> 33) % 10_000) as f64 / 10_000.0
    }
}

/// Items with a few features, an embedding (some without: zero rows) and a baseline made by
/// `baseline(raw)` from a random raw score (with ties when `ties`).
fn items(n: usize, seed: u64, ties: bool, baseline: &dyn Fn(f64) -> f64) -> Value {
    let mut r = lcg(seed);
    Value::Array(
        (0..n)
            .map(|i| {
                let raw = if ties {
                    (r() * 5.0).floor()
                } else {
                    r() * 1000.0
                };
                let embedding = if i % 5 == 4 {
                    Value::Null
                } else {
                    json!([r() - 0.5, r() - 0.5, r() - 0.5, r() - 0.5])
                };
                json!({"id": format!("i{i}"), "baseline": baseline(raw),
                       "features": {format!("f{}", i % 4): 1, "all": 1, format!("w{}", i % 3): r()},
                       "embedding": embedding})
            })
            .collect(),
    )
}

fn module(id: &str) -> ModuleProfile {
    ModuleProfile {
        module: id.into(),
        features: vec![],
        embedding: None,
        disliked_embedding: None,
        recent_items: vec![],
        disliked_items: vec![],
        events: 1,
    }
}

fn interest(feature: &str, weight: f64) -> FeatureWeight {
    FeatureWeight {
        feature: feature.into(),
        weight,
        events: 1,
        category: "reading".into(),
    }
}

fn personal(f1: f64, f2: f64, e: [f32; 4]) -> Profile {
    let mut topics = module("topics");
    topics.features = vec![interest("f1", f1), interest("w2", f2)];
    let mut similar = module("similar");
    similar.embedding = Some(e.to_vec());
    Profile {
        modules: vec![topics, similar],
    }
}

fn order(c: &Catalog, rp: &RankProfile) -> Vec<u32> {
    let m = manifest();
    let opts = RankOptions {
        limit: c.len(),
        explain: false,
        ..RankOptions::default()
    };
    rank_indexed(
        c,
        rp,
        ScoreWeights::from_manifest(&m),
        None,
        &opts,
        &mut Vec::new(),
    )
    .iter()
    .map(|r| r.item)
    .collect()
}

fn baseline_order(c: &Catalog) -> Vec<u32> {
    order(c, &RankProfile::default())
}

proptest! {
    /// Promise 8, for profiles that hold something but carry no signal: no interest in a
    /// feature of the catalog, an interest every item shares equally, a zero user embedding.
    #[test]
    fn a_profile_without_signal_leaves_the_baseline_order(n in 2usize..120, seed in any::<u64>(), ties in any::<bool>()) {
        let c = Catalog::from_items(&items(n, seed, ties, &|b| b)).unwrap();
        let want = baseline_order(&c);
        let mut topics = module("topics");
        topics.features = vec![interest("not-in-the-catalog", 3.0), interest("all", 2.0)];
        let mut similar = module("similar");
        similar.embedding = Some(vec![0.0; 4]);
        for profile in [Profile::default(), Profile { modules: vec![topics, similar] }] {
            let rp = RankProfile::build(&manifest(), &profile, &c, &[]);
            prop_assert!(!rp.is_personalized());
            prop_assert_eq!(order(&c, &rp), want.clone());
        }
        // Every strength 0: the same.
        let rp = RankProfile::build_weighted(&manifest(), &personal(2.0, 1.0, [1.0, 0.5, 0.0, -1.0]), &c, &[], &|_| 0.0);
        prop_assert_eq!(order(&c, &rp), want);
    }

    /// Any monotone transform of the app's baseline (counts, log counts, ranks, a scale) gives
    /// the same ranking, personalized or not.
    #[test]
    fn the_popularity_shape_does_not_change_the_ranking(n in 2usize..120, seed in any::<u64>(), ties in any::<bool>(), f1 in -2.0f64..3.0) {
        let profile = personal(f1, 1.0, [1.0, -0.5, 0.3, 0.2]);
        let mut orders = Vec::new();
        for shape in [&(|b: f64| b) as &dyn Fn(f64) -> f64, &|b| (1.0 + b).ln(), &|b| 7.0 + 3.0 * b.sqrt(), &|b| b * 1e6] {
            let c = Catalog::from_items(&items(n, seed, ties, shape)).unwrap();
            let rp = RankProfile::build(&manifest(), &profile, &c, &[]);
            orders.push(order(&c, &rp));
        }
        for o in &orders[1..] {
            prop_assert_eq!(o, &orders[0]);
        }
    }

    /// The geometry of the embeddings and the scale of feature values don't set the weights:
    /// scaling every feature value, or stretching the user embedding, changes nothing.
    #[test]
    fn the_scale_of_features_does_not_change_the_ranking(n in 2usize..120, seed in any::<u64>(), scale in 0.01f64..100.0) {
        let c = Catalog::from_items(&items(n, seed, false, &|b| b)).unwrap();
        let mut scaled = items(n, seed, false, &|b| b);
        for item in scaled.as_array_mut().into_iter().flatten() {
            for (_, v) in item["features"].as_object_mut().into_iter().flatten() {
                *v = json!(v.as_f64().unwrap_or(0.0) * scale);
            }
        }
        let c2 = Catalog::from_items(&scaled).unwrap();
        let p1 = personal(1.0, 2.0, [1.0, 0.5, 0.0, -1.0]);
        let p2 = personal(1.0, 2.0, [3.0, 1.5, 0.0, -3.0]);
        let a = order(&c, &RankProfile::build(&manifest(), &p1, &c, &[]));
        let b = order(&c2, &RankProfile::build(&manifest(), &p2, &c2, &[]));
        // (f32 rounding may swap near-equal neighbours: compare the first ten as sets.)
        let first = |o: &[u32]| { let mut v = o[..o.len().min(10)].to_vec(); v.sort_unstable(); v };
        prop_assert_eq!(first(&a), first(&b));
    }

    /// The benefit check's positions are the positions of the ranking: strength 0 is the
    /// baseline's order among unseen items, strength 1 the personalized ranking's.
    #[test]
    fn positions_are_where_the_item_stands_in_each_order(n in 3usize..150, seed in any::<u64>(), target in 0usize..150, seen in proptest::collection::vec(0usize..150, 0..6)) {
        let m = manifest();
        let c = Catalog::from_items(&items(n, seed, true, &|b| b)).unwrap();
        let seen: Vec<String> = seen.into_iter().filter(|&s| s < n).map(|s| format!("i{s}")).collect();
        let seen: Vec<&str> = seen.iter().map(String::as_str).collect();
        let rp = RankProfile::build(&m, &personal(1.0, 0.5, [1.0, 0.0, 0.5, -0.5]), &c, &seen);
        let w = ScoreWeights::from_manifest(&m);
        let item = (target % n) as u32;
        let got = positions(&c, &rp, w, item, &mut Vec::new());
        if seen.contains(&c.id(item)) {
            prop_assert!(got.is_none());
            return Ok(());
        }
        let got = got.unwrap();
        let opts = RankOptions { limit: n, explain: false, exclude_seen: true, ..RankOptions::default() };
        let where_in = |rp: &RankProfile| {
            let r = rank_indexed(&c, rp, w, None, &opts, &mut Vec::new());
            let at = r.iter().position(|x| x.item == item).unwrap_or(n) as u32 + 1;
            // Items within rounding of the target may stand either side of it.
            let near = r.iter().filter(|x| (x.score - r[at as usize - 1].score).abs() < 1e-4).count() as u32;
            (at, near)
        };
        let (base, _) = where_in(&RankProfile::build_weighted(&m, &personal(1.0, 0.5, [1.0, 0.0, 0.5, -0.5]), &c, &seen, &|_| 0.0));
        prop_assert_eq!(got[0], base);
        let (at, near) = where_in(&rp);
        prop_assert!(got[PERSONALIZED].abs_diff(at) < near.max(1), "{:?} vs {} ({} near)", got, at, near);
    }

    /// With no evidence the check starts near the baseline; when the baseline keeps ranking
    /// the user's choices at least as well, it goes back to the baseline's order exactly;
    /// when personalization keeps ranking them better, it leans on the profile.
    #[test]
    fn the_strength_follows_the_evidence(observations in proptest::collection::vec((1u32..5000, 1u32..5000), 0..60)) {
        let mut contrary = Benefit::default();
        let mut favourable = Benefit::default();
        prop_assert_eq!(contrary.strength(), START);
        for &(a, b) in &observations {
            let (good, bad) = (a.min(b), a.max(b));
            // The baseline's position is the best of all strengths: contrary evidence.
            contrary.observe([good, bad, bad, bad, bad], 0);
            // The personalized one is the best: favourable evidence.
            favourable.observe([bad, bad, bad, good, bad], 0);
        }
        if observations.len() < MIN_EVIDENCE as usize {
            prop_assert_eq!(contrary.strength(), START);
            prop_assert_eq!(favourable.strength(), START);
        } else if observations.iter().any(|(a, b)| a != b) {
            prop_assert_eq!(contrary.strength(), 0.0);
            prop_assert_eq!(favourable.strength(), 1.0);
        } else {
            // Every order placed every item alike: the weakest strength wins the tie.
            prop_assert_eq!(contrary.strength(), 0.0);
        }
        // The medians are the lower median of the window, as a sort would give it.
        let window = &observations[observations.len().saturating_sub(super::benefit::WINDOW)..];
        let mut bads: Vec<u32> = window.iter().map(|&(a, b)| a.max(b)).collect();
        bads.sort_unstable();
        prop_assert_eq!(contrary.summary().median_rank_personalized, bads.get(bads.len().saturating_sub(1) / 2).copied());
        let summary = favourable.summary();
        prop_assert_eq!(summary.measured as usize, observations.len());
        if let (Some(p), Some(b)) = (summary.median_rank_personalized, summary.median_rank_baseline) {
            prop_assert!(p <= b);
        }
    }

    /// At a strength `g`, an item shown at position `p` stands in the baseline's order at most
    /// at `p · e^(g·R / w)` (R: the range of the personal terms over the catalog, w: the
    /// baseline weight): the weaker the check lets personalization be, the closer the order
    /// stays to the baseline's.
    #[test]
    fn a_weak_strength_keeps_the_order_near_the_baseline(n in 2usize..150, seed in any::<u64>(), g in 0.0f32..1.0) {
        let m = manifest();
        let c = Catalog::from_items(&items(n, seed, false, &|b| b)).unwrap();
        let p = personal(1.0, 0.5, [1.0, 0.0, 0.5, -0.5]);
        let full = RankProfile::build(&m, &p, &c, &[]);
        let w = ScoreWeights::from_manifest(&m);
        let mut scores = Vec::new();
        score_all(&c, &full, ScoreWeights { baseline: 0.0, ..w }, &mut scores);
        let (lo, hi) = scores.iter().fold((f32::MAX, f32::MIN), |(l, h), &s| (l.min(s), h.max(s)));
        let bound = (g * (hi - lo) / w.baseline).exp();
        let rp = RankProfile::build_weighted(&m, &p, &c, &[], &|_| g);
        let ranks = c.baseline_ranks();
        for (at, &i) in order(&c, &rp).iter().enumerate() {
            let limit = ((at + 1) as f32 * bound * 1.001).ceil() + 1.0;
            prop_assert!((ranks[i as usize] as f32) <= limit, "position {} has baseline rank {} > {}", at + 1, ranks[i as usize], limit);
        }
    }
}

#[test]
fn the_prior_is_a_log_rank_with_ties_sharing_their_mid_rank() {
    let c = Catalog::from_items(&json!([
        {"id": "a", "baseline": 10}, {"id": "b", "baseline": 5}, {"id": "c", "baseline": 5},
        {"id": "d", "baseline": 1},
    ]))
    .unwrap();
    let want = [4f32.ln(), (4.0f32 / 2.5).ln(), (4.0f32 / 2.5).ln(), 0.0];
    for (got, want) in c.prior().iter().zip(want) {
        assert!((got - want).abs() < 1e-6, "{:?}", c.prior());
    }
    let flat =
        Catalog::from_items(&json!([{"id": "a", "baseline": 3}, {"id": "b", "baseline": 3}]))
            .unwrap();
    assert_eq!(flat.prior(), &[0.0, 0.0]);
    assert_eq!(flat.baseline_ranks(), &[1, 2]);
}

#[test]
fn a_squeezed_embedding_counts_as_much_as_a_spread_one() {
    // Two catalogs whose cosines to the user are an affine map of each other: spread from -1
    // to 1 in one, squeezed into 0.99..1 in the other (as embeddings trained another way
    // might be). Standardized, the personal terms weigh the same against the prior.
    let make = |squeeze: bool| {
        let items: Vec<Value> = (0..40)
            .map(|i| {
                let t = ((i * 17) % 40) as f64 / 39.0; // similarity order unlike the baseline's
                let cos = if squeeze {
                    0.99 + 0.01 * t
                } else {
                    2.0 * t - 1.0
                };
                json!({"id": format!("i{i}"), "baseline": 40 - i,
                       "embedding": [cos, (1.0 - cos * cos).max(0.0).sqrt()]})
            })
            .collect();
        Catalog::from_items(&Value::Array(items)).unwrap()
    };
    let mut similar = module("similar");
    similar.embedding = Some(vec![1.0, 0.0]);
    let profile = Profile {
        modules: vec![similar],
    };
    let orders: Vec<Vec<u32>> = [false, true]
        .iter()
        .map(|&squeeze| {
            let c = make(squeeze);
            order(&c, &RankProfile::build(&manifest(), &profile, &c, &[]))
        })
        .collect();
    assert_eq!(orders[0][..10], orders[1][..10]);
    assert_ne!(
        orders[0][..5],
        [0, 1, 2, 3, 4],
        "personalization moved something"
    );
}

#[test]
fn strengths_are_ordered_and_include_the_baseline_and_the_profile() {
    assert_eq!(STRENGTHS[0], 0.0);
    assert_eq!(STRENGTHS[PERSONALIZED], 1.0);
    assert!(STRENGTHS.windows(2).all(|w| w[0] < w[1]));
    const { assert!(START > 0.0 && START <= 1.0) };
}
