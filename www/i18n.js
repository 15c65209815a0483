// The page's own words, in English and German. The modules' texts (titles, purposes,
// benefits, data categories, personas, questions) come from manifest.json through optin, and
// the elements' words from optin/ui (German: optin/ui/de); these are the page around them.
// `[[term|text]]` marks a glossary term (see GLOSSARY).

export const LOCALES = { en: "English", de: "Deutsch" };

const en = {
  tagline: "Stories ranked for you, on your device, only if you want.",
  language: "Language",
  nav: "Sections",
  loading: "Loading…",
  running: "optin {version} is running in this page. Nothing you do here leaves your browser.",
  refused: "optin refused to start: {code}: {message}",
  failed: "optin failed to load: {error}",
  storageProblem: "Some saved data could not be read, so it is not used: {problems}",
  memoryOnly: "This browser cannot keep data, so nothing is saved after you leave.",
  choicesTitle: "Your privacy choices",
  previewTitle: "Try it first",
  dataTitle: "Your data",
  footer: "Daily Optin News is a demo of",
  footerEnd: ": synthetic stories, no tracking, no server.",
  // Front page
  feedTitle: "Front page",
  feedBaseline: "This is the editors' order, the same for everyone ([[baseline|baseline]]). Turn on a module under “Your privacy choices” to personalize it.",
  feedPersonalized: "Personalized on this device by: {modules}.",
  moreStories: "More stories",
  storyBody: "The {topic} desk on {about}: what happened, what it means and what comes next.",
  storySynthetic: "A synthetic story written for this demo: there is no more to read.",
  like: "Like",
  dislike: "Show less like this",
  close: "Back to the front page",
  stored: "Saved on this device: {what}.",
  notStored: "Not saved: no module you turned on uses this, so “{title}” was not kept.",
  whatRead: "you read “{title}”",
  whatLiked: "you liked “{title}”",
  whatDisliked: "you want less like “{title}”",
  // Reports
  reportsTitle: "Anonymous feedback",
  reportsIntro:
    "If you turn on “{module}”, the site may ask the questions below. Your answer is randomized on your device first ([[differential-privacy|differential privacy]]), so a single report says almost nothing about you; only many together show a trend. This is exactly what a report contains. A news site would collect the reports; this demo only shows them to you and sends nothing.",
  reportsOff: "Turn on “{module}” under “Your privacy choices” to make a report.",
  reportShape: "A report contains",
  reportHidden: "Never in a report: your true answer.",
  yourAnswer: "Your answer",
  yes: "Yes",
  no: "No",
  makeReport: "Make a report (nothing is sent)",
  reportMade: "This report was made on your device and is shown only here. Nothing was sent.",
  budget: "[[privacy-budget|Privacy budget]] used this week: {spent} of {limit}.",
  budgetOut: "The privacy budget for this week is used up.",
  mechanism_rr: "A coin-flip answer: with probability {p}% it is your true yes or no, otherwise the opposite.",
  mechanism_oue: "One bit per possible answer, each flipped at random.",
  mechanism_olh: "A random hash of your answer.",
  mechanism_duchi: "One of two numbers, chosen at random so that only the average over many people is meaningful.",
  // For developers: the fairness audit
  developersTitle: "For developers: fairness of the front page",
  fairnessIntro: "The exposure audit (audit()): how much attention each source gets in the top 10 for the sample readers, in the editors' order and personalized, compared with its share of the stories.",
  source: "Source",
  catalogShare: "Share of stories",
  baselineShare: "Editors' order",
  personalizedShare: "Personalized",
  fairOk: "No source gets less than half its share.",
  fairFlag: "Less than half its share: {list}",
};

