//! The IndexedDB store: one database per namespace, every record encrypted.
//!
//! Layout: object store `records` maps an opaque name (HMAC of the logical key) to
//! `[schema version][iv][AES-GCM(logical key + value)]`, with the name and version bound as
//! additional data, so records can't be read, renamed or swapped. Object store `meta` holds
//! the two non-extractable keys and a write generation (a counter, for other tabs).
//!
//! Each commit does all its crypto first, then opens one transaction and issues every request
//! without awaiting in between (IndexedDB commits a transaction once control returns to the
//! event loop with nothing pending), then waits for it to complete.

use crate::sorted::SortedMap;
use std::cell::RefCell;

use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DomException, IdbDatabase, IdbFactory, IdbObjectStore, IdbRequest, IdbTransaction,
    IdbTransactionMode,
};

use super::crypto::{envelope, unwrap_envelope, Keys};
use crate::error::StoreError;
use crate::store::{WriteBatch, WriteOp, SCHEMA_VERSION, UNREADABLE_PREFIX};

const RECORDS: &str = "records";
const META: &str = "meta";

/// Why the database could not be used.
pub enum OpenFailure {
    /// It was written by a newer schema: don't touch it.
    Newer,
    /// IndexedDB is missing, blocked or broken.
    Unavailable(String),
}

/// An opened, encrypted IndexedDB database.
pub struct IdbStore {
    db: IdbDatabase,
    keys: RefCell<Option<Keys>>,
    /// Logical key -> database name, for every record this instance knows of.
    names: RefCell<SortedMap<String, String>>,
    generation: RefCell<f64>,
}

fn factory() -> Result<IdbFactory, String> {
    Reflect::get(&js_sys::global(), &JsValue::from_str("indexedDB"))
        .ok()
        .and_then(|f| f.dyn_into::<IdbFactory>().ok())
        .ok_or_else(|| "IndexedDB is not available here".to_owned())
}

fn describe(err: &JsValue) -> String {
    // An Error by its name and message, anything else as JSON. (Not `{:?}`: JsValue's Debug
    // brings a JS formatter of its own into the package.)
    let named = |e: &js_sys::Error| format!("{}: {}", e.name(), e.message());
    err.dyn_ref::<DomException>()
        .map(|e| format!("{}: {}", e.name(), e.message()))
        .or_else(|| err.dyn_ref::<js_sys::Error>().map(named))
        .or_else(|| err.as_string())
        .or_else(|| {
            js_sys::JSON::stringify(err)
                .ok()
                .and_then(|s| s.as_string())
        })
        .unwrap_or_else(|| "an unknown error".to_owned())
}

fn store_error(err: &JsValue) -> StoreError {
    match err.dyn_ref::<DomException>() {
        Some(e) if e.name() == "QuotaExceededError" => StoreError::Full(e.message()),
        _ => StoreError::Failed(describe(err)),
    }
}

/// Resolves with a request's result once it succeeds. The handlers are attached now, when
/// this is called, so call it for every request before awaiting any of them.
fn request(req: &IdbRequest) -> JsFuture {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        let ok = req.clone();
        let fail = req.clone();
        let on_success = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &ok.result().unwrap_or(JsValue::UNDEFINED));
        });
        let on_error = Closure::once_into_js(move || {
            let err = fail
                .error()
                .ok()
                .flatten()
                .map(JsValue::from)
                .unwrap_or(JsValue::UNDEFINED);
            let _ = reject.call1(&JsValue::NULL, &err);
        });
        req.set_onsuccess(Some(on_success.unchecked_ref()));
        req.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise)
}

/// Resolves when a transaction completes; rejects with its error when it aborts.
async fn finished(tx: &IdbTransaction) -> Result<(), JsValue> {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        let on_complete = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let failed = tx.clone();
        let reject2 = reject.clone();
        let failed2 = tx.clone();
        let on_error = Closure::once_into_js(move || {
            let err = failed
                .error()
                .map(JsValue::from)
                .unwrap_or(JsValue::UNDEFINED);
            let _ = reject.call1(&JsValue::NULL, &err);
        });
        let on_abort = Closure::once_into_js(move || {
            let err = failed2
                .error()
                .map(JsValue::from)
                .unwrap_or_else(|| JsValue::from_str("transaction aborted"));
            let _ = reject2.call1(&JsValue::NULL, &err);
        });
        tx.set_oncomplete(Some(on_complete.unchecked_ref()));
        tx.set_onerror(Some(on_error.unchecked_ref()));
        tx.set_onabort(Some(on_abort.unchecked_ref()));
    });
    JsFuture::from(promise).await.map(|_| ())
}

/// The database name of a namespace.
pub fn database_name(namespace: &str) -> String {
    format!("optin:{namespace}")
}

