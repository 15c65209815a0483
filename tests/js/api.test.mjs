// The JS entry in front of the module (src/js/personalizer.js, aggregator.js, read.js): every
// argument is read before the module runs, so hostile or careless arguments are OptinErrors
// and never leave an instance (or the module) broken; the lifecycle calls (close, using) and
// the options behave as the types document.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Personalizer, Aggregator, OptinError, init } from "../../pkg/index.js";

const manifest = JSON.parse(readFileSync(new URL("../fixtures/news-manifest.json", import.meta.url), "utf8"));
const items = [
  { id: "a", features: { "topic:science": 1 }, baseline: 3, group: "wire" },
  { id: "b", features: { "topic:sports": 1 }, baseline: 5, group: "local" },
  { id: "c", features: { "topic:science": 1 }, baseline: 1, group: "wire" },
];

async function opened() {
  const p = await Personalizer.open(manifest, { storage: "memory", locale: "en" });
  p.setCatalog(items);
  return p;
}

/** Runs `call`; returns the OptinError it threw or rejected with (failing on anything else). */
async function optinError(call, where) {
  try {
    await call();
  } catch (e) {
    assert.ok(e instanceof OptinError, `${where}: threw ${e?.constructor?.name} ${e?.message}`);
    assert.equal(typeof e.code, "string", where);
    return e;
  }
  assert.fail(`${where}: no error`);
}

async function stillWorks(p, where) {
  assert.equal(p.modules().length, manifest.modules.length, where);
  assert.equal(p.health().ok, true, where);
  assert.equal(p.rank().length, items.length, where);
  await p.record({ category: "reading", kind: "click", item: "a" });
}

const throwing = () => {
  throw new Error("trap");
};
const hostile = {
  getter: { get category() { throw new Error("getter"); } },
  proxy: new Proxy({}, { get: throwing, ownKeys: throwing, getOwnPropertyDescriptor: throwing, has: throwing }),
  revoked: (() => {
    const r = Proxy.revocable({}, {});
    r.revoke();
    return r.proxy;
  })(),
  toJSON: { toJSON() { return {}; } },
  symbol: Symbol("s"),
  bigint: 12345678901234567890n,
  fn: () => 1,
  undefined,
};

test("a bad argument to any call is an OptinError, and the instance keeps working", async () => {
  const p = await opened();
  const calls = {
    record: (x) => p.record(x),
    recordMany: (x) => p.recordMany(x),
    recordManyInside: (x) => p.recordMany([x]),
    preview: (x) => p.preview(x),
    previewOptions: (x) => p.preview("science-fan", x),
    rank: (x) => p.rank(x),
    rankOptions: (x) => p.rank(null, x),
    rankExposure: (x) => p.rank(null, { exposure: x }),
    auditExposure: (x) => p.audit({ exposure: x }),
    modules: (x) => p.modules(x),
    grant: (x) => p.grant(x),
    importConsent: (x) => p.importConsent(x),
    noticeViewed: (x) => p.noticeViewed(x),
    forget: (x) => p.forget(x),
    setCatalog: (x) => p.setCatalog(x),
    setCatalogPacked: (x) => p.setCatalogPacked(x),
    setCatalogPackedIds: (x) => p.setCatalogPacked({ ids: x }),
    explainInterest: (x) => p.explainInterest(x),
    privateReport: (x) => p.privateReport("feed-helpful", x),
    onChange: (x) => p.onChange(x),
  };
  for (const [name, call] of Object.entries(calls)) {
    for (const [kind, value] of Object.entries(hostile)) {
      // Absent is fine for optional arguments, and a function is what onChange takes.
      if (value === undefined && ["rank", "rankOptions", "previewOptions", "modules", "noticeViewed", "rankExposure", "auditExposure"].includes(name)) continue;
      if (kind === "fn" && name === "onChange") continue;
      await optinError(() => call(value), `${name}(${kind})`);
    }
    // The same instance and the catalog are intact after each call's failures.
    p.setCatalog(items);
    await stillWorks(p, `after ${name}`);
  }
  p.close();
});

