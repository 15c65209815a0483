// The browser engines the tests run in, and one way to open each: `launch(engine)` resolves
// to a Page (page.mjs) in a fresh browser with a fresh profile; `page.close()` ends the
// browser and its processes and removes the profile.
//
//   chromium  /usr/bin/chromium through playwright-core (CDP)
//   firefox   /usr/bin/firefox-esr through puppeteer-core (WebDriver BiDi)
//   webkit    WebKitGTK's MiniBrowser through WebKitWebDriver (WebDriver classic), under Xvfb
//
// OPTIN_ENGINES chooses what the browser test files run: unset, every test in every engine; a
// comma-separated list of engines ("firefox,webkit"), only those engines' browser tests (the
// Node tests of those files are skipped, as they ran without it); "none", only the Node tests.
import { test } from "node:test";
import { Page } from "./page.mjs";

export const ENGINES = ["chromium", "firefox", "webkit"];

const BACKENDS = {
  chromium: () => import("./chromium.mjs"),
  firefox: () => import("./firefox.mjs"),
  webkit: () => import("./webkit.mjs"),
};

/** What OPTIN_ENGINES asks for: { engines, nodeTests }. */
export function selection(value = process.env.OPTIN_ENGINES) {
  if (value === undefined || value.trim() === "") return { engines: ENGINES, nodeTests: true };
  if (value.trim() === "none") return { engines: [], nodeTests: true };
  const engines = value.split(",").map((e) => e.trim().toLowerCase()).filter(Boolean);
  for (const engine of engines) {
    if (!ENGINES.includes(engine)) throw new Error(`OPTIN_ENGINES: no engine ${engine} (${ENGINES.join(", ")})`);
  }
  return { engines, nodeTests: false };
}

/** The engines this run's browser tests run in. */
export const engines = () => selection().engines;

/** Options for a Node-only test in a file of browser tests: skipped when only engines run. */
export const nodeOnly = () => (selection().nodeTests ? {} : { skip: "a Node test: it runs when OPTIN_ENGINES is unset or none" });

/**
 * Registers a browser test once per engine under test, named "<engine>: <name>"; `fn(t,
 * engine)` is the same in every engine (what differs between engines lives in the driver).
 */
export function engineTest(name, fn, options = {}) {
  for (const engine of engines()) test(`${engine}: ${name}`, options, (t) => fn(t, engine));
}

/** A fresh browser of `engine`, as a Page. */
export async function launch(engine) {
  if (!BACKENDS[engine]) throw new Error(`no engine ${engine}`);
  const { launch: start } = await BACKENDS[engine]();
  return new Page(await start());
}
