// Cold start in headless Chromium, a fresh browser per run (nothing cached): from
// `import("optin")` to the first rank of 10,000 items (import, `Personalizer.open`, which loads
// the module, `setCatalogPacked`, a grant and a record, the first `rank` with reasons), and the
// first calls against the same calls warm. Prints medians and ranges of 7 runs and writes
// bench/out/startup.json. Not a test: it measures.
//   node bench/startup.bench.mjs     (after ./scripts/build.sh)
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root, runPage } from "./page.mjs";

const manifest = {
  policyVersion: "bench",
  controller: { name: "bench", contact: "bench@example.com" },
  dataCategories: { reading: { label: "Reading" } },
  modules: [{ id: "bench", title: "Bench", purpose: "Benchmark", benefit: "Numbers", uses: ["reading"], retentionDays: 30, signals: ["features", "embedding"], featureWeight: 0.5 }],
};

const RUNS = 7;
const runs = [];
for (let i = 0; i < RUNS; i++) {
  const run = await runPage({ script: "bench/startup.page.js", manifest, fn: "bench" });
  runs.push(run);
}
const stat = (key) => {
  const sorted = runs.map((r) => r[key]).sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] };
};
const keys = ["totalMs", "importMs", "fetchedMs", "openMs", "warmOpenMs", "loadMs", "warmLoadMs", "grantRecordMs", "rankMs", "warmRankMs"];
const stats = Object.fromEntries(keys.map((k) => [k, stat(k)]));
const row = (label, k, target = "") => {
  const s = stats[k];
  console.log(`| ${label} | ${s.median.toFixed(1)} | ${s.min.toFixed(1)}–${s.max.toFixed(1)} | ${target} |`);
};
console.log(`cold start, headless Chromium, fresh browser per run, ${RUNS} runs (10,000 items, 16 features, 32 dimensions)`);
console.log("| step | median ms | range | target |");
console.log("| --- | ---: | ---: | --- |");
row("import() to the first rank, in all", "totalMs", "≤ 60");
row("import(\"optin\") (fetch and evaluate the bundle; no WebAssembly yet)", "importMs");
row("of it: until the file had arrived", "fetchedMs");
row("first Personalizer.open (memory): decode, unpack, compile, instantiate, open", "openMs");
row("a second open, warm", "warmOpenMs");
row("first setCatalogPacked (10,000 items)", "loadMs", "≤ 2× warm");
row("setCatalogPacked, warm", "warmLoadMs");
row("grant and record one event", "grantRecordMs");
row("first rank, top 20 with reasons", "rankMs", "≤ 2× warm");
row("rank, warm", "warmRankMs");
for (const [first, warmKey] of [["loadMs", "warmLoadMs"], ["rankMs", "warmRankMs"]]) {
  const ratios = runs.map((r) => r[first] / r[warmKey]).sort((a, b) => a - b);
  console.log(`${first} / ${warmKey}, within each run: median ${ratios[ratios.length >> 1].toFixed(1)}× (${ratios[0].toFixed(1)}–${ratios[ratios.length - 1].toFixed(1)}×)`);
}
mkdirSync(join(root, "bench/out"), { recursive: true });
writeFileSync(join(root, "bench/out/startup.json"), JSON.stringify({ runs, stats, at: new Date().toISOString() }, null, 2));
console.log("wrote bench/out/startup.json");
