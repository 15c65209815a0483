#!/usr/bin/env bash
# Builds the npm package, installs it into www/ exactly as a user would (from the packed
# tarball), and serves www/ at http://127.0.0.1:${PORT:-8080}/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
./scripts/build.sh
mkdir -p target/pack
rm -f target/pack/optin-*.tgz
npm pack ./pkg --pack-destination target/pack --loglevel=error >/dev/null
rm -rf www/node_modules/optin
npm install --prefix www --no-save --offline --no-audit --no-fund --loglevel=error target/pack/optin-*.tgz
exec node scripts/serve.mjs www "${PORT:-8080}"
