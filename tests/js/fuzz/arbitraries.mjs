// fast-check arbitraries of argument specs (spec.mjs): realistic values that reach deep states,
// with hostile values mixed in at every level. Shrinking goes towards the first choice of each
// `oneof`, so the valid value comes first: a shrunk failure keeps only the hostile part that
// matters.
import fc from "fast-check";
import { lit, undef, obj, arr, b } from "./spec.mjs";

const w = (weight, arbitrary) => ({ weight, arbitrary });
const c = (...values) => fc.constantFrom(...values);

/** A value of a type or range no call accepts, or one that fights being read. */
export const hostileLeaf = fc.oneof(
  fc.constant(undef),
  fc.constant(lit(null)),
  c(obj([]), arr([]), lit(123), lit(true), lit("")),
  c("NaN", "Infinity", "-Infinity", "-0", "max", "tiny", "2^53+2", "2^32", "-1", "0.5", "1e300", "-1e300").map((n) => b("num", n)),
  c("0", "12345678901234567890", "-1").map((d) => b("big", d)),
  fc.constant(b("sym")),
  fc.constant(b("fn")),
  fc.oneof(
    c("lone", "swapped", "nul", "blank", "proto", "empty").map((k) => b("str", k)),
    fc.constant(b("str", "long", 1)),
    fc.constant(b("str", "long", 12)),
    fc.constant(b("str", "wide", 64)),
  ),
  c(0, NaN, 1.8e15).map((ms) => b("date", ms)),
  c("map", "set", "regexp", "error", "promise").map((k) => b(k)),
  c("x", 1, true).map((v) => b("boxed", v)),
  c("toString", "valueOf", "toJSON", "toPrimitive", "all", "toJSON-undefined", "toJSON-function").map((k) => b("conv", k)),
  fc.record({
    type: c("Float32Array", "Float64Array", "Uint32Array", "Int32Array", "Uint8Array", "Uint8ClampedArray", "BigInt64Array"),
    n: c(0, 3, 16),
    how: c("plain", "detached", "shared", "offset"),
  }).map(({ type, n, how }) => b("typed", type, n, how)),
  fc.record({ base: c(obj([]), arr([])), trap: c("get", "has", "ownKeys", "getOwnPropertyDescriptor", "getPrototypeOf") }).map(
    ({ base, trap }) => b("proxy", base, trap),
  ),
  c(obj([]), arr([])).map((base) => b("revoked", base)),
  fc.record({ n: c(20, 1000, 100_000), shape: c("array", "object") }).map(({ n, shape }) => b("deep", n, shape)),
  c(obj([]), arr([])).map((base) => b("cycle", base, "0")),
  fc.constant(b("sparse", arr([lit("a-101")]), 100_000)),
  c(0, 3, 2 ** 31).map((n) => b("arrayLike", n)),
  fc.constant(b("nullProto", obj([]))),
  c("freedAgg", "foreignAgg", "protoAgg", "fakeAgg", "freedP", "foreignP", "protoP", "instance").map((what) => b("ref", what)),
);

/** Hostile where an array is due: also an array of length 2³² − 1. (Not in `hostileLeaf`:
 *  where a number or string is due, converting it joins four billion holes, for minutes, in
 *  the engine: `expectedError(100, that)` takes 200 s today.) */
export const hostileArray = fc.oneof(w(6, hostileLeaf), w(1, fc.constant(b("sparse", arr([lit("a-101")]), 2 ** 32 - 1))));

/** `valid` (mostly), or a hostile value in its place. */
export function maybe(valid, hostileWeight = 1, validWeight = 24) {
  return fc.oneof(w(validWeight, valid), w(hostileWeight, hostileLeaf));
}

/** A hostile version of an object or array made by `base`: a property that throws or changes
 *  between reads, a Proxy trap that throws, revoked, frozen, null-prototype, an unknown key. */
export function around(base, keys) {
  return fc.oneof(
    fc.record({ base, key: c(...keys), mode: c("throw", "forged", "fresh") }).map(({ base, key, mode }) => b("getter", base, key, mode)),
    fc.record({ base, key: c(...keys), alt: hostileLeaf }).map(({ base, key, alt }) => b("getter", base, key, "flip", alt)),
    fc.record({ base, trap: c("get", "has", "ownKeys", "getOwnPropertyDescriptor", "getPrototypeOf") }).map(({ base, trap }) => b("proxy", base, trap)),
    base.map((x) => b("revoked", x)),
    base.map((x) => b("frozen", x)),
    base.map((x) => b("nullProto", x)),
    fc.record({ base, key: c("lmit", "storag", "__proto__", "constructor", "symbol", "then"), value: maybe(fc.constant(lit(1))) }).map(({ base, key, value }) =>
      b("extra", base, key, value),
    ),
    base.map((x) => b("cycle", x, "self")),
  );
}

/** An argument: valid, replaced by a hostile value, or a hostile version of the valid one. */
export function arg(valid, keys = ["0"]) {
  return fc.oneof(w(12, valid), w(2, hostileLeaf), w(2, around(valid, keys)));
}

