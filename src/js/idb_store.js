// The IndexedDB store: one database per namespace, every record encrypted. (Rust binds it
// in idb.rs; the core only sees logical keys and bytes.)
//
// Layout: object store `records` maps an opaque name (HMAC-SHA-256 of the logical key, first
// 16 bytes, hex) to `[schema version][iv][AES-GCM(envelope)]`, where the envelope is
// `[key length: u16 BE][logical key][value]` and the name and version are bound as
// additional data, so records can't be read, renamed or swapped. Object store `meta` holds
// the two keys, generated non-extractable (script can use them, never read them; erasing the
// database destroys them), and the write generation: a random token every commit writes,
// which other tabs compare to the one they last saw (it never repeats and counts nothing).
//
// Each commit does all its crypto first, then opens one transaction and issues every
// request without awaiting in between (IndexedDB commits a transaction once control returns
// to the event loop with nothing pending), then waits for it to complete. Errors reject with
// what IndexedDB or WebCrypto threw; idb.rs maps them.
//
// Erasing empties both stores in one transaction, then deletes the database. The
// connection is opened again when needed: to write, or to read a database that exists.

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

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/**
 * Deletes the database of `namespace`. A connection that doesn't close (a tab frozen in the
 * background) holds the deletion back until it does; the stores are empty by then, so this
 * resolves at once rather than waiting for that tab.
 */
