// What every optin element shares: the Shadow DOM with the adopted stylesheet, the
// Personalizer it renders from (and re-renders on every change of), the locale, focus kept
// across re-renders, disclosures that Escape closes, errors shown in place, events.
import { h, flat } from "./dom.js";
import { translator, canonical, direction, onStrings } from "./i18n.js";
import css from "./style.js";

let sheet;

/** The stylesheet, constructed once and adopted by every shadow root (CSP-proof: no <style>). */
function adopt(root) {
  if ("adoptedStyleSheets" in root) {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
    }
    root.adoptedStyleSheets = [sheet];
  } else {
    // Engines without constructable stylesheets; a strict style-src blocks this one.
    root.append(h("style", {}, css));
  }
}

/** Defines properties that render again when set. */
export function reactive(cls, ...names) {
  for (const name of names) {
    Object.defineProperty(cls.prototype, name, {
      get() {
        return this.values?.[name];
      },
      set(value) {
        (this.values ??= {})[name] = value;
        if (this.isConnected) this.render();
      },
      configurable: true,
    });
  }
}

// Importing the module where there is no DOM (server-side rendering) defines nothing and
// throws nothing.
const Base = globalThis.HTMLElement ?? class {};

export class OptinElement extends Base {
  /** Attributes that re-render; subclasses add theirs. */
  static attrs = [];
  /** Properties an app may set before the element is defined (upgraded on connect). */
  static props = ["personalizer", "featureLabel", "itemLabel"];

  static get observedAttributes() {
    return ["locale", "heading-level", ...this.attrs];
  }

  #p = null;
  #off = null;
  #offStrings = null;
  #focus = null;
  #busy = false;

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    adopt(root);
    /** Disclosures that are open, by key. */
    this.opened = new Set();
    /** The last consent change per module, as onChange reported it. */
    this.changes = new Map();
    this.alert = h("p", { class: "error", role: "alert", part: "error", hidden: true });
    this.body = h("div", { class: "root", part: "root", tabindex: "-1" });
    this.live = h("p", { class: "sr", "aria-live": "polite" });
    root.append(this.alert, this.body, this.live);
    root.addEventListener("keydown", (e) => e.key === "Escape" && this.#escape(e));
  }

  /** The Personalizer to render from (the elements use only its public API). */
  get personalizer() {
    return this.#p;
  }
  set personalizer(p) {
    if (p === this.#p) return;
    this.#unsubscribe();
    this.#p = p ?? null;
    if (this.isConnected) {
      this.#subscribe();
      this.render();
    }
  }

  /** The locale: the `locale` attribute, else the nearest `lang`, else the browser's. */
  get locale() {
    return canonical(this.getAttribute("locale") || this.closest("[lang]")?.lang || navigator.language);
  }
  set locale(value) {
    this.setAttribute("locale", value);
  }

  connectedCallback() {
    for (const prop of this.constructor.props) {
      if (Object.prototype.hasOwnProperty.call(this, prop)) {
        const value = this[prop];
        delete this[prop];
        this[prop] = value;
      }
    }
    this.#offStrings ??= onStrings(() => this.render());
    this.#subscribe();
    this.render();
  }

  disconnectedCallback() {
    this.#unsubscribe();
    this.#offStrings?.();
    this.#offStrings = null;
  }

  attributeChangedCallback(name, old, value) {
    if (old !== value && !this.#busy && this.isConnected) this.render();
  }

  #subscribe() {
    if (!this.#p || this.#off) return;
    try {
      this.#off = this.#p.onChange((change) => {
        if (!this.isConnected) return;
        if (change.type === "consent") this.changes.set(change.module, change);
        this.render();
        this.emit("optin-change", change);
      });
    } catch (e) {
      this.fail(e);
    }
  }

