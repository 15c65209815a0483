// Functions that run inside the page (their source is sent with each call, so nothing is
// installed in the page). `find` resolves a target the way the tests name elements: a CSS
// selector, optionally narrowed to an ARIA role and accessible name, to elements containing a
// text, and to the nth match. One finder for every engine, so a test finds the same element
// in Chromium, Firefox and WebKit.

/**
 * The elements matching `spec` ({ css, role, name, exact, hasText, index, strict }), in
 * document order; with `strict`, more than one match is an error (as a Playwright locator).
 */
export function find(spec) {
  const clean = (s) => (s ?? "").replace(/\s+/g, " ").trim();
  const visible = (el) => {
    if (!el.isConnected || el.getClientRects().length === 0) return false;
    return getComputedStyle(el).visibility !== "hidden";
  };
  // The roles the tests ask for, by the elements that have them implicitly.
  const implicit = {
    button: "button, input[type=button], input[type=submit], input[type=reset]",
    link: "a[href]",
    checkbox: "input[type=checkbox]",
    radio: "input[type=radio]",
    combobox: "select",
    textbox: "input:not([type]), input[type=text], input[type=search], input[type=email], textarea",
    heading: "h1, h2, h3, h4, h5, h6",
    listitem: "li",
    region: "section[aria-label], section[aria-labelledby]",
  };
  const hasRole = (el, role) => {
    const explicit = el.getAttribute("role");
    if (explicit) return explicit.split(/\s+/).includes(role);
    return implicit[role] ? el.matches(implicit[role]) : false;
  };
  // Accessible name, for the elements the tests name: aria-labelledby, aria-label, a label,
  // the text, the title (a subset of the accname algorithm, in its order).
  const accessibleName = (el) => {
    const by = el.getAttribute("aria-labelledby");
    if (by) return clean(by.split(/\s+/).map((id) => document.getElementById(id)?.textContent).join(" "));
    const label = el.getAttribute("aria-label");
    if (label && clean(label)) return clean(label);
    if (el.labels && el.labels.length) return clean([...el.labels].map((l) => l.textContent).join(" "));
    const text = clean(el.textContent);
    return text || clean(el.getAttribute("title"));
  };
  const inAriaHidden = (el) => el.closest("[aria-hidden=true]") !== null;
  const nameMatches = (actual, wanted, exact) =>
    exact ? actual === clean(wanted) : actual.toLowerCase().includes(clean(wanted).toLowerCase());

  let found = [...document.querySelectorAll(spec.css ?? "*")];
  if (spec.role) {
    found = found.filter((el) => hasRole(el, spec.role) && visible(el) && !inAriaHidden(el));
    if (spec.name !== undefined) found = found.filter((el) => nameMatches(accessibleName(el), spec.name, spec.exact));
  }
  if (spec.hasText !== undefined) {
    found = found.filter((el) => clean(el.textContent).toLowerCase().includes(clean(spec.hasText).toLowerCase()));
  }
  if (spec.index !== undefined) {
    const at = spec.index < 0 ? found.length + spec.index : spec.index;
    return found[at] ? [found[at]] : [];
  }
  if (spec.strict && found.length > 1) {
    throw new Error(`strict mode violation: ${spec.describe} matches ${found.length} elements`);
  }
  return found;
}

/** Whether `el` is visible as Playwright defines it: a box, and not visibility: hidden. */
export function isVisible(el) {
  if (!el || !el.isConnected || el.getClientRects().length === 0) return false;
  return getComputedStyle(el).visibility !== "hidden";
}

/** Selects the option of `select` whose value (or else label) is `wanted`, as a user would. */
export function selectOption(select, wanted) {
  if (!(select instanceof HTMLSelectElement)) throw new Error("selectOption: not a <select>");
  const option =
    [...select.options].find((o) => o.value === wanted) ?? [...select.options].find((o) => o.label === wanted);
  if (!option) throw new Error(`selectOption: no option ${JSON.stringify(wanted)}`);
  select.focus();
  select.value = option.value;
  select.dispatchEvent(new Event("input", { bubbles: true }));
  select.dispatchEvent(new Event("change", { bubbles: true }));
  return option.value;
}

/** Replaces the value of an input or textarea and fires input and change, as Playwright's fill. */
export function fill(el, text) {
  if (!("value" in el)) throw new Error("fill: not an input");
  el.focus();
  el.value = text;
  el.dispatchEvent(new Event("input", { bubbles: true }));
  el.dispatchEvent(new Event("change", { bubbles: true }));
}

/**
 * Captures the next file a page saves through `<a download>` (a Blob made with
 * URL.createObjectURL and clicked), without saving it: for engines whose driver protocol has
 * no download events. Resolves in the page to { name, text } once the link is clicked.
 */
export function captureDownload() {
  const blobs = new Map();
  const createObjectURL = URL.createObjectURL;
  const click = HTMLAnchorElement.prototype.click;
  window.__optinDownload = new Promise((resolve, reject) => {
    const restore = () => {
      URL.createObjectURL = createObjectURL;
      HTMLAnchorElement.prototype.click = click;
    };
    URL.createObjectURL = function (object) {
      const url = createObjectURL.call(URL, object);
      blobs.set(url, object);
      return url;
    };
    HTMLAnchorElement.prototype.click = function () {
      if (!this.hasAttribute("download")) return click.call(this);
      restore();
      const blob = blobs.get(this.href);
      if (!blob) return reject(new Error(`download of ${this.href}, not a Blob URL`));
      blob.text().then((text) => resolve({ name: this.getAttribute("download"), text }), reject);
    };
  });
}
