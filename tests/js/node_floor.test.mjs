// The package on the oldest Node its "engines" field names (installed by scripts/setup.sh from
// the npm registry): ES module and CommonJS entries, record ids and private reports from
// Node's secure random source (Node 18 has no globalThis.crypto), the README's quick start.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const engines = JSON.parse(readFileSync(join(root, "pkg", "package.json"), "utf8")).engines.node;
const floor = engines.replace(/^>=\s*/, "").split(".").concat(["0", "0"]).slice(0, 3).join(".");
const arch = process.arch === "arm64" ? "arm64" : "x64";
const node = join(root, "target", "tools", `node-${floor}`, "node_modules", `node-linux-${arch}`, "bin", "node");
const fixture = readFileSync(join(root, "tests/fixtures/news-manifest.json"), "utf8");
let project;

before(() => {
  assert.ok(existsSync(node), `Node ${floor} is not installed at ${node}: run scripts/setup.sh`);
  project = mkdtempSync(join(tmpdir(), "optin-floor-"));
  const packed = execFileSync("npm", ["pack", join(root, "pkg"), "--pack-destination", project, "--json"], { encoding: "utf8" });
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "floor", private: true, type: "module" }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", join(project, JSON.parse(packed)[0].filename)], { cwd: project, stdio: "pipe" });
  writeFileSync(join(project, "manifest.json"), fixture);
});

after(() => rmSync(project, { recursive: true, force: true }));

function run(file, code) {
  writeFileSync(join(project, file), code);
  return execFileSync(node, [file], { cwd: project, encoding: "utf8" }).trim();
}

test(`this is the oldest Node the package claims (${engines})`, () => {
  assert.equal(execFileSync(node, ["--version"], { encoding: "utf8" }).trim(), `v${floor}`);
  assert.equal(run("crypto.mjs", "console.log(typeof globalThis.crypto)"), "undefined", "the floor must be a Node without globalThis.crypto, or this test proves less");
});

const usage = `
  const manifest = ${fixture};
  const a = await Personalizer.open(manifest, { storage: "memory" });
  const ids = [];
  for (const m of ["topics", "similar", "topics"]) ids.push((await (ids.length === 2 ? a.revoke(m) : a.grant(m))).recordId);
  await a.grant("insights");
  const report = await a.privateReport("feed-helpful", true);
  const b = await Personalizer.open(manifest, { storage: "memory" });
  const summary = await b.importConsent(a.exportConsent());
  console.log(JSON.stringify({ ids, mechanism: report.mechanism, applied: summary.applied, states: b.modules().map((m) => m.state).join(",") }));
`;

function checkIds(result) {
  assert.equal(new Set(result.ids).size, 3, `ids repeat: ${result.ids}`);
  for (const id of result.ids) {
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok(!id.startsWith("00000000"), `not a random id: ${id}`);
  }
  assert.equal(result.mechanism, "rr");
  assert.equal(result.applied, 3, "every decision of the other device applies");
  assert.equal(result.states, "granted,notGranted,granted,notGranted,granted");
}

test("ES module: random record ids, private reports, a consent import that applies every decision", () => {
  checkIds(JSON.parse(run("usage.mjs", `import { Personalizer } from "optin";\n${usage}`)));
});

test("CommonJS: the same", () => {
  checkIds(JSON.parse(run("usage.cjs", `const { Personalizer } = require("optin");\n(async () => {\n${usage}\n})();`)));
});

test("the README's quick start prints what the README says", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const [, code, expected] = readme.match(/<!-- example: quickstart -->\s*```js\n([\s\S]*?)```\s*Prints:\s*```text\n([\s\S]*?)```/);
  assert.equal(run("quickstart.mjs", code), expected.trim());
});
