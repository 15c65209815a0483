// Runs in headless Chromium: wasm memory (the module's WebAssembly.Memory, byteLength) of a
// packed catalog after load, after the first rank and after each of 10 catalog refreshes,
// and load/rank times, for each configuration the bench passes. The module's memory is read
// by wrapping WebAssembly.instantiate before optin loads (bench-only: the package exposes
// no memory accessor).
const instantiate = WebAssembly.instantiate;
let memory = null;
WebAssembly.instantiate = async function (...args) {
  const result = await instantiate.apply(this, args);
  const exports = (result.instance ?? result).exports;
  if (args[1] && "./optin_bg.js" in args[1]) {
    memory = Object.values(exports).find((v) => v instanceof WebAssembly.Memory) ?? memory;
  }
  return result;
};
const { Personalizer } = await import("./node_modules/optin/index.js");
const manifest = (await import("./manifest.json", { with: { type: "json" } })).default;

const MB = 1024 * 1024;
const bytes = () => memory.buffer.byteLength;

function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

// The rank benchmark's catalog (bench/rank.page.js), features × dim configurable.
function makeCatalog(n, features, dim, vocab, seed) {
  const r = rng(seed);
  const ids = Array.from({ length: n }, (_, i) => `item-${i}`);
  const featureNames = Array.from({ length: vocab }, (_, i) => `f:${i}`);
  const featureOffsets = new Uint32Array(n + 1);
  const featureIds = new Uint32Array(n * features);
  const featureValues = new Float32Array(n * features);
  const embeddings = new Float32Array(n * dim);
  const baseline = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    featureOffsets[i + 1] = (i + 1) * features;
    for (let k = 0; k < features; k++) {
      featureIds[i * features + k] = Math.floor(r() * vocab);
      featureValues[i * features + k] = r();
    }
    let norm = 0;
    for (let d = 0; d < dim; d++) { const x = r() - 0.5; embeddings[i * dim + d] = x; norm += x * x; }
    norm = Math.sqrt(norm);
    for (let d = 0; d < dim; d++) embeddings[i * dim + d] /= norm;
    baseline[i] = Math.floor(r() * 1000);
  }
  const c = { ids, featureNames, featureOffsets, featureIds, featureValues, embeddings, dim, baseline };
  // Raw data: the typed arrays' bytes plus the ids' and names' UTF-8 bytes.
  const enc = new TextEncoder();
  let raw = featureOffsets.byteLength + featureIds.byteLength + featureValues.byteLength + embeddings.byteLength + baseline.byteLength;
  for (const s of ids) raw += enc.encode(s).length;
  for (const s of featureNames) raw += enc.encode(s).length;
  return { catalog: c, raw };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

window.bench = async (configs) => {
  const out = [];
  for (const { n, features, dim, vocab, refreshes, rankRuns } of configs) {
    const { catalog, raw } = makeCatalog(n, features, dim, vocab, n);
    const p = await Personalizer.open(manifest, { storage: "memory", locale: "en" });
    await p.grant("bench");
    const r = rng(7);
    const history = Array.from({ length: 50 }, () => ({ category: "reading", kind: "click", item: catalog.ids[Math.floor(r() * n)] }));
    await p.recordMany([{ category: "reading", kind: "click", item: catalog.ids[0] }, ...history]);
    const before = bytes();
    let t = performance.now();
    p.setCatalogPacked(catalog);
    const loadMs = performance.now() - t;
    const afterLoad = bytes();
    // A one-candidate rank first: it builds the ranking profile and the baseline ranks but
    // neither the feature postings nor the scores, so the first full rank's growth splits.
    p.rank([catalog.ids[1]], { limit: 20, explain: true });
    const afterOneCandidate = bytes();
    t = performance.now();
    p.rank(null, { limit: 20, explain: true });
    const firstRankMs = performance.now() - t;
    const afterFirstRank = bytes();
    const ranks = [];
    for (let i = 0; i < rankRuns; i++) {
      t = performance.now();
      p.rank(null, { limit: 20, explain: true });
      ranks.push(performance.now() - t);
    }
    const afterRefresh = [], refreshLoadMs = [];
    for (let i = 0; i < refreshes; i++) {
      // The same arrays again (an app's refresh of the same catalog size), then a rank.
      t = performance.now();
      p.setCatalogPacked(catalog);
      refreshLoadMs.push(performance.now() - t);
      p.rank(null, { limit: 20, explain: true });
      afterRefresh.push(bytes());
    }
    p.close();
    out.push({
      n, features, dim, vocab, rawBytes: raw, beforeBytes: before, afterLoadBytes: afterLoad, afterOneCandidateBytes: afterOneCandidate, afterFirstRankBytes: afterFirstRank, afterRefreshBytes: afterRefresh,
      loadMs, firstRankMs, rankMs: median(ranks), refreshLoadMs: median(refreshLoadMs), rawMB: raw / MB,
    });
  }
  return out;
};
