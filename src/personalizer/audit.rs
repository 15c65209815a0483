//! The exposure audit: the sandbox over every sample persona, measuring how much exposure
//! each group of items gets in the baseline, personalized and (optionally) mitigated rankings.

use std::collections::HashSet;

use serde::Serialize;

use super::ranking::Sample;
use super::Personalizer;
use crate::error::{FieldError, RankError};
use crate::rank::{
    affinity, rank, ExposureConstraint, RankOptions, RankProfile, Ranked, ScoreWeights,
};
use crate::time::Millis;

/// What to audit.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditOptions {
    /// Sample personas to audit (default: all of the manifest's).
    pub personas: Option<Vec<String>>,
    /// Length of the ranking audited (default 10).
    pub limit: usize,
    /// A group is flagged when its exposure is below this fraction of its catalog share.
    pub threshold: f64,
    /// If set, the mitigated ranking is audited too.
    pub exposure: ExposureConstraint,
}

impl Default for AuditOptions {
    fn default() -> Self {
        Self {
            personas: None,
            limit: 10,
            threshold: 0.8,
            exposure: ExposureConstraint::default(),
        }
    }
}

/// One group's exposure.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupExposure {
    /// The group.
    pub group: String,
    /// Its share of the catalog.
    pub catalog_share: f64,
    /// Its share of position-discounted exposure (1/log2(rank + 1)) in the top `limit`.
    pub exposure_share: f64,
    /// exposure share / catalog share: below 1 the group is under-exposed.
    pub ratio: f64,
}

/// One ranking's exposure over all personas.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RankingAudit {
    /// Per group.
    pub groups: Vec<GroupExposure>,
    /// Share of the catalog that appears in any persona's top `limit`.
    pub coverage: f64,
    /// Gini index of exposure over items (0: equal, 1: all on one item).
    pub gini: f64,
}

/// One persona's view.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonaAudit {
    /// The sample persona.
    pub persona: String,
    /// Discounted relevance to the persona of the baseline ranking.
    pub utility_baseline: f64,
    /// ... of the personalized ranking.
    pub utility_personalized: f64,
    /// ... of the mitigated ranking, if audited.
    pub utility_mitigated: Option<f64>,
    /// The persona's personalized exposure per group.
    pub groups: Vec<GroupExposure>,
}

/// A disparity above the app's threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Flag {
    /// `baseline`, `personalized` or `mitigated`.
    pub ranking: &'static str,
    /// The persona, for persona rankings.
    pub persona: Option<String>,
    /// The under-exposed group.
    pub group: String,
    /// Its exposure ratio.
    pub ratio: f64,
}

/// The audit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Audit {
    /// Length of the rankings audited.
    pub limit: usize,
    /// The flagging threshold.
    pub threshold: f64,
    /// The baseline ranking.
    pub baseline: RankingAudit,
    /// The personalized rankings, over all personas.
    pub personalized: RankingAudit,
    /// The mitigated rankings, if an exposure constraint was given.
    pub mitigated: Option<RankingAudit>,
    /// Per persona.
    pub personas: Vec<PersonaAudit>,
    /// Groups below the threshold.
    pub flags: Vec<Flag>,
}

fn slices(lists: &[Vec<Ranked>]) -> Vec<&[Ranked]> {
    lists.iter().map(Vec::as_slice).collect()
}

fn discount(rank: u32) -> f64 {
    1.0 / (f64::from(rank) + 1.0).log2()
}

impl Personalizer {
    fn exposure(&self, lists: &[&[Ranked]], catalog_share: &[f64]) -> RankingAudit {
        let names = self.catalog.group_names();
        let mut by_group = vec![0.0f64; names.len()];
        let mut by_item = vec![0.0f64; self.catalog.len()];
        for list in lists {
            for r in list.iter() {
                let d = discount(r.rank);
                if let Some(i) = self.catalog.position(&r.id) {
                    by_item[i as usize] += d;
                    if let Some(&g) = self.catalog.group_indices().get(i as usize) {
                        by_group[g as usize] += d;
                    }
                }
            }
        }
        let total: f64 = by_group.iter().sum();
        let groups = names
            .iter()
            .enumerate()
            .filter(|(_, n)| !n.is_empty())
            .map(|(g, name)| {
                let exposure_share = if total > 0.0 {
                    by_group[g] / total
                } else {
                    0.0
                };
                let share = catalog_share[g];
                GroupExposure {
                    group: name.clone(),
                    catalog_share: share,
                    exposure_share,
                    ratio: if share > 0.0 {
                        exposure_share / share
                    } else {
                        0.0
                    },
                }
            })
            .collect();
        let shown: HashSet<&str> = lists
            .iter()
            .flat_map(|l| l.iter().map(|r| r.id.as_str()))
            .collect();
        crate::sort::sort_by(&mut by_item, f64::total_cmp);
        let sum: f64 = by_item.iter().sum();
        let m = by_item.len() as f64;
        let gini = if sum > 0.0 {
            by_item
                .iter()
                .enumerate()
                .map(|(i, x)| (2.0 * (i as f64 + 1.0) - m - 1.0) * x)
                .sum::<f64>()
                / (m * sum)
        } else {
            0.0
        };
        RankingAudit {
            groups,
            coverage: shown.len() as f64 / m.max(1.0),
            gini,
        }
    }

