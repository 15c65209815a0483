// The size of optin/ui: pkg/ui.js as shipped (the elements, their CSS and English in one
// file), gzip -9, against its 15 KB budget; each further language (pkg/ui-de.js, …); and what
// each part costs (each source file of src/ui/ minified alone, so the parts add up to a
// little more than the whole). Writes bench/out/ui-size.json. Not a test: it measures.
//   node bench/ui-size.mjs     (after ./scripts/build.sh)
import { mkdirSync, writeFileSync, readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { minify } from "terser";

const root = fileURLToPath(new URL("..", import.meta.url));
const BUDGET = 15 * 1024;
const gz = (text) => gzipSync(text, { level: 9 }).length;

const shipped = readFileSync(join(root, "pkg", "ui.js"));
const main = readFileSync(join(root, "pkg", "index.js"));

/** One source file, minified as the package minifies it, without what it imports. */
async function part(file) {
  const result = await build({ entryPoints: [file], bundle: true, write: false, format: "esm", target: "es2022", external: ["./*"], logLevel: "silent" });
  const { code } = await minify(result.outputFiles[0].text, { module: true, compress: { passes: 3 }, mangle: { toplevel: true }, keep_classnames: true, format: { comments: false } });
  return { file: file.slice(root.length), minified: code.length, gzip: gz(code) };
}

const dir = join(root, "src", "ui");
const files = [
  ...readdirSync(dir).filter((f) => f.endsWith(".js")).map((f) => join(dir, f)),
  ...readdirSync(join(dir, "strings")).filter((f) => f.endsWith(".js")).map((f) => join(dir, "strings", f)),
];
const parts = [];
for (const file of files) parts.push(await part(file));
parts.sort((a, b) => b.gzip - a.gzip);

const languages = Object.fromEntries(["en", "de", "fr", "es"].map((l) => [l, gz(readFileSync(join(root, "pkg", `ui-${l}.js`)))]));
const result = {
  uiGzipBytes: gz(shipped),
  languageGzipBytes: languages,
  uiBytes: shipped.length,
  budgetBytes: BUDGET,
  mainGzipBytes: gz(main),
  parts,
  at: new Date().toISOString(),
};
console.log("| part | minified bytes | gzip -9 bytes |");
console.log("| --- | ---: | ---: |");
for (const p of parts) console.log(`| ${p.file} | ${p.minified} | ${p.gzip} |`);
console.log(`optin/ui (pkg/ui.js, JS and CSS), gzip -9: ${(result.uiGzipBytes / 1024).toFixed(1)} KB (budget 15 KB), ${result.uiBytes} bytes minified`);
for (const [l, bytes] of Object.entries(languages)) console.log(`optin/ui/${l} (pkg/ui-${l}.js), gzip -9: ${(bytes / 1024).toFixed(1)} KB${l === "en" ? " (English is built into optin/ui too)" : ""}`);
const widest = Math.max(...Object.entries(languages).filter(([l]) => l !== "en").map(([, b]) => b));
result.withOneLanguageGzipBytes = result.uiGzipBytes + widest;
console.log(`optin/ui with the largest further language: ${(result.withOneLanguageGzipBytes / 1024).toFixed(1)} KB (budget 15 KB)`);
console.log(`optin (pkg/index.js), gzip -9: ${(result.mainGzipBytes / 1024).toFixed(1)} KB (target 150 KB; it imports no UI code)`);
mkdirSync(join(root, "bench", "out"), { recursive: true });
writeFileSync(join(root, "bench", "out", "ui-size.json"), JSON.stringify(result, null, 2));
console.log("wrote bench/out/ui-size.json");
if (result.withOneLanguageGzipBytes > BUDGET) process.exitCode = 1;
