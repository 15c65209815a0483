//! Ranking: baseline prior + feature affinity + embedding affinity, top-k, diversity, reasons.
//!
//! `score(i) = w_b·baseline(i) + U·features(i) + u·embedding(i) − penalties`, where `U` is
//! the dense user feature vector over the catalog's vocabulary and `u` the user embedding,
//! both summed over the granted modules with their weights (see [`RankProfile`]). Without a
//! granted module that feeds a signal, the order is the baseline order (promise 8).

pub mod benefit;
mod catalog;
mod exposure;
mod id_index;
mod ids;
mod kernel;
mod result;

pub use catalog::{Catalog, PackedCatalog, MAX_DIM, MAX_ITEMS};
pub use exposure::{constrained_top_k, ExposureConstraint};
pub use ids::{ItemIds, SEPARATOR as ID_SEPARATOR};
pub use kernel::{add_dots, dot, TopK};
pub use result::{
    named, pack, RankedAt, ReasonAt, PACKED_HEADER, PACKED_REASON, PACKED_RESULT_HEADER,
};

use std::collections::HashSet;

use serde::Serialize;

use crate::manifest::Manifest;
use crate::profile::Profile;

/// Marks a feature no module's interest names.
const NO_SOURCE: u32 = u32::MAX;

/// How to rank.
#[derive(Debug, Clone, PartialEq)]
pub struct RankOptions {
    /// How many results (default 20).
    pub limit: usize,
    /// Whether to attach reasons.
    pub explain: bool,
    /// 0 (none) to 1 (most): maximal marginal relevance trade-off.
    pub diversity: f32,
    /// Leave out items the user already interacted with.
    pub exclude_seen: bool,
    /// Minimum and maximum shares of the top `limit` per group.
    pub exposure: ExposureConstraint,
}

impl Default for RankOptions {
    fn default() -> Self {
        Self {
            limit: 20,
            explain: true,
            diversity: 0.0,
            exclude_seen: false,
            exposure: ExposureConstraint::default(),
        }
    }
}

/// Why an item is where it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Reason {
    /// The user's interest in a feature of the item.
    #[serde(rename_all = "camelCase")]
    Feature {
        /// The feature.
        feature: String,
        /// Its contribution to the score.
        weight: f32,
        /// The module whose interest it is.
        module: String,
        /// The data category the interest was learned from.
        category: String,
    },
    /// The item is similar to one the user interacted with recently.
    #[serde(rename_all = "camelCase")]
    Similar {
        /// That item.
        item: String,
        /// Cosine similarity of their embeddings.
        similarity: f32,
        /// The module whose embedding it is.
        module: String,
        /// The data category of the interaction.
        category: String,
    },
    /// The app's baseline (popularity, editorial).
    Baseline {
        /// Its contribution to the score.
        weight: f32,
    },
}

/// One ranked item.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ranked {
    /// The item.
    pub id: String,
    /// Its score.
    pub score: f32,
    /// Its rank here, from 1.
    pub rank: u32,
    /// Its rank in the baseline order of the same candidates, from 1.
    pub baseline_rank: u32,
    /// Its group, if the catalog has groups.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Why, strongest first (empty unless asked for).
    pub reasons: Vec<Reason>,
}

/// The profile in the catalog's terms, ready for the scoring loop.
#[derive(Debug, Clone, Default)]
pub struct RankProfile {
    features: Vec<f32>,
    /// The features with a non-zero weight.
    active_features: Vec<u32>,
    /// Where each interest came from: an index into `sources` per feature (`NO_SOURCE` for
    /// none), dense like `features` so that explaining a result does no hashing.
    feature_source: Vec<u32>,
    /// The (module, data category) pairs that reasons name.
    sources: Vec<(String, String)>,
    embedding: Vec<f32>,
    negative: Vec<f32>,
    disliked: HashSet<u32>,
    seen: HashSet<u32>,
    /// Recent items and the index of their source.
    recent: Vec<(u32, u32)>,
    /// The recent items' embeddings, one row each, so that an item's similarity to all of
    /// them is one pass of the dot-product kernel.
    recent_rows: Vec<f32>,
    personalized: bool,
}

impl RankProfile {
    /// Combines the granted modules' profiles with their manifest weights. `seen` is the
    /// items `excludeSeen` leaves out (see [`crate::profile::seen_items`]); repeats are fine.
    pub fn build(
        manifest: &Manifest,
        profile: &Profile,
        catalog: &Catalog,
        seen: &[&str],
    ) -> RankProfile {
        RankProfile::build_weighted(manifest, profile, catalog, seen, &|_| 1.0)
    }

