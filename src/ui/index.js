// optin/ui: the consent panel, the sandbox preview, "Why this?" and the user's data as
// standard custom elements. It imports nothing of the main bundle: the app opens a
// Personalizer with `optin` and hands it to the elements (`el.personalizer = p`).
import { OptinConsent } from "./consent.js";
import { OptinPreview } from "./preview.js";
import { OptinWhy } from "./why.js";
import { OptinYourData } from "./your-data.js";

export { addStrings, languages } from "./i18n.js";
export { OptinConsent, OptinPreview, OptinWhy, OptinYourData };

const elements = { "optin-consent": OptinConsent, "optin-preview": OptinPreview, "optin-why": OptinWhy, "optin-your-data": OptinYourData };

/** Defines the elements (importing the module does this already; defining twice is harmless). */
export function define() {
  for (const [name, element] of Object.entries(elements)) {
    if (!customElements.get(name)) customElements.define(name, element);
  }
}

if (typeof customElements !== "undefined") define();
