//! The core personalizer: one app's manifest and one user's consent and profile, over a store.
//!
//! Every change is planned first ([`Pending`]: a write batch and the effects to apply in
//! memory), committed by the caller, and applied only after the commit succeeded (see
//! `store`). The JS layer runs plan -> commit -> apply for one operation at a time, so a plan
//! is never applied to a state other than the one it was made from.

mod audit;
mod benefit;
mod commit;
mod consent_ops;
mod data;
mod event_ops;
mod in_force;
mod info;
mod load;
mod plan;
mod ranking;
mod reports;

pub use audit::{Audit, AuditOptions, Flag, GroupExposure, PersonaAudit, RankingAudit};
pub use benefit::ModuleBenefit;
pub use commit::Sealed;
pub use data::{CategoryInventory, EventView, ExportData, ForgetRequest, ForgetSummary, Inventory};
pub use event_ops::{RecordOutcome, RecordSummary};
pub use info::{CategoryInfo, ConsentChange, Health, ModuleInfo};
pub use plan::Pending;
pub use ranking::{Move, Preview, Sample, MAX_CANDIDATES};
pub use reports::{BudgetInfo, BudgetState, BUDGET_KEY};

use crate::sorted::{SortedMap, SortedSet};

use crate::consent::{ConsentMetrics, ConsentRecord, ConsentState, Ledger};
use crate::error::StoreError;
use crate::ids::IdSource;
use crate::manifest::Manifest;
use crate::profile::{derive, EventLog, ItemSource, Profile};
use crate::store::fresh::Tags;
use crate::store::{Store, WriteBatch, SCHEMA_KEY, SCHEMA_VERSION};
use crate::time::Millis;

/// Key of the number of consent records in schema 1 (read, then deleted by the upgrade: the
/// head of schema 2 lists every record).
pub const CONSENT_HEAD_KEY: &str = "meta/consent-head";
/// Key of the next event id.
pub const NEXT_EVENT_KEY: &str = "meta/next-event";
/// Key of the user's blocked features.
pub const BLOCKS_KEY: &str = "blocks";
/// The benefit check's measurements, per module (see `benefit.rs`).
pub const BENEFIT_KEY: &str = "benefit";
/// Default cap of stored events per data category.
pub const DEFAULT_MAX_EVENTS_PER_CATEGORY: usize = 5000;
/// The storage namespace when the app names none (one database per namespace).
pub const DEFAULT_NAMESPACE: &str = "default";

/// How the personalizer is opened.
#[derive(Debug, Clone)]
pub struct OpenConfig {
    /// The locale notices are shown in (records carry it).
    pub locale: String,
    /// Whether Global Privacy Control is on.
    pub gpc: bool,
    /// The clock at open.
    pub now: Millis,
    /// Most events kept per data category; the oldest go first.
    pub max_events_per_category: usize,
}

impl OpenConfig {
    /// A config with the default cap.
    pub fn new(locale: impl Into<String>, gpc: bool, now: Millis) -> Self {
        Self {
            locale: locale.into(),
            gpc,
            now,
            max_events_per_category: DEFAULT_MAX_EVENTS_PER_CATEGORY,
        }
    }
}

