// optin/ui end to end, through the packed tarball, in headless Chromium: the elements render
// from a manifest, work with the keyboard alone, keep focus across re-renders, pass axe-core
// in both schemes and every language, fit 390 px, hold under a strict CSP, keep their styles
// to themselves, take themes, and request nothing. The page is tests/fixtures/ui/; what the
// elements say about the user's data is in ui_data.test.mjs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root, uiSession, manifests, LANGUAGES, text, texts, tabTo, moduleState, readSome, watch, violations, focused, axeViolations, checkRequests } from "./ui_helpers.mjs";

const session = uiSession("optin-ui-");

test("each element renders from the manifest, in each language", async () => {
  for (const [name, manifest] of Object.entries(manifests)) {
    for (const locale of LANGUAGES) {
      const { page: pg, seen } = await session.page({ manifest: name, lang: locale });
      const t = session.words[locale];
      const optional = manifest.modules.filter((m) => !m.essential);
      assert.deepEqual(await texts(pg, "#settings", ".module-title"), manifest.modules.map((m) => text(m.title, locale) + (m.shares ? t.sharesBadge : "")), `${name} ${locale}: the settings list every module`);
      assert.deepEqual(await texts(pg, "#banner", ".module-title"), optional.map((m) => text(m.title, locale) + (m.shares ? t.sharesBadge : "")), `${name} ${locale}: the banner lists the optional ones`);
      assert.equal(await pg.evaluate(() => document.getElementById("banner").open), true, "the banner opens on a first visit");
      assert.deepEqual(await texts(pg, "#settings", "[part~=turn-on]"), optional.map(() => t.turnOn));
      assert.deepEqual(await texts(pg, "#settings", "[part~=no-thanks]"), optional.map(() => t.noThanks));
      assert.deepEqual(await texts(pg, "#settings", ".module .state"), manifest.modules.map((m) => (m.essential ? t.alwaysOn : t.undecided)));
      assert.deepEqual(await texts(pg, "#preview", "option"), manifest.samples.map((s) => text(s.label, locale)));
      assert.equal((await texts(pg, "#preview", "[part~=baseline] li")).length, 5);
      const zero = t.entries.split("|")[new Intl.PluralRules(locale).select(0) === "one" ? 0 : 1].replace("{n}", "0");
      assert.deepEqual(await texts(pg, "#preview", "[part~=collected]"), [t.collected.replace("{entries}", zero)]);
      assert.deepEqual(
        (await texts(pg, "#data", "[part=inventory] li strong")),
        Object.values(manifest.dataCategories).map((c) => text(c.label, locale)),
        "the inventory names every data category",
      );
      await pg.locator("#feed optin-why").first().locator("button").click();
      assert.ok((await texts(pg, "#feed optin-why", "li"))[0].startsWith(t.reasonBaseline.split("[[")[0]), `${name} ${locale}: "why" before consent: everyone's order`);
      assert.deepEqual(seen.errors, []);
      await pg.close();
    }
  }
});

