// Catalog scale benchmark in headless Chromium: wasm memory of a packed catalog after load,
// after the first rank and after each of 10 refreshes (the module's WebAssembly.Memory
// byteLength; it never shrinks), against the raw data (typed arrays + id and name bytes);
// and load and rank (top 20 with reasons) at 100,000 and 1,000,000 items. Prints tables and
// writes bench/out/scale.json. Not a test: it measures.
//   node bench/scale.bench.mjs [--only-100k]     (after ./scripts/build.sh)
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root, runPage } from "./page.mjs";

const manifest = {
  policyVersion: "bench",
  controller: { name: "bench", contact: "bench@example.com" },
  dataCategories: { reading: { label: "Reading" } },
  modules: [{ id: "bench", title: "Bench", purpose: "Benchmark", benefit: "Numbers", uses: ["reading"], retentionDays: 30, signals: ["features", "embedding"], featureWeight: 0.5 }],
};

const configs = [{ n: 100_000, features: 16, dim: 32, vocab: 2000, refreshes: 10, rankRuns: 30 }];
if (!process.argv.includes("--only-100k")) {
  configs.push({ n: 1_000_000, features: 16, dim: 32, vocab: 2000, refreshes: 3, rankRuns: 15 });
}
// One fresh page per configuration: wasm memory never shrinks, so a page reused would start
// from the previous configuration's high-water mark.
const rows = [];
for (const config of configs) rows.push(...(await runPage({ script: "bench/scale.page.js", manifest, fn: "bench", arg: [config] })));
const mb = (b) => (b / 1024 / 1024).toFixed(1);
console.log("packed catalog, headless Chromium: wasm memory MB (× raw)");
for (const r of rows) {
  const x = (b) => `${mb(b)} (${(b / r.rawBytes).toFixed(2)}×)`;
  console.log(`\n${r.n} items, ${r.features} features of ${r.vocab}, ${r.dim} dims: raw ${mb(r.rawBytes)} MB; before the catalog ${mb(r.beforeBytes)} MB`);
  console.log("| step | wasm memory MB |");
  console.log("| --- | ---: |");
  console.log(`| after load | ${x(r.afterLoadBytes)} |`);
  console.log(`| after a one-candidate rank (profile, baseline ranks) | ${x(r.afterOneCandidateBytes)} |`);
  console.log(`| after the first full rank (+ feature postings, scores) | ${x(r.afterFirstRankBytes)} |`);
  r.afterRefreshBytes.forEach((b, i) => console.log(`| after refresh ${i + 1} + rank | ${x(b)} |`));
  console.log(`load ${r.loadMs.toFixed(1)} ms (refreshes: median ${r.refreshLoadMs.toFixed(1)} ms), first full rank ${r.firstRankMs.toFixed(2)} ms, rank top 20 with reasons median ${r.rankMs.toFixed(3)} ms`);
}
mkdirSync(join(root, "bench/out"), { recursive: true });
writeFileSync(join(root, "bench/out/scale.json"), JSON.stringify({ rows, at: new Date().toISOString() }, null, 2));
console.log("wrote bench/out/scale.json");
