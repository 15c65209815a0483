//! Ranking results by catalog index, their named form, and a packed form for the JS layer.
//!
//! The scoring code produces [`RankedAt`]: item, feature and reason-source indices, no strings.
//! [`named`] turns them into [`Ranked`] (ids and names, for serde); [`pack`] writes them as
//! numbers, which the package's JS entry turns into the same objects with names it caches,
//! so a `rank` call moves no strings and no JSON across the boundary.

use super::{add_dots, Catalog, RankProfile, Ranked, Reason, ScoreWeights};

/// Marks "none" in the packed form (no group, no source).
const NONE: f64 = -1.0;

/// Packed reason kinds.
const FEATURE: f64 = 0.0;
const SIMILAR: f64 = 1.0;
const BASELINE: f64 = 2.0;

/// Numbers per result before its reasons, and per reason.
pub const PACKED_RESULT_HEADER: usize = 6;
/// Numbers per packed reason.
pub const PACKED_REASON: usize = 4;
/// Numbers before the first result.
pub const PACKED_HEADER: usize = 3;

/// One ranked item, by catalog index.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedAt {
    /// The item's catalog index.
    pub item: u32,
    /// Its score.
    pub score: f32,
    /// Its rank here, from 1.
    pub rank: u32,
    /// Its rank in the baseline order of the same candidates, from 1.
    pub baseline_rank: u32,
    /// Why, strongest first (empty unless asked for).
    pub reasons: Vec<ReasonAt>,
}

/// A reason, by index: features and items into the catalog, sources into the profile's
/// (module, data category) list.
#[derive(Debug, Clone, PartialEq)]
pub enum ReasonAt {
    /// The user's interest in a feature of the item.
    Feature {
        /// The feature's catalog index.
        feature: u32,
        /// Its contribution to the score.
        weight: f32,
        /// Which module and category the interest came from.
        source: Option<u32>,
    },
    /// The item is similar to one the user interacted with recently.
    Similar {
        /// That item's catalog index.
        item: u32,
        /// Cosine similarity of their embeddings.
        similarity: f32,
        /// Which module and category the interaction came from.
        source: Option<u32>,
    },
    /// The app's baseline.
    Baseline {
        /// Its contribution to the score.
        weight: f32,
    },
}

/// Why item `i` is where it is: its top three contributing features, the recent item it is
/// most similar to, and its baseline contribution.
pub(super) fn explain(c: &Catalog, rp: &RankProfile, w: ScoreWeights, i: u32) -> Vec<ReasonAt> {
    // At most three features, one similar item and the baseline: one allocation.
    let mut reasons = Vec::with_capacity(5);
    if rp.personalized && !rp.features.is_empty() {
        // The three strongest positive contributions, kept in order as they come (items
        // have few features: no allocation, no sort). Ties keep the earlier feature.
        let mut top: [(f32, u32); 3] = [(0.0, 0); 3];
        let mut kept = 0;
        for (f, v) in c.features_at(i) {
            let x = rp.features.get(f as usize).copied().unwrap_or(0.0) * v;
            if x <= 0.0 || (kept == 3 && x <= top[2].0) {
                continue;
            }
            let mut at = kept.min(2);
            while at > 0 && top[at - 1].0 < x {
                top[at] = top[at - 1];
                at -= 1;
            }
            top[at] = (x, f);
            kept = (kept + 1).min(3);
        }
        for &(weight, feature) in &top[..kept] {
            let source = rp.feature_source.get(feature as usize).copied();
            reasons.push(ReasonAt::Feature {
                feature,
                weight,
                source: source.filter(|&s| s != super::NO_SOURCE),
            });
        }
    }
    if rp.personalized && !rp.embedding.is_empty() && c.dim > 0 && !rp.recent.is_empty() {
        // Similarity to the recent items, a block at a time, each block one pass of the
        // dot-product kernel (rows are unit length, so these are cosines).
        const BLOCK: usize = 32;
        let mut best: Option<(f32, u32, u32)> = None;
        for (recent, rows) in rp
            .recent
            .chunks(BLOCK)
            .zip(rp.recent_rows.chunks(BLOCK * c.dim))
        {
            let mut sims = [0.0f32; BLOCK];
            let sims = &mut sims[..recent.len()];
            add_dots(c.embedding_at(i), rows, c.dim, sims);
            for (&(j, source), &s) in recent.iter().zip(sims.iter()) {
                // The last of equals wins, as it did with `max_by`.
                if j != i && best.is_none_or(|b| s >= b.0) {
                    best = Some((s, j, source));
                }
            }
        }
        if let Some((similarity, item, source)) = best.filter(|b| b.0 > 0.0) {
            reasons.push(ReasonAt::Similar {
                item,
                similarity,
                source: Some(source),
            });
        }
    }
    let baseline = if rp.personalized { w.baseline } else { 1.0 } * c.prior()[i as usize];
    reasons.push(ReasonAt::Baseline { weight: baseline });
    reasons
}

