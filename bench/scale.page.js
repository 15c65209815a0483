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
const { rng, makeCatalog } = await import("./synthetic.js");
const manifest = (await import("./manifest.json", { with: { type: "json" } })).default;

const MB = 1024 * 1024;
const bytes = () => memory.buffer.byteLength;

// Raw data: the typed arrays' bytes plus the ids' and names' UTF-8 bytes.
function rawBytes(c) {
  const enc = new TextEncoder();
  let raw = c.featureOffsets.byteLength + c.featureIds.byteLength + c.featureValues.byteLength + c.embeddings.byteLength + c.baseline.byteLength;
  for (const s of c.ids) raw += enc.encode(s).length;
  for (const s of c.featureNames) raw += enc.encode(s).length;
  return raw;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

window.bench = async (configs) => {
  const out = [];
  for (const { n, features, dim, vocab, refreshes, rankRuns } of configs) {
    const catalog = makeCatalog(n, { features, dim, vocab });
    const raw = rawBytes(catalog);
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
