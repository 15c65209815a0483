// optin/ui: the types of the drop-in elements (hand-written; shipped as ui.d.ts).
import type { Personalizer, Ranked, SampleDecl, OptinChange, ConsentRecord, OptinError } from "./index.js";

/** A feature's name for people, e.g. `(f, locale) => names[locale][f]` ("topic:science" → "Science"). */
export type FeatureLabel = (feature: string, locale: string) => string | undefined;
/** An item's name for people, e.g. a story's title. */
export type ItemLabel = (item: string, locale: string) => string | undefined;

/** `optin-consent`: a grant or revoke made through an element. */
export interface OptinConsentDetail {
  module: string;
  state: "granted" | "notGranted";
  record: ConsentRecord;
  /** The data categories whose data the revocation erased. */
  erasedCategories: string[];
}

/** The events the elements dispatch (they bubble and cross shadow roots). */
export interface OptinUIEventMap {
  /** Any change of the Personalizer the element rendered again for (`onChange`'s change). */
  "optin-change": CustomEvent<OptinChange>;
  /** The user granted or revoked a module through the element. */
  "optin-consent": CustomEvent<OptinConsentDetail>;
  /** An operation failed; the element shows the error in place too. */
  "optin-error": CustomEvent<{ error: OptinError | Error }>;
  /** The banner closed: everything was decided, or the user chose "Decide later" or pressed Escape. */
  "optin-close": CustomEvent<{ reason: "decided" | "dismissed" }>;
}

/** What every optin element has. */
declare class OptinElement extends HTMLElement {
  /** The Personalizer to render from; the element re-renders on each of its changes. */
  personalizer: Personalizer | null;
  /** Attribute `locale`; default: the nearest `lang`, else `navigator.language`. */
  locale: string;
  /** Names of features ("topic:science") for people; default: the part after the last ":". */
  featureLabel: FeatureLabel | undefined;
  /** Names of items for people; default: the id. */
  itemLabel: ItemLabel | undefined;
  addEventListener<K extends keyof OptinUIEventMap>(type: K, listener: (this: this, ev: OptinUIEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener<K extends keyof HTMLElementEventMap>(type: K, listener: (this: this, ev: HTMLElementEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof OptinUIEventMap>(type: K, listener: (this: this, ev: OptinUIEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener<K extends keyof HTMLElementEventMap>(type: K, listener: (this: this, ev: HTMLElementEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

/**
 * `<optin-consent mode="banner|settings">`: the consent panel.
 *
 * @example
 * const panel = document.querySelector("optin-consent");
 * if (panel) {
 *   panel.personalizer = p;
 *   panel.addEventListener("optin-consent", (e) => console.log(e.detail.module, e.detail.state));
 * }
 */
export declare class OptinConsent extends OptinElement {
  /** Attribute `mode`: `"banner"` (first visit: opens while something is undecided) or `"settings"` (default). */
  mode: "banner" | "settings";
  /** Attribute `open`: whether the banner shows; set it to show the banner again. */
  open: boolean;
}

/**
 * `<optin-preview persona limit diversity>`: the sandbox preview of a sample person.
 *
 * @example
 * const preview = document.createElement("optin-preview");
 * preview.personalizer = p;
 * preview.samples = manifest.samples ?? [];
 */
export declare class OptinPreview extends OptinElement {
  /** The sample personas (the manifest's `samples`). */
  samples: Pick<SampleDecl, "id" | "label">[] | undefined;
}

/**
 * `<optin-why item="…">`: "Why this?" for one ranked item.
 *
 * @example
 * for (const r of p.rank(undefined, { limit: 10 })) {
 *   const why = document.createElement("optin-why");
 *   why.personalizer = p;
 *   why.ranked = r;
 * }
 */
export declare class OptinWhy extends OptinElement {
  /** Attribute `item`: the item's id (default: `ranked.id`). */
  item: string | null;
  /** The result `rank` gave for the item (else the element asks `rank` for it alone). */
  ranked: Ranked | undefined;
}

/**
 * `<optin-your-data filename="my-data.json">`: the user's data and the controls over it.
 *
 * @example
 * const data = document.createElement("optin-your-data");
 * data.personalizer = p;
 * data.featureLabel = (f) => f.replace("topic:", "");
 */
export declare class OptinYourData extends OptinElement {}

/**
 * Adds a language for the elements' own words, or overrides words of one; elements on the
 * page render again. Missing keys fall back to English (see the README for the keys).
 *
 * @example
 * addStrings("de", { turnOn: "Aktivieren" });
 * addStrings("ar", { turnOn: "تشغيل", noThanks: "لا، شكرًا" });
 */
export declare function addStrings(locale: string, strings: { [key: string]: string | { [plural: string]: string } }): void;
/** The languages the elements have words for (`["en", "de", "fr", "es"]` and those added). */
export declare function languages(): string[];
/** Defines the four elements (the import does it; defining again is harmless). */
export declare function define(): void;

declare global {
  interface HTMLElementTagNameMap {
    "optin-consent": OptinConsent;
    "optin-preview": OptinPreview;
    "optin-why": OptinWhy;
    "optin-your-data": OptinYourData;
  }
}
