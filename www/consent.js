// The consent panel: a short summary, then one card per module with "Turn on" and "No thanks"
// side by side (same size, same style: no nudging), and the full notice on demand.
import { el, button, rich, replace } from "./ui.js";

function stateText(t, m) {
  if (m.essential) return t("alwaysOn");
  if (m.state === "granted") return t("on");
  if (m.state === "invalidated") return t("invalidated");
  return m.decidedAt ? t("declined") : t("undecided");
}

function notice(app, m) {
  const { t, locale } = app;
  const uses = m.uses.length
    ? m.uses.map((c) => el("li", {}, c.label, c.sensitive ? [" (", ...rich(locale, t("sensitive")), ")"] : null))
    : [el("li", {}, t("noData"))];
  const details = el(
    "details",
    { className: "notice" },
    el("summary", { dataset: { focus: `notice-${m.id}` } }, t("moreAbout")),
    el(
      "dl",
      {},
      el("dt", {}, t("whatItDoes")), el("dd", {}, m.purpose),
      el("dt", {}, t("whatYouGet")), el("dd", {}, m.benefit),
      el("dt", {}, ...rich(locale, t("dataUsed"))), el("dd", {}, el("ul", {}, uses)),
      el("dt", {}, ...rich(locale, t("keptFor"))),
      el("dd", {}, m.uses.length ? t("keptDays", { days: m.retentionDays }) : t("keptNothing")),
      el("dt", {}, t("whoSees")), el("dd", {}, m.shares ? t("whoShares") : t("whoLocal")),
      el("dt", {}, t("howOff")), el("dd", {}, t("howOffText")),
    ),
  );
  details.open = app.openNotices.has(m.id);
  details.addEventListener("toggle", () => {
    if (details.open) {
      app.openNotices.add(m.id);
      // Reading the notice starts the clock of the time-to-decision metric (kept on device).
      app.p.noticeViewed([m.id]).catch(app.fail);
    } else app.openNotices.delete(m.id);
  });
  return details;
}

function card(app, m) {
  const { t, p } = app;
  const actions = el("div", { className: "actions" });
  if (!m.essential) {
    const decide = (grant) => () =>
      (grant ? p.grant(m.id) : p.revoke(m.id)).catch(app.fail);
    if (m.state === "granted") {
      actions.append(button(t("turnOff"), decide(false), { "aria-label": `${t("turnOff")}: ${m.title}`, dataset: { focus: `toggle-${m.id}` } }));
    } else {
      actions.append(button(t("turnOn"), decide(true), { "aria-label": `${t("turnOn")}: ${m.title}`, dataset: { focus: `toggle-${m.id}` } }));
      if (!m.decidedAt || m.state === "invalidated") {
        actions.append(button(t("noThanks"), decide(false), { "aria-label": `${t("noThanks")}: ${m.title}`, dataset: { focus: `no-${m.id}`, focusNext: `toggle-${m.id}` } }));
      }
    }
  }
  return el(
    "li",
    { id: `module-${m.id}`, className: "module", dataset: { state: m.state } },
    el("h3", {}, m.title),
    el("p", {}, m.benefit),
    el("p", { className: "state" }, stateText(t, m)),
    m.gpcApplies && m.state !== "granted" ? el("p", { className: "note" }, t("gpc")) : null,
    actions,
    notice(app, m),
  );
}

/** Renders the panel into `#choices`. */
export function renderConsent(app) {
  const modules = app.p.modules(app.locale);
  replace(
    document.getElementById("choices-body"),
    el("p", { className: "summary" }, ...rich(app.locale, app.t("choicesSummary"))),
    el("ul", { className: "modules", id: "modules" }, modules.map((m) => card(app, m))),
  );
}
