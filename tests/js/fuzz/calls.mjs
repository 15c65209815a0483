// Every documented call of the package as a fast-check command: `Personalizer` (static `open`,
// each method, the getters, `[Symbol.dispose]`), `Aggregator` (`new`, each method),
// `OptinError` (`new`, `instanceof`), methods called on the wrong
// `this`, `onChange` unsubscribers, and two moves that are not calls: the clock going forward
// and a fresh instance replacing a closed one. The model counts the aggregators, so that
// aggregator calls are generated only when there is one.
import fc from "fast-check";
import { lit, undef, obj, arr, b, source, materialize } from "./spec.mjs";
import * as A from "./arbitraries.mjs";

const w = (weight, arbitrary) => ({ weight, arbitrary });
const c = (...values) => fc.constantFrom(...values);
const DAY = 86_400_000;

export class Call {
  constructor(def, args, extra = {}) {
    this.def = def;
    this.args = args;
    this.clock = extra.clock;
    this.thisSpec = extra.thisSpec;
    this.index = extra.index ?? 0;
  }
  check(model) {
    return this.def.needsAgg ? model.aggs > 0 : true;
  }
  async run(model, env) {
    await env.perform(this);
    model.aggs = env.aggs.length;
  }
  expectation(env) {
    return this.def.expect ? this.def.expect(env, this) : "any";
  }
  toString() {
    const text = this.def.render(this);
    if (this.clock) return `await env.withClock(${JSON.stringify(this.clock)}, () => ${text})`;
    return this.def.async ? `await ${text}` : text;
  }
}

const list = (call) => call.args.map(source).join(", ");
// After close (or dispose) every call throws an OptinError: "closed" when nothing else
// is wrong with it (Env.liveness checks that), or another code for an invalid argument.
const closedExpectation = (env) => (env.closedState ? "error" : "any");

function methodDef(name, opts) {
  return {
    name: `p.${name}`,
    async: opts.async,
    invoke: (env, values) => env.p[name](...values),
    expect: opts.exempt ? undefined : closedExpectation,
    after: opts.after,
    render: (call) => `p.${name}(${list(call)})`,
  };
}

/** One call of `p[name]` with these argument specs, as the generator makes it. */
export function personalizerCall(name, args, opts = {}) {
  return new Call(methodDef(name, opts), args);
}

/** A `Personalizer` method on the instance under test. */
function method(name, argArbs, opts = {}) {
  const def = methodDef(name, opts);
  // Now and then the app's clock misbehaves during the call.
  const clock = fc.oneof(w(40, fc.constant(undefined)), w(1, c("throw", "nan", "backwards", "reenter", "close")));
  return fc.record({ args: fc.tuple(...argArbs), clock }).map(({ args, clock }) => new Call(def, trimUndefined(args), { clock }));
}

// `f(a, undefined)` is generated as `f(a)` half the time: both are what apps write.
function trimUndefined(args) {
  const out = [...args];
  while (out.length && out.at(-1) === OMIT) out.pop();
  return out.map((a) => (a === OMIT ? undef : a));
}
const OMIT = Symbol("omitted");
const optional = (arb) => fc.oneof(w(1, fc.constant(OMIT)), w(3, arb));

const catalogChanged = (env, outcome) => {
  if (outcome.kind === "returned" && env.pendingCatalogIds) env.catalogIds = env.pendingCatalogIds;
  env.pendingCatalogIds = null;
};

const closes = (state) => (env, outcome) => {
  const ok = outcome.kind === "returned" || outcome.kind === "resolved" || (outcome.error && outcome.error.code === "closed");
  if (ok || state !== "closed") env.closedState = env.closedState ?? state;
};

export const CLOSE = { exempt: true, after: closes("closed") };

const listenerSpec = fc.oneof(
  w(4, fc.constant(b("listener", "log"))),
  w(2, fc.constant(b("listener", "throw"))),
  w(1, fc.constant(b("listener", "close"))),
  w(4, fc.oneof(
    c("modules", "rank", "health", "inventory", "profile", "consentRecords", "eraseAll", "exportData").map((m) => b("listener", "reenter", m)),
    A.moduleId.map((id) => b("listener", "reenter", "revoke", id)),
    A.moduleId.map((id) => b("listener", "reenter", "grant", id)),
    A.event.map((e) => b("listener", "reenter", "record", e)),
    fc.constant(b("listener", "reenter", "preview", lit("science-fan"))),
    A.catalogItems.map((items) => b("listener", "reenter", "setCatalog", items)),
  )),
);

