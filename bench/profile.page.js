// Runs in headless Chromium against the built package: the storage benchmark of the
// private profile on real, encrypted IndexedDB. Reports medians in milliseconds.
import { Personalizer } from "./node_modules/optin/index.js";
import manifest from "./manifest.json" with { type: "json" };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (f) => {
  const start = performance.now();
  await f();
  return performance.now() - start;
};
const events = (n, offset = 0) =>
  Array.from({ length: n }, (_, i) => ({
    category: i % 2 ? "reading" : "reactions",
    kind: i % 7 ? "click" : "like",
    item: `article-${offset + i}`,
    at: Date.now() - (n - i) * 1000,
    features: { [`topic:t${i % 40}`]: 1, [`source:s${i % 9}`]: 0.5 },
  }));
const drop = (ns) => new Promise((ok) => { const r = indexedDB.deleteDatabase(`optin:${ns}`); r.onsuccess = r.onerror = r.onblocked = ok; });
const options = (ns) => ({ storage: "indexeddb", namespace: ns, locale: "en", gpc: false });

window.bench = async ({ rounds }) => {
  const out = {};
  // recordMany of 10,000 events, persisted (a fresh namespace each round).
  const many = [];
  for (let r = 0; r < rounds; r++) {
    await drop(`many${r}`);
    const p = await Personalizer.open(manifest, options(`many${r}`));
    await p.grant("topics");
    const batch = events(10_000);
    many.push(await time(() => p.recordMany(batch)));
    p.close();
  }
  out.recordMany10k = { median: median(many), runs: many };

  // open of a namespace holding 10,000 events: read, decrypt, derive the profile.
  await drop("opening");
  const seed = await Personalizer.open(manifest, options("opening"));
  await seed.grant("topics");
  await seed.recordMany(events(10_000));
  seed.close();
  const opens = [];
  for (let r = 0; r < rounds; r++) {
    opens.push(await time(async () => {
      const p = await Personalizer.open(manifest, options("opening"));
      if (p.inventory().totalEvents !== 10_000 || p.profile().modules[0].features.length === 0) throw new Error("open lost data");
      p.close();
    }));
  }
  out.open10k = { median: median(opens), runs: opens };

  // a single record, persisted, into that namespace.
  const p = await Personalizer.open(manifest, options("opening"));
  const singles = [];
  for (let r = 0; r < rounds * 10; r++) {
    const [e] = events(1, 20_000 + r);
    singles.push(await time(() => p.record(e)));
  }
  out.record1 = { median: median(singles), runs: singles.length };

  // The interactive path: a click is recorded, then the feed is ranked again (3,000 stories).
  // The rank after a record derives the profile anew from every stored event.
  const stories = Array.from({ length: 3000 }, (_, i) => ({
    id: `article-${i}`,
    features: { [`topic:t${i % 40}`]: 1, [`source:s${i % 9}`]: 1 },
    baseline: (i * 37) % 100,
  }));
  p.setCatalog(stories);
  p.rank(undefined, { limit: 20, explain: true });
  const reranks = [];
  for (let r = 0; r < rounds * 3; r++) {
    const [e] = events(1, 30_000 + r);
    await p.record(e);
    reranks.push(await time(() => p.rank(undefined, { limit: 20, explain: true, excludeSeen: true })));
  }
  out.rankAfterRecord = { median: median(reranks), runs: reranks.length };
  p.close();
  return out;
};