    /// [`RankProfile::build`] with each module's personal terms multiplied by
    /// `strength(module)` (the benefit check's evidence, [`benefit`]): 0 leaves only the
    /// baseline (and dislikes), 1 is the module as the manifest weighs it.
    ///
    /// Each module's feature and embedding affinities are standardized before they are
    /// weighed: divided by their spread (standard deviation) over a fixed sample of the
    /// catalog. The spread of a cosine depends on how the site trained its embeddings (their
    /// dimension, regularisation, what they were trained on), and that of a feature affinity
    /// on how many features items carry; standardized, a weight means the same on every
    /// catalog, and against [`Catalog::prior`], whose spread is 1 on every catalog, so do the
    /// blend's defaults. The scale goes into the profile's vectors, so the scoring loops do
    /// no extra work. An affinity with no spread over the catalog carries no signal and is
    /// left out.
    pub fn build_weighted(
        manifest: &Manifest,
        profile: &Profile,
        catalog: &Catalog,
        seen: &[&str],
        strength: &dyn Fn(&str) -> f32,
    ) -> RankProfile {
        let seen = seen.iter().filter_map(|i| catalog.position(i)).collect();
        RankProfile::build_weighted_seen(manifest, profile, catalog, seen, strength)
    }

    /// [`RankProfile::build_weighted`] with the seen items as catalog positions (as the
    /// profile cache keeps them: no item id is looked up again).
    pub fn build_weighted_seen(
        manifest: &Manifest,
        profile: &Profile,
        catalog: &Catalog,
        seen: HashSet<u32>,
        strength: &dyn Fn(&str) -> f32,
    ) -> RankProfile {
        let mut rp = RankProfile {
            seen,
            ..RankProfile::default()
        };
        let dim = catalog.dim;
        let mut values: Vec<f32> = Vec::new();
        let mut module_features: Vec<f32> = Vec::new();
        for mp in &profile.modules {
            let Some(m) = manifest.module(&mp.module) else {
                continue;
            };
            let g = strength(&mp.module);
            let g = if g.is_finite() { g.max(0.0) } else { 0.0 };
            if m.feature_weight != 0.0 && !catalog.names.is_empty() && g > 0.0 {
                module_features.clear();
                module_features.resize(catalog.names.len(), 0.0);
                // Relative to the strongest interest before f32, which would round the
                // weights of a user back after years to zero (the spread below undoes any
                // common factor).
                let strongest = crate::profile::strongest(mp.features.iter().map(|fw| fw.weight));
                let unit = if strongest > 0.0 {
                    1.0 / strongest
                } else {
                    1.0
                };
                let mut any = false;
                for fw in &mp.features {
                    if let Some(&fid) = catalog.name_index.get(&fw.feature) {
                        module_features[fid as usize] += (fw.weight * unit) as f32;
                        any |= fw.weight != 0.0;
                    }
                }
                let spread = if any {
                    feature_spread(catalog, &module_features, &mut values)
                } else {
                    0.0
                };
                if spread > 0.0 {
                    let scale = g * m.feature_weight as f32 / spread;
                    if rp.features.is_empty() {
                        rp.features = vec![0.0; catalog.names.len()];
                        rp.feature_source = vec![NO_SOURCE; catalog.names.len()];
                    }
                    for fw in &mp.features {
                        let Some(&fid) = catalog.name_index.get(&fw.feature) else {
                            continue;
                        };
                        let add = scale * (fw.weight * unit) as f32;
                        rp.features[fid as usize] += add;
                        let source = rp.source_index(&mp.module, &fw.category);
                        // The first module to hold the interest names it, unless a later one
                        // adds to it positively.
                        let slot = &mut rp.feature_source[fid as usize];
                        if *slot == NO_SOURCE
                            || (add > 0.0 && rp.sources[*slot as usize].0 != mp.module)
                        {
                            *slot = source;
                        }
                    }
                }
            }
            if let Some(e) = mp.embedding.as_ref().filter(|e| e.len() == dim && dim > 0) {
                let spread = embedding_spread(catalog, e, &mut values);
                if spread > 0.0 && m.embedding_weight != 0.0 && g > 0.0 {
                    if rp.embedding.is_empty() {
                        rp.embedding = vec![0.0; dim];
                    }
                    let scale = g * m.embedding_weight as f32 / spread;
                    for (a, x) in rp.embedding.iter_mut().zip(e) {
                        *a += scale * x;
                    }
                }
            }
            if let Some(e) = mp
                .disliked_embedding
                .as_ref()
                .filter(|e| e.len() == dim && dim > 0)
            {
                let spread = embedding_spread(catalog, e, &mut values);
                if spread > 0.0 {
                    rp.negative = e.iter().map(|x| x / spread).collect();
                }
            }
            rp.disliked
                .extend(mp.disliked_items.iter().filter_map(|i| catalog.position(i)));
            for r in &mp.recent_items {
                if let Some(i) = catalog.position(&r.item) {
                    let source = rp.source_index(&mp.module, &r.category);
                    rp.recent.push((i, source));
                }
            }
        }
        if dim > 0 {
            for &(i, _) in &rp.recent {
                rp.recent_rows.extend_from_slice(catalog.embedding_at(i));
            }
        }
        rp.active_features = (0..rp.features.len() as u32)
            .filter(|&f| rp.features[f as usize] != 0.0)
            .collect();
        rp.personalized =
            !rp.active_features.is_empty() || !rp.embedding.is_empty() || !rp.disliked.is_empty();
        rp
    }

