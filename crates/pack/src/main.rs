//! `optin-pack <in.wasm> <out.lzma>`: compresses the module in the `.lzma` format that
//! `optin-unlzma` reads, with the unpacked size in the header, and checks that the result
//! decodes back to the input before writing it.

// A failed step is a message and an exit code, never a panic.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::unreachable
    )
)]

use std::process::ExitCode;

use xz2::stream::{Action, LzmaOptions, Status, Stream};

/// lc=3, lp=0, pb=0: WebAssembly is a byte stream with no 2- or 4-byte alignment, so
/// position bits don't help (measured: 171 bytes smaller than the default pb=2).
/// `LZMA_PRESET_EXTREME` from liblzma's `lzma.h` (xz2 does not re-export it): slower
/// encoding for a slightly smaller stream, the same decoding cost.
const PRESET_EXTREME: u32 = 0x8000_0000;

fn options(input_len: usize) -> Result<LzmaOptions, xz2::stream::Error> {
    let mut opts = LzmaOptions::new_preset(9 | PRESET_EXTREME)?;
    let dict = input_len.next_power_of_two().clamp(4096, 64 << 20);
    opts.dict_size(u32::try_from(dict).unwrap_or(64 << 20))
        .literal_context_bits(3)
        .literal_position_bits(0)
        .position_bits(0)
        .nice_len(273);
    Ok(opts)
}

fn compress(input: &[u8]) -> Result<Vec<u8>, String> {
    let opts = options(input.len()).map_err(|e| format!("lzma options: {e}"))?;
    let mut stream = Stream::new_lzma_encoder(&opts).map_err(|e| format!("lzma encoder: {e}"))?;
    let mut out = Vec::with_capacity(input.len() / 2 + 1024);
    loop {
        let status = stream
            .process_vec(input, &mut out, Action::Finish)
            .map_err(|e| format!("lzma: {e}"))?;
        if status == Status::StreamEnd {
            break;
        }
        out.reserve(out.capacity().max(4096));
    }
    // liblzma writes "size unknown" and an end marker; the decoder sizes its output from the
    // header, so put the size in (the end marker stays, 6 bytes, and is never read).
    let size = (input.len() as u64).to_le_bytes();
    out.get_mut(5..13)
        .ok_or("lzma: output shorter than a header")?
        .copy_from_slice(&size);
    Ok(out)
}

fn run(args: &[String]) -> Result<(), String> {
    let [_, input, output] = args else {
        return Err("usage: optin-pack <in.wasm> <out.lzma>".into());
    };
    let wasm = std::fs::read(input).map_err(|e| format!("{input}: {e}"))?;
    let packed = compress(&wasm)?;
    let mut check = vec![0u8; wasm.len()];
    let n = optin_unlzma::decode(&packed, &mut check).map_err(|e| format!("check: {e:?}"))?;
    if check[..n] != wasm[..] {
        return Err("check: the packed module does not decode back to the input".into());
    }
    std::fs::write(output, &packed).map_err(|e| format!("{output}: {e}"))?;
    println!("{input}: {} -> {} bytes (lzma)", wasm.len(), packed.len());
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("optin-pack: {e}");
            ExitCode::FAILURE
        }
    }
}
