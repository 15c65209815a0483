// What the consent records say, per module, for the texts of the elements: the last record,
// whether a withdrawal undid a grant ("you turned it off") or answered a question ("no
// thanks"), and what changed since the user last agreed.
import { list } from "./dom.js";

/** Per module: `{ last, given, previous }`: its last record, its last grant, the one before last. */
export function byModule(records) {
  const out = new Map();
  for (const r of records) {
    const seen = out.get(r.module) ?? {};
    out.set(r.module, { last: r, previous: seen.last, given: r.event === "given" ? r : seen.given });
  }
  return out;
}

/** Whether the user has something to decide about `m`: never asked, expired or changed. */
export function pending(m, info) {
  if (m.essential) return false;
  const last = info.get(m.id)?.last;
  return m.state === "invalidated" || !last || last.event === "expired" || last.event === "invalidated";
}

/** The module's state in words. */
export function stateText(t, m, info) {
  if (m.essential) return t("alwaysOn");
  if (m.state === "granted") return t("on");
  if (m.state === "invalidated") return t("invalidated");
  const seen = info.get(m.id);
  if (seen?.last.event === "expired") return t("expired");
  if (seen?.last.event === "withdrawn") return seen.previous?.event === "given" ? t("turnedOff") : t("declined");
  return t("undecided");
}

/**
 * What changed in `m` since the user's last grant, in words: its purpose, data, retention,
 * the policy version (`inLocale(l)` gives the modules in locale `l`; `labels` names categories).
 */
export function changes(t, locale, m, given, inLocale, policyVersion, labels) {
  if (!given) return [];
  const out = [];
  const then = inLocale(given.locale).find((x) => x.id === m.id);
  if (then && then.purpose !== given.purpose) out.push(t("changedPurpose", { purpose: m.purpose }));
  const now = m.uses.map((c) => c.id);
  const added = m.uses.filter((c) => !given.dataCategories.includes(c.id)).map((c) => c.label);
  const removed = given.dataCategories.filter((c) => !now.includes(c)).map((c) => labels.get(c) ?? c);
  if (added.length) out.push(t("changedAdded", { list: list(locale, added) }));
  if (removed.length) out.push(t("changedRemoved", { list: list(locale, removed) }));
  if (given.retentionDays !== m.retentionDays) out.push(t("changedRetention", { days: t("days", { n: m.retentionDays }), old: t("days", { n: given.retentionDays }) }));
  if (given.policyVersion !== policyVersion) out.push(t("changedPolicy", { old: given.policyVersion, new: policyVersion }));
  if (!out.length) out.push(t("changedOther"));
  return out;
}

/**
 * What turning `m` off erases and what stays, from the granted modules: a category stays
 * while another granted module uses it. `counts` maps a category to its stored entries.
 */
export function revokePlan(m, modules, counts) {
  const others = modules.filter((x) => x.id !== m.id && x.state === "granted");
  return m.uses.map((c) => ({ category: c, count: counts.get(c.id) ?? 0, keptBy: others.filter((x) => x.uses.some((u) => u.id === c.id)) }));
}

/** What a revocation did, in words, from its change (`erasedCategories`). */
export function revokedText(t, locale, m, change, modules) {
  const erased = new Set(change?.erasedCategories ?? []);
  const label = (id) => m.uses.find((c) => c.id === id)?.label ?? id;
  const kept = m.uses.filter((c) => !erased.has(c.id)).map((c) => c.label);
  return [
    t("revoked", { module: m.title }),
    erased.size ? t("erasedList", { list: list(locale, [...erased].map(label)) }) : "",
    kept.length ? t("keptList", { list: list(locale, kept) }) : "",
  ].filter(Boolean).join(" ");
}
