//! Record ids: random UUIDs in production, a counter in tests.

use crate::error::NoRandomness;

/// Makes unique ids for records.
pub trait IdSource {
    /// A new id; [`NoRandomness`] when it can't be made as it must be. Never a fixed or
    /// guessable id instead: two devices' records are told apart by id alone (the import skips
    /// ids it knows), so a repeated id would drop real decisions.
    fn next_id(&mut self) -> Result<String, NoRandomness>;
}

/// Fills a buffer with secure random bytes; false if it can't.
pub type Fill = fn(&mut [u8]) -> bool;

/// UUID v4 from the platform's secure random source (crypto.getRandomValues in browsers).
#[derive(Debug)]
pub struct RandomIds {
    fill: Fill,
}

impl Default for RandomIds {
    fn default() -> Self {
        Self::from_source(|bytes| getrandom::fill(bytes).is_ok())
    }
}

impl RandomIds {
    /// Ids from another secure source (tests give one that fails).
    pub fn from_source(fill: Fill) -> Self {
        Self { fill }
    }
}

impl IdSource for RandomIds {
    fn next_id(&mut self) -> Result<String, NoRandomness> {
        let mut bytes = [0u8; 16];
        if !(self.fill)(&mut bytes) {
            return Err(NoRandomness);
        }
        Ok(format_uuid_v4(bytes))
    }
}

/// Sequential ids, for deterministic tests.
#[derive(Debug, Default)]
pub struct SequentialIds(pub u64);

impl IdSource for SequentialIds {
    fn next_id(&mut self) -> Result<String, NoRandomness> {
        self.0 += 1;
        let mut bytes = [0u8; 16];
        bytes[8..].copy_from_slice(&self.0.to_be_bytes());
        Ok(format_uuid_v4(bytes))
    }
}

fn format_uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_well_formed_and_distinct() {
        let mut ids = RandomIds::default();
        let (a, b) = (ids.next_id().unwrap(), ids.next_id().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert_eq!(
            SequentialIds(0).next_id().unwrap(),
            "00000000-0000-4000-8000-000000000001"
        );
    }

    #[test]
    fn without_a_secure_source_there_is_no_id() {
        let mut ids = RandomIds::from_source(|_| false);
        assert_eq!(ids.next_id(), Err(NoRandomness));
        assert_eq!(ids.next_id(), Err(NoRandomness), "and no counter instead");
    }
}
