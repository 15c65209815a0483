//! The defaults the TypeScript types state (`@default` in src/js/index.d.ts, what users read in
//! their editor) are the ones the code uses: each is compared with what the parser, the rank
//! and audit options and the open options actually default to.
#![cfg(not(target_arch = "wasm32"))]

use optin::manifest::Manifest;
use optin::personalizer::{AuditOptions, DEFAULT_MAX_EVENTS_PER_CATEGORY, DEFAULT_NAMESPACE};
use optin::rank::RankOptions;

const TYPES: &str = include_str!("../src/js/index.d.ts");

/// `(interface, member) -> stated default`, for every `@default` in the declarations.
fn stated_defaults() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut interface = String::new();
    let mut pending: Option<String> = None;
    for line in TYPES.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("export interface ") {
            interface = rest.split([' ', '{', '<']).next().unwrap_or("").to_owned();
        } else if let Some(value) = line.strip_prefix("* @default ") {
            pending = Some(value.trim().to_owned());
        } else if let Some(value) = pending.take() {
            if line.starts_with('*') || line.starts_with("/**") {
                pending = Some(value);
                continue;
            }
            let member = line
                .split(['?', ':'])
                .next()
                .unwrap_or("")
                .trim()
                .to_owned();
            out.push((interface.clone(), member, value));
        }
    }
    out
}

/// What the code defaults to, as the declarations would write it.
fn actual_defaults() -> Vec<(&'static str, &'static str, String)> {
    let manifest = serde_json::json!({
        "policyVersion": "1",
        "controller": { "name": "c", "contact": "c@example.com" },
        "dataCategories": { "reading": { "label": "Reading" } },
        "modules": [{ "id": "m", "title": "t", "purpose": "p", "benefit": "b", "uses": ["reading"], "retentionDays": 30, "signals": ["features"] }]
    });
    let m = Manifest::from_json(&manifest).expect("the minimal manifest parses");
    let module = &m.modules[0];
    let rank = RankOptions::default();
    let audit = AuditOptions::default();
    let num = |x: f64| format!("{x}");
    vec![
        ("Manifest", "baselineWeight", num(m.baseline_weight)),
        ("Manifest", "dislikeWeight", num(m.dislike_weight)),
        (
            "DataCategoryDecl",
            "sensitive",
            m.data_categories[0].sensitive.to_string(),
        ),
        ("ModuleDecl", "essential", module.essential.to_string()),
        ("ModuleDecl", "shares", module.shares.to_string()),
        ("ModuleDecl", "halfLifeDays", num(module.half_life_days)),
        (
            "ModuleDecl",
            "halfLifeInteractions",
            num(module.half_life_interactions.unwrap_or(0.0)),
        ),
        ("ModuleDecl", "featureWeight", num(module.feature_weight)),
        (
            "ModuleDecl",
            "embeddingWeight",
            num(module.embedding_weight),
        ),
        (
            "OpenOptions",
            "namespace",
            format!("\"{DEFAULT_NAMESPACE}\""),
        ),
        (
            "OpenOptions",
            "maxEventsPerCategory",
            DEFAULT_MAX_EVENTS_PER_CATEGORY.to_string(),
        ),
        ("RankOptions", "limit", rank.limit.to_string()),
        ("RankOptions", "explain", rank.explain.to_string()),
        ("RankOptions", "diversity", num(f64::from(rank.diversity))),
        ("RankOptions", "excludeSeen", rank.exclude_seen.to_string()),
        ("AuditOptions", "limit", audit.limit.to_string()),
        ("AuditOptions", "threshold", num(audit.threshold)),
    ]
}

/// Defaults that live in the JS entry only (src/js/personalizer.js), checked by its tests.
const JS_ONLY: &[(&str, &str)] = &[("RankOptions", "ignoreUnknown")];

#[test]
fn every_stated_default_is_the_one_the_code_uses() {
    let stated = stated_defaults();
    assert!(
        stated.len() >= 15,
        "found only {stated:?}: the scan is broken"
    );
    let actual = actual_defaults();
    for (interface, member, value) in &stated {
        if JS_ONLY.contains(&(interface.as_str(), member.as_str())) {
            continue;
        }
        let Some((_, _, code)) = actual
            .iter()
            .find(|(i, m, _)| i == interface && m == member)
        else {
            panic!("{interface}.{member} states @default {value}, which this test doesn't know: add it");
        };
        assert_eq!(
            value, code,
            "{interface}.{member}: the types say {value}, the code uses {code}"
        );
    }
    for (interface, member, code) in &actual {
        assert!(
            stated.iter().any(|(i, m, _)| i == interface && m == member),
            "{interface}.{member} defaults to {code} but the types state no @default"
        );
    }
}
