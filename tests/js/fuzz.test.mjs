// Promise 7 under fuzzing, against the built package (pkg/) imported as an app imports it:
// every call returns a value or throws an OptinError with a documented code, no promise hangs,
// nothing escapes as an uncaught exception, and the instance under test, an untouched second
// instance in the same module and every aggregator still answer after each call. The runner
// (tests/js/fuzz/main.mjs) runs in a process of its own; see README, "Robustness".
//
// OPTIN_FUZZ_RUNS, OPTIN_FUZZ_SEED, OPTIN_FUZZ_PATH and OPTIN_FUZZ_CALLS pass through.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const runner = fileURLToPath(new URL("fuzz/main.mjs", import.meta.url));

function run(mode) {
  const dir = mkdtempSync(join(tmpdir(), "optin-fuzz-report-"));
  const json = join(dir, "report.json");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [runner, "--mode", mode, "--json", json], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code, signal) => {
      let report = null;
      try {
        report = JSON.parse(readFileSync(json, "utf8"));
      } catch {}
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, signal, report, stdout, stderr });
    });
  });
}

function show(t, text) {
  for (const line of text.split("\n")) t.diagnostic(line);
}

test("random call sequences over the whole API: a value or an OptinError, and every instance still answers", async (t) => {
  const r = await run("sequences");
  show(t, r.stdout);
  assert.ok(r.report, `the fuzz runner ended (${r.signal ?? `exit ${r.code}`}) without a report:\n${r.stderr.slice(-4000)}`);
  const { stats, signatures } = r.report;
  t.diagnostic(`summary: ${stats.sequences} sequences, ${stats.calls} calls, ${stats.failingSequences} failures (${signatures.length} distinct)`);
  assert.equal(signatures.length, 0, `${signatures.length} distinct failures in ${stats.failingSequences} of ${stats.sequences} sequences (seed ${r.report.seed}); each is printed above with its seed, path and shrunk sequence`);
});

test("10,000 caught hostile calls, then a fresh open and rank work", async (t) => {
  const r = await run("hostile");
  show(t, r.stdout);
  assert.ok(r.report, `the hostile-calls runner ended (${r.signal ?? `exit ${r.code}`}) without a report:\n${r.stderr.slice(-4000)}`);
  const { calls, firstBroken, problems } = r.report;
  t.diagnostic(`summary: ${calls} hostile calls${firstBroken ? `, the module broken after ${firstBroken.afterCalls}` : ""}`);
  assert.deepEqual(problems, [], `after ${calls} caught hostile calls the module no longer works`);
  assert.equal(firstBroken, null, `the module stopped opening instances after ${firstBroken?.afterCalls} calls`);
});
