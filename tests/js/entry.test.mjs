// How the package loads, as an app meets it: importing it runs nothing (no WebAssembly until
// the first open), so a page where WebAssembly is forbidden still renders and open rejects
// with a code; `require` works; a bundle for older Safari builds (no top-level await).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "../../scripts/serve.mjs";
import { engineTest, launch, nodeOnly } from "./engines/index.mjs";

const root = new URL("../..", import.meta.url).pathname;
const fixture = readFileSync(join(root, "tests/fixtures/news-manifest.json"), "utf8");
let project;

before(() => {
  project = mkdtempSync(join(tmpdir(), "optin-entry-"));
  const packed = execFileSync("npm", ["pack", join(root, "pkg"), "--pack-destination", project, "--json"], { encoding: "utf8" });
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "entry", private: true }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", join(project, JSON.parse(packed)[0].filename)], { cwd: project, stdio: "pipe" });
});

after(() => rmSync(project, { recursive: true, force: true }));

test("importing the package compiles no WebAssembly; the first open does", nodeOnly(), () => {
  const script = `
    let compiled = 0;
    for (const name of ["instantiate", "compile"]) {
      const original = WebAssembly[name];
      WebAssembly[name] = (...args) => (compiled++, original(...args));
    }
    const Module = WebAssembly.Module;
    WebAssembly.Module = function (bytes) { compiled++; return new Module(bytes); };
    const { Personalizer } = await import("optin");
    const atImport = compiled;
    const p = await Personalizer.open(${fixture}, { storage: "memory" });
    console.log(JSON.stringify({ atImport, afterOpen: compiled, rank: p.rank().length }));
  `;
  writeFileSync(join(project, "import.mjs"), script);
  const result = JSON.parse(execFileSync(process.execPath, ["import.mjs"], { cwd: project, encoding: "utf8" }).trim());
  assert.equal(result.atImport, 0);
  assert.ok(result.afterOpen >= 2, `compiled ${result.afterOpen} modules at open`);
});

test("require('optin') works in CommonJS, and gives the same API", nodeOnly(), () => {
  writeFileSync(
    join(project, "require.cjs"),
    `const { Personalizer, OptinError, version } = require("optin");
     Personalizer.open(${fixture}, { storage: "memory" }).then(async (p) => {
       await p.grant("topics");
       let code;
       try { await p.grant("gps"); } catch (e) { code = e instanceof OptinError && e.code; }
       console.log(JSON.stringify({ version: version(), state: p.modules()[1].state, code }));
     });`,
  );
  const result = JSON.parse(execFileSync(process.execPath, ["require.cjs"], { cwd: project, encoding: "utf8" }).trim());
  assert.deepEqual(result, { version: JSON.parse(readFileSync(join(root, "pkg", "package.json"), "utf8")).version, state: "granted", code: "unknown-module" });
});

async function inBrowser(engine, dir) {
  const server = await serve(dir);
  const page = await launch(engine);
  try {
    await page.goto(server.url + "index.html");
    const result = await page.waitForFunction(() => window.__result, undefined, { timeout: 30_000 });
    return { result, errors: await page.errors() };
  } finally {
    await page.close();
    await server.close();
  }
}

engineTest("a page whose CSP forbids WebAssembly renders, and open rejects with 'unsupported'", async (t, engine) => {
  const page = join(project, `csp-page-${engine}`);
  mkdirSync(page, { recursive: true });
  cpSync(join(project, "node_modules"), join(page, "node_modules"), { recursive: true });
  // No 'wasm-unsafe-eval': the meta policy narrows the server's.
  writeFileSync(
    join(page, "index.html"),
    `<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="script-src 'self'"><title>csp</title><link rel="icon" href="data:,"><script type="module" src="./main.js"></script><main id="feed"></main>`,
  );
  writeFileSync(
    join(page, "main.js"),
    `import { Personalizer, OptinError } from "./node_modules/optin/index.js";
     // The app renders its baseline first: the import above must not have thrown.
     document.getElementById("feed").textContent = "stories in the editors' order";
     const result = { rendered: document.getElementById("feed").textContent };
     try {
       await Personalizer.open(${fixture});
       result.opened = true;
     } catch (e) {
       result.isOptinError = e instanceof OptinError;
       result.code = e.code;
       result.message = e.message;
     }
     window.__result = result;`,
  );
  const { result, errors } = await inBrowser(engine, page);
  assert.equal(result.rendered, "stories in the editors' order");
  assert.equal(result.opened, undefined, "WebAssembly ran under a policy that forbids it");
  assert.equal(result.isOptinError, true);
  assert.equal(result.code, "unsupported");
  assert.match(result.message, /wasm-unsafe-eval/);
  // The browser may log the refused compilation; nothing else may go wrong.
  assert.deepEqual(errors.filter((e) => !/WebAssembly|wasm|unsafe-eval|Content.Security.Policy|CSP/i.test(e)), []);
});

engineTest("a Vite build for Safari 14 (no top-level await) bundles the package and runs", async (t, engine) => {
  const app = join(project, `vite-safari-${engine}`);
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, "index.html"), `<!doctype html><meta charset="utf-8"><title>vite</title><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>`);
  writeFileSync(
    join(app, "main.js"),
    `import { Personalizer } from "optin";
     Personalizer.open(${fixture}, { storage: "memory" }).then(async (p) => {
       await p.grant("topics");
       window.__result = { states: p.modules().map((m) => m.state).join(",") };
     });`,
  );
  const vite = join(root, "node_modules", "vite", "bin", "vite.js");
  execFileSync("node", [vite, "build", "--logLevel", "error", "--target", "safari14", "--outDir", "dist", app], { cwd: project, stdio: "pipe" });
  const { result, errors } = await inBrowser(engine, join(app, "dist"));
  assert.equal(result.states, "granted,granted,notGranted,notGranted,notGranted");
  assert.deepEqual(errors, []);
});
