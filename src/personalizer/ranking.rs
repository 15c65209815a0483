//! Ranking and the sandbox preview on top of the profile.

use serde::Serialize;

use super::Personalizer;
use crate::consent::ConsentState;
use crate::error::{FieldError, RankError};
use crate::event::Event;
use crate::profile::{derive, seen_items, EventLog, StoredEvent};
use crate::rank::{rank, Catalog, RankOptions, RankProfile, Ranked, ScoreWeights};
use crate::time::Millis;

/// How long a derived ranking profile is reused at most: decay moves with the clock, slowly.
const RANK_PROFILE_TTL_MS: Millis = 60_000;

/// A derived ranking profile, reused while nothing it was derived from changed.
pub(super) struct RankCache {
    /// The change it follows (`Personalizer::version`).
    version: u64,
    /// When it was derived.
    at: Millis,
    /// When one of its events passes its retention or one of its grants lapses: from then on
    /// it would personalize from data no longer in force.
    until: Millis,
    profile: RankProfile,
}

/// Most candidate ids in one call.
pub const MAX_CANDIDATES: usize = crate::rank::MAX_ITEMS;

/// One item that moved between the baseline and the personalized ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Move {
    /// The item.
    pub id: String,
    /// Its baseline rank.
    pub from: u32,
    /// Its personalized rank.
    pub to: u32,
}

/// What `preview` shows: the same candidates ranked both ways.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Preview {
    /// The baseline order.
    pub baseline: Vec<Ranked>,
    /// The order the modules would give.
    pub personalized: Vec<Ranked>,
    /// Items whose rank changed.
    pub moves: Vec<Move>,
}

/// What to preview.
#[derive(Debug, Clone, PartialEq)]
pub enum Sample {
    /// A sample persona of the manifest, by id.
    Persona(String),
    /// Given events.
    Events(Vec<Event>),
}

impl Personalizer {
    /// Replaces the catalog (public item data).
    pub fn set_catalog(&mut self, catalog: Catalog) {
        self.catalog = catalog;
        self.rank_cache = None;
        self.profile_cache.get_mut().invalidate();
        self.catalog_stamp += 1;
    }

    /// Frees what the current catalog built for ranking (rebuilt when next needed) and the
    /// scoring scratch, before a new catalog is read: if the new one is refused, the current
    /// one stays, whole.
    pub fn release_catalog_caches(&mut self) {
        self.catalog.release_derived();
        self.scores = Vec::new();
    }

    /// The catalog.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Takes over what the app gave the instance this one replaces (a reload from storage
    /// after another tab wrote): the catalog, with its stamp, so names cached for it stay
    /// valid, and the ranking stamp, so names cached for an older ranking profile don't.
    pub fn take_app_data(&mut self, previous: &mut Personalizer) {
        self.catalog = std::mem::take(&mut previous.catalog);
        self.catalog_stamp = previous.catalog_stamp;
        self.rank_stamp = previous.rank_stamp;
        self.scores = std::mem::take(&mut previous.scores);
        self.rank_cache = None;
        self.profile_cache.get_mut().invalidate();
    }

    fn candidate_indices(
        &self,
        candidates: Option<&[String]>,
    ) -> Result<Option<Vec<u32>>, RankError> {
        let Some(ids) = candidates else {
            return Ok(None);
        };
        if ids.len() > MAX_CANDIDATES {
            return Err(RankError::Invalid(FieldError::new(
                "candidates",
                format!("at most {MAX_CANDIDATES} candidates, got {}", ids.len()),
            )));
        }
        let mut seen = std::collections::HashSet::with_capacity(ids.len());
        let mut out = Vec::with_capacity(ids.len());
        for (k, id) in ids.iter().enumerate() {
            if let Some(problem) = crate::validate::name_problem(id) {
                return Err(RankError::Invalid(FieldError::new(
                    crate::validate::index("candidates", k),
                    problem,
                )));
            }
            let i = self
                .catalog
                .position(id)
                .ok_or_else(|| RankError::UnknownItem(crate::validate::truncate(id, 80)))?;
            if seen.insert(i) {
                out.push(i);
            }
        }
        Ok(Some(out))
    }

    /// Ranks the candidates (default: the whole catalog) for this user.
    pub fn rank(
        &mut self,
        candidates: Option<&[String]>,
        options: &RankOptions,
        now: Millis,
    ) -> Result<Vec<Ranked>, RankError> {
        let ranked = self.rank_indexed(candidates, options, now)?;
        Ok(match &self.rank_cache {
            Some(cache) => crate::rank::named(&self.catalog, &cache.profile, ranked),
            None => Vec::new(),
        })
    }

    /// [`Personalizer::rank`] as numbers (see [`crate::rank::pack`]), for the JS layer, which
    /// names the results itself with [`Personalizer::rank_sources`] and the catalog.
    pub fn rank_packed(
        &mut self,
        candidates: Option<&[String]>,
        options: &RankOptions,
        now: Millis,
    ) -> Result<Vec<f64>, RankError> {
        let ranked = self.rank_indexed(candidates, options, now)?;
        Ok(crate::rank::pack(
            &self.catalog,
            &ranked,
            self.catalog_stamp,
            self.rank_stamp,
        ))
    }

    /// The (module, data category) pairs the last ranking's reasons refer to by index.
    pub fn rank_sources(&self) -> &[(String, String)] {
        self.rank_cache
            .as_ref()
            .map_or(&[], |cache| cache.profile.sources())
    }

