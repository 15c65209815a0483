// optin/ui end to end, what the elements say and do with the user's choices and data: what
// turning a module off erases and keeps, the consent history, re-consent after a change, GPC,
// interests and their corrections, the benefit measure, "why" for an item alone, errors in
// place. Through the packed tarball, in headless Chromium, on the page of tests/fixtures/ui/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { uiSession, texts, moduleState, readSome } from "./ui_helpers.mjs";

const session = uiSession("optin-ui-data-");

test("turning a module off says what is erased and what stays, and why; the history reads newest first", async () => {
  const { page: pg } = await session.page({ manifest: "news", banner: "0" });
  await pg.evaluate(async () => {
    await p.grant("topics");
    await p.grant("similar");
  });
  await readSome(pg, ["a-100", "a-106"]);
  await pg.evaluate(() => p.record({ category: "reactions", kind: "like", item: "a-112", features: { "topic:science": 1 } }));
  assert.deepEqual(await texts(pg, "#data", "[data-module=topics] p"), [
    "Turning it off erases: Your likes and dislikes (1 entry). Articles you read stays: “Stories like the ones you read” still needs it.",
  ]);
  await pg.locator("#data [data-module=topics] button").click();
  await pg.waitForFunction(() => p.modules().find((m) => m.id === "topics").state === "notGranted");
  assert.deepEqual(await texts(pg, "#data", ".sr"), ["“Topics you follow” is off. Erased: Your likes and dislikes. Kept for another module you turned on: Articles you read."]);
  const inventory = await pg.evaluate(() => Object.fromEntries(p.inventory().categories.map((c) => [c.category, c.count])));
  assert.deepEqual(inventory, { reading: 2, reactions: 0, "health-reading": 0 }, "the element said what optin did");
  assert.deepEqual(await texts(pg, "#settings", "[data-module=topics] .state"), ["Off: you turned it off"]);
  const consent = await pg.evaluate(() => events.filter((e) => e.type === "optin-consent").map((e) => [e.target, e.detail.module, e.detail.state, e.detail.erasedCategories]));
  assert.deepEqual(consent, [["data", "topics", "notGranted", ["reactions"]]]);
  const changes = await pg.evaluate(() => events.filter((e) => e.type === "optin-change" && e.detail.type === "consent" && e.detail.state === "notGranted").map((e) => e.target));
  assert.deepEqual(changes.sort(), ["data", "preview", "settings"], "each element says it rendered the change");
  const deleteBy = await pg.evaluate(() => new Intl.DateTimeFormat("en", { dateStyle: "medium" }).format(new Date(p.inventory().categories.find((c) => c.category === "reading").deleteAfter)));
  assert.match((await texts(pg, "#data", "[data-category=reading]"))[0], new RegExp(`^Articles you read: 2 entries\\. Deleted by ${deleteBy}\\. Used by “Stories like the ones you read”\\.$`));
  // Newest first, numbered 1, 2, 3 (not counting down).
  const history = await pg.evaluate(() => {
    const ol = document.getElementById("data").shadowRoot.querySelector("[part=history] ol");
    return { reversed: ol.reversed, start: ol.start, items: [...ol.children].map((li) => li.textContent.replace(/^.*: /, "")) };
  });
  assert.deepEqual(history, { reversed: false, start: 1, items: ["You turned off “Topics you follow”", "You turned on “Stories like the ones you read”", "You turned on “Topics you follow”"] });
  // "No thanks" to a module never turned on reads as that, in the history too.
  await pg.locator("#settings [data-focus=no-health]").click();
  await pg.waitForFunction(() => p.consentRecords().length === 4);
  assert.deepEqual(await texts(pg, "#settings", "[data-module=health] .state"), ["Off: you said no thanks"]);
  assert.match((await texts(pg, "#data", "[part=history] li"))[0], /You said no thanks to “Health stories”$/);
  await pg.close();
});

