// <optin-your-data>: everything optin holds about the user and the controls over it. What
// personalization did for them (where the Personalizer measures it), their interests with
// "why do you think this?" and three distinct corrections, what is stored per category and
// until when, the modules they turned on (each saying exactly what turning it off erases and
// what stays, and why), their consent history, download, and erase with a confirm step.
import { OptinElement } from "./base.js";
import { h, button, rich, date, list } from "./dom.js";
import { revokePlan, revokedText } from "./history.js";
import { VIEWS } from "./reasons.js";

const SHOWN_EVENTS = 10;

/** The user's interests over all modules, strongest first (dislikes left out). */
function interests(profile) {
  const best = new Map();
  for (const m of profile.modules) {
    for (const f of m.features) if (f.weight > (best.get(f.feature)?.weight ?? 0)) best.set(f.feature, f);
  }
  return [...best.values()].sort((a, b) => b.weight - a.weight).slice(0, 8);
}

export class OptinYourData extends OptinElement {
  static attrs = ["filename"];
  #confirming = false;

  build(p, t, locale) {
    const modules = p.modules(locale);
    const titles = new Map(modules.map((m) => [m.id, m.title]));
    const inventory = p.inventory();
    const counts = new Map(inventory.categories.map((c) => [c.category, c.count]));
    const labels = new Map(modules.flatMap((m) => m.uses.map((c) => [c.id, c.label])));
    const top = interests(p.profile());
    const granted = modules.filter((m) => !m.essential && m.state === "granted");
    const section = (part, title, ...content) => h("section", { part }, this.heading(title), content);
    return [
      h("p", {}, t("dataIntro")),
      this.#benefit(p, t, titles),
      section(
        "interests",
        t("interests"),
        top.length
          ? [h("p", { class: "hint", id: "never-hint" }, t("neverHint")), h("ul", { class: "list" }, top.map((f, i) => this.#interest(p, t, locale, f, top, i)))]
          : h("p", { class: "muted" }, t("noInterests")),
        inventory.blockedFeatures.length
          ? [
              h("p", {}, t("blocked", { topics: list(locale, inventory.blockedFeatures.map((f) => this.featureName(f))) })),
              h("div", { class: "actions" }, inventory.blockedFeatures.map((f) =>
                button(t("useAgain", { topic: this.featureName(f) }), this.act(() => p.unblock(f)), { "data-focus": `unblock-${f}`, "data-focus-next": `why-${f}` }))),
            ]
          : null,
      ),
      section(
        "inventory",
        t("inventory"),
        inventory.totalEvents ? null : h("p", { class: "muted" }, t("nothingStored")),
        h("ul", { class: "list" }, inventory.categories.map((c) =>
          h(
            "li",
            { class: "entry", "data-category": c.category, "data-count": c.count },
            h("strong", {}, labels.get(c.category) ?? c.label), c.sensitive ? [" (", rich(t, t("sensitive"), this.ids), ")"] : "",
            `: ${t("entries", { n: c.count })}. `,
            c.deleteAfter ? `${t("deleteBy", { date: date(locale, c.deleteAfter) })} ` : "",
            c.modules.length ? t("usedBy", { modules: list(locale, c.modules.map((m) => t("q", { s: titles.get(m) ?? m }))) }) : "",
          ))),
      ),
      section(
        "modules",
        t("yourModules"),
        granted.length
          ? h("ul", { class: "list" }, granted.map((m, i) => this.#revoke(p, t, locale, m, modules, counts, granted[i + 1] ?? granted[i - 1])))
          : h("p", { class: "muted" }, t("noModules")),
      ),
      section("history", t("history"), this.#history(p, t, locale, titles)),
      this.#controls(p, t),
    ];
  }

  /** What personalization did, where the Personalizer measures it (`benefit()`). */
  #benefit(p, t, titles) {
    if (typeof p.benefit !== "function") return null;
    const data = p.benefit();
    const rows = (Array.isArray(data) ? data : Object.entries(data ?? {}).map(([module, v]) => ({ module, ...v }))).filter((r) => titles.has(r.module));
    if (!rows.length) return null;
    const items = rows.map((r) => {
      const measured = r.measured ?? r.interactions ?? 0;
      const n = Math.min(measured, r.window ?? 20);
      const mine = r.medianRankPersonalized;
      const theirs = r.medianRankBaseline;
      const text = n && mine != null && theirs != null ? t("benefitText", { n, p: mine, b: theirs }) : t("benefitNone");
      return h("li", { "data-module": r.module }, h("strong", {}, `${titles.get(r.module)}: `), text);
    });
    return h("section", { part: "benefit", class: "benefit" }, this.heading(t("benefitTitle")), h("ul", { class: "list" }, items), h("p", { class: "hint" }, t("benefitHint")));
  }

  #interest(p, t, locale, f, top, i) {
    const name = this.featureName(f.feature);
    const events = p.explainInterest(f.feature);
    const next = top[i + 1] ?? top[i - 1];
    const nextKey = next ? `why-${next.feature}` : null;
    const ids = events.map((e) => e.id);
    const line = (e) => {
      const key = VIEWS.has(e.kind) ? "ev_view" : t.has(`ev_${e.kind}`) ? `ev_${e.kind}` : "ev_other";
      return t(key, { kind: e.kind, title: this.itemName(e.item), when: date(locale, e.at, true) });
    };
    const shown = events.slice(0, SHOWN_EVENTS);
    const why = this.disclosure(`why-${f.feature}`, t("interestWhy"), () => [
      h("ul", { class: "list" }, shown.map((e, j) =>
        h(
          "li",
          { class: "entry" },
          line(e),
          " ",
          button(t("deleteEntry"), this.act(() => p.forget({ event: e.id })), {
            class: "small",
            "aria-label": `${t("deleteEntry")}: ${line(e)}`,
            "data-focus": `del-${e.id}`,
            "data-focus-next": shown[j + 1] ? `del-${shown[j + 1].id}` : shown[j - 1] ? `del-${shown[j - 1].id}` : `why-${f.feature}`,
          }),
        ))),
      events.length > SHOWN_EVENTS ? h("p", { class: "muted" }, t("more", { n: events.length - SHOWN_EVENTS })) : null,
    ], { attrs: { "aria-label": `${t("interestWhy")} ${name}` } });
    const share = Math.max(1, Math.round((20 * f.weight) / top[0].weight));
    return h(
      "li",
      { class: "interest", part: "interest", "data-feature": f.feature },
      h("strong", {}, name),
      // The bar compares interests; with one there is nothing to compare.
      top.length > 1 ? h("span", { class: "bar", "aria-hidden": "true" }, h("span", { class: `fill w${share}` })) : h("span", {}),
      h("span", { class: "muted" }, t("entries", { n: events.length })),
      h("div", { class: "wide" }, why),
      h(
        "div",
        { class: "actions wide" },
        events.length
          ? button(t("forgetInterest", { entries: t("entries", { n: events.length }), topic: name }), this.act(() => p.forget({ events: ids })), { "data-focus": `forget-${f.feature}`, "data-focus-next": nextKey })
          : null,
        button(t("never", { topic: name }), this.act(() => p.forget({ feature: f.feature })), { "data-focus": `never-${f.feature}`, "data-focus-next": `unblock-${f.feature}`, "aria-describedby": "never-hint" }),
      ),
    );
  }

  #revoke(p, t, locale, m, modules, counts, next) {
    const plan = revokePlan(m, modules, counts);
    const erased = plan.filter((c) => !c.keptBy.length).map((c) => `${c.category.label} (${t("entries", { n: c.count })})`);
    const id = `revoke-${this.ids.next++}`;
    return h(
      "li",
      { class: "card entry", "data-module": m.id },
      h("strong", {}, m.title),
      h(
        "p",
        { id },
        erased.length ? t("revokeErases", { list: list(locale, erased) }) : null,
        plan.filter((c) => c.keptBy.length).map((c) => [" ", t("revokeKeeps", { category: c.category.label, modules: list(locale, c.keptBy.map((x) => t("q", { s: x.title }))) })]),
      ),
      button(t("turnOff"), this.act(async () => {
        const record = await p.revoke(m.id);
        const change = this.changes.get(m.id);
        this.announce(revokedText(t, locale, m, change, modules));
        this.emit("optin-consent", { module: m.id, state: "notGranted", record, erasedCategories: change?.record.recordId === record.recordId ? change.erasedCategories : [] });
      }), { "aria-label": `${t("turnOff")}: ${m.title}`, "aria-describedby": id, "data-focus": `revoke-${m.id}`, "data-focus-next": next ? `revoke-${next.id}` : null }),
    );
  }

  #history(p, t, locale, titles) {
    const records = p.consentRecords();
    if (!records.length) return h("p", { class: "muted" }, t("noHistory"));
    const info = new Map();
    const lines = records.map((r) => {
      // A withdrawal right after a grant turned it off; otherwise it answered "no thanks".
      const previous = info.get(r.module);
      info.set(r.module, r);
      const key = { given: "given", withdrawn: previous?.event === "given" ? "withdrawn" : "refused", expired: "expiredRecord", invalidated: "invalidatedRecord" }[r.event];
      return h("li", { "data-event": r.event }, `${date(locale, r.time, true)}: ${t(key, { module: titles.get(r.module) ?? r.module })}`, r.method === "import" ? ` ${t("imported")}` : "");
    });
    return h("ol", {}, lines.reverse());
  }

  #controls(p, t) {
    if (this.#confirming) {
      const cancel = () => {
        this.#confirming = false;
        this.focusNext("erase");
        this.render();
      };
      this.escape = () => (cancel(), true);
      return h(
        "div",
        { class: "actions", part: "erase" },
        h("p", { role: "alert" }, t("eraseQuestion")),
        button(t("eraseConfirm"), this.act(async () => {
          await p.eraseAll();
          this.#confirming = false;
          this.escape = undefined;
          this.focusNext("erase");
          this.render();
          this.announce(t("erased"));
        }), { class: "danger", "data-focus": "erase-confirm", part: "erase-confirm" }),
        button(t("cancel"), cancel, { "data-focus": "erase-cancel" }),
      );
    }
    this.escape = undefined;
    return h(
      "div",
      { class: "actions" },
      button(t("download"), this.act(() => this.#download(p)), { "data-focus": "download", part: "download" }),
      button(t("erase"), () => {
        this.#confirming = true;
        this.focusNext("erase-cancel");
        this.render();
      }, { class: "danger", "data-focus": "erase", part: "erase" }),
    );
  }

  async #download(p) {
    const data = await p.exportData();
    const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
    const link = h("a", { href: url, download: this.getAttribute("filename") || "my-data.json", hidden: true });
    this.shadowRoot.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
