//! Event operations: record, housekeeping (retention, caps), redress, erase everything.

use crate::sorted::SortedMap;

use serde::Serialize;

use super::data::{ForgetRequest, ForgetSummary};
use super::plan::{Builder, Effect, Pending};
use super::Personalizer;
use crate::consent::ConsentState;
use crate::error::{EventError, FieldError, StoreError};
use crate::event::Event;
use crate::profile::{PageEditor, StoredEvent};
use crate::store::WriteOp;
use crate::time::{Millis, DAY_MS};
use crate::validate::index;

/// What happened to one recorded event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordOutcome {
    /// Whether it was stored.
    pub stored: bool,
    /// Why not: `no-granted-module` (promise 1) or `expired` (older than retention allows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
}

/// What `recordMany` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordSummary {
    /// Events stored.
    pub stored: usize,
    /// Events dropped (and counted).
    pub dropped: usize,
}

impl Personalizer {
    /// The longest retention among granted modules using `category`, if any uses it.
    pub(super) fn retention_days(
        &self,
        category: &str,
        states: &SortedMap<String, ConsentState>,
    ) -> Option<u32> {
        self.manifest
            .modules
            .iter()
            .filter(|m| m.uses.iter().any(|c| c == category))
            .filter(|m| states.get(&m.id).is_some_and(|s| s.is_on()))
            .map(|m| m.retention_days)
            .max()
    }

    /// Promises 1 and 3 on the event log, under the *recorded* consent `states` (see
    /// `Ledger::states_for_erasure`): erase categories no granted module uses, delete
    /// events older than the longest retention of the granted modules using them, keep at
    /// most the cap per category (oldest out).
    pub(super) fn housekeep(
        &self,
        editor: &mut PageEditor<'_>,
        states: &SortedMap<String, ConsentState>,
        now: Millis,
    ) {
        let window = self.window(states, now);
        for c in &self.manifest.data_categories {
            let events = editor.events(&c.id);
            if events.is_empty() {
                continue;
            }
            let Some(cutoff) = window.since(&c.id) else {
                editor.erase_category(&c.id);
                continue;
            };
            let mut kept: Vec<(Millis, u64)> = events
                .iter()
                .filter(|e| e.at >= cutoff)
                .map(|e| (e.at, e.id))
                .collect();
            let mut evict_before = None;
            if kept.len() > self.max_events_per_category {
                crate::sort::sort(&mut kept);
                evict_before = kept.get(kept.len() - self.max_events_per_category).copied();
            }
            editor.remove_where(&c.id, &|e| {
                e.at < cutoff || evict_before.is_some_and(|first_kept| (e.at, e.id) < first_kept)
            });
        }
    }

    /// Plans recording events. Each is stored only if a granted module uses its category
    /// (otherwise dropped and counted); the whole call is rejected if any event is invalid.
    pub fn plan_record(
        &mut self,
        events: Vec<Event>,
        now: Millis,
    ) -> Result<Pending<Vec<RecordOutcome>>, EventError> {
        self.plan_record_with_paths(events, now, &|i| index("events", i))
    }

    /// Plans recording one event (`record()`): as `plan_record`, with errors about `event`
    /// rather than `events[0]`, the argument the app passed.
    pub fn plan_record_one(
        &mut self,
        event: Event,
        now: Millis,
    ) -> Result<Pending<Vec<RecordOutcome>>, EventError> {
        self.plan_record_with_paths(vec![event], now, &|_| "event".to_string())
    }

