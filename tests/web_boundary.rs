//! The JS boundary in a real JS engine (headless Chromium and Node): every bad input gives an
//! OptinError with its code, and the instance keeps working afterwards (promise 7).
#![cfg(target_arch = "wasm32")]

use js_sys::{Function, Reflect, JSON};
use optin::js::Personalizer;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

const MANIFEST: &str = include_str!("fixtures/news-manifest.json");

fn manifest() -> JsValue {
    JSON::parse(MANIFEST).unwrap_or(JsValue::NULL)
}

fn code_of(err: &JsValue) -> String {
    assert!(
        err.is_instance_of::<js_sys::Error>(),
        "not an Error: {err:?}"
    );
    let name = Reflect::get(err, &"name".into())
        .ok()
        .and_then(|v| v.as_string());
    assert_eq!(name.as_deref(), Some("OptinError"));
    Reflect::get(err, &"code".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

fn options(js: &str) -> Option<js_sys::Object> {
    Function::new_no_args(&format!("return {js}"))
        .call0(&JsValue::NULL)
        .ok()
        .map(JsValue::unchecked_into)
}

async fn open() -> Personalizer {
    match Personalizer::open(
        manifest(),
        options("{ storage: 'memory', locale: 'en', gpc: false }"),
    )
    .await
    {
        Ok(p) => p,
        Err(e) => panic!("open failed: {e:?}"),
    }
}

async fn open_err(manifest: JsValue) -> String {
    match Personalizer::open(manifest, None).await {
        Ok(_) => "opened".to_owned(),
        Err(e) => code_of(&e),
    }
}

async fn settle(p: js_sys::Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p).await
}

/// The `id`s of a list of ranked results.
fn ids_of(ranked: &JsValue) -> Vec<String> {
    let list: &js_sys::Array = ranked.unchecked_ref();
    list.iter()
        .filter_map(|r| Reflect::get(&r, &"id".into()).ok()?.as_string())
        .collect()
}

fn state_of(p: &Personalizer, module: &str) -> String {
    let modules = p.modules(None).unwrap_or(JsValue::NULL);
    let list: js_sys::Array = modules.unchecked_into();
    list.iter()
        .find(|m| {
            Reflect::get(m, &"id".into())
                .ok()
                .and_then(|v| v.as_string())
                .as_deref()
                == Some(module)
        })
        .and_then(|m| Reflect::get(&m, &"state".into()).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn bad_manifests_are_errors_with_codes() {
    assert_eq!(
        open_err(JsValue::from_str("manifest")).await,
        "invalid-manifest"
    );
    assert_eq!(open_err(JsValue::from_f64(3.0)).await, "invalid-manifest");
    assert_eq!(open_err(JsValue::UNDEFINED).await, "invalid-manifest");
    let ten_mb = JsValue::from_str(&"x".repeat(10 * 1024 * 1024));
    assert_eq!(open_err(ten_mb.clone()).await, "input-too-large");
    let m = manifest();
    let _ = Reflect::set(&m, &"policyVersion".into(), &ten_mb);
    assert_eq!(open_err(m).await, "input-too-large");
    let deep = JSON::parse(&format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)))
        .unwrap_or(JsValue::NULL);
    assert_eq!(open_err(deep.clone()).await, "input-too-deep");
    let m = manifest();
    let _ = Reflect::set(&m, &"samples".into(), &deep);
    assert_eq!(open_err(m).await, "input-too-deep");
    let cyclic = manifest();
    let _ = Reflect::set(&cyclic, &"controller".into(), &cyclic);
    assert_eq!(open_err(cyclic).await, "input-too-deep");
    let m = manifest();
    let modules = Reflect::get(&m, &"modules".into()).unwrap_or(JsValue::NULL);
    let first = Reflect::get(&modules, &1.into()).unwrap_or(JsValue::NULL);
    let _ = Reflect::set(
        &first,
        &"uses".into(),
        &JSON::parse("[\"gps\"]").unwrap_or(JsValue::NULL),
    );
    let err = Personalizer::open(m, None)
        .await
        .err()
        .unwrap_or(JsValue::NULL);
    assert_eq!(code_of(&err), "invalid-manifest");
    let message = Reflect::get(&err, &"message".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    assert!(
        message.contains("modules[1].uses[0]: unknown data category \"gps\""),
        "{message}"
    );
    let nan = manifest();
    let _ = Reflect::set(
        &nan,
        &"consentValidityDays".into(),
        &JsValue::from_f64(f64::NAN),
    );
    assert_eq!(open_err(nan).await, "invalid-argument");
    // After all that, opening still works.
    open().await;
}

#[wasm_bindgen_test]
async fn bad_options_are_errors_with_codes() {
    for (opts, code) in [
        ("{ storage: 'cloud' }", "invalid-argument"),
        ("{ locale: 'english' }", "invalid-argument"),
        ("{ now: 5 }", "invalid-argument"),
        ("{ now: () => 'soon' }", "invalid-argument"),
        (
            "{ now: () => { throw new Error('x') } }",
            "invalid-argument",
        ),
        ("{ gpc: 'yes' }", "invalid-argument"),
        ("{ namespace: 'a b' }", "invalid-argument"),
    ] {
        let got = match Personalizer::open(manifest(), options(opts)).await {
            Ok(_) => "opened".to_owned(),
            Err(e) => code_of(&e),
        };
        assert_eq!(got, code, "{opts}");
    }
}

#[wasm_bindgen_test]
async fn consent_calls_validate_and_the_instance_keeps_working() {
    let p = open().await;
    for (arg, code) in [
        (JsValue::from_f64(1.0), "invalid-argument"),
        (JsValue::NULL, "invalid-argument"),
        (JsValue::from_str("gps"), "unknown-module"),
        (JsValue::from_str("editorial"), "essential-module"),
        (
            JsValue::from_str(&"m".repeat(10 * 1024 * 1024)),
            "input-too-large",
        ),
    ] {
        let err = settle(p.grant(arg.clone()))
            .await
            .err()
            .unwrap_or(JsValue::NULL);
        assert_eq!(code_of(&err), code);
        let err = settle(p.revoke(arg)).await.err().unwrap_or(JsValue::NULL);
        assert_eq!(code_of(&err), code);
    }
    assert!(settle(p.grant("topics".into())).await.is_ok());
    assert_eq!(state_of(&p, "topics"), "granted");
    for bad in ["{}", "[1]", "[{\"recordId\": 5}]", "\"records\""] {
        let err = settle(p.import_consent(JSON::parse(bad).unwrap_or(JsValue::NULL)))
            .await
            .err()
            .unwrap_or(JsValue::NULL);
        assert_eq!(code_of(&err), "invalid-consent-import", "{bad}");
    }
    assert_eq!(
        code_of(
            &p.on_change(JsValue::from_str("not a function"))
                .err()
                .unwrap_or(JsValue::NULL)
        ),
        "invalid-argument"
    );
    assert_eq!(
        code_of(
            &p.modules(Some("not a locale".into()))
                .err()
                .unwrap_or(JsValue::NULL)
        ),
        "invalid-argument"
    );
    assert!(settle(p.revoke("topics".into())).await.is_ok());
    assert_eq!(state_of(&p, "topics"), "notGranted");
    let records: js_sys::Array = p
        .consent_records()
        .unwrap_or(JsValue::NULL)
        .unchecked_into();
    assert_eq!(records.length(), 2);
}

#[wasm_bindgen_test]
async fn listeners_hear_changes_and_may_call_back_or_throw() {
    let p = open().await;
    let seen = js_sys::Array::new();
    let record = Function::new_with_args(
        "seen, change",
        "seen.push(change.module + ':' + change.state); throw new Error('listener bug')",
    );
    let bound = record.bind1(&JsValue::NULL, &seen);
    let off = p.on_change(bound.into()).unwrap_or(JsValue::NULL);
    assert!(settle(p.grant("similar".into())).await.is_ok());
    assert_eq!(
        seen.join(",").as_string().unwrap_or_default(),
        "similar:granted"
    );
    let off: Function = off.unchecked_into();
    let _ = off.call0(&JsValue::NULL);
    assert!(settle(p.revoke("similar".into())).await.is_ok());
    assert_eq!(seen.length(), 1, "unsubscribed");
    assert_eq!(state_of(&p, "similar"), "notGranted");
}

#[wasm_bindgen_test]
async fn exported_consent_imports_on_another_instance() {
    let a = open().await;
    assert!(settle(a.grant("topics".into())).await.is_ok());
    let b = open().await;
    let summary = settle(b.import_consent(a.export_consent().unwrap_or(JsValue::NULL)))
        .await
        .unwrap_or(JsValue::NULL);
    assert_eq!(
        Reflect::get(&summary, &"applied".into())
            .ok()
            .and_then(|v| v.as_f64()),
        Some(1.0)
    );
    assert_eq!(state_of(&b, "topics"), "granted");
}

#[wasm_bindgen_test]
async fn a_closed_instance_refuses_calls() {
    let p = open().await;
    assert!(p.close().is_ok());
    assert_eq!(
        code_of(&p.modules(None).err().unwrap_or(JsValue::NULL)),
        "closed"
    );
    let err = settle(p.grant("topics".into()))
        .await
        .err()
        .unwrap_or(JsValue::NULL);
    assert_eq!(code_of(&err), "closed");
}

fn js(expr: &str) -> JsValue {
    Function::new_no_args(&format!("return {expr}"))
        .call0(&JsValue::NULL)
        .unwrap_or(JsValue::NULL)
}

#[wasm_bindgen_test]
async fn bad_events_are_errors_with_codes_and_nothing_is_stored() {
    let p = open().await;
    assert!(settle(p.grant("topics".into())).await.is_ok());
    for (event, code) in [
        ("42", "invalid-event"),
        ("'view'", "invalid-event"),
        ("({ category: 'gps', kind: 'view', item: 'a' })", "invalid-event"),
        ("({ category: 'reading', kind: 'share', item: 'a' })", "invalid-event"),
        ("({ category: 'reading', kind: 'view' })", "invalid-event"),
        ("({ category: 'reading', kind: 'view', item: 'a', at: 'yesterday' })", "invalid-event"),
        ("({ category: 'reading', kind: 'view', item: 'a', at: Date.now() + 3 * 86400000 })", "invalid-event"),
        ("({ category: 'reading', kind: 'view', item: 'a', weight: NaN })", "invalid-event"),
        ("({ category: 'reading', kind: 'view', item: 'a', features: { 'bad\\nname': 1 } })", "invalid-event"),
        ("(() => { const e = { category: 'reading', kind: 'view', item: 'a' }; e.self = e; return e; })()", "invalid-event"),
        ("({ category: 'reading', kind: 'view', item: 'x'.repeat(300) })", "invalid-event"),
    ] {
        let err = settle(p.record(js(event))).await.err().unwrap_or(JsValue::NULL);
        assert_eq!(code_of(&err), code, "{event}");
    }
    let err = settle(p.record_many(js("Array.from({ length: 100001 }, (_, i) => ({ category: 'reading', kind: 'view', item: 'a' + i }))")))
        .await
        .err()
        .unwrap_or(JsValue::NULL);
    assert_eq!(code_of(&err), "invalid-event");
    let err = settle(p.record_many(js("[{ category: 'reading', kind: 'view', item: 'ok' }, { category: 'gps', kind: 'view', item: 'a' }]")))
        .await
        .err()
        .unwrap_or(JsValue::NULL);
    let message = Reflect::get(&err, &"message".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    assert!(message.contains("events[1].category"), "{message}");
    let inventory = p.inventory().unwrap_or(JsValue::NULL);
    assert_eq!(
        Reflect::get(&inventory, &"totalEvents".into())
            .ok()
            .and_then(|v| v.as_f64()),
        Some(0.0),
        "all or nothing"
    );
    for bad in [
        "({})",
        "({ event: 'x' })",
        "({ item: 3 })",
        "({ feature: 'bad\\nname' })",
        "({ item: 'a', feature: 'b' })",
        "({ events: 'x' })",
        "({ events: ['x'] })",
        "({ events: [3] })",
        "({ events: [], item: 'a' })",
        "null",
    ] {
        let err = settle(p.forget(js(bad)))
            .await
            .err()
            .unwrap_or(JsValue::NULL);
        assert_eq!(code_of(&err), "invalid-argument", "{bad}");
    }
    let ok = settle(p.record(js(
        "({ category: 'reading', kind: 'click', item: 'a1', features: { 'topic:x': 1 } })",
    )))
    .await;
    assert_eq!(
        ok.ok().map(|v| Reflect::get(&v, &"stored".into())
            .ok()
            .and_then(|s| s.as_bool())),
        Some(Some(true))
    );
    let why: js_sys::Array = p
        .explain_interest("topic:x".into())
        .unwrap_or(JsValue::NULL)
        .unchecked_into();
    assert_eq!(why.length(), 1);
    // Unblocking: validated like forget, true only for a blocked feature.
    for bad in [
        "3",
        "'bad\\u0000name'",
        "''",
        "null",
        "({ feature: 'topic:x' })",
    ] {
        let err = settle(p.unblock(js(bad)))
            .await
            .err()
            .unwrap_or(JsValue::NULL);
        assert_eq!(code_of(&err), "invalid-argument", "unblock({bad})");
    }
    let unblocked = |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_bool());
    assert_eq!(
        unblocked(settle(p.unblock("topic:x".into())).await),
        Some(false)
    );
    assert!(settle(p.forget(js("({ feature: 'topic:x' })")))
        .await
        .is_ok());
    assert_eq!(
        unblocked(settle(p.unblock("topic:x".into())).await),
        Some(true)
    );
    assert_eq!(
        unblocked(settle(p.unblock("topic:x".into())).await),
        Some(false)
    );
}

#[wasm_bindgen_test]
async fn forget_events_deletes_exactly_the_listed_events_in_one_call() {
    let p = open().await;
    assert!(settle(p.grant("topics".into())).await.is_ok());
    assert!(settle(p.record_many(js(
        "['a1', 'a2', 'a3'].map((item) => ({ category: 'reading', kind: 'view', item, features: { 'topic:x': 1 } }))",
    )))
    .await
    .is_ok());
    let why: js_sys::Array = p
        .explain_interest("topic:x".into())
        .unwrap_or(JsValue::NULL)
        .unchecked_into();
    let field = |v: &JsValue, key: &str| Reflect::get(v, &key.into()).unwrap_or(JsValue::NULL);
    let a2 = why
        .iter()
        .find(|e| field(e, "item").as_string().as_deref() == Some("a2"))
        .map(|e| field(&e, "id"))
        .unwrap_or(JsValue::NULL);
    let others = js_sys::Array::new();
    for e in why.iter() {
        if field(&e, "item").as_string().as_deref() != Some("a2") {
            others.push(&field(&e, "id"));
        }
    }
    let what = js_sys::Object::new();
    let _ = Reflect::set(&what, &"events".into(), &others);
    let summary = settle(p.forget(what.into())).await.unwrap_or(JsValue::NULL);
    assert_eq!(field(&summary, "removedEvents").as_f64(), Some(2.0));
    assert!(field(&summary, "blocked").is_null());
    let left: js_sys::Array = p
        .explain_interest("topic:x".into())
        .unwrap_or(JsValue::NULL)
        .unchecked_into();
    assert_eq!(left.length(), 1);
    assert_eq!(field(&left.get(0), "id"), a2);
    // An empty list deletes nothing and is no error.
    let none = settle(p.forget(js("({ events: [] })")))
        .await
        .unwrap_or(JsValue::NULL);
    assert_eq!(field(&none, "removedEvents").as_f64(), Some(0.0));
}

#[wasm_bindgen_test]
async fn bad_catalogs_and_candidates_are_errors_and_the_instance_keeps_working() {
    let p = open().await;
    for (catalog, code) in [
        ("42", "invalid-catalog"),
        (
            "[{ id: 'a', embedding: [1, 2] }, { id: 'b', embedding: [1] }]",
            "invalid-catalog",
        ),
        ("[{ id: 'a', baseline: NaN }]", "invalid-catalog"),
        ("[{ id: 'a', baseline: 1e13 }]", "invalid-catalog"),
        ("[{ id: 'a' }, { id: 'a' }]", "invalid-catalog"),
        (
            "[{ id: 'a', features: { 'bad\\tname': 1 } }]",
            "invalid-catalog",
        ),
        ("[{ id: 'a', embedding: 'fast' }]", "invalid-catalog"),
    ] {
        let err = p.set_catalog(js(catalog)).err().unwrap_or(JsValue::NULL);
        assert_eq!(code_of(&err), code, "{catalog}");
    }
    for (packed, code) in [
        ("({ ids: ['a', 'b'], embeddings: new Float32Array(3), dim: 2 })", "invalid-catalog"),
        ("({ ids: ['a'], baseline: new Float32Array([NaN]) })", "invalid-catalog"),
        ("({ ids: ['a'], featureNames: ['f'], featureOffsets: new Uint32Array([0, 1]), featureIds: new Uint32Array([5]), featureValues: new Float32Array([1]) })", "invalid-catalog"),
        ("({ ids: ['a'], embeddings: [1, 2], dim: 2 })", "invalid-catalog"),
        ("({ ids: 'a' })", "invalid-catalog"),
        ("[]", "invalid-catalog"),
        ("({ ids: Array.from({ length: 1000001 }, (_, i) => 'i' + i) })", "invalid-catalog"),
    ] {
        let err = p.set_catalog_packed(js(packed)).err().unwrap_or(JsValue::NULL);
        assert_eq!(code_of(&err), code, "{packed}");
    }
    assert!(p
        .set_catalog_packed(js("({ ids: ['a', 'b', 'c'], embeddings: new Float32Array([1, 0, 0, 1, 1, 1]), dim: 2, baseline: new Float32Array([3, 2, 1]) })"))
        .is_ok());
    for (candidates, options, code) in [
        ("['a', 'nope']", "undefined", "unknown-item"),
        (
            "Array.from({ length: 1000001 }, (_, i) => 'i' + i)",
            "undefined",
            "invalid-argument",
        ),
        ("'a'", "undefined", "invalid-argument"),
        ("[1, 2]", "undefined", "invalid-argument"),
        ("null", "({ limit: -1 })", "invalid-argument"),
        ("null", "({ limit: 1.5 })", "invalid-argument"),
        ("null", "({ diversity: 2 })", "invalid-argument"),
        ("null", "({ explain: 'yes' })", "invalid-argument"),
    ] {
        let err = p
            .rank(js(candidates), js(options))
            .err()
            .unwrap_or(JsValue::NULL);
        assert_eq!(code_of(&err), code, "{candidates} {options}");
    }
    for (sample, code) in [
        ("'nobody'", "invalid-argument"),
        ("42", "invalid-event"),
        (
            "[{ category: 'gps', kind: 'view', item: 'a' }]",
            "invalid-event",
        ),
    ] {
        let err = p
            .preview(js(sample), JsValue::UNDEFINED)
            .err()
            .unwrap_or(JsValue::NULL);
        assert_eq!(code_of(&err), code, "{sample}");
    }
    // After all that, the catalog that was accepted is the one in use.
    let ids = ids_of(
        &p.rank(JsValue::NULL, JsValue::UNDEFINED)
            .unwrap_or(JsValue::NULL),
    );
    assert_eq!(ids, ["a", "b", "c"], "baseline order without consent");
    let preview = p
        .preview(
            js("[{ category: 'reading', kind: 'like', item: 'c' }]"),
            JsValue::UNDEFINED,
        )
        .unwrap_or(JsValue::NULL);
    let personalized: js_sys::Array = Reflect::get(&preview, &"personalized".into())
        .unwrap_or(JsValue::NULL)
        .unchecked_into();
    let first = personalized.get(0);
    assert_eq!(
        Reflect::get(&first, &"id".into())
            .ok()
            .and_then(|v| v.as_string())
            .as_deref(),
        Some("c"),
        "c is liked"
    );
}

#[wasm_bindgen_test]
async fn audit_and_exposure_options_are_validated() {
    let p = open().await;
    assert!(p
        .set_catalog(js("[{ id: 'a', group: 'wire', baseline: 3 }, { id: 'b', group: 'local', baseline: 2 }, { id: 'c', group: 'local', baseline: 1 }]"))
        .is_ok());
    for options in [
        "({ exposure: { minShare: { nowhere: 0.5 } } })",
        "({ exposure: { minShare: { local: 2 } } })",
        "({ exposure: { most: { local: 0.5 } } })",
        "({ exposure: 'fair' })",
    ] {
        let err = p
            .rank(JsValue::NULL, js(options))
            .err()
            .unwrap_or(JsValue::NULL);
        assert_eq!(code_of(&err), "invalid-argument", "{options}");
        let err = p.audit(js(options)).err().unwrap_or(JsValue::NULL);
        assert_eq!(code_of(&err), "invalid-argument", "{options}");
    }
    let both = js("({ diversity: 0.5, exposure: { minShare: { local: 0.5 } } })");
    assert_eq!(
        code_of(&p.rank(JsValue::NULL, both).err().unwrap_or(JsValue::NULL)),
        "invalid-argument"
    );
    let err = p
        .audit(js("({ threshold: -1 })"))
        .err()
        .unwrap_or(JsValue::NULL);
    assert_eq!(code_of(&err), "invalid-argument");
    let err = p
        .audit(js("({ personas: ['nobody'] })"))
        .err()
        .unwrap_or(JsValue::NULL);
    assert_eq!(code_of(&err), "invalid-argument");
    // Valid rules work, and the instance is fine after the errors.
    let ranked = p.rank(
        JsValue::NULL,
        js("({ limit: 2, exposure: { minShare: { local: 0.5 } } })"),
    );
    assert_eq!(ids_of(&ranked.unwrap_or(JsValue::NULL)), ["a", "b"]);
    let audit = p.audit(js("({ limit: 2 })")).unwrap_or(JsValue::NULL);
    assert!(Reflect::get(&audit, &"baseline".into()).is_ok_and(|b| b.is_object()));
}

fn num(v: &JsValue, path: &[&str]) -> f64 {
    let mut cur = v.clone();
    for key in path {
        cur = Reflect::get(&cur, &(*key).into()).unwrap_or(JsValue::UNDEFINED);
    }
    cur.as_f64().unwrap_or(f64::NAN)
}

#[wasm_bindgen_test]
async fn private_reports_reach_an_aggregator_and_bad_reports_are_errors() {
    use optin::js::Aggregator;
    let p = open().await;
    assert!(settle(p.grant("insights".into())).await.is_ok());
    let mut reports = Vec::new();
    for value in [true, false, true] {
        match settle(p.private_report("feed-helpful".into(), value.into())).await {
            Ok(r) => reports.push(r),
            Err(e) => panic!("privateReport failed: {e:?}"),
        }
    }
    let metric = js("({ id: 'feed-helpful', type: 'boolean', epsilon: 1 })");
    let mut agg = match Aggregator::new(metric.clone()) {
        Ok(a) => a,
        Err(e) => panic!("new Aggregator failed: {e:?}"),
    };
    for r in &reports {
        assert!(agg.add(r.clone()).is_ok(), "a real report is accepted");
    }
    // A report through JSON, as a server receives it, is the same report.
    let wire = JSON::parse(&String::from(
        JSON::stringify(&reports[0]).unwrap_or_default(),
    ))
    .unwrap_or(JsValue::NULL);
    assert!(agg.add(wire).is_ok());

    for bad in [
        "({})",
        "'yes'",
        "({ metric: 'feed-helpful', epsilon: 1 })",
        "({ metric: 'feed-helpful', epsilon: 1, mechanism: 'rr', bit: 7 })",
        "({ metric: 'minutes-read', epsilon: 1, mechanism: 'rr', bit: true })",
        "({ metric: 'feed-helpful', epsilon: 2, mechanism: 'rr', bit: true })",
        "({ metric: 'feed-helpful', epsilon: 1, mechanism: 'oue', ones: [1] })",
        "({ metric: 'feed-helpful', epsilon: 1, mechanism: 'rr', bit: true, extra: [[[[]]]] })",
    ] {
        match agg.add(js(bad)) {
            Ok(()) => panic!("accepted {bad}"),
            Err(err) => assert_eq!(code_of(&err), "invalid-report", "{bad}"),
        }
    }
    let estimate = agg.estimate().unwrap_or(JsValue::NULL);
    assert_eq!(
        num(&estimate, &["reports"]),
        4.0,
        "bad reports were not counted"
    );
    assert!(num(&estimate, &["mean", "stderr"]) > 0.0);

    // Merging: the same metric adds up; another metric is refused.
    let mut other = Aggregator::new(metric).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(other.add(reports[1].clone()).is_ok());
    assert!(agg.merge(&other).is_ok());
    assert_eq!(
        num(&agg.estimate().unwrap_or(JsValue::NULL), &["reports"]),
        5.0
    );
    let minutes = js("({ id: 'minutes-read', type: 'numeric', min: 0, max: 120, epsilon: 0.5 })");
    let minutes = Aggregator::new(minutes).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        code_of(&agg.merge(&minutes).err().unwrap_or(JsValue::NULL)),
        "invalid-report"
    );
    let err = Aggregator::new(js("({ id: 'x', type: 'boolean' })"))
        .err()
        .unwrap_or(JsValue::NULL);
    assert_eq!(code_of(&err), "invalid-argument");
}

/// The one name rule (1 to 256 bytes of UTF-8, no control characters) for item ids, feature
/// names and group names, wherever they cross: catalogs, events, candidates, forget, unblock
/// and explanations.
#[wasm_bindgen_test]
async fn real_names_cross_the_boundary_and_control_characters_do_not() {
    let p = open().await;
    assert!(settle(p.grant("topics".into())).await.is_ok());
    let names = "[\"genre:Children's\", 'tag:New York', 'tag:café', 'topic:政治', 'mood:🎉', '   ', 'x'.repeat(256), '政'.repeat(85) + 'a']";
    let catalog = format!(
        "{names}.map((n, i) => ({{ id: n, features: {{ [n]: 1 }}, group: n, baseline: i, embedding: i === 2 ? null : [1, i] }}))"
    );
    assert!(
        p.set_catalog(js(&catalog)).is_ok(),
        "every name is accepted"
    );
    let packed = format!("({{ ids: {names}, featureNames: {names}, groupNames: {names}, groups: new Uint32Array([0, 1, 2, 3, 4, 5, 6, 7]) }})");
    assert!(p.set_catalog_packed(js(&packed)).is_ok(), "packed too");
    assert!(p.set_catalog(js(&catalog)).is_ok());
    let recorded = settle(p.record(js(
        "({ category: 'reading', kind: 'like', item: 'topic:政治', features: { 'topic:政治': 1, \"genre:Children's\": 1 } })",
    )))
    .await;
    assert!(recorded.is_ok(), "{recorded:?}");
    let top = p
        .rank(
            js("['tag:café', 'topic:政治', '   ']"),
            js("({ limit: 1 })"),
        )
        .unwrap_or(JsValue::NULL);
    assert_eq!(ids_of(&top), ["topic:政治"]);
    let why: js_sys::Array = p
        .explain_interest("genre:Children's".into())
        .unwrap_or(JsValue::NULL)
        .unchecked_into();
    assert_eq!(why.length(), 1);
    assert!(settle(p.forget(js("({ feature: 'tag:New York' })")))
        .await
        .is_ok());
    let unblocked = settle(p.unblock("tag:New York".into())).await;
    assert_eq!(unblocked.ok().and_then(|v| v.as_bool()), Some(true));
    assert!(settle(p.forget(js("({ item: '   ' })"))).await.is_ok());

    for bad in [
        "''",
        "'x'.repeat(257)",
        "'政'.repeat(85) + 'ab'",
        "'tab\\there'",
        "'new\\nline'",
        "'nul\\u0000'",
        "'del\\u007f'",
        "'c1\\u0085'",
    ] {
        for (what, catalog) in [
            ("id", format!("[{{ id: {bad} }}]")),
            (
                "feature",
                format!("[{{ id: 'a', features: {{ [{bad}]: 1 }} }}]"),
            ),
            ("group", format!("[{{ id: 'a', group: {bad} }}]")),
        ] {
            let err = p.set_catalog(js(&catalog)).err().unwrap_or(JsValue::NULL);
            assert_eq!(code_of(&err), "invalid-catalog", "{what} {bad}");
        }
        for packed in [
            format!("({{ ids: ['a', {bad}] }})"),
            format!("({{ ids: ['a'], featureNames: [{bad}], featureOffsets: new Uint32Array([0, 1]), featureIds: new Uint32Array([0]), featureValues: new Float32Array([1]) }})"),
            format!("({{ ids: ['a'], groupNames: [{bad}], groups: new Uint32Array([0]) }})"),
        ] {
            let err = p.set_catalog_packed(js(&packed)).err().unwrap_or(JsValue::NULL);
            assert_eq!(code_of(&err), "invalid-catalog", "{packed}");
        }
        for event in [
            format!("({{ category: 'reading', kind: 'view', item: {bad} }})"),
            format!(
                "({{ category: 'reading', kind: 'view', item: 'a', features: {{ [{bad}]: 1 }} }})"
            ),
        ] {
            let err = settle(p.record(js(&event)))
                .await
                .err()
                .unwrap_or(JsValue::NULL);
            assert_eq!(code_of(&err), "invalid-event", "{event}");
        }
        let err = p
            .rank(js(&format!("['   ', {bad}]")), JsValue::UNDEFINED)
            .err()
            .unwrap_or(JsValue::NULL);
        assert_eq!(code_of(&err), "invalid-argument", "candidate {bad}");
        for what in [
            format!("({{ item: {bad} }})"),
            format!("({{ feature: {bad} }})"),
        ] {
            let err = settle(p.forget(js(&what)))
                .await
                .err()
                .unwrap_or(JsValue::NULL);
            assert!(
                ["invalid-argument", "input-too-large"].contains(&code_of(&err).as_str()),
                "forget {what}"
            );
        }
        let err = settle(p.unblock(js(bad)))
            .await
            .err()
            .unwrap_or(JsValue::NULL);
        assert!(
            ["invalid-argument", "input-too-large"].contains(&code_of(&err).as_str()),
            "unblock {bad}"
        );
        let err = p.explain_interest(js(bad)).err().unwrap_or(JsValue::NULL);
        assert!(
            ["invalid-argument", "input-too-large"].contains(&code_of(&err).as_str()),
            "explainInterest {bad}"
        );
    }
    // A mismatch of embedding dimensions names the item and both sizes.
    let err = p
        .set_catalog(js("[{ id: 'a', embedding: [1, 0] }, { id: 'b', embedding: null }, { id: 'c' }, { id: 'd', embedding: [1, 2, 3, 4] }]"))
        .err()
        .unwrap_or(JsValue::NULL);
    let message = Reflect::get(&err, &"message".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    assert!(
        message.contains("items[3].embedding: has 4 dimensions, the catalog's have 2"),
        "{message}"
    );
    assert_eq!(
        ids_of(
            &p.rank(JsValue::NULL, JsValue::UNDEFINED)
                .unwrap_or(JsValue::NULL)
        )
        .len(),
        8,
        "the catalog before the error stays"
    );
}
