// The package's `Aggregator`: private reports in, unbiased estimates out, over the module's
// AggregatorCore. Arguments are read into plain data first (read.js), as in Personalizer.

import { isOwn, optinError } from "./host.js";
import { loadSync } from "./loader.js";
import * as read from "./read.js";

function internal(e) {
  return isOwn(e) ? e : optinError("internal", e instanceof Error ? e.message : "unknown error");
}

/** Aggregates the private reports of one metric: see index.d.ts. */
export class Aggregator {
  #core;

  // The core of `a`; a method called on another object is an error (a brand check).
  static #of(a) {
    if (a === null || typeof a !== "object" || !(#core in a)) {
      throw optinError("invalid-argument", "not an Aggregator: a method was called on another object");
    }
    return a.#core;
  }

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
    const core = Aggregator.#of(this);
    const r = read.plain(report, "report", "invalid-report");
    try {
      core.add(r);
    } catch (e) {
      throw internal(e);
    }
  }

  merge(other) {
    const core = Aggregator.#of(this);
    if (!(other !== null && typeof other === "object" && #core in other)) {
      throw optinError("invalid-argument", "merge: expected another Aggregator");
    }
    if (other === this) throw optinError("invalid-argument", "merge: an Aggregator can't be merged into itself");
    try {
      core.merge(other.#core);
    } catch (e) {
      throw internal(e);
    }
  }

  estimate() {
    const core = Aggregator.#of(this);
    try {
      return core.estimate();
    } catch (e) {
      throw internal(e);
    }
  }

  expectedError(n, epsilon) {
    const core = Aggregator.#of(this);
    if (typeof n !== "number" || !(epsilon === undefined || typeof epsilon === "number")) {
      throw optinError("invalid-argument", "expectedError: n and epsilon are numbers");
    }
    try {
      return core.expectedError(n, epsilon);
    } catch (e) {
      throw internal(e);
    }
  }
}
