// The package's TypeScript types, compiled with `tsc --strict` against pkg/index.d.ts: a usage
// file (its @ts-expect-error lines fail if a type becomes too loose), every code example of
// the README and every `@example` of the declarations, exactly as written; no `any`; and the
// error codes the code can produce are the ones the types list.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const types = readFileSync(join(root, "pkg", "index.d.ts"), "utf8");

function compile(project) {
  try {
    execFileSync("node", [tsc, "-p", project], { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
}

test("the usage example type-checks with tsc --strict against pkg/", () => {
  compile(join(root, "tests", "types", "tsconfig.json"));
});

/** Every `@example` in the declarations: the comment lines after the tag, up to the next tag. */
export function docExamples(text) {
  const out = [];
  for (const [comment] of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const lines = comment.split("\n").map((l) => l.replace(/^\s*\/?\*+\/?\s?/, "").replace(/\*\/$/, ""));
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i].startsWith("@example")) continue;
      const body = [];
      for (i++; i < lines.length && !lines[i].startsWith("@"); i++) body.push(lines[i]);
      i--;
      out.push(body.join("\n").trim());
    }
  }
  return out.filter(Boolean);
}

/** Every code block of the README, as [extension, code]: JavaScript is type-checked as JS. */
function readmeExamples() {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  return [...readme.matchAll(/```(js|ts|javascript|typescript)\n([\s\S]*?)```/g)].map((m) => [/^j/.test(m[1]) ? "mjs" : "ts", m[2]]);
}

// What a fragment may assume: an opened instance, a manifest, another device, a report...
// A name the example defines itself is left out.
const PRELUDE = [
  ["manifest", "declare const manifest: Manifest;"],
  ["p", "declare const p: Personalizer;"],
  ["other", "declare const other: Personalizer;"],
  ["report", "declare const report: Report;"],
  ["worker", "declare const worker: Worker;"],
];

function asModule(code) {
  if (/^\s*import\s/m.test(code)) return code;
  const defines = (name) => new RegExp(`\\b(?:const|let|var|function|class)\\s+(?:\\{[^}]*\\b${name}\\b[^}]*\\}|${name}\\b)`).test(code);
  const declared = PRELUDE.filter(([name]) => !defines(name)).map(([, line]) => line);
  return `import { Personalizer, Aggregator, OptinError, init, version, type Manifest, type Report } from "optin";\n${declared.join("\n")}\nvoid [Personalizer, Aggregator, OptinError, init, version];\n${code}\nexport {};\n`;
}

/** Compiles each [file name, code] as a module against pkg/; throws tsc's output on an error. */
function compileExamples(dir, examples) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, code] of examples) writeFileSync(join(dir, name), name.endsWith(".ts") ? asModule(code) : code);
  // Strict, as users compile; JavaScript examples are checked as JavaScript, where a
  // parameter without a JSDoc type is normal (checkJs reports it only under noImplicitAny).
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noImplicitAny: examples.every(([name]) => name.endsWith(".ts")),
        allowJs: true,
        checkJs: true,
        noEmit: true,
        target: "es2022",
        module: "nodenext",
        moduleResolution: "nodenext",
        lib: ["es2022", "dom"],
        types: ["node"],
        typeRoots: [join(root, "node_modules", "@types")],
        skipLibCheck: false,
        paths: { optin: [join(root, "pkg", "index.d.ts")], "optin/ui": [join(root, "pkg", "ui.d.ts")], "optin/ui/*": [join(root, "pkg", "ui-strings.d.ts")] },
      },
      include: ["*.ts", "*.mjs"],
    }),
  );
  compile(join(dir, "tsconfig.json"));
}

test("every README code example and every @example of the types compiles with tsc --strict", () => {
  const examples = [...readmeExamples().map(([ext, c], i) => [`readme-${i}.${ext}`, c]), ...docExamples(types).map((c, i) => [`doc-${i}.ts`, c])];
  assert.ok(examples.length >= 20, `found only ${examples.length} examples: the scan is broken`);
  compileExamples(join(root, "target", "types-examples-ts"), examples.filter(([name]) => name.endsWith(".ts")));
  compileExamples(join(root, "target", "types-examples-js"), examples.filter(([name]) => name.endsWith(".mjs")));
});

test("an example that misuses the API fails that check", () => {
  // The scan and the prelude must not make wrong code pass, or the test above proves nothing.
  const planted = docExamples("/**\n * Does x.\n *\n * @example\n * p.rank(42);\n * @default 1\n */");
  assert.deepEqual(planted, ["p.rank(42);"]);
  assert.throws(() => compileExamples(join(root, "target", "types-planted"), [["planted.ts", planted[0]]]), /TS2345/);
});

test("no public signature is typed any", () => {
  const text = types.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  const anys = text.split("\n").filter((l) => /\bany\b/.test(l));
  assert.deepEqual(anys, [], "index.d.ts uses any");
});

test("the OptinErrorCode type lists exactly the documented codes, and every code the code can produce", () => {
  const listed = readFileSync(join(root, "src", "js", "error_codes.txt"), "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  const union = types.match(/export type OptinErrorCode =([^;]*);/);
  assert.ok(union, "no OptinErrorCode type");
  assert.deepEqual([...union[1].matchAll(/"([a-z-]+)"/g)].map((m) => m[1]).sort(), [...listed].sort());
  const rust = execFileSync("grep", ["-rhoE", `(=> "[a-z]+(-[a-z]+)+"|=> "closed"|=> "internal"|optin_error\\("[a-z-]+")`, join(root, "src")], { encoding: "utf8" });
  const js = execFileSync("grep", ["-rhoE", `(OptinError\\("[a-z-]+"|fail\\("[a-z-]+"|code = "[a-z-]+")`, join(root, "src", "js")], { encoding: "utf8" });
  const produced = new Set([...`${rust}\n${js}`.matchAll(/"([a-z-]+)"/g)].map((m) => m[1]));
  assert.ok(produced.size >= 10, `found only ${[...produced]}`);
  for (const code of produced) assert.ok(listed.includes(code), `code ${code} is missing from src/js/error_codes.txt`);
});
