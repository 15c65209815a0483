// The driver layer itself (tests/js/engines/), in each engine: what the browser tests rely on
// to see a page's errors and requests must see them, or those tests would pass on a broken
// page. A small page under the same strict CSP as the demo logs an error, throws, rejects a
// promise, posts a body, loads a missing file and tries another origin; the driver must
// report each (a failed load as an error, as Chromium's console does), and its clicks, keys,
// viewport, screenshots and downloads must work.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "../../scripts/serve.mjs";
import { engineTest, engines, launch } from "./engines/index.mjs";
import { until } from "./engines/processes.mjs";

let site;
let server;

const PAGE = `<!doctype html><meta charset="utf-8"><title>driver check</title><link rel="icon" href="data:,">
<button id="press" aria-label="Press me">Go</button> <button id="other">Other</button>
<input id="field"> <select id="choice"><option value="a">A</option><option value="b">Bee</option></select>
<button id="save">Save a file</button>
<p id="out"></p><img src="missing.png" alt="">
<script type="module" src="main.js"></script>`;

const MAIN = `
const out = document.getElementById("out");
document.getElementById("press").addEventListener("click", () => (out.dataset.clicks = String(Number(out.dataset.clicks ?? 0) + 1)));
document.getElementById("field").addEventListener("keydown", (e) => (out.dataset.keys = (out.dataset.keys ?? "") + e.key + " "));
document.getElementById("choice").addEventListener("change", (e) => (out.dataset.choice = e.target.value));
document.getElementById("save").addEventListener("click", () => {
  const url = URL.createObjectURL(new Blob(['{"saved":true}'], { type: "application/json" }));
  const link = Object.assign(document.createElement("a"), { href: url, download: "saved.json" });
  document.body.append(link);
  link.click();
  link.remove();
});
console.error("check: console.error");
setTimeout(() => { throw new Error("check: uncaught"); }, 0);
Promise.reject(new Error("check: rejected"));
await fetch("/echo.json", { method: "POST", body: "x=1" });
await fetch("http://127.0.0.2:9/elsewhere").catch(() => {});
out.dataset.ready = "1";
`;

before(async () => {
  if (engines().length === 0) return;
  site = mkdtempSync(join(tmpdir(), "optin-driver-check-"));
  writeFileSync(join(site, "index.html"), PAGE);
  writeFileSync(join(site, "main.js"), MAIN);
  writeFileSync(join(site, "echo.json"), "{}");
  server = await serve(site);
});

after(async () => {
  await server?.close();
  if (site) rmSync(site, { recursive: true, force: true });
});

async function open(t, engine) {
  const page = await launch(engine);
  t.after(() => page.close());
  t.diagnostic(`${page.label} (${page.via})`);
  await page.goto(server.url);
  await page.waitForSelector("#out[data-ready]", { state: "attached" });
  return page;
}

/** Width and height of a PNG, from its header. */
function pngSize(file) {
  const png = readFileSync(file);
  assert.equal(png.subarray(1, 4).toString(), "PNG", `${file} is a PNG`);
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

engineTest("the driver reports the page's errors and lists every request it made", async (t, engine) => {
  const page = await open(t, engine);
  // Errors can arrive a moment after the page says it is ready.
  const expected = [/check: console\.error/, /check: uncaught/, /check: rejected/, /127\.0\.0\.2:9/, /status of 404/];
  const all = (now) => expected.every((re) => now.some((e) => re.test(e)));
  const errors = await until(async () => {
    const now = await page.errors();
    return all(now) && now;
  }, { timeout: 5000, what: "the page's errors" }).catch(() => page.errors());
  for (const re of expected) assert.ok(errors.some((e) => re.test(e)), `${re} in ${JSON.stringify(errors)}`);

  const paths = page.requests.map((r) => `${r.method} ${r.url.replace(server.url, "/")}`);
  for (const want of ["GET /", "GET /main.js", "GET /missing.png", "POST /echo.json"]) assert.ok(paths.includes(want), `${want} in ${paths}`);
  assert.notEqual(page.requests.find((r) => r.url.endsWith("/echo.json")).body, null);
  assert.equal(page.requests.find((r) => r.url.endsWith("/main.js")).body, null);
  // The CSP stops the other origin before any request, so the driver lists none.
  assert.deepEqual(page.requests.filter((r) => !r.url.startsWith(server.url)), []);
});

engineTest("clicks, keys, select, roles, viewport, screenshots and downloads", async (t, engine) => {
  const page = await open(t, engine);
  await page.getByRole("button", { name: "Press me" }).click();
  await page.click("#press");
  await page.focus("#field");
  // The page has focus as in a user's active window: :focus matches what focus() focused.
  assert.deepEqual(await page.evaluate(() => [document.hasFocus(), document.activeElement.matches(":focus")]), [true, true]);
  await page.keyboard.type("ab");
  await page.keyboard.press("Enter");
  await page.selectOption("#choice", "Bee");
  const data = await page.$$eval("#out", ([out]) => ({ ...out.dataset }));
  assert.deepEqual({ clicks: data.clicks, keys: data.keys, choice: data.choice }, { clicks: "2", keys: "a b Enter ", choice: "b" });
  assert.equal(await page.evaluate(() => document.getElementById("field").value), "ab");
  // A locator that matches two elements is an error when acted on, as in Playwright.
  await assert.rejects(page.getByRole("button", { name: "e" }).click(), /strict mode violation/);
  assert.equal(await page.getByRole("button").count(), 3);

  await page.setViewportSize({ width: 390, height: 640 });
  assert.deepEqual(await page.evaluate(() => [innerWidth, innerHeight]), [390, 640]);
  const dir = mkdtempSync(join(tmpdir(), "optin-driver-shots-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await page.screenshot({ path: join(dir, "a.png") });
  assert.deepEqual(pngSize(join(dir, "a.png")), [390, 640]);
  // A screenshot shows the page as it is now, not as it was first painted.
  await page.evaluate(() => document.body.append(Object.assign(document.createElement("h1"), { textContent: "Changed" })));
  await page.screenshot({ path: join(dir, "b.png") });
  assert.notDeepEqual(readFileSync(join(dir, "a.png")), readFileSync(join(dir, "b.png")));
  await page.locator("#press").screenshot({ path: join(dir, "button.png") });
  const [w, h] = pngSize(join(dir, "button.png"));
  assert.ok(w < 200 && h < 100, `an element's screenshot is the element: ${w}x${h}`);

  assert.deepEqual(await page.download("#save"), { name: "saved.json", text: '{"saved":true}' });
});
