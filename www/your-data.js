// "Your data": what optin holds about the user, why it thinks what it thinks, and the
// controls to correct, download or erase it. Every number here comes from optin itself.
import { el, button, rich, replace, when, day } from "./ui.js";
import { displayName } from "./i18n.js";

/** The user's interests over all granted modules, strongest first (dislikes left out). */
function interests(profile) {
  const byFeature = new Map();
  for (const m of profile.modules) {
    for (const f of m.features) {
      const seen = byFeature.get(f.feature);
      if (!seen || f.weight > seen.weight) byFeature.set(f.feature, f);
    }
  }
  return [...byFeature.values()].filter((f) => f.weight > 0).sort((a, b) => b.weight - a.weight).slice(0, 8);
}

function eventLine(app, e) {
  const { t, locale } = app;
  const story = app.stories.get(e.item);
  const title = story ? story.title[locale] : e.item;
  const key = e.kind === "like" ? "eventLike" : e.kind === "dislike" ? "eventDislike" : "eventRead";
  const forget = button(t("forgetEvent"), () => app.p.forget({ event: e.id }).catch(app.fail), {
    className: "button small",
    "aria-label": `${t("forgetEvent")}: ${title}`,
    dataset: { focus: `forget-${e.id}` },
  });
  return el("li", { className: "event" }, t(key, { title, when: when(locale, e.at) }), " ", forget);
}

function interestItem(app, f, strongest) {
  const { t, locale, p } = app;
  const name = displayName(locale, f.feature);
  const share = Math.max(4, Math.round((100 * f.weight) / strongest));
  const fill = el("span", { className: "bar-fill" });
  fill.style.width = `${share}%`; // CSSOM, which the page's CSP allows (style attributes it doesn't)
  const events = p.explainInterest(f.feature);
  const why = el(
    "details",
    { className: "interest-why" },
    el("summary", { dataset: { focus: `why-${f.feature}` } }, t("interestWhy")),
    el("ul", {}, events.map((e) => eventLine(app, e))),
  );
  why.open = app.openInterests.has(f.feature);
  why.addEventListener("toggle", () => (why.open ? app.openInterests.add(f.feature) : app.openInterests.delete(f.feature)));
  // One write for the whole interest: all of its events go, or none if storage fails.
  const forgetAll = () => p.forget({ events: events.map((e) => e.id) });
  return el(
    "li",
    { className: "interest", dataset: { feature: f.feature } },
    el("span", { className: "interest-name" }, name),
    el("span", { className: "bar", role: "img", "aria-label": `${name}: ${share}%` }, fill),
    el("span", { className: "interest-count" }, app.t("eventsCount", { n: f.events })),
    why,
    el(
      "div",
      { className: "actions" },
      button(t("forget"), () => forgetAll().catch(app.fail), { "aria-label": `${t("forget")}: ${name}`, dataset: { focus: `forget-${f.feature}` } }),
      button(t("never", { topic: name }), () => p.forget({ feature: f.feature }).catch(app.fail), { dataset: { focus: `never-${f.feature}` } }),
    ),
  );
}

function inventoryTable(app, inventory, labels, titles) {
  const { t, locale } = app;
  return el(
    "table",
    { id: "inventory", dataset: { total: String(inventory.totalEvents) } },
    el("caption", {}, t("inventory")),
    el("thead", {}, el("tr", {}, [t("category"), t("count"), t("deleteAfter"), t("usedBy")].map((h) => el("th", { scope: "col" }, h)))),
    el(
      "tbody",
      {},
      inventory.categories.map((c) =>
        el(
          "tr",
          { id: `inventory-${c.category}`, dataset: { count: String(c.count) } },
          el("th", { scope: "row" }, labels.get(c.category) ?? c.label, c.sensitive ? [" (", ...rich(locale, t("sensitive")), ")"] : null),
          el("td", {}, String(c.count)),
          el("td", {}, c.deleteAfter ? day(locale, c.deleteAfter) : t("dashes")),
          el("td", {}, c.modules.length ? c.modules.map((m) => titles.get(m) ?? m).join(", ") : t("nobody")),
        ),
      ),
    ),
  );
}

function history(app, titles) {
  const { t, locale, p } = app;
  const records = p.consentRecords().slice().reverse();
  if (!records.length) return el("p", { id: "history-empty" }, t("noHistory"));
  const key = { given: "given", withdrawn: "withdrawn", expired: "expired", invalidated: "invalidatedRecord" };
  return el(
    "ol",
    { id: "history", reversed: true },
    records.map((r) => el("li", { dataset: { event: r.event } }, `${when(locale, r.time)}: ${t(key[r.event], { module: titles.get(r.module) ?? r.module })}`)),
  );
}

async function download(app) {
  const data = await app.p.exportData();
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: "my-data-optin.json" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function eraseControls(app) {
  const { t } = app;
  const box = el("div", { className: "erase", id: "erase" });
  const ask = () => {
    replace(
      box,
      el("p", { role: "alert" }, t("eraseQuestion")),
      button(t("eraseConfirm"), async () => {
        try {
          await app.p.eraseAll();
          app.read.clear();
          app.announce(t("erased"));
        } catch (e) {
          app.fail(e);
        }
      }, { className: "button danger", dataset: { focus: "erase-confirm" } }),
      " ",
      button(t("cancel"), () => renderYourData(app), { dataset: { focus: "erase-cancel" } }),
    );
    box.querySelector("[data-focus=erase-confirm]")?.focus();
  };
  box.append(
    button(t("download"), () => download(app).catch(app.fail), { id: "download", dataset: { focus: "download" } }),
    " ",
    button(t("erase"), ask, { className: "button danger", dataset: { focus: "erase" } }),
  );
  return box;
}

/** Renders `#data-body`. */
export function renderYourData(app) {
  const { p, t, locale } = app;
  const modules = p.modules(locale);
  const titles = new Map(modules.map((m) => [m.id, m.title]));
  const labels = new Map(modules.flatMap((m) => m.uses.map((c) => [c.id, c.label])));
  const inventory = p.inventory();
  const top = interests(p.profile());
  const granted = modules.filter((m) => !m.essential && m.state === "granted");
  replace(
    document.getElementById("data-body"),
    el("p", {}, t("dataIntro")),
    el("h3", {}, t("interests")),
    top.length
      ? el("ul", { className: "interests", id: "interests" }, top.map((f) => interestItem(app, f, top[0].weight)))
      : el("p", { id: "interests-empty" }, t("noInterests")),
    inventory.blockedFeatures.length
      ? el(
          "div",
          { id: "blocked" },
          el("p", {}, t("blocked", { topics: inventory.blockedFeatures.map((f) => displayName(locale, f)).join(", ") })),
          el("div", { className: "actions" }, inventory.blockedFeatures.map((f) =>
            button(t("useAgain", { topic: displayName(locale, f) }), () => p.unblock(f).catch(app.fail), { dataset: { focus: `unblock-${f}` } }))),
        )
      : null,
    inventoryTable(app, inventory, labels, titles),
    el("h3", {}, t("yourModules")),
    granted.length
      ? el("ul", { className: "granted", id: "granted" }, granted.map((m) =>
          el("li", {}, button(t("turnOffErase", { module: m.title }), () => p.revoke(m.id).catch(app.fail), { dataset: { focus: `revoke-${m.id}` } }))))
      : el("p", {}, t("noModules")),
    el("h3", {}, t("history")),
    history(app, titles),
    eraseControls(app),
  );
}
