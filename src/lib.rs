//! optin: on-device, opt-in personalization for the web.
//!
//! The core (everything outside `js`) is plain Rust: it never touches JS or the browser and
//! takes time as a parameter, so it is tested natively. `js` is the thin wasm-bindgen layer.
//! See ARCHITECTURE.md for the map and the invariants.
#![deny(missing_docs)]
// Promise 7: input never crashes the library. Outside tests, no unwrap, expect or explicit
// panic compiles (the lint layer runs clippy with -D warnings on both targets).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod consent;
pub mod error;
pub mod event;
pub mod ids;
pub mod manifest;
pub mod personalizer;
pub mod profile;
pub mod rank;
pub mod report;
pub(crate) mod sort;
pub mod sorted;
pub mod store;
pub mod time;
pub mod validate;

#[cfg(target_arch = "wasm32")]
pub mod js;

/// The version of this build of optin (the crate version, also the npm version).
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
