//! Encrypted IndexedDB storage in headless Chromium: persistence, no plaintext, fail closed on
//! tampering, a lost key or a newer schema, two instances on one namespace, quota errors.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Promise, Reflect, JSON};
use optin::js::Personalizer;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const MANIFEST: &str = include_str!("fixtures/news-manifest.json");

/// Raw IndexedDB access, as an attacker or a broken disk would have it.
const RAW: &str = r#"
const open = (ns, version) => new Promise((ok, fail) => {
  const r = version ? indexedDB.open('optin:' + ns, version) : indexedDB.open('optin:' + ns);
  r.onupgradeneeded = () => { for (const s of ['records', 'meta']) if (!r.result.objectStoreNames.contains(s)) r.result.createObjectStore(s); };
  r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error);
});
const done = (tx) => new Promise((ok, fail) => { tx.oncomplete = ok; tx.onerror = () => fail(tx.error); });
const all = async (ns, store) => {
  const db = await open(ns); const tx = db.transaction(store); const s = tx.objectStore(store);
  const [keys, values] = await Promise.all([s.getAllKeys(), s.getAll()].map((r) => new Promise((ok) => (r.onsuccess = () => ok(r.result)))));
  db.close(); return keys.map((k, i) => ({ key: k, value: values[i] }));
};
const raw = {
  records: (ns) => all(ns, 'records'),
  meta: (ns) => all(ns, 'meta'),
  async flip(ns, index) {
    const recs = await all(ns, 'records'); const { key, value } = recs[index];
    const bytes = new Uint8Array(value); bytes[bytes.length - 5] ^= 0x01;
    const db = await open(ns); const tx = db.transaction('records', 'readwrite'); tx.objectStore('records').put(bytes, key); await done(tx); db.close();
    return key;
  },
  async deleteMeta(ns, key) { const db = await open(ns); const tx = db.transaction('meta', 'readwrite'); tx.objectStore('meta').delete(key); await done(tx); db.close(); },
  async drop(ns) { await new Promise((ok) => { const r = indexedDB.deleteDatabase('optin:' + ns); r.onsuccess = ok; r.onerror = ok; r.onblocked = ok; }); },
  async newer(ns) { await raw.drop(ns); const db = await open(ns, 1000); db.close(); },
  async exists(ns) { return (await indexedDB.databases()).some((d) => d.name === 'optin:' + ns); },
  containsText(entries, words) {
    const hits = [];
    for (const { key, value } of entries) {
      const text = new TextDecoder('latin1').decode(new Uint8Array(value instanceof ArrayBuffer || ArrayBuffer.isView(value) ? value : []));
      for (const w of words) if (String(key).includes(w) || text.includes(w)) hits.push(w);
    }
    return hits;
  },
  // State lives on globalThis: this helper object is rebuilt for every call.
  quota(on) {
    const saved = (globalThis.__optinTest ??= {});
    if (on) { saved.put = IDBObjectStore.prototype.put; IDBObjectStore.prototype.put = function () { throw new DOMException('quota exceeded', 'QuotaExceededError'); }; }
    else if (saved.put) { IDBObjectStore.prototype.put = saved.put; delete saved.put; }
  },
  hideIndexedDb(on) {
    const saved = (globalThis.__optinTest ??= {});
    if (on) {
      saved.idb = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB') ?? null;
      Object.defineProperty(globalThis, 'indexedDB', { value: undefined, configurable: true });
    } else if ('idb' in saved) {
      if (saved.idb) Object.defineProperty(globalThis, 'indexedDB', saved.idb); else delete globalThis.indexedDB;
      delete saved.idb;
    }
  },
};
return raw;
"#;

fn raw() -> JsValue {
    Function::new_no_args(RAW)
        .call0(&JsValue::NULL)
        .unwrap_or(JsValue::NULL)
}

