#!/usr/bin/env node
// The fuzz layer's runner, in a process of its own (the test harness turns an uncaught
// exception into the end of a test, and that is one of the things measured here).
//
//   node tests/js/fuzz/main.mjs [--mode sequences|hostile] [--json FILE]
//
// Environment: OPTIN_FUZZ_RUNS (sequences, default 2000), OPTIN_FUZZ_SEED (default 20261124),
// OPTIN_FUZZ_PATH and OPTIN_FUZZ_REPLAY (replay one run: fast-check's path and, for a shrunk
// run, which of its commands ran; both as printed by a failure), OPTIN_FUZZ_SHRINK (how
// many distinct failures to shrink, default 40), OPTIN_FUZZ_SHRINK_SECONDS (for all of them,
// default 45; 10 s each at most), OPTIN_FUZZ_CALLS (hostile calls, default 10000),
// OPTIN_FUZZ_PKG (the built package, default pkg/), OPTIN_FUZZ_MAX_COMMANDS (per sequence,
// default 30), OPTIN_FUZZ_TIMEOUT_MS (how long a promise may take, default 2000),
// OPTIN_FUZZ_VERBOSE (print every call that takes over a second).
//
// "sequences" runs every sequence to its first failure and goes on (so one run counts every
// failure), groups the failures by signature, then shrinks the first of each group in a fresh
// copy of the module with fast-check, keeping to the same signature (one that does not recur
// there needs what earlier sequences left behind, and is reported so).
import fc from "fast-check";
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { anyCall, setupArb } from "./calls.mjs";
import { Env, FIXTURE as FIXTURE_MANIFEST, FuzzFailure, ROOT, foreignObjects, loadPackage, moduleWorks } from "./env.mjs";
import { errorCodes, describeThrown, observe } from "./oracle.mjs";
import { hostileCallKinds } from "./hostile_calls.mjs";

const env = process.env;
const config = {
  pkgDir: env.OPTIN_FUZZ_PKG ?? fileURLToPath(new URL("pkg/", ROOT)),
  runs: Number(env.OPTIN_FUZZ_RUNS ?? 2000),
  seed: Number(env.OPTIN_FUZZ_SEED ?? 20261124),
  path: env.OPTIN_FUZZ_PATH || undefined,
  replayPath: env.OPTIN_FUZZ_REPLAY || undefined,
  shrink: Number(env.OPTIN_FUZZ_SHRINK ?? 40),
  hostileCalls: Number(env.OPTIN_FUZZ_CALLS ?? 10000),
  maxCommands: Number(env.OPTIN_FUZZ_MAX_COMMANDS ?? 30),
  timeoutMs: Number(env.OPTIN_FUZZ_TIMEOUT_MS ?? 2000),
  shrinkSeconds: Number(env.OPTIN_FUZZ_SHRINK_SECONDS ?? 45),
  shrinkAttempts: 400,
  shrinkSecondsEach: 10,
};

// Uncaught exceptions and unhandled rejections are failures of the call during which they
// happen (Env.perform looks at what arrived while it ran).
const strays = [];
function catchStrays() {
  const stack = (e) => (e instanceof Error ? String(e.stack) : "");
  process.on("uncaughtException", (e) => strays.push({ text: `uncaught exception: ${describeThrown(e)}`, stack: stack(e) }));
  process.on("unhandledRejection", (e) => strays.push({ text: `unhandled rejection: ${describeThrown(e)}`, stack: stack(e) }));
}

const codes = errorCodes(ROOT);
const sequenceArb = fc.record({
  setup: setupArb,
  cmds: fc.commands([anyCall], { maxCommands: config.maxCommands, size: "medium", replayPath: config.replayPath }),
});

/** Runs one generated sequence in `gen`; returns its env and its first failure, if any. */
async function runSequence(gen, foreign, value) {
  const e = new Env(gen, foreign, { codes, timeoutMs: config.timeoutMs, strays });
  let failure = null;
  try {
    await e.setup(value.setup);
  } catch (err) {
    failure = { signature: `setup → ${describeThrown(err)}`, problems: [{ where: "setup", text: `setup threw ${describeThrown(err)}` }], call: "setup", log: [] };
  }
  if (!failure) {
    try {
      await fc.asyncModelRun(() => ({ model: { aggs: e.aggs.length }, real: e }), value.cmds);
    } catch (err) {
      if (!(err instanceof FuzzFailure)) throw err;
      failure = { signature: err.problems[0].signature, problems: err.problems, call: err.call, shapes: err.shapes, outcome: err.outcome };
    }
  }
  e.teardown();
  const broken = await moduleWorks(gen, config.timeoutMs);
  if (broken) {
    const text = `after the sequence ${broken}`;
    if (failure) failure.problems.push({ where: "module", text });
    else failure = { signature: `module → ${broken}`, problems: [{ where: "module", text }], call: "(end of sequence)" };
    failure.moduleBroken = true;
  }
  if (failure) failure.log = [...e.log];
  return { env: e, failure };
}

