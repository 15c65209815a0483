// Promise 5, tested on the built package in pkg/: no network API in the shipped bundles (the
// entry, the glue, the IndexedDB store, optin/ui and its languages) or the wasm module's
// imports. The scanner is shown to flag planted regressions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { scanJs, scanWasm, wasmImports } from "./network_guard.mjs";
import { inlined, mainModule } from "./shipped_wasm.mjs";

const root = new URL("../../", import.meta.url).pathname;
const pkg = join(root, "pkg");
// The glue as it went into the bundles (scripts/package.mjs stages it), to resolve imports.
const stagedGlue = join(process.env.OPTIN_PACKAGE_INPUTS ?? join(root, "target", "package"), "stage", "optin_bg.js");
const bundle = () => readFileSync(join(pkg, "index.js"), "utf8");

test("the shipped JS reaches no network API", () => {
  const files = readdirSync(pkg).filter((f) => /\.(c?js)$/.test(f));
  assert.deepEqual(files.sort(), ["index.cjs", "index.js", "index.node.js", "ui-de.js", "ui-en.js", "ui-es.js", "ui-fr.js", "ui.js"], `unexpected pkg contents: ${files}`);
  for (const f of files) {
    // The inlined modules are base64 text: scanned below as modules, not as JS.
    const code = readFileSync(join(pkg, f), "utf8").replace(/(["'`])[A-Za-z0-9+/=]{4096,}\1/g, '""');
    assert.deepEqual(scanJs(code), [], f);
  }
});

test("the shipped wasm imports only glue functions and no network API", async () => {
  const wasm = await mainModule(bundle());
  const imports = wasmImports(wasm);
  assert.ok(imports.length > 10, `found only ${imports.length} imports: the parser is broken`);
  // The shipped import names are short (scripts/short-names.mjs), so the name patterns see
  // nothing; what holds the guarantee is that every import comes from the glue module (a
  // foreign module is flagged here) and is a glue function, whose code is scanned above.
  assert.deepEqual(scanWasm(wasm), []);
  // Every import resolves to a function the glue module exports (the glue, scanned above, is
  // then all the module can reach). Loading the glue alone runs nothing: it waits for the wasm.
  const glue = await import(stagedGlue);
  for (const { name } of imports) {
    assert.equal(typeof glue[name], "function", `import ${name} has no glue function`);
  }
});

test("the start-up decoder imports nothing at all", () => {
  const { decoder } = inlined(bundle());
  assert.ok(WebAssembly.validate(decoder));
  assert.deepEqual(wasmImports(decoder), []);
});

test("the scanner flags glue that does reach the network", () => {
  const glue = readFileSync(stagedGlue, "utf8");
  const planted = [
    ["fetch", "export function __wbg_fetch_1a2b(arg0, arg1) { const ret = arg0.fetch(arg1); return ret; }"],
    ["fetch", "export function __wbg_get_x() { return fetch('https://collector.example/p'); }"],
    ["sendBeacon", "export function __wbg_sendBeacon_9f(a, b) { return navigator.sendBeacon(a, b); }"],
    ["WebSocket", "export function __wbg_new_77(a) { return new WebSocket(a); }"],
    ["XMLHttpRequest", "const x = new XMLHttpRequest();"],
    ["EventSource", "new EventSource('/events')"],
    ["importScripts", "importScripts('x.js')"],
    ["Image ping", "const img = new Image(); img.src = url;"],
  ];
  for (const [api, code] of planted) {
    assert.ok(scanJs(glue + "\n" + code).includes(api), `missed ${api} in: ${code}`);
  }
  // Words that merely look alike are not flagged.
  assert.deepEqual(scanJs("const prefetched = 1; obj.fetchCount = 2; // fetch data"), []);
});

test("the scanner flags a wasm module that imports a network function", () => {
  // A minimal module: one function type, one import "./optin_bg.js" "__wbg_fetch_abc".
  const enc = (s) => [s.length, ...new TextEncoder().encode(s)];
  const importEntry = [1, ...enc("./optin_bg.js"), ...enc("__wbg_fetch_abc123"), 0x00, 0x00];
  const bytes = Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
    0x02, importEntry.length, ...importEntry,
  ]);
  assert.equal(new WebAssembly.Module(bytes) instanceof WebAssembly.Module, true, "the test module is valid wasm");
  assert.deepEqual(wasmImports(bytes), [{ module: "./optin_bg.js", name: "__wbg_fetch_abc123", kind: 0 }]);
  assert.deepEqual(scanWasm(bytes), ["fetch (__wbg_fetch_abc123)"]);
  const foreign = [1, ...enc("env"), ...enc("send"), 0x00, 0x00];
  const other = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x01, 0x04, 0x01, 0x60, 0, 0, 0x02, foreign.length, ...foreign]);
  assert.deepEqual(scanWasm(other), ["import from foreign module env"]);
});
