// The worker example's page: calls go out at once, before the worker has loaded optin; they
// are queued there and answered in order.
import { connect } from "./client.js";

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
const remote = connect(worker);
const results = await Promise.allSettled([
  remote.call("grant", "topics"),
  remote.call("setCatalog", [
    { id: "a-1", features: { "topic:science": 1 }, baseline: 1 },
    { id: "a-2", features: { "topic:sports": 1 }, baseline: 2 },
  ]),
  remote.call("record", { category: "reading", kind: "click", item: "a-1", features: { "topic:science": 1 } }),
  remote.call("rank", null, { limit: 2 }),
  remote.call("grant", "gps"),
]);
const [granted, , recorded, ranked, refused] = results;
const summary = {
  granted: granted.value?.event,
  stored: recorded.value?.stored,
  order: ranked.value?.map((r) => r.id),
  refusedCode: refused.reason?.code,
  refusedIsOptinError: refused.reason?.name === "OptinError",
};
document.getElementById("out").textContent = JSON.stringify(summary);
window.__result = summary;
