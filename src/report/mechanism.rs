//! Local differential privacy mechanisms. A report carries the mechanism, its parameters and
//! epsilon, never the true value.

use serde::Serialize;

use super::random::Randomness;

/// Largest categorical domain reported by unary encoding; larger ones use local hashing
/// (same variance, a report of two numbers instead of `d` bits).
pub const MAX_UNARY_DOMAIN: usize = 256;

/// What a report says, by mechanism.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "mechanism", rename_all = "camelCase")]
pub enum Payload {
    /// Randomized response (Warner 1965): the true bit with probability e^ε/(1+e^ε).
    #[serde(rename = "rr")]
    RandomizedResponse {
        /// The reported bit.
        bit: bool,
    },
    /// Optimized unary encoding (Wang et al. 2017): the indices of the set bits.
    #[serde(rename = "oue")]
    UnaryEncoding {
        /// Set bits of the perturbed one-hot vector.
        ones: Vec<u32>,
    },
    /// Optimized local hashing (Wang et al. 2017): a hash seed and a perturbed hash value.
    #[serde(rename = "olh")]
    LocalHashing {
        /// The seed of the hash function the user drew.
        seed: u32,
        /// The perturbed hash value in `0..g`.
        value: u32,
    },
    /// Duchi et al. (2018): ±C in the unit scale, unbiased for the value.
    #[serde(rename = "duchi")]
    Duchi {
        /// The report on the metric's own scale.
        value: f64,
    },
}

impl Payload {
    /// The JSON fields this payload has next to `mechanism` (kept in step with the serde
    /// names above; a test reads them back from the serialized form).
    pub fn field_names(&self) -> &'static [&'static str] {
        match self {
            Payload::RandomizedResponse { .. } => &["bit"],
            Payload::UnaryEncoding { .. } => &["ones"],
            Payload::LocalHashing { .. } => &["seed", "value"],
            Payload::Duchi { .. } => &["value"],
        }
    }
}

/// Randomized response keeps the truth with this probability.
pub fn rr_keep(epsilon: f64) -> f64 {
    let e = epsilon.exp();
    e / (1.0 + e)
}

/// Randomized response.
pub fn randomized_response(truth: bool, epsilon: f64, rng: &mut dyn Randomness) -> Payload {
    let keep = rng.uniform() < rr_keep(epsilon);
    Payload::RandomizedResponse {
        bit: if keep { truth } else { !truth },
    }
}

/// OUE probabilities: the true bit is set with p = 1/2, every other with q = 1/(e^ε + 1).
pub fn oue_pq(epsilon: f64) -> (f64, f64) {
    (0.5, 1.0 / (epsilon.exp() + 1.0))
}

/// Optimized unary encoding of `index` in a domain of `d`.
pub fn unary_encoding(index: usize, d: usize, epsilon: f64, rng: &mut dyn Randomness) -> Payload {
    let (p, q) = oue_pq(epsilon);
    let ones = (0..d)
        .filter(|&i| rng.uniform() < if i == index { p } else { q })
        .map(|i| i as u32)
        .collect();
    Payload::UnaryEncoding { ones }
}

/// OLH: the hash range g = round(e^ε + 1), and the probability of keeping the hash value.
pub fn olh_params(epsilon: f64) -> (u32, f64) {
    let e = epsilon.exp();
    let g = (e + 1.0).round().max(2.0) as u32;
    (g, e / (e + f64::from(g) - 1.0))
}

/// The hash family of OLH: `h_seed(v)` uniform in `0..g`.
#[inline]
pub fn olh_hash(seed: u32, value: u32, g: u32) -> u32 {
    let mut x = (u64::from(seed) << 32) | u64::from(value);
    x = (x ^ (x >> 33)).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x = (x ^ (x >> 33)).wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    x ^= x >> 33;
    (((x >> 32) * u64::from(g)) >> 32) as u32
}

/// Optimized local hashing of `index`.
pub fn local_hashing(index: usize, epsilon: f64, rng: &mut dyn Randomness) -> Payload {
    let (g, keep) = olh_params(epsilon);
    let seed = rng.next_u64() as u32;
    let hashed = olh_hash(seed, index as u32, g);
    let value = if rng.uniform() < keep {
        hashed
    } else {
        // Any other of the g values, uniformly.
        let other = rng.below(u64::from(g) - 1) as u32;
        if other >= hashed {
            other + 1
        } else {
            other
        }
    };
    Payload::LocalHashing { seed, value }
}

/// Duchi's constant C = (e^ε + 1)/(e^ε − 1): reports are ±C on the unit scale.
pub fn duchi_c(epsilon: f64) -> f64 {
    let e = epsilon.exp();
    (e + 1.0) / (e - 1.0)
}

/// Duchi et al.'s mechanism for `x` in `[min, max]`; the report is unbiased for `x`.
pub fn duchi(x: f64, min: f64, max: f64, epsilon: f64, rng: &mut dyn Randomness) -> Payload {
    let (mid, half) = ((min + max) / 2.0, (max - min) / 2.0);
    let t = ((x - mid) / half).clamp(-1.0, 1.0);
    let c = duchi_c(epsilon);
    let e = epsilon.exp();
    let plus = 0.5 + t * (e - 1.0) / (2.0 * (e + 1.0));
    let unit = if rng.uniform() < plus { c } else { -c };
    Payload::Duchi {
        value: mid + half * unit,
    }
}
