// The IndexedDB store: one database per namespace, every record encrypted. (Rust binds it
// in idb.rs; the core only sees logical keys and bytes.)
//
// Layout: object store `records` maps an opaque name (HMAC-SHA-256 of the logical key, first
// 16 bytes, hex) to `[schema version][iv][AES-GCM(envelope)]`, where the envelope is
// `[key length: u16 BE][logical key][value]` and the name and version are bound as
// additional data, so records can't be read, renamed or swapped. Object store `meta` holds
// the two keys, generated non-extractable (script can use them, never read them; erasing the
// database destroys them), and a write generation (a counter, for other tabs).
//
// Each commit does all its crypto first, then opens one transaction and issues every
// request without awaiting in between (IndexedDB commits a transaction once control returns
// to the event loop with nothing pending), then waits for it to complete. Errors reject with
// what IndexedDB or WebCrypto threw; idb.rs maps them.

const RECORDS = "records";
const META = "meta";
const IV_LEN = 12;
const TAG_LEN = 16;
const text = new TextEncoder();
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Resolves with a request's result; the handlers are attached now, before any await. */
function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Resolves when a transaction completes; rejects with its error when it aborts. */
function finished(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("transaction aborted"));
  });
}

function factory() {
  const idb = globalThis.indexedDB;
  if (!idb || typeof idb.open !== "function") throw new Error("IndexedDB is not available here");
  return idb;
}

const databaseName = (namespace) => `optin:${namespace}`;

function gcm(iv, name, version) {
  return { name: "AES-GCM", iv, additionalData: text.encode(`optin|${name}|${version}`) };
}

async function generateKeys() {
  const subtle = crypto.subtle;
  const [aes, hmac] = await Promise.all([
    subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]),
    subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, ["sign"]),
  ]);
  return { aes, hmac };
}

async function nameOf(keys, logical) {
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", keys.hmac, text.encode(logical)));
  let hex = "";
  for (const b of mac.subarray(0, 16)) hex += b.toString(16).padStart(2, "0");
  return hex;
}

async function seal(keys, name, version, logical, value) {
  const key = text.encode(logical);
  if (key.length > 0xffff) throw new Error("storage key too long");
  const plain = new Uint8Array(2 + key.length + value.length);
  plain[0] = key.length >> 8;
  plain[1] = key.length & 0xff;
  plain.set(key, 2);
  plain.set(value, 2 + key.length);
  const iv = crypto.getRandomValues(new Uint8Array(IV_LEN));
  const cipher = new Uint8Array(await crypto.subtle.encrypt(gcm(iv, name, version), keys.aes, plain));
  const out = new Uint8Array(1 + IV_LEN + cipher.length);
  out[0] = version;
  out.set(iv, 1);
  out.set(cipher, 1 + IV_LEN);
  return out;
}

/** The logical key and value of a record, or null if it doesn't decrypt or parse. */
async function unseal(keys, name, sealed, schemaVersion) {
  if (!keys || !(sealed instanceof Uint8Array) || sealed.length < 1 + IV_LEN + TAG_LEN) return null;
  const version = sealed[0];
  if (version > schemaVersion) return null;
  let plain;
  try {
    const iv = sealed.subarray(1, 1 + IV_LEN);
    plain = new Uint8Array(await crypto.subtle.decrypt(gcm(iv, name, version), keys.aes, sealed.subarray(1 + IV_LEN)));
  } catch {
    return null;
  }
  if (plain.length < 2) return null;
  const len = (plain[0] << 8) | plain[1];
  if (plain.length < 2 + len) return null;
  try {
    return [utf8.decode(plain.subarray(2, 2 + len)), plain.slice(2 + len)];
  } catch {
    return null;
  }
}

export class IdbStore {
  constructor(db, schemaVersion) {
    this.db = db;
    this.schemaVersion = schemaVersion;
    this.keys = null;
    /** Logical key -> database name, for every record this instance knows of. */
    this.names = new Map();
    this.generation = 0;
  }

  /**
   * Opens (creating if needed) the database of `namespace`. Rejects with the DOMException
   * "VersionError" when a newer schema wrote it.
   */
  static async open(namespace, schemaVersion) {
    const req = factory().open(databaseName(namespace), schemaVersion);
    req.onupgradeneeded = () => {
      // Migrations go here, keyed on the old version; version 1 creates the stores.
      const db = req.result;
      for (const store of [RECORDS, META]) {
        if (!db.objectStoreNames.contains(store)) db.createObjectStore(store);
      }
    };
    const db = await request(req);
    // Another tab upgrading the schema must not be blocked by us: step aside.
    db.onversionchange = () => db.close();
    return new IdbStore(db, schemaVersion);
  }

  /** Deletes the database of `namespace` entirely. */
  static async deleteDatabase(namespace) {
    await request(factory().deleteDatabase(databaseName(namespace)));
  }

  transaction(mode) {
    const tx = this.db.transaction([RECORDS, META], mode);
    return [tx, tx.objectStore(RECORDS), tx.objectStore(META)];
  }