const de = {
  tagline: "Artikel für Sie sortiert, auf Ihrem Gerät, nur wenn Sie es wollen.",
  language: "Sprache",
  nav: "Bereiche",
  loading: "Wird geladen…",
  running: "optin {version} läuft in dieser Seite. Nichts, was Sie hier tun, verlässt Ihren Browser.",
  refused: "optin wurde nicht gestartet: {code}: {message}",
  failed: "optin konnte nicht geladen werden: {error}",
  storageProblem: "Einige gespeicherte Daten waren nicht lesbar und werden nicht genutzt: {problems}",
  memoryOnly: "Dieser Browser kann keine Daten behalten; nach dem Verlassen ist nichts gespeichert.",
  choicesTitle: "Ihre Datenschutz-Einstellungen",
  previewTitle: "Erst ausprobieren",
  dataTitle: "Ihre Daten",
  footer: "Daily Optin News ist eine Demo von",
  footerEnd: ": erfundene Artikel, kein Tracking, kein Server.",
  feedTitle: "Titelseite",
  feedBaseline: "Dies ist die Reihenfolge der Redaktion, für alle gleich ([[baseline|Grundreihenfolge]]). Schalten Sie unter „Ihre Datenschutz-Einstellungen“ ein Modul ein, um sie zu personalisieren.",
  feedPersonalized: "Auf diesem Gerät personalisiert durch: {modules}.",
  moreStories: "Weitere Artikel",
  storyBody: "Das Ressort {topic} über {about}: was geschah, was es bedeutet und wie es weitergeht.",
  storySynthetic: "Ein erfundener Artikel für diese Demo: Mehr gibt es nicht zu lesen.",
  like: "Gefällt mir",
  dislike: "Weniger davon",
  close: "Zurück zur Titelseite",
  stored: "Auf diesem Gerät gespeichert: {what}.",
  notStored: "Nicht gespeichert: Kein eingeschaltetes Modul nutzt das, „{title}“ wurde also nicht behalten.",
  whatRead: "Sie haben „{title}“ gelesen",
  whatLiked: "Ihnen gefällt „{title}“",
  whatDisliked: "Sie möchten weniger wie „{title}“",
  reportsTitle: "Anonymes Feedback",
  reportsIntro:
    "Wenn Sie „{module}“ einschalten, kann die Website die folgenden Fragen stellen. Ihre Antwort wird zuerst auf Ihrem Gerät zufällig verändert ([[differential-privacy|Differential Privacy]]), sodass ein einzelner Bericht fast nichts über Sie verrät; erst viele zusammen zeigen einen Trend. Genau das enthält ein Bericht. Eine Nachrichtenseite würde die Berichte abrufen; diese Demo zeigt sie nur Ihnen und sendet nichts.",
  reportsOff: "Schalten Sie unter „Ihre Datenschutz-Einstellungen“ „{module}“ ein, um einen Bericht zu erstellen.",
  reportShape: "Ein Bericht enthält",
  reportHidden: "Nie in einem Bericht: Ihre wahre Antwort.",
  yourAnswer: "Ihre Antwort",
  yes: "Ja",
  no: "Nein",
  makeReport: "Bericht erstellen (nichts wird gesendet)",
  reportMade: "Dieser Bericht wurde auf Ihrem Gerät erstellt und wird nur hier angezeigt. Nichts wurde gesendet.",
  budget: "Diese Woche verbrauchtes [[privacy-budget|Privatsphäre-Budget]]: {spent} von {limit}.",
  budgetOut: "Das Privatsphäre-Budget dieser Woche ist verbraucht.",
  mechanism_rr: "Eine Münzwurf-Antwort: Mit Wahrscheinlichkeit {p} % ist es Ihr wahres Ja oder Nein, sonst das Gegenteil.",
  mechanism_oue: "Ein Bit pro möglicher Antwort, jedes zufällig gekippt.",
  mechanism_olh: "Ein zufälliger Hash Ihrer Antwort.",
  mechanism_duchi: "Eine von zwei Zahlen, zufällig gewählt, sodass nur der Durchschnitt vieler Menschen etwas aussagt.",
  developersTitle: "Für Entwickler: Fairness der Titelseite",
  fairnessIntro: "Die Prüfung der Sichtbarkeit (audit()): wie viel Aufmerksamkeit jede Quelle in den Top 10 für die Beispielleser bekommt, in der Reihenfolge der Redaktion und personalisiert, verglichen mit ihrem Anteil an den Artikeln.",
  source: "Quelle",
  catalogShare: "Anteil der Artikel",
  baselineShare: "Redaktion",
  personalizedShare: "Personalisiert",
  fairOk: "Keine Quelle bekommt weniger als die Hälfte ihres Anteils.",
  fairFlag: "Weniger als die Hälfte ihres Anteils: {list}",
};

