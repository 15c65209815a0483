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

mod decoder;
mod range;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use decoder::{decode, unpacked_size, Decoder, Error, HEADER_LEN};
