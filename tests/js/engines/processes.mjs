// Child processes of the driver layer (Xvfb, WebKitWebDriver and the browser it starts), each
// in its own process group so that closing kills the browser's helpers too, and browser
// profiles in temporary folders: all killed and removed when this process exits however it
// exits, so no test run leaves a browser, an X server or a profile behind.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const live = new Set();
const folders = new Set();

const cleanUp = () => {
  for (const child of live) killGroup(child, "SIGKILL");
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
};
process.on("exit", cleanUp);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    cleanUp();
    process.exit(128 + (signal === "SIGINT" ? 2 : 15));
  });
}

/** A new temporary folder ("optin-<name>-..."), removed by removeFolder or at exit. */
export function tempFolder(name) {
  const folder = mkdtempSync(join(tmpdir(), `optin-${name}-`));
  folders.add(folder);
  return folder;
}

export function removeFolder(folder) {
  rmSync(folder, { recursive: true, force: true });
  folders.delete(folder);
}

/** Starts `command` in a new process group; its output is kept (the last 64 KB) for errors. */
export function spawnGroup(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options, detached: true });
  child.output = "";
  const keep = (chunk) => {
    child.output = (child.output + chunk).slice(-65536);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  live.add(child);
  child.once("exit", () => live.delete(child));
  return child;
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Ends a process group: SIGTERM, then SIGKILL if it is still there after `grace` ms. */
export async function stopGroup(child, grace = 3000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) {
    if (child) killGroup(child, "SIGKILL");
    return;
  }
  const exited = new Promise((ok) => child.once("exit", ok));
  killGroup(child, "SIGTERM");
  const timer = setTimeout(() => killGroup(child, "SIGKILL"), grace);
  await exited;
  clearTimeout(timer);
  // The group may outlive its leader (a browser's helper processes).
  killGroup(child, "SIGKILL");
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
    server.once("error", fail);
  });
}

export const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** Calls `check` until it returns something truthy; throws `what` after `timeout` ms. */
export async function until(check, { timeout, what, interval = 50 }) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms: ${what}`);
    await sleep(interval);
  }
}
