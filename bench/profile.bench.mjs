// Benchmark of the private profile on encrypted IndexedDB in headless Chromium.
// Prints a table and writes bench/out/profile.json. Not a test: it measures.
//   node bench/profile.bench.mjs [rounds] [storage|scaling]     (after ./scripts/build.sh)
// "storage": the 10,000-event storage table only; "scaling": the table by profile size
// only (1k / 10k / 50k / 100k events, catalog of 10,000 items); default both.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root, runPage } from "./page.mjs";

const rounds = Number(process.argv[2] ?? 7);
const only = process.argv[3];
const manifest = readFileSync(join(root, "tests/fixtures/news-manifest.json"), "utf8");
const out = { rounds, at: new Date().toISOString() };
if (only !== "scaling") {
  const result = await runPage({ script: "bench/profile.page.js", manifest, fn: "bench", arg: { rounds } });
  const targets = { open10k: 50, recordMany10k: 300, record1: 5 };
  const rows = [
    ["open, 10,000 events (read, decrypt, derive)", "open10k"],
    ["recordMany, 10,000 events persisted", "recordMany10k"],
    ["record, 1 event persisted", "record1"],
    ["rank of 3,000 items right after a record, 10,000 events stored", "rankAfterRecord"],
  ];
  console.log(`profile storage benchmark, headless Chromium, encrypted IndexedDB, median of ${rounds} (record: ${rounds * 10})`);
  console.log("| operation | median ms | target ms |\n| --- | ---: | ---: |");
  for (const [label, key] of rows) console.log(`| ${label} | ${result[key].median.toFixed(2)} | ${targets[key] ?? "-"} |`);
  Object.assign(out, { targets, result });
}
if (only !== "storage") {
  const sizes = [1_000, 10_000, 50_000, 100_000];
  const scaling = await runPage({ script: "bench/profile.page.js", manifest, fn: "scaling", arg: { sizes, rounds } });
  const f = (s) => `${s.median.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
  console.log(`\nby profile size: topics + similar granted, catalog of 10,000 items (features, 32-dim embeddings), encrypted IndexedDB; median (min–max) ms of ${rounds} opens and ${rounds * 3} record + rank`);
  console.log("| events | open | record 1 event | first rank after it (top 20, reasons, excludeSeen) | record + rank |");
  console.log("| ---: | ---: | ---: | ---: | ---: |");
  for (const r of scaling) console.log(`| ${r.n} | ${f(r.open)} | ${f(r.record)} | ${f(r.rank)} | ${f(r.recordThenRank)} |`);
  out.scaling = scaling;
}
mkdirSync(join(root, "bench/out"), { recursive: true });
writeFileSync(join(root, "bench/out/profile.json"), JSON.stringify(out, null, 2));
console.log("wrote bench/out/profile.json");
