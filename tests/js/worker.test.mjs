// The Web Worker pattern of examples/worker, built with Vite from the packed tarball as an app
// would: calls posted before the worker has loaded optin are all answered, in order, and an
// OptinError crosses postMessage with its code.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "../../scripts/serve.mjs";
import { launch } from "./browser.mjs";

const root = new URL("../..", import.meta.url).pathname;
let project;

before(() => {
  project = mkdtempSync(join(tmpdir(), "optin-worker-"));
  cpSync(join(root, "examples", "worker"), project, { recursive: true });
  const packed = execFileSync("npm", ["pack", join(root, "pkg"), "--pack-destination", project, "--json"], { encoding: "utf8" });
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "worker-example", private: true, type: "module" }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", join(project, JSON.parse(packed)[0].filename)], { cwd: project, stdio: "pipe" });
  const vite = join(root, "node_modules", "vite", "bin", "vite.js");
  execFileSync("node", [vite, "build", "--logLevel", "error", "--outDir", "dist"], { cwd: project, stdio: "pipe" });
});

after(() => rmSync(project, { recursive: true, force: true }));

test("calls posted before the worker is ready are answered, and errors keep their code", async () => {
  const server = await serve(join(project, "dist"));
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    const problems = [];
    page.on("pageerror", (e) => problems.push(String(e)));
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    await page.goto(server.url + "index.html");
    const result = await page.waitForFunction(() => window.__result, null, { timeout: 30_000 }).then((h) => h.jsonValue());
    assert.deepEqual(result, { granted: "given", stored: true, order: ["a-1", "a-2"], refusedCode: "unknown-module", refusedIsOptinError: true });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await server.close();
  }
  // The bundle kept the worker a module (top-level await) and inlined no copy of the manifest.
  assert.ok(readFileSync(join(project, "dist", "index.html"), "utf8").includes("<script type=\"module\""));
});
