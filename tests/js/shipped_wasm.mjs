// The two WebAssembly modules inlined in pkg/optin_wasm.js: the start-up decoder (plain
// base64) and the main module (LZMA, base64), unpacked the way index.js does it.

const bytes = (base64) => new Uint8Array(Buffer.from(base64, "base64"));

/** The decoder's and the packed module's bytes, from optin_wasm.js's text. */
export function inlined(moduleText) {
  const decoder = moduleText.match(/export const unlzma = "([A-Za-z0-9+/=]+)"/);
  const packed = moduleText.match(/export default "([A-Za-z0-9+/=]+)"/);
  if (!decoder || !packed) throw new Error("optin_wasm.js: no inlined modules found");
  return { decoder: bytes(decoder[1]), packed: bytes(packed[1]) };
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
  if (result !== size) throw new Error(`optin_wasm.js: the module does not unpack (${result})`);
  return out.slice();
}
