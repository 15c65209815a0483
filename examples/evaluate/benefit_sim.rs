//! The on-device benefit check as a user meets it: each user's last training events arrive one
//! at a time (`record`); the `Personalizer` measures each, before it updates the profile,
//! under each strength of the personal terms (`optin::rank::benefit`), and its `rank` uses the
//! strength the evidence chose.
//!
//! Only a user's last [`MEASURED`] training events are measured, the ones before recorded at
//! once: the evidence decays by `DECAY` per measurement (0.95^60 ≈ 0.05), so earlier ones
//! would barely move the final strength, and measuring every event of the heaviest users
//! (thousands, each with a fresh profile) would take most of the tool's time.

use optin::personalizer::ModuleBenefit;
use optin::rank::Catalog;

use crate::data::Data;
use crate::grid::Stage;
use crate::metrics::{metrics, Metrics};
use crate::replay::{device, event, for_users, rank_options, Config};

/// Training events measured per user, at most.
pub const MEASURED: usize = 60;

pub struct Outcome {
    pub metrics: Metrics,
    /// Mean interactions measured per user.
    pub measured: f64,
    /// Medians over users of each user's median position (personalized, baseline).
    pub median_personal: f64,
    pub median_baseline: f64,
    /// Share of users at each strength of `STRENGTHS` at the end.
    pub strength: Vec<f64>,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len().saturating_sub(1) / 2).copied().unwrap_or(0.0)
}

pub fn run(catalog: &Catalog, s: &Stage, data: &Data) -> Outcome {
    let manifest = Config::default().manifest();
    let options = rank_options(&Default::default());
    let per_user = for_users(catalog, s.train.len(), &|catalog, u| {
        let history = &s.train[u];
        let first = history.len().saturating_sub(MEASURED);
        let start = history.get(first).map_or(0, |&(_, t)| t * 1000);
        let Some((mut p, mut store)) = device(&manifest, catalog.clone(), start) else {
            return (Vec::new(), None);
        };
        let earlier = history[..first]
            .iter()
            .map(|&(i, t)| event(data, i, t))
            .collect();
        if let Ok(plan) = p.plan_record(earlier, start) {
            let _ = p.commit(&mut store, plan);
        }
        // One at a time, as a reader's clicks arrive: the Personalizer measures each against
        // the profile before it.
        for &(i, t) in &history[first..] {
            let now = t * 1000;
            if let Ok(plan) = p.plan_record_one(event(data, i, t), now) {
                let _ = p.commit(&mut store, plan);
            }
        }
        let now = history.last().map_or(0, |&(_, t)| t * 1000);
        let list = p
            .rank(None, &options, now)
            .map(|r| {
                r.iter()
                    .filter_map(|x| catalog.position(&x.id).map(|i| i as usize))
                    .collect()
            })
            .unwrap_or_default();
        (list, p.benefit(now).into_iter().next())
    });
    let lists: Vec<Vec<usize>> = per_user.iter().map(|(l, _)| l.clone()).collect();
    let users = per_user.len().max(1) as f64;
    let strengths = optin::rank::benefit::STRENGTHS;
    let summaries: Vec<ModuleBenefit> = per_user.iter().filter_map(|(_, b)| b.clone()).collect();
    Outcome {
        metrics: metrics(&lists, &s.truth, catalog.len()),
        measured: summaries.iter().map(|b| f64::from(b.measured)).sum::<f64>() / users,
        median_personal: median(
            summaries
                .iter()
                .filter_map(|b| b.median_rank_personalized.map(f64::from))
                .collect(),
        ),
        median_baseline: median(
            summaries
                .iter()
                .filter_map(|b| b.median_rank_baseline.map(f64::from))
                .collect(),
        ),
        strength: strengths
            .iter()
            .map(|&g| {
                summaries
                    .iter()
                    .filter(|b| b.strength == f64::from(g))
                    .count() as f64
                    / users
            })
            .collect(),
    }
}
