//! Turning many reports into unbiased estimates with error bars. State is sums only, so
//! aggregators merge by adding (any map-reduce or stream engine can run them).

use serde::Serialize;
use serde_json::Value;

use super::mechanism::{duchi_c, olh_hash, olh_params, oue_pq, rr_keep, Payload, MAX_UNARY_DOMAIN};
use crate::error::FieldError;
use crate::manifest::{MetricDecl, MetricKind};
use crate::validate::Num;
use crate::validate::{array, boolean, integer, known_keys, number, object, required, string};

/// One private report: what leaves the device.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The metric.
    pub metric: String,
    /// The privacy loss of this report.
    pub epsilon: f64,
    /// Mechanism and perturbed data.
    #[serde(flatten)]
    pub payload: Payload,
}

impl Report {
    /// Reads a report as `privateReport` made it (after any JSON round trip), refusing
    /// anything else, unknown fields included: an app that attaches, say, a user id to its
    /// reports gets an error at the aggregator instead of a server that quietly keeps it.
    /// Whether it fits a metric is [`Aggregator::add`]'s check.
    pub fn from_json(v: &Value) -> Result<Report, FieldError> {
        const PATH: &str = "report";
        let map = object(v, PATH)?;
        let metric = string(required(map, PATH, "metric")?, "report.metric", 256)?;
        let epsilon = number(required(map, PATH, "epsilon")?, "report.epsilon", 0.0, 1e6)?;
        let id = |key: &str| {
            let path = format!("report.{key}");
            integer(required(map, PATH, key)?, &path, 0, u64::from(u32::MAX)).map(|n| n as u32)
        };
        let payload =
            match string(required(map, PATH, "mechanism")?, "report.mechanism", 16)?.as_str() {
                "rr" => Payload::RandomizedResponse {
                    bit: boolean(required(map, PATH, "bit")?, "report.bit")?,
                },
                "oue" => {
                    let ones = array(
                        required(map, PATH, "ones")?,
                        "report.ones",
                        MAX_UNARY_DOMAIN,
                    )?;
                    let mut set = Vec::with_capacity(ones.len());
                    for (i, one) in ones.iter().enumerate() {
                        let path = crate::validate::index("report.ones", i);
                        set.push(integer(one, &path, 0, u64::from(u32::MAX))? as u32);
                    }
                    Payload::UnaryEncoding { ones: set }
                }
                "olh" => Payload::LocalHashing {
                    seed: id("seed")?,
                    value: id("value")?,
                },
                "duchi" => Payload::Duchi {
                    value: number(required(map, PATH, "value")?, "report.value", -1e300, 1e300)?,
                },
                _ => {
                    return Err(FieldError::new(
                        "report.mechanism",
                        "expected \"rr\", \"oue\", \"olh\" or \"duchi\"",
                    ))
                }
            };
        let mut fields = vec!["metric", "epsilon", "mechanism"];
        fields.extend(payload.field_names());
        known_keys(map, PATH, &fields)?;
        Ok(Report {
            metric,
            epsilon,
            payload,
        })
    }
}

/// The running sums of an aggregator.
#[derive(Debug, Clone, PartialEq)]
enum Sums {
    Ones(u64),
    Counts(Vec<u64>),
    Moments { sum: f64, sum_sq: f64 },
}

/// Aggregates the reports of one metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregator {
    metric: MetricDecl,
    n: u64,
    sums: Sums,
}

/// An estimate with its standard error and 95% confidence interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Interval {
    /// The unbiased estimate.
    pub estimate: f64,
    /// Its standard error.
    pub stderr: f64,
    /// estimate ± 1.96 standard errors.
    pub ci95: [f64; 2],
}

impl Interval {
    fn new(estimate: f64, variance: f64) -> Self {
        let stderr = variance.max(0.0).sqrt();
        Self {
            estimate,
            stderr,
            ci95: [estimate - 1.96 * stderr, estimate + 1.96 * stderr],
        }
    }
}

/// One value's estimated frequency.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Frequency {
    /// The value.
    pub value: String,
    /// Its estimated share of users, with error bars.
    #[serde(flatten)]
    pub interval: Interval,
}

