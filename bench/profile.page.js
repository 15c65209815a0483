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

// Scaling with the size of the profile: a news site's modules (topics, similar) granted, a
// catalog of 10,000 items with features and 32-dim embeddings, n events stored (n up to
// 100,000; the cap raised so none is evicted). Per n: `open` (read, decrypt, parse, derive),
// and the interactive path, "record one event, then the first rank", split into its parts.
const dim = 32;
const catalogSize = 10_000;
function packedCatalog() {
  const ids = Array.from({ length: catalogSize }, (_, i) => `story-${i}`);
  const featureNames = [
    ...Array.from({ length: 40 }, (_, t) => `topic:t${t}`),
    ...Array.from({ length: 9 }, (_, s) => `source:s${s}`),
    ...Array.from({ length: 200 }, (_, k) => `tag:k${k}`),
  ];
  const featureOffsets = new Uint32Array(catalogSize + 1);
  const featureIds = [];
  const featureValues = [];
  const embeddings = new Float32Array(catalogSize * dim);
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < catalogSize; i++) {
    featureIds.push(i % 40, 40 + (i % 9), 49 + ((i * 7) % 200), 49 + ((i * 13 + 5) % 200));
    featureValues.push(1, 0.5, 0.3, 0.3);
    featureOffsets[i + 1] = featureIds.length;
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const x = rand() - 0.5 + (d === i % dim ? 1 : 0);
      embeddings[i * dim + d] = x;
      norm += x * x;
    }
    for (let d = 0; d < dim; d++) embeddings[i * dim + d] /= Math.sqrt(norm);
  }
  const baseline = Float32Array.from({ length: catalogSize }, (_, i) => (i * 37) % 1000);
  return {
    ids, featureNames, featureOffsets,
    featureIds: Uint32Array.from(featureIds), featureValues: Float32Array.from(featureValues),
    embeddings, dim, baseline,
  };
}
// Event k of a reader's history (no features of its own: the catalog's are used).
const historyEvent = (k, at) => ({
  category: k % 3 === 2 ? "reactions" : "reading",
  kind: k % 3 === 2 ? (k % 11 === 0 ? "dislike" : "like") : "click",
  item: `story-${(k * 7919) % 6000}`, // 6,000 of the 10,000 stories: some stay unseen
  weight: k % 3 === 2 && k % 11 === 0 ? -1 : 1,
  at,
});
const spread = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs.length });

window.scaling = async ({ sizes, rounds }) => {
  const catalog = packedCatalog();
  const out = [];
  for (const n of sizes) {
    const ns = `scale${n}`;
    await drop(ns);
    const opts = { ...options(ns), maxEventsPerCategory: 100_000 };
    let p = await Personalizer.open(manifest, opts);
    p.setCatalogPacked(catalog);
    await p.grant("topics");
    await p.grant("similar");
    const start = Date.now() - n * 1000;
    for (let k = 0; k < n; k += 10_000) {
      const batch = [];
      for (let j = k; j < Math.min(n, k + 10_000); j++) batch.push(historyEvent(j, start + j * 1000));
      await p.recordMany(batch);
    }
    p.close();
    const opens = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      p = await Personalizer.open(manifest, opts);
      opens.push(performance.now() - t0);
      if (p.inventory().totalEvents !== n) throw new Error(`open read ${p.inventory().totalEvents} events, not ${n}`);
      if (r < rounds - 1) p.close();
    }
    p.setCatalogPacked(catalog);
    p.rank(undefined, { limit: 20, explain: true, excludeSeen: true });
    const records = [], ranks = [], both = [];
    for (let r = 0; r < rounds * 3; r++) {
      const e = historyEvent(n + r, Date.now());
      const t0 = performance.now();
      await p.record(e);
      const t1 = performance.now();
      const top = p.rank(undefined, { limit: 20, explain: true, excludeSeen: true });
      const t2 = performance.now();
      if (top.length !== 20) throw new Error(`rank returned ${top.length} (${JSON.stringify(top).slice(0, 200)})`);
      records.push(t1 - t0); ranks.push(t2 - t1); both.push(t2 - t0);
    }
    p.close();
    await drop(ns);
    out.push({ n, open: spread(opens), record: spread(records), rank: spread(ranks), recordThenRank: spread(both) });
  }
  return out;
};