    /// Audits exposure per group over the sample personas, in the sandbox (nothing real is read
    /// or written): baseline, personalized and, with an exposure constraint, mitigated.
    pub fn audit(&self, options: &AuditOptions, now: Millis) -> Result<Audit, RankError> {
        if self.catalog.group_names().is_empty() {
            return Err(RankError::Invalid(FieldError::new(
                "catalog",
                "has no groups to audit (give items a group)",
            )));
        }
        let personas: Vec<String> = match &options.personas {
            Some(p) => p.clone(),
            None => self.manifest.samples.iter().map(|s| s.id.clone()).collect(),
        };
        if personas.is_empty() {
            return Err(RankError::Invalid(FieldError::new(
                "personas",
                "no sample personas to audit",
            )));
        }
        let n = self.catalog.len().max(1) as f64;
        let mut catalog_share = vec![0.0; self.catalog.group_names().len()];
        for &g in self.catalog.group_indices() {
            catalog_share[g as usize] += 1.0 / n;
        }
        let w = ScoreWeights::from_manifest(&self.manifest);
        let plain = RankOptions {
            limit: options.limit,
            explain: false,
            ..RankOptions::default()
        };
        let mitigating = !options.exposure.is_empty();
        let constrained = RankOptions {
            exposure: options.exposure.clone(),
            ..plain.clone()
        };
        let baseline = rank(&self.catalog, &RankProfile::default(), w, None, &plain);
        let mut personalized = Vec::new();
        let mut mitigated = Vec::new();
        let mut persona_audits = Vec::new();
        let mut flags = Vec::new();
        for id in &personas {
            let rp = self.sandbox_profile(&Sample::Persona(id.clone()), None, now)?;
            let utility = |list: &[Ranked]| -> f64 {
                list.iter()
                    .filter_map(|r| {
                        self.catalog.position(&r.id).map(|i| {
                            f64::from(affinity(&self.catalog, &rp, w, i)) * discount(r.rank)
                        })
                    })
                    .sum()
            };
            let mine = rank(&self.catalog, &rp, w, None, &plain);
            let fair = mitigating.then(|| rank(&self.catalog, &rp, w, None, &constrained));
            let exposure = self.exposure(&[&mine], &catalog_share);
            for g in exposure
                .groups
                .iter()
                .filter(|g| g.catalog_share > 0.0 && g.ratio < options.threshold)
            {
                flags.push(Flag {
                    ranking: "personalized",
                    persona: Some(id.clone()),
                    group: g.group.clone(),
                    ratio: g.ratio,
                });
            }
            if let Some(fair) = &fair {
                for g in self
                    .exposure(&[fair], &catalog_share)
                    .groups
                    .iter()
                    .filter(|g| g.catalog_share > 0.0 && g.ratio < options.threshold)
                {
                    flags.push(Flag {
                        ranking: "mitigated",
                        persona: Some(id.clone()),
                        group: g.group.clone(),
                        ratio: g.ratio,
                    });
                }
            }
            persona_audits.push(PersonaAudit {
                persona: id.clone(),
                utility_baseline: utility(&baseline),
                utility_personalized: utility(&mine),
                utility_mitigated: fair.as_deref().map(utility),
                groups: exposure.groups,
            });
            personalized.push(mine);
            if let Some(fair) = fair {
                mitigated.push(fair);
            }
        }
        let base = self.exposure(&[&baseline], &catalog_share);
        for g in base
            .groups
            .iter()
            .filter(|g| g.catalog_share > 0.0 && g.ratio < options.threshold)
        {
            flags.insert(
                0,
                Flag {
                    ranking: "baseline",
                    persona: None,
                    group: g.group.clone(),
                    ratio: g.ratio,
                },
            );
        }
        Ok(Audit {
            limit: options.limit,
            threshold: options.threshold,
            baseline: base,
            personalized: self.exposure(&slices(&personalized), &catalog_share),
            mitigated: mitigating.then(|| self.exposure(&slices(&mitigated), &catalog_share)),
            personas: persona_audits,
            flags,
        })
    }
}
