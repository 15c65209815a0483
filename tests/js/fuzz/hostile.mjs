// The values the fuzzer passes to optin, built by name: `h.getter({ limit: 5 }, "exposure",
// "throw")`. A call is described by the builder calls that make its arguments (spec.mjs), so a
// failing sequence prints as code that builds exactly the same values again.
//
// Everything a hostile value throws is a `HostileError` (or a forged `OptinError`) recorded in
// `thrownByHostile`, so the oracle can tell "optin let the app's exception through" from "optin
// threw an error of its own".

/** What a hostile getter, trap or conversion throws. */
export class HostileError extends Error {
  constructor(where) {
    super(`hostile ${where}`);
    this.name = "HostileError";
  }
}

const thrown = new WeakSet();

/** Whether `value` is something a hostile value threw (optin must never let it through). */
export function thrownByHostile(value) {
  return value !== null && (typeof value === "object" || typeof value === "function") && thrown.has(value);
}

export function boom(where = "trap") {
  const e = new HostileError(where);
  thrown.add(e);
  throw e;
}

// An app error dressed as optin's own: it passes `instanceof OptinError` (which is duck-typed),
// so only its identity shows that optin let it through unconverted.
function forged() {
  const e = Object.assign(new Error("forged"), { name: "OptinError", code: "invalid-argument" });
  thrown.add(e);
  throw e;
}

const NUMBERS = {
  NaN: NaN,
  Infinity: Infinity,
  "-Infinity": -Infinity,
  "-0": -0,
  max: Number.MAX_VALUE,
  tiny: Number.MIN_VALUE,
  "2^53+2": 2 ** 53 + 2,
  "2^32": 2 ** 32,
  "-1": -1,
  "0.5": 0.5,
  "1e300": 1e300,
  "-1e300": -1e300,
};

// Wrappers of a primitive wrap its object form (a String for "en"), of undefined an empty object.
const box = (v) => (v !== null && (typeof v === "object" || typeof v === "function") ? v : Object(v ?? {}));

// The environment of the sequence being run: refs (ids, reports, aggregators) resolve in it.
let current = null;
export function useEnv(env) {
  current = env;
}