test("open with a hostile manifest or options rejects with an OptinError; a later open works", async () => {
  for (const [kind, value] of Object.entries(hostile)) {
    const e = await optinError(() => Personalizer.open(value), `open(${kind})`);
    assert.match(e.code, /^invalid-|^input-/);
    await optinError(() => Personalizer.open(manifest, value === undefined ? { storag: "memory" } : value), `open(manifest, ${kind})`);
  }
  const p = await opened();
  await stillWorks(p, "fresh open");
});

test("unknown option keys are refused with the nearest valid name", async () => {
  const p = await opened();
  const cases = [
    [() => Personalizer.open(manifest, { storag: "memory" }), "options.storag", "storage"],
    [() => p.rank(null, { lmit: 3 }), "options.lmit", "limit"],
    [() => p.rank(null, { ignoreUnknwn: true }), "options.ignoreUnknwn", "ignoreUnknown"],
    [() => p.preview("science-fan", { modlues: ["topics"] }), "options.modlues", "modules"],
    [() => p.audit({ treshold: 0.5 }), "options.treshold", "threshold"],
    [() => p.setCatalogPacked({ ids: ["a"], baselin: Float32Array.of(1) }), "catalog.baselin", "baseline"],
  ];
  for (const [call, path, suggestion] of cases) {
    const e = await optinError(call, path);
    assert.ok(e.message.startsWith(path), e.message);
    assert.ok(e.message.includes(`"${suggestion}"`), e.message);
  }
  // A key far from every option lists them all.
  const far = await optinError(() => p.rank(null, { zzzzzzzz: 1 }), "far");
  assert.match(far.message, /expected one of limit, explain/);
});

test("reading an argument once: a getter that changes its answer can't slip past validation", async () => {
  const p = await opened();
  let reads = 0;
  const shifty = {
    category: "reading",
    kind: "click",
    get item() {
      reads++;
      return reads === 1 ? "a" : { not: "a string" };
    },
  };
  assert.deepEqual(await p.record(shifty), { stored: false, reason: "no-granted-module" });
  assert.equal(reads, 1);
});

test("close is idempotent, using closes, and every call after it is 'closed'", async () => {
  const p = await opened();
  p.close();
  p.close();
  for (const call of [() => p.rank(), () => p.modules(), () => p.grant("topics"), () => p.eraseAll(), () => p.health()]) {
    const e = await optinError(call, "after close");
    assert.equal(e.code, "closed");
  }
  assert.equal(p.namespace, "default");
  assert.equal(p.storage, "memory");
  assert.equal(typeof p.free, "undefined", "no free(): close is the one way out");
  const q = await opened();
  q[Symbol.dispose]();
  assert.equal((await optinError(() => q.rank(), "disposed")).code, "closed");
  await optinError(() => new Personalizer(), "constructor");
});

test("rank with ignoreUnknown ranks the known candidates and lists the others", async () => {
  const p = await opened();
  const ranked = p.rank(["a", "gone", "b", "also-gone"], { ignoreUnknown: true });
  assert.deepEqual(ranked.map((r) => r.id), ["b", "a"]);
  assert.deepEqual(ranked.unknown, ["gone", "also-gone"]);
  assert.deepEqual(p.rank(null, { ignoreUnknown: true }).unknown, []);
  assert.equal(p.rank(["a"]).unknown, undefined);
  assert.equal((await optinError(() => p.rank(["a", "gone"]), "strict")).code, "unknown-item");
  assert.equal((await optinError(() => p.rank(["a"], { ignoreUnknown: 1 }), "type")).code, "invalid-argument");
});