const formatSetup = (s) =>
  `env.setup(${JSON.stringify(s)})`;

async function sequences() {
  const started = Date.now();
  let gen = await loadPackage(config.pkgDir, false);
  const foreign = await foreignObjects(await loadPackage(config.pkgDir, true));
  const stats = { sequences: 0, calls: 0, failingSequences: 0, moduleCopies: 1, straysOfAbandonedCopies: 0 };
  const failures = [];
  let index = 0;
  const survey = fc.asyncProperty(sequenceArb, async (value) => {
    const run = index++;
    const { env: e, failure } = await runSequence(gen, foreign, value);
    stats.sequences += 1;
    stats.calls += e.calls;
    stats.straysOfAbandonedCopies += e.abandonedStrays;
    if (failure) {
      stats.failingSequences += 1;
      failures.push({ run, ...failure, setup: value.setup });
      if (failure.moduleBroken) {
        gen = await loadPackage(config.pkgDir, true);
        stats.moduleCopies += 1;
      }
    }
    if (stats.sequences % 250 === 0) {
      process.stderr.write(`fuzz: ${stats.sequences} sequences, ${stats.calls} calls, ${stats.failingSequences} failing (${Math.round((Date.now() - started) / 1000)} s)\n`);
    }
    return true;
  });
  const params = config.path ? { seed: config.seed, path: config.path, numRuns: 1 } : { seed: config.seed, numRuns: config.runs };
  const outcome = await fc.check(survey, params);
  if (outcome.failed) throw outcome.errorInstance ?? new Error(`fuzz: the runner failed: ${outcome.error}`);
  stats.surveySeconds = Math.round((Date.now() - started) / 1000);

  // Group by signature; shrink the first failure of each group.
  const groups = new Map();
  for (const f of failures) {
    const g = groups.get(f.signature) ?? { signature: f.signature, runs: [], first: f };
    g.runs.push(f.run);
    groups.set(f.signature, g);
  }
  const shrinkStarted = Date.now();
  const signatures = [];
  let shrunk = 0;
  for (const g of groups.values()) {
    const entry = {
      signature: g.signature,
      sequences: g.runs.length,
      firstRun: g.first.run,
      path: config.path ? config.path : String(g.first.run),
      problems: g.first.problems.map((p) => p.text),
      call: g.first.call,
      shapes: g.first.shapes ?? [],
      setup: g.first.setup,
      log: g.first.log,
    };
    const budgetLeft = Date.now() - shrinkStarted < config.shrinkSeconds * 1000;
    if (shrunk < config.shrink && budgetLeft && !config.path?.includes(":")) {
      shrunk += 1;
      Object.assign(entry, await shrinkOne(g.first.run, g.signature, foreign));
    }
    signatures.push(entry);
  }
  stats.shrinkSeconds = Math.round((Date.now() - shrinkStarted) / 1000);
  return { mode: "sequences", seed: config.seed, runs: config.runs, path: config.path ?? null, replayPath: config.replayPath ?? null, stats, signatures };
}

