// Loads the WebAssembly module on first use, not at import: `import "optin"` has no side
// effect, and a page where WebAssembly can't run (a Content-Security-Policy without
// 'wasm-unsafe-eval', an engine without SIMD) still renders; the first `Personalizer.open`
// rejects with an OptinError of code "unsupported", which the app can catch.
//
// The module is inlined LZMA-packed (crates/pack), and unpacked by a small decoder module of
// our own (crates/unlzma): nothing is fetched, not even the package's own module.

import * as glue from "./optin_bg.js";
import packedBase64, { unlzma } from "./optin_wasm.js";
import { isOwn, optinError } from "./host.js";

let ready = null;
let loading = null;

function decodeBase64(text) {
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// Unpacks the LZMA-packed module with the decoder module: room for the packed and the
// unpacked bytes, the packed go in, then many short steps rather than one long call, so that
// the engine's optimized code takes over after the first few.
function unpack(decoder, packed) {
  const size = new DataView(packed.buffer, packed.byteOffset, packed.length).getUint32(5, true);
  const at = decoder.reserve(packed.length, size) >>> 0;
  if (at === 0) throw optinError("unsupported", "not enough memory to unpack the WebAssembly module");
  new Uint8Array(decoder.memory.buffer, at, packed.length).set(packed);
  let written = decoder.begin() === size ? 0 : -1;
  while (written >= 0 && written < size) written = decoder.step(16384);
  if (written !== size) throw optinError("internal", `the packed WebAssembly module is damaged (${written})`);
  // Instantiation copies the bytes, so a view into the decoder's memory will do.
  return new Uint8Array(decoder.memory.buffer, at + packed.length, size);
}

function start(instance) {
  glue.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  ready = glue;
  return glue;
}

function unsupported(e) {
  if (isOwn(e)) return e;
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return optinError(
    "unsupported",
    `WebAssembly can't run here (${what}); under a Content-Security-Policy, allow 'wasm-unsafe-eval' in script-src`,
  );
}

/** The module's glue, loading the module first if needed. Rejects with code "unsupported". */
export function load() {
  if (ready) return Promise.resolve(ready);
  loading ??= (async () => {
    try {
      if (typeof WebAssembly !== "object") throw new Error("no WebAssembly");
      const decoderBytes = decodeBase64(unlzma);
      // Compiled synchronously where allowed (an await costs a task's turn); Chrome before 114
      // compiles at most 4 KB synchronously on the main thread.
      let decoder;
      try {
        decoder = new WebAssembly.Instance(new WebAssembly.Module(decoderBytes)).exports;
      } catch {
        decoder = (await WebAssembly.instantiate(decoderBytes)).instance.exports;
      }
      const bytes = unpack(decoder, decodeBase64(packedBase64));
      const { instance } = await WebAssembly.instantiate(bytes, { "./optin_bg.js": glue });
      return ready ?? start(instance);
    } catch (e) {
      loading = null;
      throw unsupported(e);
    }
  })();
  return loading;
}

/**
 * The glue, loading the module synchronously if needed (for `new Aggregator`); throws code
 * "unsupported" where synchronous compilation is refused (call `await init()` first there).
 */
export function loadSync() {
  if (ready) return ready;
  try {
    const decoder = new WebAssembly.Instance(new WebAssembly.Module(decodeBase64(unlzma))).exports;
    const module = new WebAssembly.Module(unpack(decoder, decodeBase64(packedBase64)));
    return start(new WebAssembly.Instance(module, { "./optin_bg.js": glue }));
  } catch (e) {
    throw unsupported(e);
  }
}
