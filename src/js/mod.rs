//! The wasm-bindgen layer: the only code (with the IndexedDB store) that touches JS.
//!
//! One file per exported class. Every exported function validates its input, converts it
//! with [`convert`] (size and depth limits), calls the core, and maps every error to an
//! `OptinError` with [`error`]. Nothing here decides policy; the core does.

mod aggregator;
mod convert;
mod error;
mod events;
mod idb;
mod listeners;
mod options;
mod personalizer;
mod random;
mod rank_packed;
mod ranking;
mod runtime;
mod tabs;

pub use aggregator::Aggregator;
pub use personalizer::Personalizer;

use wasm_bindgen::prelude::*;

/// The version of this build of optin.
#[wasm_bindgen]
pub fn version() -> String {
    crate::version().to_owned()
}
