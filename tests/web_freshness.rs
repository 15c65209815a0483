//! Freshness of IndexedDB storage in headless Chromium: an erase in one instance is never
//! undone by another, ciphertexts put back or records deleted by hand fail closed, the
//! write generation counts nothing, and a revoke on a full disk still takes effect.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Promise, Reflect, JSON};
use optin::js::Personalizer;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const MANIFEST: &str = include_str!("fixtures/news-manifest.json");

/// Raw IndexedDB access, as an attacker with the profile's files would have it.
const RAW: &str = r#"
const open = (ns) => new Promise((ok, fail) => {
  const r = indexedDB.open('optin:' + ns);
  r.onupgradeneeded = () => { for (const s of ['records', 'meta']) if (!r.result.objectStoreNames.contains(s)) r.result.createObjectStore(s); };
  r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error);
});
const done = (tx) => new Promise((ok, fail) => { tx.oncomplete = ok; tx.onerror = () => fail(tx.error); });
const all = async (ns, store) => {
  const db = await open(ns); const tx = db.transaction(store); const s = tx.objectStore(store);
  const [keys, values] = await Promise.all([s.getAllKeys(), s.getAll()].map((r) => new Promise((ok) => (r.onsuccess = () => ok(r.result)))));
  db.close(); return keys.map((k, i) => ({ key: k, value: values[i] }));
};
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const raw = {
  records: (ns) => all(ns, 'records'),
  async generation(ns) { return (await all(ns, 'meta')).find((e) => e.key === 'generation')?.value ?? null; },
  // What changed between two snapshots of the records: rewritten, new, and gone.
  diff(before, after) {
    const old = new Map(before.map((e) => [e.key, e.value]));
    const now = new Map(after.map((e) => [e.key, e.value]));
    return {
      changed: before.filter((e) => now.has(e.key) && !same(new Uint8Array(now.get(e.key)), new Uint8Array(e.value))),
      added: after.filter((e) => !old.has(e.key)).map((e) => e.key),
      removed: before.filter((e) => !now.has(e.key)),
    };
  },
  async putBack(ns, entries, remove) {
    const db = await open(ns); const tx = db.transaction('records', 'readwrite'); const s = tx.objectStore('records');
    for (const { key, value } of entries) s.put(value, key);
    for (const key of remove) s.delete(key);
    await done(tx); db.close();
  },
  async drop(ns) { await new Promise((ok) => { const r = indexedDB.deleteDatabase('optin:' + ns); r.onsuccess = ok; r.onerror = ok; r.onblocked = ok; }); },
  async exists(ns) { return (await indexedDB.databases()).some((d) => d.name === 'optin:' + ns); },
  // State lives on globalThis: this helper object is rebuilt for every call.
  quota(on) {
    const saved = (globalThis.__optinFresh ??= {});
    if (on) { saved.put = IDBObjectStore.prototype.put; IDBObjectStore.prototype.put = function () { throw new DOMException('quota exceeded', 'QuotaExceededError'); }; }
    else if (saved.put) { IDBObjectStore.prototype.put = saved.put; delete saved.put; }
  },
  // A tab that hears nothing (throttled in the background): messages between tabs are lost.
  mute(on) {
    const saved = (globalThis.__optinFresh ??= {});
    if (on) { saved.post = BroadcastChannel.prototype.postMessage; BroadcastChannel.prototype.postMessage = function () {}; }
    else if (saved.post) { BroadcastChannel.prototype.postMessage = saved.post; delete saved.post; }
  },
};
return raw;
"#;