const personalizerMethods = [
  w(3, method("modules", [optional(A.arg(A.locale))])),
  w(5, method("grant", [A.moduleId], { async: true })),
  w(3, method("revoke", [A.moduleId], { async: true })),
  w(1, method("consentRecords", [])),
  w(1, method("exportConsent", [])),
  w(4, method("importConsent", [A.importRecords], { async: true })),
  w(3, method("noticeViewed", [optional(A.arrayArg(fc.array(A.moduleId, { maxLength: 4 }).map(arr), ["0", "1"]))], { async: true })),
  w(1, method("consentMetrics", [])),
  w(3, method("onChange", [A.arg(listenerSpec)], {
    after: (env, outcome) => {
      if (outcome.kind === "returned" && typeof outcome.value === "function") env.offs.push(outcome.value);
    },
  })),
  w(6, method("record", [A.arg(A.event, ["category", "kind", "item", "at", "features"])], { async: true })),
  w(5, method("recordMany", [A.arrayArg(A.eventList, ["0", "1"])], { async: true })),
  w(3, method("forget", [A.arg(fc.oneof(
    fc.nat(30).map((i) => obj([["event", b("ref", "eventId", i)]])),
    fc.array(fc.nat(30), { maxLength: 4 }).map((is) => obj([["events", arr(is.map((i) => b("ref", "eventId", i)))]])),
    A.itemId.map((id) => obj([["item", id]])),
    A.feature.map((f) => obj([["feature", f]])),
    c(obj([]), obj([["event", lit("1")], ["item", lit("a-101")]]), obj([["events", lit(["x"])]])),
  ), ["event", "events", "item", "feature"])], { async: true })),
  w(2, method("unblock", [A.feature], { async: true })),
  w(4, method("setCatalog", [A.arrayArg(A.catalogItems, ["0", "1"])], { after: catalogChanged })),
  w(5, method("setCatalogPacked", [A.arg(A.packedCatalog, ["ids", "featureOffsets", "embeddings", "dim", "baseline", "groups"])], { after: catalogChanged })),
  w(8, method("rank", [optional(A.arrayArg(A.candidates, ["0"])), optional(A.arg(A.rankOptions, A.rankOptionKeys))])),
  w(5, method("preview", [
    A.arg(fc.oneof(w(3, c("science-fan", "no-such-persona").map(lit)), w(2, A.eventList)), ["0"]),
    optional(A.arg(fc.record({ base: A.rankOptions, modules: fc.option(fc.array(A.moduleId, { maxLength: 3 }).map(arr), { nil: null }), candidates: fc.option(A.candidates, { nil: null }) }).map(
      ({ base, modules, candidates }) => obj([...base.e, ...(modules ? [["modules", modules]] : []), ...(candidates ? [["candidates", candidates]] : [])]),
    ), [...A.rankOptionKeys, "modules", "candidates"])),
  ])),
  w(4, method("audit", [optional(A.arg(A.object({
    personas: A.maybe(c(arr([lit("science-fan")]), arr([lit("nobody")]), arr([]))),
    limit: A.maybe(c(1, 10, 10000).map(lit)),
    threshold: A.maybe(c(0, 0.8, 11).map(lit)),
    exposure: A.maybe(A.exposure, 1, 6),
  }), ["personas", "limit", "threshold", "exposure"]))])),
  w(2, method("explainInterest", [A.feature])),
  w(2, method("inventory", [])),
  w(2, method("benefit", [])),
  w(2, method("profile", [])),
  w(2, method("exportData", [], { async: true })),
  w(1, method("eraseAll", [], { async: true })),
  w(4, method("privateReport", [
    A.maybe(c("feed-helpful", "favourite-section", "minutes-read", "unknown").map(lit)),
    A.maybe(c(true, false, "science", "nowhere", 0, 42, 120, 121, -1).map(lit), 2, 12),
  ], { async: true, after: (env, outcome) => outcome.kind === "resolved" && env.reports.push(outcome.value) })),
  w(1, method("privacyBudget", [])),
  w(1, method("health", [])),
  w(1, method("close", [], CLOSE)),
  w(1, fc.constant(new Call({
    name: "p[Symbol.dispose]",
    invoke: (env) => env.p[Symbol.dispose](),
    after: closes("disposed"),
    render: () => "p[Symbol.dispose]()",
  }, []))),
  w(1, c("storage", "namespace", "policyVersion").map((name) => new Call({
    name: `p.${name}`,
    invoke: (env) => env.p[name],
    render: () => `p.${name}`,
  }, []))),
  w(1, fc.nat(5).map((i) => new Call({
    name: "unsubscribe",
    invoke: (env, _, call) => (env.offs.length ? env.offs[call.index % env.offs.length]() : undefined),
    render: (call) => `env.offs[${call.index}]?.()`,
  }, [], { index: i }))),
];

const openDef = {
  name: "Personalizer.open",
  invoke: (env, values) => env.api.Personalizer.open(...values),
  after: (env, outcome) => {
    if (outcome.kind !== "resolved" || !outcome.value) return;
    try {
      outcome.value.close();
    } catch {}
  },
  async: true,
  render: (call) => `Personalizer.open(${list(call)})`,
};

const reopenDef = {
  name: "reopen",
  invoke: (env) => env.reopen(),
  render: () => "p = await env.reopen()",
};

const staticCalls = [
  w(4, fc.tuple(A.manifest, optional(A.openOptions)).map((args) => new Call(openDef, trimUndefined(args)))),
  w(1, fc.constant(new Call(reopenDef, []))),
  w(2, c(1, 30, 400).map((days) => new Call({
    name: "clock",
    invoke: (env) => {
      env.time += days * DAY;
    },
    render: () => `env.time += ${days} * DAY`,
  }, []))),
];

