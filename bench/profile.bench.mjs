// Benchmark of the private profile on encrypted IndexedDB in headless Chromium.
// Prints a table and writes bench/out/profile.json. Not a test: it measures.
//   node bench/profile.bench.mjs [rounds]     (after ./scripts/build.sh)
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root, runPage } from "./page.mjs";

const rounds = Number(process.argv[2] ?? 7);
const result = await runPage({
  script: "bench/profile.page.js",
  manifest: readFileSync(join(root, "tests/fixtures/news-manifest.json"), "utf8"),
  fn: "bench",
  arg: { rounds },
});
{
  const targets = { open10k: 50, recordMany10k: 300, record1: 5 };
  const rows = [
    ["open, 10,000 events (read, decrypt, derive)", "open10k"],
    ["recordMany, 10,000 events persisted", "recordMany10k"],
    ["record, 1 event persisted", "record1"],
    ["rank of 3,000 items right after a record, 10,000 events stored (the profile derived anew)", "rankAfterRecord"],
  ];
  console.log(`profile storage benchmark, headless Chromium, encrypted IndexedDB, median of ${rounds} (record: ${rounds * 10})`);
  console.log("| operation | median ms | target ms |\n| --- | ---: | ---: |");
  for (const [label, key] of rows) console.log(`| ${label} | ${result[key].median.toFixed(2)} | ${targets[key] ?? "-"} |`);
  mkdirSync(join(root, "bench/out"), { recursive: true });
  writeFileSync(join(root, "bench/out/profile.json"), JSON.stringify({ rounds, targets, result, at: new Date().toISOString() }, null, 2));
  console.log("wrote bench/out/profile.json");
}
