// The WebAssembly binary format's small pieces that the build's module rewriters share
// (scripts/short-names.mjs, scripts/order-functions.mjs): unsigned LEB128 and names.

/** Reads an unsigned LEB128 at `at`: [value, the offset after it]. */
export function readLeb(buf, at) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = buf[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}

/** `value` as unsigned LEB128. */
export function leb(value) {
  const out = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return Buffer.from(out);
}

/** A name as the binary format stores it: its UTF-8 byte length, then the bytes. */
export function name(text) {
  const bytes = Buffer.from(text, "utf8");
  return Buffer.concat([leb(bytes.length), bytes]);
}