test("a module whose notice changed is off, and the banner lists what changed", async () => {
  const ns = session.namespace();
  const { page: first } = await session.page({ manifest: "news", ns });
  await first.locator("#banner [data-module=topics] [part~=turn-on]").click();
  await first.waitForFunction(() => p.modules().find((m) => m.id === "topics").state === "granted");
  await first.close();
  const { page: pg } = await session.page({ manifest: "changed", ns });
  assert.equal(await moduleState(pg, "topics"), "invalidated");
  assert.equal(await pg.evaluate(() => document.getElementById("banner").open), true);
  assert.deepEqual(await texts(pg, "#banner", "[part=changed] li li"), [
    "What it does now: Remembers the topics of the stories you read and like, health included, on this device only.",
    "Now also uses: Health articles you read.",
    "No longer uses: Your likes and dislikes.",
    "Keeps data for 60 days (before: 30 days).",
    "New privacy policy: version 2026-12-01 (before: 2026-11-01).",
  ]);
  assert.deepEqual(await texts(pg, "#banner", "[data-module=topics] .state"), ["Off: changed since you agreed. Please decide again."]);
  assert.deepEqual(await texts(pg, "#banner", "[data-module=topics] button.btn"), ["Turn on", "No thanks"]);
  // Deciding every module closes the banner by itself.
  for (const id of ["topics", "similar", "health", "insights"]) {
    await pg.locator(`#banner [data-module=${id}] [part~=no-thanks]`).click();
    await pg.waitForFunction((m) => p.consentRecords().at(-1).module === m && p.consentRecords().at(-1).event === "withdrawn", id);
  }
  assert.equal(await pg.evaluate(() => document.getElementById("banner").open), false);
  await pg.waitForFunction(() => events.some((e) => e.type === "optin-close"));
  assert.deepEqual(await pg.evaluate(() => events.find((e) => e.type === "optin-close").detail), { reason: "decided" });
  await pg.close();
});

test("Global Privacy Control is shown on the module that shares", async () => {
  const { page: pg } = await session.page({ manifest: "news", gpc: "1" });
  assert.deepEqual(await texts(pg, "#settings", "[part=gpc]"), [session.words.en.gpc]);
  assert.deepEqual(await pg.evaluate(() => [...document.getElementById("settings").shadowRoot.querySelectorAll("[part=gpc]")].map((n) => n.closest("[data-module]").dataset.module)), ["insights"]);
  const { page: without } = await session.page({ manifest: "news", gpc: "0" });
  assert.deepEqual(await texts(without, "#settings", "[part=gpc]"), []);
  await pg.close();
  await without.close();
});

test("interests: why do you think this, delete the entries, never use, use again (labels a reader can tell apart)", async () => {
  const { page: pg } = await session.page({ manifest: "news", banner: "0" });
  await pg.evaluate(() => p.grant("topics"));
  await readSome(pg, ["a-100", "a-106", "a-101"]);
  const science = "#data [data-feature='topic:science']";
  await pg.locator(`${science} [data-focus='why-topic:science']`).click();
  const entries = await pg.evaluate((s) => [...document.querySelector("#data").shadowRoot.querySelectorAll(`[data-feature='topic:science'] .panel li`)].map((li) => li.firstChild.textContent), science);
  assert.equal(entries.length, 2);
  assert.ok(entries.every((e) => /^Viewed “Story 1(00|06) on Science”, /.test(e)), entries.join(" | "));
  const labels = await pg.evaluate(() => [...document.querySelector("#data").shadowRoot.querySelectorAll("[data-feature='topic:science'] button.btn")].map((b) => b.textContent));
  assert.deepEqual(labels, ["Delete this entry", "Delete this entry", "Delete 2 entries behind Science", "Never use Science"]);
  await pg.locator("#data [data-focus='never-topic:science']").click();
  await pg.waitForFunction(() => p.inventory().blockedFeatures.includes("topic:science"));
  assert.ok(!(await pg.evaluate(() => p.profile().modules[0].features.some((f) => f.feature === "topic:science"))));
  assert.deepEqual((await texts(pg, "#data", "[part=interests] > p")).slice(1), ["Never used: Science."]);
  await pg.locator("#data [data-focus='unblock-topic:science']").click();
  await pg.waitForFunction(() => p.inventory().blockedFeatures.length === 0);
  await pg.locator("#data [data-focus='forget-topic:science']").click();
  await pg.waitForFunction(() => p.inventory().totalEvents === 1);
  assert.deepEqual(await pg.evaluate(() => p.explainInterest("topic:science").length), 0);
  await pg.close();
});

