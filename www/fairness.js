// The fairness audit: how much exposure each source gets for the sample readers, in the
// editors' order and personalized, against its share of the catalog (all in the sandbox).
// Developer material: the page shows it behind "For developers".
import { el, replace } from "./ui.js";
import { displayName } from "./i18n.js";

const pct = (x) => `${Math.round(x * 100)}%`;

/** Renders `#fairness-body`. */
export function renderFairness(app) {
  const { p, t, locale } = app;
  const audit = p.audit({ limit: 10, threshold: 0.5 });
  const flagged = audit.flags.map((f) => {
    const persona = (app.manifest.samples ?? []).find((s) => s.id === f.persona);
    const who = persona ? (persona.label[locale] ?? persona.label.en) : null;
    const ranking = f.ranking === "baseline" ? t("baselineShare") : t("personalizedShare");
    return `${displayName(locale, f.group)} (${ranking}${who ? `, ${who}` : ""})`;
  });
  replace(
    document.getElementById("fairness-body"),
    el("p", {}, t("fairnessIntro")),
    // The table scrolls inside its box on a narrow screen; the page does not.
    el("div", { className: "scroll" }, el(
      "table",
      { id: "audit" },
      el("thead", {}, el("tr", {}, [t("source"), t("catalogShare"), t("baselineShare"), t("personalizedShare")].map((h) => el("th", { scope: "col" }, h)))),
      el(
        "tbody",
        {},
        audit.baseline.groups.map((g) => {
          const mine = audit.personalized.groups.find((x) => x.group === g.group);
          return el(
            "tr",
            { id: `audit-${g.group}` },
            el("th", { scope: "row" }, displayName(locale, g.group)),
            el("td", {}, pct(g.catalogShare)),
            el("td", {}, pct(g.exposureShare)),
            el("td", {}, pct(mine ? mine.exposureShare : 0)),
          );
        }),
      ),
    )),
    el("p", { id: "audit-flags" }, flagged.length ? t("fairFlag", { list: [...new Set(flagged)].join("; ") }) : t("fairOk")),
  );
}
