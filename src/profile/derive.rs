//! Deriving the profile from the stored events.

use crate::sorted::{SortedMap, SortedSet};

use serde::Serialize;

use super::log::{EventLog, StoredEvent};
use super::window::Window;
use crate::consent::ConsentState;
use crate::manifest::{Manifest, ModuleDecl};
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
/// leaves nothing of the erased data. Each module's sums are built as the profile cache
/// builds them (`incremental.rs`), so its rebuilds are this function.
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
        .map(|m| super::incremental::derive_module(m, log, window, blocked, items, now))
        .collect();
    Profile { modules }
}

/// The items of every event the modules of `profile` learn from (the events of the data
/// categories they use): what `excludeSeen` leaves out. By category, in log order; an item
/// may repeat.
///
/// Read from the log rather than kept in the profile; the ranking and the benefit check get
/// the same items, as catalog positions, from the profile cache (`incremental.rs`), which
/// counts them as events come and go.
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

/// The largest finite magnitude among `weights` (0 for none). Time decay scales every weight
/// of a module alike, so floors and conversions to f32 go relative to it: a user back after
/// years has weights of 2^-100 and less, and every interest still.
pub fn strongest(weights: impl Iterator<Item = f64>) -> f64 {
    weights
        .map(f64::abs)
        .filter(|w| w.is_finite())
        .fold(0.0, f64::max)
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