/// The core state of one opened instance.
pub struct Personalizer {
    manifest: Manifest,
    notices: Vec<String>,
    ledger: Ledger,
    /// The storage sequence number of each record of `ledger`, in order.
    consent_seqs: Vec<u64>,
    /// Every stored key with the tag it carries: what the head says (see `store::fresh`).
    tags: Tags,
    /// What a revoke could not store yet (committed before the next batch), and the
    /// problem `health()` reports meanwhile.
    owed: Option<(WriteBatch, &'static str)>,
    views: SortedMap<String, Millis>,
    next_seq: u64,
    log: EventLog,
    next_event_id: u64,
    blocks: SortedSet<String>,
    /// What the benefit check measured, per module (stored; see `benefit.rs`).
    benefit: SortedMap<String, crate::rank::benefit::Benefit>,
    dropped: SortedMap<String, u64>,
    unreadable: Vec<String>,
    schema_written: bool,
    read_only: Option<StoreError>,
    problems: Vec<String>,
    locale: String,
    gpc: bool,
    max_events_per_category: usize,
    ids: Box<dyn IdSource>,
    catalog: crate::rank::Catalog,
    /// Bumped by every applied change; keys the ranking-profile cache.
    version: u64,
    rank_cache: Option<ranking::RankCache>,
    /// The derived profile, kept up to date as events arrive (see `profile::ProfileCache`);
    /// a `RefCell` because reads (`&self`, as the benefit check in a plan) bring it up to date.
    profile_cache: std::cell::RefCell<crate::profile::ProfileCache>,
    /// Bumped when the catalog is replaced / the ranking profile is rebuilt: tells the JS
    /// layer that names it cached for packed results are stale.
    catalog_stamp: u64,
    rank_stamp: u64,
    /// Scratch space for one score per catalog item, reused across `rank` calls.
    scores: Vec<f32>,
    budget: BudgetState,
}

impl Personalizer {
    /// Opens over the stored `entries` (sorted by key). Never fails on bad storage: what can't
    /// be read is reported by [`Personalizer::health`] and consent falls back to not granted.
    /// The returned plan records grants that lapsed while the app was closed and deletes
    /// expired data (promise 3).
    pub fn open(
        manifest: Manifest,
        entries: Vec<(String, Vec<u8>)>,
        config: OpenConfig,
        ids: Box<dyn IdSource>,
    ) -> (Self, Pending<Vec<ConsentChange>>) {
        let notices = manifest
            .modules
            .iter()
            .map(|m| crate::consent::notice_hash(&manifest, m))
            .collect();
        let loaded = load::read(entries);
        let mut p = Personalizer {
            manifest,
            notices,
            ledger: loaded.ledger,
            consent_seqs: loaded.consent_seqs,
            tags: loaded.tags,
            owed: None,
            views: loaded.views,
            next_seq: loaded.next_seq,
            next_event_id: loaded
                .next_event_id
                .max(loaded.log.max_id().map_or(0, |m| m + 1)),
            log: loaded.log,
            blocks: loaded.blocks,
            benefit: loaded.benefit,
            dropped: SortedMap::new(),
            unreadable: loaded.unreadable,
            schema_written: loaded.schema_written,
            read_only: loaded.read_only,
            problems: loaded.problems,
            locale: config.locale,
            gpc: config.gpc,
            max_events_per_category: config.max_events_per_category.max(1),
            ids,
            catalog: Default::default(),
            version: 0,
            catalog_stamp: 0,
            rank_stamp: 0,
            rank_cache: None,
            profile_cache: Default::default(),
            scores: Vec::new(),
            budget: loaded.budget,
        };
        p.report_distrusted_grants();
        let mut plan = p.plan_records(Vec::new(), config.now, false);
        if p.budget.period == i64::MIN {
            // An unreadable budget counts as spent until the current period ends (fail closed);
            // it is rewritten so, and reports resume at the next period boundary.
            if let Some(b) = p.manifest.privacy_budget {
                let repaired = BudgetState {
                    period: config
                        .now
                        .div_euclid(i64::from(b.period_days) * crate::time::DAY_MS),
                    spent: b.epsilon,
                };
                if p.read_only.is_none() {
                    plan.batch.put(BUDGET_KEY, plan::json(&repaired));
                }
                p.budget = repaired;
            }
        }
        if let Some(records) = loaded.legacy {
            // Schema 1: every record is rewritten, now tagged, before the open plan's own
            // changes (which may rewrite or delete some of them again).
            let mut upgrade = WriteBatch::default();
            for (key, value) in records {
                upgrade.put(key, value);
            }
            upgrade.delete(CONSENT_HEAD_KEY);
            upgrade.put(SCHEMA_KEY, SCHEMA_VERSION.to_string().into_bytes());
            upgrade.ops.append(&mut plan.batch.ops);
            plan.batch = upgrade;
        }
        (p, plan)
    }

