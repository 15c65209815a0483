//! The manifest: what the app declares about its personalization, validated on `open`.
//!
//! Every rejection names the field (`modules[2].uses[0]: unknown data category "gps"`).
//! Invariants established here and relied on everywhere else:
//! - ids are unique per kind and are [`crate::validate::is_identifier`]s;
//! - every `uses` entry names a declared data category;
//! - essential modules use no data category and do not share;
//! - a module that uses data feeds a signal or shares (private reports), so a grant never
//!   collects data that nothing uses;
//! - metrics exist only with a sharing module and a privacy budget that covers each metric.

mod parse;
mod text;

pub use text::{is_locale_tag, Text};

use crate::event::Event;
use crate::time::Millis;

/// The validated manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// The version of the app's privacy policy; part of every notice hash.
    pub policy_version: String,
    /// Who is responsible for the processing.
    pub controller: Controller,
    /// The categories of personal data the app may collect, in id order.
    pub data_categories: Vec<DataCategory>,
    /// The modules, in the manifest's order.
    pub modules: Vec<ModuleDecl>,
    /// What private reports may measure.
    pub metrics: Vec<MetricDecl>,
    /// The privacy budget shared by all metrics (required when there are metrics).
    pub privacy_budget: Option<PrivacyBudget>,
    /// Sample personas for the sandbox.
    pub samples: Vec<SamplePersona>,
    /// How long a grant stays valid before the user is asked again (`None`: until revoked).
    pub consent_validity_days: Option<u32>,
    /// Weight of the baseline prior in a personalized score (default [`DEFAULT_BASELINE_WEIGHT`]).
    pub baseline_weight: f64,
    /// How far items like the disliked ones are pushed down (default 1).
    pub dislike_weight: f64,
}

/// Ranking defaults. The score blends the baseline's prior (`ln(n / rank)`, spread 1 on
/// every catalog) with each module's feature and embedding affinities standardized by their
/// spread over the catalog, so a weight means the same whatever the popularity's shape and
/// however the site trained its embeddings (`crate::rank::RankProfile::build_weighted`).
/// Chosen with `examples/evaluate` on the validation split of MovieLens ml-latest-small
/// across its whole grid at once (five ways of training item embeddings × three popularity
/// shapes), by one rule: no cell below popularity, then the best mean over the grid. The
/// weight of the baseline prior in a personalized score,
pub const DEFAULT_BASELINE_WEIGHT: f64 = 1.0;
/// the weight of a module's standardized feature affinity (its embedding affinity weighs 1),
pub const DEFAULT_FEATURE_WEIGHT: f64 = 0.5;
/// and the interaction-count half-life: the last 4 interactions weigh half.
pub const DEFAULT_HALF_LIFE_INTERACTIONS: f64 = 4.0;

/// The controller: name and contact, shown in every notice.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Controller {
    /// Organisation or person.
    pub name: String,
    /// How to reach them (e-mail or URL).
    pub contact: String,
}

/// A category of personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataCategory {
    /// Its id, referenced by events and modules.
    pub id: String,
    /// Its name for people.
    pub label: Text,
    /// Special-category or otherwise sensitive data.
    pub sensitive: bool,
}

/// What a module feeds into the profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Signal {
    /// Decayed feature weights.
    Features,
    /// The user embedding.
    Embedding,
}

/// A module of personalization, switched on by the user.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleDecl {
    /// Its id.
    pub id: String,
    /// Short name.
    pub title: Text,
    /// What it does with the data, in plain language.
    pub purpose: Text,
    /// What the user gets.
    pub benefit: Text,
    /// The data categories it uses.
    pub uses: Vec<String>,
    /// How long its data is kept.
    pub retention_days: u32,
    /// Baseline modules: always on, no consent, no personal data.
    pub essential: bool,
    /// Which profile parts it feeds (never empty for a module that uses data and does not share).
    pub signals: Vec<Signal>,
    /// True only for the private-report module.
    pub shares: bool,
    /// Half-life of an event's weight in days (default 14).
    pub half_life_days: f64,
    /// Half-life in number of interactions: the last `n` events weigh half (default
    /// [`DEFAULT_HALF_LIFE_INTERACTIONS`]; `0` turns it off).
    pub half_life_interactions: Option<f64>,
    /// Weight of this module's feature affinity in the score (default [`DEFAULT_FEATURE_WEIGHT`]).
    pub feature_weight: f64,
    /// Weight of this module's embedding affinity in the score (default 1).
    pub embedding_weight: f64,
}

/// What a private report measures.
#[derive(Debug, Clone, PartialEq)]
pub enum MetricKind {
    /// Yes or no.
    Boolean,
    /// One of a fixed domain of values.
    Categorical {
        /// The values, in order.
        domain: Vec<String>,
    },
    /// A number in `[min, max]`.
    Numeric {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
}

/// A metric that private reports may measure.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricDecl {
    /// Its id.
    pub id: String,
    /// Its name for people.
    pub label: Option<Text>,
    /// Its type and domain.
    pub kind: MetricKind,
    /// Privacy loss of one report.
    pub epsilon: f64,
}

/// The total privacy loss allowed per period, across all metrics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrivacyBudget {
    /// Total epsilon per period.
    pub epsilon: f64,
    /// Length of a period in days.
    pub period_days: u32,
}

/// A sample persona for the sandbox preview.
#[derive(Debug, Clone, PartialEq)]
pub struct SamplePersona {
    /// Its id.
    pub id: String,
    /// Its name for people.
    pub label: Text,
    /// Its sample events.
    pub events: Vec<Event>,
}

impl MetricDecl {
    /// Parses one metric declaration (as in the manifest's `metrics`), for aggregators.
    pub fn from_json(v: &serde_json::Value) -> Result<Self, crate::error::FieldError> {
        parse::metric(v, "metric")
    }
}

impl Manifest {
    /// Parses and validates a manifest.
    pub fn from_json(v: &serde_json::Value) -> Result<Self, crate::error::ManifestError> {
        parse::manifest(v).map_err(crate::error::ManifestError)
    }

    /// The module with this id.
    pub fn module(&self, id: &str) -> Option<&ModuleDecl> {
        self.modules.iter().find(|m| m.id == id)
    }

    /// The data category with this id.
    pub fn category(&self, id: &str) -> Option<&DataCategory> {
        self.data_categories.iter().find(|c| c.id == id)
    }

    /// The metric with this id.
    pub fn metric(&self, id: &str) -> Option<&MetricDecl> {
        self.metrics.iter().find(|m| m.id == id)
    }

    /// Every locale any text is given in, sorted, for a language switch.
    pub fn locales(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .modules
            .iter()
            .flat_map(|m| {
                m.title
                    .locales()
                    .chain(m.purpose.locales())
                    .chain(m.benefit.locales())
            })
            .chain(self.data_categories.iter().flat_map(|c| c.label.locales()))
            .map(str::to_owned)
            .collect();
        crate::sort::sort(&mut all);
        all.dedup();
        all
    }

    /// How long a grant made at `at` stays valid, if grants expire.
    pub fn consent_expires_at(&self, at: Millis) -> Option<Millis> {
        self.consent_validity_days
            .map(|d| at.saturating_add(i64::from(d) * crate::time::DAY_MS))
    }
}

#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod tests_metrics;
#[cfg(test)]
mod tests_schema;
#[cfg(test)]
mod tests_signals;
