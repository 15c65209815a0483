//! The on-device benefit check: does personalization rank what this user actually chooses
//! better than the baseline does?
//!
//! Prequential evaluation on the user's own next interactions: when an event arrives, before
//! it updates the profile, [`positions`] measures where its item stood among the items the
//! user had not seen yet, in the order of the baseline blended with the module's personal
//! terms at each strength of [`STRENGTHS`] (0 is the baseline's own order, 1 the module as
//! the manifest weighs it). [`Benefit::observe`] keeps, per module, a discounted gain per
//! strength (the DCG gain `1 / log2(1 + position)`, the quantity NDCG averages) and the
//! positions of the last [`WINDOW`] items under the personalized and the baseline order.
//! [`Benefit::strength`] is the strength whose gain is highest once [`MIN_EVIDENCE`]
//! interactions are measured, and [`START`] before: the ranking leans on the baseline until
//! the user's own choices show that personalization ranks them better, leans on the profile
//! when they do, and falls back to the baseline's order when the baseline has been better.
//! Nothing leaves the device: the state is the user's measured data, derived from events.

use super::{score_all, Catalog, RankProfile, ScoreWeights};

/// Strengths of the personal terms the check compares (0: the baseline's order).
pub const STRENGTHS: [f32; 5] = [0.0, 0.25, 0.5, 1.0, 2.0];
/// The index of strength 1 (the personalized order `benefit` reports) in [`STRENGTHS`].
pub const PERSONALIZED: usize = 3;
/// The strength before there is evidence: half of the personal terms, so the order stays near
/// the baseline's until the user's own choices have been measured.
pub const START: f32 = 0.5;
/// Measured interactions before the evidence decides.
pub const MIN_EVIDENCE: u32 = 3;
/// How much of the gain one more measurement keeps: the evidence looks back about 20
/// interactions, so a change of taste is followed.
pub const DECAY: f32 = 0.95;
/// Interactions whose positions are kept for the medians `benefit` reports.
pub const WINDOW: usize = 20;

/// What the check has measured for one module of one user.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Benefit {
    /// Interactions measured, in all.
    pub measured: u32,
    /// Discounted DCG gain of each strength of [`STRENGTHS`].
    gains: [f32; STRENGTHS.len()],
    /// (personalized position, baseline position) of the last [`WINDOW`] measured items,
    /// oldest first.
    recent: Vec<(u32, u32)>,
}

/// What `benefit()` tells the user and the app about one module.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BenefitSummary {
    /// Interactions measured, in all.
    pub measured: u32,
    /// Of the last [`WINDOW`] measured: the median position of what the user chose in the
    /// personalized order (1 = first)…
    pub median_rank_personalized: Option<u32>,
    /// …and in the baseline order.
    pub median_rank_baseline: Option<u32>,
    /// The strength of the personal terms the ranking uses now.
    pub strength: f32,
}

fn gain(position: u32) -> f32 {
    1.0 / (1.0 + position as f32).log2()
}

fn median(mut v: Vec<u32>) -> Option<u32> {
    if v.is_empty() {
        return None;
    }
    crate::sort::sort(&mut v);
    Some(v[(v.len() - 1) / 2])
}

impl Benefit {
    /// Takes one measurement: the positions of the chosen item under each strength.
    pub fn observe(&mut self, positions: [u32; STRENGTHS.len()]) {
        for (g, &p) in self.gains.iter_mut().zip(&positions) {
            *g = *g * DECAY + gain(p.max(1));
        }
        self.measured = self.measured.saturating_add(1);
        if self.recent.len() == WINDOW {
            self.recent.remove(0);
        }
        self.recent.push((positions[PERSONALIZED], positions[0]));
    }

    /// The strength of the personal terms to rank with: [`START`] until [`MIN_EVIDENCE`]
    /// measurements, then the strength with the highest gain (the weaker on a tie).
    pub fn strength(&self) -> f32 {
        if self.measured < MIN_EVIDENCE {
            return START;
        }
        let mut best = 0;
        for k in 1..STRENGTHS.len() {
            if self.gains[k] > self.gains[best] {
                best = k;
            }
        }
        STRENGTHS[best]
    }

    /// The numbers for `benefit()`.
    pub fn summary(&self) -> BenefitSummary {
        BenefitSummary {
            measured: self.measured,
            median_rank_personalized: median(self.recent.iter().map(|r| r.0).collect()),
            median_rank_baseline: median(self.recent.iter().map(|r| r.1).collect()),
            strength: self.strength(),
        }
    }
}

/// Where `item` stands among the items not seen yet (`rp`'s seen items), 1 = first, in the
/// order of `w.baseline · prior + s · personal` for each strength `s` of [`STRENGTHS`],
/// ties by baseline rank as in the ranking. `rp` is the profile before the item's event, at
/// strength 1. `None` when there is nothing to compare: the profile carries no signal, or
/// the user has seen the item already (a repeat tells nothing about finding it).
///
/// One scoring pass and one counting pass per strength over the catalog.
pub fn positions(
    c: &Catalog,
    rp: &RankProfile,
    w: ScoreWeights,
    item: u32,
    scratch: &mut Vec<f32>,
) -> Option<[u32; STRENGTHS.len()]> {
    let j = item as usize;
    if !rp.is_personalized() || j >= c.len() || rp.seen.contains(&item) {
        return None;
    }
    let personal_only = ScoreWeights { baseline: 0.0, ..w };
    score_all(c, rp, personal_only, scratch);
    let prior = c.prior();
    let ranks = c.baseline_ranks();
    let mut out = [1u32; STRENGTHS.len()];
    for (slot, &s) in out.iter_mut().zip(&STRENGTHS) {
        let target = w.baseline * prior[j] + s * scratch[j];
        let mut ahead = 0u32;
        for (i, (&p, &b)) in scratch.iter().zip(prior).enumerate() {
            let score = w.baseline * b + s * p;
            let before = score > target || (score == target && ranks[i] < ranks[j]);
            ahead += u32::from(before && i != j);
        }
        if !rp.seen.is_empty() {
            // The seen items ahead of it do not count: they are not candidates.
            for &i in &rp.seen {
                let i = i as usize;
                let score = w.baseline * prior[i] + s * scratch[i];
                let before = score > target || (score == target && ranks[i] < ranks[j]);
                ahead -= u32::from(before && i != j);
            }
        }
        *slot = ahead + 1;
    }
    Some(out)
}