    /// Opens and commits the open plan to `store` in one step (for synchronous stores).
    pub fn open_store(
        manifest: Manifest,
        store: &mut dyn Store,
        config: OpenConfig,
        ids: Box<dyn IdSource>,
    ) -> Result<Self, StoreError> {
        let (mut p, plan) = Self::open(manifest, store.load()?, config, ids);
        p.commit(store, plan)?;
        Ok(p)
    }

    /// The manifest in force.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The modules with their consent state, texts in `locale` (default: the instance's).
    pub fn modules(&self, locale: Option<&str>, now: Millis) -> Vec<ModuleInfo> {
        let locale = locale.unwrap_or(&self.locale);
        self.manifest
            .modules
            .iter()
            .zip(&self.notices)
            .map(|(m, notice)| {
                let state = self.ledger.state(&self.manifest, m, notice, now);
                let decided_at = self.ledger.last_for(&m.id).map(|r| r.time);
                ModuleInfo::new(
                    &self.manifest,
                    m,
                    notice,
                    state,
                    decided_at,
                    locale,
                    self.gpc && m.shares,
                )
            })
            .collect()
    }

    /// Consent state per module id.
    pub fn states(&self, now: Millis) -> SortedMap<String, ConsentState> {
        self.ledger.states(&self.manifest, &self.notices, now)
    }

    /// Every readable consent record, oldest first.
    pub fn consent_records(&self) -> &[ConsentRecord] {
        self.ledger.records()
    }

    /// Per-module consent metrics (stay on the device).
    pub fn consent_metrics(&self) -> ConsentMetrics {
        crate::consent::compute_metrics(&self.manifest, self.ledger.records(), &self.views)
    }

    /// The stored events.
    pub fn events(&self) -> &EventLog {
        &self.log
    }

    /// The features the user blocked.
    pub fn blocked_features(&self) -> &SortedSet<String> {
        &self.blocks
    }

    /// The profile derived from the events in force, for the granted modules.
    pub fn profile(&self, items: &dyn ItemSource, now: Millis) -> Profile {
        let states = self.states(now);
        let window = self.window(&states, now);
        derive(
            &self.manifest,
            &states,
            &self.log,
            &window,
            &self.blocks,
            items,
            now,
        )
    }

    /// [`Personalizer::profile`] with the catalog as the item source, read from the profile
    /// cache (equal to the full derivation up to rounding; see `profile::ProfileCache`).
    pub fn catalog_profile(&self, now: Millis) -> Profile {
        let states = self.states(now);
        let window = self.window(&states, now);
        self.derived(&states, &window, now).profile
    }

    /// Whether storage was read without problems, and what the problems were.
    pub fn health(&self) -> Health {
        let mut problems = self.problems.clone();
        problems.extend(self.owed.as_ref().map(|o| o.1.to_owned()));
        Health {
            ok: problems.is_empty(),
            problems,
        }
    }

    /// Whether Global Privacy Control is on.
    pub fn gpc(&self) -> bool {
        self.gpc
    }

    /// A health problem for each module whose grant is off only because a record after it
    /// is missing or unreadable: exactly where consent failed closed. It clears itself once
    /// the user decides about the module again.
    fn report_distrusted_grants(&mut self) {
        for m in self.manifest.modules.iter().filter(|m| !m.essential) {
            if self.ledger.grant_distrusted(&m.id) {
                self.problems.push(format!(
                    "consent to \"{}\" could not be verified (a later consent record is missing or unreadable): it is off until given again",
                    m.id
                ));
            }
        }
    }

    fn writable(&self) -> Result<(), StoreError> {
        self.read_only.clone().map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_audit;
#[cfg(test)]
mod tests_benefit;
#[cfg(test)]
mod tests_freshness;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests_freshness_props;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests_incremental_props;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests_load_order;
#[cfg(test)]
mod tests_profile;
#[cfg(test)]
mod tests_reports;
#[cfg(test)]
mod tests_time_gaps;
