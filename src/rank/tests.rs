use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::manifest::tests::fixture;
use crate::profile::{FeatureWeight, ModuleProfile, RecentItem};

fn catalog() -> Catalog {
    // a: popular, about sports. b: science, similar to c. c: science. d: sports, like a.
    Catalog::from_items(&json!([
        {"id": "a", "features": {"topic:sports": 1}, "embedding": [1, 0, 0], "baseline": 100, "group": "wire"},
        {"id": "b", "features": {"topic:science": 1}, "embedding": [0, 1, 0.1], "baseline": 10, "group": "local"},
        {"id": "c", "features": {"topic:science": 1, "topic:space": 1}, "embedding": [0, 1, 0], "baseline": 5, "group": "local"},
        {"id": "d", "features": {"topic:sports": 1}, "embedding": [0.9, 0.1, 0], "baseline": 50, "group": "wire"},
    ]))
    .unwrap()
}

/// The fixture with a baseline that weighs little: these tests are about what the personal
/// terms do (the defaults' balance is measured in `examples/evaluate`).
fn manifest() -> Manifest {
    let mut m = fixture();
    m["baselineWeight"] = json!(0.1);
    Manifest::from_json(&m).unwrap()
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

fn ids(r: &[Ranked]) -> Vec<&str> {
    r.iter().map(|x| x.id.as_str()).collect()
}

fn run(profile: &Profile, options: &RankOptions) -> Vec<Ranked> {
    run_seen(profile, &[], options)
}

fn run_seen(profile: &Profile, seen: &[&str], options: &RankOptions) -> Vec<Ranked> {
    let (m, c) = (manifest(), catalog());
    let rp = RankProfile::build(&m, profile, &c, seen);
    rank(&c, &rp, ScoreWeights::from_manifest(&m), None, options)
}

#[test]
fn without_a_profile_the_order_is_the_baseline() {
    let r = run(&Profile::default(), &RankOptions::default());
    assert_eq!(ids(&r), ["a", "d", "b", "c"]);
    assert!(r.iter().all(|x| x.rank == x.baseline_rank));
    // The prior of the first of four: ln(4 / 1).
    assert_eq!(r[0].reasons, [Reason::Baseline { weight: 4f32.ln() }]);
    assert_eq!(r[0].group.as_deref(), Some("wire"));
}

#[test]
fn feature_interests_lift_matching_items_and_say_so() {
    let mut topics = module("topics");
    topics.features = vec![interest("topic:science", 5.0)];
    let r = run(
        &Profile {
            modules: vec![topics],
        },
        &RankOptions::default(),
    );
    assert_eq!(ids(&r)[..2], ["b", "c"]);
    assert_eq!(r[0].baseline_rank, 3);
    match &r[0].reasons[0] {
        Reason::Feature {
            feature,
            module,
            category,
            weight,
        } => {
            assert_eq!(
                (feature.as_str(), module.as_str(), category.as_str()),
                ("topic:science", "topics", "reading")
            );
            assert!(*weight > 0.0);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_embedding_finds_items_like_recent_ones() {
    let mut similar = module("similar");
    similar.embedding = Some(vec![0.0, 1.0, 0.0]);
    similar.recent_items = vec![RecentItem {
        item: "c".into(),
        weight: 1.0,
        category: "reading".into(),
    }];
    let options = RankOptions {
        exclude_seen: true,
        ..RankOptions::default()
    };
    // Seen twice, and an item the catalog doesn't hold: both fine.
    let r = run_seen(
        &Profile {
            modules: vec![similar],
        },
        &["c", "gone", "c"],
        &options,
    );
    assert_eq!(
        ids(&r),
        ["b", "d", "a"],
        "c is seen and left out; d leans a little towards c"
    );
    assert!(r[0]
        .reasons
        .iter()
        .any(|x| matches!(x, Reason::Similar { item, .. } if item == "c")));
}

#[test]
fn disliked_items_sink_and_their_neighbours_are_pushed_down() {
    let mut similar = module("similar");
    similar.embedding = Some(vec![0.5, 0.5, 0.0]);
    similar.disliked_items = vec!["a".into()];
    let without = run(
        &Profile {
            modules: vec![similar.clone()],
        },
        &RankOptions::default(),
    );
    similar.disliked_embedding = Some(vec![1.0, 0.0, 0.0]);
    let with = run(
        &Profile {
            modules: vec![similar],
        },
        &RankOptions::default(),
    );
    assert_eq!(ids(&with).last(), Some(&"a"));
    let score = |r: &[Ranked], id: &str| r.iter().find(|x| x.id == id).map_or(0.0, |x| x.score);
    // d is a's neighbour, b is not: d loses ground to b.
    assert!(
        score(&with, "d") - score(&with, "b") < score(&without, "d") - score(&without, "b") - 0.5,
        "{with:?}"
    );
}

#[test]
fn diversity_avoids_near_duplicates() {
    let mut similar = module("similar");
    similar.embedding = Some(vec![1.0, 0.0, 0.0]);
    let plain = run(
        &Profile {
            modules: vec![similar.clone()],
        },
        &RankOptions {
            limit: 2,
            ..RankOptions::default()
        },
    );
    assert_eq!(ids(&plain), ["a", "d"]);
    let diverse = run(
        &Profile {
            modules: vec![similar],
        },
        &RankOptions {
            limit: 2,
            diversity: 0.7,
            ..RankOptions::default()
        },
    );
    assert_eq!(ids(&diverse)[0], "a");
    assert_ne!(ids(&diverse)[1], "d", "d is nearly a copy of a");
}

#[test]
fn candidate_subsets_rank_within_themselves() {
    let (m, c) = (manifest(), catalog());
    let r = rank(
        &c,
        &RankProfile::default(),
        ScoreWeights::from_manifest(&m),
        Some(&[2, 1]),
        &RankOptions::default(),
    );
    assert_eq!(ids(&r), ["b", "c"]);
    assert_eq!((r[0].baseline_rank, r[1].baseline_rank), (1, 2));
}

#[test]
fn bad_catalogs_are_rejected_with_the_field() {
    let cases = [
        (
            json!([{"id": "a", "embedding": [1, 2]}, {"id": "b", "embedding": [1]}]),
            "items[1].embedding",
        ),
        (json!([{"id": "a"}, {"id": "a"}]), "ids[1]"),
        (
            json!([{"id": "a", "baseline": "high"}]),
            "items[0].baseline",
        ),
        (json!([{"id": 3}]), "items[0].id"),
        (
            json!([{"id": "a", "features": {"bad\nname": 1}}]),
            "items[0].features[\"bad\\nname\"]",
        ),
        (json!({"id": "a"}), "items"),
    ];
    for (v, path) in cases {
        assert_eq!(Catalog::from_items(&v).unwrap_err().0.path, path, "{v}");
    }
    let packed = |edit: &dyn Fn(&mut PackedCatalog)| {
        let mut p = PackedCatalog {
            ids: vec!["a".to_string(), "b".to_string()].into(),
            feature_names: vec!["f".into()],
            feature_offsets: vec![0, 1, 2],
            feature_ids: vec![0, 0],
            feature_values: vec![1.0, 2.0],
            embeddings: vec![0.0; 4],
            dim: 2,
            baseline: vec![1.0, 2.0],
            ..Default::default()
        };
        edit(&mut p);
        Catalog::from_packed(p).err().map(|e| e.0.path)
    };
    assert_eq!(packed(&|_| {}), None);
    assert_eq!(
        packed(&|p| p.feature_values[1] = f32::NAN).as_deref(),
        Some("featureValues[1]")
    );
    assert_eq!(
        packed(&|p| p.feature_ids[0] = 7).as_deref(),
        Some("featureIds[0]")
    );
    assert_eq!(
        packed(&|p| p.feature_offsets = vec![0, 2, 1]).as_deref(),
        Some("featureOffsets")
    );
    assert_eq!(
        packed(&|p| p.embeddings.pop().map(|_| ()).unwrap_or(())).as_deref(),
        Some("embeddings")
    );
    assert_eq!(
        packed(&|p| p.baseline = vec![1.0]).as_deref(),
        Some("baseline")
    );
    assert_eq!(
        packed(&|p| p.ids = vec!["x".to_string(); MAX_ITEMS + 1].into()).as_deref(),
        Some("ids")
    );
    assert_eq!(
        packed(&|p| p.embeddings[3] = f32::INFINITY).as_deref(),
        Some("embeddings[3]")
    );
    assert_eq!(
        packed(&|p| p.embeddings[2] = f32::NAN).as_deref(),
        Some("embeddings[2]")
    );
}

#[test]
fn embeddings_become_unit_length_even_when_their_squares_overflow() {
    let c = Catalog::from_packed(PackedCatalog {
        ids: vec!["big".to_string(), "small".to_string(), "zero".to_string()].into(),
        embeddings: vec![3e30, 4e30, 0.3, 0.4, 0.0, 0.0],
        dim: 2,
        ..Default::default()
    })
    .unwrap();
    for (i, want) in [(0, [0.6, 0.8]), (1, [0.6, 0.8]), (2, [0.0, 0.0])] {
        let e = c.embedding_at(i);
        assert!(
            (e[0] - want[0]).abs() < 1e-6 && (e[1] - want[1]).abs() < 1e-6,
            "{i}: {e:?}"
        );
    }
}

fn scored_catalog(n: usize, seed: u64) -> Catalog {
    let mut x = seed;
    let mut next = move || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((x >> 33) % 1000) as f32 / 100.0
    };
    let items: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            json!({"id": format!("i{i}"), "baseline": (next() as i64) as f64,
                   "features": {format!("f{}", i % 7): next(), "g": next()},
                   "embedding": [next(), next(), next(), next(), next()]})
        })
        .collect();
    Catalog::from_items(&serde_json::Value::Array(items)).unwrap()
}

proptest! {
    #[test]
    fn top_k_is_the_first_k_of_a_full_sort(n in 1usize..300, k in 0usize..40, seed in any::<u64>(), w in 0.0f64..3.0) {
        let m = manifest();
        let c = scored_catalog(n, seed);
        let mut topics = module("topics");
        topics.features = vec![interest("f1", w), interest("g", 1.0), interest("f3", -0.5)];
        let mut similar = module("similar");
        similar.embedding = Some(vec![1.0, -0.5, 0.2, 0.0, 0.3]);
        let rp = RankProfile::build(&m, &Profile { modules: vec![topics, similar] }, &c, &[]);
        let weights = ScoreWeights::from_manifest(&m);
        let opts = RankOptions { limit: k, explain: false, ..RankOptions::default() };
        let top = rank(&c, &rp, weights, None, &opts);
        let mut all = rank(&c, &rp, weights, None, &RankOptions { limit: n, explain: false, ..RankOptions::default() });
        // The full ranking is a correct sort: non-increasing scores, ties by baseline rank.
        for pair in all.windows(2) {
            prop_assert!(pair[0].score > pair[1].score || (pair[0].score == pair[1].score && pair[0].baseline_rank < pair[1].baseline_rank));
        }
        all.truncate(k);
        prop_assert_eq!(top, all);
    }
}

/// Reads [`pack`]'s numbers back with the catalog and the profile's sources, as the JS layer
/// does: the result must be exactly what [`named`] gives.
fn unpack(c: &Catalog, rp: &RankProfile, packed: &[f64]) -> Vec<Ranked> {
    let mut out = Vec::new();
    let mut at = PACKED_HEADER;
    let source = |x: f64| {
        let (m, cat) = rp.source((x >= 0.0).then_some(x as u32));
        (m.to_owned(), cat.to_owned())
    };
    for _ in 0..packed[2] as usize {
        let head = &packed[at..at + PACKED_RESULT_HEADER];
        let mut ranked = Ranked {
            id: c.id(head[0] as u32).to_owned(),
            score: head[1] as f32,
            rank: head[2] as u32,
            baseline_rank: head[3] as u32,
            group: (head[4] >= 0.0).then(|| c.group_names()[head[4] as usize].clone()),
            reasons: vec![],
        };
        at += PACKED_RESULT_HEADER;
        for _ in 0..head[5] as usize {
            let r = &packed[at..at + PACKED_REASON];
            ranked.reasons.push(match r[0] as u32 {
                0 => {
                    let (module, category) = source(r[3]);
                    Reason::Feature {
                        feature: c.feature_name(r[1] as u32).to_owned(),
                        weight: r[2] as f32,
                        module,
                        category,
                    }
                }
                1 => {
                    let (module, category) = source(r[3]);
                    Reason::Similar {
                        item: c.id(r[1] as u32).to_owned(),
                        similarity: r[2] as f32,
                        module,
                        category,
                    }
                }
                _ => Reason::Baseline {
                    weight: r[2] as f32,
                },
            });
            at += PACKED_REASON;
        }
        out.push(ranked);
    }
    assert_eq!(at, packed.len(), "no trailing numbers");
    out
}

#[test]
fn packed_results_carry_exactly_the_named_ones() {
    let (m, c) = (manifest(), catalog());
    let mut topics = module("topics");
    topics.features = vec![
        interest("topic:science", 2.0),
        interest("topic:sports", 0.5),
    ];
    let mut similar = module("similar");
    similar.embedding = Some(vec![0.2, 1.0, 0.0]);
    similar.recent_items = vec![RecentItem {
        item: "c".into(),
        weight: 1.0,
        category: "reading".into(),
    }];
    let rp = RankProfile::build(
        &m,
        &Profile {
            modules: vec![topics, similar],
        },
        &c,
        &[],
    );
    for explain in [true, false] {
        let options = RankOptions {
            explain,
            ..RankOptions::default()
        };
        let ranked = rank_indexed(
            &c,
            &rp,
            ScoreWeights::from_manifest(&m),
            None,
            &options,
            &mut vec![],
        );
        let packed = pack(&c, &ranked, 7, 9);
        assert_eq!(packed[..2], [7.0, 9.0]);
        let named = named(&c, &rp, ranked);
        assert!(!explain || named.iter().any(|r| r.reasons.len() >= 3));
        assert_eq!(unpack(&c, &rp, &packed), named);
    }
}

#[test]
fn every_id_is_found_where_it_is_even_when_hashes_collide() {
    // 300,000 ids under a 32-bit hash: about ten colliding pairs are expected, each resolved
    // by probing the next key.
    let n = 300_000;
    let ids: Vec<String> = (0..n).map(|i| format!("item-{i}")).collect();
    let c = Catalog::from_packed(PackedCatalog {
        ids: ids.clone().into(),
        ..Default::default()
    })
    .unwrap();
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(c.position(id), Some(i as u32), "{id}");
    }
    assert_eq!(c.position("item-300000"), None);
    assert_eq!(c.position(""), None);
    let dup = Catalog::from_packed(PackedCatalog {
        ids: vec!["x".to_string(), "y".to_string(), "x".to_string()].into(),
        ..Default::default()
    });
    assert_eq!(dup.unwrap_err().0.path, "ids[2]");
}

proptest! {
    /// The radix-sorted baseline ranks are those of a comparison sort: higher baseline first,
    /// equal baselines (-0 and +0 among them) in catalog order.
    #[test]
    fn baseline_ranks_are_those_of_a_full_sort(
        baseline in proptest::collection::vec(
            prop_oneof![Just(0.0f32), Just(-0.0f32), Just(1.0f32), -1e6f32..1e6f32],
            0..400,
        ),
    ) {
        let n = baseline.len();
        let c = Catalog::from_packed(PackedCatalog {
            ids: (0..n).map(|i| format!("i{i}")).collect::<Vec<_>>().into(),
            baseline: baseline.clone(),
            ..Default::default()
        }).unwrap();
        let mut order: Vec<usize> = (0..n).collect();
        // By value (-0 equals +0), not by total_cmp, which puts -0 below +0.
        order.sort_by(|&a, &b| (baseline[b] + 0.0).total_cmp(&(baseline[a] + 0.0)).then(a.cmp(&b)));
        let mut want = vec![0u32; n];
        for (r, &i) in order.iter().enumerate() {
            want[i] = r as u32 + 1;
        }
        prop_assert_eq!(c.baseline_ranks(), &want[..]);
    }
}
