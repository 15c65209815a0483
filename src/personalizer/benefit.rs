//! The benefit check, run by the `Personalizer` (the measure itself is `rank::benefit`).
//!
//! When events are recorded, each one a granted module learns from is measured before it
//! updates the profile: where its item stood, among the items the user had not seen, in the
//! order that module's personal terms give at each strength, and in the baseline's. The
//! ranking then weighs each module's terms by the strength its evidence chose, and
//! `benefit()` reports the medians. Invariants:
//! - It is the user's measured data: stored encrypted with the rest (`benefit`), erased with
//!   `eraseAll`, and kept for a module only while the module is on (a revoke, a lapse or an
//!   invalidated notice drops it with the next write, and no read uses it meanwhile).
//! - Retention applies: a measurement is in force while the event it measured could be
//!   (the module's `retentionDays`); with none left, nothing of the module's is kept.
//! - `preview` never reads or writes it (the sandbox ranks at strength 1).

use serde::Serialize;

use super::plan::{Builder, Effect};
use super::{Personalizer, BENEFIT_KEY};
use crate::consent::ConsentState;
use crate::profile::EventLog;
use crate::rank::benefit::{positions, Benefit, START, WINDOW};
use crate::rank::{RankProfile, ScoreWeights};
use crate::sorted::SortedMap;
use crate::time::{Millis, DAY_MS};

/// What `benefit()` says about one module the user turned on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModuleBenefit {
    /// The module.
    pub module: String,
    /// Interactions measured (in force).
    pub measured: u32,
    /// Of the last `window` measured, the median position of what the user chose in this
    /// module's order (1 = first), or null before the first measurement…
    pub median_rank_personalized: Option<u32>,
    /// …and in the baseline's order.
    pub median_rank_baseline: Option<u32>,
    /// The strength of the module's personal terms the ranking uses now (0 = the baseline's
    /// order, 1 = as the manifest weighs it, up to 2).
    pub strength: f64,
    /// How many of the latest measurements the medians cover, at most.
    pub window: u32,
}

/// An event to measure: its category, item and time.
pub(super) struct Measured {
    /// The id the event is stored under.
    pub id: u64,
    pub category: String,
    pub item: String,
    pub at: Millis,
}

/// Reads the stored measurements (`[["module", measurement], ...]`, as `put_benefit` writes
/// them); `None` if the record is not that.
pub(super) fn read(bytes: &[u8]) -> Option<SortedMap<String, Benefit>> {
    let v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let mut out = SortedMap::new();
    for entry in v.as_array()? {
        let pair = entry.as_array().filter(|p| p.len() == 2)?;
        out.insert(pair[0].as_str()?.to_owned(), Benefit::from_json(&pair[1])?);
    }
    Some(out)
}

/// The stored form of the measurements (see [`read`]).
pub(super) fn write(benefit: &SortedMap<String, Benefit>) -> Vec<u8> {
    let mut out = String::from("[");
    for (k, (module, b)) in benefit.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        // Module ids are the manifest's identifiers (letters, digits, _ . : -): nothing to escape.
        out.push_str("[\"");
        out.extend(
            module
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':')),
        );
        out.push_str("\",");
        b.write_json(&mut out);
        out.push(']');
    }
    out.push(']');
    out.into_bytes()
}

impl Personalizer {
    /// The measurements in force under `states`: of modules on that feed a signal, from
    /// events within the module's retention.
    pub(super) fn benefit_in_force(
        &self,
        states: &SortedMap<String, ConsentState>,
        now: Millis,
    ) -> SortedMap<String, Benefit> {
        let mut out = SortedMap::new();
        for (module, b) in self.benefit.iter() {
            let Some(m) = self.manifest.module(module) else {
                continue;
            };
            if m.signals.is_empty() || !states.get(module).is_some_and(|s| s.is_on()) {
                continue;
            }
            let mut b = b.clone();
            b.retain_since(now.saturating_sub(i64::from(m.retention_days) * DAY_MS));
            if !b.is_empty() {
                out.insert(module.clone(), b);
            }
        }
        out
    }