/** The builders. Every one returns a fresh value on each call. */
export const h = {
  num: (name) => NUMBERS[name],
  big: (digits) => BigInt(digits),
  sym: () => Symbol("optin-fuzz"),
  fn: () => function notData() {},
  /** Strings: "long" (n MiB of "x"), "wide" (n KiB of a CJK character), "lone" (a lone
   *  surrogate), "swapped" (a low surrogate before a high one), "nul", "blank", "proto". */
  str(kind, n = 1) {
    switch (kind) {
      case "long":
        return "x".repeat(n * 1024 * 1024);
      case "wide":
        return "記".repeat(n * 1024);
      case "lone":
        return "topic:\uD800";
      case "swapped":
        return "a\uDC00\uD800b";
      case "nul":
        return "a\u0000b";
      case "blank":
        return "   ";
      case "proto":
        return "__proto__";
      default:
        return "";
    }
  },
  date: (ms) => new Date(ms),
  map: () => new Map([["limit", 5]]),
  set: () => new Set(["topics"]),
  regexp: () => /topics/g,
  error: () => new TypeError("an app error"),
  promise: () => Promise.resolve("topics"),
  boxed: (v) => Object(v),
  /** An object whose `which` conversion throws: toString, valueOf, toJSON, toPrimitive or all. */
  conv(which) {
    const o = {};
    if (which === "toString" || which === "all") o.toString = () => boom("toString");
    if (which === "valueOf" || which === "all") o.valueOf = () => boom("valueOf");
    if (which === "toJSON" || which === "all") o.toJSON = () => boom("toJSON");
    if (which === "toPrimitive" || which === "all") o[Symbol.toPrimitive] = () => boom("toPrimitive");
    if (which === "toJSON-undefined") o.toJSON = () => undefined;
    if (which === "toJSON-function") o.toJSON = () => () => {};
    return o;
  },
  /** A typed array: "plain", "detached" (its buffer transferred away), "shared", "offset". */
  typed(type, n, how = "plain") {
    const T = globalThis[type];
    if (how === "shared") return new T(new SharedArrayBuffer(n * T.BYTES_PER_ELEMENT));
    if (how === "offset") return new T(new ArrayBuffer((n + 1) * T.BYTES_PER_ELEMENT), T.BYTES_PER_ELEMENT, n);
    const a = new T(n);
    for (let i = 0; i < n; i++) a[i] = type.startsWith("Big") ? BigInt(i) : i % 7;
    if (how === "detached") structuredClone(a.buffer, { transfer: [a.buffer] });
    return a;
  },
  /** `base` behind a Proxy whose `trap` throws. */
  proxy: (base, trap) => new Proxy(box(base), { [trap]: () => boom(trap) }),
  revoked(base) {
    const { proxy, revoke } = Proxy.revocable(box(base), {});
    revoke();
    return proxy;
  },
  /** `base` with `key` as a getter: "throw", "forged" (throws an OptinError look-alike),
   *  "flip" (the first read gives `base[key]`, later ones `alt`), "fresh" (a new copy each read). */
  getter(target, key, mode, alt) {
    const base = box(target);
    const original = base[key];
    let reads = 0;
    const get = () => {
      reads += 1;
      if (mode === "throw") return boom(`get ${key}`);
      if (mode === "forged") return forged();
      if (mode === "flip") return reads === 1 ? original : alt;
      return structuredClone(original);
    };
    // (A frozen base, or an array's length, stays as it is.)
    Reflect.defineProperty(base, key, { get, enumerable: true, configurable: true });
    return base;
  },
  frozen: (base) => Object.freeze(box(base)),
  nullProto(base) {
    const o = box(base);
    Reflect.setPrototypeOf(o, null);
    return o;
  },
  /** `base` with an extra property (a misspelt option, `__proto__`, a symbol key). */
  extra(target, key, value) {
    const base = box(target);
    const name = key === "symbol" ? Symbol("extra") : key;
    Reflect.defineProperty(base, name, { value, enumerable: true, configurable: true, writable: true });
    return base;
  },
  /** `n` levels of nesting: [[[...]]] or { a: { a: ... } }. */
  deep(n, shape) {
    let v = shape === "object" ? {} : [];
    for (let i = 0; i < n; i++) v = shape === "object" ? { a: v } : [v];
    return v;
  },
  /** `base` holding itself under `key`. */
  cycle(target, key) {
    const base = box(target);
    Reflect.set(base, key, base);
    return base;
  },
  /** An array of length `len` with `base`'s items at the front and holes after them. */
  sparse(base, len) {
    const a = Array.isArray(base) ? [...base] : [base];
    a.length = len;
    return a;
  },
  /** `base` (an array) with a hole at `at`. */
  hole(target, at) {
    const base = box(target);
    Reflect.deleteProperty(base, at);
    return base;
  },
  arrayLike: (n) => ({ length: n, 0: "topics" }),
  subclassed(base) {
    class Sub extends Array {}
    return Sub.from(Array.isArray(base) ? base : [base]);
  },
  /** Something the sequence made before: catalog ids, event ids, reports, records, aggregators,
   *  instances (see env.mjs). */
  ref: (what, i = 0) => current.ref(what, i),
  /** An `onChange` listener (see env.mjs). */
  listener: (kind, method, arg) => current.listener(kind, method, arg),
  /** A `now` option: "sane" (the sequence's clock), "throw", "nan", "bigint", "string", "reenter". */
  clock: (kind) => current.clockOption(kind),
  /** The fixture manifest, with `value` put at `path` ("modules.1.title"); the whole manifest
   *  when `path` is "". */
  manifest: (path, value) => current.manifest(path, value),
  /** A catalog as items, with `value` put at `items[at][field]` when `field` is given. */
  catalog: (n, seed, dim, field, at, value) => current.catalogItems(n, seed, dim, field, at, value),
  /** A packed catalog, its `field` spoilt `how` when given: "replace" (by `value`), "getter"
   *  (reading it throws), "proxy" (its reads throw), "element" (`value` as its first entry),
   *  "float64" / "plain" (the wrong array type), "detached", "short", "long", "nan". */
  packed: (n, seed, dim, field, how, value) => current.packedCatalog(n, seed, dim, field, how, value),
  /** `n` events about catalog items. */
  events: (n, seed) => current.events(n, seed),
  /** The manifest's metric `i`, or one made up from the fields given. */
  metric: (i) => current.metric(i),
};

/** Builders whose value is hostile in itself (the others are hostile only through their arguments). */
export const HOSTILE_BUILDERS = new Set([
  "num", "big", "sym", "fn", "str", "date", "map", "set", "regexp", "error", "promise", "boxed", "conv", "typed",
  "proxy", "revoked", "getter", "frozen", "nullProto", "extra", "deep", "cycle", "sparse", "hole", "arrayLike",
  "subclassed",
]);
