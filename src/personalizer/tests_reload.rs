//! A reload from storage keeps what the app gave the instance: the catalog, and stamps that
//! never repeat, so the JS layer's cached names stay right.

use serde_json::json;

use crate::ids::SequentialIds;
use crate::manifest::Manifest;
use crate::personalizer::{OpenConfig, Personalizer};
use crate::rank::{Catalog, RankOptions};
use crate::store::MemoryStore;
use crate::time::Millis;

const T0: Millis = 1_790_000_000_000;

fn open(store: &mut MemoryStore) -> Personalizer {
    let m = Manifest::from_json(&crate::manifest::tests::fixture()).unwrap();
    Personalizer::open_store(
        m,
        store,
        OpenConfig::new("en", false, T0),
        Box::new(SequentialIds(0)),
    )
    .unwrap()
}

/// (catalog stamp, ranking stamp, result count) of a packed ranking.
fn stamps(p: &mut Personalizer) -> (f64, f64, f64) {
    let packed = p.rank_packed(None, &RankOptions::default(), T0).unwrap();
    (packed[0], packed[1], packed[2])
}

#[test]
fn a_reloaded_instance_keeps_the_catalog_and_its_stamps_move_on() {
    let mut store = MemoryStore::new();
    let mut before = open(&mut store);
    before.set_catalog(Catalog::from_items(&json!([{ "id": "x" }, { "id": "y" }])).unwrap());
    let (catalog, ranking, count) = stamps(&mut before);
    assert_eq!(count, 2.0);
    let mut after = open(&mut store);
    after.take_app_data(&mut before);
    let (catalog_after, ranking_after, count_after) = stamps(&mut after);
    assert_eq!(count_after, 2.0, "the whole catalog is ranked");
    assert_eq!(catalog_after, catalog, "same catalog, same names");
    assert!(
        ranking_after > ranking,
        "a new ranking profile, new sources"
    );
    let y = ["y".to_owned()];
    assert_eq!(
        after.rank(Some(&y), &RankOptions::default(), T0).unwrap()[0].id,
        "y"
    );
    // A catalog set after the reload gets a stamp the old one never had.
    after.set_catalog(Catalog::from_items(&json!([{ "id": "z" }])).unwrap());
    assert!(stamps(&mut after).0 > catalog);
}
