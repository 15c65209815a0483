// `rank` decodes packed numbers in JS (src/js/rank_fast.js); the JSON path, which `rank`
// takes for exposure rules (an empty rule changes nothing), is the reference it must equal,
// for every option and catalog shape, including after the catalog or the profile changes
// under cached names. (The names call's own index checks: tests/web_rank_names.rs.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Personalizer, OptinError } from "../../pkg/index.js";

const manifest = JSON.parse(readFileSync(new URL("../fixtures/news-manifest.json", import.meta.url), "utf8"));

function catalog(n, seed, { groups = true, embeddings = true } = {}) {
  let s = seed;
  const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const topics = ["science", "space", "sports", "culture", "health"];
  return Array.from({ length: n }, (_, i) => ({
    id: `s${seed}-${i}`,
    features: { [`topic:${topics[i % 5]}`]: 1, [`tag:${Math.floor(r() * 40)}`]: r() },
    ...(embeddings ? { embedding: Array.from({ length: 8 }, () => r() - 0.5) } : {}),
    baseline: Math.floor(r() * 1000),
    ...(groups && i % 7 !== 0 ? { group: ["wire", "local", "magazine"][i % 3] } : {}),
  }));
}

// The same ranking through the JSON path.
const rankJson = (p, candidates, options) => p.rank(candidates, { ...options, exposure: {} });

// Scores and weights are f32 in the engine: JSON carries their shortest decimal form, the
// packed path their exact value. Both must be the same f32.
function sameAsJson(fast, json, where) {
  assert.equal(fast.length, json.length, where);
  const norm = (rs) => JSON.parse(JSON.stringify(rs, (k, v) => (typeof v === "number" && !Number.isInteger(v) ? Math.fround(v) : v)));
  assert.deepEqual(norm(fast), norm(json), where);
}

test("packed rank equals the JSON rank for every option", async () => {
  const p = await Personalizer.open(manifest, { storage: "memory", now: () => Date.parse("2026-11-24T10:00:00Z") });
  const items = catalog(300, 1);
  p.setCatalog(items);
  const check = (where, candidates, options) => sameAsJson(p.rank(candidates, options), rankJson(p, candidates, options), where);
  check("baseline, no consent", undefined, { limit: 10 });
  await p.grant("topics");
  await p.grant("similar");
  await p.recordMany(items.filter((_, i) => i % 5 === 0).slice(0, 12).map((x) => ({ category: "reading", kind: "click", item: x.id, features: x.features })));
  await p.record({ category: "reactions", kind: "dislike", item: items[3].id, features: items[3].features });
  const ranked = p.rank(undefined, { limit: 20 });
  assert.ok(ranked.some((r) => r.reasons.some((x) => x.type === "feature")), "feature reasons");
  assert.ok(ranked.some((r) => r.reasons.some((x) => x.type === "similar")), "similar reasons");
  for (const options of [undefined, {}, { limit: 1 }, { limit: 50, explain: false }, { diversity: 0.6 }, { excludeSeen: true, limit: 30 }]) {
    check(`options ${JSON.stringify(options)}`, undefined, options);
  }
  const some = items.filter((_, i) => i % 3 === 0).map((x) => x.id);
  check("candidates", some, { limit: 15 });
  check("null candidates", null, { limit: 5 });
  // Groups: present on grouped items only.
  const all = p.rank(undefined, { limit: 300, explain: false });
  assert.ok(all.some((r) => r.group === undefined) && all.some((r) => r.group === "local"));
  check("all items", undefined, { limit: 300 });
  // A real exposure rule changes the order (and only goes through the JSON path).
  const ruled = p.rank(undefined, { limit: 10, exposure: { minShare: { local: 0.5 } } });
  assert.ok(ruled.filter((r) => r.group === "local").length >= 5, "the rule holds");
  p.close();
});

test("cached names follow catalog and profile changes", async () => {
  const p = await Personalizer.open(manifest, { storage: "memory" });
  await p.grant("topics");
  await p.grant("similar");
  const first = catalog(100, 2);
  p.setCatalog(first);
  await p.recordMany(first.slice(0, 5).map((x) => ({ category: "reading", kind: "click", item: x.id, features: x.features })));
  const before = p.rank(undefined, { limit: 10 });
  assert.ok(before.every((r) => r.id.startsWith("s2-")));
  // Same indices, other ids and other feature names: the cached names must not leak.
  const second = catalog(100, 3, { groups: false });
  p.setCatalog(second);
  const after = p.rank(undefined, { limit: 10 });
  assert.ok(after.every((r) => r.id.startsWith("s3-") && r.group === undefined), JSON.stringify(after[0]));
  sameAsJson(after, rankJson(p, undefined, { limit: 10 }), "after setCatalog");
  // A new module's reasons name a new source.
  await p.record({ category: "reactions", kind: "like", item: second[7].id, features: second[7].features });
  sameAsJson(p.rank(undefined, { limit: 10 }), rankJson(p, undefined, { limit: 10 }), "after a like");
  // Without embeddings (sparse similarity) and after packed loads.
  p.setCatalog(catalog(50, 4, { embeddings: false }));
  sameAsJson(p.rank(undefined, { limit: 10 }), rankJson(p, undefined, { limit: 10 }), "no embeddings");
  p.setCatalogPacked({ ids: ["x", "y", "z"], baseline: Float32Array.of(1, 3, 2), groups: Uint32Array.of(0, 1, 0), groupNames: ["g0", "g1"] });
  assert.deepEqual(p.rank(undefined, { limit: 3 }).map((r) => [r.id, r.group]), [["y", "g1"], ["z", "g0"], ["x", "g0"]]);
  p.close();
});

test("bad arguments throw the same OptinError as before", async () => {
  const p = await Personalizer.open(manifest, { storage: "memory" });
  p.setCatalog(catalog(10, 5));
  for (const [candidates, options, code] of [
    [42, undefined, "invalid-argument"],
    [["nope"], undefined, "unknown-item"],
    [undefined, { limit: -1 }, "invalid-argument"],
    [undefined, { diversity: 0.5, exposure: { minShare: { wire: 0.2 } } }, "invalid-argument"],
  ]) {
    assert.throws(() => p.rank(candidates, options), (e) => e instanceof OptinError && e.code === code, `${JSON.stringify([candidates, options])}`);
  }
  assert.equal(p.rank(undefined, { limit: 3 }).length, 3, "still usable");
  p.close();
  assert.throws(() => p.rank(), (e) => e instanceof OptinError && e.code === "closed");
});
