// Helpers of the demo's end-to-end tests: what is in IndexedDB, what axe-core finds, and
// what the page asked the network for. `page` is an engines/ Page, in any engine.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** Every key in every object store of optin's databases, as "database/store/key". */
export function idbKeys(page) {
  return page.evaluate(async () => {
    const done = (request) => new Promise((ok, fail) => {
      request.onsuccess = () => ok(request.result);
      request.onerror = () => fail(request.error);
    });
    const keys = [];
    for (const { name } of await indexedDB.databases()) {
      if (!name.startsWith("optin:")) continue;
      const db = await done(indexedDB.open(name));
      for (const store of db.objectStoreNames) {
        for (const key of await done(db.transaction(store).objectStore(store).getAllKeys())) {
          keys.push(`${name}/${store}/${typeof key === "string" ? key : JSON.stringify(key)}`);
        }
      }
      db.close();
    }
    return keys;
  });
}

/** How many records optin's databases hold. */
export async function totalKeys(page) {
  return (await idbKeys(page)).length;
}

/** axe-core's serious and critical violations on the page, as readable strings. */
export async function axeViolations(page) {
  // The driver runs it outside the page's CSP, which forbids injected scripts.
  await page.addScript(AXE);
  return page.evaluate(async () => {
    const results = await window.axe.run(document, { resultTypes: ["violations"] });
    return results.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
}

/**
 * Watches every request of `page` (the driver lists them). `check()` asserts that each went
 * to `origin` for a static file (GET, no query, no body) while the page was loading, and none
 * came after.
 */
export function watchNetwork(page, origin) {
  // Where each loading phase began and ended, as positions in the page's request list.
  const loads = [];
  const phaseOf = (index) => (loads.some(([from, to]) => index >= from && (to === undefined || index < to)) ? "loading" : "loaded");
  return {
    loading: () => loads.push([page.requests.length]),
    loaded: () => (loads[loads.length - 1][1] = page.requests.length),
    check() {
      const requests = page.requests.map((r, i) => ({ ...r, phase: phaseOf(i) }));
      assert.ok(requests.length > 0, "the page was loaded over the network");
      for (const r of requests) {
        const where = `${r.method} ${r.url} (${r.phase})`;
        assert.ok(r.url.startsWith(`${origin}/`), `only the page's own origin: ${where}`);
        const url = new URL(r.url);
        assert.equal(url.search, "", `no query string: ${where}`);
        assert.equal(r.method, "GET", `static files only: ${where}`);
        assert.equal(r.body, null, `no request body: ${where}`);
        assert.match(url.pathname, /(\/|\.(html|js|mjs|json|css))$/, `a static file: ${where}`);
        assert.equal(r.phase, "loading", `nothing after load: ${where}`);
      }
    },
  };
}
