// The package as users install it: `npm pack` pkg/, install the tarball into a fresh project,
// then use it from Node ESM, from a plain <script type="module"> page under a strict CSP and
// from a Vite build, each page in every engine (Chromium, Firefox, WebKit; OPTIN_ENGINES
// picks, see engines/index.mjs). Also runs the README's quick-start example.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "../../scripts/serve.mjs";
import { engineTest, engines, launch, nodeOnly } from "./engines/index.mjs";

const root = new URL("../..", import.meta.url).pathname;
const fixture = readFileSync(join(root, "tests/fixtures/news-manifest.json"), "utf8");
const crateVersion = readFileSync(join(root, "Cargo.toml"), "utf8").match(/^version = "([^"]+)"/m)[1];
let project;

before(() => {
  project = mkdtempSync(join(tmpdir(), "optin-smoke-"));
  const packed = execFileSync("npm", ["pack", join(root, "pkg"), "--pack-destination", project, "--json"], {
    encoding: "utf8",
  });
  const tarball = join(project, JSON.parse(packed)[0].filename);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "smoke", private: true, type: "module" }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], { cwd: project, stdio: "pipe" });
  writeFileSync(join(project, "manifest.json"), fixture);
});

after(() => rmSync(project, { recursive: true, force: true }));

const usage = `
  import { version, Personalizer, OptinError } from "optin";
  const manifest = ${fixture};
  const p = await Personalizer.open(manifest, { storage: "memory", locale: "en" });
  await p.grant("topics");
  let error;
  try { await Personalizer.open({ policyVersion: 1 }); } catch (e) { error = e; }
  export const result = {
    version: version(),
    states: p.modules().map((m) => m.id + ":" + m.state).join(","),
    errorIsOptinError: error instanceof OptinError,
    errorIsError: error instanceof Error,
    errorCode: error && error.code,
  };
`;

function checkResult(result) {
  assert.equal(result.version, crateVersion);
  assert.equal(result.states, "editorial:granted,topics:granted,similar:notGranted,health:notGranted,insights:notGranted");
  assert.equal(result.errorIsOptinError, true);
  assert.equal(result.errorIsError, true);
  assert.equal(result.errorCode, "invalid-manifest");
}

test("the installed tarball holds exactly the package files", nodeOnly(), () => {
  const installed = join(project, "node_modules", "optin");
  const meta = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
  assert.equal(meta.name, "optin");
  assert.equal(meta.version, crateVersion);
  assert.equal(meta.exports["."].types, "./index.d.ts");
  assert.equal(meta.exports["."].require.default, "./index.cjs");
  // Only optin/ui has an effect on import (it defines the elements); bundlers keep it.
  assert.deepEqual(meta.sideEffects, ["./ui.js"]);
  assert.ok(meta.keywords.includes("privacy"));
  const files = execFileSync("ls", [installed], { encoding: "utf8" }).trim().split("\n").sort();
  assert.deepEqual(files, [
    "LICENSE-APACHE", "LICENSE-MIT", "README.md", "index.cjs", "index.d.cts", "index.d.ts", "index.js", "index.node.js", "manifest.schema.json", "package.json",
    "ui-de.js", "ui-en.js", "ui-es.js", "ui-fr.js", "ui-strings.d.ts", "ui.d.ts", "ui.js",
  ]);
  // The manifest's JSON Schema, as an app or an editor finds it.
  writeFileSync(join(project, "schema.mjs"), `import schema from "optin/manifest.schema.json" with { type: "json" };\nconsole.log(schema.title);\n`);
  assert.equal(execFileSync("node", ["schema.mjs"], { cwd: project, encoding: "utf8" }).trim(), "optin manifest");
});

test("Node ESM: import, version(), open()", nodeOnly(), () => {
  writeFileSync(join(project, "usage.mjs"), usage + "\nconsole.log(JSON.stringify(result));\n");
  const out = execFileSync("node", ["usage.mjs"], { cwd: project, encoding: "utf8" });
  checkResult(JSON.parse(out));
});

test("README examples run and print what the README says", nodeOnly(), () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const examples = [...readme.matchAll(/<!-- example: ([\w-]+) -->\s*```js\n([\s\S]*?)```\s*Prints:\s*```text\n([\s\S]*?)```/g)];
  assert.ok(examples.length >= 2, `README has ${examples.length} tested examples`);
  for (const [, name, code, expected] of examples) {
    const file = join(project, `readme-${name}.mjs`);
    writeFileSync(file, code.replaceAll('"./manifest.json"', JSON.stringify(join(project, "manifest.json"))));
    const out = execFileSync("node", [file], { cwd: project, encoding: "utf8" });
    assert.equal(out.trim(), expected.trim(), `README example ${name}`);
  }
});

async function inBrowser(engine, dir, expectOrigin) {
  const server = await serve(dir);
  const page = await launch(engine);
  try {
    await page.goto(server.url + "index.html");
    const result = await page.waitForFunction(() => window.__result, undefined, { timeout: 30_000 });
    assert.deepEqual(await page.errors(), []);
    assert.ok(page.requests.length > 0, "the page was loaded over the network");
    for (const { url } of page.requests) assert.ok(url.startsWith(expectOrigin ?? server.url), `request to ${url}`);
    return result;
  } finally {
    await page.close();
    await server.close();
  }
}

// Each page is made once and opened in every engine.
let plainPage;
let viteApp;

before(() => {
  if (engines().length === 0) return;
  plainPage = join(project, "page");
  mkdirSync(plainPage, { recursive: true });
  cpSync(join(project, "node_modules"), join(plainPage, "node_modules"), { recursive: true });
  writeFileSync(join(plainPage, "index.html"), `<!doctype html><meta charset="utf-8"><title>smoke</title><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>`);
  writeFileSync(
    join(plainPage, "main.js"),
    usage.replace('from "optin"', 'from "./node_modules/optin/index.js"') + "\nwindow.__result = result;\n",
  );

  const app = join(project, "vite-app");
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, "index.html"), `<!doctype html><meta charset="utf-8"><title>vite</title><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>`);
  writeFileSync(join(app, "main.js"), usage + "\nwindow.__result = result;\n");
  const vite = join(root, "node_modules", "vite", "bin", "vite.js");
  execFileSync("node", [vite, "build", "--logLevel", "error", "--outDir", "dist", app], { cwd: project, stdio: "pipe" });
  viteApp = join(app, "dist");
});

engineTest("plain <script type=module> page under a strict CSP", async (t, engine) => {
  checkResult(await inBrowser(engine, plainPage));
});

engineTest("Vite build of an app that imports optin", async (t, engine) => {
  checkResult(await inBrowser(engine, viteApp));
});
