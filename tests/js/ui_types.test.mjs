// The types of optin/ui (pkg/ui.d.ts, pkg/ui-strings.d.ts) under `tsc --strict`: a usage file
// whose @ts-expect-error lines fail if a type becomes too loose, and every `@example` of the
// declarations exactly as written.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const types = readFileSync(join(root, "pkg", "ui.d.ts"), "utf8");

function compile(dir, files) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, code] of Object.entries(files)) writeFileSync(join(dir, name), code);
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: "es2022", module: "es2022", moduleResolution: "bundler", lib: ["es2022", "dom"], skipLibCheck: false, types: [],
      paths: { optin: [join(root, "pkg", "index.d.ts")], "optin/ui": [join(root, "pkg", "ui.d.ts")], "optin/ui/*": [join(root, "pkg", "ui-strings.d.ts")] },
    },
    include: ["*.ts"],
  }));
  try {
    execFileSync("node", [tsc, "-p", join(dir, "tsconfig.json")], { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
}

const USAGE = `
import { Personalizer, type Manifest } from "optin";
import { addStrings, languages, define, OptinConsent, type OptinConsentDetail } from "optin/ui";
import de from "optin/ui/de";

declare const manifest: Manifest;
addStrings("de", de);
addStrings("de", { turnOn: "Aktivieren", days: { one: "{n} Tag", other: "{n} Tage" } });
const langs: string[] = languages();
define();
const p = await Personalizer.open(manifest);

const consent = document.querySelector("optin-consent");
if (consent) {
  const typed: OptinConsent = consent;
  typed.personalizer = p;
  typed.mode = "banner";
  typed.open = true;
  typed.locale = "de";
  typed.featureLabel = (feature, locale) => (locale === "de" ? feature.replace("topic:", "Thema ") : undefined);
  typed.addEventListener("optin-consent", (e) => {
    const detail: OptinConsentDetail = e.detail;
    const state: "granted" | "notGranted" = detail.state;
    console.log(detail.module, state, detail.record.recordId, detail.erasedCategories.join());
  });
  typed.addEventListener("optin-close", (e) => console.log(e.detail.reason === "dismissed"));
  typed.addEventListener("optin-change", (e) => console.log(e.detail.type));
  typed.addEventListener("click", (e) => console.log(e.clientX));
  // @ts-expect-error: there is no such mode
  typed.mode = "popup";
  // @ts-expect-error: a Personalizer, not its manifest
  typed.personalizer = manifest;
}
const why = document.createElement("optin-why");
why.ranked = p.rank(undefined, { limit: 1 })[0];
why.item = "a-1";
// @ts-expect-error: ranked is a rank() result
why.ranked = { id: "a-1" };
const preview = document.querySelector("optin-preview");
if (preview) preview.samples = manifest.samples;
const data = document.querySelector("optin-your-data");
data?.addEventListener("optin-error", (e) => console.log(e.detail.error.message));
console.log(langs);
export {};
`;

/** Every `@example` in the declarations: the comment lines after the tag, up to the next tag. */
function examples(text) {
  const out = [];
  for (const [comment] of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const lines = comment.split("\n").map((l) => l.replace(/^\s*\/?\*+\/?\s?/, "").replace(/\*\/$/, ""));
    const at = lines.findIndex((l) => l.startsWith("@example"));
    if (at >= 0) out.push(lines.slice(at + 1).join("\n").trim());
  }
  return out;
}

test("optin/ui's types: elements by tag name, typed attributes, properties and events, under tsc --strict", () => {
  compile(join(root, "target", "ui-types"), { "usage.ts": USAGE });
});

test("every @example of ui.d.ts compiles as written", () => {
  const found = examples(types);
  assert.ok(found.length >= 5, `found only ${found.length} examples`);
  const prelude = `import { Personalizer, type Manifest } from "optin";\nimport { addStrings } from "optin/ui";\ndeclare const p: Personalizer;\ndeclare const manifest: Manifest;\nvoid [Personalizer, addStrings];\n`;
  compile(join(root, "target", "ui-types-examples"), Object.fromEntries(found.map((code, i) => [`example-${i}.ts`, `${prelude}${code}\nexport {};\n`])));
});

test("a misuse fails that check", () => {
  assert.throws(() => compile(join(root, "target", "ui-types-planted"), { "planted.ts": `import "optin/ui";\ndocument.querySelector("optin-consent")!.mode = "popup";\nexport {};\n` }), /TS2322/);
});
