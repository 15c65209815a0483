//! The core personalizer: one app's manifest and one user's consent, over a [`Store`].
//!
//! Every change is planned first ([`Pending`]: a write batch and what to apply in memory),
//! committed by the caller, and applied only after the commit succeeded (see `store`). The
//! JS layer runs plan -> commit -> apply without yielding between plan and apply, so a plan is
//! never applied to a state other than the one it was made from.

mod info;
mod load;

pub use info::{CategoryInfo, ConsentChange, Health, ModuleInfo};

use std::collections::BTreeMap;

use serde_json::Value;

use crate::consent::{
    compute_metrics, orphaned_categories, parse_records, plan_merge, ConsentEvent, ConsentMetrics,
    ConsentRecord, ImportSummary, Ledger, MergeContext, Method,
};
use crate::error::{ConsentError, ImportError, StoreError};
use crate::ids::IdSource;
use crate::manifest::Manifest;
use crate::store::{
    category_prefix, consent_key, Store, WriteBatch, SCHEMA_KEY, SCHEMA_VERSION, VIEWS_KEY,
};
use crate::time::Millis;

/// Key of the number of consent records ever written (detects a deleted last record).
pub const CONSENT_HEAD_KEY: &str = "meta/consent-head";

/// How the personalizer is opened.
#[derive(Debug, Clone)]
pub struct OpenConfig {
    /// The locale notices are shown in (records carry it).
    pub locale: String,
    /// Whether Global Privacy Control is on.
    pub gpc: bool,
    /// The clock at open.
    pub now: Millis,
}

/// A planned change: commit `batch`, then [`Personalizer::apply`] it.
#[derive(Debug)]
#[must_use = "a plan changes nothing until it is committed and applied"]
pub struct Pending<T> {
    /// What to write, atomically.
    pub batch: WriteBatch,
    records: Vec<ConsentRecord>,
    views: Option<BTreeMap<String, Millis>>,
    output: T,
}

impl<T> Pending<T> {
    /// What the change will report once applied.
    pub fn output(&self) -> &T {
        &self.output
    }
}

/// The core state of one opened instance.
pub struct Personalizer {
    manifest: Manifest,
    notices: Vec<String>,
    ledger: Ledger,
    views: BTreeMap<String, Millis>,
    next_seq: u64,
    schema_written: bool,
    read_only: Option<StoreError>,
    problems: Vec<String>,
    locale: String,
    gpc: bool,
    ids: Box<dyn IdSource>,
}

