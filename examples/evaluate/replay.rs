//! Replays each user through the engine as an app would: a `Personalizer` per user, the
//! catalog set, the module granted, the training events recorded, the catalog ranked.

use optin::event::Event;
use optin::ids::SequentialIds;
use optin::manifest::Manifest;
use optin::personalizer::{OpenConfig, Personalizer};
use optin::rank::{Catalog, ExposureConstraint, RankOptions};
use optin::store::MemoryStore;
use serde_json::json;

use crate::data::{Data, Histories};
use crate::metrics::K_RECALL;

/// The engine's knobs as manifest fields; `None` leaves a field out (the engine's default).
#[derive(Clone, Copy, Debug, Default, serde::Serialize)]
pub struct Config {
    pub half_life_interactions: Option<f64>,
    pub baseline_weight: Option<f64>,
    pub feature_weight: Option<f64>,
    pub embedding_weight: Option<f64>,
}

impl Config {
    /// The manifest an app would write: one module learning features and the embedding from
    /// what the user watched, kept ten years (the data spans decades).
    pub fn manifest(&self) -> Manifest {
        let mut module = json!({
            "id": "taste", "title": "Taste", "purpose": "Learns what you like, on this device.",
            "benefit": "Things for you.", "uses": ["watching"], "retentionDays": 3650,
            "signals": ["features", "embedding"],
        });
        let mut root = json!({
            "policyVersion": "eval", "controller": {"name": "eval", "contact": "eval@example.com"},
            "dataCategories": {"watching": {"label": "What you used"}},
        });
        if let Some(h) = self.half_life_interactions {
            module["halfLifeInteractions"] = json!(h);
        }
        if let Some(w) = self.feature_weight {
            module["featureWeight"] = json!(w);
        }
        if let Some(w) = self.embedding_weight {
            module["embeddingWeight"] = json!(w);
        }
        if let Some(w) = self.baseline_weight {
            root["baselineWeight"] = json!(w);
        }
        root["modules"] = json!([module]);
        Manifest::from_json(&root).unwrap_or_else(|e| panic!("evaluation manifest: {e}"))
    }
}

pub const CATEGORY: &str = "watching";

/// An event as an app records it.
pub fn event(data: &Data, item: usize, seconds: i64) -> Event {
    let v = json!({"category": CATEGORY, "kind": "view", "item": data.items[item], "at": seconds * 1000});
    Event::parse(&v, "event", &|c| c == CATEGORY).unwrap_or_else(|e| panic!("event: {e}"))
}

/// A fresh device for one user, the module granted and the catalog set.
pub fn device(
    manifest: &Manifest,
    catalog: Catalog,
    now: i64,
) -> Option<(Personalizer, MemoryStore)> {
    let mut store = MemoryStore::new();
    let mut config = OpenConfig::new("en", false, now);
    config.max_events_per_category = 100_000;
    let mut p = Personalizer::open_store(
        manifest.clone(),
        &mut store,
        config,
        Box::new(SequentialIds(1)),
    )
    .ok()?;
    p.set_catalog(catalog);
    let plan = p.plan_grant("taste", now).ok()?;
    p.commit(&mut store, plan).ok()?;
    Some((p, store))
}

/// Runs `per_user(thread's catalog, user index)` for every user on two threads.
pub fn for_users<T: Send>(
    catalog: &Catalog,
    users: usize,
    per_user: &(dyn Fn(&Catalog, usize) -> T + Sync),
) -> Vec<T> {
    let half = users / 2;
    let (first, second) = (catalog.clone(), catalog.clone());
    std::thread::scope(|s| {
        let a = s.spawn(move || (0..half).map(|u| per_user(&first, u)).collect::<Vec<_>>());
        let b: Vec<T> = (half..users).map(|u| per_user(&second, u)).collect();
        let mut a = a.join().unwrap_or_else(|_| panic!("replay thread"));
        a.extend(b);
        a
    })
}

pub fn rank_options(exposure: &ExposureConstraint) -> RankOptions {
    RankOptions {
        limit: K_RECALL,
        explain: false,
        diversity: 0.0,
        exclude_seen: true,
        exposure: exposure.clone(),
    }
}

/// The top items per user after recording their whole training history at once
/// (`recordMany`).
pub fn lists(
    config: &Config,
    catalog: &Catalog,
    train: &Histories,
    data: &Data,
    exposure: &ExposureConstraint,
) -> Vec<Vec<usize>> {
    let manifest = config.manifest();
    let options = rank_options(exposure);
    for_users(catalog, train.len(), &|catalog, u| {
        let history = &train[u];
        let now = history.last().map_or(0, |&(_, t)| t * 1000);
        let Some((mut p, mut store)) = device(&manifest, catalog.clone(), now) else {
            return Vec::new();
        };
        let events = history.iter().map(|&(i, t)| event(data, i, t)).collect();
        if let Ok(plan) = p.plan_record(events, now) {
            let _ = p.commit(&mut store, plan);
        }
        p.rank(None, &options, now)
            .map(|r| {
                r.iter()
                    .filter_map(|x| catalog.position(&x.id).map(|i| i as usize))
                    .collect()
            })
            .unwrap_or_default()
    })
}
