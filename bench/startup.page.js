// Runs in headless Chromium, in a fresh browser each time: how long the package takes from
// `import()` to the first rank of 10,000 items, and how the first calls compare with the same
// calls warm. The import is dynamic so the clock starts before any of the package is fetched.
import manifest from "./manifest.json" with { type: "json" };
// The app's catalog, made before the clock starts (an app fetches it; that is not optin's).
import { makeCatalog } from "./synthetic.js";

const N = 10_000;

const catalog = makeCatalog(N, { seed: 1 });
const again = makeCatalog(N, { seed: 2 });

const t0 = performance.now();
const { Personalizer } = await import("./node_modules/optin/index.js");
const imported = performance.now();
const p = await Personalizer.open(manifest, { storage: "memory" });
const opened = performance.now();
p.setCatalogPacked(catalog);
const loaded = performance.now();
await p.grant("bench");
await p.record({ category: "reading", kind: "click", item: "item-7" });
const recorded = performance.now();
p.rank(null, { limit: 20, explain: true });
const ranked = performance.now();

// When the package's file had arrived (from 127.0.0.1), counted from the import.
const fetchedMs = Math.max(...performance.getEntriesByType("resource")
  .filter((r) => r.name.includes("/node_modules/optin/"))
  .map((r) => r.responseEnd)) - t0;

/** The median of `runs` timings of `fn`. */
function warm(fn, runs = 21) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const a = performance.now();
    fn(i);
    times.push(performance.now() - a);
  }
  return times.sort((x, y) => x - y)[runs >> 1];
}

window.bench = async () => {
  // Warm: the same calls again (a new catalog each time, so nothing is cached by identity).
  const warmLoadMs = warm((i) => p.setCatalogPacked(i % 2 ? catalog : again), 5);
  p.setCatalogPacked(catalog);
  p.rank(null, { limit: 20, explain: true });
  const warmRankMs = warm(() => p.rank(null, { limit: 20, explain: true }));
  const p2Start = performance.now();
  const p2 = await Personalizer.open(manifest, { storage: "memory" });
  const warmOpenMs = performance.now() - p2Start;
  p2.close();
  p.close();
  return {
    importMs: imported - t0,
    fetchedMs,
    openMs: opened - imported,
    loadMs: loaded - opened,
    grantRecordMs: recorded - loaded,
    rankMs: ranked - recorded,
    totalMs: ranked - t0,
    warmOpenMs,
    warmLoadMs,
    warmRankMs,
  };
};
