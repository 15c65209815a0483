// The package's `Personalizer`: the documented API over the module's PersonalizerCore.
//
// Each call reads its arguments into plain data first (read.js), so no app code runs and
// nothing throws once the module is entered; every error that comes out is an OptinError.
// The instance is closed by `close()` or `using` (Symbol.dispose); later calls throw
// "closed".

import { isOwn, optinError } from "./host.js";
import { load } from "./loader.js";
import { decode } from "./rank_fast.js";
import * as read from "./read.js";

const OPEN_OPTIONS = ["storage", "namespace", "locale", "now", "gpc", "maxEventsPerCategory"];
const RANK_OPTIONS = ["limit", "explain", "diversity", "excludeSeen", "exposure", "ignoreUnknown"];
const PREVIEW_OPTIONS = ["limit", "explain", "diversity", "excludeSeen", "modules", "candidates"];
const AUDIT_OPTIONS = ["limit", "personas", "threshold", "exposure"];
const PACKED_FIELDS = ["ids", "featureNames", "featureOffsets", "featureIds", "featureValues", "embeddings", "dim", "baseline", "groups", "groupNames"];
const PACKED_ARRAYS = { featureOffsets: Uint32Array, featureIds: Uint32Array, featureValues: Float32Array, embeddings: Float32Array, baseline: Float32Array, groups: Uint32Array };
/** Most ids in a catalog, a candidate list or a name table. */
const MAX_ITEMS = 1_000_000;
const opening = Symbol("optin.open");

/** An unexpected error (a module fault) as an OptinError; OptinErrors pass through. */
function internal(e) {
  if (isOwn(e)) return e;
  let what = "unknown error";
  try {
    what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } catch {
    // Said enough.
  }
  return optinError("internal", what);
}

/** `open`'s options: plain values, except `now`, the app's clock, which stays a function. */
function openOptions(value) {
  if (value === undefined || value === null) return {};
  let now;
  let rest;
  try {
    if (typeof value !== "object") throw read.fail("invalid-argument", "options", "expected an object");
    const names = Object.keys(value);
    rest = {};
    for (const name of names) {
      const field = value[name];
      if (name === "now") now = field;
      else rest[name] = field;
    }
  } catch (e) {
    throw isOwn(e) ? e : read.fail("invalid-argument", "options", "reading it threw");
  }
  const copied = read.options(rest, "options", OPEN_OPTIONS);
  if (now !== undefined && now !== null) {
    if (typeof now !== "function") throw read.fail("invalid-argument", "options.now", "expected a function returning milliseconds since the epoch");
    copied.now = now;
  }
  return copied;
}

function rankOptions(value, allowed = RANK_OPTIONS) {
  const o = read.options(value, "options", allowed);
  if (o.ignoreUnknown !== undefined && typeof o.ignoreUnknown !== "boolean") {
    throw read.fail("invalid-argument", "options.ignoreUnknown", "expected true or false");
  }
  return o;
}

function packedCatalog(value) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw read.fail("invalid-catalog", "catalog", "expected an object of typed arrays");
  }
  const out = Object.create(null);
  let names;
  try {
    names = Object.keys(value);
  } catch {
    throw read.fail("invalid-catalog", "catalog", "reading it threw");
  }
  for (const name of names) {
    if (!PACKED_FIELDS.includes(name)) {
      const guess = read.nearest(name, PACKED_FIELDS);
      throw read.fail("invalid-catalog", read.child("catalog", name), `unknown field${guess ? `; did you mean "${guess}"?` : ""}`);
    }
    let field;
    try {
      field = value[name];
    } catch {
      throw read.fail("invalid-catalog", name, "reading it threw");
    }
    if (field === undefined || field === null) continue;
    const Kind = PACKED_ARRAYS[name];
    if (Kind) {
      const view = read.typedView(field, Kind.name, Kind);
      if (!view) throw read.fail("invalid-catalog", name, `expected a ${Kind.name}`);
      out[name] = view;
    } else if (name === "dim") {
      out.dim = read.plain(field, "dim", "invalid-catalog");
    } else {
      out[name] = read.strings(field, name, MAX_ITEMS, "invalid-catalog");
    }
  }
  return out;
}

/** An opened personalization runtime for one app and one user: see index.d.ts. */
export class Personalizer {
  #core;
  #closed = false;
  #about;

  /** Use `Personalizer.open`. */
  constructor(token, core) {
    if (token !== opening) throw optinError("invalid-argument", "use `await Personalizer.open(manifest, options)`");
    this.#core = core;
    this.#about = { storage: core.storage, namespace: core.namespace, policyVersion: core.policyVersion };
  }

  static async open(manifest, options) {
    try {
      const m = read.plain(manifest, "manifest", "invalid-manifest");
      const o = openOptions(options);
      const glue = await load();
      return new Personalizer(opening, await glue.PersonalizerCore.open(m, o));
    } catch (e) {
      throw internal(e);
    }
  }

  // The core of `p`, or "closed"; a method called on another object is an error too (a brand
  // check: the core is never reached through something that only looks like a Personalizer).
  static #live(p) {
    if (p === null || typeof p !== "object" || !(#core in p)) {
      throw optinError("invalid-argument", "not a Personalizer: a method was called on another object");
    }
    if (p.#closed) throw optinError("closed", "this Personalizer was closed");
    return p.#core;
  }

  // A synchronous call: every error an OptinError.
  static #call(p, f) {
    const core = Personalizer.#live(p);
    try {
      return f(core);
    } catch (e) {
      throw internal(e);
    }
  }

  // An asynchronous call: argument errors reject too.
  static async #write(p, f) {
    try {
      return await f(Personalizer.#live(p));
    } catch (e) {
      throw internal(e);
    }
  }

