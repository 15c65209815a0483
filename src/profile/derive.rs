//! Deriving the profile from the stored events.

use crate::sorted::{SortedMap, SortedSet};
use std::collections::HashMap;

use serde::Serialize;

use super::log::{EventLog, StoredEvent};
use super::window::Window;
use crate::consent::ConsentState;
use crate::manifest::{Manifest, ModuleDecl, Signal};
use crate::time::{Millis, DAY_MS};

/// Public item data the profile may use: features and embeddings from the catalog.
pub trait ItemSource {
    /// Calls `visit` with each feature of the item; false if the catalog lacks the item.
    fn visit_features(&self, item: &str, visit: &mut dyn FnMut(&str, f64)) -> bool;
    /// The item's embedding, if any, with a number that stands for the item in this source
    /// (its catalog position), so items can be grouped without comparing their ids.
    fn embedding(&self, item: &str) -> Option<(u32, &[f32])>;
    /// The item's position in the catalog, if it has one (what `excludeSeen` goes by).
    fn position(&self, _item: &str) -> Option<u32> {
        None
    }
}

/// No catalog: events' own features only.
pub struct NoItems;

impl ItemSource for NoItems {
    fn visit_features(&self, _: &str, _: &mut dyn FnMut(&str, f64)) -> bool {
        false
    }
    fn embedding(&self, _: &str) -> Option<(u32, &[f32])> {
        None
    }
}

/// Calls `visit` with the features of an event: its own, or else the catalog's for its item.
pub fn event_features(e: &StoredEvent, items: &dyn ItemSource, visit: &mut dyn FnMut(&str, f64)) {
    if e.features.is_empty() {
        items.visit_features(&e.item, visit);
    } else {
        for (f, v) in &e.features {
            visit(f, *v);
        }
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
    /// The data category that contributed most (for explanations).
    pub category: String,
}

/// An item the user interacted with recently, behind the user embedding.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecentItem {
    /// The item.
    pub item: String,
    /// Its decayed weight in the user embedding.
    pub weight: f64,
    /// The data category of the event.
    pub category: String,
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
    /// The mean embedding of disliked items (to push their neighbours down).
    #[serde(skip)]
    pub disliked_embedding: Option<Vec<f32>>,
    /// The heaviest items behind the user embedding (at most 20), heaviest first.
    pub recent_items: Vec<RecentItem>,
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

/// Derives the profile from the events of `log` in `window`. Deterministic: the same events,
/// blocks, states, items and clock give the same profile, so recomputing after an erasure
/// leaves nothing of the erased data.
pub fn derive(
    manifest: &Manifest,
    states: &SortedMap<String, ConsentState>,
    log: &EventLog,
    window: &Window<'_>,
    blocked: &SortedSet<String>,
    items: &dyn ItemSource,
    now: Millis,
) -> Profile {
    let modules = manifest
        .modules
        .iter()
        .filter(|m| !m.signals.is_empty() && states.get(&m.id).is_some_and(|s| s.is_on()))
        .map(|m| derive_module(m, log, window, blocked, items, now))
        .collect();
    Profile { modules }
}

/// The items of every event the modules of `profile` learn from (the events of the data
/// categories they use): what `excludeSeen` leaves out. By category, in log order; an item
/// may repeat.
///
/// Read from the log when a ranking needs it rather than kept in the profile: a heavy reader
/// has thousands of events, and sorting their items into a set at every derivation was a
/// quarter of the time of the first `rank` after a `record`.
pub fn seen_items<'a>(
    manifest: &'a Manifest,
    profile: &Profile,
    log: &'a EventLog,
    window: &Window<'_>,
) -> Vec<&'a str> {
    // Each category once, though several modules may learn from it.
    let mut categories: Vec<&str> = Vec::new();
    for m in profile
        .modules
        .iter()
        .filter_map(|mp| manifest.module(&mp.module))
    {
        for category in &m.uses {
            if !categories.contains(&category.as_str()) {
                categories.push(category);
            }
        }
    }
    let mut seen = Vec::new();
    for category in categories {
        seen.extend(
            window
                .events(log, Some(category))
                .into_iter()
                .map(|e| e.item.as_str()),
        );
    }
    seen
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

/// Most recent items kept for explanations.
const RECENT_ITEMS: usize = 20;

