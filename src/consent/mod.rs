//! Consent: per-module state derived from an append-only log of consent records.
//!
//! Invariants (tested in `tests.rs` and `tests/consent_properties.rs`):
//! - the state of every module is [`derive_state`] of the records, the manifest and the
//!   clock, nothing else: reopening from the stored records gives the same states;
//! - records are only ever appended; `records()` is oldest first;
//! - an optional module is `Granted` only if its last readable record is a `given` for the
//!   current notice hash, not expired, and no unreadable record follows it (fail closed);
//! - under Global Privacy Control a sharing module is granted only by an explicit `grant`.

mod import;
mod ledger;
mod metrics;
mod notice;
mod record;

#[cfg(test)]
mod tests;

pub use import::{parse_record, parse_records, plan_merge, ImportSummary, MergeContext};
pub use ledger::{derive_state, orphaned_categories, Ledger};
pub use metrics::{compute as compute_metrics, ConsentMetrics, ModuleConsentMetrics};
pub use notice::notice_hash;
pub use record::{ConsentEvent, ConsentRecord, Method};

use serde::Serialize;

/// Whether a module may use the user's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ConsentState {
    /// The user granted the module (or it is essential).
    Granted,
    /// The user has not granted it, withdrew, or the grant expired.
    NotGranted,
    /// The module's declaration changed since the user granted it: off until granted again.
    Invalidated,
}

impl ConsentState {
    /// Whether the module may run and use data.
    pub fn is_on(self) -> bool {
        self == Self::Granted
    }
}
