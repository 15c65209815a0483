// Start-up of the package in headless Chromium: from `import("optin")` to a ready module
// (fetching the files from 127.0.0.1, decoding the inlined module, inflating, compiling,
// instantiating), then `Personalizer.open` in memory; a fresh browser per run, so nothing is
// cached. Also each step of the import on its own. Prints medians of 7 runs and writes
// bench/out/startup.json. Not a test: it measures.
//   node bench/startup.bench.mjs     (after ./scripts/build.sh)
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root, runPage } from "./page.mjs";

const manifest = {
  policyVersion: "bench",
  controller: { name: "bench", contact: "bench@example.com" },
  dataCategories: { reading: { label: "Reading" } },
  modules: [{ id: "bench", title: "Bench", purpose: "Benchmark", benefit: "Numbers", uses: ["reading"], retentionDays: 30, signals: ["features"] }],
};

const RUNS = 7;
const runs = [];
for (let i = 0; i < RUNS; i++) {
  const run = await runPage({ script: "bench/startup.page.js", manifest, fn: "bench" });
  runs.push({ ...run, afterFetchMs: run.importMs - run.fetchedMs });
}
const median = (key) => {
  const sorted = runs.map((r) => r[key]).filter((v) => v !== null).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : null;
};
const keys = ["importMs", "fetchedMs", "afterFetchMs", "openMs", "nativeBase64Ms", "loopBase64Ms", "unpackMs", "compileMs"];
const medians = Object.fromEntries(keys.map((k) => [k, median(k)]));
console.log(`package start-up, headless Chromium, fresh browser per run, median of ${RUNS}`);
console.log("| step | ms |");
console.log("| --- | ---: |");
console.log(`| import("optin"): fetch, decode, unpack, compile, instantiate | ${medians.importMs.toFixed(1)} |`);
console.log(`| of the import: until the last file had arrived | ${medians.fetchedMs.toFixed(1)} |`);
console.log(`| of the import: after that (decode, unpack, compile, instantiate, glue) | ${medians.afterFetchMs.toFixed(1)} |`);
console.log(`| Personalizer.open (memory) | ${medians.openMs.toFixed(1)} |`);
const ms = (v) => (v === null ? "n/a" : v.toFixed(1));
console.log(`| of the import: base64 decode of ${(runs[0].packedBytes / 1024).toFixed(0)} KB, Uint8Array.fromBase64 | ${ms(medians.nativeBase64Ms)} |`);
console.log(`| of the import: the same, atob and a loop (browsers without fromBase64) | ${ms(medians.loopBase64Ms)} |`);
console.log(`| of the import: LZMA unpack to ${(runs[0].wasmBytes / 1024).toFixed(0)} KB (warm: the decoder's code is compiled) | ${medians.unpackMs.toFixed(1)} |`);
console.log(`| of the import: WebAssembly.compile | ${medians.compileMs.toFixed(1)} |`);
mkdirSync(join(root, "bench/out"), { recursive: true });
writeFileSync(join(root, "bench/out/startup.json"), JSON.stringify({ runs, medians, at: new Date().toISOString() }, null, 2));
console.log("wrote bench/out/startup.json");
