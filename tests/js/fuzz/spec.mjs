// Argument specs: plain data that fast-check generates, shrinks and prints, turned into values
// at run time. A spec is one of
//   { k: "lit", v }          a JSON value
//   { k: "undef" }           undefined
//   { k: "obj", e: [[key, spec], ...] }
//   { k: "arr", a: [spec, ...] }
//   { k: builder, a: [spec | string | number | boolean, ...] }   h[builder](...args), hostile.mjs
// `materialize` builds the value, `source` prints the JS that builds it, `shapes` names the
// hostile parts ("options.exposure: getter(throw)") for failure signatures.
import { h, HOSTILE_BUILDERS } from "./hostile.mjs";

const isSpec = (x) => x !== null && typeof x === "object" && typeof x.k === "string";

export const lit = (v) => ({ k: "lit", v });
export const undef = { k: "undef" };
export const obj = (entries) => ({ k: "obj", e: entries });
export const arr = (items) => ({ k: "arr", a: items });
export const b = (builder, ...args) => ({ k: builder, a: args });

export function materialize(spec) {
  if (!isSpec(spec)) return spec;
  switch (spec.k) {
    case "lit":
      return structuredClone(spec.v);
    case "undef":
      return undefined;
    case "obj": {
      const o = {};
      for (const [key, value] of spec.e) o[key] = materialize(value);
      return o;
    }
    case "arr":
      return spec.a.map(materialize);
    default: {
      const args = spec.a.map(materialize);
      try {
        return h[spec.k](...args);
      } catch (e) {
        // A wrapper over a value that fights it (freezing a Proxy whose trap throws): the
        // value itself is hostile enough.
        if (!WRAPPERS.has(spec.k)) throw e;
        return args[0];
      }
    }
  }
}

const WRAPPERS = new Set(["proxy", "revoked", "getter", "frozen", "nullProto", "extra", "cycle", "sparse", "hole", "subclassed"]);

const IDENT = /^[A-Za-z_$][\w$]*$/;

export function source(spec) {
  if (!isSpec(spec)) return typeof spec === "string" ? JSON.stringify(spec) : String(spec);
  switch (spec.k) {
    case "lit":
      return JSON.stringify(spec.v);
    case "undef":
      return "undefined";
    case "obj":
      return spec.e.length === 0
        ? "{}"
        : `{ ${spec.e.map(([key, value]) => `${IDENT.test(key) ? key : JSON.stringify(key)}: ${source(value)}`).join(", ")} }`;
    case "arr":
      return `[${spec.a.map(source).join(", ")}]`;
    default:
      return `h.${spec.k}(${spec.a.map(source).join(", ")})`;
  }
}

/** The hostile parts of `spec`, each as "path: builder(first argument)". */
export function shapes(spec, path = "") {
  if (!isSpec(spec)) return [];
  switch (spec.k) {
    case "lit":
      return [];
    case "undef":
      return [`${path || "arg"}: undefined`];
    case "obj":
      return spec.e.flatMap(([key, value]) => shapes(value, path ? `${path}.${key}` : key));
    case "arr":
      return spec.a.flatMap((value, i) => shapes(value, `${path}[${i}]`));
    default: {
      const inner = spec.a.flatMap((a) => shapes(a, path));
      if (!isHostileNode(spec)) return inner;
      const detail = spec.a.filter((a) => !isSpec(a) && typeof a !== "number" && a !== undefined);
      const own = `${path || "arg"}: ${spec.k}${detail.length ? `(${detail.join(", ")})` : ""}`;
      return [own, ...inner.filter((s) => !s.startsWith(`${path || "arg"}: `))];
    }
  }
}

function isHostileNode(spec) {
  const first = spec.a[0];
  if (spec.k === "ref") return HOSTILE_REFS.has(first);
  if (spec.k === "clock") return first !== "sane";
  if (spec.k === "listener") return first !== "log";
  if (spec.k === "packed") return spec.a[3] !== undefined;
  return HOSTILE_BUILDERS.has(spec.k);
}

/** Refs to objects no call should accept in that place (see env.mjs `ref`). */
export const HOSTILE_REFS = new Set(["freedAgg", "foreignAgg", "protoAgg", "fakeAgg", "freedP", "foreignP", "protoP", "instance"]);
