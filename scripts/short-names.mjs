// Shortens the names the module and its JS glue share, in pkg/optin_bg.wasm and
// pkg/optin_bg.js together: wasm-bindgen names every import like
// `__wbg_transaction_a33b157a857a5e54` (a 16-digit hash that doesn't compress) and every
// export like `personalizer_setCatalogPacked`, and each name appears in both files. Imports
// become `_0`, `_1`, ..., exports `$0`, `$1`, ...; the public API (the classes and their
// methods in optin_bg.js) keeps its names. Saves ~3 KB of the package after compression.
//   node scripts/short-names.mjs pkg/optin_bg.wasm pkg/optin_bg.js   (scripts/build.sh runs it)
import { readFileSync, writeFileSync } from "node:fs";
import { readLeb, leb, name } from "./wasm-bytes.mjs";

const GLUE_MODULE = "./optin_bg.js";
// Looked up by name outside optin_bg.js: index.js calls `__wbindgen_start`.
const KEEP_EXPORTS = new Set(["memory", "__wbindgen_start"]);

// A name: its byte length, then UTF-8.
function readName(buf, at) {
  const [length, start] = readLeb(buf, at);
  return [buf.subarray(start, start + length).toString("utf8"), start + length];
}


// Skips a table's or memory's limits: a flags byte, the minimum, the maximum if flagged.
function skipLimits(buf, at) {
  const flags = buf[at++];
  [, at] = readLeb(buf, at);
  if (flags & 1) [, at] = readLeb(buf, at);
  return at;
}

// The end of one import's descriptor (function, table, memory, global or tag).
function skipImportDesc(buf, at) {
  const kind = buf[at++];
  switch (kind) {
    case 0: return readLeb(buf, at)[1];
    case 1: return skipLimits(buf, at + 1);
    case 2: return skipLimits(buf, at);
    case 3: return at + 2;
    case 4: return readLeb(buf, at + 1)[1];
    default: throw new Error(`short-names: unknown import kind ${kind}`);
  }
}

function rewriteImports(buf, start, end, renames) {
  let [count, at] = readLeb(buf, start);
  const out = [leb(count)];
  while (count--) {
    let module, field;
    [module, at] = readName(buf, at);
    [field, at] = readName(buf, at);
    const descEnd = skipImportDesc(buf, at);
    let short = field;
    if (module === GLUE_MODULE && buf[at] === 0) {
      short = `_${renames.size.toString(36)}`;
      renames.set(field, short);
    }
    out.push(name(module), name(short), buf.subarray(at, descEnd));
    at = descEnd;
  }
  if (at !== end) throw new Error("short-names: the import section did not parse to its end");
  return Buffer.concat(out);
}

function rewriteExports(buf, start, end, renames) {
  let [count, at] = readLeb(buf, start);
  const out = [leb(count)];
  while (count--) {
    let field;
    [field, at] = readName(buf, at);
    const descEnd = readLeb(buf, at + 1)[1];
    let short = field;
    if (!KEEP_EXPORTS.has(field)) {
      short = `$${renames.size.toString(36)}`;
      renames.set(field, short);
    }
    out.push(name(short), buf.subarray(at, descEnd));
    at = descEnd;
  }
  if (at !== end) throw new Error("short-names: the export section did not parse to its end");
  return Buffer.concat(out);
}

/** Rewrites the module's import and export names; returns the two rename maps. */
export function shortenModule(wasm) {
  const imports = new Map();
  const exports = new Map();
  const parts = [wasm.subarray(0, 8)];
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at];
    const [size, start] = readLeb(wasm, at + 1);
    const end = start + size;
    if (id === 2 || id === 7) {
      const body = id === 2 ? rewriteImports(wasm, start, end, imports) : rewriteExports(wasm, start, end, exports);
      parts.push(Buffer.from([id]), leb(body.length), body);
    } else {
      parts.push(wasm.subarray(at, end));
    }
    at = end;
  }
  return { wasm: Buffer.concat(parts), imports, exports };
}

const escape = (s) => s.replace(/[$]/g, "\\$");

/** Applies the renames to the glue; throws if a name is missing or a new one is taken. */
export function shortenGlue(glue, imports, exports) {
  for (const short of [...imports.values(), ...exports.values()]) {
    if (new RegExp(`(?<![\\w$])${escape(short)}(?![\\w$])`).test(glue)) {
      throw new Error(`short-names: ${short} is already used in the glue`);
    }
  }
  for (const [long, short] of imports) {
    const re = new RegExp(`(?<![\\w$])${escape(long)}(?![\\w$])`, "g");
    if (!re.test(glue)) throw new Error(`short-names: import ${long} is not in the glue`);
    glue = glue.replace(re, short);
  }
  for (const [long, short] of exports) {
    // Only `wasm.<name>`: the glue also has JS functions named like some exports.
    const re = new RegExp(`(?<=\\bwasm\\.)${escape(long)}(?![\\w$])`, "g");
    glue = glue.replace(re, short);
  }
  return glue;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [wasmPath, gluePath] = process.argv.slice(2);
  const { wasm, imports, exports } = shortenModule(readFileSync(wasmPath));
  const glue = shortenGlue(readFileSync(gluePath, "utf8"), imports, exports);
  if (!WebAssembly.validate(wasm)) throw new Error("short-names: the rewritten module does not validate");
  writeFileSync(wasmPath, wasm);
  writeFileSync(gluePath, glue);
  console.log(`short-names: ${imports.size} imports, ${exports.size} exports renamed`);
}
