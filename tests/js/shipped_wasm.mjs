// The two WebAssembly modules inlined in a shipped bundle (pkg/index.js, index.node.js,
// index.cjs): the start-up decoder (plain base64) and the main module (LZMA, base64),
// unpacked the way the package's loader does it.

const bytes = (base64) => new Uint8Array(Buffer.from(base64, "base64"));

/**
 * The decoder's and the packed module's bytes, from a bundle's text: its two long base64
 * string literals, the decoder being the one that is a WebAssembly module ("\0asm").
 */
export function inlined(bundleText) {
  const literals = [...bundleText.matchAll(/["'`]([A-Za-z0-9+/=]{4096,})["'`]/g)].map((m) => m[1]);
  const decoder = literals.filter((l) => l.startsWith("AGFzbQ"));
  const packed = literals.filter((l) => !l.startsWith("AGFzbQ"));
  if (decoder.length !== 1 || packed.length !== 1) {
    throw new Error(`expected one inlined decoder and one packed module, found ${decoder.length} and ${packed.length}`);
  }
  return { decoder: bytes(decoder[0]), packed: bytes(packed[0]) };
}

/**
 * index.js's unpack, returning the decoder's last result rather than throwing: the unpacked
 * size when done, a negative code if not (-1 header, -2 output too small, -3 corrupt).
 */
export async function unpack(decoderBytes, packed, size, chunk = 16384) {
  const { instance } = await WebAssembly.instantiate(decoderBytes);
  const d = instance.exports;
  const at = d.reserve(packed.length, size) >>> 0;
  if (at === 0) return { result: 0 };
  new Uint8Array(d.memory.buffer, at, packed.length).set(packed);
  const begun = d.begin();
  if (begun !== size) return { result: begun, decoder: d };
  let written = 0;
  let steps = 0;
  while (written >= 0 && written < size) {
    written = d.step(chunk);
    steps++;
  }
  return { result: written, steps, out: new Uint8Array(d.memory.buffer, at + packed.length, size), decoder: d };
}

/** The main module's bytes, unpacked. */
export async function mainModule(moduleText) {
  const { decoder, packed } = inlined(moduleText);
  const size = new DataView(packed.buffer, packed.byteOffset).getUint32(5, true);
  const { result, out } = await unpack(decoder, packed, size);
  if (result !== size) throw new Error(`the inlined module does not unpack (${result})`);
  return out.slice();
}