/// What an aggregator estimates.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Estimate {
    /// The metric.
    pub metric: String,
    /// Reports aggregated.
    pub reports: u64,
    /// Boolean: the share of users for whom it is true. Numeric: the mean.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<Interval>,
    /// Categorical: the share of users per value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequencies: Option<Vec<Frequency>>,
}

fn bad(path: &str, message: impl Into<String>) -> FieldError {
    FieldError::new(path, message)
}

/// Whether a categorical domain of `d` values is reported by unary encoding.
pub fn uses_unary(d: usize) -> bool {
    d <= MAX_UNARY_DOMAIN
}

impl Aggregator {
    /// An empty aggregator for `metric`.
    pub fn new(metric: MetricDecl) -> Self {
        let sums = match &metric.kind {
            MetricKind::Boolean => Sums::Ones(0),
            MetricKind::Categorical { domain } => Sums::Counts(vec![0; domain.len()]),
            MetricKind::Numeric { .. } => Sums::Moments {
                sum: 0.0,
                sum_sq: 0.0,
            },
        };
        Self { metric, n: 0, sums }
    }

    /// The metric.
    pub fn metric(&self) -> &MetricDecl {
        &self.metric
    }

    /// Adds one report; a report of another metric, epsilon or mechanism is an error.
    pub fn add(&mut self, r: &Report) -> Result<(), FieldError> {
        if r.metric != self.metric.id {
            return Err(bad(
                "report.metric",
                format!(
                    "is \"{}\", this aggregator is for \"{}\"",
                    r.metric, self.metric.id
                ),
            ));
        }
        if (r.epsilon - self.metric.epsilon).abs() > 1e-12 {
            return Err(bad(
                "report.epsilon",
                format!(
                    "is {}, the metric's is {}",
                    Num(r.epsilon),
                    Num(self.metric.epsilon)
                ),
            ));
        }
        let eps = self.metric.epsilon;
        match (&mut self.sums, &r.payload, &self.metric.kind) {
            (Sums::Ones(ones), Payload::RandomizedResponse { bit }, MetricKind::Boolean) => {
                *ones += u64::from(*bit)
            }
            (
                Sums::Counts(counts),
                Payload::UnaryEncoding { ones },
                MetricKind::Categorical { domain },
            ) if uses_unary(domain.len()) => {
                // A client lists each set bit once, in ascending order: a repeated index would
                // count one report several times.
                let mut floor = 0;
                for &i in ones {
                    if i < floor || i as usize >= counts.len() {
                        return Err(bad(
                            "report.ones",
                            format!(
                                "must be distinct indices in ascending order below {}",
                                counts.len()
                            ),
                        ));
                    }
                    floor = i + 1;
                }
                for &i in ones {
                    counts[i as usize] += 1;
                }
            }
            (
                Sums::Counts(counts),
                Payload::LocalHashing { seed, value },
                MetricKind::Categorical { domain },
            ) if !uses_unary(domain.len()) => {
                let (g, _) = olh_params(eps);
                if *value >= g {
                    return Err(bad(
                        "report.value",
                        format!("{value} is outside the hash range {g}"),
                    ));
                }
                for (v, c) in counts.iter_mut().enumerate() {
                    *c += u64::from(olh_hash(*seed, v as u32, g) == *value);
                }
            }
            (
                Sums::Moments { sum, sum_sq },
                Payload::Duchi { value },
                MetricKind::Numeric { min, max },
            ) => {
                let (mid, half) = ((min + max) / 2.0, (max - min) / 2.0);
                let (c, unit) = (duchi_c(eps), (value - mid) / half);
                // A client reports mid ± half·C. Allowed: what a JSON round trip or another
                // platform's `exp` can change (a few ulps of the value, far below 1e-9 of C);
                // counted as exactly ±C, so an accepted report weighs what an honest one does.
                let slack = 1e-9 * c + 8.0 * f64::EPSILON * (mid.abs() + half * c) / half;
                let honest = (unit.abs() - c).abs() <= slack;
                if !honest {
                    return Err(bad(
                        "report.value",
                        "is not a report of this metric's mechanism",
                    ));
                }
                let unit = c.copysign(unit);
                *sum += unit;
                *sum_sq += unit * unit;
            }
            _ => {
                return Err(bad(
                    "report.mechanism",
                    "does not match the metric's type and domain",
                ))
            }
        }
        self.n += 1;
        Ok(())
    }

