// Where a rank call's time goes at small N: the same call with parts switched off.
import { Personalizer } from "./node_modules/optin/index.js";
import manifest from "./manifest.json" with { type: "json" };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function timeIt(f, batchMs = 40, batches = 21) {
  for (let i = 0; i < 10; i++) f();
  let perBatch = 1;
  for (;;) { const t = performance.now(); for (let i = 0; i < perBatch; i++) f(); if (performance.now() - t >= batchMs) break; perBatch *= 2; }
  const runs = [];
  for (let b = 0; b < batches; b++) { const t = performance.now(); for (let i = 0; i < perBatch; i++) f(); runs.push((performance.now() - t) / perBatch); }
  return median(runs) * 1000;
}
window.breakdown = async () => {
  const out = {};
  for (const n of [1000, 10000]) {
    const ids = Array.from({ length: n }, (_, i) => `item-${i}`);
    const F = 16, D = 32, V = 2000;
    const featureOffsets = Uint32Array.from({ length: n + 1 }, (_, i) => i * F);
    const featureIds = Uint32Array.from({ length: n * F }, (_, i) => (i * 7919) % V);
    const featureValues = Float32Array.from({ length: n * F }, (_, i) => ((i * 31) % 100) / 100);
    const embeddings = Float32Array.from({ length: n * D }, (_, i) => Math.sin(i));
    const baseline = Float32Array.from({ length: n }, (_, i) => (i * 13) % 1000);
    const p = await Personalizer.open(manifest, { storage: "memory" });
    await p.grant("bench");
    p.setCatalogPacked({ ids, featureNames: Array.from({ length: V }, (_, i) => `f:${i}`), featureOffsets, featureIds, featureValues, embeddings, dim: D, baseline });
    await p.recordMany(Array.from({ length: 50 }, (_, i) => ({ category: "reading", kind: "click", item: ids[(i * 97) % n] })));
    out[n] = {
      // (The module's own packed call is no longer reachable from a page: the Personalizer
      // keeps its core private. What the JS layer adds shows as options vs none.)
      "limit 20 explain": timeIt(() => p.rank(null, { limit: 20, explain: true })),
      "defaults (no options object)": timeIt(() => p.rank()),
      "limit 20 no explain": timeIt(() => p.rank(null, { limit: 20, explain: false })),
      "limit 1 no explain": timeIt(() => p.rank(null, { limit: 1, explain: false })),
      "health() (the cost of any call)": timeIt(() => p.health()),
    };
    p.close();
  }
  return out;
};
