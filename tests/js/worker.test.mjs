// The Web Worker pattern of examples/worker, built with Vite from the packed tarball as an app
// would, in Chromium, Firefox and WebKit: calls posted before the worker has loaded optin are
// all answered, in order, and an OptinError crosses postMessage with its code.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "../../scripts/serve.mjs";
import { engineTest, engines, launch } from "./engines/index.mjs";

const root = new URL("../..", import.meta.url).pathname;
let project;

before(() => {
  if (engines().length === 0) return;
  project = mkdtempSync(join(tmpdir(), "optin-worker-"));
  cpSync(join(root, "examples", "worker"), project, { recursive: true });
  const packed = execFileSync("npm", ["pack", join(root, "pkg"), "--pack-destination", project, "--json"], { encoding: "utf8" });
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "worker-example", private: true, type: "module" }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", join(project, JSON.parse(packed)[0].filename)], { cwd: project, stdio: "pipe" });
  const vite = join(root, "node_modules", "vite", "bin", "vite.js");
  execFileSync("node", [vite, "build", "--logLevel", "error", "--outDir", "dist"], { cwd: project, stdio: "pipe" });
});

after(() => project && rmSync(project, { recursive: true, force: true }));

engineTest("calls posted before the worker is ready are answered, and errors keep their code", async (t, engine) => {
  const server = await serve(join(project, "dist"));
  const page = await launch(engine);
  try {
    await page.goto(server.url + "index.html");
    const result = await page.waitForFunction(() => window.__result, undefined, { timeout: 30_000 });
    assert.deepEqual(result, { granted: "given", stored: true, order: ["a-1", "a-2"], refusedCode: "unknown-module", refusedIsOptinError: true });
    assert.deepEqual(await page.errors(), []);
  } finally {
    await page.close();
    await server.close();
  }
  // The bundle kept the page a module script.
  assert.ok(readFileSync(join(project, "dist", "index.html"), "utf8").includes("<script type=\"module\""));
});