  #unsubscribe() {
    this.#off?.();
    this.#off = null;
  }

  /** Builds the content again; focus stays on the control with the same `data-focus` key. */
  render() {
    if (!this.isConnected || this.#busy) return;
    this.#busy = true;
    try {
      const locale = this.locale;
      const t = (this.t = translator(locale));
      this.ids = { next: 0 };
      const active = this.shadowRoot.activeElement;
      const keys = this.#focus ?? (active ? [active.dataset.focus, active.dataset.focusNext] : []);
      this.#focus = null;
      this.body.lang = locale;
      if (this.hasAttribute("dir")) this.body.removeAttribute("dir");
      else this.body.dir = direction(locale);
      let content;
      try {
        content = this.#p ? this.build(this.#p, t, locale) : null;
      } catch (e) {
        content = null;
        this.fail(e);
      }
      this.body.replaceChildren(...flat([content]));
      if (active || keys.length) this.#refocus(keys, active);
    } finally {
      this.#busy = false;
    }
  }

  #refocus(keys, active) {
    for (const key of keys) {
      const target = key && this.shadowRoot.querySelector(`[data-focus="${CSS.escape(key)}"]`);
      if (target) return target.focus();
    }
    // The control is gone (say, the last entry was deleted): keep focus inside the element.
    if (active && !this.shadowRoot.activeElement && this.body.isConnected) this.body.focus();
  }

  /** Puts focus on the control with key `key` after the next render. */
  focusNext(...keys) {
    this.#focus = keys;
  }

  /** The heading level of the element's headings (`heading-level`, 1 to 6, default 3). */
  heading(text, attrs = {}, up = 0) {
    const level = Math.min(6, Math.max(1, Number(this.getAttribute("heading-level")) || 3) + up);
    return h(`h${level}`, { part: "heading", ...attrs }, text);
  }

  /** An event handler that runs `action` and shows its error in place instead of throwing. */
  act(action) {
    return async (event) => {
      this.alert.hidden = true;
      try {
        await action(event);
      } catch (e) {
        this.fail(e);
      }
    };
  }

  /** Shows an error (an OptinError's code and message) and dispatches `optin-error`. */
  fail(error) {
    this.alert.textContent = (this.t ?? translator("en"))("error", { code: error?.code ?? "error", message: error?.message ?? String(error) });
    this.alert.hidden = false;
    this.emit("optin-error", { error });
  }

  /** Says `message` to screen readers (a polite live region). */
  announce(message) {
    this.live.textContent = message;
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /**
   * A disclosure: a button with aria-expanded and the panel it opens (built only when open).
   * `onOpen` runs when the user opens it.
   */
  disclosure(key, label, content, { onOpen, attrs } = {}) {
    const open = this.opened.has(key);
    const id = `panel-${this.ids.next++}`;
    const toggle = () => {
      if (!this.opened.delete(key)) {
        this.opened.add(key);
        onOpen?.();
      }
      this.focusNext(key);
      this.render();
    };
    return [
      h("button", { type: "button", class: "disclose", part: "disclosure", "aria-expanded": String(open), "aria-controls": id, "data-focus": key, onclick: toggle, ...attrs }, label),
      open ? h("div", { id, class: "panel", part: "panel", "data-panel": key }, content()) : h("div", { id, hidden: true }),
    ];
  }

  /** Escape hides a glossary tip, else closes the disclosure around focus, else `escape()`. */
  #escape(event) {
    const path = event.composedPath();
    const term = path.find((n) => n.classList?.contains("term"));
    let handled = false;
    if (term && !term.classList.contains("quiet")) {
      term.classList.add("quiet");
      term.classList.remove("show");
      handled = true;
    } else {
      const panel = path.find((n) => n.dataset?.panel);
      const key = panel?.dataset.panel ?? (path[0].getAttribute?.("aria-expanded") === "true" ? path[0].dataset.focus : null);
      if (key) {
        this.opened.delete(key);
        this.focusNext(key);
        this.render();
        handled = true;
      } else handled = this.escape?.() === true;
    }
    if (handled) {
      event.stopPropagation();
      event.preventDefault();
    }
  }

  /** A feature's name for people: the app's `featureLabel`, else the part after the last ":". */
  featureName(feature) {
    return this.featureLabel?.(feature, this.locale) ?? feature.slice(feature.lastIndexOf(":") + 1);
  }

  /** An item's name for people: the app's `itemLabel`, else its id. */
  itemName(id) {
    return this.itemLabel?.(id, this.locale) ?? id;
  }
}

reactive(OptinElement, "featureLabel", "itemLabel");
