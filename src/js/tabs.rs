//! Several tabs on one namespace: Web Locks order the writers, BroadcastChannel tells the
//! others to reload. Both are optional: without them (Node) an instance is alone anyway.

use std::future::Future;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

fn lock_manager() -> Option<JsValue> {
    let navigator = Reflect::get(&js_sys::global(), &JsValue::from_str("navigator")).ok()?;
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    locks.is_object().then_some(locks)
}

/// Runs `work` holding the Web Lock `name` (exclusive across tabs), or directly without locks.
pub async fn with_lock<F>(name: &str, work: F) -> Result<JsValue, JsValue>
where
    F: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    let Some(locks) = lock_manager() else {
        return work.await;
    };
    let request = Reflect::get(&locks, &JsValue::from_str("request"))?.dyn_into::<Function>()?;
    let callback =
        Closure::once_into_js(move |_lock: JsValue| -> JsValue { future_to_promise(work).into() });
    let held = request
        .call2(&locks, &JsValue::from_str(name), &callback)?
        .dyn_into::<Promise>()?;
    JsFuture::from(held).await
}