    /// The strength of each module's personal terms for a ranking under `states`.
    pub(super) fn strengths(
        &self,
        states: &SortedMap<String, ConsentState>,
        now: Millis,
    ) -> SortedMap<String, f32> {
        let mut out = SortedMap::new();
        for (module, b) in self.benefit_in_force(states, now).iter() {
            out.insert(module.clone(), b.strength());
        }
        out
    }

    /// What the benefit check has measured, per module the user turned on that personalizes.
    pub fn benefit(&self, now: Millis) -> Vec<ModuleBenefit> {
        let states = self.states(now);
        let in_force = self.benefit_in_force(&states, now);
        self.manifest
            .modules
            .iter()
            .filter(|m| !m.essential && !m.signals.is_empty())
            .filter(|m| states.get(&m.id).is_some_and(|s| s.is_on()))
            .map(|m| {
                let summary = in_force.get(&m.id).map(Benefit::summary);
                ModuleBenefit {
                    module: m.id.clone(),
                    measured: summary.as_ref().map_or(0, |s| s.measured),
                    median_rank_personalized: summary
                        .as_ref()
                        .and_then(|s| s.median_rank_personalized),
                    median_rank_baseline: summary.as_ref().and_then(|s| s.median_rank_baseline),
                    strength: f64::from(summary.as_ref().map_or(START, |s| s.strength)),
                    window: WINDOW as u32,
                }
            })
            .collect()
    }

    /// Measures events about to be stored (the last [`WINDOW`] of them) against the profile
    /// before them, per granted module that learns from their category; returns the
    /// measurements to keep: those in force under `kept_states` plus the new ones.
    ///
    /// The profile before them is the cached one brought up to date (no derivation from
    /// every event) or, when the write holds events of its own before the measured ones (a
    /// bulk import), `history`: the log as the write leaves it with only the events before the
    /// first measured one, derived from every event. So an app that imports a user's history
    /// in one `recordMany` gets evidence from the user's latest choices too. (Measuring more
    /// of an import, in runs of [`WINDOW`] against the profile before each run, measured the
    /// same on ml-latest-small for up to three derivations per import; measuring the last 60
    /// against one profile, less: that profile is older than what it measures.)
    pub(super) fn measure(
        &self,
        events: &[Measured],
        history: Option<&EventLog>,
        kept_states: &SortedMap<String, ConsentState>,
        now: Millis,
    ) -> SortedMap<String, Benefit> {
        let mut map = self.benefit_in_force(kept_states, now);
        let events = &events[events.len().saturating_sub(WINDOW)..];
        if events.is_empty() || self.catalog.is_empty() {
            return map;
        }
        let states = self.states(now);
        let window = self.window(&states, now);
        let derived = match history {
            Some(log) => self.derived_from(log, &states, &window, now),
            None => self.derived(&states, &window, now),
        };
        let profile = &derived.profile;
        let weights = ScoreWeights::from_manifest(&self.manifest);
        let mut scratch = Vec::new();
        for mp in &profile.modules {
            let Some(m) = self.manifest.module(&mp.module) else {
                continue;
            };
            let mut mine = events
                .iter()
                .filter(|e| m.uses.contains(&e.category))
                .peekable();
            if mine.peek().is_none() {
                continue;
            }
            let only = |x: &str| if x == mp.module { 1.0 } else { 0.0 };
            let rp = RankProfile::build_weighted_seen(
                &self.manifest,
                profile,
                &self.catalog,
                derived.seen.clone(),
                &only,
            );
            for e in mine {
                let Some(item) = self.catalog.position(&e.item) else {
                    continue;
                };
                if let Some(at) = positions(&self.catalog, &rp, weights, item, &mut scratch) {
                    map.get_or_insert_with(mp.module.clone(), Benefit::default)
                        .observe(at, e.at);
                }
            }
        }
        map
    }

    /// Writes the measurements if they differ from what is stored (no record when empty).
    pub(super) fn put_benefit(&self, b: &mut Builder, benefit: SortedMap<String, Benefit>) {
        if benefit == self.benefit {
            return;
        }
        if benefit.is_empty() {
            b.batch.delete(BENEFIT_KEY);
        } else {
            b.batch.put(BENEFIT_KEY, write(&benefit));
        }
        b.effects.push(Effect::SetBenefit(benefit));
    }
}
