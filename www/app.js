// The demo: a small news site built on optin exactly as installed from npm. The consent
// banner and settings, the preview, "Why this?" and "Your data" are optin/ui's elements, as an
// app gets them; the page around them (the front page, the story reader, the anonymous
// feedback panel, the fairness audit) is the site's. The page sends nothing and loads
// nothing after start-up.
import { Personalizer, version, OptinError } from "./node_modules/optin/index.js";
import { addStrings } from "./node_modules/optin/ui.js";
import de from "./node_modules/optin/ui-de.js";
import manifest from "./manifest.json" with { type: "json" };
import { newsCatalog } from "./catalog.js";
import { LOCALES, ELEMENT_WORDS, initialLocale, translator, displayName } from "./i18n.js";
import { el } from "./ui.js";
import { renderFeed } from "./feed.js";
import { renderReports } from "./reports.js";
import { renderFairness } from "./fairness.js";

// The elements' German, then the few words this site says differently (its items are
// stories; its reports are shown, never sent).
addStrings("de", de);
for (const [locale, words] of Object.entries(ELEMENT_WORDS)) addStrings(locale, words);

const status = document.getElementById("status");
const live = document.getElementById("live");
const elements = () => document.querySelectorAll("optin-consent, optin-preview, optin-your-data, optin-why");

const app = {
  manifest,
  stories: new Map(newsCatalog().map((s) => [s.id, s])),
  locale: initialLocale(),
  t: translator("en"),
  /** The story open in the reader (kept in memory only). */
  reading: null,
  /** Reports made in this page view, to show what they contain. */
  reports: new Map(),
  /** The last announcement, as a key and its values, so it can be said again in another language. */
  said: null,
  announce(key, values = {}) {
    app.said = { key, values };
    sayAgain();
  },
  fail(error) {
    const t = app.t;
    status.textContent = error instanceof OptinError
      ? t("refused", { code: error.code, message: error.message })
      : t("failed", { error: String(error) });
    status.dataset.error = error?.code ?? "error";
  },
  /** Names for people, for the elements: "topic:science" → "Science", "n-001" → its title. */
  featureLabel: (feature, locale) => displayName(locale.split("-")[0], feature),
  itemLabel: (id, locale) => {
    const story = app.stories.get(id);
    return story ? story.title[locale.split("-")[0]] ?? story.title.en : id;
  },
  render() {},
};

/** The announcement in the current language (values that are functions get the locale). */
function sayAgain() {
  if (!app.said) return (live.textContent = "");
  const values = Object.fromEntries(Object.entries(app.said.values).map(([k, v]) => [k, typeof v === "function" ? v(app.locale) : v]));
  live.textContent = app.t(app.said.key, values);
  live.dataset.kind = app.said.key;
}

/** The page's fixed texts: elements marked `data-text="key"`. */
function renderChrome() {
  document.documentElement.lang = app.locale;
  for (const node of document.querySelectorAll("[data-text]")) node.textContent = app.t(node.dataset.text);
  document.getElementById("nav").setAttribute("aria-label", app.t("nav"));
  // The elements follow the page's language (they read the nearest lang; the attribute makes
  // them render again now).
  for (const element of elements()) element.setAttribute("locale", app.locale);
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
  for (const element of document.querySelectorAll("optin-consent, optin-preview, optin-your-data")) {
    element.featureLabel = app.featureLabel;
    element.itemLabel = app.itemLabel;
    element.personalizer = app.p;
  }
  document.getElementById("preview-element").samples = manifest.samples ?? [];
  app.render = () => {
    renderChrome();
    renderStatus();
    sayAgain();
    renderFeed(app);
    renderReports(app);
    renderFairness(app);
  };
  // The elements render again by themselves on every change; the site's parts do here.
  app.p.onChange((change) => {
    if (change.type === "erased") {
      app.reading = null;
      app.reports.clear();
    }
    app.render();
  });
  languageSwitch();
  app.render();
  document.body.dataset.ready = "true";
} catch (e) {
  app.fail(e);
}
