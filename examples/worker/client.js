// The page's side of examples/worker/worker.js: each Personalizer call becomes a message, each
// answer resolves (or rejects with an OptinError, code included) the call's promise.
import { OptinError } from "optin";

/** A Personalizer living in `worker`: `await remote.call("rank", null, { limit: 10 })`. */
export function connect(worker) {
  let next = 0;
  const pending = new Map();
  worker.addEventListener("message", ({ data }) => {
    const call = pending.get(data.id);
    if (!call) return;
    pending.delete(data.id);
    if (data.error) call.reject(OptinError.from(data.error));
    else call.resolve(data.result);
  });
  return {
    call(method, ...args) {
      const id = ++next;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, method, args });
      });
    },
  };
}
