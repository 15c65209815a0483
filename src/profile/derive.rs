//! Deriving the profile from the stored events.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::log::{EventLog, StoredEvent};
use crate::consent::ConsentState;
use crate::manifest::{Manifest, ModuleDecl, Signal};
use crate::time::{Millis, DAY_MS};

/// Public item data the profile may use: features and embeddings from the catalog.
pub trait ItemSource {
    /// The item's features, if the catalog has the item.
    fn features(&self, item: &str) -> Option<&[(String, f64)]>;
    /// The item's embedding, if any.
    fn embedding(&self, item: &str) -> Option<&[f32]>;
}

/// No catalog: events' own features only.
pub struct NoItems;

impl ItemSource for NoItems {
    fn features(&self, _: &str) -> Option<&[(String, f64)]> {
        None
    }
    fn embedding(&self, _: &str) -> Option<&[f32]> {
        None
    }
}

/// One learned interest.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeatureWeight {
    /// The feature, e.g. `topic:science`.
    pub feature: String,
    /// Its decayed weight (negative: the user dislikes it).
    pub weight: f64,
    /// How many stored events contributed.
    pub events: usize,
}

/// What one granted module derived.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModuleProfile {
    /// The module.
    pub module: String,
    /// Its interests, strongest first.
    pub features: Vec<FeatureWeight>,
    /// The user embedding: the decayed mean of the embeddings of liked or used items.
    pub embedding: Option<Vec<f32>>,
    /// Items the user disliked (to push them and their neighbours down).
    pub disliked_items: Vec<String>,
    /// How many stored events it is derived from.
    pub events: usize,
}

/// The derived profile, per granted module that feeds a signal.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Profile {
    /// One entry per granted module with signals.
    pub modules: Vec<ModuleProfile>,
}

/// Derives the profile. Deterministic: the same events, blocks, states, items and clock give
/// the same profile, so recomputing after an erasure leaves nothing of the erased data.
pub fn derive(
    manifest: &Manifest,
    states: &BTreeMap<String, ConsentState>,
    log: &EventLog,
    blocked: &BTreeSet<String>,
    items: &dyn ItemSource,
    now: Millis,
) -> Profile {
    let modules = manifest
        .modules
        .iter()
        .filter(|m| !m.signals.is_empty() && states.get(&m.id).is_some_and(|s| s.is_on()))
        .map(|m| derive_module(m, log, blocked, items, now))
        .collect();
    Profile { modules }
}

/// The decay of an event of age `age_ms` that is the `rank`-th most recent (0 = newest).
pub fn decay(module: &ModuleDecl, age_ms: Millis, rank: usize) -> f64 {
    let age_days = age_ms.max(0) as f64 / DAY_MS as f64;
    let by_time = 0.5f64.powf(age_days / module.half_life_days);
    let by_count = module
        .half_life_interactions
        .map_or(1.0, |h| 0.5f64.powf(rank as f64 / h));
    by_time * by_count
}

fn derive_module(
    module: &ModuleDecl,
    log: &EventLog,
    blocked: &BTreeSet<String>,
    items: &dyn ItemSource,
    now: Millis,
) -> ModuleProfile {
    let mut events: Vec<&StoredEvent> = log
        .iter()
        .filter(|e| module.uses.contains(&e.category))
        .collect();
    // Newest first: the interaction-count half-life counts back from the latest event.
    events.sort_by(|a, b| b.at.cmp(&a.at).then(b.id.cmp(&a.id)));
    let mut weights: BTreeMap<&str, (f64, usize)> = BTreeMap::new();
    let wants_features = module.signals.contains(&Signal::Features);
    let wants_embedding = module.signals.contains(&Signal::Embedding);
    let mut embedding: Option<Vec<f64>> = None;
    let mut embedding_mass = 0.0;
    let mut disliked = BTreeSet::new();
    for (rank, e) in events.iter().enumerate() {
        let d = decay(module, now - e.at, rank) * e.weight;
        if e.weight < 0.0 {
            disliked.insert(e.item.clone());
        }
        if wants_features {
            let features = if e.features.is_empty() {
                items.features(&e.item).unwrap_or(&[])
            } else {
                &e.features
            };
            for (f, v) in features {
                if !blocked.contains(f) {
                    let w = weights.entry(f.as_str()).or_insert((0.0, 0));
                    w.0 += d * v;
                    w.1 += 1;
                }
            }
        }
        if wants_embedding && e.weight > 0.0 {
            if let Some(v) = items.embedding(&e.item) {
                let acc = embedding.get_or_insert_with(|| vec![0.0; v.len()]);
                if acc.len() == v.len() {
                    for (a, x) in acc.iter_mut().zip(v) {
                        *a += d * f64::from(*x);
                    }
                    embedding_mass += d;
                }
            }
        }
    }
    let mut features: Vec<FeatureWeight> = weights
        .into_iter()
        .filter(|(_, (w, _))| w.abs() > 1e-12 && w.is_finite())
        .map(|(f, (weight, events))| FeatureWeight {
            feature: f.to_owned(),
            weight,
            events,
        })
        .collect();
    features.sort_by(|a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then_with(|| a.feature.cmp(&b.feature))
    });
    let embedding = embedding
        .filter(|_| embedding_mass > 0.0)
        .map(|acc| acc.iter().map(|x| (x / embedding_mass) as f32).collect());
    ModuleProfile {
        module: module.id.clone(),
        features,
        embedding,
        disliked_items: disliked.into_iter().collect(),
        events: events.len(),
    }
}
