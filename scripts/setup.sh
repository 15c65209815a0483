#!/usr/bin/env bash
# Installs what building and testing optin need, idempotently: the wasm32 target,
# wasm-bindgen-cli at the version Cargo.lock pins, wasm-pack, the test browsers (with
# --browser: Chromium, Firefox ESR, WebKitGTK, from Debian), and the npm dev dependencies from
# package-lock.json (playwright-core and puppeteer-core drive the browsers; neither downloads
# one). Fast when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { echo "setup: $*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ -z "$want" ]; then
  echo "setup: Cargo.lock pins no wasm-bindgen version" >&2
  exit 1
fi
if [ "$have" != "$want" ] || ! command -v wasm-bindgen-test-runner >/dev/null; then
  say "installing wasm-bindgen-cli $want (builds from source, a few minutes)"
  # --locked first; the registry mirror may lack a yanked dependency the CLI's own lock
  # names, and the CLI's dependencies are not part of our build, so fall back to resolving.
  cargo install --locked wasm-bindgen-cli --version "$want" --force ||
    cargo install wasm-bindgen-cli --version "$want" --force
fi

if ! command -v wasm-pack >/dev/null; then
  say "installing wasm-pack (builds from source, a few minutes)"
  cargo install --locked wasm-pack || cargo install wasm-pack
fi

# The browsers the tests run in, from Debian (never a browser download): Chromium and its
# driver, Firefox ESR (driven over WebDriver BiDi, which it has built in), WebKitGTK's
# WebDriver (it starts WebKitGTK's MiniBrowser) and Xvfb, the X server MiniBrowser needs.
browsers_missing() {
  for tool in chromium chromedriver firefox-esr WebKitWebDriver Xvfb; do
    command -v "$tool" >/dev/null || return 0
  done
  ! ls /usr/lib/*/webkit2gtk-4.1/MiniBrowser >/dev/null 2>&1
}
if [ "${1:-}" = "--browser" ] && browsers_missing; then
  say "installing chromium, chromium-driver, firefox-esr, webkit2gtk-driver and xvfb"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver firefox-esr webkit2gtk-driver xvfb >/dev/null
fi

# The oldest Node the package claims (pkg.json "engines"), from the npm registry's
# node-linux-* packages, for the package tests that run on it (tests/js/node_floor.test.mjs).
floor=$(node -p 'require("./pkg.json").engines.node.replace(/^>=\s*/, "").split(".").concat(["0", "0"]).slice(0, 3).join(".")')
arch=$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')
floor_dir="target/tools/node-$floor"
if [ ! -x "$floor_dir/node_modules/node-linux-$arch/bin/node" ]; then
  say "installing Node $floor (node-linux-$arch from the npm registry) for the oldest-Node tests"
  mkdir -p "$floor_dir"
  npm install --prefix "$floor_dir" --no-save --no-audit --no-fund --loglevel=error "node-linux-$arch@$floor"
fi

stamp=node_modules/.optin-lock.sha256
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  say "installing npm dev dependencies from package-lock.json"
  # Not `npm ci`: with this registry set-up the lock holds only this platform's optional
  # packages (rollup's native builds), which `npm ci` rejects; `npm install` installs the
  # locked versions and leaves the lock unchanged.
  npm install --no-audit --no-fund --loglevel=error
  echo "$lock_sum" >"$stamp"
fi
say "ready"
