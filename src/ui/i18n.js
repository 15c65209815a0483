// The elements' own words, per language. Texts about the app's modules, data and samples
// come from the manifest (through the Personalizer); these are the words around them.
// `{name}` is a value, `[[term:words]]` a glossary term (key "g:term"), and "one|other"
// two plural forms, picked by Intl.PluralRules on the value `n`. English is built in; the
// package ships German, French and Spanish as modules of their own (optin/ui/de, …), which
// the app adds with `addStrings`, so a page loads only the languages it offers.
import en from "./strings/en.js";

const tables = { en };
const listeners = new Set();

/**
 * Adds a language or overrides words of one (`addStrings("de", { turnOn: "Aktivieren" })`);
 * elements on the page render again in it. Missing keys fall back to English.
 */
export function addStrings(locale, strings) {
  const key = String(locale).toLowerCase();
  tables[key] = { ...tables[key], ...strings };
  for (const listener of listeners) listener();
}

/** The languages the elements have words for: English and those added. */
export const languages = () => Object.keys(tables);

/** Calls `listener` whenever words change; returns the unsubscriber. */
export function onStrings(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The locale as a valid BCP 47 tag ("en" if it is not one). */
export function canonical(locale) {
  try {
    return Intl.getCanonicalLocales(locale || "en")[0] ?? "en";
  } catch {
    return "en";
  }
}

/** The tables to look a key up in: the locale, its language, English. */
function chain(locale) {
  const tag = locale.toLowerCase();
  return [tables[tag], tables[tag.split("-")[0]], en].filter(Boolean);
}

/** The writing direction of a locale. */
export function direction(locale) {
  const set = chain(locale)[0].dir;
  if (set) return set;
  return /^(ar|he|fa|ur|ps|yi|dv|ckb|sd|ug)\b/i.test(locale) ? "rtl" : "ltr";
}

/** A translator for `locale`: `t("key", { n: 3, topic: "Science" })`. */
export function translator(locale) {
  const tables = chain(locale);
  const plural = new Intl.PluralRules(locale);
  const t = (key, values = {}) => {
    let text = key;
    for (const table of tables) {
      if (table[key] !== undefined) {
        text = table[key];
        break;
      }
    }
    const form = typeof values.n === "number" ? plural.select(values.n) : "other";
    if (typeof text === "object") text = text[form] ?? text.other ?? "";
    else if (text.includes("|")) text = text.split("|")[form === "one" ? 0 : 1];
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  };
  t.has = (key) => tables.some((table) => table[key] !== undefined);
  return t;
}
