//! Plans: what to write, and what to apply in memory once it is written.

use crate::sorted::{SortedMap, SortedSet};

use super::{Personalizer, BLOCKS_KEY, NEXT_EVENT_KEY};
use crate::consent::{ConsentEvent, ConsentRecord};
use crate::profile::{page_key, PageEditor, StoredEvent};
use crate::store::{category_prefix, consent_key, WriteBatch, WriteOp, SCHEMA_KEY, SCHEMA_VERSION};
use crate::time::Millis;

/// One in-memory change, applied after its batch committed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Effect {
    AppendRecords(Vec<ConsentRecord>),
    SetViews(SortedMap<String, Millis>),
    EraseCategory(String),
    PutPage(String, u32, Vec<StoredEvent>),
    SetBlocks(SortedSet<String>),
    SetBenefit(SortedMap<String, crate::rank::benefit::Benefit>),
    SetDropped(SortedMap<String, u64>),
    SetNextEventId(u64),
    SetBudget(super::reports::BudgetState),
    ForgetUnreadable,
    SchemaWritten,
    ClearAll,
}

/// A planned change: [`Personalizer::seal`] it, commit what that returns, then
/// [`Personalizer::settle`] it.
#[derive(Debug)]
#[must_use = "a plan changes nothing until it is committed and applied"]
pub struct Pending<T> {
    /// What to write, atomically (untagged: sealing tags it).
    pub(crate) batch: WriteBatch,
    /// Deletions committed before `batch`, alone (a revoke's erasure); empty for most plans.
    pub(crate) erasure: WriteBatch,
    pub(crate) effects: Vec<Effect>,
    pub(crate) output: T,
}

impl<T> Pending<T> {
    /// What the change will report once applied.
    pub fn output(&self) -> &T {
        &self.output
    }

    /// The plan without its output, and the output.
    pub fn split(self) -> (Pending<()>, T) {
        (
            Pending {
                batch: self.batch,
                erasure: self.erasure,
                effects: self.effects,
                output: (),
            },
            self.output,
        )
    }

    /// The same plan with another output.
    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> Pending<U> {
        Pending {
            batch: self.batch,
            erasure: self.erasure,
            effects: self.effects,
            output: f(self.output),
        }
    }
}

/// Collects writes and effects for one plan.
#[derive(Default)]
pub(crate) struct Builder {
    pub batch: WriteBatch,
    pub effects: Vec<Effect>,
}

impl Builder {
    pub fn finish<T>(self, output: T) -> Pending<T> {
        Pending {
            batch: self.batch,
            erasure: WriteBatch::default(),
            effects: self.effects,
            output,
        }
    }

    /// Adds the pages an editor touched: whole-category erasures first, then page writes.
    pub fn pages(&mut self, editor: PageEditor<'_>) {
        let (erased, touched) = editor.into_touched();
        for c in erased {
            self.batch.delete_prefix(category_prefix(&c));
            self.effects.push(Effect::EraseCategory(c));
        }
        for ((category, page), events) in touched {
            let key = page_key(&category, page);
            if events.is_empty() {
                self.batch.ops.push(WriteOp::Delete(key));
            } else {
                self.batch.put(key, json(&events));
            }
            self.effects.push(Effect::PutPage(category, page, events));
        }
    }

    pub fn put_json<T: serde::Serialize>(&mut self, key: &str, value: &T) {
        self.batch.put(key, json(value));
    }
}

/// JSON bytes of a value. Our values always serialize; an empty record would fail closed.
pub(crate) fn json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

impl Personalizer {
    // Not generic, so the effects are compiled once rather than once per output type.
    pub(super) fn apply_effects(&mut self, effects: Vec<Effect>) {
        self.version += 1;
        for effect in effects {
            match effect {
                Effect::AppendRecords(records) => {
                    for r in records {
                        self.consent_seqs.push(self.next_seq);
                        self.next_seq += 1;
                        self.ledger.push(r);
                    }
                }
                Effect::SetViews(v) => self.views = v,
                Effect::EraseCategory(c) => {
                    self.profile_cache.get_mut().invalidate();
                    self.log.erase_category(&c);
                }
                Effect::PutPage(c, p, events) => {
                    self.note_page_change(&c, p, &events);
                    self.log.put_page(&c, p, events);
                }
                Effect::SetBlocks(b) => self.blocks = b,
                Effect::SetBenefit(b) => self.benefit = b,
                Effect::SetDropped(d) => self.dropped = d,
                Effect::SetNextEventId(n) => self.next_event_id = n,
                Effect::SetBudget(b) => self.budget = b,
                Effect::ForgetUnreadable => self.unreadable.clear(),
                Effect::SchemaWritten => self.schema_written = true,
                Effect::ClearAll => {
                    self.profile_cache.get_mut().invalidate();
                    self.ledger = Default::default();
                    self.consent_seqs.clear();
                    self.views.clear();
                    self.next_seq = 0;
                    self.log.clear();
                    self.next_event_id = 0;
                    self.blocks.clear();
                    self.benefit.clear();
                    self.dropped.clear();
                    self.budget = Default::default();
                    self.unreadable.clear();
                    self.problems.clear();
                    self.schema_written = false;
                }
            }
        }
    }