/** The same where an array is due. */
export function arrayArg(valid, keys = ["0"]) {
  return fc.oneof(w(12, valid), w(2, hostileArray), w(2, around(valid, keys)));
}

/** An optional object whose present fields are made by `fields` ({ key: arbitrary }). */
export function object(fields) {
  const keys = Object.keys(fields);
  return fc
    .record(Object.fromEntries(keys.map((k) => [k, fc.option(fields[k], { nil: null, freq: 2 })])))
    .map((r) => obj(keys.filter((k) => r[k] !== null).map((k) => [k, r[k]])));
}

export const MODULE_IDS = ["topics", "similar", "health", "insights", "editorial"];
export const moduleId = maybe(fc.oneof(w(8, c(...MODULE_IDS)), w(1, c("gps", "Topics", ""))).map(lit));
export const locale = maybe(c("en", "de", "de-AT", "fr", "en-GB-oxendict").map(lit));
export const feature = maybe(c("topic:science", "topic:space", "topic:health", "topic:sports", "tag:3", "no-such:feature", "bad feature").map(lit));
export const catalogId = fc.nat(200).map((i) => b("ref", "catalogId", i));
export const itemId = maybe(fc.oneof(w(6, catalogId), w(1, c("no-such-item", "a-101").map(lit))));

const features = fc.oneof(
  w(4, c(obj([["topic:science", lit(1)]]), obj([["topic:space", lit(0.5)], ["topic:science", lit(1)]]), obj([["topic:health", lit(1)]]))),
  w(1, fc.record({ k: c("topic:sports", "tag:1", "x".repeat(300), ""), v: maybe(c(1, -2, 0, 1e6).map(lit), 3) }).map(({ k, v }) => obj([[k, v]]))),
);

const KINDS = ["view", "click", "dwell", "like", "dislike", "purchase", "share"];

/** One event, mostly one a granted module would store. */
export const event = fc
  .record({
    category: maybe(c("reading", "reactions", "health-reading", "gps").map(lit), 1, 40),
    kind: maybe(c(...KINDS).map(lit), 1, 40),
    item: itemId,
    rest: object({
      at: maybe(fc.oneof(
        c("2026-11-20T08:00:00Z", "2026-11-24T09:00:00.000Z", "2026-11-24T10:00:00+01:00", "yesterday").map(lit),
        fc.integer({ min: -40, max: 2 }).map((d) => lit(Date.parse("2026-11-24T09:00:00Z") + d * 86_400_000)),
      )),
      weight: maybe(c(1, 2.5, 0, -1).map(lit)),
      features: maybe(features),
    }),
  })
  .map(({ category, kind, item, rest }) => obj([["category", category], ["kind", kind], ["item", item], ...rest.e]));

export const eventList = fc.oneof(
  w(4, fc.array(event, { minLength: 1, maxLength: 6 }).map(arr)),
  w(1, fc.record({ n: c(50, 3000), seed: fc.nat(100) }).map(({ n, seed }) => b("events", n, seed))),
  w(1, fc.constant(arr([]))),
);

const share = maybe(c(0, 0.2, 0.4, 1).map(lit), 1, 12);
const group = c("wire", "local", "magazine", "nobody");
export const exposure = fc.oneof(
  fc.record({ g: group, s: share }).map(({ g, s }) => obj([["minShare", obj([[g, s]])]])),
  fc.record({ g: group, s: share }).map(({ g, s }) => obj([["maxShare", obj([[g, s]])]])),
  fc.constant(obj([["minShare", lit({ local: 0.3 })], ["maxShare", lit({ wire: 0.5 })]])),
);

export const rankOptions = object({
  limit: maybe(c(0, 1, 5, 20, 10000, 10001).map(lit)),
  explain: maybe(c(true, false).map(lit)),
  diversity: maybe(c(0, 0.3, 1).map(lit)),
  excludeSeen: maybe(c(true, false).map(lit)),
  exposure: maybe(exposure, 1, 6),
});
export const rankOptionKeys = ["limit", "explain", "diversity", "excludeSeen", "exposure"];

export const candidates = fc.oneof(
  w(3, fc.constant(undef)),
  w(2, fc.constant(lit(null))),
  w(5, fc.array(maybe(catalogId, 1, 30), { minLength: 0, maxLength: 8 }).map(arr)),
  w(1, c(arr([lit("no-such-item")]), arr([lit(1), lit(2)]))),
);

/** A catalog of `n` generated items; sometimes one item's field is hostile. */
export const catalogItems = fc.oneof(
  w(5, fc.record({ n: c(1, 5, 30, 300), seed: fc.nat(50), dim: c(0, 8, 32) }).map(({ n, seed, dim }) => b("catalog", n, seed, dim))),
  w(2, fc.record({
    n: c(5, 30), seed: fc.nat(50), dim: c(0, 8),
    field: c("id", "features", "embedding", "baseline", "group", "item", "unknownField"),
    at: fc.nat(40),
    value: fc.oneof(hostileLeaf, c(lit(""), lit("dup"), lit([1, 2]), lit({ "topic:x": "1" }), lit(-1e39), lit("x".repeat(300)))),
  }).map(({ n, seed, dim, field, at, value }) => b("catalog", n, seed, dim, field, at, value))),
);

