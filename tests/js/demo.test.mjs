// The demo page, end to end, through the README's demo command: it builds the package,
// installs the packed tarball into www/ and serves it on 127.0.0.1. Each test runs in every
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
  assert.ok(scripts.length >= 8, `found ${scripts}`);
  for (const file of scripts) {
    // Comments may name what the code must not do; the code itself may not do it.
    const source = readFileSync(join(www, file), "utf8").replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, "");
    assert.doesNotMatch(source, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|setAttribute\(\s*["']style/, file);
    assert.deepEqual(scanJs(source), [], file);
    // Every module is imported statically, so it is loaded with the page, never later.
    assert.doesNotMatch(source, /\bimport\s*\(/, file);
  }
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
async function openDemo(t, engine) {
  const page = await launch(engine);
  t.after(() => page.close());
  await page.setViewportSize({ width: 1200, height: 900 });
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

const state = (page, id) => page.getAttribute(`#module-${id}`, "data-state");
const text = (page, selector) => page.textContent(selector).then((s) => s.replace(/\s+/g, " ").trim());
const feedTopics = (page) => page.$$eval("#stories .story", (items) => items.map((i) => i.dataset.topic));
const feedIds = (page) => page.$$eval("#stories .story", (items) => items.map((i) => i.dataset.id));
const inventoryCount = async (page, category) => Number(await page.getAttribute(`#inventory-${category}`, "data-count"));
const totalEvents = async (page) => Number(await page.getAttribute("#inventory", "data-total"));

engineTest("first visit: everything off, the editors' order, nothing stored; the preview collects nothing", async (t, engine) => {
  const { page, network, shots } = await openDemo(t, engine);
  assert.match(await text(page, "#status"), /optin \d+\.\d+\.\d+ is running/);
  for (const id of ["topics", "similar", "health", "insights"]) {
    assert.equal(await state(page, id), "notGranted", id);
    assert.match(await text(page, `#module-${id} .state`), /not decided yet/);
  }
  assert.equal(await state(page, "editorial"), "granted");
  // "Turn on" and "No thanks" are both there, and look the same.
  const on = page.getByRole("button", { name: "Turn on: Topics you follow" });
  const no = page.getByRole("button", { name: "No thanks: Topics you follow" });
  const [onBox, noBox] = [await on.boundingBox(), await no.boundingBox()];
  assert.equal(Math.round(onBox.width), Math.round(noBox.width));
  assert.equal(await on.evaluate((b) => getComputedStyle(b).backgroundColor), await no.evaluate((b) => getComputedStyle(b).backgroundColor));
  // The notice is there on demand, with all six answers, from the manifest.
  await page.click("#module-topics summary");
  const notice = await text(page, "#module-topics .notice");
  for (const part of ["Remembers the topics", "Articles you read", "30 days", "Nobody but you", "Turn off"]) assert.ok(notice.includes(part), part);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, "first-visit.png") });
  // A glossary term shows its definition on focus.
  await page.locator("#choices .term-word").first().focus();
  assert.ok(await page.locator("#choices .term-tip").first().isVisible());
  // Baseline feed: the editors' order, which says so.
  assert.equal(await page.getAttribute("#feed .feed-note", "data-mode"), "baseline");
  assert.equal((await feedIds(page)).length, 20);
  await page.click("#stories .story:first-child summary");
  assert.match(await text(page, "#stories .story:first-child .why"), /Editors' order/);
  assert.equal(await totalEvents(page), 0);
  assert.deepEqual(await axeViolations(page), []);

  // Reading a story with everything off stores nothing.
  await page.locator("#stories .story button[aria-label^='Read:']").first().click();
  await page.waitForFunction(() => document.getElementById("live").textContent.includes("Not saved"));
  assert.equal(await totalEvents(page), 0);

  // The preview: a sample reader's page next to everyone's, moves marked, nothing collected.
  await page.selectOption("#persona", "science-fan");
  const personalized = await page.$$eval("#preview-personalized li", (l) => l.map((x) => x.dataset.id));
  const baseline = await page.$$eval("#preview-baseline li", (l) => l.map((x) => x.dataset.id));
  assert.equal(personalized.length, 10);
  assert.notDeepEqual(personalized, baseline);
  assert.ok(await page.locator("#preview-personalized .move-new, #preview-personalized .move-up").count() > 0);
  await page.selectOption("#persona", "sports-fan");
  assert.notDeepEqual(await page.$$eval("#preview-personalized li", (l) => l.map((x) => x.dataset.id)), personalized);
  assert.equal(await page.getAttribute("#preview-collected", "data-events"), "0");
  assert.equal(await totalEvents(page), 0);
  for (const id of ["topics", "similar", "health"]) assert.equal(await state(page, id), "notGranted");
  await page.locator("#preview").screenshot({ path: join(shots, "preview.png") });
  assert.deepEqual(await page.errors(), []);
  network.check();
});

engineTest("opt in, read, reload, revoke, download, erase: the page, the inventory and IndexedDB agree", async (t, engine) => {
  const { page, network, load, shots } = await openDemo(t, engine);
  const baselineFeed = await feedIds(page);
  const baselineTopics = await feedTopics(page);
  await page.getByRole("button", { name: "Turn on: Topics you follow" }).click();
  await page.getByRole("button", { name: "Turn on: Stories like the ones you read" }).click();
  await page.waitForSelector("#module-similar[data-state=granted]");
  const beforeReading = await idbKeys(page);

  // Read three Science stories from the feed, like one, and open a health story (sensitive:
  // no module that may use it is on, so it is not kept).
  const readScience = page.locator("#stories .story[data-topic=science] button[aria-label^='Read:']");
  assert.ok(await readScience.count() > 0, "the editors' page has a Science story");
  for (let i = 0; i < 3; i++) {
    await readScience.first().click();
    await page.waitForFunction((n) => Number(document.getElementById("inventory")?.dataset.total) === n, i + 1);
  }
  await page.locator("#stories .story[data-topic=science] button[aria-label^='Like:']").first().click();
  await page.waitForFunction(() => document.getElementById("inventory-reactions")?.dataset.count === "1");
  await page.locator("#stories .story[data-topic=health] button[aria-label^='Read:']").first().click();
  await page.waitForFunction(() => document.getElementById("live").textContent.includes("Not saved"));
  assert.equal(await inventoryCount(page, "reading"), 3);
  assert.equal(await inventoryCount(page, "health-reading"), 0);

  // The feed turned to Science, and says why in words.
  const feed = await feedIds(page);
  assert.notDeepEqual(feed, baselineFeed);
  // Science first and most often, the day's other top stories in between.
  const topics = await feedTopics(page);
  const science = (list) => list.filter((t) => t === "science").length;
  assert.equal(topics[0], "science");
  assert.ok(science(topics) >= 12, `Science in the top 20: ${topics}`);
  assert.ok(new Set(topics.slice(0, 10)).size >= 3, `a front page, not one topic: ${topics}`);
  assert.ok(science(topics) > science(baselineTopics), "more Science than the editors' page");
  assert.equal(await page.getAttribute("#feed .feed-note", "data-mode"), "personalized");
  await page.click("#stories .story:first-child summary");
  const why = await text(page, "#stories .story:first-child .why");
  assert.match(why, /You read 3 Science stories this week and liked 1\. Learned by “Topics you follow”/);
  assert.match(why, /It is like “[^”]+”, which you read/);

  // Your data: the interest, the events behind it, the history.
  assert.equal(await page.getAttribute("#interests li:first-child", "data-feature"), "topic:science");
  await page.click("#interests li:first-child summary");
  assert.equal(await page.locator("#interests li:first-child .event").count(), 4);
  assert.equal(await page.locator("#history li").count(), 2);
  await page.locator("#your-data").screenshot({ path: join(shots, "your-data.png") });
  assert.deepEqual(await axeViolations(page), []);

  // "Never use Science" takes the interest away without deleting what was read; "Use
  // Science again" brings it back from the same events.
  await page.getByRole("button", { name: "Never use Science" }).click();
  await page.waitForSelector("#blocked");
  assert.equal(await page.locator("#interests li").count(), 0);
  assert.equal(await inventoryCount(page, "reading"), 3);
  assert.notEqual(await page.getAttribute("#stories .story:first-child", "data-topic"), "science");
  await page.getByRole("button", { name: "Use Science again" }).click();
  await page.waitForSelector("#blocked", { state: "detached" });
  assert.equal(await page.getAttribute("#interests li:first-child", "data-feature"), "topic:science");
  assert.deepEqual(await feedIds(page), feed);

  // Data and consent live in IndexedDB: a reload brings back the same page.
  const afterReading = await idbKeys(page);
  const dataKeys = afterReading.filter((k) => !beforeReading.includes(k));
  assert.ok(dataKeys.length > 0, "reading wrote records");
  await load(() => page.reload());
  assert.equal(await state(page, "topics"), "granted");
  assert.equal(await inventoryCount(page, "reading"), 3);
  assert.deepEqual(await feedIds(page), feed);

  // Revoking one of two modules that use "reading" keeps it; revoking the last erases it.
  await page.getByRole("button", { name: "Turn off “Stories like the ones you read” and erase its data" }).click();
  await page.waitForSelector("#module-similar[data-state=notGranted]");
  assert.equal(await inventoryCount(page, "reading"), 3);
  await page.getByRole("button", { name: "Turn off “Topics you follow” and erase its data" }).click();
  await page.waitForSelector("#module-topics[data-state=notGranted]");
  assert.equal(await totalEvents(page), 0);
  assert.equal(await page.getAttribute("#feed .feed-note", "data-mode"), "baseline");
  // Every record reading wrote is gone (with no event left, even the event-id counter); the
  // two withdrawals are new consent records. The dropped health click left nothing.
  const afterRevoke = await idbKeys(page);
  assert.deepEqual(dataKeys.filter((k) => afterRevoke.includes(k)), [], "reading records left in IndexedDB");
  assert.equal(afterRevoke.length, beforeReading.length + 2);
  await load(() => page.reload());
  assert.equal(await totalEvents(page), 0);

  // Download my data: the exportData JSON, as a file made in the page. (Chromium saves it;
  // Firefox's and WebKit's drivers have no download events, so theirs take the file from the
  // page as it is clicked, unsaved: engines/in_page.mjs, captureDownload.)
  const download = await page.download("#download");
  assert.equal(download.name, "my-data-optin.json");
  const exported = JSON.parse(download.text);
  assert.equal(exported.format, "optin-export/1");
  assert.equal(exported.events.length, 0);
  assert.equal(exported.consentRecords.length, 4);

  // Erase everything: two steps, then nothing is left in IndexedDB.
  await page.getByRole("button", { name: "Erase everything" }).click();
  await page.getByRole("button", { name: "Yes, erase everything" }).click();
  await page.waitForFunction(() => document.getElementById("live").textContent.includes("Everything was erased"));
  assert.equal(await totalKeys(page), 0);
  assert.equal(await page.locator("#history li").count(), 0);
  assert.match(await text(page, "#module-topics .state"), /not decided yet/);
  assert.deepEqual(await page.errors(), []);
  network.check();
});

engineTest("anonymous feedback shows a report's contents and makes one only after opting in", async (t, engine) => {
  const { page, network } = await openDemo(t, engine);
  assert.ok(await page.locator("#reports-off").isVisible());
  assert.equal(await page.locator("#reports button", { hasText: "Make a report" }).count(), 0);
  const shape = JSON.parse(await page.textContent("#reports [data-metric=feed-helpful] .report-shape"));
  assert.equal(shape.mechanism, "rr");
  await page.getByRole("button", { name: "Turn on: Anonymous feedback" }).click();
  await page.waitForSelector("#module-insights[data-state=granted]");
  await page.locator("[data-metric=favourite-section] select").selectOption("science");
  await page.locator("[data-metric=favourite-section] button", { hasText: "Make a report" }).click();
  const report = JSON.parse(await page.locator("#report-favourite-section").textContent());
  assert.equal(report.mechanism, "oue");
  // Unary encoding: the positions of the bits that came out 1, each randomized.
  assert.ok(report.ones.every((i) => Number.isInteger(i) && i >= 0 && i < 4));
  assert.equal(new Set(report.ones).size, report.ones.length);
  assert.ok(!JSON.stringify(report).includes("science"), "the true answer is not in the report");
  assert.match(await text(page, "#budget"), /used this week: 1 of 4/);
  assert.deepEqual(await page.errors(), []);
  network.check();
});

engineTest("health reading is sensitive: kept only while its own module is on, and says so", async (t, engine) => {
  const { page, network } = await openDemo(t, engine);
  await page.getByRole("button", { name: "Turn on: Topics you follow" }).click();
  await page.waitForSelector("#module-topics[data-state=granted]");
  const readHealth = page.locator("#stories .story[data-topic=health] button[aria-label^='Read:']");
  await readHealth.first().click();
  await page.waitForFunction(() => document.getElementById("live").textContent.includes("Not saved"));
  assert.equal(await inventoryCount(page, "health-reading"), 0);
  await page.getByRole("button", { name: "Turn on: Health stories" }).click();
  await page.waitForSelector("#module-health[data-state=granted]");
  const beforeHealth = await idbKeys(page);
  await readHealth.first().click();
  await page.waitForFunction(() => document.getElementById("inventory-health-reading")?.dataset.count === "1");
  // (innerText: what is on screen, without the glossary tooltip's hidden definition.)
  assert.match(await page.innerText("#inventory-health-reading th"), /Health articles you read \(sensitive\)/);
  assert.match(await text(page, "#inventory-health-reading"), /Health stories/);
  // The reading of health stories feeds only the health module's interest.
  assert.equal(await page.getAttribute("#interests li:first-child", "data-feature"), "topic:health");
  // "Forget this" deletes the events behind the interest (one forget call, so one write);
  // the module stays on and the topic is not blocked: the next health story read counts.
  await readHealth.nth(1).click();
  await page.waitForFunction(() => document.getElementById("inventory-health-reading")?.dataset.count === "2");
  const healthKeys = (await idbKeys(page)).filter((k) => !beforeHealth.includes(k));
  assert.ok(healthKeys.length > 0, "health reading wrote records");
  await page.getByRole("button", { name: "Forget this: Health" }).click();
  await page.waitForFunction(() => !document.querySelector("#interests li"));
  assert.equal(await inventoryCount(page, "health-reading"), 0);
  assert.equal(await page.getAttribute("#module-health", "data-state"), "granted");
  const afterForget = await idbKeys(page);
  assert.deepEqual(healthKeys.filter((k) => afterForget.includes(k)), [], "the events' records left in IndexedDB");
  await readHealth.first().click();
  await page.waitForFunction(() => document.getElementById("inventory-health-reading")?.dataset.count === "1");
  assert.equal(await page.getAttribute("#interests li:first-child", "data-feature"), "topic:health");
  await page.getByRole("button", { name: "Turn off “Health stories” and erase its data" }).click();
  await page.waitForSelector("#module-health[data-state=notGranted]");
  assert.equal(await inventoryCount(page, "health-reading"), 0);
  assert.equal(await page.locator("#interests li").count(), 0);
  assert.deepEqual(await page.errors(), []);
  network.check();
});

engineTest("the language switch shows the manifest's German texts and the page's own", async (t, engine) => {
  const { page, network } = await openDemo(t, engine);
  await page.selectOption("#language", "de");
  await page.waitForFunction(() => document.documentElement.lang === "de");
  assert.equal(await text(page, "#module-topics h3"), "Themen, denen Sie folgen");
  assert.equal(await text(page, "#choices-title"), "Ihre Datenschutz-Einstellungen");
  assert.ok(await page.getByRole("button", { name: "Einschalten: Themen, denen Sie folgen" }).isVisible());
  assert.match(await text(page, "#preview-personalized h3"), /Wissenschaftsfan/);
  assert.deepEqual(await axeViolations(page), []);
  // Keyboard: the toggle works with Enter and keeps focus.
  await page.getByRole("button", { name: "Einschalten: Themen, denen Sie folgen" }).focus();
  await page.keyboard.press("Enter");
  await page.waitForSelector("#module-topics[data-state=granted]");
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), "Ausschalten: Themen, denen Sie folgen");
  assert.deepEqual(await page.errors(), []);
  network.check();
});