    /// The index of a (module, category) pair in `sources`, adding it if new (the list holds
    /// a few pairs: one per module and category it learned from).
    fn source_index(&mut self, module: &str, category: &str) -> u32 {
        if let Some(i) = self
            .sources
            .iter()
            .position(|(m, c)| m == module && c == category)
        {
            return i as u32;
        }
        self.sources.push((module.to_owned(), category.to_owned()));
        (self.sources.len() - 1) as u32
    }

    /// The module and data category of a reason source ("" for none).
    pub fn source(&self, index: Option<u32>) -> (&str, &str) {
        index
            .and_then(|i| self.sources.get(i as usize))
            .map_or(("", ""), |(m, c)| (m.as_str(), c.as_str()))
    }

    /// The (module, data category) pairs reasons refer to by index.
    pub fn sources(&self) -> &[(String, String)] {
        &self.sources
    }

    /// Whether anything personal shapes the order.
    pub fn is_personalized(&self) -> bool {
        self.personalized
    }
}

/// Most catalog items the spread of an affinity is measured on.
const SPREAD_SAMPLE: usize = 2048;

/// A fixed, evenly spaced sample of the catalog's positions (all of a small catalog), so the
/// spread is the same for the same catalog and profile and costs the same on any catalog.
fn spread_sample(n: usize) -> impl Iterator<Item = u32> {
    let step = n.div_ceil(SPREAD_SAMPLE).max(1);
    (0..n).step_by(step).map(|i| i as u32)
}

/// The spread of a feature affinity (`interests` over the vocabulary) over the sample.
#[inline(never)]
fn feature_spread(catalog: &Catalog, interests: &[f32], values: &mut Vec<f32>) -> f32 {
    values.clear();
    let (offsets, ids, weights) = (
        &catalog.offsets,
        &catalog.feature_ids,
        &catalog.feature_values,
    );
    for i in spread_sample(catalog.len()) {
        let i = i as usize;
        let (start, end) = (offsets[i] as usize, offsets[i + 1] as usize);
        let mut s = 0.0;
        for k in start..end {
            s += interests[ids[k] as usize] * weights[k];
        }
        values.push(s);
    }
    spread(values)
}

/// The spread of an embedding's cosine over the sample.
#[inline(never)]
fn embedding_spread(catalog: &Catalog, e: &[f32], values: &mut Vec<f32>) -> f32 {
    values.clear();
    values.extend(spread_sample(catalog.len()).map(|i| dot(e, catalog.embedding_at(i))));
    spread(values)
}

/// The standard deviation of `values` (0 for fewer than two, or when they are all equal up
/// to rounding). One pass in f64, over a slice, so it is compiled once for every affinity.
#[inline(never)]
fn spread(values: &[f32]) -> f32 {
    let (mut sum, mut squares) = (0.0f64, 0.0f64);
    for &v in values {
        let v = f64::from(v);
        sum += v;
        squares += v * v;
    }
    let n = values.len() as f64;
    let sd = ((squares - sum * sum / n) / (n - 1.0)).max(0.0).sqrt();
    // Below the rounding of the values themselves (relative to their size): no signal.
    if n >= 2.0 && sd > 1e-4 * (squares / n).sqrt() {
        sd as f32
    } else {
        0.0
    }
}

/// Weights of the score that are not per module.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreWeights {
    /// Weight of the baseline prior when personalized.
    pub baseline: f32,
    /// How far the neighbours of disliked items are pushed down.
    pub dislike: f32,
}

impl ScoreWeights {
    /// From the manifest.
    pub fn from_manifest(m: &Manifest) -> Self {
        Self {
            baseline: m.baseline_weight as f32,
            dislike: m.dislike_weight as f32,
        }
    }
}