/** A packed catalog; sometimes one of its arrays is spoilt. */
export const packedCatalog = fc.oneof(
  w(5, fc.record({ n: c(1, 5, 30, 1000), seed: fc.nat(50), dim: c(0, 8, 32) }).map(({ n, seed, dim }) => b("packed", n, seed, dim))),
  w(3, fc.record({
    n: c(5, 30), seed: fc.nat(50), dim: c(0, 8),
    field: c("ids", "featureNames", "featureOffsets", "featureIds", "featureValues", "embeddings", "dim", "baseline", "groups", "groupNames"),
    how: c("replace", "getter", "proxy", "element", "float64", "plain", "detached", "short", "long", "nan"),
    value: hostileArray,
  }).map(({ n, seed, dim, field, how, value }) => b("packed", n, seed, dim, field, how, value))),
);

const manifestPaths = c(
  "policyVersion", "controller", "controller.name", "modules", "modules.1", "modules.1.title", "modules.1.uses",
  "modules.1.retentionDays", "modules.2.signals", "modules.1.featureWeight", "dataCategories", "dataCategories.reading",
  "dataCategories.reading.label", "metrics", "metrics.0", "metrics.1.domain", "privacyBudget", "samples", "samples.0.events",
  "samples.0.events.0", "consentValidityDays", "baselineWeight",
);
export const manifest = fc.oneof(
  w(6, fc.constant(b("manifest", ""))),
  w(3, fc.record({ path: manifestPaths, value: fc.oneof(hostileLeaf, c(lit(""), lit([]), lit({}), lit(-1), lit("x".repeat(70000)))) }).map(({ path, value }) => b("manifest", path, value))),
  w(2, fc.record({ base: fc.constant(b("manifest", "")), key: c("policyVersion", "controller", "modules", "dataCategories", "metrics", "samples"), trap: c("throw", "forged") }).map(
    ({ base, key, trap }) => b("getter", base, key, trap),
  )),
  w(1, c("get", "has", "ownKeys", "getOwnPropertyDescriptor", "getPrototypeOf").map((trap) => b("proxy", b("manifest", ""), trap))),
);

// `now` is almost always the sequence's own clock, so that runs are deterministic.
export const openOptions = fc.oneof(
  w(6, fc.record({
    now: fc.oneof(w(20, fc.constant(b("clock", "sane"))), w(1, c("throw", "nan", "bigint", "string", "reenter").map((k) => b("clock", k)))),
    rest: object({
    storage: maybe(c("memory", "indexeddb", "localStorage").map(lit), 1, 30),
    namespace: maybe(c("news", "a.b:c-d_e", "", "x".repeat(65), "bad namespace").map(lit)),
    locale: locale,
    gpc: maybe(c(true, false).map(lit)),
    maxEventsPerCategory: maybe(c(1, 10, 5000, 1_000_001, 0.5).map(lit)),
    }),
  }).map(({ now, rest }) => obj([["now", now], ...rest.e]))),
  w(1, hostileLeaf),
  w(2, around(fc.constant(obj([["storage", lit("memory")], ["now", b("clock", "sane")]])), ["storage", "namespace", "locale", "now", "gpc"])),
);

export const importRecords = fc.oneof(
  w(1, hostileArray),
  w(4, c("records", "otherRecords").map((what) => b("ref", what))),
  w(2, around(c("records", "otherRecords").map((what) => b("ref", what)), ["0", "1"])),
  w(1, fc.record({ field: c("recordId", "module", "event", "time", "noticeHash", "policyVersion", "dataCategories"), value: hostileLeaf }).map(
    ({ field, value }) => arr([b("getter", b("ref", "firstRecord"), field, "flip", value)]),
  )),
  w(1, c(arr([]), lit([{}]), lit("records"))),
);

export const reportArg = fc.oneof(
  w(6, fc.record({ what: c("report", "reportJson"), i: fc.nat(10) }).map(({ what, i }) => b("ref", what, i))),
  w(2, c(
    lit({ metric: "favourite-section", epsilon: 1, mechanism: "oue", ones: [3, 3, 3, 3] }),
    lit({ metric: "favourite-section", epsilon: 1, mechanism: "oue", ones: [99] }),
    lit({ metric: "feed-helpful", epsilon: 1, mechanism: "rr", bit: true, user: "u-1" }),
    lit({ metric: "minutes-read", epsilon: 0.5, mechanism: "duchi", value: 1e308 }),
  )),
  w(2, around(fc.nat(10).map((i) => b("ref", "report", i)), ["metric", "epsilon", "mechanism", "bit", "ones"])),
);

export const metricDecl = fc.oneof(
  w(6, fc.nat(2).map((i) => b("metric", i))),
  w(1, c(lit({ id: "m", type: "categorical", domain: [], epsilon: 1 }), lit({ id: "m", type: "numeric", min: 1, max: 0, epsilon: 1 }), lit({ id: "m", type: "boolean", epsilon: -1 }))),
  w(2, around(fc.nat(2).map((i) => b("metric", i)), ["id", "type", "epsilon", "domain"])),
);
