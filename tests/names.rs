//! The one rule for names an app gives its content (item ids, feature names, group names):
//! 1 to 256 bytes of UTF-8, no control characters. Checked at its boundaries in every place
//! names arrive: the item catalog, the packed catalog, events, ranking candidates.
#![cfg(not(target_arch = "wasm32"))]

use optin::event::Event;
use optin::ids::SequentialIds;
use optin::manifest::Manifest;
use optin::personalizer::{OpenConfig, Personalizer};
use optin::rank::{Catalog, ItemIds, PackedCatalog, RankOptions};
use optin::store::MemoryStore;
use optin::validate::{is_name, name_problem, MAX_NAME_BYTES};
use serde_json::{json, Value};

/// Names real catalogs have, all of which must be accepted.
fn good_names() -> Vec<String> {
    vec![
        "genre:Children's".into(),
        "tag:New York".into(),
        "tag:café".into(),
        "topic:政治".into(),
        "mood:🎉".into(),
        " ".into(),
        "\u{a0}".into(), // no-break space: whitespace, not a control character
        "a".into(),
        "x".repeat(MAX_NAME_BYTES),
        // 85 three-byte characters and one byte: exactly 256 bytes.
        format!("{}a", "政".repeat(85)),
        "\u{a0}after-c1".into(), // U+00A0 (0xC2 0xA0) is just past the C1 range
    ]
}

/// Names that break the rule, with the word the message must carry.
fn bad_names() -> Vec<(String, &'static str)> {
    vec![
        (String::new(), "empty"),
        ("x".repeat(MAX_NAME_BYTES + 1), "256 bytes"),
        (format!("{}ab", "政".repeat(85)), "256 bytes"),
        ("tab\there".into(), "control"),
        ("new\nline".into(), "control"),
        ("nul\0".into(), "control"),
        ("unit\u{1f}separator".into(), "control"),
        ("del\u{7f}".into(), "control"),
        ("c1\u{80}".into(), "control"),
        ("c1\u{9f}".into(), "control"),
    ]
}

#[test]
fn the_rule_at_its_boundaries() {
    for good in good_names() {
        assert!(is_name(&good), "{good:?} is a name");
    }
    for (bad, word) in bad_names() {
        let problem = name_problem(&bad).unwrap_or_default();
        assert!(problem.contains(word), "{bad:?}: {problem}");
    }
}

fn item(id: &str, feature: &str, group: &str) -> Value {
    json!({"id": id, "features": {feature: 1}, "group": group, "baseline": 1})
}

#[test]
fn item_catalogs_take_every_name_and_refuse_only_bad_ones() {
    let goods = good_names();
    let items: Vec<Value> = goods
        .iter()
        .enumerate()
        .map(|(i, n)| {
            item(
                &format!("{n}{i}").chars().take(80).collect::<String>(),
                n,
                n,
            )
        })
        .collect();
    let c = Catalog::from_items(&Value::Array(items)).expect("every good name is accepted");
    assert_eq!(c.len(), goods.len());
    for n in &goods {
        assert!(c.feature_names().contains(n), "feature {n:?} kept as given");
        assert!(c.group_index(n).is_some(), "group {n:?} kept as given");
    }
    for (bad, word) in bad_names() {
        for (field, v) in [
            ("id", item(&bad, "f", "g")),
            ("features", item("a", &bad, "g")),
            ("group", item("a", "f", &bad)),
        ] {
            let e = Catalog::from_items(&json!([v]))
                .expect_err("refused")
                .to_string();
            assert!(
                e.contains(&format!("items[0].{field}")),
                "{field} {bad:?}: {e}"
            );
            assert!(e.contains(word), "{field} {bad:?}: {e}");
        }
    }
}

fn packed(ids: &[String], feature: &str, group: &str) -> PackedCatalog {
    PackedCatalog {
        ids: ItemIds::from(ids.to_vec()),
        feature_names: vec![feature.to_owned()],
        feature_offsets: (0..=ids.len() as u32).collect(),
        feature_ids: vec![0; ids.len()],
        feature_values: vec![1.0; ids.len()],
        groups: vec![0; ids.len()],
        group_names: vec![group.to_owned()],
        ..Default::default()
    }
}

#[test]
fn packed_catalogs_follow_the_same_rule() {
    for good in good_names() {
        let ids = vec!["first".to_owned(), good.clone()];
        assert!(
            Catalog::from_packed(packed(&ids, &good, &good)).is_ok(),
            "{good:?}"
        );
    }
    for (bad, word) in bad_names() {
        let ids = vec!["first".to_owned(), bad.clone()];
        let e = Catalog::from_packed(packed(&ids, "f", "g"))
            .expect_err("id")
            .to_string();
        assert!(e.contains("ids[1]") && e.contains(word), "{bad:?}: {e}");
        let ok = vec!["a".to_owned(), "b".to_owned()];
        let e = Catalog::from_packed(packed(&ok, &bad, "g"))
            .expect_err("feature")
            .to_string();
        assert!(
            e.contains("featureNames[0]") && e.contains(word),
            "{bad:?}: {e}"
        );
        let e = Catalog::from_packed(packed(&ok, "f", &bad))
            .expect_err("group")
            .to_string();
        assert!(
            e.contains("groupNames[0]") && e.contains(word),
            "{bad:?}: {e}"
        );
    }
}

fn event(item: &str, feature: &str) -> Value {
    json!({"category": "watching", "kind": "view", "item": item, "features": {feature: 1}})
}

