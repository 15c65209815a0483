// Small DOM helpers. Everything is built with DOM APIs and text nodes, never innerHTML, so
// no text (ours, the manifest's or a story title) can become markup.
import { GLOSSARY } from "./i18n.js";

/** `el("p", { className: "x" }, "text", child)`: an element with properties and children. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("aria-") || key === "role" || key === "for") node.setAttribute(key, value);
    else node[key] = value;
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** A button (`type=button`) that runs `action` on click. */
export function button(label, action, props = {}) {
  const node = el("button", { type: "button", className: "button", ...props }, label);
  node.addEventListener("click", action);
  return node;
}

let termCount = 0;

/** A glossary term: a focusable button whose definition appears on hover and focus. */
export function term(locale, key, text) {
  const definition = (GLOSSARY[locale] ?? GLOSSARY.en)[key];
  if (!definition) return document.createTextNode(text);
  const id = `term-${++termCount}`;
  return el(
    "span",
    { className: "term" },
    el("button", { type: "button", className: "term-word", "aria-describedby": id }, text),
    el("span", { className: "term-tip", role: "tooltip", id }, definition),
  );
}

/** Text with `[[key|words]]` glossary markers, as nodes. */
export function rich(locale, text) {
  const nodes = [];
  const pattern = /\[\[([\w-]+)\|([^\]]+)\]\]/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) nodes.push(text.slice(last, match.index));
    nodes.push(term(locale, match[1], match[2]));
    last = match.index + match[0].length;
  }
  if (last < text.length) nodes.push(text.slice(last));
  return nodes;
}

/**
 * Replaces the children of `container` with `nodes`, then puts keyboard focus back on the
 * element with the same `data-focus` key (or its `data-focus-next`), so re-rendering never
 * throws a keyboard user out.
 */
export function replace(container, ...nodes) {
  const active = document.activeElement;
  const inside = active && container.contains(active);
  // The element itself if it is still there, else the one it names as next (data-focus-next).
  const keys = inside ? [active.dataset.focus, active.dataset.focusNext].filter(Boolean) : [];
  container.replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined && n !== false));
  for (const key of keys) {
    const target = container.querySelector(`[data-focus="${CSS.escape(key)}"]`);
    if (target) {
      target.focus();
      break;
    }
  }
}
