//! Data rights: what is held (inventory), all of it (export), why an interest (explain).

use crate::sorted::{SortedMap, SortedSet};

use serde::Serialize;

use super::Personalizer;
use crate::consent::{ConsentRecord, ConsentState};
use crate::profile::{ItemSource, Profile, StoredEvent};
use crate::time::{to_iso, Millis, DAY_MS};

/// What the user asks to forget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForgetRequest {
    /// One event, by id.
    Event(u64),
    /// Several events, by id, in one write: all of them go or (if the write fails) none.
    Events(SortedSet<u64>),
    /// Every event about one item.
    Item(String),
    /// A feature, blocked for good.
    Feature(String),
}

/// What `forget` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ForgetSummary {
    /// Events deleted.
    pub removed_events: usize,
    /// The feature now blocked, if one was.
    pub blocked: Option<String>,
}

/// An event as shown to the user.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    /// Its id (pass to `forget({ event })`).
    pub id: String,
    /// Data category.
    pub category: String,
    /// Kind.
    pub kind: String,
    /// Item.
    pub item: String,
    /// When (ISO 8601).
    pub at: String,
    /// Weight.
    pub weight: f64,
    /// Features it carried.
    #[serde(serialize_with = "features_object")]
    pub features: Vec<(String, f64)>,
}

/// An event's features as a JSON object (name -> weight), sorted by name. A map type would do
/// the same with one more instantiated collection in the module.
fn features_object<S: serde::Serializer>(
    features: &[(String, f64)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(features.len()))?;
    for (name, weight) in features {
        map.serialize_entry(name, weight)?;
    }
    map.end()
}

impl From<&StoredEvent> for EventView {
    fn from(e: &StoredEvent) -> Self {
        Self {
            id: e.id.to_string(),
            category: e.category.clone(),
            kind: e.kind.clone(),
            item: e.item.clone(),
            at: to_iso(e.at),
            weight: e.weight,
            features: {
                let mut features = e.features.clone();
                crate::sort::sort_by(&mut features, |a, b| a.0.cmp(&b.0));
                features
            },
        }
    }
}

/// What is held in one data category.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryInventory {
    /// The category.
    pub category: String,
    /// Its label in the instance's locale.
    pub label: String,
    /// Sensitive data.
    pub sensitive: bool,
    /// Events held.
    pub count: usize,
    /// The oldest event (ISO), if any.
    pub oldest: Option<String>,
    /// When the oldest event will be deleted (ISO), if any: never in the past, since reads
    /// leave out what is past its retention.
    pub delete_after: Option<String>,
    /// The retention in force (the longest of the granted modules using it, and of those whose
    /// consent could not be read, which keep their data unused), if any.
    pub retention_days: Option<u32>,
    /// The granted modules that use it.
    pub modules: Vec<String>,
    /// Events of this category dropped since open because no granted module used it
    /// (counted in memory only).
    pub dropped: u64,
}

/// Everything held, per category.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inventory {
    /// Per data category, in the manifest's order.
    pub categories: Vec<CategoryInventory>,
    /// Events held in all.
    pub total_events: usize,
    /// Features the user blocked.
    pub blocked_features: Vec<String>,
}

/// All that optin holds about the user, in a shape a person can read (see README).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportData {
    /// `optin-export/1`.
    pub format: &'static str,
    /// When (ISO).
    pub exported_at: String,
    /// Who is responsible.
    pub controller: crate::manifest::Controller,
    /// The policy version in force.
    pub policy_version: String,
    /// Consent state per module.
    pub consent_state: SortedMap<String, ConsentState>,
    /// Every consent record, oldest first.
    pub consent_records: Vec<ConsentRecord>,
    /// Every stored event, oldest first.
    pub events: Vec<EventView>,
    /// The profile derived from them.
    pub profile: Profile,
    /// Features the user blocked.
    pub blocked_features: Vec<String>,
    /// The inventory.
    pub inventory: Inventory,
    /// What the benefit check measured, per module turned on.
    pub benefit: Vec<super::ModuleBenefit>,
}

impl Personalizer {
    /// Per category: how much is held as of `now`, since when, until when, for which modules.
    pub fn inventory(&self, now: Millis) -> Inventory {
        let states = self.states(now);
        let kept = self
            .ledger
            .states_for_erasure(&self.manifest, &self.notices, now);
        let held = self.window(&kept, now);
        let mut total_events = 0;
        let categories = self
            .manifest
            .data_categories
            .iter()
            .map(|c| {
                let events = held.events(&self.log, Some(&c.id));
                let count = events.len();
                let oldest = events.iter().map(|e| e.at).min();
                total_events += count;
                let retention_days = self.retention_days(&c.id, &kept);
                CategoryInventory {
                    category: c.id.clone(),
                    label: c.label.resolve(&self.locale).1.to_owned(),
                    sensitive: c.sensitive,
                    count,
                    oldest: oldest.map(to_iso),
                    delete_after: oldest
                        .zip(retention_days)
                        .map(|(at, d)| to_iso(at.saturating_add(i64::from(d) * DAY_MS))),
                    retention_days,
                    modules: self
                        .manifest
                        .modules
                        .iter()
                        .filter(|m| {
                            m.uses.contains(&c.id) && states.get(&m.id).is_some_and(|s| s.is_on())
                        })
                        .map(|m| m.id.clone())
                        .collect(),
                    dropped: self.dropped.get(&c.id).copied().unwrap_or(0),
                }
            })
            .collect();
        Inventory {
            categories,
            total_events,
            blocked_features: self.blocks.iter().cloned().collect(),
        }
    }

    /// Everything held about the user as of `now`.
    pub fn export_data(&self, items: &dyn ItemSource, now: Millis) -> ExportData {
        let held = self.held(now);
        let mut events = held.events(&self.log, None);
        crate::sort::sort_by_key(&mut events, |e| (e.at, e.id));
        ExportData {
            format: "optin-export/1",
            exported_at: to_iso(now),
            controller: self.manifest.controller.clone(),
            policy_version: self.manifest.policy_version.clone(),
            consent_state: self.states(now),
            consent_records: self.ledger.records().to_vec(),
            events: events.into_iter().map(EventView::from).collect(),
            profile: self.profile(items, now),
            blocked_features: self.blocks.iter().cloned().collect(),
            inventory: self.inventory(now),
            benefit: self.benefit(now),
        }
    }

    /// The events held behind an interest, newest first: those whose features (their own, or
    /// the catalog's for their item) include `feature`.
    pub fn explain_interest(
        &self,
        feature: &str,
        items: &dyn ItemSource,
        now: Millis,
    ) -> Vec<EventView> {
        let held = self.held(now);
        let mut events = held.events(&self.log, None);
        events.retain(|e| {
            let mut found = false;
            crate::profile::event_features(e, items, &mut |f, _| found |= f == feature);
            found
        });
        crate::sort::sort_by(&mut events, |a, b| b.at.cmp(&a.at).then(b.id.cmp(&a.id)));
        events.into_iter().map(EventView::from).collect()
    }
}
