//! The encrypted IndexedDB store, bound from `idb_store.js`, where the I/O and the crypto
//! are (format and guarantees are described there). This side converts batches and records
//! and maps what JS throws to [`StoreError`] and [`OpenFailure`].

use js_sys::{Array, JsString, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::StoreError;
use crate::store::{WriteBatch, WriteOp, SCHEMA_VERSION, UNREADABLE_PREFIX};

#[wasm_bindgen(module = "/src/js/idb_store.js")]
extern "C" {
    #[wasm_bindgen(js_name = IdbStore)]
    type JsStore;

    #[wasm_bindgen(static_method_of = JsStore, js_name = open, catch)]
    async fn open(namespace: &str, schema_version: u32) -> Result<JsStore, JsValue>;

    #[wasm_bindgen(static_method_of = JsStore, js_name = erase, catch)]
    async fn erase(namespace: &str, schema_version: u32) -> Result<JsStore, JsValue>;

    #[wasm_bindgen(method, js_name = isStale, catch)]
    async fn is_stale(this: &JsStore) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch)]
    async fn load(this: &JsStore, unreadable_prefix: &str) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch)]
    async fn commit(this: &JsStore, ops: Array) -> Result<(), JsValue>;

    #[wasm_bindgen(method)]
    fn close(this: &JsStore);
}

/// Why the database could not be used.
pub enum OpenFailure {
    /// It was written by a newer schema: don't touch it.
    Newer,
    /// IndexedDB is missing, blocked or broken.
    Unavailable(String),
}

/// An opened, encrypted IndexedDB database.
pub struct IdbStore {
    js: JsStore,
}

fn describe(err: &JsValue) -> String {
    // An Error by its name and message, anything else as JSON. (Not `{:?}`: JsValue's Debug
    // brings a JS formatter of its own into the package.)
    err.dyn_ref::<js_sys::Error>()
        .map(|e| format!("{}: {}", e.name(), e.message()))
        .or_else(|| err.as_string())
        .or_else(|| {
            js_sys::JSON::stringify(err)
                .ok()
                .and_then(|s| s.as_string())
        })
        .unwrap_or_else(|| "an unknown error".to_owned())
}

// IndexedDB throws DOMExceptions, which are Errors too: their `name` says what happened.
fn store_error(err: JsValue) -> StoreError {
    match err.dyn_ref::<js_sys::Error>() {
        Some(e) if e.name() == "QuotaExceededError" => StoreError::Full(e.message().into()),
        _ => StoreError::Failed(describe(&err)),
    }
}

fn op(parts: &[JsValue]) -> JsValue {
    parts.iter().collect::<Array>().into()
}

impl IdbStore {
    /// Opens (creating if needed) the database of `namespace`.
    pub async fn open(namespace: &str) -> Result<IdbStore, OpenFailure> {
        match JsStore::open(namespace, SCHEMA_VERSION).await {
            Ok(js) => Ok(IdbStore { js }),
            // A DOMException is a js_sys::Error too.
            Err(e)
                if e.dyn_ref::<js_sys::Error>()
                    .is_some_and(|d| d.name() == "VersionError") =>
            {
                Err(OpenFailure::Newer)
            }
            Err(e) => Err(OpenFailure::Unavailable(describe(&e))),
        }
    }

    /// Whether another instance wrote or erased since this one last read or wrote (the
    /// stored generation, a random token, is not the one this instance saw).
    pub async fn is_stale(&self) -> Result<bool, StoreError> {
        let stale = self.js.is_stale().await.map_err(store_error)?;
        Ok(stale.as_bool().unwrap_or(true))
    }

    /// Reads and decrypts every record, sorted by key. Records that fail to decrypt
    /// (tampered, or written under a key that is gone) are reported as `unreadable/<name>`
    /// with no value.
    pub async fn load(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let records: Array = self
            .js
            .load(UNREADABLE_PREFIX)
            .await
            .map_err(store_error)?
            .dyn_into()
            .map_err(|_| StoreError::Failed("the store returned no records".into()))?;
        let mut out = Vec::with_capacity(records.length() as usize);
        for record in records.iter() {
            let record: Array = record.unchecked_into();
            let key = record.get(0).dyn_into::<JsString>().map(String::from);
            let value = record.get(1).dyn_into::<Uint8Array>().map(|v| v.to_vec());
            if let (Ok(key), Ok(value)) = (key, value) {
                out.push((key, value));
            }
        }
        crate::sort::sort_by(&mut out, |a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// Commits a batch in one transaction; nothing changes if it fails. A batch of one
    /// `Clear` erases: both stores are emptied, then the database is deleted.
    pub async fn commit(&self, batch: &WriteBatch) -> Result<(), StoreError> {
        let ops: Array = batch
            .ops
            .iter()
            .map(|o| match o {
                WriteOp::Put(key, value) => op(&[
                    "put".into(),
                    key.into(),
                    Uint8Array::from(value.as_slice()).into(),
                ]),
                WriteOp::Delete(key) => op(&["delete".into(), key.into()]),
                WriteOp::DeletePrefix(prefix) => op(&["deletePrefix".into(), prefix.into()]),
                WriteOp::Clear => op(&["clear".into()]),
            })
            .collect();
        self.js.commit(ops).await.map_err(store_error)
    }

    /// Closes the connection.
    pub fn close(&self) {
        self.js.close();
    }
}

/// Deletes the database of `namespace` entirely (for `eraseAll` on a database we can't read);
/// the store returned creates a new one when it first writes.
pub async fn delete_database(namespace: &str) -> Result<IdbStore, StoreError> {
    JsStore::erase(namespace, SCHEMA_VERSION)
        .await
        .map(|js| IdbStore { js })
        .map_err(store_error)
}
