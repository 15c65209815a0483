use serde_json::json;

use super::*;
use crate::ids::SequentialIds;
use crate::rank::{Catalog, ExposureConstraint, RankOptions};
use crate::store::MemoryStore;

const T0: Millis = 1_790_000_000_000;

/// Two sources, interleaved in the baseline; the sample persona only likes sports (wire).
fn setup() -> (Personalizer, MemoryStore) {
    let mut m = crate::manifest::tests::fixture();
    // A ranker that leans on the profile far more than the default does, so it buries.
    m["baselineWeight"] = json!(0.1);
    m["samples"] = json!([{ "id": "sports-fan", "label": "Sports fan", "events": [
        { "category": "reactions", "kind": "like", "item": "w0" },
        { "category": "reactions", "kind": "like", "item": "w1" },
    ]}]);
    let manifest = Manifest::from_json(&m).unwrap();
    let mut s = MemoryStore::new();
    let mut p = Personalizer::open_store(
        manifest,
        &mut s,
        OpenConfig::new("en", false, T0),
        Box::new(SequentialIds(1)),
    )
    .unwrap();
    let items: Vec<_> = (0..10)
        .flat_map(|i| {
            [
                json!({"id": format!("w{i}"), "group": "wire", "features": {"topic:sports": 1}, "baseline": 100 - 2 * i}),
                json!({"id": format!("l{i}"), "group": "local", "features": {"topic:culture": 1}, "baseline": 99 - 2 * i}),
            ]
        })
        .collect();
    p.set_catalog(Catalog::from_items(&serde_json::Value::Array(items)).unwrap());
    (p, s)
}

fn local_index(p: &Personalizer) -> u32 {
    p.catalog().group_index("local").unwrap()
}

#[test]
fn a_ranker_that_buries_a_group_is_flagged() {
    let (p, _) = setup();
    let audit = p.audit(&AuditOptions::default(), T0).unwrap();
    let share = |a: &RankingAudit, g: &str| {
        a.groups
            .iter()
            .find(|x| x.group == g)
            .map(|x| x.exposure_share)
            .unwrap()
    };
    // Interleaved, local items sit one place lower each: 0.445 of the discounted exposure.
    assert!(
        (share(&audit.baseline, "local") - 0.5).abs() < 0.1,
        "the baseline is balanced"
    );
    assert_eq!(
        share(&audit.personalized, "local"),
        0.0,
        "the sports fan sees no local news"
    );
    assert!(audit.flags.iter().any(|f| f.ranking == "personalized"
        && f.group == "local"
        && f.persona.as_deref() == Some("sports-fan")));
    assert!(!audit.flags.iter().any(|f| f.ranking == "baseline"));
    assert!(audit.personas[0].utility_personalized > audit.personas[0].utility_baseline);
}

#[test]
fn the_mitigation_lifts_the_group_to_its_minimum_at_a_reported_cost() {
    let (mut p, _) = setup();
    let exposure = ExposureConstraint {
        min: vec![(local_index(&p), 0.4)],
        max: vec![],
    };
    let audit = p
        .audit(
            &AuditOptions {
                exposure: exposure.clone(),
                threshold: 0.5,
                ..AuditOptions::default()
            },
            T0,
        )
        .unwrap();
    let mitigated = audit.mitigated.as_ref().unwrap();
    let local = mitigated
        .groups
        .iter()
        .find(|g| g.group == "local")
        .unwrap();
    assert!(local.exposure_share >= 0.3, "{local:?}");
    assert!(
        !audit.flags.iter().any(|f| f.ranking == "mitigated"),
        "{:?}",
        audit.flags
    );
    let persona = &audit.personas[0];
    let cost = persona.utility_personalized - persona.utility_mitigated.unwrap();
    assert!(
        cost > 0.0 && persona.utility_mitigated.unwrap() > persona.utility_baseline,
        "{persona:?}"
    );
    // The same rule in rank: every prefix of the top 10 holds its share of local items.
    let mut s = MemoryStore::new();
    let plan = p.plan_grant("topics", T0).unwrap();
    p.commit(&mut s, plan).unwrap();
    let e = crate::event::Event {
        category: "reactions".into(),
        kind: "like".into(),
        item: "w0".into(),
        at: Some(T0),
        weight: 5.0,
        features: vec![],
    };
    let plan = p.plan_record(vec![e], T0).unwrap();
    p.commit(&mut s, plan).unwrap();
    let ranked = p
        .rank(
            None,
            &RankOptions {
                limit: 10,
                exposure,
                ..RankOptions::default()
            },
            T0,
        )
        .unwrap();
    for r in 1..=10 {
        let local = ranked[..r]
            .iter()
            .filter(|x| x.group.as_deref() == Some("local"))
            .count();
        assert!(
            local >= (0.4 * r as f32 + 1e-6).floor() as usize,
            "prefix {r}"
        );
    }
    assert_eq!(
        ranked[0].id, "w0",
        "within the rules, the best item still leads"
    );
}

#[test]
fn audits_need_groups_and_personas() {
    let (mut p, _) = setup();
    assert!(p
        .audit(
            &AuditOptions {
                personas: Some(vec!["nobody".into()]),
                ..AuditOptions::default()
            },
            T0
        )
        .is_err());
    p.set_catalog(Catalog::from_items(&json!([{ "id": "a" }])).unwrap());
    assert!(p.audit(&AuditOptions::default(), T0).is_err());
}
