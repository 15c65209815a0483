// Private-report generation rate in wasm (Node): privateReport calls per second, each
// validated, budgeted, stored and perturbed with secure randomness. Prints the rate and writes
// bench/out/report.json. Not a test: it measures.   node bench/report.bench.mjs
import { mkdirSync, writeFileSync } from "node:fs";
import { Personalizer } from "../pkg/index.js";

// Tiny epsilon per report so the budget (at most 20 per period) allows many reports.
const manifest = {
  policyVersion: "bench",
  controller: { name: "bench", contact: "bench@example.com" },
  dataCategories: {},
  modules: [{ id: "insights", title: "I", purpose: "P", benefit: "B", uses: [], shares: true }],
  metrics: [{ id: "section", type: "categorical", domain: Array.from({ length: 16 }, (_, i) => `v${i}`), epsilon: 0.0001 }],
  privacyBudget: { epsilon: 20, periodDays: 7 },
};
const p = await Personalizer.open(manifest, { storage: "memory" });
await p.grant("insights");
const n = 50_000;
for (let i = 0; i < 1000; i++) await p.privateReport("section", `v${i % 16}`);
const start = performance.now();
for (let i = 0; i < n; i++) await p.privateReport("section", `v${i % 16}`);
const seconds = (performance.now() - start) / 1000;
const rate = n / seconds;
console.log(`report generation in wasm (Node, awaited one by one): ${Math.round(rate).toLocaleString("en")} reports/s (target >= 100,000)`);
mkdirSync(new URL("out/", import.meta.url), { recursive: true });
writeFileSync(new URL("out/report.json", import.meta.url), JSON.stringify({ reports: n, seconds, reportsPerSecond: rate }));