function deleteDatabase(namespace) {
  return new Promise((resolve, reject) => {
    const req = factory().deleteDatabase(databaseName(namespace));
    req.onsuccess = req.onblocked = () => resolve();
    req.onerror = () => reject(req.error);
  });
}

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
  return hex(mac.subarray(0, 16));
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
  constructor(namespace, db, schemaVersion) {
    this.namespace = namespace;
    this.schemaVersion = schemaVersion;
    this.db = null;
    this.attach(db);
    this.keys = null;
    /** Logical key -> database name, for every record this instance knows of. */
    this.names = new Map();
    /** The generation this instance last read or wrote; null for none (no database). */
    this.generation = null;
  }

  /**
   * Opens (creating if needed) the database of `namespace`. Rejects with the DOMException
   * "VersionError" when a newer schema wrote it.
   */
  static async open(namespace, schemaVersion) {
    return new IdbStore(namespace, await IdbStore.connect(namespace, schemaVersion), schemaVersion);
  }

  static async connect(namespace, schemaVersion) {
    const req = factory().open(databaseName(namespace), schemaVersion);
    req.onupgradeneeded = () => {
      // Version 1 created the stores; version 2 changed only the records, which the core
      // upgrades. Later migrations go here, keyed on the old version.
      const db = req.result;
      for (const store of [RECORDS, META]) {
        if (!db.objectStoreNames.contains(store)) db.createObjectStore(store);
      }
    };
    return request(req);
  }

  /** Deletes the database of `namespace` entirely; the store returned opens a new one when it writes. */
  static async erase(namespace, schemaVersion) {
    await deleteDatabase(namespace);
    return new IdbStore(namespace, null, schemaVersion);
  }

  attach(db) {
    this.db = db;
    if (!db) return;
    // Another tab deleting or upgrading the database must not be blocked by us: step aside,
    // and open it again when next needed.
    db.onversionchange = db.onclose = () => {
      db.close();
      if (this.db === db) this.db = null;
    };
  }

  /** The open connection, opened again if it was closed; null if `create` is false and the database is gone. */
  async connection(create) {
    if (!this.db) {
      const list = !create && (await factory().databases?.());
      if (list && !list.some((d) => d.name === databaseName(this.namespace))) return null;
      this.attach(await IdbStore.connect(this.namespace, this.schemaVersion));
    }
    return this.db;
  }

  /** Whether another instance wrote (or erased) since this one last read or wrote. */
  async isStale() {
    const db = await this.connection(false);
    if (!db) return this.generation !== null || this.names.size > 0;
    const stored = await request(db.transaction(META).objectStore(META).get("generation"));
    if (stored != null) return stored !== this.generation;
    // No generation: the database was erased, or a commit could only delete (a full disk
    // refuses even a tiny put). Between such commits records only go, so a count that
    // differs from ours means one happened.
    return this.generation !== null || (await request(db.transaction(RECORDS).objectStore(RECORDS).count())) !== this.names.size;
  }

  /**
   * Reads and decrypts every record, as `[logicalKey, bytes]` pairs. A record that fails to
   * decrypt (tampered, or written under a key that is gone) comes as `[prefix + name, empty]`.
   */
  async load(unreadablePrefix) {
    const db = await this.connection(false);
    const out = [];
    const known = new Map();
    let keys = null;
    let generation = null;
    if (db) {
      const tx = db.transaction([RECORDS, META]);
      const records = tx.objectStore(RECORDS);
      const meta = tx.objectStore(META);
      // Every request is issued, and its handlers attached, before the first await.
      const pending = [records.getAllKeys(), records.getAll(), meta.get("aes"), meta.get("hmac"), meta.get("generation")].map(request);
      const [names, values, aes, hmac, stored] = await Promise.all(pending);
      keys = aes instanceof CryptoKey && hmac instanceof CryptoKey ? { aes, hmac } : null;
      generation = stored ?? null;
      // Every record's decryption is started before the first is awaited: WebCrypto works off
      // the main thread, and one await per record cost a task's turn each (50,000 events are
      // ~200 pages).
      const opened = await Promise.all(names.map((name, i) => (typeof name === "string" ? unseal(keys, name, values[i], this.schemaVersion) : null)));
      for (let i = 0; i < names.length; i++) {
        const name = names[i];
        if (typeof name !== "string") continue;
        const entry = opened[i] ?? [unreadablePrefix + name, new Uint8Array(0)];
        known.set(entry[0], name);
        out.push(entry);
      }
    }
    this.names = known;
    this.keys = keys;
    this.generation = generation;
    return out;
  }

  /**
   * Commits a batch in one transaction; nothing changes if it fails. `ops` are
   * `["put", key, bytes]`, `["delete", key]` and `["deletePrefix", prefix]`; or `["clear"]`
   * alone, which erases the database.
   */
  async commit(ops) {
    if (ops.some((op) => op[0] === "clear")) return this.erase();
    // 1. Crypto first: names and ciphertexts for every put, with fresh keys if needed.
    let keys = this.keys;
    const puts = ops.some((op) => op[0] === "put");
    const newKeys = !keys && puts;
    if (newKeys) keys = await generateKeys();
    const names = new Map(this.names);
    // How many logical keys map to each name (two, when one is a copy that failed to decrypt).
    const owners = new Map();
    for (const name of names.values()) owners.set(name, (owners.get(name) ?? 0) + 1);
    const requests = [];
    for (const [kind, key, value] of ops) {
      if (kind === "put") {
        const name = names.get(key) ?? (await nameOf(keys, key));
        requests.push(["put", name, await seal(keys, name, this.schemaVersion, key, value)]);
        if (!names.has(key)) owners.set(name, (owners.get(name) ?? 0) + 1);
        names.set(key, name);
      } else if (kind === "delete" || kind === "deletePrefix") {
        for (const [logical, name] of [...names]) {
          if (kind === "delete" ? logical === key : logical.startsWith(key)) {
            names.delete(logical);
            owners.set(name, owners.get(name) - 1);
            // A record that failed to decrypt is known as `unreadable/<name>`, and its
            // logical key still maps to that name: deleting the unreadable copy of a record
            // this batch rewrites (the head, after a flipped byte) must keep the new one.
            if (owners.get(name) === 0) requests.push(["delete", name]);
          }
        }
      }
    }
    // 2. One transaction, every request issued synchronously. Writes run under the namespace
    // lock after the stored generation was read, so the one this instance knows is current.
    const generation = puts ? hex(crypto.getRandomValues(new Uint8Array(16))) : null;
    const tx = (await this.connection(true)).transaction([RECORDS, META], "readwrite");
    const done = finished(tx);
    try {
      const records = tx.objectStore(RECORDS);
      const meta = tx.objectStore(META);
      for (const [kind, name, sealed] of requests) {
        if (kind === "put") records.put(sealed, name);
        else records.delete(name);
      }
      if (newKeys) {
        meta.put(keys.aes, "aes");
        meta.put(keys.hmac, "hmac");
      }
      // A commit that only deletes (a revoke's erasure, on a full disk) must put nothing.
      if (puts) meta.put(generation, "generation");
      else meta.delete("generation");
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
    this.keys = keys;
    this.generation = generation;
  }

  /**
   * Erases everything: one transaction empties both stores (records, keys, generation), so
   * nothing is readable even while deleting the database waits for another tab; then the
   * database is deleted, which other tabs see as a change.
   */
  async erase() {
    const db = await this.connection(false);
    if (db) {
      const tx = db.transaction([RECORDS, META], "readwrite");
      const done = finished(tx);
      tx.objectStore(RECORDS).clear();
      tx.objectStore(META).clear();
      await done;
      db.close();
    }
    this.db = null;
    this.keys = null;
    this.names = new Map();
    this.generation = null;
    await deleteDatabase(this.namespace);
  }

  /** Closes the connection. */
  close() {
    this.db?.close();
    this.db = null;
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
