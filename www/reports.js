// Anonymous feedback: what a differentially private report contains, shown before anything
// could be sent. With the sharing module on, a report can be made and inspected; the page
// never sends it anywhere.
import { el, button, rich, replace } from "./ui.js";
import { displayName } from "./i18n.js";

function text(locale, value, fallback) {
  if (!value) return fallback;
  return typeof value === "string" ? value : value[locale] ?? value.en ?? fallback;
}

/** The fields of a report for this metric, with what each one holds. */
function shape(metric) {
  if (metric.type === "boolean") return { metric: metric.id, epsilon: metric.epsilon, mechanism: "rr", bit: "true | false (randomized)" };
  if (metric.type === "categorical") {
    return metric.domain.length <= 256
      ? { metric: metric.id, epsilon: metric.epsilon, mechanism: "oue", ones: `[which of the ${metric.domain.length} randomized bits are 1]` }
      : { metric: metric.id, epsilon: metric.epsilon, mechanism: "olh", seed: "(random)", value: "(hash of the answer)" };
  }
  return { metric: metric.id, epsilon: metric.epsilon, mechanism: "duchi", value: `±(one of two numbers)` };
}

function mechanismText(t, metric) {
  const s = shape(metric);
  const p = Math.round((100 * Math.exp(metric.epsilon)) / (1 + Math.exp(metric.epsilon)));
  return t(`mechanism_${s.mechanism}`, { p });
}

function answerInput(app, metric) {
  const { t, locale } = app;
  const id = `answer-${metric.id}`;
  let input;
  if (metric.type === "boolean") {
    input = el("select", { id }, el("option", { value: "true" }, t("yes")), el("option", { value: "false" }, t("no")));
  } else if (metric.type === "categorical") {
    input = el("select", { id }, metric.domain.map((v) => el("option", { value: v }, displayName(locale, v))));
  } else {
    input = el("input", { id, type: "number", min: String(metric.min), max: String(metric.max), value: String(metric.min) });
  }
  const read = () => (metric.type === "boolean" ? input.value === "true" : metric.type === "numeric" ? Number(input.value) : input.value);
  return { field: el("label", { for: id }, t("yourAnswer"), " ", input), read };
}

function metricCard(app, metric, granted, exhausted) {
  const { t, locale } = app;
  const made = app.reports.get(metric.id);
  const parts = [
    el("h3", {}, text(locale, metric.label, metric.id)),
    el("p", {}, mechanismText(t, metric)),
    el("p", {}, t("reportShape"), ":"),
    el("pre", { className: "report-shape" }, JSON.stringify(shape(metric), null, 2)),
    el("p", { className: "note" }, t("reportHidden")),
  ];
  if (granted && !exhausted) {
    const answer = answerInput(app, metric);
    const make = async () => {
      const report = await app.p.privateReport(metric.id, answer.read());
      app.reports.set(metric.id, report);
      app.render();
    };
    parts.push(el("p", {}, answer.field, " ", button(t("makeReport"), () => make().catch(app.fail), { dataset: { focus: `report-${metric.id}` } })));
  }
  if (made) {
    parts.push(
      el("pre", { className: "report", id: `report-${metric.id}` }, JSON.stringify(made, null, 2)),
      el("p", { className: "note" }, t("reportMade")),
    );
  }
  return el("li", { className: "metric", dataset: { metric: metric.id } }, parts);
}

/** Renders `#reports-body`. */
export function renderReports(app) {
  const { p, t, locale, manifest } = app;
  const sharing = p.modules(locale).find((m) => m.shares);
  const metrics = manifest.metrics ?? [];
  if (!sharing || !metrics.length) {
    document.getElementById("reports").hidden = true;
    return;
  }
  const granted = sharing.state === "granted";
  const budget = p.privacyBudget();
  const exhausted = budget && budget.spent >= budget.limit - 1e-9;
  replace(
    document.getElementById("reports-body"),
    el("p", {}, ...rich(locale, t("reportsIntro", { module: sharing.title }))),
    granted ? null : el("p", { className: "note", id: "reports-off" }, t("reportsOff", { module: sharing.title })),
    budget
      ? el("p", { id: "budget" }, ...rich(locale, exhausted ? t("budgetOut") : t("budget", { spent: +budget.spent.toFixed(2), limit: budget.limit })))
      : null,
    el("ul", { className: "metrics" }, metrics.map((m) => metricCard(app, m, granted, exhausted))),
  );
}