function aggDef(name, opts) {
  return {
    name: `agg.${name}`,
    needsAgg: true,
    invoke: (env, values, call) => {
      const target = env.aggs[call.index % env.aggs.length];
      return name === "dispose" ? target.agg[Symbol.dispose]() : target.agg[name](...values);
    },
    expect: (env, call) => (env.aggs[call.index % env.aggs.length].freed ? "error" : "any"),
    after: opts.frees
      ? (env, _, __, call) => {
          env.aggs[call.index % env.aggs.length].freed = true;
        }
      : undefined,
    render: (call) => (name === "dispose" ? `env.agg(${call.index})[Symbol.dispose]()` : `env.agg(${call.index}).${name}(${list(call)})`),
  };
}

/** One call of aggregator `index`'s `name` with these argument specs. */
export function aggregatorCall(name, index, args, opts = {}) {
  return new Call(aggDef(name, opts), args, { index });
}

/** An `Aggregator` call on aggregator `index` (modulo how many there are). */
function aggMethod(name, argArbs, opts = {}) {
  const def = aggDef(name, opts);
  return fc.record({ index: fc.nat(3), args: fc.tuple(...argArbs) }).map(({ index, args }) => new Call(def, trimUndefined(args), { index }));
}

const newAggregator = {
  name: "new Aggregator",
  invoke: (env, values) => new env.api.Aggregator(...values),
  after: (env, outcome) => {
    if (outcome.kind === "returned") env.aggs.push({ agg: outcome.value, freed: false });
  },
  render: (call) => `new Aggregator(${list(call)})`,
};

const number = A.maybe(c(1, 100, 2000, 0, 1e9, 0.5).map(lit), 2, 8);
const aggregatorCalls = [
  w(3, A.arg(A.metricDecl, ["id", "type", "epsilon"]).map((m) => new Call(newAggregator, [m]))),
  w(4, aggMethod("add", [A.arg(A.reportArg, ["metric", "mechanism"])])),
  w(3, aggMethod("merge", [fc.oneof(w(4, fc.nat(3).map((i) => b("ref", "agg", i))), w(2, A.hostileLeaf))])),
  w(2, aggMethod("estimate", [])),
  w(2, aggMethod("expectedError", [number, optional(A.maybe(c(1, 0.5, 4).map(lit), 2, 6))])),
];

const errorArg = (values) => fc.oneof(w(6, c(...values).map(lit)), w(2, A.hostileLeaf));
const optinErrorCalls = [
  w(1, fc.tuple(errorArg(["invalid-argument", "closed", "not-a-code"]), optional(errorArg(["a message"]))).map(
    (args) => new Call({
      name: "new OptinError",
      invoke: (env, values) => new env.api.OptinError(...values),
      render: (call) => `new OptinError(${list(call)})`,
    }, trimUndefined(args)),
  )),
  w(1, A.hostileLeaf.map((v) => new Call({
    name: "instanceof OptinError",
    invoke: (env, values) => values[0] instanceof env.api.OptinError,
    render: (call) => `${source(call.args[0])} instanceof OptinError`,
  }, [v]))),
];

// A method called on something that is not a live instance of its class, as `Reflect.apply` or
// a mixed-up `this` in an app would. (Not a live object of the other class or of another copy
// of the module: the method then reads that object's memory as its own, which takes seconds
// and breaks the module in ways that no later sequence could be blamed for. The report names
// it; the generator leaves it out.)
const wrongThis = fc.record({
  cls: c("Personalizer", "Aggregator"),
  thisSpec: fc.oneof(
    c("freedP", "protoP", "freedAgg", "protoAgg").map((what) => b("ref", what)),
    c(lit({}), lit(null), undef),
  ),
}).map(({ cls, thisSpec }) => {
  const name = cls === "Personalizer" ? "health" : "estimate";
  return new Call({
    name: `${cls}.prototype.${name} on the wrong this`,
    invoke: (env, _, call) => env.api[cls].prototype[name].call(materialize(call.thisSpec)),
    render: (call) => `${cls}.prototype.${name}.call(${source(call.thisSpec)})`,
  }, [], { thisSpec });
});

/** One call of any kind. */
export const anyCall = fc.oneof(
  ...personalizerMethods,
  ...staticCalls,
  ...aggregatorCalls,
  ...optinErrorCalls,
  w(1, wrongThis),
);

/** The state a sequence starts from (Env.setup). */
export const setupArb = fc.record({
  grants: fc.subarray(["topics", "similar", "health", "insights"]),
  catalog: c("items", "packed", "none"),
  n: c(5, 40, 300),
  dim: c(0, 8, 32),
  seed: fc.nat(1000),
  events: c(0, 5, 40, 400),
  aggs: c(0, 1, 2, 3),
  gpc: fc.boolean(),
  listen: fc.boolean(),
});