async fn call(method: &str, args: &[JsValue]) -> JsValue {
    let raw = Function::new_no_args(RAW)
        .call0(&JsValue::NULL)
        .unwrap_or(JsValue::NULL);
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
    let options = JSON::parse(&format!(
        "{{\"storage\": \"indexeddb\", \"namespace\": \"{ns}\", \"locale\": \"en\", \"gpc\": false}}"
    ))
    .unwrap_or(JsValue::NULL);
    match Personalizer::open(
        JSON::parse(MANIFEST).unwrap_or(JsValue::NULL),
        Some(options.unchecked_into()),
    )
    .await
    {
        Ok(p) => p,
        Err(e) => panic!("open failed: {:?}", get(&e, "message")),
    }
}

async fn ok(p: Promise) -> JsValue {
    match JsFuture::from(p).await {
        Ok(v) => v,
        Err(e) => panic!("operation failed: {:?}", get(&e, "message")),
    }
}

fn json(text: &str) -> JsValue {
    JSON::parse(text).unwrap_or(JsValue::NULL)
}

fn event(item: &str, category: &str) -> JsValue {
    json(&format!(
        "{{\"category\": \"{category}\", \"kind\": \"click\", \"item\": \"{item}\", \"features\": {{\"topic:science\": 1}}}}"
    ))
}

fn state(p: &Personalizer, module: &str) -> String {
    let list: Array = p.modules(None).unwrap_or(JsValue::NULL).unchecked_into();
    list.iter()
        .find(|m| get(m, "id").as_string().as_deref() == Some(module))
        .and_then(|m| get(&m, "state").as_string())
        .unwrap_or_default()
}

fn health(p: &Personalizer) -> (bool, String) {
    let h = p.health().unwrap_or(JsValue::NULL);
    let problems = JSON::stringify(&get(&h, "problems"))
        .map(String::from)
        .unwrap_or_default();
    (get(&h, "ok").as_bool().unwrap_or(false), problems)
}

/// The stored events' items, and their ids, in order.
async fn events(p: &Personalizer) -> Vec<(String, String)> {
    let data = ok(p.export_data()).await;
    Array::from(&get(&data, "events"))
        .iter()
        .map(|e| {
            let s = |k| get(&e, k).as_string().unwrap_or_default();
            (s("item"), s("id"))
        })
        .collect()
}

async fn items(p: &Personalizer) -> Vec<String> {
    events(p).await.into_iter().map(|(item, _)| item).collect()
}

/// Storage that fails closed: not healthy, and no optional module on.
fn fails_closed(p: &Personalizer, what: &str) {
    let (healthy, problems) = health(p);
    assert!(!healthy, "{what}: health().ok");
    assert!(
        problems.contains("not the ones last written"),
        "{what}: {problems}"
    );
    for m in ["topics", "similar", "health", "insights"] {
        assert_ne!(state(p, m), "granted", "{what}: {m}");
    }
}

#[wasm_bindgen_test]
async fn an_instance_that_heard_nothing_reloads_after_another_erased_and_wrote_twice() {
    call("drop", &["race".into()]).await;
    let a = open("race").await;
    ok(a.grant("topics".into())).await;
    ok(a.record(event("before-erase", "reading"))).await;
    let b = open("race").await;
    assert_eq!(items(&b).await, ["before-erase"]);
    // B hears none of it (a throttled background tab), and A wrote exactly as often after
    // the erase as before it: a counter would be back where B last saw it.
    call("mute", &[true.into()]).await;
    ok(a.erase_all()).await;
    ok(a.grant("topics".into())).await;
    ok(a.record(event("after-erase", "reading"))).await;
    ok(b.record(event("from-b", "reading"))).await;
    call("mute", &[false.into()]).await;
    assert_eq!(
        items(&b).await,
        ["after-erase", "from-b"],
        "b reloaded first"
    );
    let c = open("race").await;
    let (healthy, problems) = health(&c);
    assert!(healthy, "{problems}");
    assert_eq!(
        state(&c, "topics"),
        "granted",
        "the grant given after the erase"
    );
    assert_eq!(items(&c).await, ["after-erase", "from-b"]);
}

