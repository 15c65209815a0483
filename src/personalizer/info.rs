//! What the personalizer reports: module descriptions, consent changes, health.

use serde::Serialize;

use crate::consent::{ConsentRecord, ConsentState};
use crate::manifest::{Manifest, ModuleDecl, Signal};
use crate::time::{to_iso, Millis};

/// A data category as shown to the user.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryInfo {
    /// Its id.
    pub id: String,
    /// Its label in the requested locale.
    pub label: String,
    /// Whether it is sensitive.
    pub sensitive: bool,
}

/// A module's declaration and consent state, with texts in one locale.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModuleInfo {
    /// Its id.
    pub id: String,
    /// The locale the texts are in (after fallback; empty for plain texts).
    pub locale: String,
    /// Short name.
    pub title: String,
    /// What it does with the data.
    pub purpose: String,
    /// What the user gets.
    pub benefit: String,
    /// The data it uses.
    pub uses: Vec<CategoryInfo>,
    /// How long it keeps data.
    pub retention_days: u32,
    /// Always on, no consent needed.
    pub essential: bool,
    /// Sends private reports.
    pub shares: bool,
    /// Profile parts it feeds.
    pub signals: Vec<Signal>,
    /// Consent state.
    pub state: ConsentState,
    /// Fingerprint of this notice (what a grant applies to).
    pub notice_hash: String,
    /// When the last consent decision about it was recorded (ISO), if ever.
    pub decided_at: Option<String>,
    /// Whether Global Privacy Control applies: it can be turned on only by an explicit grant.
    pub gpc_applies: bool,
}

impl ModuleInfo {
    pub(super) fn new(
        manifest: &Manifest,
        m: &ModuleDecl,
        notice: &str,
        state: ConsentState,
        decided_at: Option<Millis>,
        locale: &str,
        gpc_applies: bool,
    ) -> Self {
        let (used_locale, title) = m.title.resolve(locale);
        Self {
            id: m.id.clone(),
            locale: used_locale.to_owned(),
            title: title.to_owned(),
            purpose: m.purpose.resolve(locale).1.to_owned(),
            benefit: m.benefit.resolve(locale).1.to_owned(),
            uses: m
                .uses
                .iter()
                .filter_map(|id| manifest.category(id))
                .map(|c| CategoryInfo {
                    id: c.id.clone(),
                    label: c.label.resolve(locale).1.to_owned(),
                    sensitive: c.sensitive,
                })
                .collect(),
            retention_days: m.retention_days,
            essential: m.essential,
            shares: m.shares,
            signals: m.signals.clone(),
            state,
            notice_hash: notice.to_owned(),
            decided_at: decided_at.map(to_iso),
            gpc_applies,
        }
    }
}

/// One change of consent, as reported by `grant`, `revoke`, `importConsent` and `onChange`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentChange {
    /// The module.
    pub module: String,
    /// Its state before.
    pub previous_state: ConsentState,
    /// Its state now.
    pub state: ConsentState,
    /// The record appended.
    pub record: ConsentRecord,
    /// Data categories that lost their last granted module and were erased.
    pub erased_categories: Vec<String>,
}

/// Whether storage was read cleanly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Health {
    /// No problems.
    pub ok: bool,
    /// What went wrong, in words.
    pub problems: Vec<String>,
}
