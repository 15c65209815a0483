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
    let digest = Sha256::digest(notice.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
