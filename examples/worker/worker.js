// optin in a module Web Worker: the page's main thread stays free while the worker records and
// ranks. Load it with `new Worker(new URL("./worker.js", import.meta.url), { type: "module" })`.
//
// Three things make it reliable in every browser:
// - `onmessage` is set synchronously, in this module's first evaluation, and messages are
//   queued until the Personalizer is open: a message posted before the worker was ready is
//   answered, not lost (some engines drop messages that arrive before a handler exists);
// - calls are answered one after another, in the order they were posted, so a `rank` posted
//   after a `record` sees the recorded event;
// - errors cross as `error.toJSON()` and are revived with `OptinError.from` on the page:
//   `postMessage` keeps only an Error's message, not its `code`.
import { Personalizer, OptinError } from "optin";
import manifest from "./manifest.json" with { type: "json" };

const queue = [];
let personalizer = null;
let failure = null;
let answered = Promise.resolve();

self.onmessage = (event) => {
  if (personalizer || failure) inOrder(event.data);
  else queue.push(event.data);
};

function inOrder(message) {
  answered = answered.then(() => answer(message));
}

async function answer({ id, method, args }) {
  try {
    if (failure) throw failure;
    if (typeof method !== "string" || method.startsWith("_") || typeof personalizer[method] !== "function") {
      throw new OptinError("invalid-argument", `no method ${String(method)}`);
    }
    const result = await personalizer[method](...(Array.isArray(args) ? args : []));
    self.postMessage({ id, result });
  } catch (e) {
    self.postMessage({ id, error: OptinError.from(e).toJSON() });
  }
}

try {
  personalizer = await Personalizer.open(manifest, { namespace: "worker-example" });
  self.postMessage({ ready: true });
} catch (e) {
  // Every call learns why (e.g. "unsupported"), and the page keeps its baseline order.
  failure = OptinError.from(e);
  self.postMessage({ ready: false, error: failure.toJSON() });
}
for (const message of queue.splice(0)) inOrder(message);
