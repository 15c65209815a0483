// One fuzzed sequence's world: the package (one copy of the module), the instance under test,
// a second instance nobody touches, aggregators, the clock, and what earlier calls made (ids,
// reports, consent records) for later calls to use. `perform` runs one call and checks it.
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { boom, useEnv } from "./hostile.mjs";
import { materialize, shapes } from "./spec.mjs";
import { describeOutcome, observe, settle, verdict } from "./oracle.mjs";

export const ROOT = new URL("../../../", import.meta.url);
const FIXTURE = JSON.parse(readFileSync(new URL("tests/fixtures/news-manifest.json", ROOT), "utf8"));
export const START = Date.parse("2026-11-24T09:00:00Z");
const DAY = 86_400_000;

const copies = [];
const loaded = new Set();
process.on("exit", () => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/**
 * Imports the built package. `fresh`: from a copy of it, which is a new module graph and so a
 * new WebAssembly instance, untouched by what earlier sequences did to the last one.
 */
export async function loadPackage(pkgDir, fresh) {
  let dir = pkgDir;
  if (fresh) {
    dir = mkdtempSync(join(tmpdir(), "optin-fuzz-"));
    cpSync(pkgDir, dir, { recursive: true });
    copies.push(dir);
  }
  const api = await import(pathToFileURL(join(dir, "index.js")).href);
  const gen = { api, dir: join(dir, "/") };
  loaded.add(gen.dir);
  // Objects no call should accept where an instance is due: closed, look-alikes, or made by
  // another copy. (The package has no free(): close() is the one way out, and an Aggregator
  // is collected like any object.)
  const closed = await api.Personalizer.open(structuredClone(FIXTURE), { storage: "memory", now: () => START });
  closed.close();
  gen.freedP = closed;
  gen.freedAgg = Object.setPrototypeOf({}, api.Aggregator.prototype);
  return gen;
}

/** An instance and an aggregator of another copy of the module, for "foreign object" calls. */
export async function foreignObjects(gen) {
  return {
    p: await gen.api.Personalizer.open(structuredClone(FIXTURE), { storage: "memory", now: () => START }),
    agg: new gen.api.Aggregator(structuredClone(FIXTURE.metrics[1])),
  };
}

function prng(seed) {
  let s = (seed * 2654435761) >>> 0 || 1;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const TOPICS = ["science", "space", "sports", "culture", "health", "world"];
const GROUPS = ["wire", "local", "magazine"];

/** `n` catalog items: features, embeddings of `dim` (0: none), baselines, groups. */
export function generateItems(n, seed, dim) {
  const r = prng(seed + 1);
  return Array.from({ length: n }, (_, i) => {
    const item = {
      id: `c${seed}-${i}`,
      features: { [`topic:${TOPICS[i % TOPICS.length]}`]: 1, [`tag:${Math.floor(r() * 20)}`]: Math.round(r() * 100) / 100 },
      baseline: Math.floor(r() * 1000),
    };
    if (dim > 0) item.embedding = Array.from({ length: dim }, () => Math.round((r() - 0.5) * 1000) / 1000);
    if (i % 5 !== 4) item.group = GROUPS[i % GROUPS.length];
    return item;
  });
}

/** The same items as a packed catalog (typed arrays). */
export function packItems(items, dim) {
  const featureNames = [...new Set(items.flatMap((x) => Object.keys(x.features)))];
  const index = new Map(featureNames.map((f, i) => [f, i]));
  const offsets = [0];
  const ids = [];
  const values = [];
  for (const x of items) {
    for (const [f, v] of Object.entries(x.features)) {
      ids.push(index.get(f));
      values.push(v);
    }
    offsets.push(ids.length);
  }
  const packed = {
    ids: items.map((x) => x.id),
    featureNames,
    featureOffsets: Uint32Array.from(offsets),
    featureIds: Uint32Array.from(ids),
    featureValues: Float32Array.from(values),
    baseline: Float32Array.from(items.map((x) => x.baseline)),
    groups: Uint32Array.from(items.map((x) => (x.group ? GROUPS.indexOf(x.group) : 0))),
    groupNames: [...GROUPS],
  };
  if (dim > 0) {
    packed.dim = dim;
    packed.embeddings = Float32Array.from(items.flatMap((x) => x.embedding));
  }
  return packed;
}

const KINDS = ["view", "click", "dwell", "like", "dislike", "purchase"];
const CATEGORIES = ["reading", "reading", "reactions", "health-reading"];

const SLOW_MS = 5000;

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A failed check: the call, what went wrong, and a signature to group failures by. */
export class FuzzFailure extends Error {
  constructor(call, problems) {
    super(problems.map((p) => p.text).join("\n"));
    this.name = "FuzzFailure";
    this.call = call;
    this.problems = problems;
  }
}

export class Env {
  /**
   * @param gen      the package copy (loadPackage)
   * @param foreign  objects of another copy (foreignObjects)
   * @param config   { codes, timeoutMs, strays }: documented codes, how long a promise may
   *                 take, and the uncaught exceptions and unhandled rejections seen so far
   */
  constructor(gen, foreign, config) {
    this.gen = gen;
    this.api = gen.api;
    this.foreign = foreign;
    this.codes = config.codes;
    this.timeoutMs = config.timeoutMs;
    this.strays = config.strays;
    this.time = START;
    this.clockMode = "normal";
    this.now = () => this.readClock();
    this.closedState = null;
    this.catalogIds = [];
    this.eventIds = [];
    this.reports = [];
    this.exported = [];
    this.otherRecords = [];
    this.aggs = [];
    this.offs = [];
    this.changes = [];
    this.nested = null;
    this.calls = 0;
    this.log = [];
    this.pendingCatalogIds = null;
    this.abandonedStrays = 0;
  }

  /** Whether a stray exception came from another, earlier copy of the module (a finalizer of
   *  an object of a copy that broke and was left behind), not from the call running now. */
  fromAnotherCopy(stray) {
    for (const dir of loaded) if (dir !== this.gen.dir && stray.stack.includes(dir)) return true;
    return false;
  }

  readClock() {
    const mode = this.clockMode;
    switch (mode) {
      case "throw":
        return boom("now");
      case "nan":
        return NaN;
      case "backwards":
        return this.time - 400 * DAY;
      case "reenter":
        // Once per call: the call made from here reads the clock too.
        this.clockMode = "normal";
        this.nestedCall("modules", []);
        return this.time;
      case "close":
        this.clockMode = "normal";
        this.nestedCall("close", []);
        return this.time;
      default:
        return this.time;
    }
  }

  manifestValue() {
    return structuredClone(FIXTURE);
  }

  // --- what the builders of hostile.mjs resolve in this env ---

  manifest(path, value) {
    const m = this.manifestValue();
    if (!path) return m;
    const keys = path.split(".");
    let at = m;
    for (const k of keys.slice(0, -1)) at = at[k];
    at[keys.at(-1)] = value;
    return m;
  }

  catalogItems(n, seed, dim, field, at, value) {
    const items = generateItems(n, seed, dim);
    const ids = items.map((x) => x.id);
    if (field !== undefined) {
      const i = at % n;
      if (field === "item") items[i] = value;
      else if (field === "unknownField") items[i].popularity = value;
      else items[i][field] = value;
      if (field === "item" || field === "id") ids.splice(i, 1);
    }
    this.pendingCatalogIds = ids;
    return items;
  }

  packedCatalog(n, seed, dim, field, how, value) {
    const items = generateItems(n, seed, dim);
    const packed = packItems(items, dim);
    this.pendingCatalogIds = packed.ids.slice();
    if (field === undefined) return packed;
    const original = packed[field];
    switch (how) {
      case "replace":
        packed[field] = value;
        break;
      case "getter":
        Object.defineProperty(packed, field, { get: () => boom(`get ${field}`), enumerable: true });
        break;
      case "proxy":
        packed[field] = original && typeof original === "object" ? new Proxy(original, { get: () => boom(`${field}[...]`) }) : value;
        break;
      case "element":
        if (Array.isArray(original)) original[0] = value;
        else packed[field] = [value];
        break;
      case "float64":
        packed[field] = ArrayBuffer.isView(original) ? Float64Array.from(original) : value;
        break;
      case "plain":
        packed[field] = ArrayBuffer.isView(original) ? Array.from(original) : value;
        break;
      case "detached":
        if (ArrayBuffer.isView(original)) structuredClone(original.buffer, { transfer: [original.buffer] });
        else packed[field] = value;
        break;
      case "short":
        packed[field] = original && typeof original.slice === "function" ? original.slice(0, Math.max(0, original.length - 1)) : 0;
        break;
      case "long":
        if (ArrayBuffer.isView(original)) {
          const longer = new original.constructor(original.length + 3);
          longer.set(original);
          packed[field] = longer;
        } else if (Array.isArray(original)) packed[field] = [...original, "extra", "extra"];
        else packed[field] = 1025;
        break;
      case "nan":
        if (original instanceof Float32Array && original.length > 0) original[0] = NaN;
        else if (ArrayBuffer.isView(original) && original.length > 0) original[0] = 0xffffffff;
        else packed[field] = NaN;
        break;
      default:
        break;
    }
    return packed;
  }

  events(n, seed) {
    const r = prng(seed + 7);
    const ids = this.catalogIds.length ? this.catalogIds : ["a-101", "a-102", "a-103"];
    return Array.from({ length: n }, (_, i) => {
      const item = ids[Math.floor(r() * ids.length)];
      return {
        category: CATEGORIES[i % CATEGORIES.length],
        kind: KINDS[Math.floor(r() * KINDS.length)],
        item,
        at: this.time - Math.floor(r() * 20 * DAY),
        features: { [`topic:${TOPICS[Math.floor(r() * TOPICS.length)]}`]: 1 },
      };
    });
  }

  metric(i) {
    return structuredClone(FIXTURE.metrics[i % FIXTURE.metrics.length]);
  }

  ref(what, i) {
    const pick = (list, fallback) => (list.length ? list[i % list.length] : fallback);
    const { api } = this;
    switch (what) {
      case "catalogId":
        return pick(this.catalogIds, `a-10${i % 4}`);
      case "eventId":
        return pick(this.eventIds, String(i + 1));
      case "report":
        return structuredClone(pick(this.reports, { metric: "feed-helpful", epsilon: 1, mechanism: "rr", bit: true }));
      case "reportJson":
        return JSON.parse(JSON.stringify(pick(this.reports, { metric: "feed-helpful", epsilon: 1, mechanism: "rr", bit: false })));
      case "records":
        return structuredClone(this.exported);
      case "otherRecords":
        return structuredClone(this.otherRecords);
      case "firstRecord":
        return structuredClone(this.otherRecords[0] ?? this.exported[0] ?? {});
      case "agg":
        return pick(this.aggs, { agg: this.gen.freedAgg }).agg;
      case "freedAgg":
        return this.gen.freedAgg;
      case "foreignAgg":
        return this.foreign.agg;
      case "protoAgg":
        return Object.create(api.Aggregator.prototype);
      case "fakeAgg":
        return Object.setPrototypeOf({ __wbg_ptr: 8 }, api.Aggregator.prototype);
      case "freedP":
        return this.gen.freedP;
      case "foreignP":
        return this.foreign.p;
      case "protoP":
        return Object.create(api.Personalizer.prototype);
      case "instance":
        return this.p;
      default:
        throw new Error(`fuzz: unknown ref ${what}`);
    }
  }

  /** An `onChange` listener: "log", "throw", "reenter" (calls `method(arg)` on the instance,
   *  at most three times) or "close". */
  listener(kind, method, arg) {
    let left = 3;
    return (change) => {
      if (kind === "log") {
        this.changes.push(change && change.type);
        return;
      }
      if (kind === "throw") boom("listener");
      if (left-- <= 0) return;
      if (kind === "close") this.nestedCall("close", []);
      else this.nestedCall(method, arg === undefined ? [] : [materialize(arg)]);
    };
  }

  clockOption(kind) {
    switch (kind) {
      case "sane":
        return this.now;
      case "throw":
        return () => boom("now option");
      case "nan":
        return () => NaN;
      case "bigint":
        return () => 10n;
      case "string":
        return () => "2026-11-24T09:00:00Z";
      case "reenter":
        return () => {
          this.nestedCall("rank", []);
          return this.time;
        };
      default:
        throw new Error(`fuzz: unknown clock ${kind}`);
    }
  }

  /** A call made from inside optin (a listener, the clock), checked like any other. */
  nestedCall(method, args) {
    if (!this.nested || !this.p) return;
    const label = `p.${method}(…) from inside a callback`;
    const expect = this.closedState ? "error" : "any";
    const exempt = method === "close";
    let value;
    try {
      value = this.p[method](...args);
    } catch (error) {
      this.nested.push({ label, expect: exempt ? "any" : expect, outcome: { kind: "threw", error } });
      return;
    } finally {
      if (method === "close" && !this.closedState) this.closedState = "closed";
    }
    if (value instanceof Promise) {
      const entry = { label, expect, outcome: null };
      this.nested.push(entry);
      entry.pending = settle(value, this.timeoutMs).then((o) => {
        entry.outcome = o;
      });
    } else {
      this.nested.push({ label, expect: exempt ? "any" : expect, outcome: { kind: "returned", value } });
    }
  }

  // --- setting up a sequence ---

  /** Opens the instances and brings them to the state `s` describes (setupArb). */
  async setup(s) {
    useEnv(this);
    const { Personalizer, Aggregator } = this.api;
    this.setupSpec = s;
    this.p = await Personalizer.open(this.manifestValue(), { storage: "memory", locale: "en", now: this.now, gpc: s.gpc });
    if (s.listen) this.offs.push(this.p.onChange(this.listener("log")));
    for (const m of s.grants) await this.p.grant(m);
    if (s.catalog !== "none") {
      const items = generateItems(s.n, s.seed, s.dim);
      if (s.catalog === "items") this.p.setCatalog(items);
      else this.p.setCatalogPacked(packItems(items, s.dim));
      this.catalogIds = items.map((x) => x.id);
    }
    if (s.events > 0) {
      await this.p.recordMany(this.events(s.events, s.seed));
      this.eventIds = (await this.p.exportData()).events.map((e) => e.id);
    }
    this.exported = this.p.exportConsent();
    if (s.grants.includes("insights")) {
      this.reports.push(await this.p.privateReport("feed-helpful", true));
      this.reports.push(await this.p.privateReport("favourite-section", "science"));
      this.reports.push(await this.p.privateReport("minutes-read", 42));
    }
    for (let i = 0; i < s.aggs; i++) {
      const agg = new Aggregator(this.metric(i));
      for (const r of this.reports) if (r.metric === FIXTURE.metrics[i].id) agg.add(r);
      this.aggs.push({ agg, freed: false });
    }
    // The bystander: same module, its own clock, never used by a fuzzed call.
    this.bystander = await Personalizer.open(this.manifestValue(), { storage: "memory", now: () => START });
    await this.bystander.grant("topics");
    this.bystander.setCatalog(generateItems(12, 99, 4));
    this.otherRecords = this.bystander.exportConsent();
  }

  /** Frees what the sequence made (errors ignored: the checks already ran). */
  teardown() {
    useEnv(null);
    for (const x of [this.p, this.bystander].filter(Boolean)) {
      try {
        x.close();
      } catch {}
    }
    this.aggs.length = 0;
  }

  /** A fresh instance in place of the one under test (after `close`, say). */
  async reopen() {
    const old = this.p;
    this.p = await this.api.Personalizer.open(this.manifestValue(), { storage: "memory", locale: "en", now: this.now });
    this.closedState = null;
    try {
      old.close();
    } catch {}
    return this.p;
  }

  /** Runs `fn` with the clock misbehaving (`mode`: see readClock), as `perform` does for a call's `clock`. */
  async withClock(mode, fn) {
    this.clockMode = mode;
    try {
      const v = fn();
      return v instanceof Promise ? await v : v;
    } finally {
      this.clockMode = "normal";
    }
  }

  /** Aggregator `i`, modulo how many there are. */
  agg(i) {
    return this.aggs[i % this.aggs.length].agg;
  }

  // --- running one call ---

  /**
   * Runs `call` (calls.mjs), then checks: its outcome, the outcomes of calls made from inside
   * it (listeners, clock), no stray exception, and that the instance under test, the bystander
   * and every aggregator still answer. Throws a FuzzFailure listing every problem.
   */
  async perform(call) {
    useEnv(this);
    const expect = call.expectation(this);
    const straysBefore = this.strays.length;
    this.nested = [];
    const line = call.toString();
    this.log.push(line);
    const values = call.args.map(materialize);
    if (call.clock) this.clockMode = call.clock;
    const started = performance.now();
    const outcome = await observe(() => call.def.invoke(this, values, call), this.timeoutMs);
    this.clockMode = "normal";
    const ms = performance.now() - started;
    if (ms > 1000 && process.env.OPTIN_FUZZ_VERBOSE) process.stderr.write(`fuzz: slow (${Math.round(ms)} ms): ${line.slice(0, 300)}\n`);
    // No input may hold up the page: a call that takes seconds is a failure too (a promise that
    // never settles is reported as such, after the timeout).
    const slow = outcome.kind !== "timeout" && ms > SLOW_MS;
    for (let waited = 0; waited < this.nested.length; ) {
      const batch = this.nested.slice(waited);
      waited = this.nested.length;
      await Promise.all(batch.map((n) => n.pending));
    }
    await tick();
    this.calls += 1;
    // Signatures leave out which aggregator it was, so one failure is one group.
    const problems = [];
    const problem = (where, text) => problems.push({ where, text, key: `${where}: ${text.replace(/agg\[\d+\]/g, "agg[i]")}` });
    const own = verdict(outcome, expect, this.api, this.codes);
    if (own) problem("call", own);
    if (slow) problem("call", `took more than ${SLOW_MS / 1000} s`);
    for (const n of this.nested) {
      if (!n.outcome) continue;
      const v = verdict(n.outcome, n.expect, this.api, this.codes);
      if (v) problem("callback", `${n.label} ${v}`);
    }
    this.nested = null;
    for (const s of this.strays.slice(straysBefore)) {
      if (this.fromAnotherCopy(s)) this.abandonedStrays += 1;
      else problem("stray", s.text);
    }
    if (call.def.after) await call.def.after(this, outcome, values, call);
    const before = problems.length;
    for (const [where, text] of await this.liveness()) problem(where, text);
    if (problems.length) {
      // One group per first problem, told apart by whether the instances survived it.
      const after = problems.slice(before);
      let signature = `${call.def.name} → ${problems[0].key}`;
      if (before > 0 && after.length) signature += ` — then ${after[0].key}`;
      problems[0].signature = signature;
    }
    if (problems.length) {
      const failure = new FuzzFailure(line, problems);
      failure.outcome = describeOutcome(outcome);
      failure.shapes = call.args.flatMap((a, i) => shapes(a, `arg${i}`));
      if (call.thisSpec) failure.shapes.push(...shapes(call.thisSpec, "this"));
      if (call.clock) failure.shapes.push(`clock: ${call.clock}`);
      throw failure;
    }
  }

  /** [where, problem] for every instance or aggregator that no longer answers as it should. */
  async liveness() {
    const out = [];
    const probe = (where, target, method, expect) => {
      let o;
      try {
        o = { kind: "returned", value: target[method]() };
      } catch (error) {
        o = { kind: "threw", error };
      }
      const v = verdict(o, expect, this.api, this.codes);
      if (v) out.push([where, `${where === "bystander" ? "the untouched instance" : "p"}.${method}() ${v}`]);
    };
    const pExpect = this.closedState ? (this.closedState === "closed" ? "closed" : "error") : "value";
    for (const m of ["modules", "health", "rank"]) probe("instance", this.p, m, pExpect);
    for (const m of ["modules", "health", "rank"]) probe("bystander", this.bystander, m, "value");
    this.aggs.forEach((a, i) => {
      let o;
      try {
        o = { kind: "returned", value: a.agg.estimate() };
      } catch (error) {
        o = { kind: "threw", error };
      }
      const v = verdict(o, a.freed ? "error" : "value", this.api, this.codes);
      if (v) out.push(["aggregator", `agg[${i}].estimate() ${v}`]);
    });
    return out;
  }
}

/** After a sequence: does the module still open an instance that ranks? */
export async function moduleWorks(gen, timeoutMs) {
  const o = await observe(() => gen.api.Personalizer.open(structuredClone(FIXTURE), { storage: "memory", now: () => START }), timeoutMs);
  if (o.kind !== "resolved") return `a fresh Personalizer.open ${describeOutcome(o)}`;
  const p = o.value;
  try {
    p.setCatalog(generateItems(5, 1, 4));
    const ranked = p.rank();
    if (!Array.isArray(ranked) || ranked.length !== 5) return `a fresh instance ranked ${JSON.stringify(ranked)}`;
    p.close();
  } catch (e) {
    return `a fresh instance's setCatalog/rank threw ${String(e && e.message)}`;
  }
  return null;
}

export { FIXTURE };
