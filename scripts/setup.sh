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