    /// Tells the profile cache which events a page write adds and removes (before it is
    /// applied: the old page still holds the removed ones).
    fn note_page_change(&mut self, category: &str, page: u32, events: &[StoredEvent]) {
        let cache = self.profile_cache.get_mut();
        if !cache.is_tracking() {
            return;
        }
        let old = self.log.page(category, page);
        let mut old_ids: Vec<u64> = old.iter().map(|e| e.id).collect();
        let mut new_ids: Vec<u64> = events.iter().map(|e| e.id).collect();
        crate::sort::sort(&mut old_ids);
        crate::sort::sort(&mut new_ids);
        for e in old {
            if new_ids.binary_search(&e.id).is_err() {
                cache.note(crate::profile::Change::Removed(e.clone()));
            }
        }
        for e in events {
            if old_ids.binary_search(&e.id).is_err() {
                cache.note(crate::profile::Change::Added(e.clone()));
            }
        }
    }

    /// Makes a revoke's erasure a commit of its own, before the rest: every deletion of the
    /// plan (the data it erases) and the withdrawn grant's record, which the plan's batch
    /// puts back before the withdrawal. Deleting frees space, so it is the write a full
    /// disk doesn't refuse; should the batch still fail, storage holds none of the erased
    /// data and reads as not granted (a missing record distrusts the grants before it).
    pub(super) fn erase_first<T>(&self, plan: &mut Pending<T>, module: &str) {
        let mut erasure = WriteBatch::default();
        let records = self.ledger.records();
        if let Some(i) = records.iter().rposition(|r| r.module == module) {
            if let (ConsentEvent::Given, Some(&seq)) = (records[i].event, self.consent_seqs.get(i))
            {
                let key = consent_key(seq);
                erasure.delete(key.clone());
                plan.batch
                    .ops
                    .insert(0, WriteOp::Put(key, json(&records[i])));
            }
        }
        erasure.ops.extend(
            plan.batch
                .ops
                .iter()
                .filter(|op| matches!(op, WriteOp::Delete(_) | WriteOp::DeletePrefix(_)))
                .cloned(),
        );
        plan.erasure = erasure;
    }

    /// Writes the schema marker with the first write.
    pub(crate) fn schema(&self, b: &mut Builder) {
        if !self.schema_written && !b.effects.contains(&Effect::SchemaWritten) {
            b.batch
                .put(SCHEMA_KEY, SCHEMA_VERSION.to_string().into_bytes());
            b.effects.push(Effect::SchemaWritten);
        }
    }

    /// Persists the user's blocked features (no record at all when there are none).
    pub(crate) fn put_blocks(&self, b: &mut Builder, blocks: SortedSet<String>) {
        if blocks.is_empty() {
            b.batch.delete(BLOCKS_KEY);
        } else {
            b.put_json(BLOCKS_KEY, &blocks);
        }
        b.effects.push(Effect::SetBlocks(blocks));
    }

    /// Updates the dropped-event counts, in memory only: storing them would keep, without
    /// consent, a trace that the user did something in a category (say, read about health).
    pub(crate) fn count_dropped(&self, b: &mut Builder, dropped: SortedMap<String, u64>) {
        b.effects.push(Effect::SetDropped(dropped));
    }

    /// Adds an editor's pages. When they leave no event at all, the event-id counter goes
    /// too: how many events were ever recorded is itself a trace of the erased data, and with
    /// no event left there is no id to keep distinct from.
    pub(crate) fn put_pages(&self, b: &mut Builder, editor: PageEditor<'_>) {
        let forget_counter = self.next_event_id != 0 && editor.leaves_no_events();
        b.pages(editor);
        if forget_counter {
            b.batch.delete(NEXT_EVENT_KEY);
            b.effects.push(Effect::SetNextEventId(0));
        }
    }

    /// Persists the next event id.
    pub(crate) fn put_next_event_id(&self, b: &mut Builder, next: u64) {
        b.batch.put(NEXT_EVENT_KEY, next.to_string().into_bytes());
        b.effects.push(Effect::SetNextEventId(next));
    }
}
