//! The catalog: public item data in a layout made for the scoring loop.
//!
//! Features are interned (CSR: `offsets`, `feature_ids`, `feature_values`), embeddings are
//! one contiguous `f32` array of unit-length vectors (a zero row: no embedding), and the
//! baseline is ranked on first use, into ranks and the prior the score blends
//! ([`Catalog::prior`]).
//! Invariants, checked once at load so the scoring loop needs no checks of its own:
//! `offsets` has `len + 1` non-decreasing entries ending at `feature_ids.len()`; every feature
//! id is below `names.len()`; every number is finite; `embeddings.len() == len * dim`.

use std::cell::OnceCell;
use std::collections::HashMap;

use serde_json::Value;

use super::id_index::IdIndex;
use super::ItemIds;
use crate::error::{CatalogError, FieldError};
use crate::profile::ItemSource;
use crate::validate::{
    array, child, index, known_keys, name, name_problem, number, object, optional, required,
};

/// Most items in one catalog.
pub const MAX_ITEMS: usize = 1_000_000;
/// Largest embedding dimension.
pub const MAX_DIM: usize = 1024;
/// Most features per item.
pub const MAX_ITEM_FEATURES: usize = 1024;

/// The packed form, as `setCatalogPacked` receives it.
#[derive(Debug, Clone, Default)]
pub struct PackedCatalog {
    /// Item ids.
    pub ids: ItemIds,
    /// Feature names; `feature_ids` index into it.
    pub feature_names: Vec<String>,
    /// `ids.len() + 1` offsets into `feature_ids` / `feature_values`.
    pub feature_offsets: Vec<u32>,
    /// Feature of each (item, feature) entry.
    pub feature_ids: Vec<u32>,
    /// Weight of each entry.
    pub feature_values: Vec<f32>,
    /// `ids.len() * dim` floats, or empty.
    pub embeddings: Vec<f32>,
    /// Embedding dimension (0: none).
    pub dim: usize,
    /// Popularity or editorial score per item, or empty (all equal).
    pub baseline: Vec<f32>,
    /// Group index per item into `group_names`, or empty.
    pub groups: Vec<u32>,
    /// Group names.
    pub group_names: Vec<String>,
}

/// A validated catalog.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub(crate) ids: ItemIds,
    /// Id -> position.
    pub(crate) index: IdIndex,
    pub(crate) names: Vec<String>,
    pub(crate) name_index: HashMap<String, u32>,
    pub(crate) offsets: Vec<u32>,
    pub(crate) feature_ids: Vec<u32>,
    pub(crate) feature_values: Vec<f32>,
    pub(crate) dim: usize,
    pub(crate) embeddings: Vec<f32>,
    raw_baseline: Vec<f32>,
    /// Baseline ranks and the prior, built on first use, so loading never pays for the sort.
    baseline_rank: OnceCell<(Vec<u32>, Vec<f32>)>,
    pub(crate) groups: Vec<u32>,
    pub(crate) group_names: Vec<String>,
    /// The transpose of the features (feature -> items), built on the first ranking by
    /// features, so loading stays cheap.
    postings: OnceCell<Postings>,
}

/// Feature -> (item, value) lists in CSR form.
#[derive(Debug, Clone, Default)]
pub(crate) struct Postings {
    pub offsets: Vec<u32>,
    pub items: Vec<u32>,
    pub values: Vec<f32>,
}

