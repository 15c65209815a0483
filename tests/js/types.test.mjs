// The package's TypeScript types: a usage example compiles with `tsc --strict`, loose types
// are caught by @ts-expect-error lines, and no public signature says `any`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const root = new URL("../..", import.meta.url).pathname;

test("the usage example type-checks with tsc --strict against pkg/", () => {
  const tsc = `${root}node_modules/typescript/bin/tsc`;
  try {
    execFileSync("node", [tsc, "-p", `${root}tests/types/tsconfig.json`], { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
});

test("no public signature is typed any", () => {
  for (const file of ["optin.d.ts", "index.d.ts"]) {
    const text = readFileSync(`${root}pkg/${file}`, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
    const anys = text.split("\n").filter((l) => /\bany\b/.test(l));
    assert.deepEqual(anys, [], `${file} uses any`);
  }
});

test("every error code the Rust side produces is in the OptinErrorCode type", () => {
  const listed = new Set(readFileSync(`${root}src/js/error_codes.txt`, "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#")));
  const sources = execFileSync("grep", ["-rhoE", `(=> "[a-z]+(-[a-z]+)+"|=> "closed"|=> "internal"|optin_error\\("[a-z-]+")`, `${root}src`], { encoding: "utf8" });
  const produced = new Set([...sources.matchAll(/"([a-z-]+)"/g)].map((m) => m[1]));
  assert.ok(produced.size >= 8, `found only ${[...produced]}`);
  for (const code of produced) assert.ok(listed.has(code), `code ${code} is missing from src/js/error_codes.txt`);
});
