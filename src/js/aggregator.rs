//! The exported `Aggregator` class: private reports in, unbiased estimates out. Runs in
//! browsers and in Node on a server; the same code is `optin::report::Aggregator` in Rust.

use wasm_bindgen::prelude::*;

use super::convert::{to_js_value, to_json, Limits};
use super::error::{optin_error, to_js};
use crate::manifest::MetricDecl;
use crate::report::{Aggregator as Core, Report};

/// Aggregates the private reports of one metric. The package's `Aggregator`
/// (`src/js/aggregator.js`) wraps it and reads every argument first.
#[wasm_bindgen(js_name = AggregatorCore)]
pub struct Aggregator {
    inner: Core,
}

fn invalid(e: crate::error::FieldError) -> JsValue {
    optin_error("invalid-report", &e.to_string())
}

#[wasm_bindgen(js_class = AggregatorCore)]
impl Aggregator {
    /// An aggregator for a metric, declared as in the manifest's `metrics`.
    ///
    /// ```ts
    /// const agg = new Aggregator({ id: "feed-helpful", type: "boolean", epsilon: 1 });
    /// ```
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "MetricDecl")] metric: JsValue,
    ) -> Result<Aggregator, JsValue> {
        let json = to_json(&metric, "metric", Limits::DOCUMENT).map_err(to_js)?;
        let decl = MetricDecl::from_json(&json)
            .map_err(|e| optin_error("invalid-argument", &e.to_string()))?;
        Ok(Aggregator {
            inner: Core::new(decl),
        })
    }

    /// Adds one report (as `privateReport` returned it).
    pub fn add(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Report")] report: JsValue,
    ) -> Result<(), JsValue> {
        let json = to_json(&report, "report", Limits::DOCUMENT).map_err(to_js)?;
        let report = Report::from_json(&json).map_err(invalid)?;
        self.inner.add(&report).map_err(invalid)
    }

    /// Adds another aggregator's counts (same metric), e.g. from another shard.
    pub fn merge(&mut self, other: &Aggregator) -> Result<(), JsValue> {
        self.inner.merge(&other.inner).map_err(invalid)
    }

    /// Unbiased estimates with standard errors and 95% confidence intervals.
    #[wasm_bindgen(unchecked_return_type = "Estimate")]
    pub fn estimate(&self) -> Result<JsValue, JsValue> {
        to_js_value(&self.inner.estimate())
    }

    /// The standard error to expect from `n` reports at `epsilon` (default: the metric's),
    /// to choose epsilon before shipping a metric.
    #[wasm_bindgen(js_name = expectedError)]
    pub fn expected_error(&self, n: f64, epsilon: Option<f64>) -> Result<f64, JsValue> {
        let eps = epsilon.unwrap_or(self.inner.metric().epsilon);
        if !(n.is_finite() && n >= 1.0 && eps.is_finite() && eps > 0.0) {
            return Err(optin_error(
                "invalid-argument",
                "expectedError: n >= 1 and epsilon > 0",
            ));
        }
        Ok(self.inner.expected_error(n as u64, eps))
    }
}