#[test]
fn events_follow_the_same_rule_for_items_and_features() {
    let is_category = |c: &str| c == "watching";
    for good in good_names() {
        let e = Event::parse(&event(&good, &good), "e", &is_category).expect("accepted");
        assert_eq!(e.item, good);
        assert_eq!(e.features, vec![(good.clone(), 1.0)]);
    }
    for (bad, word) in bad_names() {
        let e = Event::parse(&event(&bad, "f"), "e", &is_category).expect_err("item");
        assert_eq!(e.path, "e.item");
        assert!(e.message.contains(word), "{bad:?}: {}", e.message);
        let e = Event::parse(&event("a", &bad), "e", &is_category).expect_err("feature");
        assert!(e.message.contains(word), "{bad:?}: {}", e.message);
    }
}

#[test]
fn what_the_catalog_takes_can_be_recorded_and_ranked_by_name() {
    // A 100-character CJK id (300 bytes) is refused by both; 85 characters (255) by neither.
    let long = "政".repeat(85);
    let too_long = "政".repeat(100);
    let is_category = |c: &str| c == "watching";
    assert!(Event::parse(&event(&too_long, "f"), "e", &is_category).is_err());
    assert!(Catalog::from_items(&json!([item(&too_long, "f", "g")])).is_err());
    assert!(Event::parse(&event(&long, "f"), "e", &is_category).is_ok());

    let manifest = Manifest::from_json(&json!({
        "policyVersion": "1", "controller": {"name": "n", "contact": "c@example.com"},
        "dataCategories": {"watching": {"label": "What you watched"}},
        "modules": [{"id": "taste", "title": "Taste", "purpose": "p", "benefit": "b",
            "uses": ["watching"], "retentionDays": 30, "signals": ["features"], "featureWeight": 5}],
    }))
    .expect("manifest");
    let now = 1_790_000_000_000;
    let mut store = MemoryStore::new();
    let mut p = Personalizer::open_store(
        manifest,
        &mut store,
        OpenConfig::new("en", false, now),
        Box::new(SequentialIds(1)),
    )
    .expect("open");
    let catalog = Catalog::from_items(&json!([
        {"id": "Children's Hour", "features": {"genre:Children's": 1}, "baseline": 1},
        {"id": long.clone(), "features": {"tag:New York": 1}, "baseline": 2},
        {"id": " ", "features": {"topic:政治": 1}, "baseline": 3},
    ]))
    .expect("catalog");
    p.set_catalog(catalog);
    let plan = p.plan_grant("taste", now).expect("grant");
    p.commit(&mut store, plan).expect("commit");
    let like = Event::parse(
        &json!({"category": "watching", "kind": "like", "item": "Children's Hour"}),
        "e",
        &is_category,
    )
    .expect("event");
    let plan = p.plan_record(vec![like], now).expect("record");
    p.commit(&mut store, plan).expect("commit");
    let opts = RankOptions::default();
    let top = p.rank(None, &opts, now).expect("rank");
    assert_eq!(
        top[0].id, "Children's Hour",
        "learned from genre:Children's"
    );
    let some = [long.clone(), " ".to_owned()];
    assert_eq!(p.rank(Some(&some), &opts, now).expect("rank").len(), 2);
    for (bad, word) in bad_names() {
        let e = p
            .rank(Some(&[" ".to_owned(), bad.clone()]), &opts, now)
            .expect_err("a candidate that is no name")
            .to_string();
        assert!(
            e.contains("candidates[1]") && e.contains(word),
            "{bad:?}: {e}"
        );
    }
}

#[test]
fn an_item_may_have_no_embedding() {
    let c = Catalog::from_items(&json!([
        {"id": "none-first", "baseline": 1},
        {"id": "a", "embedding": [1, 0, 0]},
        {"id": "null", "embedding": null},
        {"id": "b", "embedding": [0, 2, 0]},
    ]))
    .expect("mixed catalog");
    assert_eq!(c.embedding_at(0), &[0.0, 0.0, 0.0]);
    assert_eq!(c.embedding_at(1), &[1.0, 0.0, 0.0]);
    assert_eq!(c.embedding_at(2), &[0.0, 0.0, 0.0]);
    assert_eq!(c.embedding_at(3), &[0.0, 1.0, 0.0], "unit length");
    use optin::profile::ItemSource;
    assert!(
        c.embedding("none-first").is_none(),
        "a zero row is no embedding"
    );
    assert!(c.embedding("a").is_some());

    let e = Catalog::from_items(&json!([
        {"id": "a", "embedding": [1, 0, 0]},
        {"id": "b"},
        {"id": "c", "embedding": null},
        {"id": "d", "embedding": [1, 0, 0, 0]},
    ]))
    .expect_err("4 dimensions among 3")
    .to_string();
    assert!(
        e.contains("items[3].embedding: has 4 dimensions, the catalog's have 3"),
        "{e}"
    );
    let e = Catalog::from_items(
        &json!([{"id": "a", "embedding": [1, 0]}, {"id": "b", "embedding": []}]),
    )
    .expect_err("empty among two dimensions")
    .to_string();
    assert!(
        e.contains("items[1].embedding: has 0 dimensions, the catalog's have 2"),
        "{e}"
    );
    let all_none = Catalog::from_items(&json!([{"id": "a"}, {"id": "b", "embedding": null}]))
        .expect("no embeddings at all");
    assert!(all_none.embedding_at(0).is_empty());
}
