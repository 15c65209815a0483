// The demo page, end to end, through the README's demo command: it builds the package,
// installs the packed tarball into www/ and serves it on 127.0.0.1. The consent banner and
// settings, the preview, "Why this?" and "Your data" are optin/ui's elements (open shadow
// roots): the tests reach into them as a user sees them, by the words on their buttons. Each test runs in every
// engine (Chromium, Firefox, WebKit; OPTIN_ENGINES picks, see engines/index.mjs), drives the
// page in a fresh browser profile (its own IndexedDB) and watches every request. The tests
// say what a reader sees and does; how each engine is driven is the driver's (engines/).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readdirSync } from "node:fs";
import { engineTest, engines, launch, nodeOnly } from "./engines/index.mjs";
import { idbKeys, totalKeys, axeViolations, watchNetwork } from "./demo_helpers.mjs";
import { scanJs } from "./network_guard.mjs";
import { until } from "./engines/processes.mjs";

const root = new URL("../..", import.meta.url).pathname;
// Chromium's screenshots are the README's; the other engines' go into a folder each.
const shotsOf = (engine) => join(root, "tests/out/screenshots", engine === "chromium" ? "" : engine);

const freePort = () =>
  new Promise((ok) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

test("the demo's scripts build no HTML from strings and call no network API", nodeOnly(), () => {
  const www = join(root, "www");
  const scripts = readdirSync(www).filter((f) => f.endsWith(".js"));
  assert.ok(scripts.includes("app.js") && scripts.includes("feed.js"), `found ${scripts}`);
  for (const file of scripts) {
    // Comments may name what the code must not do; the code itself may not do it.
    const source = readFileSync(join(www, file), "utf8").replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, "");
    assert.doesNotMatch(source, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|setAttribute\(\s*["']style/, file);
    assert.deepEqual(scanJs(source), [], file);
    // Every module is imported statically, so it is loaded with the page, never later.
    assert.doesNotMatch(source, /\bimport\s*\(/, file);
  }
  // The parts optin/ui covers are its elements, not the demo's own copies of them.
  const html = readFileSync(join(www, "index.html"), "utf8");
  for (const element of ["optin-consent", "optin-preview", "optin-your-data"]) assert.match(html, new RegExp(`<${element}[ >]`), element);
  assert.match(readFileSync(join(www, "feed.js"), "utf8"), /createElement\("optin-why"\)/);
  for (const gone of ["consent.js", "preview.js", "your-data.js"]) assert.ok(!scripts.includes(gone), `${gone} is replaced by an element`);
});

let demo;
let origin;

before(async () => {
  if (engines().length === 0) return;
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  demo = spawn("./scripts/demo.sh", [], { cwd: root, env: { ...process.env, PORT: String(port) }, detached: true });
  let output = "";
  demo.stdout.on("data", (d) => (output += d));
  demo.stderr.on("data", (d) => (output += d));
  await new Promise((ok, fail) => {
    const timer = setInterval(() => {
      if (output.includes(`127.0.0.1:${port}`)) { clearInterval(timer); ok(); }
      if (demo.exitCode !== null) { clearInterval(timer); fail(new Error(`demo exited: ${output}`)); }
    }, 200);
  });
  for (const engine of engines()) mkdirSync(shotsOf(engine), { recursive: true });
}, { timeout: 900_000 });

after(() => {
  try { if (demo) process.kill(-demo.pid, "SIGTERM"); } catch {}
});

/** A fresh browser of `engine` on the demo page, with errors and requests recorded. */
async function openDemo(t, engine, { width = 1200, height = 900 } = {}) {
  const page = await launch(engine);
  t.after(() => page.close());
  try {
    await page.setViewportSize({ width, height });
  } catch (error) {
    // WebKit's driver at times measures the page before MiniBrowser's window has taken its
    // new size (a jump from 1280 to 390 px wide measured 1280 and then asked for a negative
    // width): once more, after a moment, from the size it has now.
    t.diagnostic(`setViewportSize once more: ${error.message}`);
    await new Promise((ok) => setTimeout(ok, 500));
    await page.setViewportSize({ width, height });
  }
  const network = watchNetwork(page, origin);
  const load = async (how) => {
    network.loading();
    await how();
    await page.waitForSelector("body[data-ready]");
    network.loaded();
  };
  await load(() => page.goto(`${origin}/`));
  return { page, network, load, shots: shotsOf(engine) };
}

// Inside the elements. `host` is a CSS selector of the element ("#consent": the settings,
// "#banner", "#preview-element", "#data": your data, "#story-n-001 optin-why").
const inShadow = (host, body) => `((root) => (${body}))(document.querySelector(${JSON.stringify(host)})?.shadowRoot)`;
/** `fn(shadowRoot, arg)` in the page. */
const shadow = (page, host, fn, arg) => page.evaluate(inShadow(host, `(${fn})(root, ${JSON.stringify(arg)})`));
const clean = (s) => (s ?? "").replace(/\s+/g, " ").trim();
/** A visible button of the element whose accessible name (aria-label, else text) is `name`. */
const FIND_BUTTON = `(root, name) => root && [...root.querySelectorAll("button")].find((b) =>
  b.getClientRects().length > 0 && !b.disabled && (b.getAttribute("aria-label") ?? b.textContent).replace(/\\s+/g, " ").trim() === name) || null`;

/** Clicks the element's button `name` with the engine's own click (a real pointer click). */
async function press(page, host, name) {
  const expression = inShadow(host, `(${FIND_BUTTON})(root, ${JSON.stringify(name)})`);
  const handle = await until(() => page.backend.handle(expression), { timeout: 20_000, what: `${host}: button ${name}` });
  try {
    await page.backend.click(handle);
  } finally {
    await page.backend.release(handle).catch(() => {});
  }
}
const hasButton = (page, host, name) => page.evaluate(inShadow(host, `(${FIND_BUTTON})(root, ${JSON.stringify(name)}) !== null`));
/** The text of the element's first match of `css` (whitespace collapsed; null if none). */
const textIn = async (page, host, css) => clean(await shadow(page, host, (root, css) => root?.querySelector(css)?.textContent ?? null, css)) || null;
const waitIn = (page, host, fn, arg) => page.waitForFunction(inShadow(host, `(${fn})(root, ${JSON.stringify(arg)})`));

const state = (page, id, host = "#consent") => shadow(page, host, (root, id) => root?.querySelector(`[data-module="${id}"]`)?.dataset.state ?? null, id);
const waitState = (page, id, value) => waitIn(page, "#consent", (root, [id, value]) => root?.querySelector(`[data-module="${id}"]`)?.dataset.state === value, [id, value]);
/** Your data's inventory: entries per data category, as the element shows them. */
const inventory = (page) => shadow(page, "#data", (root) => Object.fromEntries([...root.querySelectorAll("[part=inventory] [data-category]")].map((li) => [li.dataset.category, Number(li.dataset.count)])));
const stored = async (page) => Object.values(await inventory(page)).reduce((a, b) => a + b, 0);
const waitCount = (page, category, n) => waitIn(page, "#data", (root, [c, n]) => root?.querySelector(`[part=inventory] [data-category="${c}"]`)?.dataset.count === String(n), [category, n]);
const text = (page, selector) => page.textContent(selector).then(clean);
const feed = (page) => page.$$eval("#feed .story", (items) => items.map((i) => ({ id: i.dataset.id, topic: i.dataset.topic, source: i.dataset.source })));
const ids = (stories) => stories.map((s) => s.id);
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const live = (page, pattern) => page.waitForFunction((source) => new RegExp(source).test(document.getElementById("live").textContent), pattern.source);
/** Opens the first story of `topic` on the front page (a headline click): the reader shows it. */
async function read(page, topic) {
  const story = page.locator(`#feed .story[data-topic=${topic}] .headline`).first();
  const title = clean(await story.textContent());
  await story.click();
  await page.waitForFunction((title) => document.getElementById("reader-title")?.textContent === title, title);
  return title;
}
/** Picks a sample person in the preview, as the driver's selectOption does with a <select>. */
const pickPersona = (page, id) => shadow(page, "#preview-element", (root, id) => {
  const select = root.querySelector("select");
  select.value = id;
  select.dispatchEvent(new Event("change", { bubbles: true }));
}, id);
const column = (page, which) => shadow(page, "#preview-element", (root, which) => [...root.querySelectorAll(`[part~=${which}] li`)].map((li) => ({ id: li.dataset.id, reason: li.querySelector(".reason")?.textContent ?? null, moved: Boolean(li.querySelector(".move")) })), which);
/** "Decide later": the banner closes, everything undecided stays off. */
async function later(page) {
  await press(page, "#banner", "Decide later");
  await page.waitForFunction(() => !document.getElementById("banner").hasAttribute("open"));
}
const noSideways = (page) => page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth }));

engineTest("first visit: everything off, the editors' order, nothing stored; the preview collects nothing", async (t, engine) => {
  const { page, network, shots } = await openDemo(t, engine);
  assert.match(await text(page, "#status"), /optin \d+\.\d+\.\d+ is running/);
  // The banner opened itself: nothing is decided yet. It and the settings agree.
  assert.equal(await page.evaluate(() => document.getElementById("banner").hasAttribute("open")), true);
  for (const id of ["topics", "similar", "health", "insights"]) {
    for (const host of ["#banner", "#consent"]) {
      assert.equal(await state(page, id, host), "notGranted", `${host} ${id}`);
      assert.equal(await textIn(page, host, `[data-module=${id}] [part=state]`), "Off, not decided yet");
    }
  }
  assert.equal(await state(page, "editorial"), "granted");
  // "Turn on" and "No thanks" are both there, and look the same.
  const look = (name) => shadow(page, "#banner", (root, name) => {
    const b = [...root.querySelectorAll("button")].find((x) => x.getAttribute("aria-label") === name);
    const r = b.getBoundingClientRect();
    return { width: Math.round(r.width), height: Math.round(r.height), background: getComputedStyle(b).backgroundColor, border: getComputedStyle(b).borderTopColor };
  }, name);
  assert.deepEqual(await look("Turn on: Topics you follow"), await look("No thanks: Topics you follow"));
  // The notice is there on demand, with all six answers, from the manifest.
  await press(page, "#banner", "What exactly does it do? Topics you follow");
  const notice = await textIn(page, "#banner", "[data-module=topics] [part=panel]");
  for (const part of ["Remembers the topics", "Articles you read", "30 days", "Only you", "Turn off"]) assert.ok(notice.includes(part), `${part} in ${notice}`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, "first-visit.png") });

  // The front page: the editors' order, which says so; a lead story over the rest, and more
  // than one source among the top ten.
  assert.equal(await page.getAttribute("#feed .feed-note", "data-mode"), "baseline");
  const stories = await feed(page);
  assert.equal(stories.length, 20);
  assert.ok(new Set(stories.slice(0, 10).map((s) => s.source)).size >= 2, `sources of the top 10: ${stories.map((s) => s.source)}`);
  const size = (selector) => page.locator(selector).first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(await size("#feed .story.lead .headline") > await size("#feed .story.brief .headline"), "the lead story stands out");
  assert.equal(await stored(page), 0);
  assert.deepEqual(await axeViolations(page), []);

  // "Decide later" closes the banner; everything stays off.
  await later(page);
  for (const id of ["topics", "similar", "health", "insights"]) assert.equal(await state(page, id), "notGranted");
  const first = `#story-${stories[0].id} optin-why`;
  await press(page, first, `Why this? ${await text(page, `#story-${stories[0].id} .headline`)}`);
  assert.match(await textIn(page, first, "[part=reasons]"), /Everyone's order/);
  // Reading a story with everything off opens it and stores nothing.
  const title = await read(page, stories[0].topic);
  await live(page, /^Not saved/);
  assert.ok((await text(page, "#live")).includes(title));
  assert.equal(await stored(page), 0);

  // The preview: a sample reader's page next to everyone's, moves marked, reasons about the
  // sample person (not "you"), nothing collected.
  await pickPersona(page, "science-fan");
  const personalized = await column(page, "personalized");
  const baseline = await column(page, "baseline");
  assert.equal(personalized.length, 10);
  assert.notDeepEqual(ids(personalized), ids(baseline));
  assert.ok(personalized.some((r) => r.moved));
  const reasons = personalized.map((r) => r.reason).filter(Boolean);
  assert.ok(reasons.length > 0 && reasons.every((r) => /sample person/.test(r) && !/\byou\b/i.test(r)), `reasons: ${reasons}`);
  await pickPersona(page, "sports-fan");
  assert.notDeepEqual(ids(await column(page, "personalized")), ids(personalized));
  assert.equal(await shadow(page, "#preview-element", (root) => root.querySelector("[part=collected]").dataset.events), "0");
  assert.equal(await stored(page), 0);
  for (const id of ["topics", "similar", "health"]) assert.equal(await state(page, id), "notGranted");
  await page.locator("#preview").screenshot({ path: join(shots, "preview.png") });
  assert.deepEqual(await page.errors(), []);
  network.check();
});

engineTest("opt in, read, reload, revoke, download, erase: the page, the elements and IndexedDB agree", async (t, engine) => {
  const { page, network, load, shots } = await openDemo(t, engine);
  const baselineFeed = await feed(page);
  await press(page, "#banner", "Turn on: Topics you follow");
  await waitState(page, "topics", "granted");
  await later(page);
  await press(page, "#consent", "Turn on: Stories like the ones you read");
  await waitState(page, "similar", "granted");
  const beforeReading = await idbKeys(page);

  // Read three Science stories from the front page and like the last; open a health story
  // (sensitive: no module that may use it is on, so it is not kept).
  for (let i = 0; i < 3; i++) {
    const title = await read(page, "science");
    await waitCount(page, "reading", i + 1);
    await live(page, new RegExp(`^Saved on this device: you read “${escape(title)}”\\.$`));
  }
  await page.click("#like");
  await waitCount(page, "reactions", 1);
  assert.equal(await page.getAttribute("#like", "aria-pressed"), "true");
  await read(page, "health");
  await live(page, /^Not saved/);
  assert.deepEqual(await inventory(page), { reading: 3, reactions: 1, "health-reading": 0 });

  // The front page turned to Science, with the day's other top stories in between.
  const personalizedFeed = await feed(page);
  assert.notDeepEqual(ids(personalizedFeed), ids(baselineFeed));
  const topics = personalizedFeed.map((s) => s.topic);
  const science = (list) => list.filter((s) => s.topic === "science").length;
  assert.equal(topics[0], "science");
  assert.ok(science(personalizedFeed) >= 12, `Science in the top 20: ${topics}`);
  assert.ok(science(personalizedFeed) > science(baselineFeed), "more Science than the editors' page");
  assert.ok(new Set(topics.slice(0, 10)).size >= 3, `a front page, not one topic: ${topics}`);
  assert.ok(new Set(personalizedFeed.slice(0, 10).map((s) => s.source)).size >= 2, "more than one source");
  assert.equal(await page.getAttribute("#feed .feed-note", "data-mode"), "personalized");
  const lead = `#story-${personalizedFeed[0].id} optin-why`;
  await press(page, lead, `Why this? ${await text(page, `#story-${personalizedFeed[0].id} .headline`)}`);
  const why = await textIn(page, lead, "[part=reasons]");
  assert.match(why, /You viewed 3 stories about Science this week\. You liked 1 story about Science\. Learned by “Topics you follow”/);
  assert.match(why, /Like “[^”]+”, which you chose\. Learned by “Stories like the ones you read”/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, "after-opting-in.png") });

  // Your data: what personalization did, the interest and the entries behind it, the history
  // newest first.
  const benefit = await textIn(page, "#data", "[part=benefit] [data-module=topics]");
  const measured = benefit.match(/Your last (\d+) choices were, on median, #(\d+) in your order and #(\d+) in everyone's|Your last choice was #(\d+) in your order and #(\d+) in everyone's/);
  assert.ok(measured, benefit);
  assert.equal(await shadow(page, "#data", (root) => root.querySelector("[part=interest]")?.dataset.feature), "topic:science");
  await press(page, "#data", "Why do you think this? Science");
  assert.equal(await shadow(page, "#data", (root) => root.querySelectorAll("[part=interest] [part=panel] .entry").length), 4);
  const history = await shadow(page, "#data", (root) => [...root.querySelectorAll("[part=history] li")].map((li) => li.textContent));
  assert.equal(history.length, 2);
  assert.match(history[0], /You turned on “Stories like the ones you read”/);
  // Newest first, numbered from 1 at the top (it once counted down: 2, 1).
  assert.equal(await shadow(page, "#data", (root) => root.querySelector("[part=history] ol").reversed), false);
  await page.locator("#your-data").screenshot({ path: join(shots, "your-data.png") });
  assert.deepEqual(await axeViolations(page), []);

  // "Never use Science" takes the interest away without deleting what was read; "Use Science
  // again" brings it back from the same entries.
  await press(page, "#data", "Never use Science");
  await waitIn(page, "#data", (root) => Boolean(root && [...root.querySelectorAll("button")].some((b) => b.textContent === "Use Science again")));
  assert.equal(await shadow(page, "#data", (root) => root.querySelector("[part=interest][data-feature='topic:science']")), null);
  assert.equal((await inventory(page)).reading, 3);
  assert.notEqual((await feed(page))[0].topic, "science");
  await press(page, "#data", "Use Science again");
  await waitIn(page, "#data", (root) => root?.querySelector("[part=interest]")?.dataset.feature === "topic:science");
  assert.deepEqual(ids(await feed(page)), ids(personalizedFeed));

  // Download my data: the exportData JSON, made in the page, with what the page shows.
  const downloadButton = inShadow("#data", `(${FIND_BUTTON})(root, "Download my data")`);
  const download = await page.backend.download(await until(() => page.backend.handle(downloadButton), { timeout: 20_000, what: "Download my data" }));
  assert.equal(download.name, "my-data-optin.json");
  const exported = JSON.parse(download.text);
  assert.equal(exported.format, "optin-export/1");
  assert.equal(exported.events.length, 4);
  assert.equal(exported.consentRecords.length, 2);
  const topicsBenefit = exported.benefit.find((b) => b.module === "topics");
  const [mine, theirs] = measured[2] ? [measured[2], measured[3]] : [measured[4], measured[5]];
  assert.deepEqual([Number(mine), Number(theirs)], [topicsBenefit.medianRankPersonalized, topicsBenefit.medianRankBaseline], "the page shows the measured benefit");
  assert.ok(topicsBenefit.medianRankPersonalized < topicsBenefit.medianRankBaseline, "personalization put the chosen stories higher");

  // Data and consent live in IndexedDB: a reload brings back the same page.
  const afterReading = await idbKeys(page);
  const dataKeys = afterReading.filter((k) => !beforeReading.includes(k));
  assert.ok(dataKeys.length > 0, "reading wrote records");
  await load(() => page.reload());
  assert.equal(await state(page, "topics"), "granted");
  assert.deepEqual(await inventory(page), { reading: 3, reactions: 1, "health-reading": 0 });
  // Two modules are still undecided, so the banner asks again, for those two only.
  assert.deepEqual(await shadow(page, "#banner", (root) => [...root.querySelectorAll("[data-module]")].filter((m) => m.dataset.state !== "granted").map((m) => m.dataset.module)), ["health", "insights"]);
  await later(page);
  assert.deepEqual(ids(await feed(page)), ids(personalizedFeed));

  // Turning off one of two modules that use "reading" says it keeps it, and does; turning off
  // the last says what it erases, and does.
  assert.match(await textIn(page, "#data", "[part=modules] [data-module=similar] p"), /Articles you read stays: “Topics you follow” still needs it\./);
  await press(page, "#data", "Turn off: Stories like the ones you read");
  await waitState(page, "similar", "notGranted");
  assert.equal((await inventory(page)).reading, 3);
  assert.match(await textIn(page, "#data", "[part=modules] [data-module=topics] p"), /Turning it off erases: Articles you read \(3 entries\) and Your likes and dislikes \(1 entry\)\./);
  await press(page, "#data", "Turn off: Topics you follow");
  await waitState(page, "topics", "notGranted");
  assert.equal(await stored(page), 0);
  assert.equal(await page.getAttribute("#feed .feed-note", "data-mode"), "baseline");
  assert.match(await textIn(page, "#consent", "[data-module=topics] [part=state]"), /you turned it off/);
  // Every record reading wrote is gone; the two withdrawals are new consent records.
  const afterRevoke = await idbKeys(page);
  assert.deepEqual(dataKeys.filter((k) => afterRevoke.includes(k)), [], "reading records left in IndexedDB");
  await load(() => page.reload());
  assert.equal(await stored(page), 0);
  assert.equal((await shadow(page, "#data", (root) => root.querySelectorAll("[part=history] li").length)), 4);
  await later(page);

  // Erase everything: two steps, then nothing is left in IndexedDB.
  await press(page, "#data", "Erase everything");
  await press(page, "#data", "Yes, erase everything");
  await waitIn(page, "#data", (root) => root?.querySelector("[part=history]")?.textContent.includes("No decisions yet"));
  assert.equal(await totalKeys(page), 0);
  assert.equal(await textIn(page, "#consent", "[data-module=topics] [part=state]"), "Off, not decided yet");
  assert.deepEqual(await page.errors(), []);
  network.check();
});

engineTest("anonymous feedback: what a report contains, made on the device only after opting in, sent nowhere", async (t, engine) => {
  const { page, network } = await openDemo(t, engine);
  assert.ok(await page.locator("#reports-off").isVisible());
  assert.equal(await page.locator("#reports button", { hasText: "Make a report" }).count(), 0);
  const shape = JSON.parse(await page.textContent("#reports [data-metric=feed-helpful] .report-shape"));
  assert.equal(shape.mechanism, "rr");
  // The module's notice and the banner say the same as the panel: made here, sent nowhere.
  assert.match(await textIn(page, "#banner", "[part=summary]"), /this demo only shows them to you and sends nothing/);
  await later(page);
  await press(page, "#consent", "What exactly does it do? Anonymous feedback");
  const notice = await textIn(page, "#consent", "[data-module=insights] [part=panel]");
  assert.doesNotMatch(notice, /\bSends\b/);
  assert.match(notice, /this demo only shows them to you and sends nothing/);
  assert.match(await textIn(page, "#consent", "[part=summary]"), /this demo only shows them to you and sends nothing/);
  assert.match(await text(page, "#reports"), /this demo only shows them to you and sends nothing/);
  await press(page, "#consent", "Turn on: Anonymous feedback");
  await waitState(page, "insights", "granted");
  await page.locator("[data-metric=favourite-section] select").selectOption("science");
  const before = page.requests.length;
  await page.locator("[data-metric=favourite-section] button", { hasText: "Make a report" }).click();
  const report = JSON.parse(await page.locator("#report-favourite-section").textContent());
  assert.equal(report.mechanism, "oue");
  // Unary encoding: the positions of the bits that came out 1, each randomized.
  assert.ok(report.ones.every((i) => Number.isInteger(i) && i >= 0 && i < 4));
  assert.equal(new Set(report.ones).size, report.ones.length);
  assert.ok(!JSON.stringify(report).includes("science"), "the true answer is not in the report");
  assert.match(await text(page, "#budget"), /used this week: 1 of 4/);
  assert.equal(page.requests.length, before, "making a report sent nothing");
  assert.deepEqual(await page.errors(), []);
  network.check();
});

engineTest("health reading is sensitive: kept only while its own module is on, and says so", async (t, engine) => {
  const { page, network } = await openDemo(t, engine);
  await later(page);
  await press(page, "#consent", "Turn on: Topics you follow");
  await waitState(page, "topics", "granted");
  await read(page, "health");
  await live(page, /^Not saved/);
  assert.equal((await inventory(page))["health-reading"], 0);
  await press(page, "#consent", "Turn on: Health stories");
  await waitState(page, "health", "granted");
  const beforeHealth = await idbKeys(page);
  await read(page, "health");
  await waitCount(page, "health-reading", 1);
  // (innerText: what is on screen, without the glossary tooltip's hidden definition.)
  const row = clean(await shadow(page, "#data", (root) => root.querySelector("[data-category=health-reading]").innerText));
  assert.match(row, /^Health articles you read \(sensitive\): 1 entry\. Deleted by .+ Used by “Health stories”\.$/);
  // The reading of health stories feeds only the health module's interest.
  assert.equal(await shadow(page, "#data", (root) => root.querySelector("[part=interest]")?.dataset.feature), "topic:health");
  // "Delete 2 entries behind Health" deletes the entries behind the interest (one write); the
  // module stays on and the topic is not blocked: the next health story read counts.
  await read(page, "health");
  await waitCount(page, "health-reading", 2);
  const healthKeys = (await idbKeys(page)).filter((k) => !beforeHealth.includes(k));
  assert.ok(healthKeys.length > 0, "health reading wrote records");
  await press(page, "#data", "Delete 2 entries behind Health");
  await waitIn(page, "#data", (root) => !root.querySelector("[part=interest]"));
  assert.equal((await inventory(page))["health-reading"], 0);
  assert.equal(await state(page, "health"), "granted");
  const afterForget = await idbKeys(page);
  const left = healthKeys.filter((k) => afterForget.includes(k));
  // Every record the entries wrote is gone, and what the benefit check measured from them
  // too: "Health stories" starts its evidence again.
  assert.deepEqual(left, [], "a record written while reading health stories is still in IndexedDB");
  assert.match(
    await shadow(page, "#data", (root) => root.querySelector("[part=benefit] [data-module=health]")?.textContent ?? ""),
    /Not measured yet\.$/,
    "your data no longer says where the deleted health stories stood",
  );
  await read(page, "health");
  await waitCount(page, "health-reading", 1);
  assert.equal(await shadow(page, "#data", (root) => root.querySelector("[part=interest]")?.dataset.feature), "topic:health");
  // Only "Health stories" uses health reading: turning it off says so, and erases it.
  assert.match(await textIn(page, "#data", "[part=modules] [data-module=health] p"), /^Turning it off erases: Health articles you read \(1 entry\)\.$/);
  await press(page, "#data", "Turn off: Health stories");
  await waitState(page, "health", "notGranted");
  assert.equal((await inventory(page))["health-reading"], 0);
  assert.equal(await shadow(page, "#data", (root) => root.querySelectorAll("[part=interest]").length), 0);
  assert.deepEqual(await page.errors(), []);
  network.check();
});

engineTest("a second tab turning a module on leaves this tab its whole front page, and reading works", async (t, engine) => {
  const { page, network } = await openDemo(t, engine);
  await later(page);
  const before = await feed(page);
  assert.ok(before.length >= 10, `${before.length} stories`);
  // The second tab's own load (WebKit's driver sees every tab's requests through its proxy).
  network.loading();
  const tab = await page.openTab(`${origin}/`);
  t.after(() => tab.close());
  await tab.waitForFunction(() => document.body.hasAttribute("data-ready"));
  network.loaded();
  // The user turns "Topics you follow" on in the other tab.
  await tab.evaluate(() => {
    const root = document.querySelector("#consent").shadowRoot;
    [...root.querySelectorAll("button")].find((b) => b.getAttribute("aria-label") === "Turn on: Topics you follow").click();
  });
  await tab.waitForFunction(() => document.querySelector("#consent").shadowRoot.querySelector('[data-module="topics"]')?.dataset.state === "granted");
  // This tab hears of it (it reloads from storage) and keeps the app's catalog: the same
  // stories are on its front page (a reload that dropped the catalog left it empty), and
  // reading one records it under the grant made in the other tab.
  await waitState(page, "topics", "granted");
  const after = await feed(page);
  assert.deepEqual([...ids(after)].sort(), [...ids(before)].sort());
  await read(page, "science");
  await waitCount(page, "reading", 1);
  assert.deepEqual(await page.errors(), []);
  network.check();
});

engineTest("the language switch: the manifest's German, the elements' German and the page's own, status line included", async (t, engine) => {
  const { page, network, shots } = await openDemo(t, engine);
  await later(page);
  // Something said in English first: the status line must not stay English.
  const english = await read(page, "science");
  await live(page, /^Not saved/);
  await page.selectOption("#language", "de");
  await page.waitForFunction(() => document.documentElement.lang === "de");
  await live(page, /^Nicht gespeichert: Kein eingeschaltetes Modul nutzt das, „[^“]+“ wurde also nicht behalten\.$/);
  assert.equal(await textIn(page, "#consent", "[data-module=topics] .module-title"), "Themen, denen Sie folgen");
  assert.equal(await text(page, "#choices-title"), "Ihre Datenschutz-Einstellungen");
  assert.equal(await textIn(page, "#consent", "[data-module=topics] [part=state]"), "Aus, noch nicht entschieden");
  assert.ok(await hasButton(page, "#consent", "Einschalten: Themen, denen Sie folgen"));
  assert.match(await textIn(page, "#preview-element", "[part~=personalized] h3"), /Wissenschaftsfan/);
  assert.match(await textIn(page, "#preview-element", "[part~=personalized] .reason"), /^Die Beispielperson/);
  const german = await text(page, "#reader-title");
  assert.notEqual(german, english, "the open story in German");
  assert.ok((await text(page, "#live")).includes(german));
  assert.match(await text(page, "#feed .feed-note"), /Reihenfolge der Redaktion/);
  assert.deepEqual(await axeViolations(page), []);
  // Keyboard: the toggle works with Enter and keeps focus.
  await shadow(page, "#consent", (root) => [...root.querySelectorAll("button")].find((b) => b.getAttribute("aria-label") === "Einschalten: Themen, denen Sie folgen").focus());
  await page.keyboard.press("Enter");
  await waitState(page, "topics", "granted");
  assert.equal(await shadow(page, "#consent", (root) => root.activeElement?.getAttribute("aria-label")), "Ausschalten: Themen, denen Sie folgen");
  // Reading now is saved, and the status line says so in German.
  const title = await read(page, "science");
  await live(page, new RegExp(`^Auf diesem Gerät gespeichert: Sie haben „${escape(title)}“ gelesen\\.$`));
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, "german.png") });
  assert.deepEqual(await page.errors(), []);
  network.check();
});

