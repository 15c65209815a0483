//! Consent operations: grant, revoke, import, notice views.

use serde_json::Value;

use super::plan::{json, Builder, Effect, Pending};
use super::{ConsentChange, Personalizer};
use crate::consent::{
    orphaned_categories, parse_records, plan_merge, ConsentEvent, ConsentRecord, ConsentState,
    ImportSummary, MergeContext, Method,
};
use crate::error::{ConsentError, ImportError, NoRandomness, StoreError};
use crate::profile::PageEditor;
use crate::store::{consent_key, WriteOp, VIEWS_KEY};
use crate::time::Millis;

impl Personalizer {
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
        let mut plan = self.plan_decision(module, ConsentEvent::Withdrawn, now)?;
        self.erase_first(&mut plan, module);
        Ok(plan)
    }

    fn plan_decision(
        &mut self,
        module: &str,
        event: ConsentEvent,
        now: Millis,
    ) -> Result<Pending<ConsentChange>, ConsentError> {
        self.writable()?;
        let index = self.module_index(module)?;
        let record = self.record(index, event, Method::Api, now)?;
        let mut plan = self.plan_records(vec![record], now, true);
        // The decision is the last change of the plan (lapsed grants, if any, come first).
        let change = plan
            .output
            .pop()
            .ok_or_else(|| ConsentError::UnknownModule(module.to_owned()))?;
        Ok(plan.map(|_| change))
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
        let (planned, summary) = plan_merge(&self.ledger, &imported, &cx, &mut || ids.next_id())?;
        Ok(self
            .plan_records(planned, now, true)
            .map(|changes| (summary, changes)))
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
            views.get_or_insert_with(id.clone(), || now);
        }
        let mut b = Builder::default();
        if views != self.views {
            b.put_json(VIEWS_KEY, &views);
        }
        self.housekeep_into(&mut b, now);
        if !b.batch.is_empty() {
            self.schema(&mut b);
        }
        b.effects.push(Effect::SetViews(views));
        Ok(b.finish(()))
    }

    pub(super) fn module_index(&self, id: &str) -> Result<usize, ConsentError> {
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
    ) -> Result<ConsentRecord, NoRandomness> {
        let record_id = self.ids.next_id()?;
        let module = &self.manifest.modules[index];
        let (locale, purpose) = module.purpose.resolve(&self.locale);
        Ok(ConsentRecord {
            record_id,
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
        })
    }

    /// Plans appending `records`, preceded by records for grants that lapsed (notice changed or
    /// validity ran out), then the housekeeping of the event log under the new states
    /// (erasure of categories nobody granted uses, retention, caps). A user `decision` also
    /// clears storage entries that could not be read (they are superseded by it).
    pub(super) fn plan_records(
        &mut self,
        records: Vec<ConsentRecord>,
        now: Millis,
        decision: bool,
    ) -> Pending<Vec<ConsentChange>> {
        let mut all = Vec::new();
        if self.read_only.is_none() {
            let stale = self.ledger.stale_grants(&self.manifest, &self.notices, now);
            for (index, event) in stale {
                // Without an id the record waits for a commit that can make one: the state
                // already follows from the clock and the notice, and the data goes anyway.
                if let Ok(record) = self.record(index, event, Method::System, now) {
                    all.push(record);
                }
            }
        }
        all.extend(records);
        let mut b = Builder::default();
        let mut changes = Vec::with_capacity(all.len());
        let mut ledger = self.ledger.clone();
        for (seq, record) in (self.next_seq..).zip(all.iter_mut()) {
            // One device never dates two decisions about a module alike (nor one before the
            // last, when the clock went back or an imported decision is dated ahead): its
            // order is then in the times, which every device reads alike (see `plan_merge`).
            if record.method == Method::Api {
                if let Some(last) = ledger.last_decision(&record.module) {
                    record.time = record.time.max(last.decided_at().saturating_add(1));
                }
            }
            let record = &*record;
            let mut before = ledger.states(&self.manifest, &self.notices, now);
            if record.method == Method::System {
                // A lapsing grant was in force until this record says otherwise.
                before.insert(record.module.clone(), ConsentState::Granted);
            }
            ledger.push(record.clone());
            let after = ledger.states(&self.manifest, &self.notices, now);
            let erased = orphaned_categories(&self.manifest, &before, &after);
            b.batch.put(consent_key(seq), json(record));
            let state_of = |s: &crate::sorted::SortedMap<String, ConsentState>| {
                s.get(&record.module)
                    .copied()
                    .unwrap_or(ConsentState::NotGranted)
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
            b.effects.push(Effect::AppendRecords(all));
            self.schema(&mut b);
        }
        if decision && !self.unreadable.is_empty() {
            for key in &self.unreadable {
                b.batch.ops.push(WriteOp::Delete(key.clone()));
            }
            b.effects.push(Effect::ForgetUnreadable);
        }
        if self.read_only.is_none() {
            let states = ledger.states_for_erasure(&self.manifest, &self.notices, now);
            let mut editor = PageEditor::new(&self.log);
            self.housekeep(&mut editor, &states, now);
            self.put_pages(&mut b, editor);
            // A module no longer on keeps no measurements either.
            self.put_benefit(&mut b, self.benefit_in_force(&states, now));
        }
        b.finish(changes)
    }

    /// Refuses writes to storage written by a newer schema.
    pub(super) fn check_writable(&self) -> Result<(), StoreError> {
        self.writable()
    }
}
