// Helpers of the optin/ui end-to-end tests: a project with the package installed from its
// packed tarball, the test page of tests/fixtures/ui/ served under the strict CSP of
// scripts/serve.mjs (one session per test file), and what to ask of a page: texts and the
// focused element inside shadow roots, CSP violations, requests, axe-core.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, cpSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import { serve } from "../../scripts/serve.mjs";
import { launch } from "./browser.mjs";

export const root = new URL("../..", import.meta.url).pathname;
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** A fresh directory with the packed tarball installed (`node_modules/optin`). */
export function installedProject(prefix) {
  const project = mkdtempSync(join(tmpdir(), prefix));
  const packed = execFileSync("npm", ["pack", join(root, "pkg"), "--pack-destination", project, "--json"], { encoding: "utf8" });
  const tarball = join(project, JSON.parse(packed)[0].filename);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "ui-test", private: true, type: "module" }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], { cwd: project, stdio: "pipe" });
  return project;
}

/** The test page in `dir`: the fixture files, both manifests as modules, the demo's catalog. */
export function writeTestPage(dir) {
  mkdirSync(dir, { recursive: true });
  const fixture = join(root, "tests", "fixtures", "ui");
  for (const f of readdirSync(fixture)) cpSync(join(fixture, f), join(dir, f));
  const asModule = (file) => `export default ${readFileSync(join(root, file), "utf8")};\n`;
  writeFileSync(join(dir, "manifest-news.js"), asModule("tests/fixtures/news-manifest.json"));
  writeFileSync(join(dir, "manifest-www.js"), asModule("www/manifest.json"));
  // The fixture after a policy update: "topics" now uses health reading instead of reactions,
  // keeps its data twice as long and says so, so a grant of the old notice is invalidated.
  const changed = JSON.parse(readFileSync(join(root, "tests/fixtures/news-manifest.json"), "utf8"));
  changed.policyVersion = "2026-12-01";
  const topics = changed.modules.find((m) => m.id === "topics");
  topics.uses = ["reading", "health-reading"];
  topics.retentionDays = 60;
  topics.purpose = { en: "Remembers the topics of the stories you read and like, health included, on this device only.", de: "Merkt sich die Themen der Artikel, die Sie lesen und mögen, auch Gesundheit, nur auf diesem Gerät." };
  writeFileSync(join(dir, "manifest-changed.js"), `export default ${JSON.stringify(changed)};\n`);
  cpSync(join(root, "www", "catalog.js"), join(dir, "www-catalog.js"));
}

/**
 * Watches a page from before its first script: CSP violations (`securitypolicyviolation`,
 * listened for by an init script, which the page's CSP does not govern), page errors,
 * console errors and every request.
 */
export async function watch(page) {
  const seen = { errors: [], requests: [] };
  page.on("pageerror", (e) => seen.errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && seen.errors.push(m.text()));
  page.on("request", (r) => seen.requests.push({ url: r.url(), method: r.method(), at: Date.now() }));
  page.on("websocket", (w) => seen.requests.push({ url: w.url(), method: "WEBSOCKET", at: Date.now() }));
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`), true);
  });
  return seen;
}

/** Opens the test page with hash options and waits until it is ready. */
export async function openPage(page, url, options = {}) {
  const hash = new URLSearchParams(options).toString();
  await page.goto(`${url}index.html#${hash}`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
}

/** The CSP violations the page reported. */
export const violations = (page) => page.evaluate(() => window.__violations);

/** The focused element, through shadow roots: `{ host, text, focus, tag, label }`. */
export function focused(page) {
  return page.evaluate(() => {
    let node = document.activeElement;
    let host = null;
    while (node?.shadowRoot?.activeElement) {
      host = node;
      node = node.shadowRoot.activeElement;
    }
    return node && { host: host && (host.id || host.localName), tag: node.localName, text: node.textContent.trim(), focus: node.dataset?.focus ?? null, label: node.getAttribute("aria-label"), expanded: node.getAttribute("aria-expanded") };
  });
}