test("events take RFC 3339 times with offsets, and Dates", async () => {
  const at = Date.parse("2026-11-24T09:00:00Z");
  const p = await Personalizer.open(manifest, { storage: "memory", now: () => at + 3_600_000 });
  await p.grant("topics");
  await p.recordMany([
    { category: "reading", kind: "click", item: "x", at: "2026-11-24T10:00:00+01:00" },
    { category: "reading", kind: "click", item: "y", at: new Date(at) },
  ]);
  const times = (await p.exportData()).events.map((e) => e.at);
  assert.deepEqual(times, ["2026-11-24T09:00:00.000Z", "2026-11-24T09:00:00.000Z"]);
  assert.equal((await optinError(() => p.record({ category: "reading", kind: "click", item: "z", at: new Date(NaN) }), "bad date")).code, "invalid-event");
  // An error names the argument as the app passed it: `event` to record, `events[i]` to recordMany.
  const future = { category: "reading", kind: "click", item: "z", at: new Date(at + 3 * 86_400_000) };
  const one = await optinError(() => p.record(future), "future, one");
  assert.equal(one.code, "invalid-event");
  assert.match(one.message, /\bevent\.at: /);
  assert.doesNotMatch(one.message, /events\[0\]/);
  const many = await optinError(() => p.recordMany([{ ...future, item: "w", at: new Date(at) }, future]), "future, many");
  assert.match(many.message, /\bevents\[1\]\.at: /);
});

test("OptinError carries its code across postMessage's structured clone via toJSON and from", async () => {
  const e = new OptinError("unknown-module", "no such module");
  const cloned = structuredClone({ error: e.toJSON() });
  const revived = OptinError.from(cloned.error);
  assert.ok(revived instanceof OptinError && revived instanceof Error);
  assert.equal(revived.code, "unknown-module");
  assert.equal(revived.message, "no such module");
  assert.equal(OptinError.from(42).code, "internal");
  // An Error cloned as such loses its code: that is why toJSON exists.
  assert.equal(structuredClone(e).code, undefined);
});

test("Aggregator: hostile reports and merges are OptinErrors, and the aggregator keeps counting", async () => {
  const metric = { id: "feed-helpful", type: "boolean", epsilon: 1 };
  const agg = new Aggregator(metric);
  for (const [kind, value] of Object.entries(hostile)) {
    await optinError(() => agg.add(value), `add(${kind})`);
    await optinError(() => agg.merge(value), `merge(${kind})`);
  }
  assert.equal((await optinError(() => agg.merge(agg), "self")).code, "invalid-argument");
  assert.equal((await optinError(() => agg.merge({ add() {} }), "foreign")).code, "invalid-argument");
  assert.equal((await optinError(() => agg.expectedError(12345678901234567890n), "bigint")).code, "invalid-argument");
  await optinError(() => new Aggregator(hostile.proxy), "new Aggregator(proxy)");
  agg.add({ metric: "feed-helpful", epsilon: 1, mechanism: "rr", bit: true });
  const other = new Aggregator(metric);
  other.add({ metric: "feed-helpful", epsilon: 1, mechanism: "rr", bit: false });
  agg.merge(other);
  assert.equal(agg.estimate().reports, 2);
  await init();
});

test("ids with a lone surrogate are refused everywhere, not turned into U+FFFD", async () => {
  const p = await opened();
  const lone = "item-\ud800";
  for (const [where, call, code] of [
    ["setCatalog", () => p.setCatalog([{ id: lone }]), "invalid-catalog"],
    ["setCatalogPacked", () => p.setCatalogPacked({ ids: [lone] }), "invalid-catalog"],
    ["feature name", () => p.setCatalog([{ id: "x", features: { [lone]: 1 } }]), "invalid-catalog"],
    ["record", () => p.record({ category: "reading", kind: "click", item: lone }), "invalid-event"],
    ["rank", () => p.rank([lone]), "invalid-argument"],
    ["forget", () => p.forget({ item: lone }), "invalid-argument"],
  ]) {
    const e = await optinError(call, where);
    assert.equal(e.code, code, where);
    assert.match(e.message, /lone surrogate/, where);
  }
  // A well-formed pair is fine.
  p.setCatalog([{ id: "item-\ud83d\ude00" }]);
  assert.deepEqual(p.rank().map((r) => r.id), ["item-\ud83d\ude00"]);
});

