//! Several tabs on one namespace: Web Locks order the writers, a BroadcastChannel tells the
//! others to reload. Both live in `idb_store.js` (`withLock`, `listenToTabs`); both are
//! optional: without them (Node) an instance is alone anyway.

use std::future::Future;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

#[wasm_bindgen(module = "/src/js/idb_store.js")]
extern "C" {
    #[wasm_bindgen(js_name = withLock)]
    fn with_lock_js(name: &str, run: &JsValue) -> Promise;

    /// A channel to the other tabs, or null.
    #[wasm_bindgen(js_name = listenToTabs)]
    fn listen_to_tabs_js(name: &str, on_change: &JsValue) -> JsValue;

    #[wasm_bindgen(js_name = tellTabs, catch)]
    fn tell_tabs_js(channel: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(js_name = closeTabs, catch)]
    fn close_tabs_js(channel: &JsValue) -> Result<(), JsValue>;
}

/// Runs `work` holding the Web Lock `name` (exclusive across tabs), or directly without locks.
pub async fn with_lock<F>(name: &str, work: F) -> Result<JsValue, JsValue>
where
    F: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    let run = Closure::once_into_js(move || -> JsValue { future_to_promise(work).into() });
    JsFuture::from(with_lock_js(name, &run)).await
}

/// The channel to the other tabs and its handler (kept alive with it).
pub struct TabChannel {
    channel: JsValue,
    _on_change: Closure<dyn FnMut()>,
}

impl TabChannel {
    /// Listens on the channel `name`; `None` without BroadcastChannel.
    pub fn listen(name: &str, on_change: Closure<dyn FnMut()>) -> Option<TabChannel> {
        let channel = listen_to_tabs_js(name, on_change.as_ref());
        (!channel.is_null()).then_some(TabChannel {
            channel,
            _on_change: on_change,
        })
    }

    /// Tells the other tabs this one wrote (best effort: a closed channel is no error).
    pub fn tell(&self) {
        let _ = tell_tabs_js(&self.channel);
    }

    /// Closes the channel.
    pub fn close(&self) {
        let _ = close_tabs_js(&self.channel);
    }
}