test("what personalization did for the user: the Personalizer's own benefit check, in words", async () => {
  const { page: pg } = await session.page({ manifest: "news", banner: "0" });
  await pg.evaluate(() => p.grant("topics"));
  assert.deepEqual(await texts(pg, "#data", "[part=benefit] li"), ["Topics you follow: Not measured yet."], "granted, nothing measured yet");
  // Real reads of one topic: each after the first is measured against the profile before it.
  const ids = await pg.evaluate(() => {
    const topic = items.find((i) => i.topic !== "health").topic;
    return items.filter((i) => i.topic === topic).slice(0, 6).map((i) => i.id);
  });
  await readSome(pg, ids);
  const b = await pg.evaluate(() => p.benefit().find((x) => x.module === "topics"));
  assert.equal(b.measured, ids.length - 1, JSON.stringify(b));
  assert.deepEqual(await texts(pg, "#data", "[part=benefit] li"), [
    `Topics you follow: Your last ${b.measured} choices were, on median, #${b.medianRankPersonalized} in your order and #${b.medianRankBaseline} in everyone's.`,
  ]);
  // The other shapes the element reads: one choice, more than the window, a module not measured.
  await pg.evaluate(() => {
    p.benefit = () => [
      { module: "topics", measured: 25, medianRankPersonalized: 3, medianRankBaseline: 41, strength: 1, window: 20 },
      { module: "similar", measured: 0, medianRankPersonalized: null, medianRankBaseline: null, strength: 0.5, window: 20 },
    ];
    return p.record({ category: "reading", kind: "click", item: "a-100", features: { "topic:science": 1 } });
  });
  assert.deepEqual(await texts(pg, "#data", "[part=benefit] li"), [
    "Topics you follow: Your last 20 choices were, on median, #3 in your order and #41 in everyone's.",
    "Stories like the ones you read: Not measured yet.",
  ]);
  await pg.evaluate(() => {
    p.benefit = () => [{ module: "topics", measured: 1, medianRankPersonalized: 2, medianRankBaseline: 9, strength: 0.5, window: 20 }];
    return p.record({ category: "reading", kind: "click", item: "a-106", features: { "topic:science": 1 } });
  });
  assert.deepEqual(await texts(pg, "#data", "[part=benefit] li"), ["Topics you follow: Your last choice was #2 in your order and #9 in everyone's."]);
  await pg.close();
});

test("<optin-why> with only an item ranks it alone: the reasons without the rank it would have", async () => {
  const { page: pg } = await session.page({ manifest: "news", banner: "0" });
  await pg.evaluate(() => p.grant("topics"));
  await readSome(pg, ["a-100", "a-106"]);
  await pg.evaluate(() => {
    const why = document.createElement("optin-why");
    why.id = "alone";
    why.setAttribute("item", "a-112");
    why.featureLabel = (f) => f.split(":")[1];
    why.personalizer = p;
    document.body.append(why);
  });
  await pg.locator("#alone button").click();
  assert.deepEqual(await texts(pg, "#alone", "li"), ["You viewed 2 items about science this week. Learned by “Topics you follow”."]);
  assert.equal(await pg.locator("#alone button").getAttribute("aria-label"), "Why this? a-112");
  await pg.close();
});

test("errors are shown in place with their code and dispatched as optin-error", async () => {
  const { page: pg } = await session.page({ manifest: "news", banner: "0" });
  await pg.evaluate(() => p.close());
  await pg.locator("#settings [part~=turn-on]").first().click();
  assert.match((await texts(pg, "#settings", "[part=error]"))[0], /^That failed \(closed\): /);
  assert.ok(await pg.evaluate(() => events.some((e) => e.type === "optin-error" && e.target === "settings")));
  await pg.close();
});