impl Postings {
    /// Transposes item -> features into feature -> items (counting sort, O(entries)).
    fn build(vocabulary: usize, offsets: &[u32], feature_ids: &[u32], values: &[f32]) -> Postings {
        let mut counts = vec![0u32; vocabulary + 1];
        for &f in feature_ids {
            counts[f as usize + 1] += 1;
        }
        for k in 1..counts.len() {
            counts[k] += counts[k - 1];
        }
        let mut next = counts.clone();
        let mut items = vec![0u32; feature_ids.len()];
        let mut vals = vec![0f32; feature_ids.len()];
        for (item, range) in offsets.windows(2).enumerate() {
            let range = range[0] as usize..range[1] as usize;
            let (Some(ids), Some(weights)) = (feature_ids.get(range.clone()), values.get(range))
            else {
                continue; // (offsets were validated against both arrays at load)
            };
            for (&f, &v) in ids.iter().zip(weights) {
                if let Some(slot) = next.get_mut(f as usize) {
                    if let (Some(i), Some(x)) =
                        (items.get_mut(*slot as usize), vals.get_mut(*slot as usize))
                    {
                        *i = item as u32;
                        *x = v;
                    }
                    *slot += 1;
                }
            }
        }
        Postings {
            offsets: counts,
            items,
            values: vals,
        }
    }

    /// The (items, values) of feature `f`.
    pub fn of(&self, f: usize) -> (&[u32], &[f32]) {
        let range = match (self.offsets.get(f), self.offsets.get(f + 1)) {
            (Some(&s), Some(&e)) => s as usize..e as usize,
            _ => 0..0,
        };
        (
            self.items.get(range.clone()).unwrap_or(&[]),
            self.values.get(range).unwrap_or(&[]),
        )
    }
}

fn bad(path: impl Into<String>, message: impl Into<String>) -> CatalogError {
    CatalogError(FieldError::new(path, message))
}

impl Catalog {
    /// Validates and takes over a packed catalog.
    pub fn from_packed(p: PackedCatalog) -> Result<Catalog, CatalogError> {
        for (i, name) in p.group_names.iter().enumerate() {
            if let Some(problem) = name_problem(name) {
                return Err(bad(index_path("groupNames", i), problem));
            }
        }
        Catalog::build(p)
    }