/** Shrinks run `run` in fresh copies of the module, keeping to failures with `signature`. */
async function shrinkOne(run, signature, foreign) {
  let gen = await loadPackage(config.pkgDir, true);
  let attempts = 0;
  const deadline = Date.now() + config.shrinkSecondsEach * 1000;
  let last = null;
  const strict = fc.asyncProperty(sequenceArb, async (value) => {
    if (attempts++ >= config.shrinkAttempts || Date.now() > deadline) return true;
    const { failure } = await runSequence(gen, foreign, value);
    if (failure && failure.moduleBroken) gen = await loadPackage(config.pkgDir, true);
    if (!failure || failure.signature !== signature) return true;
    last = { failure, setup: value.setup };
    return false;
  });
  const out = await fc.check(strict, { seed: config.seed, path: String(run), numRuns: 1 });
  if (!out.failed || !last) {
    return { reproduced: false, note: "passes when run alone in a fresh copy of the module: it needs what earlier sequences left behind" };
  }
  // Which commands of the shrunk sequence ran: fast-check needs it to replay a shrunk path.
  const replay = /replayPath="([^"]*)"/.exec(String(out.counterexample[0].cmds))?.[1] ?? "";
  return {
    reproduced: true,
    shrunkPath: out.counterexamplePath,
    shrunkReplay: replay,
    shrinkAttempts: attempts,
    shrunkSetup: last.setup,
    shrunkLog: last.failure.log,
    shrunkCall: last.failure.call,
    shrunkShapes: last.failure.shapes ?? [],
    shrunkProblems: last.failure.problems.map((p) => p.text),
  };
}

/** 10,000 (OPTIN_FUZZ_CALLS) caught hostile calls, then a fresh open and rank. */
async function hostile() {
  const started = Date.now();
  const gen = await loadPackage(config.pkgDir, true);
  const { api } = gen;
  const kinds = hostileCallKinds(api);
  // A fresh instance, or null when the module no longer opens one.
  const fresh = async () => {
    const o = await observe(() => api.Personalizer.open(structuredClone(FIXTURE_MANIFEST), { storage: "memory", now: () => 1_795_000_000_000 }), config.timeoutMs);
    return o.kind === "resolved" ? o.value : null;
  };
  const untouched = await fresh();
  untouched.setCatalog([{ id: "u-1", baseline: 1 }, { id: "u-2", baseline: 2 }]);
  let p = await fresh();
  let agg = new api.Aggregator({ id: "favourite-section", type: "categorical", domain: ["a", "b"], epsilon: 1 });
  const outcomes = new Map();
  const pending = [];
  let firstBroken = null;
  let replacedInstances = 0;
  let replacedAggregators = 0;
  for (let i = 0; i < config.hostileCalls; i++) {
    const [name, fn] = kinds[i % kinds.length];
    try {
      const r = fn(p, agg);
      if (r instanceof Promise) {
        const settled = { done: false };
        pending.push({ name, settled });
        r.then(
          () => count(outcomes, name, "resolved"),
          (e) => count(outcomes, name, classify(api, e)),
        ).finally(() => {
          settled.done = true;
        });
      } else count(outcomes, name, "returned");
    } catch (e) {
      count(outcomes, name, classify(api, e));
    }
    // A bricked instance would hide the calls after it: go on with a fresh one.
    try {
      p.health();
    } catch (e) {
      const next = await fresh();
      if (next) {
        p = next;
        replacedInstances += 1;
      } else if (firstBroken === null) {
        firstBroken = { afterCalls: i + 1, problem: `a fresh Personalizer.open did not resolve (the instance in use: ${describeThrown(e)})` };
      }
    }
    try {
      agg.estimate();
    } catch {
      try {
        agg = new api.Aggregator({ id: "favourite-section", type: "categorical", domain: ["a", "b"], epsilon: 1 });
        replacedAggregators += 1;
      } catch (e) {
        if (firstBroken === null) firstBroken = { afterCalls: i + 1, problem: `new Aggregator threw ${describeThrown(e)}` };
      }
    }
    if ((i + 1) % 1000 === 0) process.stderr.write(`hostile: ${i + 1} calls (${Math.round((Date.now() - started) / 1000)} s)\n`);
    if ((i + 1) % 500 === 0 && firstBroken === null) {
      const broken = await moduleWorks(gen, config.timeoutMs);
      if (broken) firstBroken = { afterCalls: i + 1, problem: broken };
    }
  }
  await new Promise((r) => setTimeout(r, 100));
  for (const { name, settled } of pending) if (!settled.done) count(outcomes, name, "never settled");
  const problems = [];
  const end = await moduleWorks(gen, config.timeoutMs);
  if (end) problems.push(`after ${config.hostileCalls} caught hostile calls, ${end}`);
  for (const m of ["modules", "health", "rank"]) {
    try {
      untouched[m]();
    } catch (e) {
      problems.push(`after ${config.hostileCalls} caught hostile calls, an instance opened before them: ${m}() threw ${describeThrown(e)}`);
    }
  }
  const table = [...outcomes.entries()].map(([name, byOutcome]) => ({ name, outcomes: Object.fromEntries(byOutcome) }));
  return {
    mode: "hostile",
    calls: config.hostileCalls,
    seconds: Math.round((Date.now() - started) / 1000),
    firstBroken,
    replacedInstances,
    replacedAggregators,
    strays: strays.length,
    problems,
    table,
  };
}