engineTest("at 390 px wide nothing scrolls sideways, in English and German, the developers' table open", async (t, engine) => {
  const { page, network, shots } = await openDemo(t, engine, { width: 390, height: 844 });
  assert.equal(await page.evaluate(() => innerWidth), 390);
  // The first visit on a phone: the banner over the page.
  await page.screenshot({ path: join(shots, "narrow-390.png") });
  assert.ok((await noSideways(page)).scrollWidth <= 390);
  await later(page);
  await press(page, "#consent", "Turn on: Topics you follow");
  await waitState(page, "topics", "granted");
  await read(page, "science");
  await waitCount(page, "reading", 1);
  await page.click("#developers summary");
  assert.ok(await page.locator("#audit").isVisible());
  await press(page, "#data", "Why do you think this? Science");
  await press(page, "#consent", "What exactly does it do? Anonymous feedback");
  for (const locale of ["en", "de"]) {
    await page.selectOption("#language", locale);
    await page.waitForFunction((l) => document.documentElement.lang === l, locale);
    const { scrollWidth, innerWidth } = await noSideways(page);
    assert.ok(scrollWidth <= innerWidth, `${locale}: the page is ${scrollWidth} px wide in a ${innerWidth} px window`);
  }
  await page.locator("#your-data").screenshot({ path: join(shots, "narrow-390-your-data-de.png") });
  assert.deepEqual(await page.errors(), []);
  network.check();
});
