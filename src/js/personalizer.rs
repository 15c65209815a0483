//! The exported `Personalizer` class: validation and conversion around the core.

use std::rc::Rc;

use js_sys::{Function, Promise};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::convert::{string_arg, to_js_value, to_json, Limits};
use super::error::{optin_error, to_js};
use super::events;
use super::idb::{IdbStore, OpenFailure};
use super::options::{self, StorageKind};
use super::runtime::{reject, Backend, Setup, Shared};
use crate::manifest::Manifest;
use crate::personalizer::{ConsentChange, ForgetRequest, RecordSummary};
use crate::store::MemoryStore;

/// What `unblock` and `explainInterest` say of a string that is not a feature name.
const NOT_A_FEATURE: &str = "feature: not a feature name";

/// An opened personalization runtime for one app and one user. The package's `Personalizer`
/// (`src/js/personalizer.js`) wraps it: it reads every argument into plain data before
/// calling in, so nothing here runs the app's code (getters, Proxy traps) or sees a value
/// whose reading could throw.
#[wasm_bindgen(js_name = PersonalizerCore)]
pub struct Personalizer {
    pub(super) shared: Rc<Shared>,
}

fn has_indexed_db() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("indexedDB"))
        .is_ok_and(|v| v.is_object())
}

#[wasm_bindgen(js_class = PersonalizerCore)]
impl Personalizer {
    /// Validates the manifest and opens the user's profile and consent. Storage defaults to
    /// encrypted IndexedDB where there is one, memory elsewhere (Node). Storage that can't be
    /// opened or read never turns a module on: see `health()`.
    ///
    /// ```ts
    /// const p = await Personalizer.open(manifest, { namespace: "news", locale: "de" });
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Promise<Personalizer>")]
    pub async fn open(
        #[wasm_bindgen(unchecked_param_type = "Manifest")] manifest: JsValue,
        #[wasm_bindgen(unchecked_param_type = "OpenOptions")] options: Option<js_sys::Object>,
    ) -> Result<Personalizer, JsValue> {
        let options = options::parse(&options.map(JsValue::from).unwrap_or(JsValue::UNDEFINED))
            .map_err(to_js)?;
        let json = to_json(&manifest, "manifest", Limits::DOCUMENT).map_err(to_js)?;
        let manifest = Manifest::from_json(&json).map_err(to_js)?;
        let mut problems = Vec::new();
        let wants_idb = match options.storage {
            Some(StorageKind::IndexedDb) => true,
            Some(StorageKind::Memory) => false,
            None => has_indexed_db(),
        };
        let backend = if wants_idb {
            match IdbStore::open(&options.namespace).await {
                Ok(db) => Backend::Idb(db),
                Err(OpenFailure::Newer) => Backend::Newer,
                Err(OpenFailure::Unavailable(why)) => {
                    problems.push(format!(
                        "IndexedDB is unavailable ({why}): nothing will be kept after this page"
                    ));
                    Backend::Memory(Default::default())
                }
            }
        } else {
            Backend::Memory(std::cell::RefCell::new(MemoryStore::new()))
        };
        let setup = Setup {
            manifest,
            locale: options.locale,
            gpc: options.gpc,
            max_events_per_category: options.max_events_per_category,
            namespace: options.namespace,
        };
        let shared = Shared::open(setup, backend, options.clock, problems).await?;
        Ok(Personalizer { shared })
    }

    /// The modules with their consent state, texts in `locale` (default: the open locale).
    ///
    /// ```ts
    /// for (const m of p.modules("de")) console.log(m.title, m.state);
    /// ```
    #[wasm_bindgen(unchecked_return_type = "ModuleInfo[]")]
    pub fn modules(&self, locale: Option<String>) -> Result<JsValue, JsValue> {
        if locale
            .as_deref()
            .is_some_and(|l| !crate::manifest::is_locale_tag(l))
        {
            return Err(optin_error(
                "invalid-argument",
                "locale: expected a locale tag like \"en\" or \"de-AT\"",
            ));
        }
        let now = self.shared.now()?;
        self.shared
            .with_core(|c| to_js_value(&c.modules(locale.as_deref(), now)))
    }

