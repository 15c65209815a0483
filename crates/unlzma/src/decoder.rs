//! The LZMA1 decoder proper: literals, matches, repeated matches, the 12-state machine.

use crate::range::{RangeDecoder, RangeState, PROB_INIT};

/// Length of the `.lzma` header: properties byte, dictionary size, unpacked size.
pub const HEADER_LEN: usize = 13;

/// The state machine has 12 states; the models keep 16 per state-indexed table so that
/// `state & 15` indexes them without a bounds check (a check's panic path would bring
/// core's formatting code into the decoder module).
const STATES: usize = 16;
const STATE_MASK: usize = STATES - 1;
const POS_STATES_MAX: usize = 1 << 4;
const END_POS_MODEL_INDEX: u32 = 14;
const FULL_DISTANCES: usize = 128;
const ALIGN_BITS: u32 = 4;
const MATCH_MIN_LEN: usize = 2;
/// lc + lp above this would need more literal models than this decoder keeps (xz and
/// LZMA2 set the same bound).
const MAX_LC_PLUS_LP: u32 = 4;

/// Why a stream could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// Shorter than a header, or properties this decoder does not support.
    Header,
    /// The output buffer is smaller than the stream's unpacked size.
    OutputTooSmall,
    /// The compressed data is damaged or ends early.
    Corrupt,
}

/// The unpacked size a `.lzma` header declares, if it declares one.
pub fn unpacked_size(input: &[u8]) -> Option<u64> {
    let bytes: [u8; 8] = input.get(5..HEADER_LEN)?.try_into().ok()?;
    let size = u64::from_le_bytes(bytes);
    (size != u64::MAX).then_some(size)
}

// repr(C) and nothing but u16s: `Models::new` relies on it (no padding).
#[repr(C)]
struct LenModels {
    choice: u16,
    choice2: u16,
    low: [[u16; 8]; POS_STATES_MAX],
    mid: [[u16; 8]; POS_STATES_MAX],
    high: [u16; 256],
}

impl LenModels {
    #[inline(always)]
    fn decode(&mut self, rc: &mut RangeDecoder, pos_state: usize) -> usize {
        let pos_state = pos_state & (POS_STATES_MAX - 1);
        if rc.bit(&mut self.choice) == 0 {
            return rc.tree(&mut self.low[pos_state]) as usize;
        }
        if rc.bit(&mut self.choice2) == 0 {
            return 8 + rc.tree(&mut self.mid[pos_state]) as usize;
        }
        16 + rc.tree(&mut self.high) as usize
    }
}

/// Every adaptive model of one stream, ~28 KB (on the stack natively; the wasm build keeps
/// its one decoder in a static).
// repr(C) and nothing but u16s (LenModels too): `Models::new` relies on it (no padding).
#[repr(C)]
struct Models {
    literal: [[u16; 0x300]; 1 << MAX_LC_PLUS_LP],
    is_match: [u16; STATES * POS_STATES_MAX],
    is_rep: [u16; STATES],
    is_rep_g0: [u16; STATES],
    is_rep_g1: [u16; STATES],
    is_rep_g2: [u16; STATES],
    is_rep0_long: [u16; STATES * POS_STATES_MAX],
    pos_slot: [[u16; 64]; 4],
    pos_special: [u16; 1 + FULL_DISTANCES - END_POS_MODEL_INDEX as usize],
    align: [u16; 1 << ALIGN_BITS],
    len: LenModels,
    rep_len: LenModels,
}

// Nothing but u16s, 2-byte aligned: no padding, so `new` initializes every byte.
const _: () = assert!(core::mem::align_of::<Models>() == 2);
const _: () = assert!(core::mem::size_of::<Models>() % 2 == 0);

impl Models {
    /// Every probability at its initial value. One loop over the whole struct rather than
    /// one per table: the decoder module is inlined in the package, so its size counts.
    fn new() -> Self {
        let mut models = core::mem::MaybeUninit::<Models>::uninit();
        let first = models.as_mut_ptr().cast::<u16>();
        for i in 0..core::mem::size_of::<Models>() / 2 {
            // SAFETY: Models is repr(C) of u16s and arrays of u16s only (asserted above to
            // have no padding), so it is exactly size_of / 2 consecutive u16s, all written here.
            unsafe { first.add(i).write(PROB_INIT) };
        }
        // SAFETY: every u16 of it was written above, and any u16 value is valid.
        unsafe { models.assume_init() }
    }
}

