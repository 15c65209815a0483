//! Private reports on top of consent: the metric's epsilon is spent from the on-device budget
//! in the same commit that precedes handing out the report.

use serde::Serialize;
use serde_json::Value;

use super::plan::{Builder, Effect, Pending};
use super::Personalizer;
use crate::error::ReportError;
use crate::report::{make_report, Randomness, Report};
use crate::time::{to_iso, Millis, DAY_MS};

/// Key of the privacy budget state.
pub const BUDGET_KEY: &str = "report/budget";

/// Epsilon spent in one budget period. Periods are fixed windows counted from the Unix epoch,
/// so the budget resets only at a period boundary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct BudgetState {
    /// The period number.
    pub period: i64,
    /// Epsilon spent in it.
    pub spent: f64,
}

/// What `privacyBudget()` tells the app.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BudgetInfo {
    /// Epsilon spent this period.
    pub spent: f64,
    /// The period's total.
    pub limit: f64,
    /// When the next period starts (ISO 8601).
    pub resets_at: String,
}

impl Personalizer {
    fn budget_now(&self, now: Millis) -> Option<(BudgetState, f64, Millis)> {
        let budget = self.manifest.privacy_budget?;
        let length = i64::from(budget.period_days) * DAY_MS;
        let period = now.div_euclid(length);
        let spent = if self.budget.period == period {
            self.budget.spent
        } else {
            0.0
        };
        Some((
            BudgetState { period, spent },
            budget.epsilon,
            (period + 1) * length,
        ))
    }

    /// The privacy budget of the current period, if the manifest declares metrics.
    pub fn privacy_budget(&self, now: Millis) -> Option<BudgetInfo> {
        self.budget_now(now)
            .map(|(state, limit, resets)| BudgetInfo {
                spent: state.spent,
                limit,
                resets_at: to_iso(resets),
            })
    }

    /// Plans a private report of `value` for `metric`: only while a sharing module is granted,
    /// only for declared metrics and values in their domain, only within the budget. The
    /// budget spend is committed before the report is handed out.
    pub fn plan_private_report(
        &mut self,
        metric: &str,
        value: &Value,
        now: Millis,
        rng: &mut dyn Randomness,
    ) -> Result<Pending<Report>, ReportError> {
        self.check_writable()?;
        let decl = self
            .manifest
            .metric(metric)
            .cloned()
            .ok_or_else(|| ReportError::UnknownMetric(crate::validate::truncate(metric, 80)))?;
        let states = self.states(now);
        let shares = self
            .manifest
            .modules
            .iter()
            .any(|m| m.shares && states.get(&m.id).is_some_and(|s| s.is_on()));
        if !shares {
            return Err(ReportError::ConsentRequired);
        }
        let (state, limit, resets) = self.budget_now(now).ok_or(ReportError::ConsentRequired)?;
        if state.spent + decl.epsilon > limit + 1e-9 {
            return Err(ReportError::BudgetExhausted {
                spent: state.spent,
                limit,
                resets_at: to_iso(resets),
            });
        }
        let _ = rng.failed();
        let report = make_report(&decl, value, rng).map_err(ReportError::InvalidValue)?;
        if rng.failed() {
            return Err(ReportError::NoRandomness);
        }
        let next = BudgetState {
            period: state.period,
            spent: state.spent + decl.epsilon,
        };
        let mut b = Builder::default();
        b.put_json(BUDGET_KEY, &next);
        b.effects.push(Effect::SetBudget(next));
        self.housekeep_into(&mut b, now);
        self.schema(&mut b);
        Ok(b.finish(report))
    }
}