/**
 * Words of optin/ui's elements that this site says its own way (addStrings overrides them):
 * its items are stories, and its anonymous reports are made and shown on the device, never
 * sent (the elements' default says a site may collect them).
 */
export const ELEMENT_WORDS = {
  en: {
    items: "{n} story|{n} stories",
    summaryShares: "Only a module marked “shares”, if you turn it on, makes anonymous reports, on this device. A news site would collect them; this demo only shows them to you and sends nothing.",
    whoShares: "Reports made and randomized on this device ([[differential-privacy:differential privacy]]); what you read is never in them. A news site would collect them; this demo only shows them under “Anonymous feedback” and sends nothing.",
  },
  de: {
    items: "{n} Artikel|{n} Artikel",
    summaryShares: "Nur ein Modul mit „teilt“ erstellt, wenn Sie es einschalten, anonyme Berichte, auf diesem Gerät. Eine Nachrichtenseite würde sie abrufen; diese Demo zeigt sie nur Ihnen und sendet nichts.",
    whoShares: "Berichte, auf diesem Gerät erstellt und zufällig verändert ([[differential-privacy:Differential Privacy]]); was Sie lesen, steht nie darin. Eine Nachrichtenseite würde sie abrufen; diese Demo zeigt sie nur unter „Anonymes Feedback“ und sendet nichts.",
  },
};

/** Short definitions of the site's own glossary terms, shown as tooltips (the elements bring theirs). */
export const GLOSSARY = {
  en: {
    baseline: "The order the editors chose, by importance and popularity: the same for everyone.",
    "differential-privacy": "A mathematical guarantee: random noise is added so that no single answer can be pinned on you.",
    "privacy-budget": "A limit on how much, in total, anonymous reports may reveal in a week.",
  },
  de: {
    baseline: "Die Reihenfolge der Redaktion, nach Bedeutung und Beliebtheit: für alle gleich.",
    "differential-privacy": "Eine mathematische Garantie: Zufallsrauschen sorgt dafür, dass keine einzelne Antwort auf Sie zurückgeführt werden kann.",
    "privacy-budget": "Eine Grenze dafür, wie viel anonyme Berichte in einer Woche insgesamt verraten dürfen.",
  },
};

/** Names of topics and sources, which are features and groups in the catalog. */
export const NAMES = {
  en: {
    science: "Science", space: "Space", sports: "Sports", culture: "Culture", world: "World", health: "Health",
    wire: "News agency", local: "Local desk", magazine: "Magazine",
  },
  de: {
    science: "Wissenschaft", space: "Raumfahrt", sports: "Sport", culture: "Kultur", world: "Welt", health: "Gesundheit",
    wire: "Nachrichtenagentur", local: "Lokalredaktion", magazine: "Magazin",
  },
};

const STRINGS = { en, de };

/** The locale to start in: the browser's language if we have it, else English. */
export function initialLocale(languages = navigator.languages ?? []) {
  for (const tag of languages) {
    const base = tag.toLowerCase().split("-")[0];
    if (base in STRINGS) return base;
  }
  return "en";
}

/** A translator for `locale`: `t("key", { name: value })`. */
export function translator(locale) {
  const table = STRINGS[locale] ?? en;
  return (key, values = {}) => {
    const text = table[key] ?? en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  };
}

/** The display name of a feature ("topic:science") or group ("wire") in `locale`. */
export function displayName(locale, name) {
  const key = name.includes(":") ? name.slice(name.indexOf(":") + 1) : name;
  return (NAMES[locale] ?? NAMES.en)[key] ?? key;
}