impl Personalizer {
    /// Opens over the stored `entries` (sorted by key). Never fails on bad storage: what can't
    /// be read is reported by [`Personalizer::health`] and consent falls back to not granted.
    /// The returned plan records grants that lapsed while the app was closed.
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
            views: loaded.views,
            next_seq: loaded.next_seq,
            schema_written: loaded.schema_written,
            read_only: loaded.read_only,
            problems: loaded.problems,
            locale: config.locale,
            gpc: config.gpc,
            ids,
        };
        let plan = p.plan_records(Vec::new(), config.now);
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

    /// Commits a plan to `store` and applies it.
    pub fn commit<T>(&mut self, store: &mut dyn Store, plan: Pending<T>) -> Result<T, StoreError> {
        if !plan.batch.is_empty() {
            store.commit(&plan.batch)?;
        }
        Ok(self.apply(plan))
    }

    /// Applies a plan whose batch has been committed.
    pub fn apply<T>(&mut self, plan: Pending<T>) -> T {
        if !plan.records.is_empty() || plan.views.is_some() {
            self.schema_written = true;
        }
        self.next_seq += plan.records.len() as u64;
        for r in plan.records {
            self.ledger.push(r);
        }
        if let Some(v) = plan.views {
            self.views = v;
        }
        plan.output
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
    pub fn states(&self, now: Millis) -> BTreeMap<String, crate::consent::ConsentState> {
        self.ledger.states(&self.manifest, &self.notices, now)
    }

    /// Every readable consent record, oldest first.
    pub fn consent_records(&self) -> &[ConsentRecord] {
        self.ledger.records()
    }

    /// Per-module consent metrics (stay on the device).
    pub fn consent_metrics(&self) -> ConsentMetrics {
        compute_metrics(&self.manifest, self.ledger.records(), &self.views)
    }

    /// Whether storage was read without problems, and what the problems were.
    pub fn health(&self) -> Health {
        Health {
            ok: self.problems.is_empty(),
            problems: self.problems.clone(),
        }
    }

    /// Whether Global Privacy Control is on.
    pub fn gpc(&self) -> bool {
        self.gpc
    }

    /// Plans an explicit grant of `module`.
    pub fn plan_grant(
        &mut self,
        module: &str,
        now: Millis,
    ) -> Result<Pending<ConsentChange>, ConsentError> {
        self.plan_decision(module, ConsentEvent::Given, now)
    }

    /// Plans a withdrawal (or a "no thanks") for `module`; its data is erased on commit.
    pub fn plan_revoke(
        &mut self,
        module: &str,
        now: Millis,
    ) -> Result<Pending<ConsentChange>, ConsentError> {
        self.plan_decision(module, ConsentEvent::Withdrawn, now)
    }

    fn plan_decision(
        &mut self,
        module: &str,
        event: ConsentEvent,
        now: Millis,
    ) -> Result<Pending<ConsentChange>, ConsentError> {
        self.writable()?;
        let index = self.module_index(module)?;
        let record = self.record(index, event, Method::Api, now);
        let mut plan = self.plan_records(vec![record], now);
        // The decision is the last change of the plan (lapsed grants, if any, come first).
        let change = plan
            .output
            .pop()
            .ok_or_else(|| ConsentError::UnknownModule(module.to_owned()))?;
        Ok(Pending {
            batch: plan.batch,
            records: plan.records,
            views: plan.views,
            output: change,
        })
    }

    /// Plans merging records exported on another device.
    pub fn plan_import(
        &mut self,
        records: &Value,
        now: Millis,
    ) -> Result<Pending<(ImportSummary, Vec<ConsentChange>)>, ImportError> {
        self.writable()?;
        let imported = parse_records(records, now).map_err(ImportError::Invalid)?;
        let cx = MergeContext {
            manifest: &self.manifest,
            notices: &self.notices,
            gpc: self.gpc,
            now,
        };
        let ids = &mut self.ids;
        let (planned, summary) = plan_merge(&self.ledger, &imported, &cx, &mut || ids.next_id());
        let plan = self.plan_records(planned, now);
        Ok(Pending {
            batch: plan.batch,
            records: plan.records,
            views: plan.views,
            output: (summary, plan.output),
        })
    }

    /// Plans noting that the user was shown these modules' notices (first view only counts).
    pub fn plan_notice_viewed(
        &mut self,
        modules: &[String],
        now: Millis,
    ) -> Result<Pending<()>, ConsentError> {
        self.writable()?;
        let mut views = self.views.clone();
        for id in modules {
            self.module_index(id)?;
            views.entry(id.clone()).or_insert(now);
        }
        let mut batch = WriteBatch::default();
        if views != self.views {
            let bytes =
                serde_json::to_vec(&views).map_err(|e| StoreError::Failed(e.to_string()))?;
            batch.put(VIEWS_KEY, bytes);
            self.schema_batch(&mut batch);
        }
        Ok(Pending {
            batch,
            records: Vec::new(),
            views: Some(views),
            output: (),
        })
    }

    fn writable(&self) -> Result<(), StoreError> {
        self.read_only.clone().map_or(Ok(()), Err)
    }

    fn module_index(&self, id: &str) -> Result<usize, ConsentError> {
        let index = self
            .manifest
            .modules
            .iter()
            .position(|m| m.id == id)
            .ok_or_else(|| ConsentError::UnknownModule(crate::validate::truncate(id, 80)))?;
        if self.manifest.modules[index].essential {
            return Err(ConsentError::EssentialModule(id.to_owned()));
        }
        Ok(index)
    }

    fn record(
        &mut self,
        index: usize,
        event: ConsentEvent,
        method: Method,
        now: Millis,
    ) -> ConsentRecord {
        let module = &self.manifest.modules[index];
        let (locale, purpose) = module.purpose.resolve(&self.locale);
        ConsentRecord {
            record_id: self.ids.next_id(),
            module: module.id.clone(),
            event,
            time: now,
            policy_version: self.manifest.policy_version.clone(),
            notice_hash: self.notices[index].clone(),
            purpose: purpose.to_owned(),
            data_categories: module.uses.clone(),
            retention_days: module.retention_days,
            method,
            locale: if locale.is_empty() {
                self.locale.clone()
            } else {
                locale.to_owned()
            },
            gpc: self.gpc,
            source_record_id: None,
            source_time: None,
        }
    }

    /// Plans appending `records`, preceded by records for grants that lapsed (notice changed or
    /// validity ran out), with the erasure of every data category that loses its last user.
    fn plan_records(
        &mut self,
        records: Vec<ConsentRecord>,
        now: Millis,
    ) -> Pending<Vec<ConsentChange>> {
        let mut all = Vec::new();
        if self.read_only.is_none() {
            let stale = self.ledger.stale_grants(&self.manifest, &self.notices, now);
            for (index, event) in stale {
                all.push(self.record(index, event, Method::System, now));
            }
        }
        all.extend(records);
        let mut batch = WriteBatch::default();
        let mut changes = Vec::with_capacity(all.len());
        let mut ledger = self.ledger.clone();
        let mut seq = self.next_seq;
        for record in &all {
            let mut before = ledger.states(&self.manifest, &self.notices, now);
            if record.method == Method::System {
                // A lapsing grant was in force until this record says otherwise.
                before.insert(record.module.clone(), crate::consent::ConsentState::Granted);
            }
            ledger.push(record.clone());
            let after = ledger.states(&self.manifest, &self.notices, now);
            let erased = orphaned_categories(&self.manifest, &before, &after);
            // A record always serializes; if it somehow did not, an empty record fails closed.
            batch.put(
                consent_key(seq),
                serde_json::to_vec(record).unwrap_or_default(),
            );
            seq += 1;
            let state_of = |s: &BTreeMap<_, _>| {
                s.get(&record.module)
                    .copied()
                    .unwrap_or(crate::consent::ConsentState::NotGranted)
            };
            changes.push(ConsentChange {
                module: record.module.clone(),
                previous_state: state_of(&before),
                state: state_of(&after),
                record: record.clone(),
                erased_categories: erased,
            });
        }
        if !all.is_empty() {
            batch.put(CONSENT_HEAD_KEY, seq.to_string().into_bytes());
            self.schema_batch(&mut batch);
            // Promise 1 as a storage invariant: no data of a category without a granted user.
            let states = ledger.states(&self.manifest, &self.notices, now);
            for c in &self.manifest.data_categories {
                let used = self.manifest.modules.iter().any(|m| {
                    m.uses.contains(&c.id) && states.get(&m.id).is_some_and(|s| s.is_on())
                });
                if !used {
                    batch.delete_prefix(category_prefix(&c.id));
                }
            }
        }
        Pending {
            batch,
            records: all,
            views: None,
            output: changes,
        }
    }

    fn schema_batch(&self, batch: &mut WriteBatch) {
        if !self.schema_written {
            batch.put(SCHEMA_KEY, SCHEMA_VERSION.to_string().into_bytes());
        }
    }
}

#[cfg(test)]
mod tests;
