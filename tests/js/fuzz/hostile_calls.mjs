// The calls of the "10,000 caught hostile calls" test: each hands optin a value whose reading
// throws (a getter, a Proxy trap, a conversion) or one of a type it must refuse, at every place
// where an exception could unwind through the module's frames. The app catches every one; the
// module must still open a working instance afterwards.
import { boom } from "./hostile.mjs";

const trap = (target, name = "get") => new Proxy(target, { [name]: () => boom(name) });

/** [name, (p, agg) => result] for each kind of hostile call, in a fixed order. */
export function hostileCallKinds(api) {
  const packed = () => ({
    ids: ["a", "b"],
    featureNames: ["topic:x"],
    featureOffsets: Uint32Array.from([0, 1, 1]),
    featureIds: Uint32Array.from([0]),
    featureValues: Float32Array.from([1]),
    baseline: Float32Array.from([1, 2]),
  });
  return [
    ["setCatalogPacked, a Proxy in ids", (p) => p.setCatalogPacked({ ...packed(), ids: ["a", trap({})] })],
    ["setCatalogPacked, ids a Proxy", (p) => p.setCatalogPacked({ ...packed(), ids: trap(["a", "b"]) })],
    ["setCatalogPacked, a throwing getter", (p) => p.setCatalogPacked(Object.defineProperty(packed(), "baseline", { get: () => boom("baseline"), enumerable: true }))],
    ["setCatalog, a throwing getter in an item", (p) => p.setCatalog([{ id: "a", get features() { return boom("features"); } }])],
    ["importConsent, a throwing getter", (p) => p.importConsent([{ get recordId() { return boom("recordId"); } }])],
    ["importConsent, a Proxy", (p) => p.importConsent(trap([], "ownKeys"))],
    ["noticeViewed, a Proxy", (p) => p.noticeViewed(trap(["topics"]))],
    ["rank, a Proxy of candidates", (p) => p.rank(trap(["a"]))],
    ["rank, a candidate whose toString throws", (p) => p.rank([{ toString: () => boom("toString") }])],
    ["rank, a throwing exposure getter", (p) => p.rank(null, { get exposure() { return boom("exposure"); } })],
    ["rank, a throwing limit getter", (p) => p.rank(null, { get limit() { return boom("limit"); } })],
    ["preview, a throwing options getter", (p) => p.preview("science-fan", { get modules() { return boom("modules"); } })],
    ["preview, events with a throwing toJSON", (p) => p.preview([{ toJSON: () => boom("toJSON") }])],
    ["audit, an exposure Proxy", (p) => p.audit({ exposure: trap({}, "ownKeys") })],
    ["record, a throwing toJSON", (p) => p.record({ toJSON: () => boom("toJSON") })],
    ["recordMany, a throwing getter", (p) => p.recordMany([{ category: "reading", kind: "click", get item() { return boom("item"); } }])],
    ["forget, a throwing getter", (p) => p.forget({ get item() { return boom("item"); } })],
    ["modules, a locale whose toString throws", (p) => p.modules({ toString: () => boom("toString") })],
    ["grant, an id whose toString throws", (p) => p.grant({ toString: () => boom("toString") })],
    ["privateReport, a Proxy value", (p) => p.privateReport("feed-helpful", trap({}))],
    ["onChange, a Proxy listener", (p) => p.onChange(trap(() => {}, "apply"))],
    ["Personalizer.open, a Proxy manifest", () => api.Personalizer.open(trap({}))],
    ["Personalizer.open, options with a throwing getter", () => api.Personalizer.open({}, { get storage() { return boom("storage"); } })],
    ["agg.merge(agg)", (_, agg) => agg.merge(agg)],
    ["agg.add, a Proxy", (_, agg) => agg.add(trap({}))],
    ["agg.add, a throwing getter", (_, agg) => agg.add({ metric: "favourite-section", get mechanism() { return boom("mechanism"); } })],
    ["agg.expectedError, a BigInt", (_, agg) => agg.expectedError(12345678901234567890n)],
    ["agg.expectedError, a throwing valueOf", (_, agg) => agg.expectedError({ valueOf: () => boom("valueOf") })],
    ["new Aggregator, a Proxy metric", () => new api.Aggregator(trap({}))],
  ];
}