    /// Grants a module; resolves with the consent record once it is stored.
    #[wasm_bindgen(unchecked_return_type = "Promise<ConsentRecord>")]
    pub fn grant(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] module_id: JsValue,
    ) -> Promise {
        self.decide(module_id, true)
    }

    /// Revokes a module (or records a "no thanks"): the data no other granted module uses is
    /// erased, in storage too, before the promise resolves.
    #[wasm_bindgen(unchecked_return_type = "Promise<ConsentRecord>")]
    pub fn revoke(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] module_id: JsValue,
    ) -> Promise {
        self.decide(module_id, false)
    }

    fn decide(&self, module_id: JsValue, give: bool) -> Promise {
        let id = match string_arg(&module_id, "moduleId", 1024) {
            Ok(id) => id,
            Err(e) => return reject(to_js(e)),
        };
        self.shared.enqueue(move |s| {
            Box::pin(async move {
                let change = s
                    .write(|core, now| {
                        if give {
                            core.plan_grant(&id, now)
                        } else {
                            core.plan_revoke(&id, now)
                        }
                        .map_err(to_js)
                    })
                    .await?;
                notify(&s, std::slice::from_ref(&change));
                to_js_value(&change.record)
            })
        })
    }

    /// Every consent record, oldest first.
    #[wasm_bindgen(js_name = consentRecords, unchecked_return_type = "ConsentRecord[]")]
    pub fn consent_records(&self) -> Result<JsValue, JsValue> {
        self.shared.with_core(|c| to_js_value(&c.consent_records()))
    }

    /// The consent records, to carry the user's choices to another device.
    #[wasm_bindgen(js_name = exportConsent, unchecked_return_type = "ConsentRecord[]")]
    pub fn export_consent(&self) -> Result<JsValue, JsValue> {
        self.consent_records()
    }

    /// Merges records exported on another device: per module the latest decision wins (of
    /// one millisecond on two devices, a withdrawal), a grant for a different notice becomes
    /// `invalidated`, and under
    /// Global Privacy Control no sharing module is granted. Malformed input is rejected whole.
    #[wasm_bindgen(js_name = importConsent, unchecked_return_type = "Promise<ImportSummary>")]
    pub fn import_consent(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConsentRecord[]")] records: JsValue,
    ) -> Promise {
        let json = match to_json(&records, "records", Limits::DOCUMENT) {
            Ok(j) => j,
            Err(e) => return reject(to_js(e)),
        };
        self.shared.enqueue(move |s| {
            Box::pin(async move {
                let (summary, changes) = s
                    .write(|core, now| core.plan_import(&json, now).map_err(to_js))
                    .await?;
                notify(&s, &changes);
                to_js_value(&summary)
            })
        })
    }

    /// Tells optin the user was shown these modules' notices (all optional ones by default),
    /// for the time-to-decision metric. Stays on the device.
    #[wasm_bindgen(js_name = noticeViewed, unchecked_return_type = "Promise<void>")]
    pub fn notice_viewed(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] module_ids: JsValue,
    ) -> Promise {
        let ids: Option<Vec<String>> = if module_ids.is_undefined() || module_ids.is_null() {
            None
        } else {
            let strings = |v: Value| -> Option<Vec<String>> {
                match v {
                    Value::Array(items) => items
                        .into_iter()
                        .map(|i| match i {
                            Value::String(s) => Some(s),
                            _ => None,
                        })
                        .collect(),
                    _ => None,
                }
            };
            match to_json(&module_ids, "moduleIds", Limits::DOCUMENT).map(strings) {
                Ok(Some(ids)) => Some(ids),
                Ok(None) => {
                    return reject(optin_error(
                        "invalid-argument",
                        "moduleIds: expected an array of module ids",
                    ))
                }
                Err(e) => return reject(to_js(e)),
            }
        };
        self.shared.enqueue(move |s| {
            Box::pin(async move {
                s.write(|core, now| {
                    let ids = ids.unwrap_or_else(|| {
                        core.manifest()
                            .modules
                            .iter()
                            .filter(|m| !m.essential)
                            .map(|m| m.id.clone())
                            .collect()
                    });
                    core.plan_notice_viewed(&ids, now).map_err(to_js)
                })
                .await?;
                Ok(JsValue::UNDEFINED)
            })
        })
    }

    /// Grants, withdrawals, re-grants and time to decide, per optional module.
    #[wasm_bindgen(js_name = consentMetrics, unchecked_return_type = "ModuleConsentMetrics[]")]
    pub fn consent_metrics(&self) -> Result<JsValue, JsValue> {
        self.shared.with_core(|c| to_js_value(&c.consent_metrics()))
    }

    /// Records one event. It is stored only if a granted module uses its category; otherwise
    /// it is dropped, counted, and the result says why.
    ///
    /// ```ts
    /// await p.record({ category: "reading", kind: "click", item: "a-17", features: { "topic:science": 1 } });
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Promise<RecordOutcome>")]
    pub fn record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "OptinEvent")] event: JsValue,
    ) -> Promise {
        self.record_events(event, false)
    }

    /// Records many events at once (all rejected if any is invalid).
    #[wasm_bindgen(js_name = recordMany, unchecked_return_type = "Promise<RecordSummary>")]
    pub fn record_many(
        &self,
        #[wasm_bindgen(unchecked_param_type = "OptinEvent[]")] events: JsValue,
    ) -> Promise {
        self.record_events(events, true)
    }

    fn record_events(&self, value: JsValue, many: bool) -> Promise {
        let events = match self
            .shared
            .with_core(|c| events::parse(&value, many, c.manifest()))
        {
            Ok(e) => e,
            Err(e) => return reject(e),
        };
        self.shared.enqueue(move |s| {
            Box::pin(async move {
                let outcomes = s
                    .write(|core, now| {
                        // record() names its argument `event`, recordMany() `events[i]`.
                        let mut events = events;
                        let plan = if !many && events.len() == 1 {
                            core.plan_record_one(events.remove(0), now)
                        } else {
                            core.plan_record(events, now)
                        };
                        plan.map_err(to_js)
                    })
                    .await?;
                let stored = outcomes.iter().filter(|o| o.stored).count();
                if stored > 0 {
                    s.notify_kind("data");
                }
                if many {
                    to_js_value(&RecordSummary {
                        stored,
                        dropped: outcomes.len() - stored,
                    })
                } else {
                    outcomes.first().map_or(Ok(JsValue::UNDEFINED), to_js_value)
                }
            })
        })
    }

    /// The user corrects their profile: `{ event: id }` deletes one event, `{ events: ids }`
    /// several in one write (all or, if the write fails, none), `{ item }` every event about
    /// an item, `{ feature }` blocks a feature for good (it is never used again).
    ///
    /// ```ts
    /// // "Forget this interest": the events behind it, without blocking the topic.
    /// const ids = p.explainInterest("topic:health").map((e) => e.id);
    /// const { removedEvents } = await p.forget({ events: ids });
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Promise<ForgetSummary>")]
    pub fn forget(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "{ event: string } | { events: string[] } | { item: string } | { feature: string }"
        )]
        what: JsValue,
    ) -> Promise {
        let request = match forget_request(&what) {
            Ok(r) => r,
            Err(e) => return reject(e),
        };
        self.shared.enqueue(move |s| {
            Box::pin(async move {
                let summary = s
                    .write(|core, now| core.plan_forget(&request, now).map_err(to_js))
                    .await?;
                s.notify_kind("data");
                to_js_value(&summary)
            })
        })
    }

    /// The user changes their mind about `forget({ feature })`: the feature is used again,
    /// learned from the events still stored. Resolves `true` if it was blocked.
    ///
    /// ```ts
    /// await p.unblock("topic:health");
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Promise<boolean>")]
    pub fn unblock(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] feature: JsValue,
    ) -> Promise {
        let feature = match string_arg(&feature, "feature", 256) {
            Ok(f) if crate::validate::is_name(&f) => f,
            Ok(_) => return reject(optin_error("invalid-argument", NOT_A_FEATURE)),
            Err(e) => return reject(to_js(e)),
        };
        self.shared.enqueue(move |s| {
            Box::pin(async move {
                let was_blocked = s
                    .write(|core, now| core.plan_unblock(&feature, now).map_err(to_js))
                    .await?;
                if was_blocked {
                    s.notify_kind("data");
                }
                Ok(JsValue::from_bool(was_blocked))
            })
        })
    }

    /// Sets the catalog from item objects: `{ id, features?, embedding?, baseline?, group? }`.
    /// Convenient; for large catalogs use `setCatalogPacked`.
    ///
    /// ```ts
    /// p.setCatalog([{ id: "a-1", features: { "topic:science": 1 }, baseline: 120, group: "wire" }]);
    /// ```
    #[wasm_bindgen(js_name = setCatalog)]
    pub fn set_catalog(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CatalogItem[]")] items: JsValue,
    ) -> Result<(), JsValue> {
        let limits = super::convert::Limits {
            max_depth: 6,
            max_string: 64 * 1024,
            max_nodes: 20_000_000,
        };
        // A value JSON can't hold (NaN, a function) is a malformed catalog like any other.
        let json = to_json(&items, "items", limits).map_err(|e| match e {
            super::error::InputError::Invalid { path, message } => to_js(
                crate::error::CatalogError(crate::error::FieldError::new(path, message)),
            ),
            other => to_js(other),
        })?;
        let catalog = crate::rank::Catalog::from_items(&json).map_err(to_js)?;
        self.shared.with_core(|c| {
            c.set_catalog(catalog);
            Ok(())
        })
    }

    /// Sets the catalog from typed arrays: the fast path (no per-item objects).
    ///
    /// ```ts
    /// p.setCatalogPacked({ ids, featureNames, featureOffsets, featureIds, featureValues, embeddings, dim: 32, baseline });
    /// ```
    #[wasm_bindgen(js_name = setCatalogPacked)]
    pub fn set_catalog_packed(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PackedCatalog")] packed: JsValue,
    ) -> Result<(), JsValue> {
        // The old catalog's ranking caches go before the new one is copied in beside it.
        self.shared.with_core(|c| {
            c.release_catalog_caches();
            Ok(())
        })?;
        let packed = super::ranking::packed(&packed)?;
        let catalog = crate::rank::Catalog::from_packed(packed).map_err(to_js)?;
        self.shared.with_core(|c| {
            c.set_catalog(catalog);
            Ok(())
        })
    }

    /// Ranks the candidates (default: the whole catalog) for this user: personalized by the
    /// granted modules, the baseline order without them. Each result says why.
    ///
    /// ```ts
    /// for (const r of p.rank(undefined, { limit: 10 })) console.log(r.id, r.rank, r.baselineRank, r.reasons);
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Ranked[]")]
    pub fn rank(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[] | null")] candidates: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RankOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let ranked = self.ranking(&candidates, &options, |c, candidates, options, now| {
            c.rank(candidates, options, now)
        })?;
        super::convert::to_js_value(&ranked)
    }

    /// The sandbox: what the modules would do for a sample persona (by id) or given events,
    /// on a throwaway profile. Never reads or writes the real profile, consent or storage.
    ///
    /// ```ts
    /// const { baseline, personalized, moves } = p.preview("science-fan", { limit: 10 });
    /// ```
    #[wasm_bindgen(unchecked_return_type = "PreviewResult")]
    pub fn preview(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | OptinEvent[]")] sample: JsValue,
        #[wasm_bindgen(unchecked_param_type = "PreviewOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let rank_options = super::ranking::options(&options)?;
        let modules = if options.is_object() {
            super::ranking::string_list(&options, "modules")?
        } else {
            None
        };
        let candidates = if options.is_object() {
            super::ranking::string_list(&options, "candidates")?
        } else {
            None
        };
        let sample = match sample.as_string() {
            Some(id) => crate::personalizer::Sample::Persona(id),
            None => crate::personalizer::Sample::Events(
                self.shared
                    .with_core(|c| events::parse(&sample, true, c.manifest()))?,
            ),
        };
        let now = self.shared.now()?;
        let preview = self.shared.with_core(|c| {
            c.preview(
                &sample,
                modules.as_deref(),
                candidates.as_deref(),
                &rank_options,
                now,
            )
            .map_err(to_js)
        })?;
        super::convert::to_js_value(&preview)
    }

    /// A locally differentially private report of `value` for a declared metric: only while a
    /// module with `shares: true` is granted, only within the privacy budget (code
    /// `budget-exhausted` past it). Resolves once the budget spend is stored. The report is
    /// returned to the app; optin sends nothing.
    ///
    /// ```ts
    /// const report = await p.privateReport("feed-helpful", true);
    /// ```
    #[wasm_bindgen(js_name = privateReport, unchecked_return_type = "Promise<Report>")]
    pub fn private_report(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] metric_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "boolean | string | number")] value: JsValue,
    ) -> Promise {
        let metric = match string_arg(&metric_id, "metricId", 256) {
            Ok(m) => m,
            Err(e) => return reject(to_js(e)),
        };
        let value = match to_json(&value, "value", Limits::DOCUMENT) {
            Ok(v) => v,
            Err(e) => return reject(to_js(e)),
        };
        self.shared.enqueue(move |s| {
            Box::pin(async move {
                if !crate::report::SecureRandom::available() {
                    return Err(to_js(crate::error::ReportError::NoRandomness));
                }
                let report = s
                    .write(|core, now| {
                        let mut rng = s
                            .random
                            .try_borrow_mut()
                            .map_err(|_| optin_error("invalid-argument", "busy"))?;
                        core.plan_private_report(&metric, &value, now, &mut *rng)
                            .map_err(to_js)
                    })
                    .await?;
                super::convert::to_js_value(&report)
            })
        })
    }

    /// The privacy budget of the current period (`null` if the manifest declares no metrics).
    #[wasm_bindgen(js_name = privacyBudget, unchecked_return_type = "BudgetInfo | null")]
    pub fn privacy_budget(&self) -> Result<JsValue, JsValue> {
        let now = self.shared.now()?;
        self.shared
            .with_core(|c| super::convert::to_js_value(&c.privacy_budget(now)))
    }

    /// The exposure audit: for every sample persona, in the sandbox, how much exposure each
    /// group of items gets in the baseline, personalized and (with `exposure`) mitigated
    /// rankings, with flags for groups below `threshold` of their catalog share.
    ///
    /// ```ts
    /// const a = p.audit({ limit: 10, threshold: 0.8, exposure: { minShare: { local: 0.3 } } });
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Audit")]
    pub fn audit(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AuditOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let mut audit_options = crate::personalizer::AuditOptions::default();
        if !(options.is_undefined() || options.is_null()) {
            let rank_options = super::ranking::options(&options)?;
            audit_options.limit = if js_sys::Reflect::get(&options, &"limit".into())
                .is_ok_and(|v| !v.is_undefined())
            {
                rank_options.limit
            } else {
                10
            };
            audit_options.personas = super::ranking::string_list(&options, "personas")?;
            let threshold =
                js_sys::Reflect::get(&options, &"threshold".into()).unwrap_or(JsValue::UNDEFINED);
            if !threshold.is_undefined() {
                audit_options.threshold = threshold
                    .as_f64()
                    .filter(|t| (0.0..=10.0).contains(t))
                    .ok_or_else(|| {
                    optin_error(
                        "invalid-argument",
                        "options.threshold: expected a number from 0 to 10",
                    )
                })?;
            }
        }
        let now = self.shared.now()?;
        let audit = self.shared.with_core(|c| {
            if options.is_object() {
                audit_options.exposure = super::ranking::exposure(&options, c.catalog())?;
            }
            c.audit(&audit_options, now).map_err(to_js)
        })?;
        super::convert::to_js_value(&audit)
    }

    /// The stored events behind an interest, newest first.
    #[wasm_bindgen(js_name = explainInterest, unchecked_return_type = "StoredEventView[]")]
    pub fn explain_interest(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] feature: JsValue,
    ) -> Result<JsValue, JsValue> {
        let feature = string_arg(&feature, "feature", 256).map_err(to_js)?;
        if !crate::validate::is_name(&feature) {
            return Err(optin_error("invalid-argument", NOT_A_FEATURE));
        }
        let now = self.shared.now()?;
        self.shared
            .with_core(|c| to_js_value(&c.explain_interest(&feature, c.catalog(), now)))
    }

    /// Per data category: how many events, the oldest, when it will be deleted, which modules use it.
    #[wasm_bindgen(unchecked_return_type = "Inventory")]
    pub fn inventory(&self) -> Result<JsValue, JsValue> {
        let now = self.shared.now()?;
        self.shared.with_core(|c| to_js_value(&c.inventory(now)))
    }

    /// What the benefit check measured, per module the user turned on that personalizes.
    #[wasm_bindgen(unchecked_return_type = "ModuleBenefit[]")]
    pub fn benefit(&self) -> Result<JsValue, JsValue> {
        let now = self.shared.now()?;
        self.shared.with_core(|c| to_js_value(&c.benefit(now)))
    }

    /// The profile derived from the stored events, per granted module.
    #[wasm_bindgen(unchecked_return_type = "Profile")]
    pub fn profile(&self) -> Result<JsValue, JsValue> {
        let now = self.shared.now()?;
        self.shared
            .with_core(|c| to_js_value(&c.catalog_profile(now)))
    }

    /// Everything optin holds about the user, as JSON a person can read.
    #[wasm_bindgen(js_name = exportData, unchecked_return_type = "Promise<ExportData>")]
    pub fn export_data(&self) -> Promise {
        let result = self.shared.now().and_then(|now| {
            self.shared
                .with_core(|c| to_js_value(&c.export_data(c.catalog(), now)))
        });
        result.map_or_else(reject, |v| Promise::resolve(&v))
    }

    /// Deletes everything: events, profile, consent, blocks, and the encryption key.
    #[wasm_bindgen(js_name = eraseAll, unchecked_return_type = "Promise<void>")]
    pub fn erase_all(&self) -> Promise {
        self.shared.enqueue(|s| {
            Box::pin(async move {
                s.erase_all().await?;
                s.notify_kind("erased");
                Ok(JsValue::UNDEFINED)
            })
        })
    }

    /// Calls `listener` with every change (consent, data, erased, reload from another tab);
    /// returns a function that unsubscribes it.
    ///
    /// ```ts
    /// const off = p.onChange((change) => render());
    /// off();
    /// ```
    #[wasm_bindgen(js_name = onChange, unchecked_return_type = "() => void")]
    pub fn on_change(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(change: OptinChange) => void")] listener: JsValue,
    ) -> Result<JsValue, JsValue> {
        let listener: Function = listener
            .dyn_into()
            .map_err(|_| optin_error("invalid-argument", "listener: expected a function"))?;
        self.shared.with_core(|_| Ok(()))?;
        Ok(self.shared.listeners.add(listener))
    }

    /// Whether storage was opened and read cleanly; problems in words.
    #[wasm_bindgen(unchecked_return_type = "Health")]
    pub fn health(&self) -> Result<JsValue, JsValue> {
        let extra = self
            .shared
            .extra_problems
            .try_borrow()
            .map(|p| p.clone())
            .unwrap_or_default();
        self.shared.with_core(|c| {
            let mut health = c.health();
            health.problems.extend(extra);
            health.ok = health.problems.is_empty();
            to_js_value(&health)
        })
    }

    /// Where the data is kept: `"indexeddb"` or `"memory"`.
    #[wasm_bindgen(getter, unchecked_return_type = "\"indexeddb\" | \"memory\"")]
    pub fn storage(&self) -> String {
        self.shared
            .backend
            .try_borrow()
            .map(|b| b.kind())
            .unwrap_or("memory")
            .to_owned()
    }

    /// The storage namespace.
    #[wasm_bindgen(getter)]
    pub fn namespace(&self) -> String {
        self.shared.setup.namespace.clone()
    }

    /// The policy version of the manifest in use.
    #[wasm_bindgen(getter, js_name = policyVersion)]
    pub fn policy_version(&self) -> String {
        self.shared.setup.manifest.policy_version.clone()
    }

    /// Closes the instance: later calls throw `OptinError` with code `closed`.
    pub fn close(&self) -> Result<(), JsValue> {
        self.shared.with_core(|_| Ok(()))?;
        self.shared.close();
        Ok(())
    }
}