/// The results with ids and names.
pub fn named(c: &Catalog, rp: &RankProfile, ranked: Vec<RankedAt>) -> Vec<Ranked> {
    let source = |s: Option<u32>| {
        let (module, category) = rp.source(s);
        (module.to_owned(), category.to_owned())
    };
    ranked
        .into_iter()
        .map(|r| Ranked {
            id: c.id(r.item).to_owned(),
            score: r.score,
            rank: r.rank,
            baseline_rank: r.baseline_rank,
            group: c.group_at(r.item).map(str::to_owned),
            reasons: r
                .reasons
                .into_iter()
                .map(|reason| match reason {
                    ReasonAt::Feature {
                        feature,
                        weight,
                        source: s,
                    } => {
                        let (module, category) = source(s);
                        Reason::Feature {
                            feature: c.feature_name(feature).to_owned(),
                            weight,
                            module,
                            category,
                        }
                    }
                    ReasonAt::Similar {
                        item,
                        similarity,
                        source: s,
                    } => {
                        let (module, category) = source(s);
                        Reason::Similar {
                            item: c.id(item).to_owned(),
                            similarity,
                            module,
                            category,
                        }
                    }
                    ReasonAt::Baseline { weight } => Reason::Baseline { weight },
                })
                .collect(),
        })
        .collect()
}

/// The results as numbers: `[catalogStamp, profileStamp, count]`, then per result
/// `[item, score, rank, baselineRank, group (−1: none), reasonCount]` followed by its reasons,
/// each `[kind (0 feature, 1 similar, 2 baseline), feature or item (0 for baseline), weight,
/// source (−1: none)]`. The stamps tell the JS layer when its cached names are stale.
pub fn pack(c: &Catalog, ranked: &[RankedAt], catalog_stamp: u64, profile_stamp: u64) -> Vec<f64> {
    let reasons: usize = ranked.iter().map(|r| r.reasons.len()).sum();
    let mut out = Vec::with_capacity(
        PACKED_HEADER + ranked.len() * PACKED_RESULT_HEADER + reasons * PACKED_REASON,
    );
    out.extend([
        catalog_stamp as f64,
        profile_stamp as f64,
        ranked.len() as f64,
    ]);
    let index = |s: Option<u32>| s.map_or(NONE, f64::from);
    for r in ranked {
        let group = c
            .group_at(r.item)
            .and_then(|_| c.group_indices().get(r.item as usize).copied());
        out.extend([
            f64::from(r.item),
            f64::from(r.score),
            f64::from(r.rank),
            f64::from(r.baseline_rank),
            index(group),
            r.reasons.len() as f64,
        ]);
        for reason in &r.reasons {
            match *reason {
                ReasonAt::Feature {
                    feature,
                    weight,
                    source,
                } => out.extend([
                    FEATURE,
                    f64::from(feature),
                    f64::from(weight),
                    index(source),
                ]),
                ReasonAt::Similar {
                    item,
                    similarity,
                    source,
                } => out.extend([
                    SIMILAR,
                    f64::from(item),
                    f64::from(similarity),
                    index(source),
                ]),
                ReasonAt::Baseline { weight } => {
                    out.extend([BASELINE, 0.0, f64::from(weight), NONE]);
                }
            }
        }
    }
    out
}
