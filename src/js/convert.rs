//! JS values to JSON, with limits, so hostile input costs little and never overflows the stack.
//!
//! Recursion depth is bounded by [`Limits::max_depth`] (a cycle hits it too), string length is
//! checked before the string is copied into wasm memory, and the total number of values is
//! bounded. `undefined` object fields are dropped, as JSON.stringify does.

use js_sys::{Array, JsString, Object, Reflect};
use serde_json::{Map, Number, Value};
use wasm_bindgen::{JsCast, JsValue};

use super::error::InputError;
use crate::validate::{child, index};

/// Bounds on one converted value.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest nesting of arrays and objects.
    pub max_depth: usize,
    /// Longest string (UTF-16 units).
    pub max_string: u32,
    /// Most values in total.
    pub max_nodes: usize,
}

impl Limits {
    /// For manifests and consent imports.
    pub const DOCUMENT: Limits = Limits {
        max_depth: 16,
        max_string: 64 * 1024,
        max_nodes: 500_000,
    };
}

/// Converts `value` to JSON within `limits`; `path` names it in errors.
pub fn to_json(value: &JsValue, path: &str, limits: Limits) -> Result<Value, InputError> {
    let mut nodes = 0;
    convert(value, path, limits, 0, &mut nodes)
}

fn convert(
    v: &JsValue,
    path: &str,
    limits: Limits,
    depth: usize,
    nodes: &mut usize,
) -> Result<Value, InputError> {
    *nodes += 1;
    if *nodes > limits.max_nodes {
        return Err(InputError::TooLarge {
            path: path.to_owned(),
            detail: format!("more than {} values", limits.max_nodes),
        });
    }
    if v.is_null() || v.is_undefined() {
        return Ok(Value::Null);
    }
    if let Some(b) = v.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = v.as_f64() {
        // Whole numbers become JSON integers, as JSON.parse would make them.
        if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
            return Ok(Value::Number(Number::from(n as i64)));
        }
        return Number::from_f64(n)
            .map(Value::Number)
            .ok_or_else(|| InputError::Invalid {
                path: path.to_owned(),
                message: format!("expected a finite number, got {}", crate::validate::Num(n)),
            });
    }
    if let Some(s) = v.dyn_ref::<JsString>() {
        if s.length() > limits.max_string {
            return Err(InputError::TooLarge {
                path: path.to_owned(),
                detail: format!(
                    "a string of {} characters, the limit is {}",
                    s.length(),
                    limits.max_string
                ),
            });
        }
        return Ok(Value::String(String::from(s)));
    }
    if depth >= limits.max_depth {
        return Err(InputError::TooDeep {
            path: path.to_owned(),
            limit: limits.max_depth,
        });
    }
    if Array::is_array(v) {
        let arr: &Array = v.unchecked_ref();
        let len = arr.length() as usize;
        if len > limits.max_nodes {
            return Err(InputError::TooLarge {
                path: path.to_owned(),
                detail: format!("an array of {len} items"),
            });
        }
        let mut out = Vec::with_capacity(len.min(1024));
        for i in 0..len {
            out.push(convert(
                &arr.get(i as u32),
                &index(path, i),
                limits,
                depth + 1,
                nodes,
            )?);
        }
        return Ok(Value::Array(out));
    }
    if v.is_object() && !v.is_function() {
        let obj: &Object = v.unchecked_ref();
        let keys = Object::keys(obj);
        let mut out = Map::new();
        for key in keys.iter() {
            let name = key.as_string().unwrap_or_default();
            let p = child(path, &name);
            let field = Reflect::get(obj, &key).map_err(|_| InputError::Invalid {
                path: p.clone(),
                message: "reading this property threw".to_owned(),
            })?;
            if field.is_undefined() {
                continue;
            }
            out.insert(name, convert(&field, &p, limits, depth + 1, nodes)?);
        }
        return Ok(Value::Object(out));
    }
    let what = if v.is_function() {
        "a function"
    } else if v.is_symbol() {
        "a symbol"
    } else if v.is_bigint() {
        "a bigint"
    } else {
        "an unsupported value"
    };
    Err(InputError::Invalid {
        path: path.to_owned(),
        message: format!("{what} is not accepted here"),
    })
}

/// Serializes a core value for JS through one JSON string: plain objects and arrays, `None`
/// as `null`. (JSON.parse is native and fast, and one serializer serves every type.)
pub fn to_js_value<T: serde::Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| super::error::optin_error("internal", &e.to_string()))?;
    js_sys::JSON::parse(&text)
}

/// Reads a string argument.
pub fn string_arg(value: &JsValue, path: &str, max: u32) -> Result<String, InputError> {
    let s = value
        .dyn_ref::<JsString>()
        .ok_or_else(|| InputError::Invalid {
            path: path.to_owned(),
            message: "expected a string".to_owned(),
        })?;
    if s.length() > max {
        return Err(InputError::TooLarge {
            path: path.to_owned(),
            detail: format!("longer than {max} characters"),
        });
    }
    Ok(String::from(s))
}
