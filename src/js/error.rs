//! Turns core errors into JS `OptinError`s: instances of the package's own `OptinError`
//! class (`src/js/host.js`), real `Error`s with a stable `code`.

use std::fmt::Display;

use wasm_bindgen::prelude::*;

use crate::error::ErrorCode;

#[wasm_bindgen(module = "/src/js/host.js")]
extern "C" {
    // Constructs an Error subclass: nothing in it can throw.
    #[wasm_bindgen(js_name = optinError)]
    fn new_optin_error(code: &str, message: &str) -> JsValue;
}

/// A new `OptinError` with `code`.
pub fn optin_error(code: &str, message: &str) -> JsValue {
    new_optin_error(code, message)
}

/// Any typed core error as an `OptinError`. Generic only in this line: the formatting is
/// compiled once, through `dyn Display` (it was compiled once per error type).
pub fn to_js<E: ErrorCode + Display>(e: E) -> JsValue {
    described(e.code(), &e)
}

#[inline(never)]
fn described(code: &str, message: &dyn Display) -> JsValue {
    optin_error(code, &message.to_string())
}

/// Errors found at the boundary, before the core sees the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// A string, array or object is over its limit.
    #[error("{path}: input too large ({detail})")]
    TooLarge {
        /// Where.
        path: String,
        /// What limit.
        detail: String,
    },
    /// Objects or arrays nested deeper than the limit (or a cycle).
    #[error("{path}: nested deeper than {limit} levels")]
    TooDeep {
        /// Where.
        path: String,
        /// The limit.
        limit: usize,
    },
    /// A value of a type no API accepts (function, symbol, bigint, NaN...), or a wrong type.
    #[error("{path}: {message}")]
    Invalid {
        /// Where.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The instance was closed.
    #[error("this Personalizer was closed")]
    Closed,
}

impl ErrorCode for InputError {
    fn code(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "input-too-large",
            Self::TooDeep { .. } => "input-too-deep",
            Self::Invalid { .. } => "invalid-argument",
            Self::Closed => "closed",
        }
    }
}
