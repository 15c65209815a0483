//! Consent metrics for the app's own privacy dashboard. They never leave the device.

use crate::sorted::SortedMap;

use serde::Serialize;

use super::record::{ConsentEvent, ConsentRecord, Method};
use crate::manifest::Manifest;
use crate::time::Millis;

/// Per-module counts and timings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModuleConsentMetrics {
    /// The module.
    pub module: String,
    /// `given` records (explicit or imported).
    pub grants: u32,
    /// `withdrawn` records.
    pub withdrawals: u32,
    /// Grants that followed a withdrawal, expiry or invalidation.
    pub regrants: u32,
    /// When the app first reported that the user saw this module's notice.
    pub first_viewed_at: Option<Millis>,
    /// When the user first decided (grant or withdrawal by the api).
    pub first_decided_at: Option<Millis>,
    /// Milliseconds from first view to first decision, if both are known.
    pub ms_to_first_decision: Option<Millis>,
}

/// Metrics for every optional module.
pub type ConsentMetrics = Vec<ModuleConsentMetrics>;

/// Computes the metrics from the records and the reported first views.
pub fn compute(
    manifest: &Manifest,
    records: &[ConsentRecord],
    views: &SortedMap<String, Millis>,
) -> ConsentMetrics {
    manifest
        .modules
        .iter()
        .filter(|m| !m.essential)
        .map(|m| {
            let mut out = ModuleConsentMetrics {
                module: m.id.clone(),
                ..Default::default()
            };
            let mut previous: Option<ConsentEvent> = None;
            for r in records.iter().filter(|r| r.module == m.id) {
                match r.event {
                    ConsentEvent::Given => {
                        out.grants += 1;
                        if previous.is_some_and(|p| p != ConsentEvent::Given) {
                            out.regrants += 1;
                        }
                    }
                    ConsentEvent::Withdrawn => out.withdrawals += 1,
                    _ => {}
                }
                if r.method == Method::Api && out.first_decided_at.is_none() {
                    out.first_decided_at = Some(r.time);
                }
                previous = Some(r.event);
            }
            out.first_viewed_at = views.get(&m.id).copied();
            out.ms_to_first_decision = match (out.first_viewed_at, out.first_decided_at) {
                (Some(v), Some(d)) if d >= v => Some(d - v),
                _ => None,
            };
            out
        })
        .collect()
}