  /** The write generation stored by the last writer (any tab). */
  async storedGeneration() {
    const [, , meta] = this.transaction("readonly");
    const value = await request(meta.get("generation"));
    return typeof value === "number" ? value : 0;
  }

  /** The generation this instance last read or wrote. */
  get knownGeneration() {
    return this.generation;
  }

  /**
   * Reads and decrypts every record, as `[logicalKey, bytes]` pairs. A record that fails to
   * decrypt (tampered, or written under a key that is gone) comes as `[prefix + name, empty]`.
   */
  async load(unreadablePrefix) {
    const [, records, meta] = this.transaction("readonly");
    // Every request is issued, and its handlers attached, before the first await.
    const pending = [records.getAllKeys(), records.getAll(), meta.get("aes"), meta.get("hmac"), meta.get("generation")].map(request);
    const [names, values, aes, hmac, generation] = await Promise.all(pending);
    const keys = aes instanceof CryptoKey && hmac instanceof CryptoKey ? { aes, hmac } : null;
    const out = [];
    const known = new Map();
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (typeof name !== "string") continue;
      const opened = await unseal(keys, name, values[i], this.schemaVersion);
      const entry = opened ?? [unreadablePrefix + name, new Uint8Array(0)];
      known.set(entry[0], name);
      out.push(entry);
    }
    this.names = known;
    this.keys = keys;
    this.generation = typeof generation === "number" ? generation : 0;
    return out;
  }

  /**
   * Commits a batch in one transaction; nothing changes if it fails. `ops` are
   * `["put", key, bytes]`, `["delete", key]`, `["deletePrefix", prefix]` or `["clear"]`.
   */
  async commit(ops) {
    // 1. Crypto first: names and ciphertexts for every put, with fresh keys if needed.
    const clears = ops.some((op) => op[0] === "clear");
    const puts = ops.some((op) => op[0] === "put");
    let keys = this.keys;
    let newKeys = false;
    if (!keys || clears) {
      keys = puts ? await generateKeys() : null;
      newKeys = puts;
    }
    const names = clears ? new Map() : new Map(this.names);
    const requests = [];
    for (const [kind, key, value] of ops) {
      if (kind === "put") {
        if (!keys) continue;
        const name = names.get(key) ?? (await nameOf(keys, key));
        requests.push(["put", name, await seal(keys, name, this.schemaVersion, key, value)]);
        names.set(key, name);
      } else if (kind === "delete") {
        const name = names.get(key);
        if (name !== undefined) {
          names.delete(key);
          requests.push(["delete", name]);
        }
      } else if (kind === "deletePrefix") {
        for (const [logical, name] of [...names]) {
          if (logical.startsWith(key)) {
            names.delete(logical);
            requests.push(["delete", name]);
          }
        }
      } else if (kind === "clear") {
        requests.push(["clear"]);
      }
    }
    // 2. One transaction, every request issued synchronously. Writes run under the namespace
    // lock after the stored generation was read, so the one this instance knows is current.
    const generation = this.generation + 1;
    const [tx, records, meta] = this.transaction("readwrite");
    const done = finished(tx);
    try {
      for (const [kind, name, sealed] of requests) {
        if (kind === "put") records.put(sealed, name);
        else if (kind === "delete") records.delete(name);
        else {
          records.clear();
          meta.clear();
        }
      }
      if (newKeys) {
        meta.put(keys.aes, "aes");
        meta.put(keys.hmac, "hmac");
      }
      // After a clear the database stays empty; a missing counter reads as 0, which other
      // tabs see as a change.
      if (!clears || puts) meta.put(generation, "generation");
    } catch (e) {
      try {
        tx.abort();
      } catch {
        // Already finished: the error below is what counts.
      }
      done.catch(() => {});
      throw e;
    }
    await done;
    // 3. Only now does this instance believe the new state.
    this.names = names;
    if (newKeys || clears) this.keys = puts ? keys : null;
    this.generation = clears && !puts ? 0 : generation;
  }

  /** Closes the connection. */
  close() {
    this.db.close();
  }
}

// Several tabs on one namespace: Web Locks order the writers, a BroadcastChannel tells the
// others to reload. Both are optional: without them (Node) an instance is alone anyway.

/** Runs `run` (which returns a promise) holding the Web Lock `name`, or directly without locks. */
export function withLock(name, run) {
  const locks = globalThis.navigator?.locks;
  return locks && typeof locks.request === "function" ? locks.request(name, run) : run();
}

/** A channel to the other tabs of `name`, calling `onChange` when one says it wrote; null without BroadcastChannel. */
export function listenToTabs(name, onChange) {
  if (typeof BroadcastChannel !== "function") return null;
  const channel = new BroadcastChannel(name);
  channel.onmessage = () => onChange();
  return channel;
}

/** Tells the other tabs this one wrote. */
export function tellTabs(channel) {
  channel.postMessage("changed");
}

/** Stops listening. */
export function closeTabs(channel) {
  channel.close();
}