test("every control works with the keyboard alone: Tab order, Enter and Space, Escape closes", async () => {
  const { page: pg, seen } = await session.page({ manifest: "news" });
  // The settings panel in document order: the summary's glossary terms, then each module's
  // buttons before its disclosure.
  const order = [];
  for (let i = 0; i < 9; i++) {
    await pg.keyboard.press("Tab");
    const f = await focused(pg);
    order.push(`${f.host}:${f.focus ?? f.text}`);
  }
  assert.deepEqual(order, [
    "settings:on this device", "settings:consent", "settings:notice-editorial",
    "settings:toggle-topics", "settings:no-topics", "settings:notice-topics",
    "settings:toggle-similar", "settings:no-similar", "settings:notice-similar",
  ]);
  // Enter on "Turn on": granted, and focus stays on the same control, which now says "Turn off".
  await tabTo(pg, (f) => f.focus === "toggle-topics", { back: true });
  await pg.keyboard.press("Enter");
  await pg.waitForFunction(() => p.modules().find((m) => m.id === "topics").state === "granted");
  let f = await focused(pg);
  assert.deepEqual([f.host, f.focus, f.text], ["settings", "toggle-topics", "Turn off"]);
  // Space on "No thanks": declined, focus moves to that module's "Turn on".
  await tabTo(pg, (x) => x.focus === "no-similar");
  await pg.keyboard.press(" ");
  await pg.waitForFunction(() => p.consentRecords().some((r) => r.module === "similar"));
  f = await focused(pg);
  assert.deepEqual([f.focus, f.text], ["toggle-similar", "Turn on"]);
  assert.equal(await moduleState(pg, "similar"), "notGranted");
  assert.deepEqual(await texts(pg, "#settings", "[data-module=similar] .state"), ["Off: you said no thanks"]);
  // The notice: Enter opens it and tells optin it was viewed; a glossary term shows its tip on
  // focus; Escape hides the tip, a second Escape closes the notice and focus returns.
  // The panel on screen counted as a view of every notice; opening one counts again.
  await pg.waitForFunction(() => p.consentMetrics().every((m) => m.firstViewedAt !== null));
  await pg.evaluate(() => {
    window.viewed = [];
    const original = p.noticeViewed.bind(p);
    p.noticeViewed = (ids) => (window.viewed.push(ids), original(ids));
  });
  await tabTo(pg, (x) => x.focus === "notice-similar");
  await pg.keyboard.press("Enter");
  f = await focused(pg);
  assert.deepEqual([f.focus, f.expanded], ["notice-similar", "true"]);
  assert.deepEqual(await pg.evaluate(() => window.viewed), [["similar"]]);
  f = await tabTo(pg, (x) => x.text === "Data");
  const tip = () => pg.evaluate(() => {
    const root = document.getElementById("settings").shadowRoot;
    return getComputedStyle(root.activeElement.nextElementSibling).display;
  });
  assert.equal(await tip(), "block", "the definition shows on focus");
  assert.match(await pg.evaluate(() => document.getElementById("settings").shadowRoot.activeElement.nextElementSibling.textContent), /kind of information/);
  await pg.keyboard.press("Escape");
  assert.equal(await tip(), "none", "Escape hides it");
  await pg.keyboard.press("Escape");
  f = await focused(pg);
  assert.deepEqual([f.focus, f.expanded], ["notice-similar", "false"]);
  // The banner: Shift+Tab from the top reaches its last control; Escape closes it.
  await pg.evaluate(() => document.activeElement.blur());
  f = await tabTo(pg, (x) => x.host === "banner", { back: true });
  assert.equal(f.text, "Decide later");
  await pg.keyboard.press("Escape");
  assert.equal(await pg.evaluate(() => document.getElementById("banner").open), false);
  await pg.waitForFunction(() => events.some((e) => e.type === "optin-close"));
  assert.deepEqual(await pg.evaluate(() => events.find((e) => e.type === "optin-close").detail), { reason: "dismissed" });
  // Your data: "Why do you think this?" lists the entries; deleting one moves focus to the next.
  await readSome(pg, ["a-100", "a-106", "a-112"]);
  await tabTo(pg, (x) => x.host === "data" && x.focus === "why-topic:science");
  await pg.keyboard.press("Enter");
  f = await tabTo(pg, (x) => x.host === "data" && x.text === "Delete this entry");
  const [, first] = f.focus.split("del-");
  await pg.keyboard.press("Enter");
  await pg.waitForFunction(() => p.inventory().totalEvents === 2);
  f = await focused(pg);
  assert.ok(f.focus.startsWith("del-") && f.focus !== `del-${first}`, `focus moved to the next entry, not ${f.focus}`);
  // Erase everything: Enter asks first (focus on Cancel); Escape cancels; confirming erases.
  f = await tabTo(pg, (x) => x.host === "data" && x.focus === "erase");
  await pg.keyboard.press("Enter");
  f = await focused(pg);
  assert.equal(f.focus, "erase-cancel");
  assert.deepEqual(await texts(pg, "#data", "[part=erase] [role=alert]"), ["Erase all your choices and data on this device? This cannot be undone."]);
  await pg.keyboard.press("Escape");
  assert.equal((await focused(pg)).focus, "erase");
  assert.equal(await pg.evaluate(() => p.inventory().totalEvents), 2, "cancel erases nothing");
  await pg.keyboard.press(" ");
  await pg.keyboard.press("Shift+Tab");
  assert.equal((await focused(pg)).focus, "erase-confirm");
  await pg.keyboard.press("Enter");
  await pg.waitForFunction(() => p.consentRecords().length === 0);
  assert.equal(await pg.evaluate(() => p.inventory().totalEvents), 0);
  assert.equal(await moduleState(pg, "topics"), "notGranted");
  assert.equal((await focused(pg)).focus, "erase");
  assert.deepEqual(await texts(pg, "#data", ".sr"), ["Everything was erased."]);
  assert.deepEqual(seen.errors, []);
  assert.deepEqual(await violations(pg), []);
  await pg.close();
});

