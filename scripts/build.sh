#!/usr/bin/env bash
# Builds the npm package into pkg/: wasm-pack (release), wasm-opt from the npm binaryen
# package, then scripts/package.mjs (loader, types, package.json).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

wasm-pack build --release --target bundler --out-dir pkg --out-name optin 2>&1 \
  | grep -v "failed to get wasm-pack version" || true
test -f pkg/optin_bg.wasm || { echo "build: wasm-pack produced no pkg/optin_bg.wasm" >&2; exit 1; }
wasm-opt -O3 --enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-reference-types --enable-multivalue --enable-simd \
  pkg/optin_bg.wasm -o pkg/optin_bg.wasm
node scripts/package.mjs
