//! `Personalizer.open` options: storage, namespace, locale, clock and Global Privacy Control.

use js_sys::{Function, Reflect};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};

use super::convert::{to_json, Limits};
use super::error::{optin_error, InputError};
use crate::manifest::is_locale_tag;
use crate::time::{Millis, MAX_MILLIS, MIN_MILLIS};

/// Where the user's data is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageKind {
    /// In memory, gone with the page.
    Memory,
    /// IndexedDB, encrypted.
    IndexedDb,
}

/// The clock: `Date.now` or the app's `now` option.
#[derive(Debug, Clone)]
pub enum Clock {
    /// `Date.now()`.
    System,
    /// The app's function.
    Custom(Function),
}

impl Clock {
    /// The current time. A custom clock that throws or returns a non-time is an error.
    pub fn now(&self) -> Result<Millis, JsValue> {
        let value = match self {
            Clock::System => return Ok(js_sys::Date::now() as Millis),
            Clock::Custom(f) => f
                .call0(&JsValue::UNDEFINED)
                .map_err(|_| optin_error("invalid-argument", "the `now` option threw"))?,
        };
        match value.as_f64() {
            Some(ms) if ms.is_finite() && (MIN_MILLIS as f64..=MAX_MILLIS as f64).contains(&ms) => {
                Ok(ms as Millis)
            }
            _ => Err(optin_error(
                "invalid-argument",
                "the `now` option must return milliseconds since the epoch",
            )),
        }
    }
}

/// Parsed options.
#[derive(Debug, Clone)]
pub struct Options {
    /// Storage kind, if the app chose one.
    pub storage: Option<StorageKind>,
    /// Namespace (one database per namespace).
    pub namespace: String,
    /// Locale for notices and records.
    pub locale: String,
    /// The clock.
    pub clock: Clock,
    /// Global Privacy Control.
    pub gpc: bool,
    /// Most events kept per data category.
    pub max_events_per_category: usize,
}

/// Parses `options` (undefined or an object).
pub fn parse(options: &JsValue) -> Result<Options, InputError> {
    let invalid = |path: &str, message: &str| InputError::Invalid {
        path: path.into(),
        message: message.into(),
    };
    if !(options.is_undefined() || options.is_null() || options.is_object())
        || options.is_function()
    {
        return Err(invalid("options", "expected an object or undefined"));
    }
    let get = |key: &str| -> JsValue {
        if options.is_object() {
            Reflect::get(options, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
        } else {
            JsValue::UNDEFINED
        }
    };
    let text = |key: &str| -> Result<Option<String>, InputError> {
        let v = get(key);
        if v.is_undefined() || v.is_null() {
            return Ok(None);
        }
        match to_json(&v, &format!("options.{key}"), Limits::DOCUMENT)? {
            Value::String(s) => Ok(Some(s)),
            _ => Err(invalid(&format!("options.{key}"), "expected a string")),
        }
    };
    let storage = match text("storage")?.as_deref() {
        None => None,
        Some("memory") => Some(StorageKind::Memory),
        Some("indexeddb") => Some(StorageKind::IndexedDb),
        Some(_) => {
            return Err(invalid(
                "options.storage",
                "expected \"indexeddb\" or \"memory\"",
            ))
        }
    };
    let namespace =
        text("namespace")?.unwrap_or_else(|| crate::personalizer::DEFAULT_NAMESPACE.to_owned());
    if !crate::validate::is_identifier(&namespace) {
        return Err(invalid(
            "options.namespace",
            "expected 1 to 64 of letters, digits, _ . : -",
        ));
    }
    let locale = match text("locale")? {
        Some(l) if is_locale_tag(&l) => l,
        Some(_) => {
            return Err(invalid(
                "options.locale",
                "expected a locale tag like \"en\" or \"de-AT\"",
            ))
        }
        None => navigator_string("language")
            .filter(|l| is_locale_tag(l))
            .unwrap_or_else(|| "en".to_owned()),
    };
    let now = get("now");
    let clock = if now.is_undefined() || now.is_null() {
        Clock::System
    } else {
        Clock::Custom(
            now.dyn_into::<Function>()
                .map_err(|_| invalid("options.now", "expected a function"))?,
        )
    };
    let gpc_option = get("gpc");
    let gpc = if gpc_option.is_undefined() || gpc_option.is_null() {
        navigator_value("globalPrivacyControl")
            .as_bool()
            .unwrap_or(false)
    } else {
        gpc_option
            .as_bool()
            .ok_or_else(|| invalid("options.gpc", "expected true or false"))?
    };
    let cap = get("maxEventsPerCategory");
    let max_events_per_category = if cap.is_undefined() || cap.is_null() {
        crate::personalizer::DEFAULT_MAX_EVENTS_PER_CATEGORY
    } else {
        match cap.as_f64() {
            Some(n) if n.fract() == 0.0 && (1.0..=1_000_000.0).contains(&n) => n as usize,
            _ => {
                return Err(invalid(
                    "options.maxEventsPerCategory",
                    "expected a whole number from 1 to 1000000",
                ))
            }
        }
    };
    Ok(Options {
        storage,
        namespace,
        locale,
        clock,
        gpc,
        max_events_per_category,
    })
}

/// A property of `globalThis.navigator` (undefined outside browsers).
fn navigator_value(key: &str) -> JsValue {
    Reflect::get(&js_sys::global(), &JsValue::from_str("navigator"))
        .ok()
        .filter(|n| n.is_object())
        .and_then(|n| Reflect::get(&n, &JsValue::from_str(key)).ok())
        .unwrap_or(JsValue::UNDEFINED)
}

fn navigator_string(key: &str) -> Option<String> {
    navigator_value(key).as_string()
}
