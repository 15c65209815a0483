//! The secure random source on wasm32: getrandom's custom backend, filled by the host's
//! `crypto.getRandomValues` (`src/js/host.js`), which the package entry points at Node's
//! `webcrypto` where there is no `globalThis.crypto` (Node 18). A host without one makes
//! getrandom fail, and every caller refuses to go on without randomness.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/js/host.js")]
extern "C" {
    // `catch`: a host without a secure source throws, which must come back as an error here,
    // never unwind through the module's frames.
    #[wasm_bindgen(catch, js_name = fillRandom)]
    fn fill_random(bytes: &mut [u8]) -> Result<(), JsValue>;
}

/// getrandom's entry point for `getrandom_backend = "custom"` (`.cargo/config.toml`).
///
/// # Safety
/// getrandom calls it with a pointer to `len` writable bytes, possibly uninitialized.
#[no_mangle]
unsafe extern "Rust" fn __getrandom_v03_custom(
    dest: *mut u8,
    len: usize,
) -> Result<(), getrandom::Error> {
    // SAFETY: getrandom passes `len` writable bytes at `dest`; they are zeroed before a
    // slice is made over them, so no uninitialized byte is read.
    let bytes = unsafe {
        core::ptr::write_bytes(dest, 0, len);
        core::slice::from_raw_parts_mut(dest, len)
    };
    fill_random(bytes).map_err(|_| getrandom::Error::UNSUPPORTED)
}