    /// [`Catalog::from_packed`] once group names are checked (item objects name their groups
    /// themselves, and items without one share an unnamed group).
    fn build(p: PackedCatalog) -> Result<Catalog, CatalogError> {
        let n = p.ids.len();
        if n > MAX_ITEMS {
            return Err(bad("ids", format!("at most {MAX_ITEMS} items, got {n}")));
        }
        if let Some((i, problem)) = p
            .ids
            .iter()
            .enumerate()
            .find_map(|(i, id)| name_problem(id).map(|problem| (i, problem)))
        {
            return Err(bad(index_path("ids", i), problem));
        }
        let index = IdIndex::build(&p.ids).map_err(|i| {
            let id = p.ids.get(i).unwrap_or_default();
            bad(
                index_path("ids", i),
                format!("duplicate id \"{}\"", crate::validate::truncate(id, 80)),
            )
        })?;
        let mut name_index = HashMap::with_capacity(p.feature_names.len());
        for (i, name) in p.feature_names.iter().enumerate() {
            if let Some(problem) = name_problem(name) {
                return Err(bad(index_path("featureNames", i), problem));
            }
            if name_index.insert(name.clone(), i as u32).is_some() {
                return Err(bad(
                    index_path("featureNames", i),
                    format!("duplicate feature \"{name}\""),
                ));
            }
        }
        let entries = p.feature_ids.len();
        if p.feature_offsets.is_empty() && entries == 0 {
            // No features at all: every item has an empty range.
        } else {
            if p.feature_offsets.len() != n + 1 {
                return Err(bad(
                    "featureOffsets",
                    format!(
                        "needs {} entries (items + 1), got {}",
                        n + 1,
                        p.feature_offsets.len()
                    ),
                ));
            }
            if p.feature_offsets.first() != Some(&0)
                || p.feature_offsets.last().map(|&l| l as usize) != Some(entries)
            {
                return Err(bad(
                    "featureOffsets",
                    format!("must start at 0 and end at featureIds.length ({entries})"),
                ));
            }
            for (i, w) in p.feature_offsets.windows(2).enumerate() {
                if w[1] < w[0] || (w[1] - w[0]) as usize > MAX_ITEM_FEATURES {
                    return Err(bad(
                        index_path("featureOffsets", i + 1),
                        "must not decrease, nor exceed 1024 features per item",
                    ));
                }
            }
        }
        if p.feature_values.len() != entries {
            return Err(bad(
                "featureValues",
                format!(
                    "needs {entries} entries like featureIds, got {}",
                    p.feature_values.len()
                ),
            ));
        }
        // The largest id first (a reduction the compiler vectorizes); the position of a bad
        // one only when there is one.
        let vocabulary = p.feature_names.len();
        let largest = p.feature_ids.iter().copied().max();
        if largest.is_some_and(|f| f as usize >= vocabulary) {
            let i = p
                .feature_ids
                .iter()
                .position(|&f| f as usize >= vocabulary)
                .unwrap_or(0);
            return Err(bad(
                index_path("featureIds", i),
                format!("{} is not an index into featureNames", p.feature_ids[i]),
            ));
        }
        finite("featureValues", &p.feature_values)?;
        if p.dim > MAX_DIM {
            return Err(bad("dim", format!("at most {MAX_DIM}")));
        }
        if p.embeddings.len() != n * p.dim {
            return Err(bad(
                "embeddings",
                format!(
                    "needs items × dim = {} floats, got {}",
                    n * p.dim,
                    p.embeddings.len()
                ),
            ));
        }
        let raw_baseline = if p.baseline.is_empty() {
            vec![0.0; n]
        } else {
            p.baseline
        };
        if raw_baseline.len() != n {
            return Err(bad(
                "baseline",
                format!("needs one score per item ({n}), got {}", raw_baseline.len()),
            ));
        }
        finite("baseline", &raw_baseline)?;
        if !p.groups.is_empty() && p.groups.len() != n {
            return Err(bad(
                "groups",
                format!("needs one group per item ({n}), got {}", p.groups.len()),
            ));
        }
        if let Some(i) = p
            .groups
            .iter()
            .position(|&g| g as usize >= p.group_names.len())
        {
            return Err(bad(index_path("groups", i), "not an index into groupNames"));
        }
        let offsets = if p.feature_offsets.is_empty() {
            vec![0; n + 1]
        } else {
            p.feature_offsets
        };
        // Embedding affinity is cosine: unit-length item vectors make it one dot product, and
        // make catalogs whose vectors differ in scale behave alike.
        let mut embeddings = p.embeddings;
        if p.dim > 0 {
            for (i, e) in embeddings.chunks_exact_mut(p.dim).enumerate() {
                unit_length(e).map_err(|k| {
                    bad(
                        index_path("embeddings", i * p.dim + k),
                        "must be a finite number",
                    )
                })?;
            }
        }
        Ok(Catalog {
            postings: OnceCell::new(),
            raw_baseline,
            baseline_rank: OnceCell::new(),
            ids: p.ids,
            index,
            names: p.feature_names,
            name_index,
            offsets,
            feature_ids: p.feature_ids,
            feature_values: p.feature_values,
            dim: p.dim,
            embeddings,
            groups: p.groups,
            group_names: p.group_names,
        })
    }

