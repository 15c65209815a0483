//! Offline evaluation of on-device ranking on MovieLens: see `eval.rs`.
//!
//!     cargo run --release --example evaluate -- ../shared/data/ml-latest-small

#[cfg(not(target_arch = "wasm32"))]
mod eval;

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    if let Err(e) = eval::run() {
        eprintln!("evaluate: {e}");
        std::process::exit(1);
    }
}
