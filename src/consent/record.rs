//! The consent record, shaped after ISO/IEC TS 27560 and the W3C Data Privacy Vocabulary.

use serde::Serialize;

use crate::time::{to_iso, Millis};

/// What happened to the consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ConsentEvent {
    /// The user granted the module.
    Given,
    /// The module's declaration changed; the grant no longer applies.
    Invalidated,
    /// The grant outlived the manifest's `consentValidityDays`.
    Expired,
    /// The user withdrew (or declined).
    Withdrawn,
}

impl ConsentEvent {
    /// Whether the event turns a module off (a withdrawal or an expiry).
    pub fn is_off(self) -> bool {
        matches!(self, Self::Withdrawn | Self::Expired)
    }

    /// The name used in records.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Given => "given",
            Self::Invalidated => "invalidated",
            Self::Expired => "expired",
            Self::Withdrawn => "withdrawn",
        }
    }
}

/// How the record came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Method {
    /// An explicit call by the app on the user's behalf (`grant`, `revoke`).
    Api,
    /// Merged from another device by `importConsent`.
    Import,
    /// Applied by optin itself (expiry, invalidation after a manifest change).
    System,
}

/// One consent record. Append-only; never edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentRecord {
    /// Unique id (UUID v4).
    pub record_id: String,
    /// The module concerned.
    pub module: String,
    /// What happened.
    pub event: ConsentEvent,
    /// When, in milliseconds (serialized as ISO 8601 UTC).
    #[serde(serialize_with = "iso")]
    pub time: Millis,
    /// The policy version of the notice.
    pub policy_version: String,
    /// SHA-256 of the notice the user saw ([`super::notice_hash`]).
    pub notice_hash: String,
    /// The purpose as shown, in `locale`.
    pub purpose: String,
    /// The data categories the module uses.
    pub data_categories: Vec<String>,
    /// How long the module keeps data.
    pub retention_days: u32,
    /// How the record came about.
    pub method: Method,
    /// The locale the notice was shown in.
    pub locale: String,
    /// Whether the browser sent Global Privacy Control at the time.
    pub gpc: bool,
    /// For imported records: the id of the record on the other device.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_record_id: Option<String>,
    /// For imported records: when the decision was made on the other device.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "iso_opt")]
    pub source_time: Option<Millis>,
}

impl ConsentRecord {
    /// When the decision was made: on the other device for imported records.
    pub fn decided_at(&self) -> Millis {
        self.source_time.unwrap_or(self.time)
    }

    /// The decision the record carries: its own id, or for an imported record the id it has
    /// on the device that made it.
    pub fn decision_id(&self) -> &str {
        self.source_record_id.as_deref().unwrap_or(&self.record_id)
    }

    /// What decides between decisions about one module made in the same millisecond on
    /// different devices (one device never makes two: see `Personalizer::plan_records`): the
    /// greater wins, so a withdrawal or expiry wins, then the greater decision id. Every
    /// device reads it alike from the records alone.
    pub fn tie_key(&self) -> (bool, &str) {
        (self.event.is_off(), self.decision_id())
    }
}

fn iso<S: serde::Serializer>(ms: &Millis, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&to_iso(*ms))
}

fn iso_opt<S: serde::Serializer>(ms: &Option<Millis>, s: S) -> Result<S::Ok, S::Error> {
    match ms {
        Some(ms) => s.serialize_str(&to_iso(*ms)),
        None => s.serialize_none(),
    }
}
