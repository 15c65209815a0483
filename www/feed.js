// The front page: `rank` over the catalog, personalized when the user opted in and the
// editors' order otherwise; each story says why it is there, in words.
import { el, button, rich, replace } from "./ui.js";
import { displayName } from "./i18n.js";
import { readingCategory, eventFeatures } from "./catalog.js";

const WEEK_MS = 7 * 24 * 3600 * 1000;

/**
 * How much the front page trades relevance for variety (maximal marginal relevance). With
 * the manifest's weights, a reader of three Science stories gets Science first and most
 * often, with the day's other top stories in between: a front page, not a single topic.
 */
export const FEED_DIVERSITY = 0.6;

/** Counts the stored events behind a feature, for reasons like "You read 6 Science stories". */
function evidence(app, feature) {
  const events = app.p.explainInterest(feature);
  const since = Date.now() - WEEK_MS;
  const reads = events.filter((e) => e.kind === "click" || e.kind === "view" || e.kind === "dwell");
  return {
    read: reads.length,
    readThisWeek: reads.filter((e) => Date.parse(e.at) >= since).length,
    liked: events.filter((e) => e.kind === "like").length,
  };
}

/** One reason from `rank`, in words. */
export function reasonText(app, reason, cache = new Map()) {
  const { t, locale } = app;
  if (reason.type === "baseline") return t("reasonPopular");
  if (reason.type === "similar") {
    const story = app.stories.get(reason.item);
    return t("reasonSimilar", { title: story ? story.title[locale] : reason.item });
  }
  const topic = displayName(locale, reason.feature);
  if (reason.weight < 0) return t("reasonDisliked", { topic });
  if (!cache.has(reason.feature)) cache.set(reason.feature, evidence(app, reason.feature));
  const seen = cache.get(reason.feature);
  // Singular and plural differ ("1 Science story"): keys ending in 1 are the singular forms.
  const say = (key, n) => t(n === 1 ? `${key}1` : key, { n, topic });
  const read = seen.readThisWeek ? say("reasonReadWeek", seen.readThisWeek) : seen.read ? say("reasonRead", seen.read) : null;
  // The sentence's last character is its full stop; the "liked" part brings its own.
  if (read && seen.liked) return `${read.slice(0, -1)}${say("reasonAndLiked", seen.liked)}`;
  if (read) return read;
  if (seen.liked) return say("reasonLiked", seen.liked);
  return t("reasonInterest", { topic });
}

function reasonsList(app, ranked, personalized, titles, cache) {
  const { t } = app;
  if (!personalized) return [el("li", {}, t("reasonEditors"))];
  // "Popular" is only a reason for items that are near the top of everyone's page too.
  const shown = ranked.reasons.filter((r) => r.type !== "baseline" || ranked.baselineRank <= 20);
  const items = shown.map((r) => {
    const source = r.module ? titles.get(r.module) : null;
    return el("li", { className: `reason reason-${r.type}` }, reasonText(app, r, cache), source ? ` ${t("reasonFrom", { module: source })}` : null);
  });
  if (ranked.baselineRank !== ranked.rank) items.push(el("li", { className: "moved" }, t("rankMoved", { n: ranked.baselineRank })));
  return items;
}

async function react(app, story, kind) {
  const { t, locale } = app;
  const category = kind === "click" ? readingCategory(story) : "reactions";
  if (kind === "click") app.read.add(story.id);
  const outcome = await app.p.record({ category, kind, item: story.id, features: eventFeatures(story) });
  const title = story.title[locale];
  const what = t(kind === "click" ? "whatRead" : kind === "like" ? "whatLiked" : "whatDisliked", { title });
  app.announce(outcome.stored ? t("stored", { what }) : t("notStored"));
  if (!outcome.stored) app.render();
}

function storyItem(app, ranked, next, personalized, titles, cache) {
  const { t, locale } = app;
  const story = app.stories.get(ranked.id);
  const title = story.title[locale];
  const act = (kind) => () => react(app, story, kind).catch(app.fail);
  const why = el(
    "details",
    { className: "why" },
    el("summary", { dataset: { focus: `why-${story.id}` }, "aria-label": `${t("why")} ${title}` }, t("why")),
    el("ul", {}, reasonsList(app, ranked, personalized, titles, cache)),
  );
  why.open = app.openWhy.has(story.id);
  why.addEventListener("toggle", () => (why.open ? app.openWhy.add(story.id) : app.openWhy.delete(story.id)));
  return el(
    "li",
    { className: "story", id: `story-${story.id}`, dataset: { id: story.id, topic: story.topic } },
    el("p", { className: "story-meta" }, `${displayName(locale, story.topic)} · ${displayName(locale, story.source)}`),
    el("h3", { className: "story-title" }, title),
    el(
      "div",
      { className: "actions" },
      button(app.read.has(story.id) ? t("readAgain") : t("read"), act("click"), { "aria-label": `${t("read")}: ${title}`, dataset: { focus: `read-${story.id}`, focusNext: next ? `read-${next}` : "" } }),
      button(t("like"), act("like"), { "aria-label": `${t("like")}: ${title}`, dataset: { focus: `like-${story.id}` } }),
      button(t("dislike"), act("dislike"), { "aria-label": `${t("dislike")}: ${title}`, dataset: { focus: `dislike-${story.id}` } }),
    ),
    why,
  );
}

/** Renders the feed into `#feed-body`. */
export function renderFeed(app) {
  const { p, t, locale } = app;
  const modules = p.modules(locale);
  const titles = new Map(modules.map((m) => [m.id, m.title]));
  const active = modules.filter((m) => m.state === "granted" && !m.essential && m.signals.length);
  const ranked = p.rank(undefined, { limit: 20, explain: true, excludeSeen: true, diversity: FEED_DIVERSITY });
  const personalized = active.length > 0;
  const cache = new Map();
  const list = el("ol", { className: "stories", id: "stories" }, ranked.map((r, i) => storyItem(app, r, ranked[i + 1]?.id, personalized, titles, cache)));
  const note = personalized
    ? el("p", { className: "feed-note", dataset: { mode: "personalized" } }, t("feedPersonalized", { modules: active.map((m) => m.title).join(", ") }))
    : el("p", { className: "feed-note", dataset: { mode: "baseline" } }, ...rich(locale, t("feedBaseline")));
  replace(document.getElementById("feed-body"), note, list);
}
