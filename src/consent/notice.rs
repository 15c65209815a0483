//! The notice hash: a fingerprint of exactly what the user was told about a module.

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::manifest::{Manifest, ModuleDecl};

/// SHA-256 (hex) over the controller, the policy version, and the module's id, purpose (every
/// locale), data categories, retention and sharing. When any of these changes, a grant given
/// for the old notice no longer applies (the module becomes `invalidated`).
pub fn notice_hash(manifest: &Manifest, module: &ModuleDecl) -> String {
    let notice = json!({
        "controller": { "name": manifest.controller.name, "contact": manifest.controller.contact },
        "policyVersion": manifest.policy_version,
        "module": module.id,
        "purpose": module.purpose.entries(),
        "uses": module.uses,
        "retentionDays": module.retention_days,
        "shares": module.shares,
    });
    sha256_hex(notice.to_string().as_bytes())
}

/// SHA-256 in lowercase hex. (sha2's compact backend: hashing a notice is rare, and the
/// unrolled one cost 0.8 KB of the package.)
fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::sha256_hex;

    #[test]
    fn sha256_matches_the_standard_test_vectors() {
        // FIPS 180-2 examples: "abc", the empty string, and a two-block message.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }
}
