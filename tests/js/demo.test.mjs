// The README's demo command: it builds, installs the packed package into www/ and serves it
// on 127.0.0.1; the page loads the wasm in headless Chromium and the consent toggles work.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { launch } from "./browser.mjs";

const root = new URL("../..", import.meta.url).pathname;

const freePort = () =>
  new Promise((ok) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

test("demo command serves a page that loads optin and toggles consent", { timeout: 600_000 }, async () => {
  const port = await freePort();
  const demo = spawn("./scripts/demo.sh", [], { cwd: root, env: { ...process.env, PORT: String(port) }, detached: true });
  let output = "";
  demo.stdout.on("data", (d) => (output += d));
  demo.stderr.on("data", (d) => (output += d));
  const browser = await launch();
  try {
    await new Promise((ok, fail) => {
      const timer = setInterval(() => {
        if (output.includes(`127.0.0.1:${port}`)) { clearInterval(timer); ok(); }
        if (demo.exitCode !== null) { clearInterval(timer); fail(new Error(`demo exited: ${output}`)); }
      }, 200);
    });
    const page = await browser.context.newPage();
    const requests = [];
    const errors = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForSelector("#status[data-version]");
    assert.match(await page.textContent("#status"), /optin \d+\.\d+\.\d+ is running/);
    assert.equal(await page.textContent("#module-topics .state"), "notGranted");
    // The fairness audit of the sample personas is shown, one row per source.
    assert.equal(await page.locator("#audit tbody tr").count(), 3);
    assert.match(await page.textContent("#audit-wire"), /wire\s*\d+%\s*\d+%\s*\d+%/);
    assert.ok((await page.textContent("#audit-flags")).length > 0);
    await page.getByRole("button", { name: "Turn on Topics you follow" }).click();
    await page.waitForFunction(() => document.querySelector("#module-topics .state")?.textContent === "granted");
    assert.equal(await page.locator("#records li").count(), 1);
    await page.getByRole("button", { name: "Turn off Topics you follow" }).click();
    await page.waitForFunction(() => document.querySelector("#module-topics .state")?.textContent === "notGranted");
    assert.equal(await page.locator("#records li").count(), 2);
    assert.deepEqual(errors, []);
    for (const url of requests) assert.ok(url.startsWith(`http://127.0.0.1:${port}/`), `request to ${url}`);
  } finally {
    await browser.close();
    try { process.kill(-demo.pid, "SIGTERM"); } catch {}
  }
});
