//! `rank` without JSON: the core packs results as numbers (`crate::rank::pack`) and the
//! package entry (`rank_fast.js`) turns them into the same objects `rank` documents, naming
//! items, features, groups and reason sources from tables it caches. A call then moves about
//! a kilobyte of numbers and no strings; names cross only when a result needs one not seen
//! since the catalog (or the ranking profile) changed.

use wasm_bindgen::prelude::*;

use super::error::{optin_error, to_js};
use super::personalizer::Personalizer;
use crate::error::RankError;
use crate::rank::RankOptions;
use crate::time::Millis;

/// What `__rankNames` returns names of.
const ITEMS: u32 = 0;
const FEATURES: u32 = 1;
const GROUPS: u32 = 2;
const SOURCES: u32 = 3;

impl Personalizer {
    /// Parses `rank`'s arguments and runs `f` on the core with them.
    pub(super) fn ranking<T>(
        &self,
        candidates: &JsValue,
        options: &JsValue,
        f: impl FnOnce(
            &mut crate::personalizer::Personalizer,
            Option<&[String]>,
            &RankOptions,
            Millis,
        ) -> Result<T, RankError>,
    ) -> Result<T, JsValue> {
        let candidates = super::ranking::candidates(candidates)?;
        let mut rank_options = super::ranking::options(options)?;
        let now = self.shared.now()?;
        self.shared.with_core(|c| {
            if options.is_object() {
                rank_options.exposure = super::ranking::exposure(options, c.catalog())?;
                if !rank_options.exposure.is_empty() && rank_options.diversity > 0.0 {
                    return Err(optin_error(
                        "invalid-argument",
                        "options: diversity and exposure rules can't be combined yet",
                    ));
                }
            }
            f(c, candidates.as_deref(), &rank_options, now).map_err(to_js)
        })
    }
}

#[wasm_bindgen(js_class = PersonalizerCore)]
impl Personalizer {
    /// The positions in `candidates` of ids the catalog lacks, for `rank`'s `ignoreUnknown`.
    /// Internal.
    #[wasm_bindgen(js_name = __unknownCandidates, skip_typescript)]
    pub fn unknown_candidates(&self, candidates: JsValue) -> Result<Vec<u32>, JsValue> {
        let ids = super::ranking::candidates(&candidates)?.unwrap_or_default();
        self.shared.with_core(|c| {
            let catalog = c.catalog();
            Ok(ids
                .iter()
                .enumerate()
                .filter(|(_, id)| catalog.position(id).is_none())
                .map(|(i, _)| i as u32)
                .collect())
        })
    }

    /// `rank`, packed as numbers. Internal: the package's `rank` calls it.
    #[wasm_bindgen(js_name = __rankPacked, skip_typescript)]
    pub fn rank_packed(&self, candidates: JsValue, options: JsValue) -> Result<Vec<f64>, JsValue> {
        self.ranking(&candidates, &options, |c, candidates, options, now| {
            c.rank_packed(candidates, options, now)
        })
    }

    /// Names for packed results. Internal. `kind` 0: ids of the items at `indices`; 1: names
    /// of the features at `indices`; 2: all group names; 3: the reason sources, as
    /// `[module, category]` pairs.
    #[wasm_bindgen(js_name = __rankNames, skip_typescript)]
    pub fn rank_names(
        &self,
        kind: u32,
        indices: Option<Vec<u32>>,
    ) -> Result<js_sys::Array, JsValue> {
        self.shared.with_core(|c| {
            let catalog = c.catalog();
            let indices = indices.unwrap_or_default();
            // Indices come from this instance's own packed results; one out of range means the
            // caller's tables are stale, which is an error rather than a wrong name.
            let out_of_range = || {
                optin_error(
                    "invalid-argument",
                    "stale index: rank again to refresh names",
                )
            };
            let names = js_sys::Array::new();
            match kind {
                ITEMS => {
                    for &i in &indices {
                        if i as usize >= catalog.len() {
                            return Err(out_of_range());
                        }
                        names.push(&JsValue::from_str(catalog.id(i)));
                    }
                }
                FEATURES => {
                    for &f in &indices {
                        if f as usize >= catalog.feature_names().len() {
                            return Err(out_of_range());
                        }
                        names.push(&JsValue::from_str(catalog.feature_name(f)));
                    }
                }
                GROUPS => {
                    for g in catalog.group_names() {
                        names.push(&JsValue::from_str(g));
                    }
                }
                SOURCES => {
                    for (module, category) in c.rank_sources() {
                        let pair = js_sys::Array::of2(
                            &JsValue::from_str(module),
                            &JsValue::from_str(category),
                        );
                        names.push(&pair);
                    }
                }
                _ => return Err(optin_error("invalid-argument", "unknown name table")),
            }
            Ok(names)
        })
    }
}