  modules(locale) {
    return Personalizer.#call(this, (core) => core.modules(locale === undefined || locale === null ? undefined : read.string(locale, "locale", 64)));
  }

  grant(moduleId) {
    return Personalizer.#write(this, (core) => core.grant(read.string(moduleId, "moduleId", 1024)));
  }

  revoke(moduleId) {
    return Personalizer.#write(this, (core) => core.revoke(read.string(moduleId, "moduleId", 1024)));
  }

  consentRecords() {
    return Personalizer.#call(this, (core) => core.consentRecords());
  }

  exportConsent() {
    return Personalizer.#call(this, (core) => core.exportConsent());
  }

  importConsent(records) {
    return Personalizer.#write(this, (core) => core.importConsent(read.plain(records, "records", "invalid-consent-import")));
  }

  noticeViewed(moduleIds) {
    return Personalizer.#write(this, (core) => core.noticeViewed(read.strings(moduleIds, "moduleIds", 10_000) ?? undefined));
  }

  consentMetrics() {
    return Personalizer.#call(this, (core) => core.consentMetrics());
  }

  onChange(listener) {
    return Personalizer.#call(this, (core) => {
      if (typeof listener !== "function") throw read.fail("invalid-argument", "listener", "expected a function");
      return core.onChange(listener);
    });
  }

  record(event) {
    return Personalizer.#write(this, (core) => core.record(read.object(event, "event", "invalid-event")));
  }

  recordMany(events) {
    return Personalizer.#write(this, (core) => core.recordMany(read.array(events, "events", "invalid-event", read.BULK)));
  }

  forget(what) {
    return Personalizer.#write(this, (core) => core.forget(read.object(what, "what")));
  }

  unblock(feature) {
    return Personalizer.#write(this, (core) => core.unblock(read.string(feature, "feature", 1024)));
  }

  setCatalog(items) {
    Personalizer.#call(this, (core) => core.setCatalog(read.array(items, "items", "invalid-catalog", read.BULK)));
  }

  setCatalogPacked(packed) {
    Personalizer.#call(this, (core) => core.setCatalogPacked(packedCatalog(packed)));
  }

  rank(candidates, options) {
    return Personalizer.#call(this, (core) => {
      let ids = read.strings(candidates, "candidates", MAX_ITEMS);
      const o = rankOptions(options);
      let unknown;
      if (o.ignoreUnknown) {
        if (ids) {
          const missing = core.__unknownCandidates(ids);
          unknown = Array.from(missing, (i) => ids[i]);
          if (missing.length > 0) {
            const gone = new Set(missing);
            ids = ids.filter((_, i) => !gone.has(i));
          }
        } else unknown = [];
      }
      delete o.ignoreUnknown;
      // Exposure rules re-rank whole groups: rare enough to take the JSON path.
      const ranked = o.exposure !== undefined ? core.rank(ids, o) : decode(core, core.__rankPacked(ids, o));
      if (unknown) ranked.unknown = unknown;
      return ranked;
    });
  }

  preview(sample, options) {
    return Personalizer.#call(this, (core) => {
      const s = typeof sample === "string" ? read.string(sample, "sample", 1024) : read.array(sample, "sample", "invalid-event", read.BULK);
      return core.preview(s, rankOptions(options, PREVIEW_OPTIONS));
    });
  }

  audit(options) {
    return Personalizer.#call(this, (core) => core.audit(read.options(options, "options", AUDIT_OPTIONS)));
  }

  explainInterest(feature) {
    return Personalizer.#call(this, (core) => core.explainInterest(read.string(feature, "feature", 1024)));
  }

  inventory() {
    return Personalizer.#call(this, (core) => core.inventory());
  }

  benefit() {
    return Personalizer.#call(this, (core) => core.benefit());
  }

  profile() {
    return Personalizer.#call(this, (core) => core.profile());
  }

  exportData() {
    return Personalizer.#write(this, (core) => core.exportData());
  }

  eraseAll() {
    return Personalizer.#write(this, (core) => core.eraseAll());
  }

  privateReport(metricId, value) {
    return Personalizer.#write(this, (core) => core.privateReport(read.string(metricId, "metricId", 256), read.plain(value, "value")));
  }

  privacyBudget() {
    return Personalizer.#call(this, (core) => core.privacyBudget());
  }

  health() {
    return Personalizer.#call(this, (core) => core.health());
  }

  // Still readable after close: what the instance was.
  get storage() {
    const about = Personalizer.#aboutOf(this);
    if (!this.#closed) about.storage = this.#core.storage;
    return about.storage;
  }

  get namespace() {
    return Personalizer.#aboutOf(this).namespace;
  }

  get policyVersion() {
    return Personalizer.#aboutOf(this).policyVersion;
  }

  static #aboutOf(p) {
    if (p === null || typeof p !== "object" || !(#core in p)) {
      throw optinError("invalid-argument", "not a Personalizer: a getter was called on another object");
    }
    return p.#about;
  }

  /** Closes the instance; later calls throw "closed". Closing again does nothing. */
  close() {
    Personalizer.#aboutOf(this);
    if (this.#closed) return;
    this.storage;
    this.#closed = true;
    const core = this.#core;
    this.#core = null;
    try {
      core.close();
    } catch {
      // Closing is always possible: the instance is closed from here on either way.
    }
    // Freed once no call of the app's (a listener, the clock) is running inside the core.
    queueMicrotask(() => core.free());
  }
}

// `using p = await Personalizer.open(...)` closes it at the end of the block.
if (typeof Symbol.dispose === "symbol") {
  Object.defineProperty(Personalizer.prototype, Symbol.dispose, {
    value: function dispose() {
      this.close();
    },
    writable: true,
    configurable: true,
  });
}