test("the notices count as viewed once the panel is on screen, not before", async () => {
  const { page: pg } = await session.page({ manifest: "news", banner: "0" });
  await pg.setViewportSize({ width: 800, height: 600 });
  await pg.waitForFunction(() => p.consentMetrics().every((m) => m.firstViewedAt !== null));
  // A second panel far below the fold: nothing counts until it is scrolled into view.
  await pg.evaluate(async () => {
    await p.eraseAll();
    const spacer = Object.assign(document.createElement("div"), { className: "spacer" });
    spacer.setAttribute("aria-hidden", "true");
    const later = document.createElement("optin-consent");
    later.id = "later";
    document.body.append(spacer, later);
    document.getElementById("settings").remove();
    later.personalizer = p;
  });
  await pg.waitForTimeout(300);
  assert.deepEqual(await pg.evaluate(() => p.consentMetrics().map((m) => m.firstViewedAt)), [null, null, null, null]);
  await pg.locator("#later").scrollIntoViewIfNeeded();
  await pg.waitForFunction(() => p.consentMetrics().every((m) => m.firstViewedAt !== null));
  await pg.close();
});

test("focus is kept across re-renders caused by the app, another element or a new language", async () => {
  const { page: pg } = await session.page({ manifest: "news", banner: "0" });
  await tabTo(pg, (f) => f.host === "settings" && f.focus === "toggle-topics");
  await pg.evaluate(() => p.grant("health")); // a consent change from elsewhere: every element renders again
  await pg.evaluate(() => p.revoke("health"));
  let f = await focused(pg);
  assert.deepEqual([f.host, f.focus], ["settings", "toggle-topics"]);
  await pg.evaluate(async () => {
    const { addStrings } = await import("./node_modules/optin/ui.js");
    addStrings("en", { turnOn: "Switch on" });
  });
  f = await focused(pg);
  assert.deepEqual([f.focus, f.text], ["toggle-topics", "Switch on"], "words can be overridden, and focus stays");
  await pg.evaluate(async () => {
    const { addStrings } = await import("./node_modules/optin/ui.js");
    addStrings("en", { turnOn: "Turn on" });
  });
  // The preview: choosing a persona with the arrow keys renders again, focus stays on the select.
  const { page: www } = await session.page({ manifest: "www", banner: "0" });
  await tabTo(www, (x) => x.host === "preview" && x.focus === "persona");
  const before = await texts(www, "#preview", "[part~=personalized] li");
  await www.keyboard.press("ArrowDown");
  f = await focused(www);
  assert.equal(f.focus, "persona");
  assert.equal(await www.evaluate(() => document.getElementById("preview").getAttribute("persona")), manifests.www.samples[1].id);
  assert.notDeepEqual(await texts(www, "#preview", "[part~=personalized] li"), before, "another persona, another order");
  await pg.close();
  await www.close();
});

test("axe-core finds no serious or critical violation, light and dark, in every language and right to left", async () => {
  for (const locale of [...LANGUAGES, "ar"]) {
    for (const scheme of ["light", "dark"]) {
      const { page: pg } = await session.page({ manifest: "www", lang: locale, ...(locale === "ar" ? { dir: "rtl" } : {}) });
      await pg.emulateMedia({ colorScheme: scheme });
      await pg.evaluate(() => p.grant("topics"));
      await readSome(pg, ["n-001", "n-007", "n-002"]);
      // Open what there is to open: a notice, an interest's entries, a "why", the changed box.
      await pg.locator("#settings [data-focus=notice-topics]").click();
      await pg.locator("#data [data-focus='why-topic:science']").click();
      await pg.locator("#feed optin-why button").first().click();
      const found = await axeViolations(pg);
      assert.deepEqual(found, [], `${locale} ${scheme}`);
      if (locale === "ar") {
        // Right to left: the root says so, and "No thanks" sits left of "Turn on".
        assert.equal(await pg.evaluate(() => document.getElementById("banner").shadowRoot.querySelector(".root").dir), "rtl");
        const x = (part) => pg.locator(`#banner [data-module=similar] [part~=${part}]`).boundingBox().then((b) => b.x);
        assert.ok((await x("no-thanks")) < (await x("turn-on")), "buttons mirror");
      }
      const host = await pg.evaluate(() => getComputedStyle(document.getElementById("settings")).backgroundColor);
      assert.equal(host, scheme === "dark" ? "rgb(23, 23, 26)" : "rgb(255, 255, 255)", `${scheme}: the scheme follows the system`);
      await pg.close();
    }
  }
  // scheme="dark" forces the dark scheme on a light system, and scheme="light" the light one.
  const { page: pg } = await session.page({ scheme: "dark" });
  await pg.emulateMedia({ colorScheme: "light" });
  assert.equal(await pg.evaluate(() => getComputedStyle(document.getElementById("settings")).backgroundColor), "rgb(23, 23, 26)");
  assert.deepEqual(await axeViolations(pg), []);
  await pg.close();
});

