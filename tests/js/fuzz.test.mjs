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
  t.diagnostic(`summary: ${stats.sequences} sequences, ${stats.calls} calls, ${stats.failingSequences} failures of ${signatures.length} kinds`);
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

// The checks themselves, on a stand-in package with one planted fault each: every kind of
// failure the layer exists for must be caught, and a well-behaved package must pass.
test("the fuzz checks catch each planted fault and pass a well-behaved package", async () => {
  const { Env, FuzzFailure, ROOT, moduleWorks } = await import("./fuzz/env.mjs");
  const { errorCodes } = await import("./fuzz/oracle.mjs");
  const { personalizerCall, aggregatorCall, CLOSE } = await import("./fuzz/calls.mjs");
  const { fakeGeneration } = await import("./fuzz/fake_package.mjs");
  const { lit, undef, obj, b } = await import("./fuzz/spec.mjs");
  const codes = errorCodes(ROOT);
  const event = obj([["category", lit("reading")], ["kind", lit("click")], ["item", b("ref", "catalogId", 1)]]);
  const hostileEvent = b("getter", obj([["category", lit("reading")], ["kind", lit("click")], ["item", lit("a-1")]]), "category", "throw");
  const forgedEvent = b("getter", obj([["category", lit("reading")], ["kind", lit("click")], ["item", lit("a-1")]]), "category", "forged");

  async function attempt(plant, calls) {
    const strays = [];
    const gen = await fakeGeneration(plant, strays);
    const env = new Env(gen, { p: gen.freedP, agg: gen.freedAgg }, { codes, timeoutMs: 100, strays });
    await env.setup({ grants: ["topics"], catalog: "items", n: 5, dim: 0, seed: 1, events: 3, aggs: 1, gpc: false, listen: false });
    try {
      for (const call of calls) await env.perform(call);
      return { failure: null, gen };
    } catch (e) {
      if (!(e instanceof FuzzFailure)) throw e;
      return { failure: e, gen };
    } finally {
      env.teardown();
    }
  }
  const where = (f) => f.problems.map((p) => p.where);

  const clean = await attempt(null, [
    personalizerCall("record", [event], { async: true }),
    personalizerCall("record", [undef], { async: true }),
    personalizerCall("record", [hostileEvent], { async: true }),
    personalizerCall("close", [], CLOSE),
    personalizerCall("record", [event], { async: true }),
  ]);
  assert.equal(clean.failure, null, clean.failure?.message);
  assert.equal(await moduleWorks(clean.gen, 100), null);

  const busy = (await attempt("busy", [personalizerCall("record", [undef], { async: true })])).failure;
  assert.deepEqual(where(busy), ["call", "instance", "instance", "instance"]);
  assert.match(busy.problems[0].signature, /threw TypeError.*— then instance: p\.modules\(\) threw .*busy/);

  const quietly = (await attempt("busy-quietly", [personalizerCall("record", [event], { async: true })])).failure;
  assert.deepEqual(where(quietly), ["instance", "instance", "instance"]);

  const corrupt = await attempt("corrupt", [personalizerCall("record", [event], { async: true })]);
  assert.ok(where(corrupt.failure).includes("bystander"), corrupt.failure.message);
  assert.match(corrupt.failure.message, /the untouched instance\.modules\(\) threw RuntimeError/);
  assert.match(await moduleWorks(corrupt.gen, 100), /RuntimeError/);

  const escape = (await attempt("escape", [personalizerCall("record", [hostileEvent], { async: true })])).failure;
  assert.match(escape.problems[0].text, /the app's own exception \(HostileError\) escaped/);
  const forged = (await attempt("escape", [personalizerCall("record", [forgedEvent], { async: true })])).failure;
  assert.match(forged.problems[0].text, /the app's own exception \(OptinError\) escaped/);

  const hang = (await attempt("hang", [personalizerCall("record", [event], { async: true })])).failure;
  assert.equal(hang.problems[0].text, "never settled");

  const stray = (await attempt("stray", [personalizerCall("record", [event], { async: true })])).failure;
  assert.deepEqual(where(stray), ["stray"]);

  const undocumented = (await attempt("undocumented", [personalizerCall("record", [event], { async: true })])).failure;
  assert.match(undocumented.problems[0].text, /undocumented code "oops"/);

  const afterClose = (await attempt("answers-after-close", [personalizerCall("close", [], CLOSE)])).failure;
  assert.match(afterClose.problems[0].text, /p\.modules\(\) returned a value where an OptinError \(closed\) was due/);

  const dead = (await attempt("dead-aggregator", [aggregatorCall("add", 0, [b("ref", "report", 0)])])).failure;
  assert.deepEqual(where(dead), ["aggregator"]);
});
