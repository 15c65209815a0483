// The package's `Aggregator`: private reports in, unbiased estimates out, over the module's
// AggregatorCore. Arguments are read into plain data first (read.js), as in Personalizer.

import { OptinError } from "./host.js";
import { loadSync } from "./loader.js";
import * as read from "./read.js";

function internal(e) {
  return e instanceof OptinError ? e : new OptinError("internal", e instanceof Error ? e.message : "unknown error");
}

/** Aggregates the private reports of one metric: see index.d.ts. */
export class Aggregator {
  #core;

  constructor(metric) {
    const m = read.plain(metric, "metric");
    // Synchronous: the module loads now if no Personalizer.open (or init) loaded it yet.
    const glue = loadSync();
    try {
      this.#core = new glue.AggregatorCore(m);
    } catch (e) {
      throw internal(e);
    }
  }

  add(report) {
    const r = read.plain(report, "report", "invalid-report");
    try {
      this.#core.add(r);
    } catch (e) {
      throw internal(e);
    }
  }

  merge(other) {
    if (!(other !== null && typeof other === "object" && #core in other)) {
      throw new OptinError("invalid-argument", "merge: expected another Aggregator");
    }
    if (other === this) throw new OptinError("invalid-argument", "merge: an Aggregator can't be merged into itself");
    try {
      this.#core.merge(other.#core);
    } catch (e) {
      throw internal(e);
    }
  }

  estimate() {
    try {
      return this.#core.estimate();
    } catch (e) {
      throw internal(e);
    }
  }

  expectedError(n, epsilon) {
    if (typeof n !== "number" || !(epsilon === undefined || typeof epsilon === "number")) {
      throw new OptinError("invalid-argument", "expectedError: n and epsilon are numbers");
    }
    try {
      return this.#core.expectedError(n, epsilon);
    } catch (e) {
      throw internal(e);
    }
  }
}