#[wasm_bindgen_test]
async fn the_write_generation_is_a_random_token_and_erase_deletes_the_database() {
    call("drop", &["token".into()]).await;
    let p = open("token").await;
    let mut seen: Vec<String> = Vec::new();
    let mut note = |g: JsValue| {
        let g = g
            .as_string()
            .unwrap_or_else(|| format!("not a token: {g:?}"));
        assert!(
            g.len() == 32 && g.bytes().all(|b| b.is_ascii_hexdigit()),
            "{g}"
        );
        assert!(!seen.contains(&g), "generation {g} repeats");
        seen.push(g);
    };
    ok(p.grant("topics".into())).await;
    note(call("generation", &["token".into()]).await);
    ok(p.record(event("a", "reading"))).await;
    note(call("generation", &["token".into()]).await);
    ok(p.revoke("topics".into())).await;
    note(call("generation", &["token".into()]).await);
    ok(p.erase_all()).await;
    assert!(
        !call("exists", &["token".into()]).await.is_truthy(),
        "erased: the database is gone"
    );
    ok(p.grant("topics".into())).await;
    note(call("generation", &["token".into()]).await);
    ok(p.record(event("b", "reading"))).await;
    note(call("generation", &["token".into()]).await);
}

/// Seeds `ns`, runs `change`, and returns the records before and after it.
async fn around(
    ns: &str,
    grants: &[&str],
    events_: &[(&str, &str)],
    change: impl AsyncChange,
) -> (Personalizer, JsValue, JsValue) {
    call("drop", &[ns.into()]).await;
    let p = open(ns).await;
    for m in grants {
        ok(p.grant((*m).into())).await;
    }
    for (item, category) in events_ {
        ok(p.record(event(item, category))).await;
    }
    let before = call("records", &[ns.into()]).await;
    change.run(&p).await;
    let after = call("records", &[ns.into()]).await;
    (p, before, after)
}

trait AsyncChange {
    async fn run(self, p: &Personalizer);
}

