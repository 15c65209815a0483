//! Randomness for reports: a secure source in production, a seeded one in tests.

/// A source of uniform random bits.
pub trait Randomness {
    /// 64 uniform random bits.
    fn next_u64(&mut self) -> u64;

    /// Whether the source failed since this was last asked: nothing drawn meanwhile may be
    /// used.
    fn failed(&mut self) -> bool {
        false
    }

    /// Uniform in `[0, 1)` with 53 bits of precision.
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n` (n > 0), without modulo bias.
    fn below(&mut self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }
}

/// The platform's cryptographically secure generator (crypto.getRandomValues in browsers),
/// read in blocks.
pub struct SecureRandom {
    fill: crate::ids::Fill,
    buffer: Vec<u8>,
    used: usize,
    failed: bool,
}

impl Default for SecureRandom {
    fn default() -> Self {
        Self::from_source(|bytes| getrandom::fill(bytes).is_ok())
    }
}

impl SecureRandom {
    /// Randomness from another secure source (tests give one that fails).
    pub fn from_source(fill: crate::ids::Fill) -> Self {
        Self {
            fill,
            buffer: Vec::new(),
            used: 0,
            failed: false,
        }
    }

    /// Whether the platform's secure source works here.
    pub fn available() -> bool {
        use std::sync::OnceLock;
        static AVAILABLE: OnceLock<bool> = OnceLock::new();
        *AVAILABLE.get_or_init(|| getrandom::fill(&mut [0u8; 8]).is_ok())
    }
}

impl Randomness for SecureRandom {
    fn next_u64(&mut self) -> u64 {
        if self.used + 8 > self.buffer.len() {
            self.buffer.resize(4096, 0);
            if !(self.fill)(&mut self.buffer) {
                // Nothing drawn now is random: what is made of it is refused (see `failed`),
                // and the next draw asks the source again.
                self.failed = true;
                self.used = self.buffer.len();
                return 0;
            }
            self.used = 0;
        }
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&self.buffer[self.used..self.used + 8]);
        self.used += 8;
        u64::from_le_bytes(bytes)
    }

    fn failed(&mut self) -> bool {
        std::mem::take(&mut self.failed)
    }
}

/// SplitMix64: fast and reproducible, for simulations and tests only (not secure).
pub struct SeededRandom(pub u64);

impl Randomness for SeededRandom {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}