test("benefit() reports, per module turned on, what the check measured, and forgets it on revoke", async () => {
  const start = Date.parse("2026-11-24T09:00:00Z");
  let now = start;
  const p = await Personalizer.open(manifest, { storage: "memory", now: () => now });
  // Science stories (even) are the reader's taste; the baseline puts sports (odd) first.
  p.setCatalog(Array.from({ length: 40 }, (_, i) => ({
    id: `s-${i}`,
    features: { [i % 2 ? "topic:sports" : "topic:science"]: 1 },
    baseline: i % 2 ? 100 + i : i,
  })));
  assert.deepEqual(p.benefit(), [], "nothing turned on, nothing to say");
  await p.grant("topics");
  assert.deepEqual(p.benefit(), [{ module: "topics", measured: 0, medianRankPersonalized: null, medianRankBaseline: null, strength: 1, window: 20 }]);
  for (let k = 0; k < 8; k++) {
    now = start + k * 60_000;
    await p.record({ category: "reading", kind: "click", item: `s-${2 * k}` });
  }
  const [b] = p.benefit();
  assert.equal(b.module, "topics");
  assert.equal(b.measured, 7, "every read but the first (an empty profile) is measured");
  assert.ok(b.medianRankPersonalized < b.medianRankBaseline, JSON.stringify(b));
  assert.ok(b.strength >= 1, JSON.stringify(b));
  const exported = await p.exportData();
  assert.equal(exported.events.length, 8);
  assert.deepEqual(exported.benefit, [b], "the download holds it too");
  await p.revoke("topics");
  assert.deepEqual(p.benefit(), []);
  await p.grant("topics");
  assert.equal(p.benefit()[0].measured, 0, "granted again, it starts from nothing");
});

test("a packed catalog the module refuses leaves the previous one, whole, ranking as before", async () => {
  const p = await opened();
  await p.grant("topics");
  await p.record({ category: "reading", kind: "click", item: "a", features: { "topic:science": 1 } });
  p.setCatalogPacked({
    ids: ["x", "y", "z"],
    featureNames: ["topic:science", "topic:sports"],
    featureOffsets: new Uint32Array([0, 1, 2, 3]),
    featureIds: new Uint32Array([1, 0, 0]),
    featureValues: new Float32Array([1, 1, 1]),
    baseline: new Float32Array([3, 2, 1]),
  });
  const before = p.rank(null, { limit: 3 });
  assert.equal(before.length, 3);
  // Feature id 5 of 2 names: refused by the module's own checks, after its caches were freed.
  const refused = await optinError(() => p.setCatalogPacked({
    ids: ["q"], featureNames: ["f"], featureOffsets: new Uint32Array([0, 1]), featureIds: new Uint32Array([5]), featureValues: new Float32Array([1]),
  }), "bad packed catalog");
  assert.equal(refused.code, "invalid-catalog");
  assert.deepEqual(p.rank(null, { limit: 3 }), before);
  assert.deepEqual(p.rank(["x"]).map((r) => r.id), ["x"]);
});

test("rank returns as many results as asked, up to a whole catalog; diversity caps them at 10,000", async () => {
  const p = await Personalizer.open(manifest, { storage: "memory", locale: "en" });
  const n = 12_000;
  p.setCatalog(Array.from({ length: n }, (_, i) => ({ id: `i${i}`, baseline: i })));
  const all = p.rank(undefined, { limit: n, explain: false });
  assert.equal(all.length, n);
  assert.equal(all[0].id, `i${n - 1}`, "the baseline's order: the highest first");
  assert.equal(all[n - 1].id, "i0");
  assert.ok(all.every((r, k) => r.rank === k + 1));
  assert.equal(p.rank(undefined, { limit: 1_000_000, explain: false }).length, n, "more than there are: all of them");
  const over = await optinError(() => p.rank(undefined, { limit: 1_000_001 }), "limit over 1,000,000");
  assert.equal(over.code, "invalid-argument");
  assert.match(over.message, /options\.limit/);
  const diverse = await optinError(() => p.rank(undefined, { limit: 10_001, diversity: 0.5 }), "diversity over 10,000");
  assert.match(diverse.message, /options\.limit: .*diversity/);
  assert.equal(p.rank(undefined, { limit: 30, diversity: 0.5 }).length, 30);
  p.close();
});
