//! The decoder against liblzma's encoder: whatever liblzma packs, the decoder unpacks to the
//! same bytes, in one call or in any steps; damaged or unsupported input is an error, never a
//! panic.
#![cfg(not(target_arch = "wasm32"))]

use optin_unlzma::{decode, unpacked_size, Decoder, Error, HEADER_LEN};
use proptest::prelude::*;
use xz2::stream::{Action, LzmaOptions, Status, Stream};

/// liblzma's `.lzma` encoder with the given literal/position bits, the size put in the header
/// as optin's packer does.
fn pack(data: &[u8], preset: u32, lc: u32, lp: u32, pb: u32) -> Vec<u8> {
    let mut opts = LzmaOptions::new_preset(preset).unwrap();
    opts.literal_context_bits(lc)
        .literal_position_bits(lp)
        .position_bits(pb);
    let mut stream = Stream::new_lzma_encoder(&opts).unwrap();
    let mut out = Vec::with_capacity(data.len() + 1024);
    while stream.process_vec(data, &mut out, Action::Finish).unwrap() != Status::StreamEnd {
        out.reserve(out.capacity());
    }
    out[5..13].copy_from_slice(&(data.len() as u64).to_le_bytes());
    out
}

fn unpack(packed: &[u8]) -> Result<Vec<u8>, Error> {
    let size = unpacked_size(packed).unwrap() as usize;
    let mut out = vec![0u8; size];
    let n = decode(packed, &mut out)?;
    assert_eq!(n, size);
    Ok(out)
}

/// Text-like data with long and short repeats and literals, so every kind of match occurs.
fn sample(len: usize, seed: u64) -> Vec<u8> {
    let words: [&[u8]; 8] = [
        b"personalizer",
        b"consent ",
        b"rank",
        b"\x00\x01\x02",
        b"module",
        b" ",
        b"(func $f",
        b"\n",
    ];
    let mut x = seed | 1;
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        match x % 5 {
            0 => out.push((x >> 24) as u8),
            1 if out.len() > 300 => {
                let start = out.len() - 1 - (x >> 20) as usize % 300;
                for i in 0..(x >> 40) as usize % 40 {
                    out.push(out[start + i % (out.len() - start)]);
                }
            }
            _ => out.extend_from_slice(words[(x >> 33) as usize % words.len()]),
        }
    }
    out.truncate(len);
    out
}

#[test]
fn unpacks_what_liblzma_packs_with_every_supported_setting() {
    let data = sample(200_000, 7);
    for (lc, lp, pb) in [
        (3, 0, 2),
        (3, 0, 0),
        (0, 0, 0),
        (4, 0, 4),
        (0, 4, 2),
        (1, 3, 1),
        (2, 2, 3),
    ] {
        let packed = pack(&data, 6, lc, lp, pb);
        assert_eq!(unpack(&packed).unwrap(), data, "lc={lc} lp={lp} pb={pb}");
    }
}

#[test]
fn unpacks_empty_and_tiny_inputs() {
    for data in [
        &b""[..],
        b"a",
        b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        b"abcabcabcabd",
    ] {
        assert_eq!(unpack(&pack(data, 9, 3, 0, 0)).unwrap(), data);
    }
}

#[test]
fn long_overlapping_matches_copy_byte_by_byte() {
    // Runs of one byte are matches at distance 1, longer than the distance.
    let mut data = vec![7u8; 100_000];
    data.extend(b"xyz".repeat(5000));
    assert_eq!(unpack(&pack(&data, 9, 3, 0, 0)).unwrap(), data);
}

#[test]
fn refuses_unsupported_or_short_headers() {
    let packed = pack(b"hello hello hello", 6, 3, 0, 2);
    let mut out = vec![0u8; 64];
    assert_eq!(
        decode(&packed[..HEADER_LEN - 1], &mut out),
        Err(Error::Header)
    );
    assert_eq!(decode(&[], &mut out), Err(Error::Header));
    let mut bad = packed.clone();
    bad[0] = 225; // properties past 9 * 5 * 5
    assert_eq!(decode(&bad, &mut out), Err(Error::Header));
    let mut wide = packed.clone();
    wide[0] = (2 * 5 + 1) * 9 + 4; // lc=4 lp=1: more literal models than the decoder keeps
    assert_eq!(decode(&wide, &mut out), Err(Error::Header));
    let mut unsized_ = packed.clone();
    unsized_[5..13].copy_from_slice(&u64::MAX.to_le_bytes());
    assert_eq!(decode(&unsized_, &mut out), Err(Error::Header));
}

#[test]
fn refuses_an_output_buffer_smaller_than_the_declared_size() {
    let data = sample(5000, 3);
    let packed = pack(&data, 6, 3, 0, 0);
    let mut out = vec![0u8; data.len() - 1];
    assert_eq!(decode(&packed, &mut out), Err(Error::OutputTooSmall));
}

#[test]
fn a_truncated_stream_is_corrupt() {
    let data = sample(50_000, 11);
    let packed = pack(&data, 6, 3, 0, 0);
    for keep in [
        HEADER_LEN,
        HEADER_LEN + 3,
        packed.len() / 2,
        packed.len() - 40,
    ] {
        let mut out = vec![0u8; data.len()];
        assert_eq!(
            decode(&packed[..keep], &mut out),
            Err(Error::Corrupt),
            "kept {keep}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_steps_give_the_same_bytes(seed in any::<u64>(), len in 0usize..20_000, chunk in 1usize..5000) {
        let data = sample(len, seed);
        let packed = pack(&data, 6, 3, 0, 0);
        let mut decoder = Decoder::new(&packed).unwrap();
        prop_assert_eq!(decoder.unpacked_len(), len);
        let mut out = vec![0u8; len];
        let mut calls = 0;
        while decoder.written() < len {
            let before = decoder.written();
            let n = decoder.run(&packed, &mut out, before + chunk).unwrap();
            prop_assert!(n >= (before + chunk).min(len), "stopped short: {} of {}", n, before + chunk);
            calls += 1;
            prop_assert!(calls <= len + 1);
        }
        prop_assert_eq!(out, data);
    }

    #[test]
    fn damaged_streams_never_panic(seed in any::<u64>(), flips in proptest::collection::vec((any::<usize>(), 1u8..=255), 1..8)) {
        let data = sample(4000, seed);
        let mut packed = pack(&data, 6, 3, 0, 0);
        for (at, mask) in flips {
            let i = HEADER_LEN + at % (packed.len() - HEADER_LEN);
            packed[i] ^= mask;
        }
        let mut out = vec![0u8; data.len()];
        // Either an error or some bytes: LZMA has no checksum, so a flip may go unnoticed.
        if let Ok(n) = decode(&packed, &mut out) {
            prop_assert_eq!(n, data.len());
        }
    }
}
