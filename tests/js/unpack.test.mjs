// The start-up decoder as the package ships it: the LZMA-packed module inlined in each entry
// (pkg/index.js, index.node.js, index.cjs) unpacks to exactly the built module, in the steps
// the loader takes, and a damaged or truncated stream is a negative result, never a trap or a
// wrong "done".
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { inlined, unpack } from "./shipped_wasm.mjs";

const root = new URL("../..", import.meta.url).pathname;
const { decoder: decoderBytes, packed } = inlined(readFileSync(join(root, "pkg", "index.js"), "utf8"));
const built = readFileSync(join(root, "pkg", "optin_bg.wasm"));

test("every entry inlines the same decoder and module", () => {
  for (const entry of ["index.node.js", "index.cjs"]) {
    const other = inlined(readFileSync(join(root, "pkg", entry), "utf8"));
    assert.ok(Buffer.from(other.decoder).equals(Buffer.from(decoderBytes)), entry);
    assert.ok(Buffer.from(other.packed).equals(Buffer.from(packed)), entry);
  }
});

test("the shipped stream unpacks to the built module, in many steps", async () => {
  assert.ok(packed.length < built.length * 0.5, `packed ${packed.length} of ${built.length}`);
  const size = new DataView(packed.buffer).getUint32(5, true);
  assert.equal(size, built.length);
  const { result, steps, out } = await unpack(decoderBytes, packed, size);
  assert.equal(result, size);
  assert.ok(steps >= Math.floor(size / 16384), `${steps} steps`);
  assert.ok(Buffer.from(out).equals(built));
  // One step does the same.
  const whole = await unpack(decoderBytes, packed, size, size);
  assert.equal(whole.steps, 1);
  assert.ok(Buffer.from(whole.out).equals(built));
});

test("a truncated stream or a wrong header is an error code", async () => {
  const size = built.length;
  assert.equal((await unpack(decoderBytes, packed.slice(0, packed.length >> 1), size)).result, -3);
  const badProps = packed.slice();
  badProps[0] = 225;
  assert.equal((await unpack(decoderBytes, badProps, size)).result, -1);
  // A header that claims more bytes than the stream holds runs off its end.
  const longer = packed.slice();
  new DataView(longer.buffer).setUint32(5, size + 4096, true);
  assert.equal((await unpack(decoderBytes, longer, size + 4096)).result, -3);
  // The output room must hold what the header declares, and nothing steps without a begin.
  const small = await unpack(decoderBytes, packed, size - 1);
  assert.equal(small.result, -2);
  assert.equal(small.decoder.step(16384), -1);
});

test("memory that can't grow is 0, not a trap", async () => {
  const { instance } = await WebAssembly.instantiate(decoderBytes);
  const d = instance.exports;
  assert.equal(d.reserve(0x7fff0000, 0x7fff0000) >>> 0, 0);
});

test("the package loads where the main thread may compile only 4 KB synchronously", () => {
  // Chrome before 114 throws on `new WebAssembly.Module` of more than 4 KB on the main
  // thread; the loader must then compile the decoder asynchronously.
  const script = `
    const Module = WebAssembly.Module;
    let refused = 0;
    WebAssembly.Module = function (bytes) {
      if (bytes.byteLength > 4096) { refused++; throw new RangeError("WebAssembly.Module(): Buffer size exceeds 4KB"); }
      return new Module(bytes);
    };
    const { Personalizer, version } = await import(${JSON.stringify(join(root, "pkg", "index.js"))});
    const manifest = ${readFileSync(join(root, "tests/fixtures/news-manifest.json"), "utf8")};
    const p = await Personalizer.open(manifest, { storage: "memory" });
    console.log(JSON.stringify({ refused, version: version(), storage: p.storage }));
  `;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  const result = JSON.parse(out.trim().split("\n").pop());
  assert.equal(result.refused, 1, "the synchronous compile was tried and refused once");
  assert.equal(result.storage, "memory");
  assert.match(result.version, /^\d+\.\d+\.\d+/);
});

test("the decoder module has no panic path (no panic messages or source locations in it)", () => {
  // A bounds check that can fail brings core's panic message and the source location into
  // the module's data; crates/unlzma masks or checks every index instead.
  const text = Buffer.from(decoderBytes).toString("latin1");
  for (const sign of ["out of bounds", ".rs", "panicked"]) {
    assert.ok(!text.includes(sign), `the decoder module contains "${sign}"`);
  }
});
