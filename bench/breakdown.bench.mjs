// Where a rank call's time goes at small N: the same call with parts switched off (explain,
// the JS decoding of packed results, the result count), in headless Chromium, in µs.
// Prints a table and writes bench/out/breakdown.json. Not a test: it measures.
//   node bench/breakdown.bench.mjs     (after ./scripts/build.sh)
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root, runPage } from "./page.mjs";

const manifest = {
  policyVersion: "bench",
  controller: { name: "bench", contact: "bench@example.com" },
  dataCategories: { reading: { label: "Reading" } },
  modules: [{ id: "bench", title: "Bench", purpose: "Benchmark", benefit: "Numbers", uses: ["reading"], retentionDays: 30, signals: ["features", "embedding"], featureWeight: 0.5 }],
};

const result = await runPage({ script: "bench/breakdown.page.js", manifest, fn: "breakdown" });
const sizes = Object.keys(result);
console.log(`| call (µs, median) | ${sizes.map((n) => `${n} items`).join(" | ")} |`);
console.log(`| --- | ${sizes.map(() => "---:").join(" | ")} |`);
for (const row of Object.keys(result[sizes[0]])) {
  console.log(`| ${row} | ${sizes.map((n) => result[n][row].toFixed(1)).join(" | ")} |`);
}
mkdirSync(join(root, "bench/out"), { recursive: true });
writeFileSync(join(root, "bench/out/breakdown.json"), JSON.stringify({ result, at: new Date().toISOString() }, null, 2));
console.log("wrote bench/out/breakdown.json");
