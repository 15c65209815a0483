#!/usr/bin/env bash
# Runs every test of optin, layer by layer, and prints a summary of each:
#   lint     cargo fmt --check, clippy (native and wasm32) with -D warnings, every crate
#   native   cargo test: unit and property tests of the core and of the start-up decoder
#   stats    the private-report mechanisms' statistical tests, in release (prints the table)
#   node     the wasm-bindgen tests of the JS boundary in Node (wasm-pack test --node)
#   package  the built npm package in Node: network guard, types (tsc --strict), smoke tests
#            in Node ESM, README examples, the demo's sources
#   browser-chromium, browser-firefox, browser-webkit: the browser layer, in each engine:
#            the wasm-bindgen tests (IndexedDB storage, the JS boundary, the kernels), the
#            driver check, the package in a plain page and a Vite build, the demo end to end
#            (tests/js/engines/; each layer prints the engine's installed version)
#   fuzz     random call sequences and 10,000 hostile calls over the built package's whole
#            JS API (tests/js/fuzz.test.mjs; OPTIN_FUZZ_RUNS / OPTIN_FUZZ_SEED for more)
set -uo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --browser || { echo "test: setup failed" >&2; exit 1; }
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
logs=target/test-logs
mkdir -p "$logs"

names=() results=() counts=()
total_pass=0 total_fail=0

# Runs a layer within a time limit (a hung browser or test ends its own layer, with its log
# shown, instead of the whole run); counts "test result" lines (cargo, wasm-bindgen-test) and
# "# pass" (node --test), and adds what its tests report as "# summary: ..." (the fuzz layer's
# sequences and calls).
layer() {
  local name=$1 limit=$2
  shift 2
  echo
  echo "=== $name: $* (at most $limit)"
  local start=$SECONDS status=0
  timeout --kill-after=30s "$limit" bash -c '"$@"' "$name" "$@" >"$logs/$name.log" 2>&1 || status=$?
  if [ $status -eq 124 ] || [ $status -eq 137 ]; then
    echo "test result: FAILED. 0 passed; 1 failed (the layer did not finish within $limit)" >>"$logs/$name.log"
  fi
  grep -v -E '^\s*(Compiling|Downloaded|Downloading|Checking|Fresh) ' "$logs/$name.log" | tail -n 25
  # The tail may not reach a failure early in the layer: name every failing test (node --test's
  # "not ok" with its error block, cargo's "---- name stdout ----" / "FAILED") wherever it is.
  if [ $status -ne 0 ]; then
    echo "--- $name: the failures in its log"
    grep -E -A 14 '^\s*not ok |^---- .* stdout ----$' "$logs/$name.log" | grep -v -E '^\s*(duration_ms|type|\.\.\.)' | head -n 80
  fi
  local pass fail
  pass=$(grep -hoE 'test result: [a-zA-Z]+\. [0-9]+ passed' "$logs/$name.log" | awk '{ s += $4 } END { print s + 0 }')
  fail=$(grep -hoE '[0-9]+ failed' "$logs/$name.log" | awk '{ s += $1 } END { print s + 0 }')
  pass=$((pass + $(grep -hoE '^# pass [0-9]+' "$logs/$name.log" | awk '{ s += $3 } END { print s + 0 }')))
  fail=$((fail + $(grep -hoE '^# fail [0-9]+' "$logs/$name.log" | awk '{ s += $3 } END { print s + 0 }')))
  if [ $status -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
  # A browser layer names its engine and version ("engine: Firefox 153.8.0esr (...)"); a test
  # may add a summary line ("# summary: ..."), e.g. the fuzz layer's counts.
  local engine note
  engine=$(sed -n 's/^engine: \([^(]*[^( ]\).*/\1/p' "$logs/$name.log" | head -n 1)
  note=$(grep -hE '^\s*# summary: ' "$logs/$name.log" | sed -E 's/^\s*# summary: //' | paste -sd ';' - | sed 's/;/; /g')
  names+=("$name")
  results+=("$([ $status -eq 0 ] && echo ok || echo FAILED)")
  counts+=("$pass passed, $fail failed, $((SECONDS - start))s${engine:+, $engine}${note:+ ($note)}")
  total_pass=$((total_pass + pass))
  total_fail=$((total_fail + fail))
  echo "--- $name: ${results[-1]} in $((SECONDS - start))s"
}

lint() {
  cargo fmt --all --check &&
    cargo clippy --locked --workspace --all-targets -- -D warnings &&
    cargo clippy --locked --target wasm32-unknown-unknown -p optin -p optin-unlzma --lib --tests -- -D warnings
}

# The layers run in a shell of their own (under `timeout`), which needs the functions.
export -f lint
layer lint 20m lint
layer native 25m cargo test --locked --workspace
layer stats 20m cargo test --release --locked --test report_statistics -- --nocapture
# The browser layer of one engine: the wasm-bindgen tests, then every test file that drives
# a browser (those that use tests/js/engines/), for that engine only.
browser_layer() {
  local engine=$1 status=0
  node tests/js/engines/wasm_tests.mjs "$engine" || status=1
  mapfile -t files < <(grep -l 'engines/index.mjs' tests/js/*.test.mjs)
  OPTIN_ENGINES=$engine node --test --test-concurrency=1 --test-timeout=300000 "${files[@]}" || status=1
  return $status
}
export -f browser_layer

layer node 20m wasm-pack test --node -- --locked
layer build 20m ./scripts/build.sh
package_tests=()
for f in tests/js/*.test.mjs; do [ "$f" = tests/js/fuzz.test.mjs ] || package_tests+=("$f"); done
layer package 20m env OPTIN_ENGINES=none node --test --test-concurrency=1 --test-timeout=300000 "${package_tests[@]}"
layer fuzz 10m node --test --test-timeout=300000 tests/js/fuzz.test.mjs
for engine in chromium firefox webkit; do
  layer "browser-$engine" 20m browser_layer "$engine"
done

echo
echo "=== summary"
for i in "${!names[@]}"; do
  printf '%-16s %-7s %s\n' "${names[$i]}" "${results[$i]}" "${counts[$i]}"
done
echo "logs in $logs/"
echo "$total_pass passed, $total_fail failed"
for r in "${results[@]}"; do [ "$r" = ok ] || exit 1; done