/// The distance of a match of length `len` (before adding the minimum length).
#[inline(always)]
fn distance(m: &mut Models, rc: &mut RangeDecoder, len: usize) -> Option<u32> {
    let len_state = len.min(3);
    let slot = rc.tree(&mut m.pos_slot[len_state & 3]);
    if slot < 4 {
        return Some(slot);
    }
    let direct = (slot >> 1) - 1;
    let mut dist = (2 | (slot & 1)) << direct;
    if slot < END_POS_MODEL_INDEX {
        // The models of this slot start at `dist - slot` (tree index 1 is its root).
        let base = (dist - slot) as usize;
        let probs = m.pos_special.get_mut(base..)?;
        dist += rc.reverse_tree(probs, direct);
    } else {
        dist = dist.wrapping_add(rc.direct_bits(direct - ALIGN_BITS)? << ALIGN_BITS);
        dist = dist.wrapping_add(rc.reverse_tree(&mut m.align, ALIGN_BITS));
    }
    Some(dist)
}

/// A stream being decoded, resumable: [`run`](Decoder::run) decodes up to a given output
/// length and can be called again to go on. (In the browser, many short calls let the engine
/// swap in optimized code after the first few; one long call would run unoptimized.)
pub struct Decoder {
    models: Models,
    rc: RangeState,
    size: usize,
    pos: usize,
    state: usize,
    reps: [u32; 4],
    lc: u32,
    lp: u32,
    pb: u32,
}

impl Decoder {
    /// Reads the header and the start of the stream. The header must declare the unpacked
    /// size (optin's packer always writes it).
    pub fn new(input: &[u8]) -> Result<Decoder, Error> {
        let props = u32::from(*input.first().ok_or(Error::Header)?);
        if props >= 9 * 5 * 5 {
            return Err(Error::Header);
        }
        let (lc, lp, pb) = (props % 9, (props / 9) % 5, props / 45);
        if lc + lp > MAX_LC_PLUS_LP {
            return Err(Error::Header);
        }
        let size = unpacked_size(input).ok_or(Error::Header)?;
        let size = usize::try_from(size).map_err(|_| Error::OutputTooSmall)?;
        let rc = RangeDecoder::start(input, HEADER_LEN).ok_or(Error::Corrupt)?;
        Ok(Decoder {
            models: Models::new(),
            rc,
            size,
            pos: 0,
            state: 0,
            reps: [0; 4],
            lc,
            lp,
            pb,
        })
    }

    /// The unpacked size the header declares.
    pub fn unpacked_len(&self) -> usize {
        self.size
    }

    /// How many bytes are decoded so far.
    pub fn written(&self) -> usize {
        self.pos
    }

    /// Decodes on until at least `until` bytes are in `output` (a match may take it a little
    /// further), or all of them are; returns how many are. Pass the same `input` and `output`
    /// every time; `output` must hold [`unpacked_len`](Self::unpacked_len) bytes.
    pub fn run(&mut self, input: &[u8], output: &mut [u8], until: usize) -> Result<usize, Error> {
        let out = output.get_mut(..self.size).ok_or(Error::OutputTooSmall)?;
        let until = until.min(self.size);
        let mut rc = RangeDecoder::resume(input, self.rc);
        let result = step(self, &mut rc, out, until);
        self.rc = rc.suspend();
        let pos = result?;
        if rc.overrun {
            return Err(Error::Corrupt);
        }
        Ok(pos)
    }
}

/// Decodes a whole `.lzma` stream into `output`; returns the number of bytes written.
pub fn decode(input: &[u8], output: &mut [u8]) -> Result<usize, Error> {
    let mut decoder = Decoder::new(input)?;
    decoder.run(input, output, usize::MAX)
}