test("at 390 px wide nothing scrolls sideways, in German", async () => {
  const { page: pg } = await session.page({ manifest: "www", lang: "de" });
  await pg.setViewportSize({ width: 390, height: 800 });
  await pg.evaluate(() => p.grant("topics"));
  await readSome(pg, ["n-001", "n-007", "n-002"]);
  await pg.locator("#settings [data-focus=notice-topics]").click();
  await pg.locator("#data [data-focus='why-topic:science']").click();
  const wide = await pg.evaluate(() => [document.documentElement, ...document.querySelectorAll("optin-consent, optin-preview, optin-your-data, optin-why")]
    .filter((el) => el.scrollWidth > el.clientWidth + 1)
    .map((el) => `${el.id || el.localName}: ${el.scrollWidth} > ${el.clientWidth}`));
  assert.deepEqual(wide, []);
  await pg.close();
});

test("the CSP holds: no violation, no style attribute anywhere, and a planted violation is caught", async () => {
  const { page: pg, seen } = await session.page({ manifest: "www" });
  await pg.evaluate(() => p.grant("topics"));
  await readSome(pg, ["n-001", "n-007"]);
  await pg.locator("#data [data-focus='why-topic:science']").click();
  await pg.locator("#settings [data-focus=notice-topics]").click();
  const styled = await pg.evaluate(() => {
    const all = [];
    const walk = (root) => {
      for (const el of root.querySelectorAll("*")) {
        if (el.hasAttribute("style")) all.push(el.outerHTML.slice(0, 80));
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    return all;
  });
  assert.deepEqual(styled, [], "no element carries a style attribute");
  assert.deepEqual(await violations(pg), []);
  assert.deepEqual(seen.errors, []);
  // The listener works: an inline <style> is refused and reported.
  await pg.evaluate(() => document.head.append(Object.assign(document.createElement("style"), { textContent: "p { color: red }" })));
  await pg.waitForFunction(() => window.__violations.length > 0);
  assert.match((await violations(pg))[0], /^style-src/);
  await pg.close();
});

test("no styles leak in or out of the elements", async () => {
  const { page: pg } = await session.page({ banner: "0" });
  const inside = await pg.evaluate(() => getComputedStyle(document.getElementById("settings").shadowRoot.querySelector("[part~=turn-on]")).backgroundColor);
  assert.notEqual(inside, "rgb(255, 0, 255)", "the page's button style does not reach inside");
  const outside = await pg.evaluate(() => getComputedStyle(document.getElementById("h-consent")).fontSize);
  assert.equal(outside, "24px", "the elements' heading style does not reach the page");
  await pg.close();
});

test("themes: custom properties and ::part() from the page, glossary tips on hover", async () => {
  const { page: pg } = await session.page({ banner: "0" });
  await pg.evaluate(() => {
    // The page's CSP allows no inline <style>: a constructed sheet is how a strict page themes too.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync("optin-consent { --optin-accent: rgb(1, 2, 3); --optin-radius: 0px } optin-consent::part(turn-on) { border-color: rgb(4, 5, 6) }");
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  });
  const style = (selector, property) => pg.evaluate(([sel, prop]) => getComputedStyle(document.getElementById("settings").shadowRoot.querySelector(sel))[prop], [selector, property]);
  assert.equal(await style("[data-focus=notice-topics]", "color"), "rgb(1, 2, 3)");
  assert.equal(await style("[part~=turn-on]", "borderTopColor"), "rgb(4, 5, 6)");
  assert.equal(await style("[part~=no-thanks]", "borderTopLeftRadius"), "0px");
  assert.notEqual(await style("[part~=no-thanks]", "borderTopColor"), "rgb(4, 5, 6)", "a part is styled alone");
  assert.equal(await style(".term .tip", "display"), "none");
  await pg.locator("#settings .term-word").first().hover();
  assert.equal(await style(".term .tip", "display"), "block");
  assert.deepEqual(await violations(pg), []);
  await pg.close();
});

test("nothing is requested after load: not by granting, recording, previewing, downloading or erasing", async () => {
  const { page: pg, seen } = await session.page({ manifest: "www" });
  await pg.locator("#banner [data-module=topics] [part~=turn-on]").click();
  await pg.waitForFunction(() => p.modules().find((m) => m.id === "topics").state === "granted");
  await pg.locator("#banner [part~=later]").click();
  await readSome(pg, ["n-001", "n-007"]);
  await pg.locator("#preview select").selectOption(manifests.www.samples[1].id);
  await pg.locator("#feed optin-why button").first().click();
  const [download] = await Promise.all([pg.waitForEvent("download"), pg.locator("#data [part~=download]").click()]);
  const exported = JSON.parse(readFileSync(await download.path(), "utf8"));
  assert.equal(exported.format, "optin-export/1");
  assert.equal(exported.events.length, 2);
  assert.equal(download.suggestedFilename(), "my-data.json");
  await pg.locator("#data [part~=erase]").click();
  await pg.locator("#data [part~=erase-confirm]").click();
  await pg.waitForFunction(() => p.consentRecords().length === 0);
  // The download is a blob: URL made in the page, not a request to anyone.
  checkRequests(seen.requests.filter((r) => !r.url.startsWith("blob:")), session.server.url, seen.readyAt);
  assert.deepEqual(await violations(pg), []);
  await pg.close();
});

test("import \"optin\" alone loads no UI code, and optin/ui imports nothing", async () => {
  const index = readFileSync(join(session.project, "node_modules", "optin", "index.js"), "utf8");
  const ui = readFileSync(join(session.project, "node_modules", "optin", "ui.js"), "utf8");
  for (const marker of ["optin-consent", "customElements", "adoptedStyleSheets"]) assert.ok(!index.includes(marker), `index.js holds ${marker}`);
  assert.ok(ui.includes("optin-consent"), "the marker is a real one");
  const { build } = await import("esbuild");
  const { metafile } = await build({ entryPoints: [join(session.project, "node_modules", "optin", "ui.js")], bundle: true, write: false, metafile: true, external: ["*"], logLevel: "silent", format: "esm" });
  const [input] = Object.values(metafile.inputs);
  assert.deepEqual(input.imports, [], "ui.js is one module of its own");
  // In a page that imports only optin: no element is defined and ui.js is never fetched.
  const dir = join(session.project, "page");
  mkdirSync(join(dir, "only"), { recursive: true });
  writeFileSync(join(dir, "only", "index.html"), `<!doctype html><meta charset="utf-8"><title>only optin</title><link rel="icon" href="data:,"><script type="module" src="main.js"></script>`);
  writeFileSync(join(dir, "only", "main.js"), `import { Personalizer } from "../node_modules/optin/index.js";\nimport manifest from "../manifest-news.js";\nawait Personalizer.open(manifest, { storage: "memory" });\nwindow.__done = customElements.get("optin-consent") === undefined ? "no elements" : "elements";\n`);
  const pg = await session.browser.context.newPage();
  const seen = await watch(pg);
  await pg.goto(`${session.server.url}only/index.html`);
  assert.equal(await pg.waitForFunction(() => window.__done).then((h) => h.jsonValue()), "no elements");
  assert.ok(!seen.requests.some((r) => /\/ui[.-]/.test(r.url)), seen.requests.map((r) => r.url).join(", "));
  assert.deepEqual(seen.errors, []);
  await pg.close();
});

test("screenshots of each element in both schemes", async () => {
  const out = join(root, "tests", "out", "screenshots");
  mkdirSync(out, { recursive: true });
  for (const scheme of ["light", "dark"]) {
    const { page: banner } = await session.page({ manifest: "www" });
    await banner.emulateMedia({ colorScheme: scheme });
    await banner.setViewportSize({ width: 1000, height: 900 });
    await banner.locator("#banner [data-focus=notice-topics]").click();
    await banner.locator("#banner").screenshot({ path: join(out, `ui-consent-banner-${scheme}.png`) });
    await banner.close();
    const { page: pg } = await session.page({ manifest: "www", banner: "0" });
    await pg.emulateMedia({ colorScheme: scheme });
    await pg.setViewportSize({ width: 1000, height: 900 });
    await pg.evaluate(async () => {
      await p.grant("topics");
      await p.grant("similar");
      await p.revoke("health");
    });
    await readSome(pg, ["n-001", "n-007", "n-013", "n-002", "n-004"]);
    await pg.evaluate(() => p.record({ category: "reactions", kind: "like", item: "n-019", features: { "topic:science": 1 } }));
    await pg.locator("#settings").screenshot({ path: join(out, `ui-consent-settings-${scheme}.png`) });
    await pg.locator("#preview").screenshot({ path: join(out, `ui-preview-${scheme}.png`) });
    await pg.locator("#feed optin-why button").first().click();
    await pg.locator("#feed li").first().screenshot({ path: join(out, `ui-why-${scheme}.png`) });
    await pg.locator("#data [data-focus='why-topic:science']").click();
    await pg.locator("#data").screenshot({ path: join(out, `ui-your-data-${scheme}.png`) });
    await pg.close();
  }
});