impl IdbStore {
    /// Opens (creating if needed) the database of `namespace`.
    pub async fn open(namespace: &str) -> Result<IdbStore, OpenFailure> {
        let factory = factory().map_err(OpenFailure::Unavailable)?;
        let req = factory
            .open_with_u32(&database_name(namespace), SCHEMA_VERSION)
            .map_err(|e| OpenFailure::Unavailable(describe(&e)))?;
        let upgrade_req = req.clone();
        let on_upgrade = Closure::once_into_js(move || {
            // Migrations go here, keyed on the old version; version 1 creates the stores.
            if let Ok(db) = upgrade_req
                .result()
                .and_then(|r| r.dyn_into::<IdbDatabase>())
            {
                let names = db.object_store_names();
                for store in [RECORDS, META] {
                    if !names.contains(store) {
                        let _ = db.create_object_store(store);
                    }
                }
            }
        });
        req.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
        let db = match request(&req).await {
            Ok(db) => db
                .dyn_into::<IdbDatabase>()
                .map_err(|_| OpenFailure::Unavailable("not a database".into()))?,
            Err(e)
                if e.dyn_ref::<DomException>()
                    .is_some_and(|d| d.name() == "VersionError") =>
            {
                return Err(OpenFailure::Newer)
            }
            Err(e) => return Err(OpenFailure::Unavailable(describe(&e))),
        };
        // Another tab upgrading the schema must not be blocked by us: step aside.
        let closing = db.clone();
        let on_version_change = Closure::<dyn FnMut()>::new(move || closing.close());
        db.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
        on_version_change.forget();
        Ok(IdbStore {
            db,
            keys: RefCell::new(None),
            names: RefCell::new(SortedMap::new()),
            generation: RefCell::new(0.0),
        })
    }

    fn transaction(
        &self,
        mode: IdbTransactionMode,
    ) -> Result<(IdbTransaction, IdbObjectStore, IdbObjectStore), JsValue> {
        let stores = Array::of2(&RECORDS.into(), &META.into());
        let tx = self
            .db
            .transaction_with_str_sequence_and_mode(&stores, mode)?;
        let records = tx.object_store(RECORDS)?;
        let meta = tx.object_store(META)?;
        Ok((tx, records, meta))
    }

    /// The write generation stored by the last writer (any tab).
    pub async fn stored_generation(&self) -> Result<f64, StoreError> {
        let (_, _, meta) = self
            .transaction(IdbTransactionMode::Readonly)
            .map_err(|e| store_error(&e))?;
        let req = meta
            .get(&"generation".into())
            .map_err(|e| store_error(&e))?;
        Ok(request(&req)
            .await
            .map_err(|e| store_error(&e))?
            .as_f64()
            .unwrap_or(0.0))
    }

    /// The generation this instance last read or wrote.
    pub fn known_generation(&self) -> f64 {
        self.generation.try_borrow().map(|g| *g).unwrap_or(-1.0)
    }

    /// Reads and decrypts every record. Records that fail to decrypt (tampered, or written
    /// under a key that is gone) are reported as `unreadable/<name>` with no value.
    pub async fn load(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let fail = |e: JsValue| store_error(&e);
        let (_, records, meta) = self
            .transaction(IdbTransactionMode::Readonly)
            .map_err(fail)?;
        // Every request is issued, and its handlers attached, before the first await.
        let names_req = records.get_all_keys().map_err(fail)?;
        let values_req = records.get_all().map_err(fail)?;
        let aes_req = meta.get(&"aes".into()).map_err(fail)?;
        let hmac_req = meta.get(&"hmac".into()).map_err(fail)?;
        let generation_req = meta.get(&"generation".into()).map_err(fail)?;
        let [names, values, aes, hmac, generation] = [
            &names_req,
            &values_req,
            &aes_req,
            &hmac_req,
            &generation_req,
        ]
        .map(request);
        let names: Array = names.await.map_err(fail)?.unchecked_into();
        let values: Array = values.await.map_err(fail)?.unchecked_into();
        let aes = aes.await.map_err(fail)?;
        let hmac = hmac.await.map_err(fail)?;
        let generation = generation.await.map_err(fail)?.as_f64().unwrap_or(0.0);
        let keys = match (aes.dyn_into(), hmac.dyn_into()) {
            (Ok(aes), Ok(hmac)) => Some(Keys { aes, hmac }),
            _ => None,
        };
        let mut out = Vec::with_capacity(names.length() as usize);
        let mut known = SortedMap::new();
        for (name, value) in names.iter().zip(values.iter()) {
            let Some(name) = name.as_string() else {
                continue;
            };
            let sealed = value
                .dyn_into::<Uint8Array>()
                .map(|v| v.to_vec())
                .unwrap_or_default();
            let plain = match &keys {
                Some(k) => k.open(&name, &sealed).await.ok(),
                None => None,
            };
            match plain
                .and_then(|(version, p)| (u32::from(version) <= SCHEMA_VERSION).then_some(p))
                .as_deref()
                .and_then(unwrap_envelope)
            {
                Some((logical, value)) => {
                    known.insert(logical.clone(), name);
                    out.push((logical, value));
                }
                None => {
                    let reported = format!("{UNREADABLE_PREFIX}{name}");
                    known.insert(reported.clone(), name);
                    out.push((reported, Vec::new()));
                }
            }
        }
        crate::sort::sort_by(&mut out, |a, b| a.0.cmp(&b.0));
        *self
            .names
            .try_borrow_mut()
            .map_err(|_| StoreError::Failed("store busy".into()))? = known;
        *self
            .keys
            .try_borrow_mut()
            .map_err(|_| StoreError::Failed("store busy".into()))? = keys;
        *self
            .generation
            .try_borrow_mut()
            .map_err(|_| StoreError::Failed("store busy".into()))? = generation;
        Ok(out)
    }

