//! The range decoder and its adaptive bit models.

/// Probabilities are 11-bit fixed point; a fresh model says "0 and 1 equally likely".
pub const PROB_INIT: u16 = 1 << 10;
const TOP: u32 = 1 << 24;
const MOVE_BITS: u32 = 5;
const BIT_MODEL_TOTAL: u32 = 1 << 11;

/// Where a range decoder stopped, to resume it on the same input.
#[derive(Debug, Clone, Copy)]
pub struct RangeState {
    pos: usize,
    range: u32,
    code: u32,
}

/// Reads bits from the compressed stream.
pub struct RangeDecoder<'a> {
    input: &'a [u8],
    pos: usize,
    range: u32,
    code: u32,
    /// Set when the stream asked for bytes past its end. Reading on yields zeros, so the hot
    /// path needs no error branch; the decoder checks the flag when it finishes.
    pub overrun: bool,
}

impl<'a> RangeDecoder<'a> {
    /// Reads the start of the stream at `input[pos..]`; `None` if its first five bytes are not
    /// a valid start.
    pub fn start(input: &[u8], pos: usize) -> Option<RangeState> {
        let mut rc = RangeDecoder {
            input,
            pos,
            range: u32::MAX,
            code: 0,
            overrun: false,
        };
        if rc.next_byte() != 0 {
            return None;
        }
        for _ in 0..4 {
            rc.code = (rc.code << 8) | u32::from(rc.next_byte());
        }
        (rc.code != rc.range && !rc.overrun).then_some(rc.suspend())
    }

    /// Goes on from `state` over the same `input`.
    pub fn resume(input: &'a [u8], state: RangeState) -> Self {
        RangeDecoder {
            input,
            pos: state.pos,
            range: state.range,
            code: state.code,
            overrun: false,
        }
    }

    /// Where it stands, for [`resume`](Self::resume).
    pub fn suspend(&self) -> RangeState {
        RangeState {
            pos: self.pos,
            range: self.range,
            code: self.code,
        }
    }

    #[inline(always)]
    fn next_byte(&mut self) -> u8 {
        match self.input.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                b
            }
            None => {
                self.overrun = true;
                0
            }
        }
    }

    #[inline(always)]
    fn normalize(&mut self) {
        if self.range < TOP {
            self.range <<= 8;
            self.code = (self.code << 8) | u32::from(self.next_byte());
        }
    }

    /// Decodes one bit with the adaptive model `prob`.
    #[inline(always)]
    pub fn bit(&mut self, prob: &mut u16) -> u32 {
        // Branch-free: the bits of compressed data are unpredictable by design, so a branch
        // here would be mispredicted about as often as taken.
        let p = u32::from(*prob);
        let bound = (self.range >> 11) * p;
        let bit = u32::from(self.code >= bound);
        let mask = 0u32.wrapping_sub(bit);
        self.code -= bound & mask;
        self.range = (bound & !mask) | (self.range.wrapping_sub(bound) & mask);
        let up = p + ((BIT_MODEL_TOTAL - p) >> MOVE_BITS);
        let down = p - (p >> MOVE_BITS);
        *prob = ((up & !mask) | (down & mask)) as u16;
        self.normalize();
        bit
    }

    /// Decodes `count` bits of equal probability, most significant first. Returns `None` if
    /// the stream is corrupt.
    pub fn direct_bits(&mut self, count: u32) -> Option<u32> {
        let mut res = 0u32;
        for _ in 0..count {
            self.range >>= 1;
            self.code = self.code.wrapping_sub(self.range);
            let t = 0u32.wrapping_sub(self.code >> 31);
            self.code = self.code.wrapping_add(self.range & t);
            if self.code == self.range {
                return None;
            }
            self.normalize();
            res = (res << 1).wrapping_add(t.wrapping_add(1));
        }
        Some(res)
    }

    /// Decodes a `log2(N)`-bit symbol through the binary tree of models `probs` (index 1 is
    /// the root), most significant bit first. `N` is a power of two, so the index mask below
    /// is a no-op that spares a bounds check per bit.
    #[inline(always)]
    pub fn tree<const N: usize>(&mut self, probs: &mut [u16; N]) -> u32 {
        let mut m = 1usize;
        while m < N {
            m = (m << 1) + self.bit(&mut probs[m & (N - 1)]) as usize;
        }
        (m - N) as u32
    }

    /// Like [`tree`](Self::tree), least significant bit first.
    #[inline(always)]
    pub fn reverse_tree(&mut self, probs: &mut [u16], bits: u32) -> u32 {
        let mut m = 1usize;
        let mut symbol = 0u32;
        for i in 0..bits {
            let bit = match probs.get_mut(m) {
                Some(p) => self.bit(p),
                None => 0,
            };
            m = (m << 1) + bit as usize;
            symbol |= bit << i;
        }
        symbol
    }
}
