//! Turns core errors into JS `OptinError`s: real `Error` objects with a stable `code`.
//!
//! The package's `OptinError` class (index.js) recognises these objects by name and code,
//! so `err instanceof OptinError` holds for every error thrown here.

use std::fmt::Display;

use js_sys::{Error, Reflect};
use wasm_bindgen::JsValue;

use crate::error::ErrorCode;

/// A JS `Error` named `OptinError` with `code` set.
pub fn optin_error(code: &str, message: &str) -> JsValue {
    let err = Error::new(message);
    err.set_name("OptinError");
    // Setting a property on a fresh Error cannot fail; if it somehow did, the error still
    // carries its name and message, which is better than throwing something else.
    let _ = Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from_str(code));
    err.into()
}

/// Any typed core error as an `OptinError`.
pub fn to_js<E: ErrorCode + Display>(e: E) -> JsValue {
    optin_error(e.code(), &e.to_string())
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
