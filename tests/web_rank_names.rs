//! The names call behind the packed `rank` (`__rankNames`): indices come from the instance's
//! own packed results, so one out of range means stale tables, which is an OptinError, never
//! a wrong name or a trap.
#![cfg(target_arch = "wasm32")]

use js_sys::{Reflect, JSON};
use optin::js::Personalizer;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

const MANIFEST: &str = include_str!("fixtures/news-manifest.json");

fn code_of(err: &JsValue) -> String {
    Reflect::get(err, &"code".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn stale_or_unknown_name_requests_are_errors() {
    let manifest = JSON::parse(MANIFEST).unwrap_or(JsValue::NULL);
    let p = match Personalizer::open(manifest, None).await {
        Ok(p) => p,
        Err(e) => panic!("open failed: {e:?}"),
    };
    let items = JSON::parse(
        r#"[{"id":"a","features":{"topic:x":1}},{"id":"b","features":{"topic:y":1},"group":"g"}]"#,
    )
    .unwrap_or(JsValue::NULL);
    assert!(p.set_catalog(items).is_ok());
    let names = p.rank_names(0, Some(vec![1, 0])).map(|a| a.to_vec());
    let names: Vec<Option<String>> = names
        .unwrap_or_default()
        .iter()
        .map(JsValue::as_string)
        .collect();
    assert_eq!(names, [Some("b".to_owned()), Some("a".to_owned())]);
    for (kind, indices) in [(0, Some(vec![2])), (1, Some(vec![99_999])), (7, None)] {
        match p.rank_names(kind, indices) {
            Ok(_) => panic!("names {kind} answered"),
            Err(e) => assert_eq!(code_of(&e), "invalid-argument"),
        }
    }
    // Still usable.
    assert!(p.rank_names(2, None).is_ok());
}