    fn rank_indexed(
        &mut self,
        candidates: Option<&[String]>,
        options: &RankOptions,
        now: Millis,
    ) -> Result<Vec<crate::rank::RankedAt>, RankError> {
        let indices = self.candidate_indices(candidates)?;
        let fresh = matches!(&self.rank_cache, Some(c) if c.version == self.version
            && c.at <= now && now - c.at < RANK_PROFILE_TTL_MS && now < c.until);
        if !fresh {
            let states = self.states(now);
            let window = self.window(&states, now);
            let derived = self.derived(&states, &window, now);
            // Each module at the strength its benefit check chose (see `benefit.rs`).
            let strengths = self.strengths(&states, now);
            let strength = |m: &str| {
                strengths
                    .get(m)
                    .copied()
                    .unwrap_or(crate::rank::benefit::START)
            };
            let until = self.in_force_until(&states, &window, &derived.oldest, now);
            let rp = RankProfile::build_weighted_seen(
                &self.manifest,
                &derived.profile,
                &self.catalog,
                derived.seen,
                &strength,
            );
            self.rank_cache = Some(RankCache {
                version: self.version,
                at: now,
                until,
                profile: rp,
            });
            self.rank_stamp += 1;
        }
        let weights = ScoreWeights::from_manifest(&self.manifest);
        let rp = match &self.rank_cache {
            Some(cache) => &cache.profile,
            None => return Ok(Vec::new()),
        };
        Ok(crate::rank::rank_indexed(
            &self.catalog,
            rp,
            weights,
            indices.as_deref(),
            options,
            &mut self.scores,
        ))
    }

    /// The ranking profile a sample would give on a throwaway event log: the real events,
    /// consent and storage are neither read nor written.
    pub(crate) fn sandbox_profile(
        &self,
        sample: &Sample,
        modules: Option<&[String]>,
        now: Millis,
    ) -> Result<RankProfile, RankError> {
        let events: Vec<Event> = match sample {
            Sample::Persona(id) => self
                .manifest
                .samples
                .iter()
                .find(|s| s.id == *id)
                .map(|s| s.events.clone())
                .ok_or_else(|| {
                    RankError::Invalid(FieldError::new(
                        "sample",
                        format!(
                            "no sample persona \"{}\"",
                            crate::validate::truncate(id, 80)
                        ),
                    ))
                })?,
            Sample::Events(e) => e.clone(),
        };
        let mut states = crate::sorted::SortedMap::new();
        for m in &self.manifest.modules {
            let on = match modules {
                Some(list) => list.contains(&m.id),
                None => !m.essential && !m.shares && !m.signals.is_empty(),
            };
            states.insert(
                m.id.clone(),
                if on || m.essential {
                    ConsentState::Granted
                } else {
                    ConsentState::NotGranted
                },
            );
        }
        if let Some(list) = modules {
            if let Some(unknown) = list.iter().find(|id| self.manifest.module(id).is_none()) {
                return Err(RankError::Invalid(FieldError::new(
                    "modules",
                    format!(
                        "unknown module \"{}\"",
                        crate::validate::truncate(unknown, 80)
                    ),
                )));
            }
        }
        let mut log = EventLog::default();
        let n = events.len() as Millis;
        let stored: Vec<StoredEvent> = events
            .into_iter()
            .enumerate()
            .map(|(i, e)| StoredEvent {
                id: i as u64,
                at: e.at.unwrap_or(now - (n - i as Millis) * 60_000),
                category: e.category,
                kind: e.kind,
                item: e.item,
                weight: e.weight,
                features: e.features,
            })
            .collect();
        // A handful of categories: a list is enough (and no map type to instantiate).
        let mut by_category: Vec<(String, Vec<StoredEvent>)> = Vec::new();
        for e in stored {
            match by_category.iter_mut().find(|(c, _)| *c == e.category) {
                Some((_, events)) => events.push(e),
                None => by_category.push((e.category.clone(), vec![e])),
            }
        }
        for (category, events) in by_category {
            for (page, chunk) in events.chunks(crate::profile::PAGE_SIZE).enumerate() {
                log.put_page(&category, page as u32, chunk.to_vec());
            }
        }
        // Sample events are all in force, whatever their age.
        let mut window = crate::profile::Window::default();
        for c in &self.manifest.data_categories {
            window.admit(&c.id, Millis::MIN);
        }
        let profile = derive(
            &self.manifest,
            &states,
            &log,
            &window,
            &self.blocks,
            &self.catalog,
            now,
        );
        let seen = seen_items(&self.manifest, &profile, &log, &window);
        let personal = RankProfile::build(&self.manifest, &profile, &self.catalog, &seen);
        Ok(personal)
    }

    /// Shows what the modules would do with a sample, on a throwaway profile: the real
    /// events, consent and storage are neither read nor written (promise 4).
    pub fn preview(
        &self,
        sample: &Sample,
        modules: Option<&[String]>,
        candidates: Option<&[String]>,
        options: &RankOptions,
        now: Millis,
    ) -> Result<Preview, RankError> {
        let personal = self.sandbox_profile(sample, modules, now)?;
        let weights = ScoreWeights::from_manifest(&self.manifest);
        let indices = self.candidate_indices(candidates)?;
        let baseline = rank(
            &self.catalog,
            &RankProfile::default(),
            weights,
            indices.as_deref(),
            options,
        );
        let personalized = rank(
            &self.catalog,
            &personal,
            weights,
            indices.as_deref(),
            options,
        );
        let moves = personalized
            .iter()
            .filter(|r| r.rank != r.baseline_rank)
            .map(|r| Move {
                id: r.id.clone(),
                from: r.baseline_rank,
                to: r.rank,
            })
            .collect();
        Ok(Preview {
            baseline,
            personalized,
            moves,
        })
    }
}

#[cfg(test)]
#[path = "tests_reload.rs"]
mod tests_reload;
