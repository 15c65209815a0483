//! A decoder for the `.lzma` format ("LZMA alone": 13-byte header, one LZMA1 stream).
//!
//! optin ships its WebAssembly module LZMA-compressed (about 14% smaller than the best
//! deflate), and `DecompressionStream` can't read LZMA, so this crate is compiled to a second,
//! tiny module that unpacks the first. It follows the LZMA specification's reference decoder
//! (`LzmaSpec.cpp` in the LZMA SDK, public domain), decoding into one flat output buffer
//! that doubles as the dictionary. Every read is bounds-checked: corrupt input is an
//! [`Error`], never a panic or an out-of-bounds access.
// std only natively (tests, the packer): the wasm build must carry no allocator or runtime.
#![cfg_attr(all(target_arch = "wasm32", not(test)), no_std)]
#![deny(missing_docs)]
// Damaged input is an error code, never a panic: outside tests no unwrap, expect or explicit
// panic compiles. (Indexing stays: every index is masked into its table, and the wasm build
// has no panic path left: tests/js/unpack.test.mjs checks it carries no panic message.)
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::unreachable
    )
)]

mod decoder;
mod range;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use decoder::{decode, unpacked_size, Decoder, Error, HEADER_LEN};