/// Disliked items sink below everything else.
const DISLIKED: f32 = -1.0e3;

/// Scores every item of the catalog into `scores`, in passes over contiguous arrays (baseline,
/// embeddings, features, penalties): tight loops the compiler and SIMD make fast.
pub fn score_all(c: &Catalog, rp: &RankProfile, w: ScoreWeights, scores: &mut Vec<f32>) {
    scores.clear();
    if !rp.personalized {
        scores.extend_from_slice(c.prior());
        return;
    }
    scores.extend(c.prior().iter().map(|b| w.baseline * b));
    if !rp.embedding.is_empty() && c.dim > 0 {
        add_dots(&rp.embedding, &c.embeddings, c.dim, scores);
        if !rp.negative.is_empty() {
            for (s, e) in scores.iter_mut().zip(c.embeddings.chunks_exact(c.dim)) {
                *s -= w.dislike * dot(&rp.negative, e).max(0.0);
            }
        }
    }
    // Features by their postings: only the user's non-zero interests are visited, which is
    // far less work than every item's features when profiles are sparse.
    for &f in &rp.active_features {
        let weight = rp.features[f as usize];
        let (items, values) = c.postings().of(f as usize);
        for (&i, v) in items.iter().zip(values) {
            if let Some(s) = scores.get_mut(i as usize) {
                *s += weight * v;
            }
        }
    }
    for &i in &rp.disliked {
        if let Some(s) = scores.get_mut(i as usize) {
            *s += DISLIKED;
        }
    }
}

/// The score of item `i` alone (for candidate subsets, where a full pass would waste work).
fn score_one(c: &Catalog, rp: &RankProfile, w: ScoreWeights, i: u32) -> f32 {
    let idx = i as usize;
    if !rp.personalized {
        return c.prior()[idx];
    }
    let mut s = w.baseline * c.prior()[idx];
    if !rp.features.is_empty() {
        for (f, v) in c.features_at(i) {
            s += rp.features.get(f as usize).copied().unwrap_or(0.0) * v;
        }
    }
    if !rp.embedding.is_empty() {
        let e = c.embedding_at(i);
        s += dot(&rp.embedding, e);
        if !rp.negative.is_empty() {
            s -= w.dislike * dot(&rp.negative, e).max(0.0);
        }
    }
    if rp.disliked.contains(&i) {
        s += DISLIKED;
    }
    s
}

/// The personal part of item `i`'s score (without the baseline prior): its relevance to the
/// profile, used to measure a ranking's utility for a persona.
pub fn affinity(c: &Catalog, rp: &RankProfile, w: ScoreWeights, i: u32) -> f32 {
    if !rp.personalized {
        return 0.0;
    }
    score_one(c, rp, w, i) - w.baseline * c.prior()[i as usize]
}

/// Ranks `candidates` (all items if `None`; indices must be valid). Ties go to the better
/// baseline rank, then to catalog order, so results are deterministic. `scratch` is reused
/// between calls to avoid allocating a score per item each time.
pub fn rank_with(
    c: &Catalog,
    rp: &RankProfile,
    w: ScoreWeights,
    candidates: Option<&[u32]>,
    opts: &RankOptions,
    scratch: &mut Vec<f32>,
) -> Vec<Ranked> {
    named(c, rp, rank_indexed(c, rp, w, candidates, opts, scratch))
}