    fn plan_record_with_paths(
        &mut self,
        events: Vec<Event>,
        now: Millis,
        path: &dyn Fn(usize) -> String,
    ) -> Result<Pending<Vec<RecordOutcome>>, EventError> {
        self.check_writable()?;
        for (i, e) in events.iter().enumerate() {
            if e.at.is_some_and(|at| at > now.saturating_add(DAY_MS)) {
                return Err(EventError::Invalid(FieldError::new(
                    format!("{}.at", path(i)),
                    "lies more than a day in the future",
                )));
            }
        }
        let states = self.states(now);
        let mut editor = PageEditor::new(&self.log);
        let mut dropped = self.dropped.clone();
        let mut next_id = self.next_event_id;
        let mut outcomes = Vec::with_capacity(events.len());
        // What the benefit check measures: what the user chose (not what they disliked), the
        // last WINDOW of them (a bulk import keeps no copy of the rest).
        let mut measured = std::collections::VecDeque::new();
        let first_id = next_id;
        for e in events {
            let at = e.at.unwrap_or(now);
            let reason = match self.retention_days(&e.category, &states) {
                None => Some("no-granted-module"),
                Some(days) if at < now.saturating_sub(i64::from(days) * DAY_MS) => Some("expired"),
                Some(_) => None,
            };
            if let Some(reason) = reason {
                *dropped.get_or_insert_with(e.category.clone(), || 0) += 1;
                outcomes.push(RecordOutcome {
                    stored: false,
                    reason: Some(reason),
                });
                continue;
            }
            if e.weight > 0.0 {
                if measured.len() == crate::rank::benefit::WINDOW {
                    measured.pop_front();
                }
                measured.push_back(super::benefit::Measured {
                    id: next_id,
                    category: e.category.clone(),
                    item: e.item.clone(),
                    at,
                });
            }
            editor.append(StoredEvent {
                id: next_id,
                category: e.category,
                kind: e.kind,
                item: e.item,
                at,
                weight: e.weight,
                features: e.features,
            });
            next_id += 1;
            outcomes.push(RecordOutcome {
                stored: true,
                reason: None,
            });
        }
        let recorded = self
            .ledger
            .states_for_erasure(&self.manifest, &self.notices, now);
        self.housekeep(&mut editor, &recorded, now);
        let mut b = Builder::default();
        // Measured against the stored profile, or, if this write stores events before the
        // first measured one, against the log with those (a bulk import's history).
        let history = measured
            .front()
            .map(|m| m.id)
            .filter(|&first| first > first_id)
            .map(|first| editor.to_log(&|e| e.id < first));
        let benefit = self.measure(measured.make_contiguous(), history.as_ref(), &recorded, now);
        self.put_benefit(&mut b, benefit);
        self.put_pages(&mut b, editor);
        if next_id != self.next_event_id {
            self.put_next_event_id(&mut b, next_id);
        }
        if dropped != self.dropped {
            self.count_dropped(&mut b, dropped);
        }
        if !b.batch.is_empty() {
            self.schema(&mut b);
        }
        Ok(b.finish(outcomes))
    }

    /// Plans the user's correction: delete one event, several in one write, everything about an
    /// item, or block a feature for good (blocks are the user's choices and survive the
    /// erasure of data). Ids that are not stored (any more) delete nothing.
    pub fn plan_forget(
        &mut self,
        request: &ForgetRequest,
        now: Millis,
    ) -> Result<Pending<ForgetSummary>, StoreError> {
        self.check_writable()?;
        let mut b = Builder::default();
        let mut editor = PageEditor::new(&self.log);
        let mut summary = ForgetSummary {
            removed_events: 0,
            blocked: None,
        };
        let mut lost_events = Vec::new();
        for c in &self.manifest.data_categories {
            let removed = match request {
                ForgetRequest::Event(id) => editor.remove_where(&c.id, &|e| e.id == *id),
                ForgetRequest::Events(ids) => editor.remove_where(&c.id, &|e| ids.contains(&e.id)),
                ForgetRequest::Item(item) => editor.remove_where(&c.id, &|e| e.item == *item),
                ForgetRequest::Feature(_) => 0,
            };
            if removed > 0 {
                lost_events.push(c.id.as_str());
            }
            summary.removed_events += removed;
        }
        if let ForgetRequest::Feature(f) = request {
            let mut blocks = self.blocks.clone();
            blocks.insert(f.clone());
            self.put_blocks(&mut b, blocks);
            summary.blocked = Some(f.clone());
        }
        let recorded = self
            .ledger
            .states_for_erasure(&self.manifest, &self.notices, now);
        self.housekeep(&mut editor, &recorded, now);
        self.put_pages(&mut b, editor);
        // What the benefit check measured from a deleted event can't be told apart from the
        // rest of its module's evidence: a module that learns from a category that lost
        // events starts its evidence again, so nothing measured outlives what the user deleted.
        let mut benefit = self.benefit_in_force(&recorded, now);
        for m in &self.manifest.modules {
            if m.uses.iter().any(|c| lost_events.contains(&c.as_str())) {
                benefit.remove(&m.id);
            }
        }
        self.put_benefit(&mut b, benefit);
        self.schema(&mut b);
        Ok(b.finish(summary))
    }

    /// Plans the user's change of mind about a block: the feature is used again (from the
    /// events still stored; blocking deleted none). `false` if it was not blocked (then only
    /// what is no longer in force is deleted, as with every write).
    pub fn plan_unblock(
        &mut self,
        feature: &str,
        now: Millis,
    ) -> Result<Pending<bool>, StoreError> {
        self.check_writable()?;
        let mut b = Builder::default();
        let blocked = self.blocks.contains(feature);
        if blocked {
            let mut blocks = self.blocks.clone();
            blocks.remove(feature);
            self.put_blocks(&mut b, blocks);
        }
        self.housekeep_into(&mut b, now);
        if !b.batch.is_empty() {
            self.schema(&mut b);
        }
        Ok(b.finish(blocked))
    }

    /// Plans deleting everything: events, profile, consent, blocks, and the store's own keys.
    pub fn plan_erase_all(&mut self) -> Pending<()> {
        let mut b = Builder::default();
        b.batch.ops.push(WriteOp::Clear);
        b.effects.push(Effect::ClearAll);
        b.finish(())
    }
}
