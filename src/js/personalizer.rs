//! The exported `Personalizer` class.

use wasm_bindgen::prelude::*;

use super::convert::{to_json, Limits};
use super::error::to_js;
use crate::manifest::Manifest;

/// An opened personalization runtime for one app and one user.
#[wasm_bindgen]
pub struct Personalizer {
    manifest: Manifest,
}

#[wasm_bindgen]
impl Personalizer {
    /// Validates the manifest and opens the user's profile.
    ///
    /// ```ts
    /// const p = await Personalizer.open(manifest, { storage: "memory" });
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Promise<Personalizer>")]
    pub async fn open(
        #[wasm_bindgen(unchecked_param_type = "Manifest")] manifest: JsValue,
        #[wasm_bindgen(unchecked_param_type = "OpenOptions | undefined")] _options: JsValue,
    ) -> Result<Personalizer, JsValue> {
        let json = to_json(&manifest, "manifest", Limits::DOCUMENT).map_err(to_js)?;
        let manifest = Manifest::from_json(&json).map_err(to_js)?;
        Ok(Personalizer { manifest })
    }

    /// The policy version of the manifest in use.
    #[wasm_bindgen(getter, js_name = policyVersion)]
    pub fn policy_version(&self) -> String {
        self.manifest.policy_version.clone()
    }
}