async fn call(method: &str, args: &[JsValue]) -> JsValue {
    let raw = raw();
    let f: Function = Reflect::get(&raw, &method.into())
        .unwrap_or(JsValue::NULL)
        .unchecked_into();
    let result = f
        .apply(&raw, &args.iter().collect::<Array>())
        .unwrap_or(JsValue::NULL);
    match result.dyn_into::<Promise>() {
        Ok(p) => JsFuture::from(p).await.unwrap_or(JsValue::NULL),
        Err(v) => v,
    }
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

async fn open(ns: &str) -> Personalizer {
    let options = JSON::parse(&format!("{{\"storage\": \"indexeddb\", \"namespace\": \"{ns}\", \"locale\": \"en\", \"gpc\": false}}"))
        .unwrap_or(JsValue::NULL);
    match Personalizer::open(
        JSON::parse(MANIFEST).unwrap_or(JsValue::NULL),
        Some(options.unchecked_into()),
    )
    .await
    {
        Ok(p) => p,
        Err(e) => panic!("open failed: {e:?}"),
    }
}

async fn settle(p: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p).await
}

async fn ok(p: Promise) -> JsValue {
    match settle(p).await {
        Ok(v) => v,
        Err(e) => panic!("operation failed: {:?}", get(&e, "message")),
    }
}

fn event(item: &str, category: &str) -> JsValue {
    JSON::parse(&format!(
        "{{\"category\": \"{category}\", \"kind\": \"click\", \"item\": \"{item}\", \"features\": {{\"topic:science\": 1}}}}"
    ))
    .unwrap_or(JsValue::NULL)
}

fn state(p: &Personalizer, module: &str) -> String {
    let list: Array = p.modules(None).unwrap_or(JsValue::NULL).unchecked_into();
    list.iter()
        .find(|m| get(m, "id").as_string().as_deref() == Some(module))
        .and_then(|m| get(&m, "state").as_string())
        .unwrap_or_default()
}

fn total_events(p: &Personalizer) -> f64 {
    get(&p.inventory().unwrap_or(JsValue::NULL), "totalEvents")
        .as_f64()
        .unwrap_or(-1.0)
}

fn health_ok(p: &Personalizer) -> bool {
    get(&p.health().unwrap_or(JsValue::NULL), "ok")
        .as_bool()
        .unwrap_or(false)
}

fn code(err: &JsValue) -> String {
    get(err, "code").as_string().unwrap_or_default()
}

async fn seeded(ns: &str) -> Personalizer {
    call("drop", &[ns.into()]).await;
    let p = open(ns).await;
    assert_eq!(p.storage(), "indexeddb");
    ok(p.grant("topics".into())).await;
    ok(p.record(event("article-secret-123", "reading"))).await;
    ok(p.record(event("article-secret-456", "reactions"))).await;
    p
}

#[wasm_bindgen_test]
async fn persists_across_reopen() {
    let p = seeded("persist").await;
    p.close().ok();
    let again = open("persist").await;
    assert_eq!(state(&again, "topics"), "granted");
    assert_eq!(total_events(&again), 2.0);
    assert!(health_ok(&again));
    let records: Array = again
        .consent_records()
        .unwrap_or(JsValue::NULL)
        .unchecked_into();
    assert_eq!(records.length(), 1);
}

#[wasm_bindgen_test]
async fn nothing_is_stored_in_plaintext() {
    let p = seeded("plain").await;
    ok(p.forget(JSON::parse("{\"feature\": \"topic:blocked-secret\"}").unwrap_or(JsValue::NULL)))
        .await;
    let records = call("records", &["plain".into()]).await;
    assert!(
        Array::from(&records).length() >= 5,
        "consent, pages, counters, blocks"
    );
    let words: Array = [
        "article-secret-123",
        "reading",
        "reactions",
        "topic:science",
        "topic:blocked-secret",
        "topics",
        "given",
    ]
    .iter()
    .map(|w| JsValue::from_str(w))
    .collect();
    let hits = call("containsText", &[records, words.clone().into()]).await;
    assert_eq!(
        Array::from(&hits).length(),
        0,
        "plaintext found: {:?}",
        hits
    );
    // The checker itself finds what is there.
    let planted =
        JSON::parse("[{\"key\": \"x\", \"value\": null}, {\"key\": \"reading\", \"value\": null}]")
            .unwrap_or(JsValue::NULL);
    assert_eq!(
        Array::from(&call("containsText", &[planted, words.into()]).await).length(),
        1
    );
}

