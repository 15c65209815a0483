// What eraseAll leaves in the browser's files. A page writes known data through the built
// package, reads its records' ciphertexts and names straight from IndexedDB (and, through a
// test hook that makes the generated keys extractable, the raw key bytes), erases, and the
// browser exits. Then every file of the profile is scanned for those bytes, and the
// browser is started again on the same profile.
//
// Asserted: what a page can guarantee (the database is gone, in this session and after a
// restart; a fresh open finds nothing; nothing of optin's is anywhere but Chromium's
// IndexedDB directory). Reported: what Chromium's LevelDB still holds until it compacts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { serve } from "../../scripts/serve.mjs";
import { launch } from "./browser.mjs";

const root = new URL("../..", import.meta.url).pathname;
const manifest = readFileSync(join(root, "tests/fixtures/news-manifest.json"), "utf8");
let site, server;

// Runs in the page before optin: keys come out extractable, so the test can look for their
// bytes on disk (IndexedDB stores a key's bytes the same way either way).
const KEY_HOOK = `{
  const generate = crypto.subtle.generateKey.bind(crypto.subtle);
  window.__keys = [];
  crypto.subtle.generateKey = async (algorithm, _extractable, usages) => {
    const key = await generate(algorithm, true, usages);
    window.__keys.push(key);
    return key;
  };
}`;

const PAGE = `
import { Personalizer } from "./node_modules/optin/index.js";
const manifest = await (await fetch("./manifest.json")).json();
const b64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
const request = (r) => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
const exists = async () => (await indexedDB.databases()).some((d) => d.name === "optin:disk");
window.write = async () => {
  const p = await Personalizer.open(manifest, { storage: "indexeddb", namespace: "disk", locale: "en" });
  await p.grant("topics");
  await p.grant("health");
  const events = [];
  for (let i = 0; i < 300; i++) events.push({ category: i % 3 ? "reading" : "health-reading", kind: "click", item: "story-" + i, features: { ["topic:t" + (i % 7)]: 1 } });
  await p.recordMany(events);
  await p.forget({ item: "story-1" });
  const db = await request(indexedDB.open("optin:disk"));
  const tx = db.transaction(["records", "meta"]);
  const [names, values, generation] = await Promise.all([tx.objectStore("records").getAllKeys(), tx.objectStore("records").getAll(), tx.objectStore("meta").get("generation")].map(request));
  db.close();
  const keys = await Promise.all(window.__keys.map(async (k) => b64(await crypto.subtle.exportKey("raw", k))));
  await p.eraseAll();
  const gone = !(await exists());
  p.close();
  return { names, values: values.map(b64), keys, generation, gone };
};
window.reopen = async () => {
  const before = await exists();
  const p = await Personalizer.open(manifest, { storage: "indexeddb", namespace: "disk", locale: "en" });
  const result = { before, events: p.inventory().totalEvents, topics: p.modules().find((m) => m.id === "topics").state, health: p.health() };
  p.close();
  return result;
};
window.ready = true;
`;

before(async () => {
  site = mkdtempSync(join(tmpdir(), "optin-disk-"));
  cpSync(join(root, "pkg"), join(site, "node_modules", "optin"), { recursive: true });
  writeFileSync(join(site, "main.js"), PAGE);
  writeFileSync(join(site, "manifest.json"), manifest);
  writeFileSync(join(site, "index.html"), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>`);
  server = await serve(site);
});

after(async () => {
  await server?.close();
  rmSync(site, { recursive: true, force: true });
});

async function inPage(browser, fn) {
  const page = await browser.context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e));
  await page.goto(server.url + "index.html");
  await page.waitForFunction(() => window.ready === true);
  return page.evaluate((name) => window[name](), fn);
}

function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const utf16 = (s, le) => Buffer.from([...s].flatMap((c) => (le ? [c.charCodeAt(0), 0] : [0, c.charCodeAt(0)])));

test("eraseAll deletes the database; what Chromium's files still hold is reported", async (t) => {
  const browser = await launch();
  let written;
  try {
    await browser.context.addInitScript(KEY_HOOK);
    written = await inPage(browser, "write");
  } finally {
    await browser.close({ keep: true });
  }
  const profile = browser.profile;
  try {
    assert.ok(written.gone, "after eraseAll the database is no longer listed");
    assert.equal(written.keys.length, 2, "the AES and the HMAC key");
    assert.ok(written.names.length >= 5, `${written.names.length} records`);
    // What to look for: 24 bytes from the middle of each ciphertext, each key's bytes, each
    // record name and the generation token (ASCII and UTF-16, as IndexedDB may store keys).
    const needles = [];
    for (const v of written.values) {
      const bytes = Buffer.from(v, "base64");
      const mid = Math.max(13, (bytes.length >> 1) - 12);
      needles.push({ kind: "ciphertext", bytes: bytes.subarray(mid, mid + 24) });
    }
    for (const k of written.keys) needles.push({ kind: "key", bytes: Buffer.from(k, "base64") });
    for (const s of [...written.names, written.generation]) {
      for (const bytes of [Buffer.from(s), utf16(s, true), utf16(s, false)]) needles.push({ kind: "name", bytes });
    }
    const found = { ciphertext: new Set(), key: new Set(), name: new Set() };
    const where = new Set();
    for (const file of files(profile)) {
      const content = readFileSync(file);
      for (const [i, n] of needles.entries()) {
        if (content.includes(n.bytes)) {
          found[n.kind].add(i);
          where.add(relative(profile, file));
        }
      }
    }
    const outside = [...where].filter((f) => !f.split(sep).includes("IndexedDB"));
    assert.deepEqual(outside, [], "nothing of optin's outside the IndexedDB directory");
    t.diagnostic(
      `after eraseAll and browser exit, Chromium's files still hold ${found.ciphertext.size}/${written.values.length} ciphertexts, ` +
        `${found.key.size}/2 keys' bytes and ${found.name.size} record names, in: ${[...where].join(", ") || "none"}`,
    );
    // The same profile again: the database stays gone until optin writes.
    const again = await launch({ profile });
    let reopened;
    try {
      reopened = await inPage(again, "reopen");
    } finally {
      await again.close({ keep: true });
    }
    assert.equal(reopened.before, false, "no database after a restart either");
    assert.equal(reopened.events, 0);
    assert.equal(reopened.topics, "notGranted");
    assert.deepEqual(reopened.health, { ok: true, problems: [] });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});
