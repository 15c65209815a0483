// Runs a benchmark page in headless Chromium on the built package: a temporary site with
// pkg/ installed as node_modules/optin, the page script as main.js and a manifest.json,
// served on 127.0.0.1; calls `window[fn](arg)` and returns its result.
import { mkdtempSync, cpSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "../scripts/serve.mjs";
import { launch } from "../tests/js/browser.mjs";

export const root = new URL("..", import.meta.url).pathname;

export async function runPage({ script, manifest, fn, arg }) {
  const site = mkdtempSync(join(tmpdir(), "optin-bench-"));
  cpSync(join(root, "pkg"), join(site, "node_modules", "optin"), { recursive: true });
  cpSync(join(root, script), join(site, "main.js"));
  cpSync(join(root, "bench", "synthetic.js"), join(site, "synthetic.js"));
  writeFileSync(join(site, "manifest.json"), typeof manifest === "string" ? manifest : JSON.stringify(manifest));
  writeFileSync(join(site, "index.html"), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>`);
  const server = await serve(site);
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e));
    await page.goto(server.url + "index.html");
    await page.waitForFunction((name) => typeof window[name] === "function", fn);
    return await page.evaluate(([name, a]) => window[name](a), [fn, arg]);
  } finally {
    await browser.close();
    await server.close();
    rmSync(site, { recursive: true, force: true });
  }
}
