//! The exported `Personalizer` class: validation and conversion around the core.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

use super::convert::{string_arg, to_js_value, to_json, Limits};
use super::error::{optin_error, to_js, InputError};
use super::listeners::Listeners;
use super::options::{self, Clock, StorageKind};
use crate::ids::RandomIds;
use crate::manifest::Manifest;
use crate::personalizer::{ConsentChange, OpenConfig, Personalizer as Core};
use crate::store::MemoryStore;

struct Inner {
    core: Core,
    store: MemoryStore,
}

/// An opened personalization runtime for one app and one user.
#[wasm_bindgen]
pub struct Personalizer {
    inner: Rc<RefCell<Option<Inner>>>,
    clock: Clock,
    namespace: String,
    listeners: Listeners,
}

fn reject(err: JsValue) -> Promise {
    Promise::reject(&err)
}

#[wasm_bindgen]
impl Personalizer {
    /// Validates the manifest and opens the user's profile and consent.
    ///
    /// ```ts
    /// const p = await Personalizer.open(manifest, { storage: "memory", locale: "de" });
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
        if options.storage == StorageKind::IndexedDb {
            return Err(optin_error(
                "storage-unavailable",
                "IndexedDB storage is not available in this build yet; use { storage: \"memory\" }",
            ));
        }
        let now = options.clock.now()?;
        let config = OpenConfig::new(options.locale, options.gpc, now);
        let mut store = MemoryStore::new();
        let core = Core::open_store(manifest, &mut store, config, Box::new(RandomIds::default()))
            .map_err(to_js)?;
        Ok(Personalizer {
            inner: Rc::new(RefCell::new(Some(Inner { core, store }))),
            clock: options.clock,
            namespace: options.namespace,
            listeners: Listeners::default(),
        })
    }

    /// Runs `f` on the open instance. Never panics: a closed instance or a re-entrant call
    /// (a listener calling back while a change is being applied) is an error.
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> Result<T, JsValue>) -> Result<T, JsValue> {
        let mut guard = self.inner.try_borrow_mut().map_err(|_| {
            optin_error(
                "invalid-argument",
                "this Personalizer is busy (called from inside its own callback)",
            )
        })?;
        let inner = guard.as_mut().ok_or_else(|| to_js(InputError::Closed))?;
        f(inner)
    }

    /// The modules with their consent state, texts in `locale` (default: the open locale).
    ///
    /// ```ts
    /// for (const m of p.modules("de")) console.log(m.title, m.state);
    /// ```
    #[wasm_bindgen(unchecked_return_type = "ModuleInfo[]")]
    pub fn modules(&self, locale: Option<String>) -> Result<JsValue, JsValue> {
        if let Some(l) = &locale {
            if !crate::manifest::is_locale_tag(l) {
                return Err(optin_error(
                    "invalid-argument",
                    "locale: expected a locale tag like \"en\" or \"de-AT\"",
                ));
            }
        }
        let now = self.clock.now()?;
        self.with(|i| to_js_value(&i.core.modules(locale.as_deref(), now)))
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
    /// erased before the promise resolves.
    #[wasm_bindgen(unchecked_return_type = "Promise<ConsentRecord>")]
    pub fn revoke(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] module_id: JsValue,
    ) -> Promise {
        self.decide(module_id, false)
    }

    fn decide(&self, module_id: JsValue, give: bool) -> Promise {
        let result = (|| {
            let id = string_arg(&module_id, "moduleId", 1024).map_err(to_js)?;
            let now = self.clock.now()?;
            let change = self.with(|i| {
                let plan = if give {
                    i.core.plan_grant(&id, now)
                } else {
                    i.core.plan_revoke(&id, now)
                }
                .map_err(to_js)?;
                i.core.commit(&mut i.store, plan).map_err(to_js)
            })?;
            self.notify(std::slice::from_ref(&change));
            to_js_value(&change.record)
        })();
        result.map_or_else(reject, |v| Promise::resolve(&v))
    }

    /// Every consent record, oldest first.
    #[wasm_bindgen(js_name = consentRecords, unchecked_return_type = "ConsentRecord[]")]
    pub fn consent_records(&self) -> Result<JsValue, JsValue> {
        self.with(|i| to_js_value(&i.core.consent_records()))
    }

    /// The consent records, to carry the user's choices to another device.
    #[wasm_bindgen(js_name = exportConsent, unchecked_return_type = "ConsentRecord[]")]
    pub fn export_consent(&self) -> Result<JsValue, JsValue> {
        self.consent_records()
    }

    /// Merges records exported on another device: per module the latest decision wins, a
    /// withdrawal wins a tie, a grant for a different notice becomes `invalidated`, and under
    /// Global Privacy Control no sharing module is granted. Malformed input is rejected whole.
    #[wasm_bindgen(js_name = importConsent, unchecked_return_type = "Promise<ImportSummary>")]
    pub fn import_consent(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConsentRecord[]")] records: JsValue,
    ) -> Promise {
        let result = (|| {
            let json = to_json(&records, "records", Limits::DOCUMENT).map_err(to_js)?;
            let now = self.clock.now()?;
            let (summary, changes) = self.with(|i| {
                let plan = i.core.plan_import(&json, now).map_err(to_js)?;
                i.core.commit(&mut i.store, plan).map_err(to_js)
            })?;
            self.notify(&changes);
            to_js_value(&summary)
        })();
        result.map_or_else(reject, |v| Promise::resolve(&v))
    }

    /// Tells optin the user was shown these modules' notices (all optional ones by default),
    /// for the time-to-decision metric. Stays on the device.
    #[wasm_bindgen(js_name = noticeViewed, unchecked_return_type = "Promise<void>")]
    pub fn notice_viewed(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] module_ids: JsValue,
    ) -> Promise {
        let result = (|| {
            let now = self.clock.now()?;
            let ids: Vec<String> = if module_ids.is_undefined() || module_ids.is_null() {
                self.with(|i| {
                    Ok(i.core
                        .manifest()
                        .modules
                        .iter()
                        .filter(|m| !m.essential)
                        .map(|m| m.id.clone())
                        .collect())
                })?
            } else {
                serde_json::from_value(
                    to_json(&module_ids, "moduleIds", Limits::DOCUMENT).map_err(to_js)?,
                )
                .map_err(|_| {
                    optin_error(
                        "invalid-argument",
                        "moduleIds: expected an array of module ids",
                    )
                })?
            };
            self.with(|i| {
                let plan = i.core.plan_notice_viewed(&ids, now).map_err(to_js)?;
                i.core.commit(&mut i.store, plan).map_err(to_js)
            })
        })();
        result.map_or_else(reject, |()| Promise::resolve(&JsValue::UNDEFINED))
    }

    /// Grants, withdrawals, re-grants and time to decide, per optional module.
    #[wasm_bindgen(js_name = consentMetrics, unchecked_return_type = "ModuleConsentMetrics[]")]
    pub fn consent_metrics(&self) -> Result<JsValue, JsValue> {
        self.with(|i| to_js_value(&i.core.consent_metrics()))
    }

    /// Calls `listener` with every consent change; returns a function that unsubscribes it.
    ///
    /// ```ts
    /// const off = p.onChange((change) => render(change.module, change.state));
    /// off();
    /// ```
    #[wasm_bindgen(js_name = onChange, unchecked_return_type = "() => void")]
    pub fn on_change(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(change: ConsentChange) => void")] listener: JsValue,
    ) -> Result<JsValue, JsValue> {
        let listener: Function = listener
            .dyn_into()
            .map_err(|_| optin_error("invalid-argument", "listener: expected a function"))?;
        self.with(|_| Ok(()))?;
        Ok(self.listeners.add(listener))
    }

    /// Whether storage was read cleanly; problems in words.
    #[wasm_bindgen(unchecked_return_type = "Health")]
    pub fn health(&self) -> Result<JsValue, JsValue> {
        self.with(|i| to_js_value(&i.core.health()))
    }

    /// The policy version of the manifest in use.
    #[wasm_bindgen(getter, js_name = policyVersion)]
    pub fn policy_version(&self) -> Result<String, JsValue> {
        self.with(|i| Ok(i.core.manifest().policy_version.clone()))
    }

    /// The storage namespace this instance uses.
    #[wasm_bindgen(getter)]
    pub fn namespace(&self) -> String {
        self.namespace.clone()
    }

    /// Closes the instance: later calls throw `OptinError` with code `closed`.
    pub fn close(&self) -> Result<(), JsValue> {
        self.with(|_| Ok(()))?;
        if let Ok(mut guard) = self.inner.try_borrow_mut() {
            *guard = None;
        }
        self.listeners.clear();
        Ok(())
    }

    fn notify(&self, changes: &[ConsentChange]) {
        for change in changes {
            if let Ok(value) = to_js_value(&ChangeEvent {
                kind: "consent",
                change,
            }) {
                self.listeners.emit(&value);
            }
        }
    }
}

#[derive(serde::Serialize)]
struct ChangeEvent<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    change: &'a ConsentChange,
}