    /// Builds a catalog from item objects: `{ id, features?, embedding?, baseline?, group? }`.
    pub fn from_items(v: &Value) -> Result<Catalog, CatalogError> {
        let items = array(v, "items", MAX_ITEMS).map_err(CatalogError)?;
        let mut p = PackedCatalog {
            feature_offsets: vec![0],
            ..Default::default()
        };
        let mut names: HashMap<String, u32> = HashMap::new();
        let mut groups: HashMap<String, u32> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            let path = index("items", i);
            let map = object(item, &path).map_err(CatalogError)?;
            known_keys(
                map,
                &path,
                &["id", "features", "embedding", "baseline", "group"],
            )
            .map_err(CatalogError)?;
            let id = name(
                required(map, &path, "id").map_err(CatalogError)?,
                &child(&path, "id"),
            )
            .map_err(CatalogError)?;
            p.ids.push(&id);
            if let Some(f) = optional(map, "features") {
                let fpath = child(&path, "features");
                for (name, w) in object(f, &fpath).map_err(CatalogError)? {
                    if let Some(problem) = name_problem(name) {
                        return Err(bad(child(&fpath, name), problem));
                    }
                    let next = names.len() as u32;
                    let fid = *names.entry(name.clone()).or_insert_with(|| {
                        p.feature_names.push(name.clone());
                        next
                    });
                    p.feature_ids.push(fid);
                    p.feature_values.push(
                        number(w, &child(&fpath, name), -1e6, 1e6).map_err(CatalogError)? as f32,
                    );
                }
            }
            p.feature_offsets.push(p.feature_ids.len() as u32);
            // An item may have no embedding (null or absent) while others have one: it gets
            // a zero row, which scores 0 similarity to everything and feeds no user embedding.
            match optional(map, "embedding") {
                Some(e) => {
                    let epath = child(&path, "embedding");
                    let values = array(e, &epath, MAX_DIM).map_err(CatalogError)?;
                    if p.dim == 0 && !values.is_empty() {
                        p.dim = values.len();
                        p.embeddings.resize(i * p.dim, 0.0);
                    } else if values.len() != p.dim {
                        return Err(bad(
                            epath,
                            format!(
                                "has {} dimensions, the catalog's have {}",
                                values.len(),
                                p.dim
                            ),
                        ));
                    }
                    for (j, x) in values.iter().enumerate() {
                        p.embeddings.push(
                            number(x, &index(&epath, j), -1e6, 1e6).map_err(CatalogError)? as f32,
                        );
                    }
                }
                None => p.embeddings.resize(p.embeddings.len() + p.dim, 0.0),
            }
            let b = optional(map, "baseline")
                .map(|b| number(b, &child(&path, "baseline"), -1e12, 1e12))
                .transpose()
                .map_err(CatalogError)?;
            p.baseline.push(b.unwrap_or(0.0) as f32);
            if let Some(g) = optional(map, "group") {
                let name = name(g, &child(&path, "group")).map_err(CatalogError)?;
                let next = groups.len() as u32;
                let gid = *groups.entry(name.clone()).or_insert_with(|| {
                    p.group_names.push(name);
                    next
                });
                p.groups.resize(i, u32::MAX);
                p.groups.push(gid);
            }
        }
        if !p.groups.is_empty() {
            // Items without a group get their own "" group so indexes stay valid.
            if p.groups.len() < p.ids.len() || p.groups.contains(&u32::MAX) {
                let none = p.group_names.len() as u32;
                p.group_names.push(String::new());
                p.groups.resize(p.ids.len(), none);
                for g in &mut p.groups {
                    if *g == u32::MAX {
                        *g = none;
                    }
                }
            }
        }
        Catalog::build(p)
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The index of an item.
    pub fn position(&self, id: &str) -> Option<u32> {
        self.index.position(&self.ids, id)
    }

    /// The id of item `i`.
    pub fn id(&self, i: u32) -> &str {
        self.ids.get(i as usize).unwrap_or("")
    }

    /// The embedding of item `i` (empty if none).
    pub fn embedding_at(&self, i: u32) -> &[f32] {
        let start = i as usize * self.dim;
        self.embeddings.get(start..start + self.dim).unwrap_or(&[])
    }

