//! Randomness for reports: a secure source in production, a seeded one in tests.

/// A source of uniform random bits.
pub trait Randomness {
    /// 64 uniform random bits.
    fn next_u64(&mut self) -> u64;

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
#[derive(Default)]
pub struct SecureRandom {
    buffer: Vec<u8>,
    used: usize,
}

impl SecureRandom {
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
            // Callers check `available()` first; should the source fail anyway, reports are
            // refused upstream rather than made with weak randomness (see `Reporter`).
            let _ = getrandom::fill(&mut self.buffer);
            self.used = 0;
        }
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&self.buffer[self.used..self.used + 8]);
        self.used += 8;
        u64::from_le_bytes(bytes)
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
