//! Private reports: local differential privacy, the only data that may leave the device.
//!
//! A report is made on the device from the true value with a mechanism chosen by the metric's
//! type and domain (see [`mechanism`]), spends the metric's epsilon from an on-device budget
//! that resets only at period boundaries, and is returned to the app, never sent. An
//! [`Aggregator`] (in Rust, or in JS on a server) turns many reports into unbiased estimates.

pub mod aggregate;
pub mod mechanism;
pub mod random;

pub use aggregate::{Aggregator, Estimate, Frequency, Interval, Report};
pub use random::{Randomness, SecureRandom, SeededRandom};

use serde_json::Value;

use crate::error::FieldError;
use crate::manifest::{MetricDecl, MetricKind};
use crate::validate::Num;

/// Makes a report of `value` (validated against the metric's domain: never clamped).
pub fn make_report(
    metric: &MetricDecl,
    value: &Value,
    rng: &mut dyn Randomness,
) -> Result<Report, FieldError> {
    let eps = metric.epsilon;
    let payload = match &metric.kind {
        MetricKind::Boolean => {
            let truth = value
                .as_bool()
                .ok_or_else(|| FieldError::new("value", "expected true or false"))?;
            mechanism::randomized_response(truth, eps, rng)
        }
        MetricKind::Categorical { domain } => {
            let v = value
                .as_str()
                .ok_or_else(|| FieldError::new("value", "expected one of the metric's values"))?;
            let index = domain.iter().position(|d| d == v).ok_or_else(|| {
                FieldError::new(
                    "value",
                    format!(
                        "\"{}\" is not in the metric's domain",
                        crate::validate::truncate(v, 80)
                    ),
                )
            })?;
            if aggregate::uses_unary(domain.len()) {
                mechanism::unary_encoding(index, domain.len(), eps, rng)
            } else {
                mechanism::local_hashing(index, eps, rng)
            }
        }
        MetricKind::Numeric { min, max } => {
            let x = value
                .as_f64()
                .filter(|x| x.is_finite())
                .ok_or_else(|| FieldError::new("value", "expected a number"))?;
            if x < *min || x > *max {
                return Err(FieldError::new(
                    "value",
                    format!(
                        "{} is outside the metric's range [{}, {}]",
                        Num(x),
                        Num(*min),
                        Num(*max)
                    ),
                ));
            }
            mechanism::duchi(x, *min, *max, eps, rng)
        }
    };
    Ok(Report {
        metric: metric.id.clone(),
        epsilon: eps,
        payload,
    })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
