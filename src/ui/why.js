// <optin-why item="…">: "Why this?" next to a ranked item, a disclosure that says in words
// why it is where it is. The app gives the `ranked` result it showed (for "without
// personalization it would be number n"); with only `item`, the element asks `rank` itself.
import { OptinElement, reactive } from "./base.js";
import { h, rich } from "./dom.js";
import { reasonText } from "./reasons.js";

export class OptinWhy extends OptinElement {
  static attrs = ["item"];
  static props = [...OptinElement.props, "ranked"];

  /** The item's id (default: `ranked.id`). */
  get item() {
    return this.getAttribute("item") ?? this.ranked?.id ?? null;
  }
  set item(value) {
    this.setAttribute("item", value);
  }

  build(p, t) {
    const item = this.item;
    if (!item) return null;
    return this.disclosure("why", t("why"), () => h("ul", { class: "reasons", part: "reasons" }, this.#reasons(p, t, item)), {
      attrs: { "aria-label": `${t("why")} ${this.itemName(item)}` },
    });
  }

  #reasons(p, t, item) {
    const modules = p.modules(this.locale);
    const titles = new Map(modules.map((m) => [m.id, m.title]));
    if (!modules.some((m) => m.state === "granted" && !m.essential && m.signals.length)) {
      return [h("li", {}, rich(t, t("reasonBaseline"), this.ids))];
    }
    const given = this.ranked?.id === item ? this.ranked : null;
    const r = given ?? p.rank([item], { explain: true })[0];
    const cache = new Map();
    // "Popular" is a reason only for items near the top of everyone's order too (which an
    // item ranked alone can't tell).
    const items = r.reasons
      .filter((x) => x.type !== "baseline" || (given && r.baselineRank <= 20))
      .map((x) => h("li", { "data-reason": x.type }, reasonText(this, t, p, x, cache), x.module ? ` ${t("reasonFrom", { module: titles.get(x.module) ?? x.module })}` : null));
    if (given && r.baselineRank !== r.rank) items.push(h("li", { "data-reason": "moved" }, t("rankMoved", { n: r.baselineRank })));
    return items.length ? items : [h("li", {}, t("reasonPopular"))];
  }
}

reactive(OptinWhy, "ranked");