#[wasm_bindgen_test]
async fn a_flipped_byte_in_any_record_fails_closed_and_loses_nothing() {
    let count = {
        let p = seeded("flip").await;
        p.close().ok();
        Array::from(&call("records", &["flip".into()]).await).length()
    };
    assert!(count >= 5);
    // Whichever record is damaged (consent, event page, counter...), the same holds.
    for index in 0..count {
        let p = seeded("flip").await;
        p.close().ok();
        call("flip", &["flip".into(), index.into()]).await;
        let again = open("flip").await;
        assert!(!health_ok(&again), "record {index}");
        assert_eq!(
            state(&again, "topics"),
            "notGranted",
            "record {index}: consent falls back to not granted"
        );
        assert_eq!(
            Array::from(&call("records", &["flip".into()]).await).length(),
            count,
            "record {index}: nothing deleted"
        );
        // A new decision supersedes the unreadable record, and the data is still there.
        ok(again.grant("topics".into())).await;
        again.close().ok();
        let third = open("flip").await;
        assert_eq!(state(&third, "topics"), "granted", "record {index}");
        assert!(health_ok(&third), "record {index}");
        third.close().ok();
    }
}

#[wasm_bindgen_test]
async fn a_deleted_key_fails_closed_without_destroying_records() {
    let p = seeded("nokey").await;
    p.close().ok();
    let before = Array::from(&call("records", &["nokey".into()]).await).length();
    call("deleteMeta", &["nokey".into(), "aes".into()]).await;
    let again = open("nokey").await;
    assert!(!health_ok(&again));
    assert_eq!(state(&again, "topics"), "notGranted");
    assert_eq!(total_events(&again), 0.0);
    assert_eq!(
        Array::from(&call("records", &["nokey".into()]).await).length(),
        before
    );
}

#[wasm_bindgen_test]
async fn a_newer_schema_is_left_alone_until_erased() {
    call("newer", &["newer".into()]).await;
    let p = open("newer").await;
    assert!(!health_ok(&p));
    assert_eq!(state(&p, "topics"), "notGranted");
    let err = settle(p.grant("topics".into()))
        .await
        .err()
        .unwrap_or(JsValue::NULL);
    assert_eq!(code(&err), "storage-read-only");
    ok(p.erase_all()).await;
    assert!(health_ok(&p));
    ok(p.grant("topics".into())).await;
    assert_eq!(state(&p, "topics"), "granted");
}

#[wasm_bindgen_test]
async fn two_instances_on_one_namespace_stay_consistent() {
    call("drop", &["tabs".into()]).await;
    let a = open("tabs").await;
    let b = open("tabs").await;
    assert_eq!(
        (a.storage(), b.storage()),
        ("indexeddb".into(), "indexeddb".into())
    );
    let reloaded = Promise::new(&mut |resolve, _| {
        let _ = b.on_change(resolve.into());
    });
    let timeout = Promise::new(&mut |resolve, _| {
        let set_timeout =
            Reflect::get(&js_sys::global(), &"setTimeout".into()).unwrap_or(JsValue::NULL);
        let _ = Function::from(set_timeout).call2(&JsValue::NULL, &resolve, &5000.into());
    });
    ok(a.grant("topics".into())).await;
    JsFuture::from(Promise::race(&Array::of2(&reloaded, &timeout)))
        .await
        .ok();
    assert_eq!(state(&b, "topics"), "granted", "b reloaded after a's grant");
    // Concurrent writes from both lose nothing.
    let writes: Array = (0..40)
        .map(|i| {
            let who = if i % 2 == 0 { &a } else { &b };
            JsValue::from(who.record(event(&format!("item-{i}"), "reading")))
        })
        .collect();
    ok(Promise::all(&writes)).await;
    let c = open("tabs").await;
    assert_eq!(total_events(&c), 40.0);
    ok(b.revoke("topics".into())).await;
    ok(c.record(event("late", "reading"))).await;
    assert_eq!(total_events(&c), 0.0, "c saw b's revoke before writing");
}