#[inline(always)]
fn step(
    d: &mut Decoder,
    rc: &mut RangeDecoder,
    out: &mut [u8],
    until: usize,
) -> Result<usize, Error> {
    let m = &mut d.models;
    let (lc, lp_mask, pb_mask) = (d.lc, (1usize << d.lp) - 1, (1usize << d.pb) - 1);
    let mut pos = d.pos;
    let mut state = d.state;
    let [mut rep0, mut rep1, mut rep2, mut rep3] = d.reps;
    let result = loop {
        if pos >= until {
            break Ok(pos);
        }
        // pb ≤ 4, so the mask changes nothing; it lets the compiler drop the bounds checks.
        let pos_state = pos & pb_mask & (POS_STATES_MAX - 1);
        if rc.bit(&mut m.is_match[((state & STATE_MASK) << 4) | pos_state]) == 0 {
            let prev = out.get(pos.wrapping_sub(1)).copied().unwrap_or(0);
            let lit_state = ((pos & lp_mask) << lc) + (usize::from(prev) >> (8 - lc));
            // A fixed-size array: every index below is provably in bounds, so unchecked.
            let probs = &mut m.literal[lit_state & ((1 << MAX_LC_PLUS_LP) - 1)];
            let mut symbol = 1usize;
            if state >= 7 {
                let Some(&byte) = pos
                    .checked_sub(rep0 as usize + 1)
                    .and_then(|src| out.get(src))
                else {
                    break Err(Error::Corrupt);
                };
                let mut match_byte = u32::from(byte);
                while symbol < 0x100 {
                    let match_bit = (match_byte >> 7) & 1;
                    match_byte <<= 1;
                    let bit = rc.bit(&mut probs[((1 + match_bit as usize) << 8) + (symbol & 0xff)]);
                    symbol = (symbol << 1) | bit as usize;
                    if match_bit != bit {
                        break;
                    }
                }
            }
            while symbol < 0x100 {
                symbol = (symbol << 1) | rc.bit(&mut probs[symbol & 0xff]) as usize;
            }
            let Some(slot) = out.get_mut(pos) else {
                break Err(Error::Corrupt);
            };
            *slot = symbol as u8;
            pos += 1;
            state = if state < 4 {
                0
            } else if state < 10 {
                state - 3
            } else {
                state - 6
            };
            continue;
        }
        let len;
        if rc.bit(&mut m.is_rep[state & STATE_MASK]) != 0 {
            if pos == 0 {
                break Err(Error::Corrupt);
            }
            if rc.bit(&mut m.is_rep_g0[state & STATE_MASK]) == 0 {
                if rc.bit(&mut m.is_rep0_long[((state & STATE_MASK) << 4) | pos_state]) == 0 {
                    // A "short rep": one byte from distance rep0.
                    state = if state < 7 { 9 } else { 11 };
                    let Some(&byte) = pos
                        .checked_sub(rep0 as usize + 1)
                        .and_then(|src| out.get(src))
                    else {
                        break Err(Error::Corrupt);
                    };
                    let Some(slot) = out.get_mut(pos) else {
                        break Err(Error::Corrupt);
                    };
                    *slot = byte;
                    pos += 1;
                    continue;
                }
            } else {
                let dist;
                if rc.bit(&mut m.is_rep_g1[state & STATE_MASK]) == 0 {
                    dist = rep1;
                } else {
                    if rc.bit(&mut m.is_rep_g2[state & STATE_MASK]) == 0 {
                        dist = rep2;
                    } else {
                        dist = rep3;
                        rep3 = rep2;
                    }
                    rep2 = rep1;
                }
                rep1 = rep0;
                rep0 = dist;
            }
            len = m.rep_len.decode(rc, pos_state);
            state = if state < 7 { 8 } else { 11 };
        } else {
            rep3 = rep2;
            rep2 = rep1;
            rep1 = rep0;
            len = m.len.decode(rc, pos_state);
            state = if state < 7 { 7 } else { 10 };
            let Some(dist) = distance(m, rc, len) else {
                break Err(Error::Corrupt);
            };
            // u32::MAX is the end marker: with the size known, it may only come at the end,
            // where the loop has already stopped.
            rep0 = dist;
        }
        let len = len + MATCH_MIN_LEN;
        let Some(src) = pos.checked_sub(rep0 as usize + 1) else {
            break Err(Error::Corrupt);
        };
        let end = pos + len;
        if end > out.len() {
            break Err(Error::Corrupt);
        }
        if src + len <= pos {
            let Some((head, tail)) = out.split_at_mut_checked(pos) else {
                break Err(Error::Corrupt);
            };
            match (head.get(src..src + len), tail.get_mut(..len)) {
                (Some(from), Some(to)) => {
                    // Element by element: the same length by construction, and no length
                    // check (copy_from_slice's would bring in core's formatting code).
                    for (t, f) in to.iter_mut().zip(from) {
                        *t = *f;
                    }
                }
                _ => break Err(Error::Corrupt),
            }
        } else {
            // Overlapping: each byte may be one this match just wrote.
            for i in pos..end {
                match (out.get(i - pos + src).copied(), out.get_mut(i)) {
                    (Some(byte), Some(slot)) => *slot = byte,
                    _ => break,
                }
            }
        }
        pos = end;
    };
    d.pos = pos;
    d.state = state;
    d.reps = [rep0, rep1, rep2, rep3];
    result
}
