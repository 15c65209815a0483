// What the WebAssembly module takes from its JS host: the OptinError class it throws, and the
// platform's secure random source. Imported by the Rust side (src/js/error.rs,
// src/js/random.rs) and by the package entry, so both use this one class.

/**
 * The error every optin call throws or rejects with: a real `Error` with a stable `code`.
 * `toJSON()` and `OptinError.from()` carry it across `postMessage`, which keeps only an
 * Error's name and message.
 */
export class OptinError extends Error {
  constructor(code, message, options) {
    // Total, like every optin call: whatever it is given, it makes an error.
    let cause;
    try {
      if (options !== null && typeof options === "object" && "cause" in options) cause = { cause: options.cause };
    } catch {
      // A cause that can't be read is none.
    }
    super(text(message), cause);
    this.name = "OptinError";
    this.code = typeof code === "string" ? code : "internal";
  }

  /** `{ name, code, message }`: what survives `postMessage` and `JSON.stringify`. */
  toJSON() {
    return { name: this.name, code: this.code, message: this.message };
  }

  /**
   * An OptinError from what `toJSON()` gave (after `postMessage` or JSON), or the error
   * itself; anything else becomes an `internal` error describing it.
   */
  static from(value) {
    if (value instanceof OptinError) return value;
    try {
      if (value !== null && typeof value === "object") {
        const { code, message } = value;
        if (typeof code === "string" && typeof message === "string") return new OptinError(code, message);
      }
    } catch {
      // A value whose fields throw is just not an OptinError.
    }
    return new OptinError("internal", "not an OptinError");
  }

  // Errors of another copy of the package (its CommonJS build next to the ES module one)
  // are OptinErrors too.
  static [Symbol.hasInstance](value) {
    try {
      return Error.prototype.isPrototypeOf.call(Error.prototype, value) && value.name === "OptinError" && typeof value.code === "string";
    } catch {
      return false;
    }
  }
}

function text(value) {
  if (typeof value === "string") return value;
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}

// The errors optin made itself, so an OptinError the app throws (from a getter, say) is told
// apart from one of ours and never passed off as optin's.
const own = new WeakSet();

/** A new OptinError of optin's own (the Rust side and the JS entry make theirs here). */
export function optinError(code, message) {
  const e = new OptinError(code, message);
  own.add(e);
  return e;
}

/** Whether `e` is an error optin made (not the app, nor a look-alike). */
export function isOwn(e) {
  return own.has(e);
}

let cryptoSource = null;

/** Sets the secure random source where the platform has no `globalThis.crypto` (Node 18). */
export function useCrypto(crypto) {
  cryptoSource = crypto;
}

/** Fills `bytes` from the platform's secure random source; throws when there is none. */
export function fillRandom(bytes) {
  const crypto = cryptoSource ?? globalThis.crypto;
  if (!crypto || typeof crypto.getRandomValues !== "function") throw new Error("no secure random source");
  // getRandomValues takes at most 65,536 bytes at a time.
  for (let at = 0; at < bytes.length; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536));
}