fn derive_module(
    module: &ModuleDecl,
    log: &EventLog,
    window: &Window<'_>,
    blocked: &SortedSet<String>,
    items: &dyn ItemSource,
    now: Millis,
) -> ModuleProfile {
    let mut events: Vec<&StoredEvent> = Vec::new();
    for category in &module.uses {
        events.extend(window.events(log, Some(category)));
    }
    // Newest first: the interaction-count half-life counts back from the latest event. The
    // log keeps each category's events in the order they were recorded, so reversed they are
    // (nearly) in order already, which the sort goes through in about one comparison each.
    events.reverse();
    crate::sort::sort_by(&mut events, |a, b| b.at.cmp(&a.at).then(b.id.cmp(&a.id)));
    // feature -> (weight, events, weight per data category in `module.uses` order). Looked up
    // before inserting, so a feature's name is allocated once, not once per event.
    let mut weights: HashMap<String, (f64, usize, Vec<f64>)> = HashMap::new();
    let categories = module.uses.len();
    let wants_features = module.signals.contains(&Signal::Features);
    let wants_embedding = module.signals.contains(&Signal::Embedding);
    let mut liked = Mean::default();
    let mut disliked_mean = Mean::default();
    // (item's number in `items`, item, weight, category of its newest event); merged per
    // item below. Grouped by the number: sorting thousands of ids as strings was the largest
    // part of a derivation.
    let mut per_item: Vec<(u32, &str, f64, &str)> = Vec::new();
    // Collected, then sorted once.
    let mut disliked = Vec::new();
    for (rank, e) in events.iter().enumerate() {
        let d = decay(module, now - e.at, rank) * e.weight;
        // Events here are all of categories the module uses (filtered above).
        let category = module
            .uses
            .iter()
            .position(|c| *c == e.category)
            .unwrap_or(0);
        if e.weight < 0.0 {
            disliked.push(e.item.as_str());
        }
        if wants_features {
            event_features(e, items, &mut |f, v| {
                if !blocked.contains(f) {
                    if !weights.contains_key(f) {
                        weights.insert(f.to_owned(), (0.0, 0, vec![0.0; categories]));
                    }
                    if let Some(w) = weights.get_mut(f) {
                        w.0 += d * v;
                        w.1 += 1;
                        if let Some(c) = w.2.get_mut(category) {
                            *c += (d * v).abs();
                        }
                    }
                }
            });
        }
        // "Never use this topic": an event about a blocked feature shapes no signal at all, so
        // what the user read about it doesn't come back through the embedding either.
        let about_blocked = !blocked.is_empty() && {
            let mut hit = false;
            event_features(e, items, &mut |f, _| hit |= blocked.contains(f));
            hit
        };
        if wants_embedding && !about_blocked {
            if let Some((key, v)) = items.embedding(&e.item) {
                if e.weight > 0.0 {
                    liked.add(v, d);
                    per_item.push((key, e.item.as_str(), d, e.category.as_str()));
                } else {
                    disliked_mean.add(v, -d);
                }
            }
        }
    }
    let mut features: Vec<FeatureWeight> = weights
        .into_iter()
        .filter(|(_, (w, _, _))| w.abs() > 1e-12 && w.is_finite())
        .map(|(feature, (weight, events, by_category))| FeatureWeight {
            feature,
            weight,
            events,
            category: by_category
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .and_then(|(c, _)| module.uses.get(c).cloned())
                .unwrap_or_default(),
        })
        .collect();
    crate::sort::sort_by(&mut features, |a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then_with(|| a.feature.cmp(&b.feature))
    });
    // Stable: within an item, events stay newest first, so the sums are the same as adding
    // them up in event order, and the category kept is the newest event's.
    crate::sort::sort_by(&mut per_item, |a, b| a.0.cmp(&b.0));
    let mut recent_items: Vec<RecentItem> = Vec::new();
    for (_, item, weight, category) in per_item {
        match recent_items.last_mut() {
            Some(last) if last.item == item => last.weight += weight,
            _ => recent_items.push(RecentItem {
                item: item.to_owned(),
                weight,
                category: category.to_owned(),
            }),
        }
    }
    crate::sort::sort_by(&mut recent_items, |a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then_with(|| a.item.cmp(&b.item))
    });
    recent_items.truncate(RECENT_ITEMS);
    ModuleProfile {
        module: module.id.clone(),
        features,
        embedding: liked.finish(),
        disliked_embedding: disliked_mean.finish(),
        recent_items,
        disliked_items: SortedSet::from_iter(disliked)
            .into_iter()
            .map(str::to_owned)
            .collect(),
        events: events.len(),
    }
}

/// A weighted mean of vectors of one length (others are ignored).
#[derive(Default)]
struct Mean {
    sum: Option<Vec<f64>>,
    mass: f64,
}

impl Mean {
    fn add(&mut self, v: &[f32], weight: f64) {
        let sum = self.sum.get_or_insert_with(|| vec![0.0; v.len()]);
        if sum.len() == v.len() && weight > 0.0 {
            for (a, x) in sum.iter_mut().zip(v) {
                *a += weight * f64::from(*x);
            }
            self.mass += weight;
        }
    }

    fn finish(self) -> Option<Vec<f32>> {
        let mass = self.mass;
        self.sum
            .filter(|_| mass > 0.0)
            .map(|s| s.iter().map(|x| (x / mass) as f32).collect())
    }
}
