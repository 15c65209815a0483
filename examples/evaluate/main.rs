//! The site's evaluation tool: how well does on-device ranking do on *your* data?
//!
//! Reads any interactions file (user, item, time, optional rating) and an item features file,
//! trains item embeddings the ways a site might (implicit ALS at several sizes, truncated SVD,
//! content only), ships each in a catalog with real names and a popularity baseline of several
//! shapes, and replays every user through the engine as an app would (`grant`, `record`,
//! `rank`). Per user the last 20% of interactions (by time) are the test set; a validation
//! split is carved the same way from the rest. Prints popularity, centralized ALS, the
//! engine's defaults and the engine with the on-device benefit check, each with its standard
//! error, for every cell of the grid; writes the packed catalog an app loads.
//!
//!     cargo run --release --example evaluate -- --movielens /work/shared/data/ml-latest-small
//!     cargo run --release --example evaluate -- --interactions ratings.tsv --delimiter tab \
//!         --user user_id --item item_id --time timestamp \
//!         --items items.tsv --item-column item_id --features genres --feature-separator ' '
//!
//! `--help` lists every flag. Data sets are read where they lie and never copied.

#[cfg(not(target_arch = "wasm32"))]
mod benefit_sim;
#[cfg(not(target_arch = "wasm32"))]
mod catalog;
#[cfg(not(target_arch = "wasm32"))]
mod data;
#[cfg(not(target_arch = "wasm32"))]
mod embed;
#[cfg(not(target_arch = "wasm32"))]
mod fairness;
#[cfg(not(target_arch = "wasm32"))]
mod grid;
#[cfg(not(target_arch = "wasm32"))]
mod metrics;
#[cfg(not(target_arch = "wasm32"))]
mod replay;

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    if let Err(e) = grid::run() {
        eprintln!("evaluate: {e}");
        std::process::exit(1);
    }
}
