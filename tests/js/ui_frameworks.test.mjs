// optin/ui in the apps people build: a React 19 app and a plain HTML page, each built with
// Vite from the packed tarball and run in headless Chromium under the strict CSP. The user
// grants through the element; the app's own `rank` then changes (and did not before).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { serve } from "../../scripts/serve.mjs";
import { launch } from "./browser.mjs";
import { root, installedProject, watch, violations } from "./ui_helpers.mjs";

let project;

before(() => {
  project = installedProject("optin-ui-apps-");
  // React from the workspace's own dev dependencies (no registry access while testing).
  for (const dep of ["react", "react-dom", "scheduler"]) cpSync(join(root, "node_modules", dep), join(project, "node_modules", dep), { recursive: true });
});

after(() => project && rmSync(project, { recursive: true, force: true }));

// The catalog both apps rank: 30 items over six topics, in the editors' order.
const CATALOG = `
const TOPICS = ["science", "space", "sports", "culture", "world", "health"];
export const items = Array.from({ length: 30 }, (_, i) => ({ id: "a-" + (100 + i), features: { ["topic:" + TOPICS[i % 6]]: 1 }, baseline: 600 - i * 7 }));
export const read = (p, id) => p.record({ category: "reading", kind: "click", item: id, features: items.find((i) => i.id === id).features });
`;

function writeApp(name, files) {
  const dir = join(project, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "manifest.json"), readFileSync(join(root, "tests/fixtures/news-manifest.json")));
  writeFileSync(join(dir, "catalog.js"), CATALOG);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  const vite = join(root, "node_modules", "vite", "bin", "vite.js");
  execFileSync("node", [vite, "build", "--logLevel", "error", "--outDir", "dist", dir], { cwd: project, stdio: "pipe" });
  return join(dir, "dist");
}

const HTML = (body, lang = "en") => `<!doctype html><html lang="${lang}"><meta charset="utf-8"><title>app</title><link rel="icon" href="data:,"><body>${body}<script type="module" src="./main.js"></script></body></html>`;

/** Serves a built app, grants "topics" through <optin-consent>, reads science items. */
async function grantThenRank(dist, words) {
  const server = await serve(dist);
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    const seen = await watch(page);
    await page.goto(server.url);
    await page.waitForSelector("#feed li");
    const order = () => page.evaluate(() => [...document.querySelectorAll("#feed li")].map((li) => li.dataset.id));
    const before = await order();
    // Before consent, reading is not kept and the order stays the editors'.
    await page.locator("#feed [data-read=a-106]").click();
    await page.waitForFunction(() => document.getElementById("dropped").textContent === "1");
    assert.deepEqual(await order(), before);
    await page.locator("optin-consent [data-module=topics] [part~=turn-on]").click();
    await page.waitForFunction(() => document.getElementById("consents").textContent === "granted topics");
    assert.equal(await page.locator("optin-consent [data-module=topics] [part~=turn-off]").textContent(), words.off);
    for (const id of ["a-106", "a-100"]) {
      await page.locator(`#feed [data-read=${id}]`).click();
    }
    await page.waitForFunction((b) => [...document.querySelectorAll("#feed li")].map((li) => li.dataset.id).join() !== b.join(), before);
    const after = await order();
    assert.notDeepEqual(after, before);
    assert.ok(!before.includes("a-112") && after.includes("a-112"), `another science story moved up into the top 8: ${after}`);
    // "Why this?" next to an item, in the app, says what the user did.
    await page.locator("#feed optin-why button").first().click();
    assert.match(await page.locator("#feed optin-why li").first().textContent(), words.why);
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(await violations(page), []);
    for (const r of seen.requests) assert.ok(r.url.startsWith(server.url), r.url);
  } finally {
    await browser.close();
    await server.close();
  }
}

test("a React 19 app built with Vite: grant through <optin-consent>, then the app's rank changes", async () => {
  const dist = writeApp("react-app", {
    "index.html": HTML(`<div id="root"></div>`),
    "main.js": `
import { createElement as h, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { Personalizer } from "optin";
import "optin/ui";
import manifest from "./manifest.json";
import { items, read } from "./catalog.js";

const p = await Personalizer.open(manifest, { storage: "memory", locale: "en" });
p.setCatalog(items);
const top = () => p.rank(undefined, { limit: 8 });

function App() {
  const [ranked, setRanked] = useState(top);
  const [consents, setConsents] = useState("");
  const [dropped, setDropped] = useState(0);
  useEffect(() => p.onChange(() => setRanked(top())), []);
  const onRead = async (id) => {
    const outcome = await read(p, id);
    if (!outcome.stored) setDropped((n) => n + 1);
    setRanked(top());
  };
  return h("main", null,
    // React 19 sets personalizer as a property and listens to "optin-consent" for onoptin-consent.
    h("optin-consent", { personalizer: p, "onoptin-consent": (e) => setConsents(e.detail.state + " " + e.detail.module) }),
    h("p", { id: "consents" }, consents),
    h("p", { id: "dropped" }, String(dropped)),
    h("ol", { id: "feed" }, ranked.map((r) => h("li", { key: r.id, "data-id": r.id }, r.id, " ",
      h("button", { "data-read": r.id, onClick: () => onRead(r.id) }, "Read"),
      h("optin-why", { personalizer: p, ranked: r })))),
    h("optin-your-data", { personalizer: p }));
}
createRoot(document.getElementById("root")).render(h(App));
`,
  });
  await grantThenRank(dist, { off: "Turn off", why: /You viewed 2 items about science/ });
});

test("a plain HTML page built with Vite, in German: grant through <optin-consent>, then rank changes", async () => {
  const dist = writeApp("html-app", {
    "index.html": HTML(`<optin-consent></optin-consent><p id="consents"></p><p id="dropped">0</p><ol id="feed"></ol><optin-your-data></optin-your-data>`, "de"),
    "main.js": `
import { Personalizer } from "optin";
import { addStrings } from "optin/ui";
import de from "optin/ui/de";
import manifest from "./manifest.json";
import { items, read } from "./catalog.js";

addStrings("de", de);
const p = await Personalizer.open(manifest, { storage: "memory", locale: "de" });
p.setCatalog(items);
for (const el of document.querySelectorAll("optin-consent, optin-your-data")) el.personalizer = p;
const feed = document.getElementById("feed");
let dropped = 0;
function render() {
  feed.replaceChildren(...p.rank(undefined, { limit: 8 }).map((r) => {
    const li = document.createElement("li");
    li.dataset.id = r.id;
    const button = document.createElement("button");
    button.dataset.read = r.id;
    button.textContent = "Lesen";
    button.onclick = async () => {
      if (!(await read(p, r.id)).stored) document.getElementById("dropped").textContent = String(++dropped);
    };
    const why = document.createElement("optin-why");
    why.personalizer = p;
    why.ranked = r;
    li.append(r.id, " ", button, why);
    return li;
  }));
}
document.querySelector("optin-consent").addEventListener("optin-consent", (e) => {
  document.getElementById("consents").textContent = e.detail.state + " " + e.detail.module;
});
p.onChange(render);
render();
`,
  });
  await grantThenRank(dist, { off: "Ausschalten", why: /Sie haben diese Woche 2 Beiträge zu science angesehen/ });
});
