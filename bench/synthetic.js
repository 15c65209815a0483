// The benchmarks' synthetic catalog, shared by the pages (bench/page.mjs serves it next to
// each as ./synthetic.js): n items, each with `features` sparse features of a `vocab`-name
// vocabulary and a unit-length `dim`-dimensional embedding, a baseline of 0–999; seeded, so
// every run and every page ranks the same data.

/** A seeded generator of numbers in [0, 1). */
export function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** A packed catalog (`setCatalogPacked`'s shape). */
export function makeCatalog(n, { features = 16, dim = 32, vocab = 2000, seed = n } = {}) {
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
  return { ids, featureNames, featureOffsets, featureIds, featureValues, embeddings, dim, baseline };
}
