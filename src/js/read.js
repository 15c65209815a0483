// Reading the app's arguments before anything enters the WebAssembly module.
//
// Everything the module is given is first copied here into plain data: strings, finite
// numbers, booleans, null, arrays and null-prototype objects (or typed arrays, fresh views
// made with the built-in getters). The app's code that reading can run (getters, Proxy
// traps, toString) runs here, once, and whatever it throws becomes an OptinError. No JS
// exception may unwind through the module's frames: that would leak its stack and, after a
// few thousand, corrupt every instance in the page.

import { isOwn, optinError } from "./host.js";

/** Limits for documents (manifests, consent imports, options, reports). */
export const DOCUMENT = { depth: 16, nodes: 500_000, string: 65_536 };
/** Limits for item lists (catalogs, events): far more values, shallow. */
export const BULK = { depth: 8, nodes: 20_000_000, string: 65_536 };

const TypedArray = Object.getPrototypeOf(Uint8Array.prototype);
const getter = (proto, name) => Object.getOwnPropertyDescriptor(proto, name).get;
// The built-in getters read a real typed array's internal slots and run no app code.
const typedTag = getter(TypedArray, Symbol.toStringTag);
const typedLength = getter(TypedArray, "length");
const typedBuffer = getter(TypedArray, "buffer");
const typedOffset = getter(TypedArray, "byteOffset");
const dateValue = Date.prototype.getTime;
const wellFormed = String.prototype.isWellFormed;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of a field, as the Rust side writes it: `a.b`, `a["b c"]`, `a[3]`. */
export function child(path, key) {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** The kind of a real typed array ("Float32Array"...), or undefined for anything else. */
export function typedKind(value) {
  return ArrayBuffer.isView(value) ? typedTag.call(value) : undefined;
}

/** A fresh view of a real typed array of `kind`, made without reading its own properties. */
export function typedView(value, kind, Kind) {
  return typedKind(value) === kind ? new Kind(typedBuffer.call(value), typedOffset.call(value), typedLength.call(value)) : undefined;
}

/** Whether a string is well-formed Unicode (no lone surrogate). */
export function isWellFormed(text) {
  return wellFormed ? wellFormed.call(text) : !loneSurrogate.test(text);
}

/** What a thrown value says, without running any more of the app's code than reading it. */
function describe(thrown) {
  try {
    const message = thrown !== null && typeof thrown === "object" ? thrown.message : thrown;
    if (typeof message === "string") return message.slice(0, 200);
    if (typeof thrown !== "object" && typeof thrown !== "function") return String(thrown);
  } catch {
    // A thrown value whose message throws says nothing.
  }
  return typeof thrown;
}

/** Reading failed at `path`: an OptinError of `code`. */
export function fail(code, path, message) {
  return optinError(code, `${path}: ${message}`);
}

/**
 * Copies `value` into plain data within `limits`. Content errors (a function, NaN, a
 * lone surrogate...) are OptinErrors of `code`; sizes over the limits are
 * `input-too-large` / `input-too-deep`; a getter or trap that throws is `code` too, naming
 * where it threw.
 */
export function plain(value, path, code = "invalid-argument", limits = DOCUMENT) {
  const state = { nodes: 0, parent: path, key: undefined };
  try {
    return copy(value, path, undefined, 0, limits, code, state);
  } catch (e) {
    if (isOwn(e)) throw e;
    throw fail(code, at(state.parent, state.key), `reading it threw (${describe(e)})`);
  }
}

// The path of `key` in `parent` (a string key, an index, or undefined for `parent` itself).
function at(parent, key) {
  return key === undefined ? parent : typeof key === "number" ? `${parent}[${key}]` : child(parent, key);
}

// Paths are made only for containers and errors: most values are leaves.
function copy(value, parent, key, depth, limits, code, state) {
  state.parent = parent;
  state.key = key;
  if (++state.nodes > limits.nodes) throw fail("input-too-large", at(parent, key), `more than ${limits.nodes} values`);
  switch (typeof value) {
    case "string":
      if (value.length > limits.string) throw fail("input-too-large", at(parent, key), `a string of ${value.length} characters, the limit is ${limits.string}`);
      if (!isWellFormed(value)) throw fail(code, at(parent, key), "a string with a lone surrogate (not well-formed Unicode)");
      return value;
    case "number":
      if (!Number.isFinite(value)) throw fail(code, at(parent, key), `expected a finite number, got ${value}`);
      return value;
    case "boolean":
      return value;
    case "undefined":
      return undefined;
    case "object":
      if (value === null) return null;
      break;
    default:
      throw fail(code, at(parent, key), `${typeof value === "function" ? "a function" : `a ${typeof value}`} is not accepted here`);
  }
  const path = at(parent, key);
  if (depth >= limits.depth) throw fail("input-too-deep", path, `nested deeper than ${limits.depth} levels (or a cycle)`);
  state.parent = path;
  state.key = undefined;
  if (Array.isArray(value)) {
    const length = value.length;
    if (length > limits.nodes) throw fail("input-too-large", path, `an array of ${length} items`);
    const out = new Array(length);
    for (let i = 0; i < length; i++) {
      state.parent = path;
      state.key = i;
      const item = copy(value[i], path, i, depth + 1, limits, code, state);
      out[i] = item === undefined ? null : item;
    }
    return out;
  }
  const kind = typedKind(value);
  if (kind !== undefined) {
    if (kind === "BigInt64Array" || kind === "BigUint64Array") throw fail(code, path, `a ${kind} is not accepted here`);
    const length = typedLength.call(value);
    if ((state.nodes += length) > limits.nodes) throw fail("input-too-large", path, `more than ${limits.nodes} values`);
    const out = new Array(length);
    for (let i = 0; i < length; i++) {
      const n = value[i];
      if (!Number.isFinite(n)) throw fail(code, `${path}[${i}]`, `expected a finite number, got ${n}`);
      out[i] = n;
    }
    return out;
  }
  if (ArrayBuffer.isView(value)) throw fail(code, path, "a DataView is not accepted here");
  const tag = Object.prototype.toString.call(value);
  if (tag !== "[object Object]") {
    if (tag === "[object Date]") {
      let time = NaN;
      try {
        time = dateValue.call(value);
      } catch {
        // Only claims to be a Date (Symbol.toStringTag): read it as an object.
      }
      if (time === time) return time;
    }
    if (tag === "[object Map]" || tag === "[object Set]" || tag === "[object ArrayBuffer]") {
      throw fail(code, path, `a ${tag.slice(8, -1)} is not accepted here (use ${tag === "[object Map]" ? "a plain object" : "an array"})`);
    }
  }
  const out = Object.create(null);
  const names = Object.keys(value);
  for (const name of names) {
    state.parent = path;
    state.key = name;
    if (name.length > limits.string) throw fail("input-too-large", path, `a key of ${name.length} characters, the limit is ${limits.string}`);
    if (!isWellFormed(name)) throw fail(code, at(path, name), "a key with a lone surrogate (not well-formed Unicode)");
    const field = copy(value[name], path, name, depth + 1, limits, code, state);
    if (field !== undefined) out[name] = field;
  }
  return out;
}

/** Edit distance, for "did you mean". */
function distance(a, b) {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/** The allowed name closest to `key`, if close enough to be a typo. */
export function nearest(key, allowed) {
  let best;
  let bestDistance = Infinity;
  for (const name of allowed) {
    const d = distance(key.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/**
 * Reads an options object (undefined or null: none) into a plain copy with only `allowed`
 * keys; an unknown key is an error that names the nearest valid one.
 */
export function options(value, path, allowed, code = "invalid-argument") {
  if (value === undefined || value === null) return Object.create(null);
  const copied = object(value, path, code);
  for (const key of Object.keys(copied)) {
    if (!allowed.includes(key)) {
      const guess = nearest(key, allowed);
      throw fail(code, child(path, key), `unknown option${guess ? `; did you mean "${guess}"?` : ` (expected one of ${allowed.join(", ")})`}`);
    }
  }
  return copied;
}

/** Reads a plain object argument (not an array). */
export function object(value, path, code = "invalid-argument", limits = DOCUMENT) {
  const copied = plain(value, path, code, limits);
  if (copied === null || typeof copied !== "object" || Array.isArray(copied)) throw fail(code, path, "expected an object");
  return copied;
}

/** Reads an array argument. */
export function array(value, path, code = "invalid-argument", limits = DOCUMENT) {
  const copied = plain(value, path, code, limits);
  if (!Array.isArray(copied)) throw fail(code, path, "expected an array");
  return copied;
}

/** Reads a string argument of at most `max` characters. */
export function string(value, path, max, code = "invalid-argument") {
  if (typeof value !== "string") throw fail(code, path, "expected a string");
  return plain(value, path, code, { ...DOCUMENT, string: max });
}

/** Reads an array of strings (`undefined`/`null`: null), at most `max` of them. */
export function strings(value, path, max, code = "invalid-argument") {
  if (value === undefined || value === null) return null;
  const copied = plain(value, path, code, { depth: 2, nodes: max + 1, string: DOCUMENT.string });
  if (!Array.isArray(copied)) throw fail(code, path, "expected an array of strings");
  for (let i = 0; i < copied.length; i++) {
    if (typeof copied[i] !== "string") throw fail(code, `${path}[${i}]`, "expected a string");
  }
  return copied;
}