    /// The (feature id, value) entries of item `i`.
    pub fn features_at(&self, i: u32) -> impl Iterator<Item = (u32, f32)> + '_ {
        let i = i as usize;
        let (start, end) = match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&s), Some(&e)) => (s as usize, e as usize),
            _ => (0, 0),
        };
        self.feature_ids[start..end]
            .iter()
            .copied()
            .zip(self.feature_values[start..end].iter().copied())
    }

    /// Baseline rank per item (1 = best; ties by catalog order).
    pub fn baseline_ranks(&self) -> &[u32] {
        &self.ranked().0
    }

    /// The baseline as the score blends it: `ln(n / r)` for an item of (mid-)rank `r` among
    /// `n`, so 0 for the last and `ln n` for the first (all 0 for a flat baseline).
    ///
    /// By rank, not by value: any monotone transform of the app's baseline (counts, log
    /// counts, ranks, an editorial scale) gives the same prior, so one default weight fits
    /// every popularity shape. `ln(n / r)` is the log of a Zipf popularity, and over the
    /// catalog it is distributed like an exponential of mean 1 and spread 1, the scale the
    /// personal terms are standardized to ([`super::RankProfile::build`]). Equal baselines
    /// share their mid-rank, so they get equal priors.
    pub fn prior(&self) -> &[f32] {
        &self.ranked().1
    }

    // Compiled once: every caller of the ranks or the prior would otherwise carry the sort.
    #[inline(never)]
    fn ranked(&self) -> &(Vec<u32>, Vec<f32>) {
        self.baseline_rank
            .get_or_init(|| rank_baseline(&self.raw_baseline))
    }

    /// The feature -> items index.
    /// Drops what the first ranking built (the feature transpose, the baseline ranks): they
    /// are built again when next needed. Before a new catalog is read, so the old one's
    /// largest part does not sit beside the new one (WebAssembly memory never shrinks).
    pub fn release_derived(&mut self) {
        self.postings = OnceCell::new();
        self.baseline_rank = OnceCell::new();
    }

    pub(crate) fn postings(&self) -> &Postings {
        self.postings.get_or_init(|| {
            Postings::build(
                self.names.len(),
                &self.offsets,
                &self.feature_ids,
                &self.feature_values,
            )
        })
    }

    /// The group name of item `i`, if groups were given.
    pub fn group_at(&self, i: u32) -> Option<&str> {
        self.groups
            .get(i as usize)
            .and_then(|&g| self.group_names.get(g as usize))
            .map(String::as_str)
            .filter(|g| !g.is_empty())
    }

    /// The index of a group by name.
    pub fn group_index(&self, name: &str) -> Option<u32> {
        self.group_names
            .iter()
            .position(|g| g == name)
            .map(|i| i as u32)
    }

    /// The group names (empty when the catalog has no groups).
    pub fn group_names(&self) -> &[String] {
        &self.group_names
    }

    /// The group index of each item (empty when the catalog has no groups).
    pub fn group_indices(&self) -> &[u32] {
        &self.groups
    }

    /// The feature names (the vocabulary), by feature index.
    pub fn feature_names(&self) -> &[String] {
        &self.names
    }

    /// The name of feature `f`.
    pub fn feature_name(&self, f: u32) -> &str {
        self.names.get(f as usize).map_or("", String::as_str)
    }
}

fn index_path(field: &str, i: usize) -> String {
    index(field, i)
}

/// Scales `e` to unit length (a zero vector stays zero), or says which entry is not finite.
/// The squared norm doubles as the finiteness check: it is finite exactly when every entry
/// is, unless the squares overflow, which the slow path handles in f64.
fn unit_length(e: &mut [f32]) -> Result<(), usize> {
    let squared = super::dot(e, e);
    if squared.is_finite() {
        if squared > 0.0 {
            // One division per vector, then multiplications: dividing every entry is slow.
            let inverse = 1.0 / squared.sqrt();
            e.iter_mut().for_each(|x| *x *= inverse);
        }
        return Ok(());
    }
    if let Some(k) = e.iter().position(|x| !x.is_finite()) {
        return Err(k);
    }
    let norm = e
        .iter()
        .map(|&x| f64::from(x) * f64::from(x))
        .sum::<f64>()
        .sqrt();
    e.iter_mut()
        .for_each(|x| *x = (f64::from(*x) / norm) as f32);
    Ok(())
}