    /// Adds another aggregator's sums (same metric and epsilon).
    pub fn merge(&mut self, other: &Aggregator) -> Result<(), FieldError> {
        if other.metric != self.metric {
            return Err(bad("other", "aggregates another metric or epsilon"));
        }
        match (&mut self.sums, &other.sums) {
            (Sums::Ones(a), Sums::Ones(b)) => *a += b,
            (Sums::Counts(a), Sums::Counts(b)) => a.iter_mut().zip(b).for_each(|(x, y)| *x += y),
            (Sums::Moments { sum, sum_sq }, Sums::Moments { sum: s, sum_sq: q }) => {
                *sum += s;
                *sum_sq += q;
            }
            _ => return Err(bad("other", "aggregates another metric")),
        }
        self.n += other.n;
        Ok(())
    }

    /// Unbiased estimates with standard errors: the uncertainty the privacy noise adds to the
    /// values of the users who reported (from each mechanism's exact variance).
    pub fn estimate(&self) -> Estimate {
        let n = self.n.max(1) as f64;
        let eps = self.metric.epsilon;
        let mut out = Estimate {
            metric: self.metric.id.clone(),
            reports: self.n,
            mean: None,
            frequencies: None,
        };
        // No report, no estimate (not the noise's offset as if there were one).
        if self.n == 0 {
            return out;
        }
        match (&self.sums, &self.metric.kind) {
            (Sums::Ones(ones), _) => {
                let p = rr_keep(eps);
                let y = *ones as f64 / n;
                // The privacy noise: each report flips independently with p(1-p).
                out.mean = Some(Interval::new(
                    (y - (1.0 - p)) / (2.0 * p - 1.0),
                    p * (1.0 - p) / (n * (2.0 * p - 1.0).powi(2)),
                ));
            }
            (Sums::Counts(counts), MetricKind::Categorical { domain }) => {
                let (p, q) = if uses_unary(domain.len()) {
                    oue_pq(eps)
                } else {
                    let (g, keep) = olh_params(eps);
                    (keep, 1.0 / f64::from(g))
                };
                let freqs = counts
                    .iter()
                    .zip(domain)
                    .map(|(&c, value)| {
                        let f = (c as f64 / n - q) / (p - q);
                        let fc = f.clamp(0.0, 1.0);
                        let var = (fc * p * (1.0 - p) + (1.0 - fc) * q * (1.0 - q))
                            / (n * (p - q).powi(2));
                        Frequency {
                            value: value.clone(),
                            interval: Interval::new(f, var),
                        }
                    })
                    .collect();
                out.frequencies = Some(freqs);
            }
            (Sums::Moments { sum, sum_sq }, MetricKind::Numeric { min, max }) => {
                let (mid, half) = ((min + max) / 2.0, (max - min) / 2.0);
                let mean = sum / n;
                let var = (sum_sq / n - mean * mean).max(0.0) / n;
                out.mean = Some(Interval::new(mid + half * mean, half * half * var));
            }
            _ => {}
        }
        out
    }

    /// The standard error to expect from `n` reports at `epsilon`, in the worst case over true
    /// values (a share of 1/2 for booleans, a rare value for categories, a value at the range's
    /// centre for numbers): calibrate a metric before shipping it.
    pub fn expected_error(&self, n: u64, epsilon: f64) -> f64 {
        let n = n.max(1) as f64;
        match &self.metric.kind {
            MetricKind::Boolean => 0.5 / ((2.0 * rr_keep(epsilon) - 1.0) * n.sqrt()),
            MetricKind::Categorical { domain } => {
                let (p, q) = if uses_unary(domain.len()) {
                    oue_pq(epsilon)
                } else {
                    let (g, keep) = olh_params(epsilon);
                    (keep, 1.0 / f64::from(g))
                };
                (q * (1.0 - q) / (n * (p - q).powi(2))).sqrt()
            }
            MetricKind::Numeric { min, max } => (max - min) / 2.0 * duchi_c(epsilon) / n.sqrt(),
        }
    }
}
