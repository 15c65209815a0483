//! Events from JS. Recording is the hot path (10,000 events at once), so events cross the
//! boundary as one `JSON.stringify` string parsed by serde_json (bounded recursion), not
//! field by field.

use js_sys::JSON;
use wasm_bindgen::JsValue;

use super::error::{optin_error, to_js, InputError};
use crate::error::EventError;
use crate::event::Event;
use crate::manifest::Manifest;

/// Most events in one `recordMany` call.
pub const MAX_EVENTS_PER_CALL: usize = 100_000;
/// Largest JSON text of one call (UTF-16 units).
const MAX_JSON: u32 = 64 * 1024 * 1024;

/// Parses one event (`many == false`) or an array of events.
pub fn parse(value: &JsValue, many: bool, manifest: &Manifest) -> Result<Vec<Event>, JsValue> {
    let path = if many { "events" } else { "event" };
    let expected = if many {
        "an array of events"
    } else {
        "an event object"
    };
    // JSON.stringify gives undefined (not a string) for undefined, functions and symbols.
    if !value.is_object() || value.is_function() {
        return Err(optin_error(
            "invalid-event",
            &format!("{path}: expected {expected}"),
        ));
    }
    let text = JSON::stringify(value).map_err(|_| {
        optin_error(
            "invalid-event",
            &format!("{path}: not serializable (a cycle, or a bigint)"),
        )
    })?;
    if !text.is_string() {
        return Err(optin_error(
            "invalid-event",
            &format!("{path}: expected {expected}"),
        ));
    }
    if text.length() > MAX_JSON {
        return Err(to_js(InputError::TooLarge {
            path: path.into(),
            detail: format!("more than {MAX_JSON} characters"),
        }));
    }
    let text = text.as_string().unwrap_or_default();
    let json: serde_json::Value = serde_json::from_slice(text.as_bytes()).map_err(|e| {
        if e.to_string().contains("recursion limit") {
            to_js(InputError::TooDeep {
                path: path.into(),
                limit: 128,
            })
        } else {
            optin_error("invalid-event", &format!("{path}: expected {expected}"))
        }
    })?;
    let is_category = |c: &str| manifest.category(c).is_some();
    let parsed = if many {
        Event::parse_many(&json, "events", MAX_EVENTS_PER_CALL, &is_category)
    } else {
        Event::parse(&json, "event", &is_category).map(|e| vec![e])
    };
    parsed.map_err(|e| to_js(EventError::Invalid(e)))
}
