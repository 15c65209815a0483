//! Record ids: random UUIDs in production, a counter in tests.

/// Makes unique ids for records.
pub trait IdSource {
    /// A new id.
    fn next_id(&mut self) -> String;
}

/// UUID v4 from the platform's secure random source (crypto.getRandomValues in browsers).
#[derive(Debug, Default)]
pub struct RandomIds {
    fallback_counter: u64,
}

impl IdSource for RandomIds {
    fn next_id(&mut self) -> String {
        let mut bytes = [0u8; 16];
        if getrandom::fill(&mut bytes).is_err() {
            // Ids need uniqueness, not secrecy; without a random source a counter still gives it
            // within this instance, and the import merge dedupes by id.
            self.fallback_counter += 1;
            bytes[..8].copy_from_slice(&self.fallback_counter.to_be_bytes());
        }
        format_uuid_v4(bytes)
    }
}

/// Sequential ids, for deterministic tests.
#[derive(Debug, Default)]
pub struct SequentialIds(pub u64);

impl IdSource for SequentialIds {
    fn next_id(&mut self) -> String {
        self.0 += 1;
        let mut bytes = [0u8; 16];
        bytes[8..].copy_from_slice(&self.0.to_be_bytes());
        format_uuid_v4(bytes)
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
        let (a, b) = (ids.next_id(), ids.next_id());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert_eq!(
            SequentialIds(0).next_id(),
            "00000000-0000-4000-8000-000000000001"
        );
    }
}
