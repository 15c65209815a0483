// What a call may do (promise 7): return a value (or a promise that resolves), or throw (or
// reject with) an OptinError: a real Error named OptinError whose `code` is one of
// src/js/error_codes.txt, and not something the app's own value threw. Anything else, a
// promise that never settles, an uncaught exception or an unhandled rejection is a failure.
import { readFileSync } from "node:fs";
import { thrownByHostile } from "./hostile.mjs";

export function errorCodes(root) {
  return new Set(
    readFileSync(new URL("src/js/error_codes.txt", root), "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#")),
  );
}

const isPromise = (v) => v instanceof Promise;

/** Calls `fn`; waits for a returned promise for at most `timeoutMs`. */
export async function observe(fn, timeoutMs) {
  let value;
  try {
    value = fn();
  } catch (error) {
    return { kind: "threw", error };
  }
  if (!isPromise(value)) return { kind: "returned", value };
  return settle(value, timeoutMs);
}

export async function settle(promise, timeoutMs) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ kind: "timeout" }), timeoutMs);
  });
  const settled = promise.then(
    (value) => ({ kind: "resolved", value }),
    (error) => ({ kind: "rejected", error }),
  );
  const outcome = await Promise.race([settled, timeout]);
  clearTimeout(timer);
  return outcome;
}

/** Whether `e` is an OptinError optin made, with a documented code. */
export function isOptinError(e, api, codes) {
  if (thrownByHostile(e)) return false;
  try {
    return (
      e instanceof Error &&
      e instanceof api.OptinError &&
      e.name === "OptinError" &&
      typeof e.code === "string" &&
      codes.has(e.code)
    );
  } catch {
    return false;
  }
}

/** A short, stable description of a thrown value (numbers and quoted names left out). */
export function describeThrown(e) {
  if (thrownByHostile(e)) return `the app's own exception (${e.name}) escaped`;
  try {
    if (e instanceof Error) {
      const ctor = e.constructor && e.constructor.name;
      const type = ctor && ctor !== e.name && e.name !== "OptinError" ? `${ctor} ${e.name}` : e.name;
      const code = typeof e.code === "string" ? ` [${e.code}]` : e.code !== undefined ? ` [code: ${typeof e.code}]` : "";
      return `${type}${code}: ${normalize(e.message)}`;
    }
    if (typeof e === "symbol") return "a Symbol";
    return `a non-Error ${typeof e}: ${normalize(String(e))}`;
  } catch {
    return "an unprintable value";
  }
}

function normalize(message) {
  return String(message)
    .replace(/\d{3,}/g, "N")
    .replace(/"[^"]{20,}"/g, '"…"')
    .slice(0, 160);
}

export function describeOutcome(o) {
  switch (o.kind) {
    case "returned":
    case "resolved":
      return o.kind;
    case "timeout":
      return "never settled";
    default:
      return `${o.kind} ${describeThrown(o.error)}`;
  }
}

/**
 * The problem with `outcome`, or null. `expect`: "any" (a value or an OptinError), "value"
 * (a value: an instance that is still working), "closed" (an OptinError with code "closed"),
 * "error" (an OptinError of any documented code).
 */
export function verdict(outcome, expect, api, codes) {
  switch (outcome.kind) {
    case "timeout":
      return "never settled";
    case "returned":
    case "resolved":
      return expect === "any" || expect === "value" ? null : `${outcome.kind} a value where an OptinError${expect === "closed" ? " (closed)" : ""} was due`;
    default: {
      const e = outcome.error;
      if (!isOptinError(e, api, codes)) {
        const undocumented = e instanceof Error && e.name === "OptinError" && typeof e.code === "string" && !codes.has(e.code);
        return undocumented && !thrownByHostile(e)
          ? `${outcome.kind} an OptinError with the undocumented code ${JSON.stringify(normalize(e.code))}`
          : `${outcome.kind} ${describeThrown(e)}`;
      }
      if (expect === "closed" && e.code !== "closed") return `${outcome.kind} code ${e.code} where "closed" was due`;
      if (expect === "value") return `${outcome.kind} ${describeThrown(e)}`;
      return null;
    }
  }
}
