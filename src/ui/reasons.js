// The reasons `rank` gives, in words: "You viewed 3 items about Science this week. Learned
// by “Topics you follow”." For the user, counted from their stored events
// (`explainInterest`); for a sample person in the sandbox, without counting anything.

const WEEK_MS = 7 * 24 * 3600 * 1000;
export const VIEWS = new Set(["view", "click", "dwell"]);

/** How many stored events are behind a feature: viewed (this week) and liked. */
function evidence(p, feature) {
  const events = p.explainInterest(feature);
  const since = Date.now() - WEEK_MS;
  const views = events.filter((e) => VIEWS.has(e.kind));
  return {
    viewed: views.length,
    week: views.filter((e) => Date.parse(e.at) >= since).length,
    liked: events.filter((e) => e.kind === "like").length,
  };
}

/** One reason for the user, in words (`el` names features and items). */
export function reasonText(el, t, p, reason, cache) {
  if (reason.type === "baseline") return t("reasonPopular");
  if (reason.type === "similar") return t("reasonSimilar", { title: el.itemName(reason.item) });
  const topic = el.featureName(reason.feature);
  if (reason.weight < 0) return t("reasonDisliked", { topic });
  if (!cache.has(reason.feature)) cache.set(reason.feature, evidence(p, reason.feature));
  const seen = cache.get(reason.feature);
  const parts = [];
  const items = (n) => t("items", { n });
  if (seen.week) parts.push(t("reasonViewedWeek", { items: items(seen.week), topic }));
  else if (seen.viewed) parts.push(t("reasonViewed", { items: items(seen.viewed), topic }));
  if (seen.liked) parts.push(t("reasonLiked", { items: items(seen.liked), topic }));
  return parts.length ? parts.join(" ") : t("reasonInterest", { topic });
}

/** The first reason of a sandbox result, about the sample person (null: none worth saying). */
export function sampleReason(el, t, reason) {
  if (!reason || reason.type === "baseline") return null;
  if (reason.type === "similar") return t("sampleSimilar", { title: el.itemName(reason.item) });
  return t(reason.weight < 0 ? "sampleDisliked" : "sampleFeature", { topic: el.featureName(reason.feature) });
}
