// The sandbox preview: a sample reader's front page next to everyone's, before opting in.
// `preview` runs on a throwaway profile; the inventory line below it shows nothing was stored.
import { el, rich, replace } from "./ui.js";
import { displayName } from "./i18n.js";
import { reasonText, FEED_DIVERSITY } from "./feed.js";

const LIMIT = 10;

function label(locale, text) {
  return typeof text === "string" ? text : text[locale] ?? text.en ?? Object.values(text)[0];
}

function column(app, heading, ranked, id, moves) {
  const { t, locale } = app;
  return el(
    "section",
    { className: "preview-column", id, "aria-label": heading },
    el("h3", {}, heading),
    el(
      "ol",
      {},
      ranked.map((r) => {
        const story = app.stories.get(r.id);
        const change = moves ? r.baselineRank - r.rank : 0;
        const mark = !moves || change === 0 ? null
          : r.baselineRank > LIMIT ? el("span", { className: "move move-new" }, t("newHere"))
          : el("span", { className: `move ${change > 0 ? "move-up" : "move-down"}` }, change > 0 ? `▲ ${t("movedUp", { n: change })}` : `▼ ${t("movedDown", { n: -change })}`);
        const why = moves && r.reasons.length ? el("span", { className: "preview-why" }, reasonText(app, r.reasons[0])) : null;
        return el(
          "li",
          { dataset: { id: r.id } },
          el("span", { className: "story-meta" }, displayName(locale, story.topic), " · "),
          story.title[locale],
          mark ? [" ", mark] : null,
          why ? [el("br"), why] : null,
        );
      }),
    ),
  );
}

/** Renders the preview section into `#preview-body`. */
export function renderPreview(app) {
  const { p, t, locale, manifest } = app;
  const samples = manifest.samples ?? [];
  if (!samples.some((s) => s.id === app.persona)) app.persona = samples[0]?.id;
  const select = el(
    "select",
    { id: "persona", dataset: { focus: "persona" } },
    samples.map((s) => el("option", { value: s.id, selected: s.id === app.persona }, label(locale, s.label))),
  );
  select.addEventListener("change", () => {
    app.persona = select.value;
    renderPreview(app);
  });
  const persona = samples.find((s) => s.id === app.persona);
  const result = persona ? p.preview(persona.id, { limit: LIMIT, explain: true, diversity: FEED_DIVERSITY }) : { baseline: [], personalized: [] };
  // Reasons in the sandbox refer to the sample's events, not the user's: show the first one
  // only where it needs no counting of stored events.
  const sandboxed = { ...app, p: { explainInterest: () => [] } };
  replace(
    document.getElementById("preview-body"),
    el("p", {}, ...rich(locale, t("previewIntro"))),
    el("p", {}, el("label", { for: "persona" }, t("persona"), " "), select),
    el(
      "div",
      { className: "preview-columns" },
      column(app, t("everyone"), result.baseline, "preview-baseline", false),
      column(sandboxed, t("personalizedFor", { persona: persona ? label(locale, persona.label) : "" }), result.personalized, "preview-personalized", true),
    ),
    el("p", { id: "preview-collected", className: "note", dataset: { events: String(p.inventory().totalEvents) } }, t("collected", { n: p.inventory().totalEvents })),
  );
}
