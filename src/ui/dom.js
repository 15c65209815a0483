// DOM helpers of the elements. Every node is made with DOM calls and text nodes, never
// innerHTML, and no style attribute is ever set: no text (ours, the manifest's or the app's)
// can become markup, and a Content-Security-Policy without 'unsafe-inline' holds.

/**
 * `h("p", { class: "x", part: "y", onclick: f }, "text", child)`: attributes are set as
 * strings (true: present, false/null/undefined: absent), functions of `on…` keys listen.
 */
export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value == null || value === false) continue;
    if (typeof value === "function") node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...flat(children));
  return node;
}

/** Children without the null, undefined and false that conditional parts leave. */
export const flat = (children) => children.flat(9).filter((c) => c != null && c !== false);

/** A button (`type=button`, part "button" plus `part`). */
export function button(label, onclick, attrs = {}) {
  return h("button", { type: "button", ...attrs, class: `btn ${attrs.class ?? ""}`.trim(), part: `button ${attrs.part ?? ""}`.trim(), onclick }, label);
}

/**
 * Text with `[[term:words]]` glossary markers as nodes: each term is a button whose
 * definition (`t("g:term")`) shows on hover and on focus, and is its description.
 */
export function rich(t, text, ids) {
  const nodes = [];
  let last = 0;
  for (const m of text.matchAll(/\[\[([\w-]+):([^\]]+)\]\]/g)) {
    nodes.push(text.slice(last, m.index));
    last = m.index + m[0].length;
    const key = `g:${m[1]}`;
    if (!t.has(key)) {
      nodes.push(m[2]);
      continue;
    }
    const id = `tip-${ids.next++}`;
    const term = h(
      "span",
      { class: "term", part: "term" },
      h("button", { type: "button", class: "term-word", "aria-describedby": id, onclick: () => term.classList.toggle("show") }, m[2]),
      h("span", { class: "tip", role: "tooltip", id, part: "tip" }, t(key)),
    );
    term.addEventListener("mouseleave", () => term.classList.remove("quiet", "show"));
    term.addEventListener("focusout", () => term.classList.remove("quiet", "show"));
    nodes.push(term);
  }
  nodes.push(text.slice(last));
  return nodes.filter((n) => n !== "");
}

/** A date (and time) in `locale`. */
export function date(locale, time, withTime) {
  return new Intl.DateTimeFormat(locale, withTime ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" }).format(new Date(time));
}

/** A list in words: "A, B and C", in `locale`. */
export function list(locale, items) {
  return new Intl.ListFormat(locale, { type: "conjunction" }).format(items);
}

/** A localized text of the manifest (`"x"` or `{ en: "x", de: "y" }`) in `locale`. */
export function localized(text, locale) {
  if (text == null || typeof text === "string") return text ?? "";
  const base = locale.split("-")[0];
  return text[locale] ?? text[base] ?? text.en ?? Object.values(text)[0] ?? "";
}