struct Revoke(&'static str);
impl AsyncChange for Revoke {
    async fn run(self, p: &Personalizer) {
        ok(p.revoke(self.0.into())).await;
    }
}

struct Forget(&'static str);
impl AsyncChange for Forget {
    async fn run(self, p: &Personalizer) {
        let what = match self.0 {
            "first event" => format!("{{\"event\": \"{}\"}}", events(p).await[0].1),
            item => format!("{{\"item\": \"{item}\"}}"),
        };
        ok(p.forget(json(&what))).await;
    }
}

#[wasm_bindgen_test]
async fn an_old_consent_ciphertext_put_back_with_the_withdrawal_deleted_fails_closed() {
    let mut variants = 0;
    for index in 0.. {
        let ns = "replay-head";
        let (p, before, after) =
            around(ns, &["topics"], &[("a", "reading")], Revoke("topics")).await;
        p.close().ok();
        let diff = call("diff", &[before, after]).await;
        let changed = Array::from(&get(&diff, "changed"));
        if index > changed.length() {
            break;
        }
        // Each rewritten record alone (the head among them), then all of them, put back
        // with the withdrawal deleted: a revoked module must never come back.
        let put_back = match index < changed.length() {
            true => Array::of1(&changed.get(index)),
            false => changed,
        };
        call(
            "putBack",
            &[ns.into(), put_back.into(), get(&diff, "added")],
        )
        .await;
        let again = open(ns).await;
        fails_closed(&again, &format!("variant {index}"));
        assert!(
            items(&again).await.is_empty(),
            "variant {index}: the erased event"
        );
        again.close().ok();
        variants += 1;
    }
    assert!(
        variants >= 3,
        "the head, the grant put back by the revoke, both"
    );
}

#[wasm_bindgen_test]
async fn a_deleted_event_page_put_back_fails_closed_and_brings_nothing_back() {
    let ns = "replay-page";
    let grants = ["health"];
    let (p, before, after) = around(
        ns,
        &grants,
        &[("diagnosis-1", "health-reading")],
        Forget("first event"),
    )
    .await;
    assert!(items(&p).await.is_empty());
    p.close().ok();
    let diff = call("diff", &[before, after]).await;
    assert!(
        Array::from(&get(&diff, "removed")).length() >= 1,
        "the page went"
    );
    call(
        "putBack",
        &[ns.into(), get(&diff, "removed"), Array::new().into()],
    )
    .await;
    let again = open(ns).await;
    fails_closed(&again, "page put back");
    assert!(
        items(&again).await.is_empty(),
        "the forgotten health event stays gone"
    );
}

#[wasm_bindgen_test]
async fn a_page_put_back_after_forget_fails_closed() {
    let ns = "replay-forget";
    let stored = [("forget-me", "reading"), ("keep-me", "reading")];
    let count = {
        let (p, before, after) = around(ns, &["topics"], &stored, Forget("forget-me")).await;
        p.close().ok();
        Array::from(&get(&call("diff", &[before, after]).await, "changed")).length()
    };
    assert!(count >= 1, "the page (and the head) rewritten");
    for index in 0..count {
        let (p, before, after) = around(ns, &["topics"], &stored, Forget("forget-me")).await;
        p.close().ok();
        let changed = Array::from(&get(&call("diff", &[before, after]).await, "changed"));
        call(
            "putBack",
            &[
                ns.into(),
                Array::of1(&changed.get(index)).into(),
                Array::new().into(),
            ],
        )
        .await;
        let again = open(ns).await;
        fails_closed(&again, &format!("record {index} put back"));
        assert!(
            !items(&again).await.contains(&"forget-me".to_owned()),
            "record {index}"
        );
        again.close().ok();
    }
}

#[wasm_bindgen_test]
async fn a_revoke_on_a_full_disk_takes_effect_and_is_stored_once_there_is_room() {
    let ns = "full-revoke";
    call("drop", &[ns.into()]).await;
    let p = open(ns).await;
    ok(p.grant("topics".into())).await;
    ok(p.grant("similar".into())).await;
    ok(p.record(event("liked-1", "reactions"))).await;
    let before = Array::from(&call("records", &[ns.into()]).await).length();
    call("quota", &[true.into()]).await;
    let revoked = JsFuture::from(p.revoke("topics".into())).await;
    let meanwhile = open(ns).await;
    call("quota", &[false.into()]).await;
    assert!(
        revoked.is_ok(),
        "a revoke is never refused: {:?}",
        revoked.err().map(|e| get(&e, "message"))
    );
    assert_eq!(state(&p, "topics"), "notGranted");
    let (healthy, problems) = health(&p);
    assert!(
        !healthy && problems.contains("could not be stored"),
        "{problems}"
    );
    assert!(items(&p).await.is_empty());
    // On disk: the page, the event counter and the grant withdrawn are gone, nothing added.
    assert_eq!(
        Array::from(&call("records", &[ns.into()]).await).length(),
        before - 3
    );
    assert_eq!(
        state(&meanwhile, "topics"),
        "notGranted",
        "storage reads as not granted"
    );
    assert!(items(&meanwhile).await.is_empty());
    meanwhile.close().ok();
    // Room again: the next change stores the withdrawal.
    ok(p.notice_viewed(json("[\"health\"]"))).await;
    assert!(health(&p).0, "{}", health(&p).1);
    p.close().ok();
    let later = open(ns).await;
    assert!(health(&later).0, "{}", health(&later).1);
    assert_eq!(
        (state(&later, "topics"), state(&later, "similar")),
        ("notGranted".into(), "granted".into())
    );
    let records = Array::from(&later.consent_records().unwrap_or(JsValue::NULL));
    let kinds: Vec<_> = records
        .iter()
        .map(|r| get(&r, "event").as_string().unwrap_or_default())
        .collect();
    assert_eq!(kinds, ["given", "given", "withdrawn"]);
}