/// The ids `rank` returns, best first (`candidates` as JSON, `null` for the whole catalog).
fn ranked_ids(p: &Personalizer, candidates: &str) -> Result<Vec<String>, String> {
    let candidates = JSON::parse(candidates).unwrap_or(JsValue::NULL);
    match p.rank(candidates, JsValue::UNDEFINED) {
        Ok(list) => Ok(Array::from(&list)
            .iter()
            .filter_map(|r| get(&r, "id").as_string())
            .collect()),
        Err(e) => Err(code(&e)),
    }
}

/// Resolves with the next change `p` reports, or after five seconds.
fn next_change(p: &Personalizer) -> JsFuture {
    let changed = Promise::new(&mut |resolve, _| {
        let _ = p.on_change(resolve.into());
    });
    let timeout = Promise::new(&mut |resolve, _| {
        let set_timeout =
            Reflect::get(&js_sys::global(), &"setTimeout".into()).unwrap_or(JsValue::NULL);
        let _ = Function::from(set_timeout).call2(&JsValue::NULL, &resolve, &5000.into());
    });
    JsFuture::from(Promise::race(&Array::of2(&changed, &timeout)))
}

#[wasm_bindgen_test]
async fn a_write_in_one_instance_leaves_the_other_its_catalog() {
    call("drop", &["tabs-catalog".into()]).await;
    let a = open("tabs-catalog").await;
    let b = open("tabs-catalog").await;
    let catalog = JSON::parse(
        r#"[{"id": "x", "baseline": 3}, {"id": "y", "baseline": 2}, {"id": "z", "baseline": 1}]"#,
    )
    .unwrap_or(JsValue::NULL);
    assert!(b.set_catalog(catalog).is_ok());
    let full = Ok(vec!["x".to_owned(), "y".to_owned(), "z".to_owned()]);
    assert_eq!(ranked_ids(&b, "null"), full);
    // A grant in a: b reloads on a's message, and keeps the catalog the app gave it.
    let reloaded = next_change(&b);
    ok(a.grant("topics".into())).await;
    reloaded.await.ok();
    assert_eq!(state(&b, "topics"), "granted", "b reloaded after a's grant");
    assert_eq!(ranked_ids(&b, "null"), full, "b ranks its full catalog");
    assert_eq!(ranked_ids(&b, r#"["y"]"#), Ok(vec!["y".to_owned()]));
    // A write in a, then one in b, which reloads before planning: the catalog stays again.
    ok(a.record(event("x", "reading"))).await;
    ok(b.record(event("y", "reading"))).await;
    assert_eq!(total_events(&b), 2.0, "b saw a's event");
    assert_eq!(ranked_ids(&b, "null").map(|ids| ids.len()), Ok(3));
}

#[wasm_bindgen_test]
async fn a_quota_error_fails_the_operation_and_keeps_the_state() {
    let p = seeded("quota").await;
    call("quota", &[true.into()]).await;
    let err = settle(p.record(event("one-too-many", "reading")))
        .await
        .err()
        .unwrap_or(JsValue::NULL);
    call("quota", &[false.into()]).await;
    assert_eq!(code(&err), "storage-full");
    assert_eq!(total_events(&p), 2.0, "the previous state is intact");
    ok(p.record(event("fits-now", "reading"))).await;
    assert_eq!(total_events(&p), 3.0);
    p.close().ok();
    assert_eq!(total_events(&open("quota").await), 3.0);
}

#[wasm_bindgen_test]
async fn erase_all_deletes_the_database_with_its_keys() {
    let p = seeded("erase").await;
    ok(p.erase_all()).await;
    assert!(
        !call("exists", &["erase".into()]).await.is_truthy(),
        "the database itself is deleted, keys and all"
    );
    assert_eq!(state(&p, "topics"), "notGranted");
    assert_eq!(total_events(&p), 0.0);
    // A write creates a new one, with new keys.
    ok(p.grant("topics".into())).await;
    assert_eq!(
        Array::from(&call("meta", &["erase".into()]).await).length(),
        3,
        "new keys and generation"
    );
    p.close().ok();
    let again = open("erase").await;
    assert_eq!(state(&again, "topics"), "granted");
    assert!(health_ok(&again));
}

#[wasm_bindgen_test]
async fn revoke_erases_from_indexeddb_before_resolving() {
    let p = seeded("revoke").await;
    let before = Array::from(&call("records", &["revoke".into()]).await).length();
    ok(p.revoke("topics".into())).await;
    let after = Array::from(&call("records", &["revoke".into()]).await).length();
    assert_eq!(
        after,
        before - 3 + 1,
        "both event pages and the event-id counter deleted, one withdrawal added"
    );
    p.close().ok();
    assert_eq!(total_events(&open("revoke").await), 0.0);
}

#[wasm_bindgen_test]
async fn without_indexeddb_it_runs_in_memory_and_says_so() {
    call("hideIndexedDb", &[true.into()]).await;
    let p = open("missing").await;
    call("hideIndexedDb", &[false.into()]).await;
    assert_eq!(p.storage(), "memory");
    assert!(!health_ok(&p));
    assert_eq!(state(&p, "topics"), "notGranted");
    ok(p.grant("topics".into())).await;
    assert_eq!(state(&p, "topics"), "granted");
}

/// What the benefit check measured for "topics", as `benefit()` reports it.
fn measured(p: &Personalizer) -> Option<f64> {
    let list: Array = p.benefit().unwrap_or(JsValue::NULL).unchecked_into();
    list.iter()
        .find(|b| get(b, "module").as_string().as_deref() == Some("topics"))
        .and_then(|b| get(&b, "measured").as_f64())
}

#[wasm_bindgen_test]
async fn the_benefit_check_is_stored_encrypted_and_erased_on_revoke() {
    call("drop", &["benefit".into()]).await;
    let p = open("benefit").await;
    let items: Vec<String> = (0..40)
        .map(|i| {
            let topic = if i % 2 == 0 { "science" } else { "sports" };
            let baseline = if i % 2 == 0 { i } else { 100 + i };
            format!("{{\"id\": \"s-{i}\", \"features\": {{\"topic:{topic}\": 1}}, \"baseline\": {baseline}}}")
        })
        .collect();
    p.set_catalog(JSON::parse(&format!("[{}]", items.join(","))).unwrap_or(JsValue::NULL))
        .ok();
    ok(p.grant("topics".into())).await;
    for k in 0..6 {
        let e = JSON::parse(&format!(
            "{{\"category\": \"reading\", \"kind\": \"click\", \"item\": \"s-{}\"}}",
            2 * k
        ))
        .unwrap_or(JsValue::NULL);
        ok(p.record(e)).await;
    }
    assert_eq!(measured(&p), Some(5.0));
    p.close().ok();
    // Nothing of it is readable on disk: no record key or value names it.
    let words = Array::of2(&"medianRank".into(), &"\"n\"".into());
    let records = call("records", &["benefit".into()]).await;
    assert_eq!(
        Array::from(&call("containsText", &[records, words.into()]).await).length(),
        0
    );
    let again = open("benefit").await;
    again
        .set_catalog(JSON::parse(&format!("[{}]", items.join(","))).unwrap_or(JsValue::NULL))
        .ok();
    assert_eq!(measured(&again), Some(5.0), "read back after a reopen");
    ok(again.revoke("topics".into())).await;
    assert_eq!(measured(&again), None);
    again.close().ok();
    let third = open("benefit").await;
    ok(third.grant("topics".into())).await;
    assert_eq!(
        measured(&third),
        Some(0.0),
        "the revoke erased it from IndexedDB too"
    );
    third.close().ok();
}
