#!/usr/bin/env bash
# Builds the npm package into pkg/: wasm-pack (release), wasm-opt from the npm binaryen
# package, short import/export names (scripts/short-names.mjs), the LZMA decoder module and
# the LZMA-packed main module (crates/unlzma, crates/pack), then scripts/package.mjs (loader,
# types, package.json), and the manifest's JSON Schema.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

wasm-pack build --release --target bundler --out-dir pkg --out-name optin 2>&1 \
  | grep -v "failed to get wasm-pack version" || true
test -f pkg/optin_bg.wasm || { echo "build: wasm-pack produced no pkg/optin_bg.wasm" >&2; exit 1; }
features="--enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int
  --enable-sign-ext --enable-reference-types --enable-multivalue --enable-simd"
# --low-memory-unused: the module's lowest 1 KB is never addressed (Rust's stack is first in
# memory and grows down from 1 MB), so address arithmetic folds into load/store offsets.
# -g keeps the function names for scripts/order-functions.mjs, which replaces them by sort
# keys; the second run renumbers the functions in that order and writes no names.
wasm-opt -O3 --low-memory-unused --converge -g --strip-producers --strip-target-features $features \
  pkg/optin_bg.wasm -o pkg/optin_bg.wasm
node scripts/order-functions.mjs pkg/optin_bg.wasm pkg/optin_bg.wasm
wasm-opt --reorder-functions-by-name $features pkg/optin_bg.wasm -o pkg/optin_bg.wasm

# Short names for what the module and its glue share (the hashed import names don't compress).
node scripts/short-names.mjs pkg/optin_bg.wasm pkg/optin_bg.js

# The module ships LZMA-packed, unpacked at start-up by a small module of our own.
target_dir="${CARGO_TARGET_DIR:-target}"
mkdir -p "$target_dir/package"
cargo build --quiet --release --locked --target wasm32-unknown-unknown -p optin-unlzma
wasm-opt -Os --low-memory-unused --strip-debug --strip-producers --strip-target-features --enable-sign-ext --enable-mutable-globals \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-simd \
  "$target_dir/wasm32-unknown-unknown/release/optin_unlzma.wasm" -o "$target_dir/package/unlzma.wasm"
cargo run --quiet --release --locked -p optin-pack -- pkg/optin_bg.wasm "$target_dir/package/optin_bg.wasm.lzma"
OPTIN_PACKAGE_INPUTS="$target_dir/package" node scripts/package.mjs
# The manifest's JSON Schema ships as optin/manifest.schema.json (docs/manifest.md).
cp schema/manifest.schema.json pkg/manifest.schema.json