    /// Commits a batch in one transaction; nothing changes if it fails.
    pub async fn commit(&self, batch: &WriteBatch) -> Result<(), StoreError> {
        let fail = |e: JsValue| store_error(&e);
        let busy = || StoreError::Failed("store busy".into());
        // 1. Crypto first: names and ciphertexts for every put, with fresh keys if needed.
        let current_keys = self.keys.try_borrow().map_err(|_| busy())?.clone();
        let clears = batch.ops.iter().any(|op| matches!(op, WriteOp::Clear));
        let puts = batch.ops.iter().any(|op| matches!(op, WriteOp::Put(..)));
        let (keys, new_keys) = match current_keys {
            Some(k) if !clears => (Some(k), false),
            _ if puts => (Some(Keys::generate().await.map_err(fail)?), true),
            _ => (None, false),
        };
        let mut names = self.names.try_borrow().map_err(|_| busy())?.clone();
        if clears {
            names.clear();
        }
        enum Req {
            Put(String, Vec<u8>),
            Delete(String),
            ClearAll,
        }
        let mut requests = Vec::with_capacity(batch.ops.len());
        for op in &batch.ops {
            match op {
                WriteOp::Put(logical, value) => {
                    let Some(keys) = &keys else { continue };
                    let name = match names.get(logical) {
                        Some(n) => n.clone(),
                        None => keys.name(logical).await.map_err(fail)?,
                    };
                    let sealed = keys
                        .seal(&name, SCHEMA_VERSION as u8, &envelope(logical, value))
                        .await
                        .map_err(fail)?;
                    names.insert(logical.clone(), name.clone());
                    requests.push(Req::Put(name, sealed));
                }
                WriteOp::Delete(logical) => {
                    if let Some(name) = names.remove(logical) {
                        requests.push(Req::Delete(name));
                    }
                }
                WriteOp::DeletePrefix(prefix) => {
                    let doomed: Vec<String> = names
                        .range(prefix.clone()..)
                        .take_while(|(k, _)| k.starts_with(prefix.as_str()))
                        .map(|(k, _)| k.clone())
                        .collect();
                    for logical in doomed {
                        if let Some(name) = names.remove(&logical) {
                            requests.push(Req::Delete(name));
                        }
                    }
                }
                WriteOp::Clear => requests.push(Req::ClearAll),
            }
        }
        // 2. One transaction, every request issued synchronously.
        // Writes run under the namespace lock after `refresh_if_stale` read the stored
        // generation, so the one this instance knows is current.
        let generation = self.known_generation() + 1.0;
        let (tx, records, meta) = self
            .transaction(IdbTransactionMode::Readwrite)
            .map_err(fail)?;
        let issue = || -> Result<(), JsValue> {
            for r in &requests {
                match r {
                    Req::Put(name, sealed) => {
                        records.put_with_key(
                            &Uint8Array::from(sealed.as_slice()),
                            &JsValue::from_str(name),
                        )?;
                    }
                    Req::Delete(name) => {
                        records.delete(&JsValue::from_str(name))?;
                    }
                    Req::ClearAll => {
                        records.clear()?;
                        meta.clear()?;
                    }
                }
            }
            if let (true, Some(k)) = (new_keys, &keys) {
                meta.put_with_key(&k.aes, &"aes".into())?;
                meta.put_with_key(&k.hmac, &"hmac".into())?;
            }
            // After a clear the database stays empty; a missing counter reads as 0, which
            // other tabs see as a change.
            if !clears || puts {
                meta.put_with_key(&JsValue::from_f64(generation), &"generation".into())?;
            }
            Ok(())
        };
        if let Err(e) = issue() {
            let _ = tx.abort();
            return Err(fail(e));
        }
        finished(&tx).await.map_err(fail)?;
        // 3. Only now does this instance believe the new state.
        *self.names.try_borrow_mut().map_err(|_| busy())? = names;
        if new_keys || clears {
            *self.keys.try_borrow_mut().map_err(|_| busy())? = if puts { keys } else { None };
        }
        *self.generation.try_borrow_mut().map_err(|_| busy())? =
            if clears && !puts { 0.0 } else { generation };
        Ok(())
    }

    /// Closes the connection.
    pub fn close(&self) {
        self.db.close();
    }
}

/// Deletes the database of `namespace` entirely (for `eraseAll` on a database we can't read).
pub async fn delete_database(namespace: &str) -> Result<(), StoreError> {
    let factory = factory().map_err(StoreError::Failed)?;
    let req = factory
        .delete_database(&database_name(namespace))
        .map_err(|e| store_error(&e))?;
    request(&req).await.map(|_| ()).map_err(|e| store_error(&e))
}
