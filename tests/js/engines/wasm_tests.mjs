// Runs the wasm-bindgen tests (tests/web_*.rs: IndexedDB storage, the JS boundary, the SIMD
// kernels) in one engine, the same tests `wasm-pack test --headless --chrome` runs:
//
//   node tests/js/engines/wasm_tests.mjs <chromium|firefox|webkit> [cargo test args...]
//
// wasm-bindgen-test-runner drives a browser only through a WebDriver binary it knows
// (chromedriver, geckodriver, safaridriver). So it runs here in its server mode (NO_HEADLESS:
// it serves the test page and waits), this engine's driver opens the page, and the results
// are read from the page's output, which prints as the runner itself would ("test result:").
import { spawn } from "node:child_process";
import { basename } from "node:path";
import { launch } from "./index.mjs";
import { spawnGroup, stopGroup, until } from "./processes.mjs";

const root = new URL("../../..", import.meta.url).pathname;
const [engine, ...cargoArgs] = process.argv.slice(2);
const TEST_TIMEOUT = Number(process.env.OPTIN_WASM_TEST_TIMEOUT ?? 300) * 1000;

/** Builds the wasm tests; resolves to their .wasm files, as cargo lists them. */
function buildTests() {
  const args = ["test", "--locked", "--target", "wasm32-unknown-unknown", "--no-run", "--message-format=json-render-diagnostics", ...cargoArgs];
  return new Promise((ok, fail) => {
    const cargo = spawn("cargo", args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    cargo.stdout.on("data", (chunk) => (out += chunk));
    cargo.once("error", fail);
    cargo.once("exit", (code) => {
      if (code !== 0) return fail(new Error(`cargo ${args.join(" ")} exited with ${code}`));
      const files = out
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line))
        .filter((m) => m.reason === "compiler-artifact" && m.profile?.test && m.executable)
        .map((m) => m.executable);
      ok([...new Set(files)].sort());
    });
  });
}

/** Starts the runner's server for one test file; resolves to its URL, or null if no tests. */
async function serveTests(wasm) {
  const runner = spawnGroup("wasm-bindgen-test-runner", [wasm], {
    cwd: root,
    env: { ...process.env, NO_HEADLESS: "1", WASM_BINDGEN_USE_BROWSER: "1", WASM_BINDGEN_TEST_ADDRESS: "127.0.0.1:0" },
  });
  const url = await until(
    () => {
      const found = runner.output.match(/available at (http:\/\/\S+)/);
      if (found) return found[1];
      if (runner.exitCode !== null) return runner.output.includes("no tests to run") ? "none" : `exited: ${runner.output}`;
      return null;
    },
    { timeout: 120_000, what: `wasm-bindgen-test-runner ${wasm} to serve its tests` },
  );
  if (url === "none") return { runner, url: null };
  if (!url.startsWith("http")) throw new Error(`wasm-bindgen-test-runner ${wasm} ${url}`);
  return { runner, url };
}

async function main() {
  if (!engine) throw new Error("usage: wasm_tests.mjs <chromium|firefox|webkit> [cargo test args]");
  const files = await buildTests();
  const page = await launch(engine);
  console.log(`engine: ${page.label} (${page.via})`);
  let failed = false;
  try {
    for (const wasm of files) {
      const name = basename(wasm).replace(/-[0-9a-f]+\.wasm$/, "");
      const { runner, url } = await serveTests(wasm);
      try {
        if (!url) {
          console.log(`${name}: no wasm-bindgen tests`);
          continue;
        }
        console.log(`running ${name} in ${engine} (${url})`);
        await page.goto(url);
        let output;
        try {
          output = await until(
            async () => {
              const text = await page.evaluate(() => document.getElementById("output")?.textContent ?? "");
              return text.includes("test result: ") ? text : null;
            },
            { timeout: TEST_TIMEOUT, what: `${name}'s test result in ${engine}`, interval: 250 },
          );
        } catch (error) {
          output = await page.evaluate(() => document.body?.innerText ?? "").catch(() => "");
          console.log(output);
          throw error;
        }
        console.log(output.trimEnd());
        if (!/test result: ok\./.test(output)) {
          failed = true;
          const errors = await page.errors();
          if (errors.length) console.log(`console errors in ${engine}:\n  ${errors.join("\n  ")}`);
        }
      } finally {
        await stopGroup(runner);
      }
    }
  } finally {
    await page.close();
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`wasm tests in ${engine}: ${error.stack ?? error}`);
    // The summary counts this as a failure even if no test printed one.
    console.log("test result: FAILED. 0 passed; 1 failed");
    process.exit(1);
  },
);
