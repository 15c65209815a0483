//! Typed errors, one enum per operation, each with a stable code.
//!
//! The codes are the contract with JS: `src/js/error.rs` turns every error into an
//! `OptinError` whose `code` is [`ErrorCode::code`]. Codes never change meaning once shipped.

use thiserror::Error;

/// Every error that crosses the JS boundary has a stable, kebab-case code.
pub trait ErrorCode {
    /// The stable code, e.g. `invalid-manifest`.
    fn code(&self) -> &'static str;
}

/// A value failed validation; `path` names the offending field (`modules[2].uses[0]`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{path}: {message}")]
pub struct FieldError {
    /// Where in the input the problem is, as a JS-style path.
    pub path: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl FieldError {
    /// A field error at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// The manifest given to `open` is invalid.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid manifest: {0}")]
pub struct ManifestError(pub FieldError);

impl ErrorCode for ManifestError {
    fn code(&self) -> &'static str {
        "invalid-manifest"
    }
}

/// The platform's secure random source failed: no record id, no report, rather than a
/// predictable one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("no secure random source is available")]
pub struct NoRandomness;

/// A consent decision could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConsentError {
    /// No module with this id is declared in the manifest.
    #[error("unknown module \"{0}\"")]
    UnknownModule(String),
    /// Essential modules are always on; they need no consent and cannot be revoked.
    #[error("module \"{0}\" is essential: it needs no consent and cannot be granted or revoked")]
    EssentialModule(String),
    /// No record id could be made (no secure random source); nothing changed.
    #[error(transparent)]
    NoRandomness(#[from] NoRandomness),
    /// Writing the decision to storage failed; nothing changed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ErrorCode for ConsentError {
    fn code(&self) -> &'static str {
        match self {
            Self::UnknownModule(_) => "unknown-module",
            Self::EssentialModule(_) => "essential-module",
            Self::NoRandomness(_) => "no-randomness",
            Self::Store(e) => e.code(),
        }
    }
}

/// Consent records given to `importConsent` were rejected as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ImportError {
    /// The records are malformed; nothing was applied.
    #[error("invalid consent import: {0}")]
    Invalid(FieldError),
    /// No record id could be made (no secure random source); nothing was applied.
    #[error(transparent)]
    NoRandomness(#[from] NoRandomness),
    /// Writing the merged records failed; nothing changed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ErrorCode for ImportError {
    fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid-consent-import",
            Self::NoRandomness(_) => "no-randomness",
            Self::Store(e) => e.code(),
        }
    }
}

/// Events given to `record` or `recordMany` were rejected (nothing was stored).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EventError {
    /// An event is invalid; the path names it (`events[3].at`).
    #[error("invalid event: {0}")]
    Invalid(FieldError),
    /// Writing failed; nothing changed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ErrorCode for EventError {
    fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid-event",
            Self::Store(e) => e.code(),
        }
    }
}

/// A catalog given to `setCatalog` or `setCatalogPacked` was rejected (the old one stays).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid catalog: {0}")]
pub struct CatalogError(pub FieldError);

impl ErrorCode for CatalogError {
    fn code(&self) -> &'static str {
        "invalid-catalog"
    }
}

/// `rank` or `preview` could not run.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RankError {
    /// A candidate id is not in the catalog.
    #[error("unknown item \"{0}\" (not in the catalog)")]
    UnknownItem(String),
    /// An option or argument is invalid.
    #[error("{0}")]
    Invalid(FieldError),
}

impl ErrorCode for RankError {
    fn code(&self) -> &'static str {
        match self {
            Self::UnknownItem(_) => "unknown-item",
            Self::Invalid(_) => "invalid-argument",
        }
    }
}

/// `privateReport` refused to make a report.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ReportError {
    /// The manifest declares no such metric.
    #[error("unknown metric \"{0}\"")]
    UnknownMetric(String),
    /// No module with `shares: true` is granted.
    #[error("no module that shares reports is granted")]
    ConsentRequired,
    /// The value is outside the metric's declared domain (never clamped: that would leak).
    #[error("invalid value: {0}")]
    InvalidValue(FieldError),
    /// This report would exceed the period's privacy budget.
    #[error(
        "privacy budget exhausted: {} of {} spent this period; it resets at {resets_at}",
        crate::validate::Num(*spent),
        crate::validate::Num(*limit)
    )]
    BudgetExhausted {
        /// Epsilon spent in the current period.
        spent: f64,
        /// The period's total.
        limit: f64,
        /// When the next period starts (ISO 8601).
        resets_at: String,
    },
    /// The platform has no secure random source: no report rather than a weak one.
    #[error("no secure random source is available")]
    NoRandomness,
    /// Storing the budget failed; no report was made.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ErrorCode for ReportError {
    fn code(&self) -> &'static str {
        match self {
            Self::UnknownMetric(_) => "unknown-metric",
            Self::ConsentRequired => "consent-required",
            Self::InvalidValue(_) => "invalid-value",
            Self::BudgetExhausted { .. } => "budget-exhausted",
            Self::NoRandomness => "no-randomness",
            Self::Store(e) => e.code(),
        }
    }
}

impl From<NoRandomness> for ReportError {
    fn from(_: NoRandomness) -> Self {
        Self::NoRandomness
    }
}

/// A store could not complete an operation. Whatever failed left the previous state intact.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StoreError {
    /// The browser refused to store more data.
    #[error("storage is full: {0}")]
    Full(String),
    /// The store was written by a newer version of optin; it is read-only here.
    #[error("storage was written by schema version {found}, newer than {supported}: read-only")]
    NewerSchema {
        /// The version found in storage.
        found: u32,
        /// The newest version this build understands.
        supported: u32,
    },
    /// Any other storage failure.
    #[error("storage failed: {0}")]
    Failed(String),
}

impl ErrorCode for StoreError {
    fn code(&self) -> &'static str {
        match self {
            Self::Full(_) => "storage-full",
            Self::NewerSchema { .. } => "storage-read-only",
            Self::Failed(_) => "storage-failed",
        }
    }
}

/// `open` failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OpenError {
    /// The manifest is invalid.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// The store could not be opened at all.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ErrorCode for OpenError {
    fn code(&self) -> &'static str {
        match self {
            Self::Manifest(e) => e.code(),
            Self::Store(e) => e.code(),
        }
    }
}
