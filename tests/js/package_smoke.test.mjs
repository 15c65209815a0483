// The package as users install it: `npm pack` pkg/, install the tarball into a fresh project,
// then use it from Node ESM, from a plain <script type="module"> page under a strict CSP and
// from a Vite build, each page in every engine (Chromium, Firefox, WebKit; OPTIN_ENGINES
// picks, see engines/index.mjs). Also runs the README's quick-start example.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync, cpSync, readdirSync, statSync } from "node:fs";
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
    "ARCHITECTURE.md", "LICENSE-APACHE", "LICENSE-MIT", "README.md", "docs", "examples", "index.cjs", "index.d.cts", "index.d.ts", "index.js", "index.node.js", "manifest.schema.json", "package.json",
    "ui-de.js", "ui-en.js", "ui-es.js", "ui-fr.js", "ui-strings.d.ts", "ui.d.ts", "ui.js",
  ]);
  // The manifest's JSON Schema, as an app or an editor finds it.
  writeFileSync(join(project, "schema.mjs"), `import schema from "optin/manifest.schema.json" with { type: "json" };\nconsole.log(schema.title);\n`);
  assert.equal(execFileSync("node", ["schema.mjs"], { cwd: project, encoding: "utf8" }).trim(), "optin manifest");
});

// npm shows the packed README.md on the package's page, where a relative path leads nowhere:
// every image is a jsDelivr URL of this version's own copy, which the package ships, and
// every other link of the README's into the package names a file the package holds.
test("the packed README's images and links resolve to files of the package", nodeOnly(), () => {
  const installed = join(project, "node_modules", "optin");
  const { version } = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
  const cdn = `https://cdn.jsdelivr.net/npm/optin@${version}/`;
  const shipped = new Set(
    readdirSync(installed, { recursive: true })
      .map((f) => String(f).split("\\").join("/"))
      .filter((f) => statSync(join(installed, f)).isFile()),
  );
  // The README's prose: fenced blocks and code spans hold code, not links.
  const prose = readFileSync(join(installed, "README.md"), "utf8").replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, "").replace(/(`+)[\s\S]*?\1/g, "");
  const targets = [
    ...[...prose.matchAll(/(!?)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => ({ image: m[1] === "!", url: m[2] })),
    ...[...prose.matchAll(/<img\b[^>]*\bsrc=["']([^"']+)["']/gi)].map((m) => ({ image: true, url: m[1] })),
    ...[...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => ({ image: false, url: m[1] })),
  ];
  assert.ok(targets.some((t) => t.image), "the README shows no image: the scan is broken");
  const problems = [];
  for (const { image, url } of targets) {
    if (url.startsWith("#")) continue;
    const absolute = /^[a-z][a-z0-9+.-]*:|^\/\//i.test(url);
    if (image && !url.startsWith(cdn)) {
      problems.push(`image ${url} is not ${cdn}<a file of the package>`);
      continue;
    }
    if (absolute && !url.startsWith(cdn)) continue; // elsewhere on the web
    const path = decodeURIComponent((absolute ? url.slice(cdn.length) : url).replace(/[?#].*$/, "")).replace(/^\.\//, "");
    if (!shipped.has(path)) problems.push(`${image ? "image" : "link"} ${url}: the package has no ${path}`);
  }
  assert.deepEqual(problems, []);
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
