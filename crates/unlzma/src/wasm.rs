//! The module's exports. JS reserves memory, copies the packed bytes in, calls `begin`, then
//! `step` until it returns the unpacked size, and reads the result from after the input.

use core::arch::wasm32;
use core::mem::MaybeUninit;
use core::ptr::addr_of_mut;

use crate::{Decoder, Error};

const PAGE: usize = 64 * 1024;

/// The stream being decoded (the module is single-threaded, one stream at a time).
/// `MaybeUninit`, so the ~28 KB of models are zeroed memory, not bytes in the module.
static mut DECODER: MaybeUninit<Decoder> = MaybeUninit::uninit();
static mut READY: bool = false;
static mut REGION: (usize, usize, usize) = (0, 0, 0);

fn code(e: Error) -> i32 {
    match e {
        Error::Header => -1,
        Error::OutputTooSmall => -2,
        Error::Corrupt => -3,
    }
}

/// Makes room for `input_len` bytes of input followed by `output_len` bytes of output at
/// the end of memory; returns where the input goes (the output follows it), or 0 if memory
/// can't grow.
#[no_mangle]
pub extern "C" fn reserve(input_len: usize, output_len: usize) -> usize {
    let (Some(start), Some(total)) = (
        wasm32::memory_size(0).checked_mul(PAGE),
        input_len.checked_add(output_len),
    ) else {
        return 0;
    };
    if wasm32::memory_grow(0, total.div_ceil(PAGE)) == usize::MAX {
        return 0;
    }
    // SAFETY: single-threaded; nothing else holds a reference to these statics.
    unsafe {
        REGION = (start, input_len, output_len);
        READY = false;
    }
    start
}

// SAFETY (both below): `reserve` grew memory so that its two regions exist and don't
// overlap, and the module is single-threaded, so no other reference to them or to the
// statics is alive during a call.
unsafe fn region() -> (&'static [u8], &'static mut [u8]) {
    let (start, input_len, output_len) = unsafe { REGION };
    let input = start as *const u8;
    unsafe {
        (
            core::slice::from_raw_parts(input, input_len),
            core::slice::from_raw_parts_mut(input.add(input_len) as *mut u8, output_len),
        )
    }
}

/// Reads the header of the reserved input; returns the unpacked size or a negative error
/// (-1 header, -2 output too small, -3 corrupt).
#[no_mangle]
pub extern "C" fn begin() -> i32 {
    let (input, output) = unsafe { region() };
    match Decoder::new(input) {
        Ok(d) if d.unpacked_len() > output.len() => code(Error::OutputTooSmall),
        Ok(d) => {
            let size = d.unpacked_len();
            unsafe {
                (*addr_of_mut!(DECODER)).write(d);
                READY = true;
            }
            i32::try_from(size).unwrap_or(-2)
        }
        Err(e) => code(e),
    }
}

/// Decodes about `chunk` more bytes; returns how many are written in all, or a negative
/// error. Done when it returns the size `begin` returned.
#[no_mangle]
pub extern "C" fn step(chunk: usize) -> i32 {
    if !unsafe { READY } {
        return code(Error::Header);
    }
    let (input, output) = unsafe { region() };
    let decoder = unsafe { (*addr_of_mut!(DECODER)).assume_init_mut() };
    let until = decoder
        .unpacked_len()
        .min(decoder.written().saturating_add(chunk));
    match decoder.run(input, output, until) {
        Ok(n) => i32::try_from(n).unwrap_or(-2),
        Err(e) => {
            unsafe { READY = false };
            code(e)
        }
    }
}

// Bounds checks are the only panics left, and none can fire (tests/roundtrip.rs); a trap
// would surface in JS as a RuntimeError.
#[cfg(not(test))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    wasm32::unreachable()
}
