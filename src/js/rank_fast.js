// optin's `rank` without JSON (see src/js/rank_packed.rs): the WebAssembly module returns the
// results as numbers and `decode` turns them into the objects `rank` documents, with names
// from tables cached per instance. Exposure rules take the JSON path (the core's `rank`).

const HEADER = 3;
const RESULT = 6;
const REASON = 4;
const ITEMS = 0;
const FEATURES = 1;
const GROUPS = 2;
const SOURCES = 3;
const NO_SOURCE = ["", ""];

const tables = new WeakMap();

function namesOf(p, packed) {
  let t = tables.get(p);
  if (!t) {
    t = { catalog: -1, profile: -1, items: new Map(), features: new Map(), groups: [], sources: [] };
    tables.set(p, t);
  }
  if (packed[0] !== t.catalog) {
    t.catalog = packed[0];
    t.items.clear();
    t.features.clear();
    t.groups = p.__rankNames(GROUPS, undefined);
  }
  if (packed[1] !== t.profile) {
    t.profile = packed[1];
    t.sources = p.__rankNames(SOURCES, undefined);
  }
  return t;
}

// Asks the module, in one call per table, for the names this result needs and lacks.
function fillNames(p, packed, t) {
  let items = null;
  let features = null;
  const count = packed[2];
  for (let k = 0, at = HEADER; k < count; k++) {
    if (!t.items.has(packed[at])) (items ??= new Set()).add(packed[at]);
    const reasons = packed[at + 5];
    at += RESULT;
    for (let r = 0; r < reasons; r++, at += REASON) {
      const kind = packed[at];
      const ref = packed[at + 1];
      if (kind === 0 && !t.features.has(ref)) (features ??= new Set()).add(ref);
      else if (kind === 1 && !t.items.has(ref)) (items ??= new Set()).add(ref);
    }
  }
  if (items) {
    const wanted = Uint32Array.from(items);
    const got = p.__rankNames(ITEMS, wanted);
    for (let i = 0; i < wanted.length; i++) t.items.set(wanted[i], got[i]);
  }
  if (features) {
    const wanted = Uint32Array.from(features);
    const got = p.__rankNames(FEATURES, wanted);
    for (let i = 0; i < wanted.length; i++) t.features.set(wanted[i], got[i]);
  }
}

/** The documented result objects of a packed result of the core `p`. */
export function decode(p, packed) {
  const t = namesOf(p, packed);
  fillNames(p, packed, t);
  const count = packed[2];
  const out = new Array(count);
  for (let k = 0, at = HEADER; k < count; k++) {
    const result = { id: t.items.get(packed[at]), score: packed[at + 1], rank: packed[at + 2], baselineRank: packed[at + 3] };
    if (packed[at + 4] >= 0) result.group = t.groups[packed[at + 4]];
    const reasonCount = packed[at + 5];
    const reasons = new Array(reasonCount);
    at += RESULT;
    for (let r = 0; r < reasonCount; r++, at += REASON) {
      const kind = packed[at];
      if (kind === 2) {
        reasons[r] = { type: "baseline", weight: packed[at + 2] };
        continue;
      }
      const [module, category] = packed[at + 3] >= 0 ? t.sources[packed[at + 3]] : NO_SOURCE;
      reasons[r] = kind === 0
        ? { type: "feature", feature: t.features.get(packed[at + 1]), weight: packed[at + 2], module, category }
        : { type: "similar", item: t.items.get(packed[at + 1]), similarity: packed[at + 2], module, category };
    }
    result.reasons = reasons;
    out[k] = result;
  }
  return out;
}