fn finite(field: &str, values: &[f32]) -> Result<(), CatalogError> {
    // An exponent of all ones is an infinity or a NaN: an OR over the bits, without an early
    // exit, vectorizes; only a catalog that fails looks for where.
    const EXPONENT: u32 = 0x7f80_0000;
    let any_bad = values.iter().fold(0u32, |bad, x| {
        bad | u32::from(x.to_bits() & EXPONENT == EXPONENT)
    });
    if any_bad == 0 {
        return Ok(());
    }
    match values.iter().position(|x| !x.is_finite()) {
        Some(i) => Err(bad(index(field, i), "must be a finite number")),
        None => Ok(()),
    }
}

/// [`Catalog::prior`] from the items in baseline order (best first).
fn prior_of(raw: &[f32], order: &[u32]) -> Vec<f32> {
    let n = raw.len();
    let mut prior = vec![0.0f32; n];
    let mut start = 0;
    while start < n {
        let value = raw[order[start] as usize];
        let mut end = start + 1;
        while end < n && raw[order[end] as usize] == value {
            end += 1;
        }
        if start == 0 && end == n {
            break; // a flat baseline: no prior at all
        }
        // Ranks start..end (0-based) share their mid-rank, 1-based.
        let mid = (start + end + 1) as f64 / 2.0;
        // ln through log2, which the module already carries (the audit's discount).
        let p = ((n as f64 / mid).log2() * std::f64::consts::LN_2) as f32;
        for &i in &order[start..end] {
            prior[i as usize] = p;
        }
        start = end;
    }
    prior
}

/// Ranks the baseline (1 = best, ties by catalog order) and makes its prior.
fn rank_baseline(raw: &[f32]) -> (Vec<u32>, Vec<f32>) {
    // Keys whose integer order is the floats' descending order, sorted by a stable radix sort
    // (four passes of eight bits: linear, where a comparison sort of 100,000 items is not),
    // so equal baselines keep catalog order. Adding +0 turns -0 into +0: they are equal, and
    // their bits must tie too.
    let keys: Vec<u32> = raw
        .iter()
        .map(|&b| {
            let bits = (b + 0.0).to_bits();
            let ascending = if bits >> 31 == 1 {
                !bits
            } else {
                bits | 0x8000_0000
            };
            !ascending
        })
        .collect();
    let mut order: Vec<u32> = (0..raw.len() as u32).collect();
    let mut scratch = vec![0u32; raw.len()];
    for shift in [0, 8, 16, 24] {
        let mut counts = [0usize; 257];
        for &i in &order {
            counts[((keys[i as usize] >> shift) & 0xff) as usize + 1] += 1;
        }
        if counts[1..].contains(&order.len()) {
            continue; // every key has the same byte here: the pass would change nothing
        }
        for b in 1..257 {
            counts[b] += counts[b - 1];
        }
        for &i in &order {
            let slot = &mut counts[((keys[i as usize] >> shift) & 0xff) as usize];
            scratch[*slot] = i;
            *slot += 1;
        }
        std::mem::swap(&mut order, &mut scratch);
    }
    let mut rank = vec![0u32; raw.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i as usize] = r as u32 + 1;
    }
    let prior = prior_of(raw, &order);
    (rank, prior)
}

impl ItemSource for Catalog {
    fn visit_features(&self, item: &str, visit: &mut dyn FnMut(&str, f64)) -> bool {
        let Some(i) = self.position(item) else {
            return false;
        };
        for (f, v) in self.features_at(i) {
            visit(self.feature_name(f), f64::from(v));
        }
        true
    }

    fn embedding(&self, item: &str) -> Option<(u32, &[f32])> {
        let i = self.position(item)?;
        let e = self.embedding_at(i);
        // A zero row is an item without an embedding.
        e.iter().any(|&x| x != 0.0).then_some((i, e))
    }

    fn position(&self, item: &str) -> Option<u32> {
        Catalog::position(self, item)
    }
}
