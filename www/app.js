// The demo: a small news site built on optin exactly as installed from npm. Everything the
// page shows comes from optin's API; the page sends nothing and loads nothing after start-up.
import { Personalizer, version, OptinError } from "./node_modules/optin/index.js";
import manifest from "./manifest.json" with { type: "json" };
import { newsCatalog } from "./catalog.js";
import { LOCALES, initialLocale, translator } from "./i18n.js";
import { el } from "./ui.js";
import { renderConsent } from "./consent.js";
import { renderPreview } from "./preview.js";
import { renderFeed } from "./feed.js";
import { renderYourData } from "./your-data.js";
import { renderReports } from "./reports.js";
import { renderFairness } from "./fairness.js";

const status = document.getElementById("status");
const live = document.getElementById("live");

const app = {
  manifest,
  stories: new Map(newsCatalog().map((s) => [s.id, s])),
  locale: initialLocale(),
  t: translator("en"),
  /** Stories opened in this page view (kept in memory only). */
  read: new Set(),
  openWhy: new Set(),
  openNotices: new Set(),
  openInterests: new Set(),
  /** Reports made in this page view, to show what they contain. */
  reports: new Map(),
  persona: undefined,
  announce(message) {
    live.textContent = message;
  },
  fail(error) {
    const t = app.t;
    status.textContent = error instanceof OptinError
      ? t("refused", { code: error.code, message: error.message })
      : t("failed", { error: String(error) });
    status.dataset.error = error?.code ?? "error";
  },
  render() {},
};

/** The page's fixed texts: elements marked `data-text="key"`. */
function renderChrome() {
  document.documentElement.lang = app.locale;
  for (const node of document.querySelectorAll("[data-text]")) node.textContent = app.t(node.dataset.text);
  document.getElementById("nav").setAttribute("aria-label", app.t("nav"));
}

function renderStatus() {
  const { p, t } = app;
  const health = p.health();
  const notes = [t("running", { version: version() })];
  if (p.storage === "memory") notes.push(t("memoryOnly"));
  if (!health.ok) notes.push(t("storageProblem", { problems: health.problems.join("; ") }));
  status.textContent = notes.join(" ");
  status.dataset.version = version();
}

function languageSwitch() {
  const select = document.getElementById("language");
  select.replaceChildren(...Object.entries(LOCALES).map(([code, name]) => el("option", { value: code, lang: code, selected: code === app.locale }, name)));
  select.addEventListener("change", () => {
    app.locale = select.value;
    app.t = translator(app.locale);
    app.render();
  });
}

try {
  app.t = translator(app.locale);
  renderChrome();
  app.p = await Personalizer.open(manifest, { locale: app.locale });
  app.p.setCatalog([...app.stories.values()].map(({ id, features, embedding, baseline, group }) => ({ id, features, embedding, baseline, group })));
  app.render = () => {
    renderChrome();
    renderStatus();
    renderConsent(app);
    renderPreview(app);
    renderFeed(app);
    renderYourData(app);
    renderReports(app);
    renderFairness(app);
  };
  app.p.onChange((change) => {
    if (change.type === "erased") {
      app.read.clear();
      app.reports.clear();
    }
    app.render();
  });
  languageSwitch();
  app.render();
  // The consent summary is on screen: that starts the time-to-decision metric (on device).
  await app.p.noticeViewed();
  document.body.dataset.ready = "true";
} catch (e) {
  app.fail(e);
}
