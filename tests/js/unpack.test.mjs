// The start-up decoder as the package ships it: the LZMA-packed module in pkg/optin_wasm.js
// unpacks to exactly the built module, in the steps index.js takes, and a damaged or
// truncated stream is a negative result, never a trap or a wrong "done".
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inlined, unpack } from "./shipped_wasm.mjs";

const root = new URL("../..", import.meta.url).pathname;
const { decoder: decoderBytes, packed } = inlined(readFileSync(join(root, "pkg", "optin_wasm.js"), "utf8"));
const built = readFileSync(join(root, "pkg", "optin_bg.wasm"));

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