/** axe-core's serious and critical violations, shadow roots included, as readable strings. */
export async function axeViolations(page) {
  await page.evaluate(AXE);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`);
}

/** Every request went to `origin` while the page loaded (before `readyAt`), for a static file. */
export function checkRequests(requests, origin, readyAt) {
  assert.ok(requests.length > 0, "the page was loaded over the network");
  for (const r of requests) {
    const where = `${r.method} ${r.url}`;
    assert.ok(r.url.startsWith(origin), `only the page's own origin: ${where}`);
    assert.equal(r.method, "GET", `static files only: ${where}`);
    assert.equal(new URL(r.url).search, "", `no query string: ${where}`);
    assert.ok(r.at <= readyAt, `nothing after the page was ready: ${where}`);
  }
}

/** The languages whose words the package ships. */
export const LANGUAGES = ["en", "de", "fr", "es"];
/** The two manifests the elements are tested on. */
export const manifests = {
  news: JSON.parse(readFileSync(join(root, "tests/fixtures/news-manifest.json"), "utf8")),
  www: JSON.parse(readFileSync(join(root, "www/manifest.json"), "utf8")),
};

/**
 * One test file's session: the tarball installed, the test page served, Chromium launched
 * (before the tests), all removed after. `page(options)` opens the test page in a new tab
 * with a storage namespace of its own; `words[locale]` are the shipped words.
 */
export function uiSession(prefix) {
  const s = { words: {}, namespaces: 0 };
  before(async () => {
    s.project = installedProject(prefix);
    s.dir = join(s.project, "page");
    writeTestPage(s.dir);
    cpSync(join(s.project, "node_modules"), join(s.dir, "node_modules"), { recursive: true });
    for (const l of LANGUAGES) s.words[l] = (await import(pathToFileURL(join(s.dir, "node_modules", "optin", `ui-${l}.js`)))).default;
    s.server = await serve(s.dir);
    s.browser = await launch();
  });
  after(async () => {
    await s.browser?.close();
    await s.server?.close();
    if (s.project) rmSync(s.project, { recursive: true, force: true });
  });
  s.namespace = () => `t${++s.namespaces}`;
  s.page = async (options = {}) => {
    const page = await s.browser.context.newPage();
    const seen = await watch(page);
    await openPage(page, s.server.url, { ns: s.namespace(), ...options });
    seen.readyAt = Date.now();
    return { page, seen };
  };
  return s;
}

/** A manifest text in `locale`, as optin falls back (the locale, its language, en, the first). */
export const text = (value, locale) => (typeof value === "string" ? value : value[locale] ?? value.en ?? Object.values(value)[0]);

/** Texts of the elements matching `selector` inside `host`'s shadow root. */
export const texts = (page, host, selector) =>
  page.evaluate(([h, s]) => [...document.querySelector(h).shadowRoot.querySelectorAll(s)].map((n) => n.textContent.trim()), [host, selector]);

/** Presses Tab (or Shift+Tab) until the focused element satisfies `match`; fails after `max`. */
export async function tabTo(page, match, { back = false, max = 120 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    const f = await focused(page);
    if (f && match(f)) return f;
  }
  assert.fail(`no focusable element matched after ${max} presses of Tab`);
}

/** A module's consent state in the page. */
export const moduleState = (page, id) => page.evaluate((m) => p.modules().find((x) => x.id === m).state, id);

/** Records a click on each item, as the app would: its topic, in its data category. */
export async function readSome(page, ids) {
  await page.evaluate(async (list) => {
    for (const id of list) {
      const item = items.find((i) => i.id === id);
      // An event carries the item's topic (its source is not an interest).
      await p.record({ category: item.topic === "health" ? "health-reading" : "reading", kind: "click", item: id, features: { [`topic:${item.topic}`]: 1 } });
    }
  }, ids);
}