function count(outcomes, name, label) {
  const m = outcomes.get(name) ?? new Map();
  m.set(label, (m.get(label) ?? 0) + 1);
  outcomes.set(name, m);
}

function classify(api, e) {
  try {
    if (e instanceof Error && e.name === "OptinError" && codes.has(e.code) && e instanceof api.OptinError && e.name !== "HostileError") {
      return `OptinError ${e.code}`;
    }
  } catch {}
  return describeThrown(e);
}

/** The report as text. */
export function formatReport(r) {
  const lines = [];
  if (r.mode === "hostile") {
    lines.push(`hostile: ${r.calls} caught hostile calls in ${r.seconds} s; ${r.replacedInstances} instances and ${r.replacedAggregators} aggregators had to be replaced; ${r.strays} uncaught exceptions or unhandled rejections`);
    if (r.firstBroken) lines.push(`hostile: the module first failed after ${r.firstBroken.afterCalls} calls: ${r.firstBroken.problem}`);
    for (const p of r.problems) lines.push(`hostile: FAIL ${p}`);
    for (const t of r.table) lines.push(`hostile:   ${t.name}: ${Object.entries(t.outcomes).map(([k, v]) => `${v}× ${k}`).join("; ")}`);
    return lines.join("\n");
  }
  const s = r.stats;
  lines.push(`fuzz: seed ${r.seed}, ${s.sequences} sequences, ${s.calls} calls, ${s.failingSequences} failing sequences, ${r.signatures.length} distinct failures (survey ${s.surveySeconds} s, shrinking ${s.shrinkSeconds} s, ${s.moduleCopies} module copies)`);
  if (s.straysOfAbandonedCopies) lines.push(`fuzz: ${s.straysOfAbandonedCopies} uncaught exceptions came from copies of the module that had broken before (their objects' finalizers), and were not counted against the calls they interrupted`);
  r.signatures.forEach((g, i) => {
    lines.push("");
    lines.push(`fuzz: failure ${i + 1}/${r.signatures.length} [${g.sequences} sequences]: ${g.signature}`);
    if (g.reproduced) {
      lines.push(`  shrunk (${g.shrinkAttempts} attempts): OPTIN_FUZZ_SEED=${r.seed} OPTIN_FUZZ_PATH=${g.shrunkPath} OPTIN_FUZZ_REPLAY=${g.shrunkReplay} node tests/js/fuzz/main.mjs`);
      if (g.shrunkShapes.length) lines.push(`  hostile parts: ${g.shrunkShapes.join("; ")}`);
      lines.push(`  ${formatSetup(g.shrunkSetup)}`);
      for (const l of g.shrunkLog) lines.push(`  ${l}`);
      for (const p of g.shrunkProblems) lines.push(`  → ${p}`);
    } else {
      const replay = r.replayPath ? ` OPTIN_FUZZ_REPLAY=${r.replayPath}` : "";
      lines.push(`  first seen: OPTIN_FUZZ_SEED=${r.seed} OPTIN_FUZZ_PATH=${g.path}${replay} node tests/js/fuzz/main.mjs${g.note ? ` (${g.note})` : ""}`);
      lines.push(`  ${formatSetup(g.setup)}`);
      for (const l of g.log.slice(-6)) lines.push(`  ${l}`);
      for (const p of g.problems) lines.push(`  → ${p}`);
    }
  });
  return lines.join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const mode = args.includes("--mode") ? args[args.indexOf("--mode") + 1] : "sequences";
  const json = args.includes("--json") ? args[args.indexOf("--json") + 1] : null;
  catchStrays();
  let report;
  try {
    report = mode === "hostile" ? await hostile() : await sequences();
  } catch (e) {
    console.error("fuzz: the runner itself failed:", e);
    process.exit(2);
  }
  if (json) writeFileSync(json, JSON.stringify(report, null, 1));
  console.log(formatReport(report));
  const failed = mode === "hostile" ? report.problems.length > 0 : report.signatures.length > 0;
  // Pending timers of never-settling calls must not keep the process alive.
  process.exit(failed ? 1 : 0);
}
