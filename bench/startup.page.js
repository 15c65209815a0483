// Runs in headless Chromium, in a fresh browser each time: how long the package takes to start.
// The import is dynamic so the clock starts before any of the package is fetched.
import manifest from "./manifest.json" with { type: "json" };

const t0 = performance.now();
const { Personalizer } = await import("./node_modules/optin/index.js");
const imported = performance.now();
const p = await Personalizer.open(manifest, { storage: "memory" });
const opened = performance.now();
p.close();

// The parts of the import, each done again on its own (the module's files are cached now):
// the base64 decode both ways index.js does it (natively where the browser has
// Uint8Array.fromBase64, else atob and a loop), unpacking, compiling. The unpack here is
// warm: the browser reuses the decoder's compiled (and optimized) code from the import.
async function parts() {
  const start = performance.now();
  const { default: base64, unlzma } = await import("./node_modules/optin/optin_wasm.js");
  const a = performance.now();
  const native = typeof Uint8Array.fromBase64 === "function" ? Uint8Array.fromBase64(base64) : null;
  const b = performance.now();
  const binary = atob(base64);
  const packed = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) packed[i] = binary.charCodeAt(i);
  const c = performance.now();
  const wasm = await unpack(unlzma, packed);
  const d = performance.now();
  await WebAssembly.compile(wasm);
  const e = performance.now();
  return {
    moduleImportMs: a - start,
    nativeBase64Ms: native ? b - a : null,
    loopBase64Ms: c - b,
    unpackMs: d - c,
    compileMs: e - d,
    wasmBytes: wasm.length,
    packedBytes: packed.length,
  };
}

// As index.js does it.
async function unpack(decoderBase64, packed) {
  const { instance } = await WebAssembly.instantiate(Uint8Array.from(atob(decoderBase64), (c) => c.charCodeAt(0)));
  const d = instance.exports;
  const size = new DataView(packed.buffer).getUint32(5, true);
  const at = d.reserve(packed.length, size) >>> 0;
  new Uint8Array(d.memory.buffer, at, packed.length).set(packed);
  let written = d.begin() === size ? 0 : -1;
  while (written >= 0 && written < size) written = d.step(16384);
  if (written !== size) throw new Error("unpack failed");
  return new Uint8Array(d.memory.buffer, at + packed.length, size).slice();
}

// When the last of the package's files had arrived (from 127.0.0.1), counted from the import.
const fetchedMs = Math.max(...performance.getEntriesByType("resource")
  .filter((r) => r.name.includes("/node_modules/optin/"))
  .map((r) => r.responseEnd)) - t0;

window.bench = async () => ({ importMs: imported - t0, fetchedMs, openMs: opened - imported, ...(await parts()) });
