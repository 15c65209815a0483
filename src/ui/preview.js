// <optin-preview>: the sandbox. Pick a sample person (the manifest's `samples`), see
// everyone's order next to theirs with the moves marked, and, under it, how much has been
// collected about the user: `preview` runs on a throwaway profile, so it stays 0.
import { OptinElement, reactive } from "./base.js";
import { h, rich, localized } from "./dom.js";
import { sampleReason } from "./reasons.js";

export class OptinPreview extends OptinElement {
  static attrs = ["persona", "limit", "diversity"];
  static props = [...OptinElement.props, "samples"];

  build(p, t, locale) {
    const samples = this.samples ?? [];
    if (!samples.length) return h("p", {}, t("noSamples"));
    const wanted = this.getAttribute("persona");
    const persona = samples.find((s) => s.id === wanted) ?? samples[0];
    const name = localized(persona.label, locale);
    const limit = Math.max(1, Math.floor(Number(this.getAttribute("limit")) || 10));
    const diversity = Number(this.getAttribute("diversity")) || 0;
    const result = p.preview(persona.id, { limit, explain: true, ...(diversity ? { diversity } : {}) });
    const total = p.inventory().totalEvents;
    const select = h(
      "select",
      { id: "persona", part: "select", "data-focus": "persona", onchange: (e) => this.setAttribute("persona", e.target.value) },
      samples.map((s) => h("option", { value: s.id, selected: s === persona }, localized(s.label, locale))),
    );
    return [
      h("p", {}, rich(t, t("previewIntro"), this.ids)),
      h("p", {}, h("label", { for: "persona" }, t("persona")), " ", select),
      h("div", { class: "columns" }, this.#column(t, t("everyone"), result.baseline, limit, false), this.#column(t, t("personalizedFor", { persona: name }), result.personalized, limit, true)),
      h("p", { class: "muted", part: "collected", "data-events": total }, t("collected", { entries: t("entries", { n: total }) })),
    ];
  }

  #column(t, heading, ranked, limit, personalized) {
    return h(
      "section",
      { class: "column", part: `column ${personalized ? "personalized" : "baseline"}`, "aria-label": heading },
      this.heading(heading),
      h(
        "ol",
        {},
        ranked.map((r) => {
          const change = personalized ? r.baselineRank - r.rank : 0;
          const mark = !change ? null
            : r.baselineRank > limit ? h("span", { class: "move up" }, t("newHere"))
            : h("span", { class: `move ${change > 0 ? "up" : "down"}` }, h("span", { "aria-hidden": "true" }, change > 0 ? "▲ " : "▼ "), t(change > 0 ? "movedUp" : "movedDown", { n: Math.abs(change) }));
          const why = personalized ? sampleReason(this, t, r.reasons[0]) : null;
          return h("li", { "data-id": r.id }, this.itemName(r.id), mark ? [" ", mark] : null, why ? h("span", { class: "reason" }, why) : null);
        }),
      ),
    );
  }
}

reactive(OptinPreview, "samples");
