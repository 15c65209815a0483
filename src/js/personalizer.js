// The package's `Personalizer`: the documented API over the module's PersonalizerCore.
//
// Each call reads its arguments into plain data first (read.js), so no app code runs and
// nothing throws once the module is entered; every error that comes out is an OptinError.
// The instance is closed by `close()` or `using` (Symbol.dispose); later calls throw
// "closed".

import { OptinError } from "./host.js";
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
  if (e instanceof OptinError) return e;
  let what = "unknown error";
  try {
    what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } catch {
    // Said enough.
  }
  return new OptinError("internal", what);
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
    throw e instanceof OptinError ? e : read.fail("invalid-argument", "options", "reading it threw");
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
    if (token !== opening) throw new OptinError("invalid-argument", "use `await Personalizer.open(manifest, options)`");
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

  // The core, or "closed".
  #live() {
    if (this.#closed) throw new OptinError("closed", "this Personalizer was closed");
    return this.#core;
  }

  // A synchronous call: every error an OptinError.
  #call(f) {
    const core = this.#live();
    try {
      return f(core);
    } catch (e) {
      throw internal(e);
    }
  }

  // An asynchronous call: argument errors reject too.
  async #write(f) {
    try {
      return await f(this.#live());
    } catch (e) {
      throw internal(e);
    }
  }

  modules(locale) {
    return this.#call((core) => core.modules(locale === undefined || locale === null ? undefined : read.string(locale, "locale", 64)));
  }

  grant(moduleId) {
    return this.#write((core) => core.grant(read.string(moduleId, "moduleId", 1024)));
  }

  revoke(moduleId) {
    return this.#write((core) => core.revoke(read.string(moduleId, "moduleId", 1024)));
  }

  consentRecords() {
    return this.#call((core) => core.consentRecords());
  }

  exportConsent() {
    return this.#call((core) => core.exportConsent());
  }

  importConsent(records) {
    return this.#write((core) => core.importConsent(read.plain(records, "records", "invalid-consent-import")));
  }

  noticeViewed(moduleIds) {
    return this.#write((core) => core.noticeViewed(read.strings(moduleIds, "moduleIds", 10_000) ?? undefined));
  }

  consentMetrics() {
    return this.#call((core) => core.consentMetrics());
  }

  onChange(listener) {
    return this.#call((core) => {
      if (typeof listener !== "function") throw read.fail("invalid-argument", "listener", "expected a function");
      return core.onChange(listener);
    });
  }

  record(event) {
    return this.#write((core) => core.record(read.object(event, "event", "invalid-event")));
  }

  recordMany(events) {
    return this.#write((core) => core.recordMany(read.array(events, "events", "invalid-event", read.BULK)));
  }

  forget(what) {
    return this.#write((core) => core.forget(read.object(what, "what")));
  }

  unblock(feature) {
    return this.#write((core) => core.unblock(read.string(feature, "feature", 1024)));
  }

  setCatalog(items) {
    this.#call((core) => core.setCatalog(read.array(items, "items", "invalid-catalog", read.BULK)));
  }

  setCatalogPacked(packed) {
    this.#call((core) => core.setCatalogPacked(packedCatalog(packed)));
  }

  rank(candidates, options) {
    return this.#call((core) => {
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
    return this.#call((core) => {
      const s = typeof sample === "string" ? read.string(sample, "sample", 1024) : read.array(sample, "sample", "invalid-event", read.BULK);
      return core.preview(s, rankOptions(options, PREVIEW_OPTIONS));
    });
  }

  audit(options) {
    return this.#call((core) => core.audit(read.options(options, "options", AUDIT_OPTIONS)));
  }

  explainInterest(feature) {
    return this.#call((core) => core.explainInterest(read.string(feature, "feature", 1024)));
  }

  inventory() {
    return this.#call((core) => core.inventory());
  }

  profile() {
    return this.#call((core) => core.profile());
  }

  exportData() {
    return this.#write((core) => core.exportData());
  }

  eraseAll() {
    return this.#write((core) => core.eraseAll());
  }

  privateReport(metricId, value) {
    return this.#write((core) => core.privateReport(read.string(metricId, "metricId", 256), read.plain(value, "value")));
  }

  privacyBudget() {
    return this.#call((core) => core.privacyBudget());
  }

  health() {
    return this.#call((core) => core.health());
  }

  // Still readable after close: what the instance was.
  get storage() {
    if (!this.#closed) this.#about.storage = this.#core.storage;
    return this.#about.storage;
  }

  get namespace() {
    return this.#about.namespace;
  }

  get policyVersion() {
    return this.#about.policyVersion;
  }

  /** Closes the instance; later calls throw "closed". Closing again does nothing. */
  close() {
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