fn forget_request(what: &JsValue) -> Result<ForgetRequest, JsValue> {
    let invalid = || {
        optin_error(
            "invalid-argument",
            "forget: expected exactly one of { event }, { events }, { item } or { feature }",
        )
    };
    let json = to_json(what, "what", Limits::DOCUMENT).map_err(to_js)?;
    let map = json
        .as_object()
        .filter(|m| m.len() == 1)
        .ok_or_else(invalid)?;
    let (key, value) = map.iter().next().ok_or_else(invalid)?;
    if key == "events" {
        return forget_events(value);
    }
    let text = match value {
        Value::String(s) if key == "event" || crate::validate::is_name(s) => s.clone(),
        _ => {
            return Err(optin_error(
                "invalid-argument",
                &format!("forget: {key}: not a name"),
            ))
        }
    };
    match key.as_str() {
        "event" => text
            .parse()
            .map(ForgetRequest::Event)
            .map_err(|_| optin_error("invalid-argument", "forget: unknown event id")),
        "item" => Ok(ForgetRequest::Item(text)),
        "feature" => Ok(ForgetRequest::Feature(text)),
        _ => Err(invalid()),
    }
}

/// `{ events: ids }`: every id as `forget({ event })` takes it. `to_json`'s node limit bounds
/// how many.
fn forget_events(value: &Value) -> Result<ForgetRequest, JsValue> {
    let bad = |m: &str| optin_error("invalid-argument", &format!("forget: events{m}"));
    let list = value
        .as_array()
        .ok_or_else(|| bad(" must be an array of event ids"))?;
    let mut ids = Vec::with_capacity(list.len());
    for (i, id) in list.iter().enumerate() {
        let id = id
            .as_str()
            .and_then(|s| s.parse::<u64>().ok())
            .ok_or_else(|| bad(&format!("[{i}]: not an event id")))?;
        ids.push(id);
    }
    Ok(ForgetRequest::Events(ids.into_iter().collect()))
}

#[derive(serde::Serialize)]
struct ChangeEvent<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    change: &'a ConsentChange,
}

fn notify(shared: &Shared, changes: &[ConsentChange]) {
    for change in changes {
        if let Ok(value) = to_js_value(&ChangeEvent {
            kind: "consent",
            change,
        }) {
            shared.listeners.emit(&value);
        }
    }
}
