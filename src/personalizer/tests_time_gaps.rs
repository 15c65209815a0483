//! A user back after a long time away: time decay scales every interest alike, so the
//! profile keeps its shape (and the ranking its order) however long ago the events were,
//! within their retention.

use super::*;
use crate::event::Event;
use crate::ids::SequentialIds;
use crate::rank::RankOptions;
use crate::store::MemoryStore;
use crate::time::DAY_MS;

const NOW: Millis = 1_796_000_000_000;

fn manifest() -> Manifest {
    Manifest::from_json(&serde_json::json!({
        "policyVersion": "gaps",
        "controller": { "name": "gaps", "contact": "gaps@example.com" },
        "dataCategories": { "watching": { "label": "Watching" } },
        "modules": [{
            "id": "taste", "title": "Taste", "purpose": "Learns what you like.",
            "benefit": "Things for you.", "uses": ["watching"], "retentionDays": 3650,
            "signals": ["features", "embedding"]
        }]
    }))
    .unwrap()
}

/// 60 items over 5 genres, with an embedding each, the baseline favouring low numbers.
fn catalog() -> crate::rank::Catalog {
    let items: Vec<serde_json::Value> = (0..60)
        .map(|i| {
            let x = f64::from(i);
            serde_json::json!({
                "id": format!("i{i}"),
                "features": { format!("genre:{}", i % 5): 1 },
                "embedding": [x.cos(), x.sin(), f64::from(i % 5) / 5.0],
                "baseline": 1000 - i,
            })
        })
        .collect();
    crate::rank::Catalog::from_items(&serde_json::Value::Array(items)).unwrap()
}

/// The top 15 after one `recordMany` of ten genre-3 views, `days` before now.
fn top_after_views(days: i64) -> (Vec<String>, usize) {
    let mut s = MemoryStore::new();
    let config = OpenConfig::new("en", false, NOW);
    let mut p =
        Personalizer::open_store(manifest(), &mut s, config, Box::new(SequentialIds(7))).unwrap();
    p.set_catalog(catalog());
    let plan = p.plan_grant("taste", NOW).unwrap();
    p.commit(&mut s, plan).unwrap();
    let at = NOW - days * DAY_MS;
    let events = (0..10)
        .map(|k| Event {
            category: "watching".into(),
            kind: "view".into(),
            item: format!("i{}", 5 * k + 3),
            at: Some(at + i64::from(k) * 60_000),
            weight: 1.0,
            features: Default::default(),
        })
        .collect();
    let plan = p.plan_record(events, NOW).unwrap();
    p.commit(&mut s, plan).unwrap();
    let options = RankOptions {
        limit: 15,
        exclude_seen: true,
        ..RankOptions::default()
    };
    let top = p
        .rank(None, &options, NOW)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    let interests = p
        .catalog_profile(NOW)
        .modules
        .first()
        .map_or(0, |m| m.features.len());
    (top, interests)
}

#[test]
fn interests_from_years_ago_rank_as_recent_ones_do() {
    let (recent, recent_interests) = top_after_views(0);
    assert_eq!(recent_interests, 1, "one genre learned");
    for days in [365, 2 * 365, 5 * 365, 9 * 365] {
        let (old, interests) = top_after_views(days);
        assert_eq!(interests, 1, "{days} days ago: the interest is still there");
        assert_eq!(old, recent, "{days} days ago: the same order as today");
    }
}
