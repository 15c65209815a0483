//! The consent ledger: the append-only records and the pure derivation of state from them.

use crate::sorted::SortedMap;

use super::record::{ConsentEvent, ConsentRecord, Method};
use super::ConsentState;
use crate::manifest::{Manifest, ModuleDecl};
use crate::time::Millis;

/// The state of `module` given the records (oldest first), the positions of unreadable
/// records (`gaps`: an unreadable record stood just before `records[g]`, or at the end when
/// `g == records.len()`), its current notice hash, and the clock.
pub fn derive_state(
    manifest: &Manifest,
    module: &ModuleDecl,
    notice: &str,
    records: &[ConsentRecord],
    gaps: &[usize],
    now: Millis,
) -> ConsentState {
    if module.essential {
        return ConsentState::Granted;
    }
    let Some(last) = records.iter().rposition(|r| r.module == module.id) else {
        return ConsentState::NotGranted;
    };
    let record = &records[last];
    match record.event {
        ConsentEvent::Withdrawn | ConsentEvent::Expired => ConsentState::NotGranted,
        ConsentEvent::Invalidated => ConsentState::Invalidated,
        ConsentEvent::Given => {
            // Fail closed: an unreadable record after this grant might have been a withdrawal.
            if gaps.iter().any(|&g| g > last) {
                ConsentState::NotGranted
            } else if record.notice_hash != notice {
                ConsentState::Invalidated
            } else if manifest
                .consent_expires_at(record.decided_at())
                .is_some_and(|end| now >= end)
            {
                ConsentState::NotGranted
            } else {
                ConsentState::Granted
            }
        }
    }
}

/// The records and what could not be read of them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ledger {
    records: Vec<ConsentRecord>,
    gaps: Vec<usize>,
}

impl Ledger {
    /// A ledger from stored entries in storage order; `Err` entries are unreadable records.
    pub fn from_entries(entries: impl IntoIterator<Item = Result<ConsentRecord, String>>) -> Self {
        let mut ledger = Self::default();
        for entry in entries {
            match entry {
                Ok(r) => ledger.records.push(r),
                Err(_) => ledger.gaps.push(ledger.records.len()),
            }
        }
        ledger
    }

    /// All readable records, oldest first.
    pub fn records(&self) -> &[ConsentRecord] {
        &self.records
    }

    /// How many stored records could not be read.
    pub fn unreadable(&self) -> usize {
        self.gaps.len()
    }

    /// Appends a record (the only way the ledger changes).
    pub fn push(&mut self, record: ConsentRecord) {
        self.records.push(record);
    }

    /// The last record about `module`, if any.
    pub fn last_for(&self, module: &str) -> Option<&ConsentRecord> {
        self.records.iter().rev().find(|r| r.module == module)
    }

    /// The last decision about `module`: its last record other than those optin writes itself
    /// when a grant lapses (which follow from the clock and the notice, on every device alike).
    pub fn last_decision(&self, module: &str) -> Option<&ConsentRecord> {
        self.records
            .iter()
            .rev()
            .find(|r| r.module == module && r.method != Method::System)
    }

    /// The state of one module.
    pub fn state(
        &self,
        manifest: &Manifest,
        module: &ModuleDecl,
        notice: &str,
        now: Millis,
    ) -> ConsentState {
        derive_state(manifest, module, notice, &self.records, &self.gaps, now)
    }

    /// The state of every module, by id.
    pub fn states(
        &self,
        manifest: &Manifest,
        notices: &[String],
        now: Millis,
    ) -> SortedMap<String, ConsentState> {
        // Inserted one by one: collecting into a SortedMap sorts first, and that sort alone
        // is ~5 KB of WebAssembly (see `crate::sort`).
        let mut states = SortedMap::new();
        for (m, n) in manifest.modules.iter().zip(notices) {
            states.insert(m.id.clone(), self.state(manifest, m, n, now));
        }
        states
    }

    /// Whether an unreadable or missing record follows `module`'s last readable one (or, when
    /// it has none, stands anywhere): then its true state is unknown.
    fn unknown(&self, module: &str) -> bool {
        match self.records.iter().rposition(|r| r.module == module) {
            Some(i) => self.gaps.iter().any(|&g| g > i),
            None => !self.gaps.is_empty(),
        }
    }

    /// Whether `module`'s last readable record is a grant whose state is unknown (so the grant
    /// is not trusted).
    pub fn grant_distrusted(&self, module: &str) -> bool {
        self.last_for(module)
            .is_some_and(|r| r.event == ConsentEvent::Given)
            && self.unknown(module)
    }

    /// The states that decide what to *delete*. A module whose state is unknown counts as
    /// granted here: its data is kept, within its retention, and unused (see
    /// [`Ledger::states`]) until the user decides again. Data is never erased because
    /// something couldn't be read.
    pub fn states_for_erasure(
        &self,
        manifest: &Manifest,
        notices: &[String],
        now: Millis,
    ) -> SortedMap<String, ConsentState> {
        let mut states = self.states(manifest, notices, now);
        for m in manifest
            .modules
            .iter()
            .filter(|m| !m.essential && self.unknown(&m.id))
        {
            states.insert(m.id.clone(), ConsentState::Granted);
        }
        states
    }

    /// Grants that no longer hold and have no record saying so yet: `(module index, event)`
    /// to record as `invalidated` (the notice changed) or `expired` (validity ran out).
    pub fn stale_grants(
        &self,
        manifest: &Manifest,
        notices: &[String],
        now: Millis,
    ) -> Vec<(usize, ConsentEvent)> {
        let mut out = Vec::new();
        for (i, (module, notice)) in manifest.modules.iter().zip(notices).enumerate() {
            let Some(last) = self.last_for(&module.id) else {
                continue;
            };
            if module.essential || last.event != ConsentEvent::Given {
                continue;
            }
            let expired = manifest
                .consent_expires_at(last.decided_at())
                .is_some_and(|end| now >= end);
            match self.state(manifest, module, notice, now) {
                ConsentState::Invalidated => out.push((i, ConsentEvent::Invalidated)),
                ConsentState::NotGranted if expired && last.notice_hash == *notice => {
                    out.push((i, ConsentEvent::Expired))
                }
                _ => {}
            }
        }
        out
    }
}

/// Data categories that lose their last granted user between two states: these must be erased.
pub fn orphaned_categories(
    manifest: &Manifest,
    before: &SortedMap<String, ConsentState>,
    after: &SortedMap<String, ConsentState>,
) -> Vec<String> {
    let on = |states: &SortedMap<String, ConsentState>, m: &ModuleDecl| {
        states.get(&m.id).copied().is_some_and(ConsentState::is_on)
    };
    manifest
        .data_categories
        .iter()
        .filter(|c| {
            let used = |states: &SortedMap<String, ConsentState>| {
                manifest
                    .modules
                    .iter()
                    .any(|m| on(states, m) && m.uses.contains(&c.id))
            };
            used(before) && !used(after)
        })
        .map(|c| c.id.clone())
        .collect()
}
