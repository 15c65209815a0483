// Ranking benchmark in headless Chromium: optin (wasm) vs an optimized plain-JS reference of
// the same scoring, N = 1,000 / 10,000 / 100,000 items (16 sparse features of a 2,000-name
// vocabulary, 32-dim embeddings), top 20 with reasons; also packed catalog load and package
// size. Prints a table and writes bench/out/rank.json. Not a test: it measures.
//   node bench/rank.bench.mjs     (after ./scripts/build.sh)
import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { root, runPage } from "./page.mjs";

const manifest = {
  policyVersion: "bench",
  controller: { name: "bench", contact: "bench@example.com" },
  dataCategories: { reading: { label: "Reading" } },
  modules: [{ id: "bench", title: "Bench", purpose: "Benchmark", benefit: "Numbers", uses: ["reading"], retentionDays: 30, signals: ["features", "embedding"], featureWeight: 0.5 }],
};

// What `import "optin"` loads in a browser: the one bundle.
const shipped = ["index.js"].map((f) => readFileSync(join(root, "pkg", f)));
const packageGzip = gzipSync(Buffer.concat(shipped), { level: 9 }).length;

const rows = await runPage({ script: "bench/rank.page.js", manifest, fn: "bench" });
{
  const targets = { 1000: null, 10000: 0.12, 100000: 1.2 };
  const loadTargets = { 1000: null, 10000: 3, 100000: 25 };
  console.log("rank top 20 with reasons, headless Chromium, medians");
  console.log("| items | optin wasm ms | plain JS ms | speed-up | target ms | packed load ms | load target | first rank after load ms | same top 20 |");
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows) {
    console.log(`| ${r.n} | ${r.wasm.toFixed(3)} | ${r.js.toFixed(3)} | ${r.speedup.toFixed(1)}x | ${targets[r.n] ?? "-"} | ${r.loadMs.toFixed(2)} | ${loadTargets[r.n] ?? "-"} | ${r.firstRankMs.toFixed(2)} | ${r.agreeTop20}/20 |`);
  }
  console.log(`package (index.js: wasm + JS), gzip -9: ${(packageGzip / 1024).toFixed(1)} KB (target 150 KB)`);
  mkdirSync(join(root, "bench/out"), { recursive: true });
  writeFileSync(join(root, "bench/out/rank.json"), JSON.stringify({ rows, packageGzipBytes: packageGzip, at: new Date().toISOString() }, null, 2));
  console.log("wrote bench/out/rank.json");
}
