// Benchmark of the private profile on encrypted IndexedDB in headless Chromium.
// Prints a table and writes bench/out/profile.json. Not a test: it measures.
//   node bench/profile.bench.mjs [rounds]     (after ./scripts/build.sh)
import { mkdirSync, mkdtempSync, cpSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "../scripts/serve.mjs";
import { launch } from "../tests/js/browser.mjs";

const root = new URL("..", import.meta.url).pathname;
const rounds = Number(process.argv[2] ?? 7);
const site = mkdtempSync(join(tmpdir(), "optin-bench-"));
cpSync(join(root, "pkg"), join(site, "node_modules", "optin"), { recursive: true });
cpSync(join(root, "tests/fixtures/news-manifest.json"), join(site, "manifest.json"));
cpSync(join(root, "bench/profile.page.js"), join(site, "main.js"));
writeFileSync(join(site, "index.html"), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>`);

const server = await serve(site);
const browser = await launch();
try {
  const page = await browser.context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e));
  await page.goto(server.url + "index.html");
  await page.waitForFunction(() => window.bench);
  const result = await page.evaluate((r) => window.bench({ rounds: r }), rounds);
  const targets = { open10k: 50, recordMany10k: 300, record1: 5 };
  const rows = [
    ["open, 10,000 events (read, decrypt, derive)", "open10k"],
    ["recordMany, 10,000 events persisted", "recordMany10k"],
    ["record, 1 event persisted", "record1"],
  ];
  console.log(`profile storage benchmark, headless Chromium, encrypted IndexedDB, median of ${rounds} (record: ${rounds * 10})`);
  console.log("| operation | median ms | target ms |\n| --- | ---: | ---: |");
  for (const [label, key] of rows) console.log(`| ${label} | ${result[key].median.toFixed(2)} | ${targets[key]} |`);
  mkdirSync(join(root, "bench/out"), { recursive: true });
  writeFileSync(join(root, "bench/out/profile.json"), JSON.stringify({ rounds, targets, result, at: new Date().toISOString() }, null, 2));
  console.log("wrote bench/out/profile.json");
} finally {
  await browser.close();
  await server.close();
  rmSync(site, { recursive: true, force: true });
}