/// [`rank_with`] by catalog index: no ids or names are copied.
pub fn rank_indexed(
    c: &Catalog,
    rp: &RankProfile,
    w: ScoreWeights,
    candidates: Option<&[u32]>,
    opts: &RankOptions,
    scratch: &mut Vec<f32>,
) -> Vec<RankedAt> {
    let n = candidates.map_or(c.len(), <[u32]>::len);
    let limit = opts.limit.min(n);
    let diverse = opts.diversity > 0.0 && limit > 1;
    let pool = if diverse {
        (limit * 4).max(50).min(n)
    } else {
        limit
    };
    let skip_seen = opts.exclude_seen && !rp.seen.is_empty();
    let chosen = if opts.exposure.is_empty() {
        let mut top = TopK::new(pool);
        match candidates {
            Some(list) => {
                for &i in list {
                    if !(skip_seen && rp.seen.contains(&i)) {
                        top.push((score_one(c, rp, w, i), c.baseline_ranks()[i as usize], i));
                    }
                }
            }
            None => {
                score_all(c, rp, w, scratch);
                let ranks = c.baseline_ranks();
                let mut threshold = top.threshold();
                for (i, &s) in scratch.iter().enumerate() {
                    // Most items fall below the k-th best so far: one comparison rejects them.
                    if s < threshold || (skip_seen && rp.seen.contains(&(i as u32))) {
                        continue;
                    }
                    top.push((s, ranks[i], i as u32));
                    threshold = top.threshold();
                }
            }
        }
        let chosen = top.into_sorted();
        if diverse {
            mmr(c, chosen, limit, opts.diversity)
        } else {
            chosen
        }
    } else {
        // Under exposure rules any candidate may be needed: order them all, then re-rank.
        // (Diversity is not combined with them; the JS layer refuses both at once.)
        let ranks = c.baseline_ranks();
        let mut all: Vec<(f32, u32, u32)> = match candidates {
            Some(list) => list
                .iter()
                .map(|&i| (score_one(c, rp, w, i), ranks[i as usize], i))
                .collect(),
            None => {
                score_all(c, rp, w, scratch);
                scratch
                    .iter()
                    .enumerate()
                    .map(|(i, &s)| (s, ranks[i], i as u32))
                    .collect()
            }
        };
        if skip_seen {
            all.retain(|x| !rp.seen.contains(&x.2));
        }
        crate::sort::sort_by(&mut all, |&a, &b| {
            if kernel::better(a, b) {
                std::cmp::Ordering::Less
            } else if kernel::better(b, a) {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        });
        let group_of = |x: &(f32, u32, u32)| c.groups.get(x.2 as usize).copied();
        constrained_top_k(&all, &group_of, limit, &opts.exposure)
    };
    chosen
        .into_iter()
        .enumerate()
        .map(|(r, (s, brank, i))| RankedAt {
            item: i,
            score: s,
            rank: r as u32 + 1,
            baseline_rank: match candidates {
                None => brank,
                Some(list) => {
                    1 + list
                        .iter()
                        .filter(|&&j| c.baseline_ranks()[j as usize] < brank)
                        .count() as u32
                }
            },
            reasons: if opts.explain {
                result::explain(c, rp, w, i)
            } else {
                Vec::new()
            },
        })
        .collect()
}

/// [`rank_with`] with a fresh scratch buffer.
pub fn rank(
    c: &Catalog,
    rp: &RankProfile,
    w: ScoreWeights,
    candidates: Option<&[u32]>,
    opts: &RankOptions,
) -> Vec<Ranked> {
    rank_with(c, rp, w, candidates, opts, &mut Vec::new())
}

fn similarity(c: &Catalog, a: u32, b: u32) -> f32 {
    if c.dim > 0 {
        // Item vectors are unit length (or zero) since load: the dot product is the cosine.
        return dot(c.embedding_at(a), c.embedding_at(b));
    }
    // Cosine of the sparse feature vectors.
    let fa: crate::sorted::SortedMap<u32, f32> = c.features_at(a).collect();
    let (mut num, mut na, mut nb) = (0.0, 0.0, 0.0);
    for v in fa.values() {
        na += v * v;
    }
    for (f, v) in c.features_at(b) {
        nb += v * v;
        num += fa.get(&f).copied().unwrap_or(0.0) * v;
    }
    if na > 0.0 && nb > 0.0 {
        num / (na.sqrt() * nb.sqrt())
    } else {
        0.0
    }
}

/// Maximal marginal relevance: greedily take the item with the best
/// `(1 − λ)·relevance − λ·max similarity to those taken`, relevance scaled to `[0, 1]`.
fn mmr(
    c: &Catalog,
    pool: Vec<(f32, u32, u32)>,
    limit: usize,
    diversity: f32,
) -> Vec<(f32, u32, u32)> {
    let lambda = diversity.clamp(0.0, 1.0);
    let (lo, hi) = pool
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.0), hi.max(p.0))
        });
    let span = if hi > lo { hi - lo } else { 1.0 };
    let mut rest = pool;
    let mut taken: Vec<(f32, u32, u32)> = Vec::with_capacity(limit);
    let mut max_sim = vec![0.0f32; rest.len()];
    while taken.len() < limit && !rest.is_empty() {
        let best = (0..rest.len())
            .max_by(|&a, &b| {
                let value =
                    |k: usize| (1.0 - lambda) * (rest[k].0 - lo) / span - lambda * max_sim[k];
                value(a).total_cmp(&value(b)).then(b.cmp(&a))
            })
            .unwrap_or(0);
        let picked = rest.remove(best);
        max_sim.remove(best);
        for (k, r) in rest.iter().enumerate() {
            max_sim[k] = max_sim[k].max(similarity(c, picked.2, r.2));
        }
        taken.push(picked);
    }
    taken
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests_blend;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests_ties;
