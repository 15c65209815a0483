// scripts/short-names.mjs, which renames what the module and its glue share: on a small
// module made here byte by byte, and its refusals (a name the glue already uses, an import
// the glue lacks). The shipped package is renamed by it; every other package test runs on that.
import { test } from "node:test";
import assert from "node:assert/strict";
import { shortenModule, shortenGlue } from "../../scripts/short-names.mjs";

const str = (s) => [s.length, ...Buffer.from(s)];
const section = (id, bytes) => [id, bytes.length, ...bytes];

// (module (type (func)) (import "./optin_bg.js" "__wbg_log_0123456789abcdef" (func))
//   (import "env" "other" (func)) (memory 1) (func) (export "memory" (memory 0))
//   (export "personalizer_rank" (func 2)) (export "__wbindgen_start" (func 2)))
const module = Buffer.from([
  0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
  ...section(1, [1, 0x60, 0, 0]),
  ...section(2, [2, ...str("./optin_bg.js"), ...str("__wbg_log_0123456789abcdef"), 0, 0, ...str("env"), ...str("other"), 0, 0]),
  ...section(3, [1, 0]),
  ...section(5, [1, 0, 1]),
  ...section(7, [3, ...str("memory"), 2, 0, ...str("personalizer_rank"), 0, 2, ...str("__wbindgen_start"), 0, 2]),
  ...section(10, [1, 2, 0, 0x0b]),
]);

const importsOf = (bytes) => WebAssembly.Module.imports(new WebAssembly.Module(bytes)).map((i) => `${i.module}:${i.name}`);
const exportsOf = (bytes) => WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name);

test("renames the glue's function imports and the exports, and nothing else", () => {
  assert.deepEqual(importsOf(module), ["./optin_bg.js:__wbg_log_0123456789abcdef", "env:other"]);
  const { wasm, imports, exports } = shortenModule(module);
  assert.ok(WebAssembly.validate(wasm));
  assert.deepEqual(importsOf(wasm), ["./optin_bg.js:_0", "env:other"]);
  assert.deepEqual(exportsOf(wasm), ["memory", "$0", "__wbindgen_start"]);
  assert.deepEqual([...imports], [["__wbg_log_0123456789abcdef", "_0"]]);
  assert.deepEqual([...exports], [["personalizer_rank", "$0"]]);
});

test("rewrites the glue: import names everywhere, export names only after wasm.", () => {
  const { imports, exports } = shortenModule(module);
  const glue = [
    "export function __wbg_log_0123456789abcdef(a) { console.log(a); }",
    "function personalizer_rank() { return wasm.personalizer_rank(); }",
    "const m = wasm.memory; wasm.__wbindgen_start();",
  ].join("\n");
  assert.equal(
    shortenGlue(glue, imports, exports),
    [
      "export function _0(a) { console.log(a); }",
      "function personalizer_rank() { return wasm.$0(); }",
      "const m = wasm.memory; wasm.__wbindgen_start();",
    ].join("\n"),
  );
});

test("refuses a glue that lacks an import or already uses a short name", () => {
  const { imports, exports } = shortenModule(module);
  assert.throws(() => shortenGlue("function unrelated() {}", imports, exports), /not in the glue/);
  assert.throws(
    () => shortenGlue("export function __wbg_log_0123456789abcdef() {} const _0 = 1;", imports, exports),
    /_0 is already used/,
  );
});
