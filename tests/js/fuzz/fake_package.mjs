// A stand-in for the package with one planted fault, to check that the fuzz layer's checks
// catch each kind of failure (tests/js/fuzz.test.mjs): only the calls Env needs, behaving
// well unless `plant` says otherwise. The fault is planted in `record` (or `agg.add`):
//   "busy"         throws a TypeError and leaves the instance answering "busy" forever
//   "busy-quietly" resolves, and leaves the instance answering "busy"
//   "corrupt"      throws a RuntimeError after which every instance of the module fails
//   "escape"       reads the event's fields unguarded, so a throwing getter escapes
//   "hang"         returns a promise that never settles
//   "undocumented" throws an OptinError with a code no table lists
//   "stray"        resolves, and an uncaught exception follows (pushed to `strays`, as the
//                  runner's process handler would)
//   "answers-after-close"  (not in record) calls after close() still answer
//   "dead-aggregator"      agg.add leaves the aggregator throwing on every call

/** { api, freedP, freedAgg }, as env.mjs `loadPackage` returns for the real package. */
export async function fakeGeneration(plant, strays = []) {
  const api = fakePackage(plant, strays);
  const freedP = await api.Personalizer.open({}, {});
  freedP.free();
  const freedAgg = new api.Aggregator({ id: "feed-helpful", type: "boolean", epsilon: 1 });
  freedAgg.free();
  return { api, freedP, freedAgg };
}

function fakePackage(plant, strays) {
  const module = { broken: false };

  class OptinError extends Error {
    constructor(code, message) {
      super(message);
      this.name = "OptinError";
      this.code = code;
    }
    static [Symbol.hasInstance](value) {
      return value instanceof Error && value.name === "OptinError" && typeof value.code === "string";
    }
  }
  const fail = (code, message) => {
    throw new OptinError(code, message);
  };
  const guard = (self) => {
    if (module.broken) throw new WebAssembly.RuntimeError("memory access out of bounds");
    if (self.freed) throw new Error("null pointer passed to rust");
    if (self.busy) fail("invalid-argument", "this Personalizer is busy (called from inside its own callback)");
    if (self.closed && plant !== "answers-after-close") fail("closed", "this Personalizer was closed");
  };
  const isEvent = (e) => e !== null && typeof e === "object" && typeof e.category === "string" && typeof e.item === "string";

  class Personalizer {
    static async open(manifest, options) {
      if (module.broken) throw new WebAssembly.RuntimeError("unreachable");
      if (manifest === null || typeof manifest !== "object") fail("invalid-manifest", "manifest: expected an object");
      return new Personalizer(options);
    }
    constructor() {
      this.catalog = [];
      this.events = [];
      this.granted = new Set(["editorial"]);
    }
    modules() {
      guard(this);
      return [...this.granted].map((id) => ({ id, state: "granted" }));
    }
    health() {
      guard(this);
      return { ok: true, problems: [] };
    }
    rank() {
      guard(this);
      return this.catalog.slice(0, 20).map((id, i) => ({ id, rank: i + 1 }));
    }
    onChange() {
      guard(this);
      return () => {};
    }
    async grant(id) {
      guard(this);
      if (typeof id !== "string") fail("invalid-argument", "moduleId: expected a string");
      this.granted.add(id);
      return { module: id, event: "given" };
    }
    setCatalog(items) {
      guard(this);
      if (!Array.isArray(items)) fail("invalid-catalog", "expected an array");
      this.catalog = items.map((x) => x.id);
    }
    async recordMany(events) {
      guard(this);
      this.events.push(...events);
      return { stored: events.length, dropped: 0 };
    }
    async exportData() {
      guard(this);
      return { events: this.events.map((_, i) => ({ id: String(i + 1) })) };
    }
    exportConsent() {
      guard(this);
      return [...this.granted].map((module) => ({ module, event: "given" }));
    }
    record(event) {
      guard(this);
      switch (plant) {
        case "busy":
          this.busy = true;
          throw new TypeError("Cannot read properties of undefined (reading 'length')");
        case "busy-quietly":
          this.busy = true;
          return Promise.resolve({ stored: true });
        case "corrupt":
          module.broken = true;
          throw new WebAssembly.RuntimeError("memory access out of bounds");
        case "escape":
          return Promise.resolve({ stored: String(event.category).length > 0 });
        case "hang":
          return new Promise(() => {});
        case "stray":
          setImmediate(() => strays.push({ text: "uncaught exception: RuntimeError: unreachable", stack: "" }));
          return Promise.resolve({ stored: true });
        case "undocumented":
          return Promise.reject(new OptinError("oops", "a code nobody documented"));
        default:
          try {
            if (!isEvent(event)) fail("invalid-event", "event: expected an event object");
          } catch (e) {
            return Promise.reject(e instanceof OptinError ? e : new OptinError("invalid-event", "event: unreadable"));
          }
          this.events.push(event);
          return Promise.resolve({ stored: true });
      }
    }
    close() {
      if (module.broken) throw new WebAssembly.RuntimeError("unreachable");
      this.closed = true;
    }
    free() {
      this.freed = true;
    }
  }

  class Aggregator {
    constructor(metric) {
      if (metric === null || typeof metric !== "object") fail("invalid-argument", "metric: expected an object");
      this.reports = 0;
    }
    add() {
      if (this.freed) throw new Error("null pointer passed to rust");
      if (plant === "dead-aggregator") this.dead = true;
      this.reports += 1;
    }
    estimate() {
      if (this.freed) throw new Error("null pointer passed to rust");
      if (this.dead) throw new Error("recursive use of an object detected which would lead to unsafe aliasing in rust");
      return { reports: this.reports };
    }
    free() {
      this.freed = true;
    }
  }

  return { Personalizer, Aggregator, OptinError };
}
