// The front page: `rank` over the catalog, personalized when the user opted in and the
// editors' order otherwise. A lead story, four top stories, then the rest in brief; every
// story has optin/ui's "Why this?" (<optin-why>). A headline opens the story in the reader
// above the list, where the reader can like it or ask for less like it.
import { el, button, rich, replace } from "./ui.js";
import { displayName } from "./i18n.js";
import { readingCategory, eventFeatures } from "./catalog.js";

/**
 * How much the front page trades relevance for variety (maximal marginal relevance). With
 * the manifest's weights, a reader of three Science stories gets Science first and most
 * often, with the day's other top stories in between: a front page, not a single topic.
 */
export const FEED_DIVERSITY = 0.6;
const LIMIT = 20;
const TOP = 5;

/** One <optin-why> per story, kept across renders so an open "Why this?" stays open. */
const whys = new Map();

function whyFor(app, ranked) {
  let why = whys.get(ranked.id);
  if (!why) {
    why = document.createElement("optin-why");
    why.featureLabel = app.featureLabel;
    why.itemLabel = app.itemLabel;
    why.personalizer = app.p;
    whys.set(ranked.id, why);
  }
  why.setAttribute("locale", app.locale);
  why.ranked = ranked;
  return why;
}

async function react(app, story, kind) {
  const category = kind === "click" ? readingCategory(story) : "reactions";
  if (kind !== "click") app.reading = { ...app.reading, reaction: kind };
  const outcome = await app.p.record({ category, kind, item: story.id, features: eventFeatures(story) });
  const title = (locale) => story.title[locale];
  const what = { click: "whatRead", like: "whatLiked", dislike: "whatDisliked" }[kind];
  app.announce(outcome.stored ? "stored" : "notStored", { what: (locale) => app.t(what, { title: title(locale) }), title });
  // A stored event re-renders the page through onChange; a dropped one changes no data.
  if (!outcome.stored) app.render();
}

/** Opens a story in the reader: that is the click the front page records. */
function open(app, story) {
  app.reading = { id: story.id, reaction: null };
  app.render();
  document.getElementById("reader-title")?.focus();
  return react(app, story, "click");
}

function reader(app) {
  const { t, locale } = app;
  const story = app.reading && app.stories.get(app.reading.id);
  if (!story) return null;
  const topic = displayName(locale, story.topic);
  const reactTo = (kind) => () => react(app, story, kind).catch(app.fail);
  const reaction = app.reading.reaction;
  return el(
    "article",
    { id: "reader", className: "reader", dataset: { id: story.id, topic: story.topic }, "aria-labelledby": "reader-title" },
    el("p", { className: "story-meta" }, `${topic} · ${displayName(locale, story.source)}`),
    el("h3", { id: "reader-title", className: "reader-title", tabIndex: -1, dataset: { focus: "reader-title" } }, story.title[locale]),
    el("p", {}, t("storyBody", { topic, about: story.about[locale] })),
    el("p", { className: "note" }, t("storySynthetic")),
    el(
      "div",
      { className: "actions" },
      button(t("like"), reactTo("like"), { className: "button small", id: "like", "aria-pressed": String(reaction === "like"), dataset: { focus: "like" } }),
      button(t("dislike"), reactTo("dislike"), { className: "button small", id: "dislike", "aria-pressed": String(reaction === "dislike"), dataset: { focus: "dislike" } }),
      button(t("close"), () => {
        app.reading = null;
        app.render();
        document.querySelector("#stories .headline")?.focus();
      }, { className: "button small", id: "close-reader", dataset: { focus: "close-reader" } }),
    ),
  );
}

function storyItem(app, ranked, index) {
  const { t, locale } = app;
  const story = app.stories.get(ranked.id);
  const title = story.title[locale];
  const kind = index === 0 ? "lead" : index < TOP ? "top" : "brief";
  const headline = el("button", { type: "button", className: "headline", dataset: { focus: `open-${story.id}` } }, title);
  headline.addEventListener("click", () => open(app, story).catch(app.fail));
  return el(
    "li",
    { className: `story ${kind}`, id: `story-${story.id}`, dataset: { id: story.id, topic: story.topic, source: story.source } },
    el("p", { className: "story-meta" }, `${displayName(locale, story.topic)} · ${displayName(locale, story.source)}`),
    el(kind === "brief" ? "h4" : "h3", { className: "story-title" }, headline),
    kind === "lead" ? el("p", { className: "standfirst" }, t("storyBody", { topic: displayName(locale, story.topic), about: story.about[locale] })) : null,
    whyFor(app, ranked),
  );
}

/** Renders the feed into `#feed-body`. */
export function renderFeed(app) {
  const { p, t, locale } = app;
  const modules = p.modules(locale);
  const active = modules.filter((m) => m.state === "granted" && !m.essential && m.signals.length);
  const ranked = p.rank(undefined, { limit: LIMIT, explain: true, excludeSeen: true, diversity: FEED_DIVERSITY });
  const personalized = active.length > 0;
  const note = personalized
    ? el("p", { className: "feed-note", dataset: { mode: "personalized" } }, t("feedPersonalized", { modules: active.map((m) => m.title).join(", ") }))
    : el("p", { className: "feed-note", dataset: { mode: "baseline" } }, ...rich(locale, t("feedBaseline")));
  replace(
    document.getElementById("feed-body"),
    note,
    reader(app),
    el("ol", { className: "stories", id: "stories" }, ranked.slice(0, TOP).map((r, i) => storyItem(app, r, i))),
    el("h3", { className: "more" }, t("moreStories")),
    el("ol", { className: "stories briefs", id: "briefs", start: TOP + 1 }, ranked.slice(TOP).map((r, i) => storyItem(app, r, TOP + i))),
  );
}
