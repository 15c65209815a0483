// Promise 5: the package reaches no network API. Scans JS text and the import section of
// the WebAssembly module (every way wasm reaches the outside is an import).

/** Network APIs, as they appear in code that calls them. */
export const NETWORK_PATTERNS = [
  ["fetch", /(^|[^\w$.])fetch\s*\(|\.fetch\s*\(/],
  ["XMLHttpRequest", /\bXMLHttpRequest\b/],
  ["WebSocket", /\bWebSocket\b/],
  ["sendBeacon", /\bsendBeacon\b/],
  ["EventSource", /\bEventSource\b/],
  ["importScripts", /\bimportScripts\b/],
  ["Image ping", /\bnew\s+Image\s*\(|\.src\s*=/],
  ["WebTransport", /\bWebTransport\b/],
  ["RTCPeerConnection", /\bRTCPeerConnection\b/],
  ["dynamic import of a URL", /\bimport\s*\(\s*["'`]https?:/],
];

/** The network APIs `text` reaches, by name. */
export function scanJs(text) {
  return NETWORK_PATTERNS.filter(([, re]) => re.test(text)).map(([name]) => name);
}

/** Import entries `{ module, name, kind }` of a WebAssembly binary. */
export function wasmImports(bytes) {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (view.length < 8 || view[0] !== 0 || view[1] !== 0x61 || view[2] !== 0x73 || view[3] !== 0x6d) {
    throw new Error("not a WebAssembly module");
  }
  let pos = 8;
  const u32 = () => {
    let result = 0, shift = 0, byte;
    do {
      byte = view[pos++];
      result |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return result >>> 0;
  };
  const name = () => {
    const len = u32();
    const s = new TextDecoder().decode(view.subarray(pos, pos + len));
    pos += len;
    return s;
  };
  const imports = [];
  while (pos < view.length) {
    const id = view[pos++];
    const size = u32();
    const end = pos + size;
    if (id === 2) {
      const count = u32();
      for (let i = 0; i < count; i++) {
        const module = name();
        const field = name();
        const kind = view[pos++];
        // Skip the import's type description.
        if (kind === 0) u32();
        else if (kind === 1) { pos++; const flags = u32(); u32(); if (flags & 1) u32(); }
        else if (kind === 2) { const flags = u32(); u32(); if (flags & 1) u32(); }
        else if (kind === 3) { pos += 2; }
        else if (kind === 4) { pos++; u32(); }
        imports.push({ module, name: field, kind });
      }
      return imports;
    }
    pos = end;
  }
  return imports;
}

/** The network APIs a wasm module imports, judged by import names, plus foreign modules. */
export function scanWasm(bytes, glueModule = "./optin_bg.js") {
  const found = [];
  for (const imp of wasmImports(bytes)) {
    if (imp.module !== glueModule) found.push(`import from foreign module ${imp.module}`);
    for (const [api, re] of NETWORK_PATTERNS) {
      const bare = api.split(" ")[0];
      if (re.test(imp.name) || imp.name.includes(`_${bare}_`)) found.push(`${api} (${imp.name})`);
    }
  }
  return found;
}
