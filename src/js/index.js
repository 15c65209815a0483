// optin: the package entry. Importing it has no side effect: the WebAssembly module loads on
// the first `Personalizer.open` or `new Aggregator` (or `init()`), so a page where it can't
// run still renders (promise 8: the baseline works without optin too).

import { load } from "./loader.js";

export { OptinError } from "./host.js";
export { Personalizer } from "./personalizer.js";
export { Aggregator } from "./aggregator.js";

/** Loads the WebAssembly module now, e.g. while the page is idle; rejects with code "unsupported". */
export async function init() {
  await load();
}

/** The version of this build of optin. */
export function version() {
  return __OPTIN_VERSION__;
}
