// One page interface over every engine: the subset of Playwright's Page and Locator that the
// browser tests use, with Playwright's names and meanings, so a test reads the same in every
// engine. Finding, reading and waiting run in the page through the same functions everywhere
// (in_page.mjs); only what needs the browser itself (navigation, real clicks and keys, the
// viewport, screenshots, downloads, errors, requests) goes to the engine's backend.
import { find, isVisible, selectOption, fill } from "./in_page.mjs";
import { until } from "./processes.mjs";

export const TIMEOUT = 20_000;

const literal = (value) => (value === undefined ? "undefined" : JSON.stringify(value));
// Errors that mean "the element went away or was covered while we acted": try again.
const TRANSIENT = /stale element|not attached|detached|intercepted|not interactable|Node is either not visible/i;

export class Page {
  constructor(backend) {
    this.backend = backend;
    this.engine = backend.engine;
    this.version = backend.version;
    /** The engine and its installed version ("Firefox 153.8.0esr"), and how it is driven. */
    this.label = backend.label;
    this.via = backend.via;
    /** Every request the page made, in order: { url, method, body } (body null if none). */
    this.requests = backend.requests;
    this.errorLog = [];
    this.keyboard = { press: (key) => backend.press(key), type: (text) => backend.type(text) };
  }

  /** Console errors, page errors and failed loads so far (all of them, kept across reloads). */
  async errors() {
    this.errorLog.push(...(await this.backend.errors()));
    return [...this.errorLog];
  }

  goto(url) {
    return this.backend.goto(url);
  }

  /**
   * A second tab of the same browser and profile on `url` (another tab of the site, sharing
   * its storage): `evaluate(fn, arg)` runs there as on this page; `close()` closes it.
   */
  async openTab(url) {
    const tab = await this.backend.openTab(url);
    const json = async (body) => JSON.parse(await tab.evaluate(`Promise.resolve(${body}).then((v) => JSON.stringify({ v }))`)).v;
    return {
      evaluate: (fn, arg) => json(typeof fn === "function" ? `(${fn})(${literal(arg)})` : fn),
      waitForFunction: (fn, arg, { timeout = TIMEOUT } = {}) =>
        until(() => json(typeof fn === "function" ? `(${fn})(${literal(arg)})` : fn), { timeout, what: `(second tab) ${String(fn).slice(0, 120)}` }),
      close: () => tab.close(),
    };
  }

  reload() {
    return this.backend.reload();
  }

  /** Evaluates `fn(arg)` in the page (or a string as an expression); the result as JSON. */
  async evaluate(fn, arg) {
    const body = typeof fn === "function" ? `(${fn})(${literal(arg)})` : fn;
    return this.#json(body);
  }

  /** Runs a script's source in the page (as a <script> would, without one: CSP allows it). */
  async addScript(source) {
    await this.#json(`(() => {\n${source}\n})()`);
  }

  async #json(body) {
    const text = await this.backend.evaluate(`Promise.resolve(${body}).then((v) => JSON.stringify({ v }))`);
    return JSON.parse(text).v;
  }

  async waitForFunction(fn, arg, { timeout = TIMEOUT } = {}) {
    return until(() => this.evaluate(fn, arg), { timeout, what: `waitForFunction ${String(fn).slice(0, 120)}` });
  }

  /** Waits until `selector` is "visible" (default), "attached", "detached" or "hidden". */
  async waitForSelector(selector, { state = "visible", timeout = TIMEOUT } = {}) {
    await this.locator(selector).first().waitFor({ state, timeout });
  }

  locator(css, { hasText } = {}) {
    return new Locator(this, { css, hasText, describe: `locator(${literal(css)}${hasText ? `, hasText ${literal(hasText)}` : ""})` });
  }

  getByRole(role, { name, exact } = {}) {
    return new Locator(this, { role, name, exact, describe: `getByRole(${literal(role)}, ${literal({ name, exact })})` });
  }

  click(selector) {
    return this.locator(selector).first().click();
  }
  getAttribute(selector, name) {
    return this.locator(selector).first().getAttribute(name);
  }
  textContent(selector) {
    return this.locator(selector).first().textContent();
  }
  innerText(selector) {
    return this.locator(selector).first().innerText();
  }
  selectOption(selector, value) {
    return this.locator(selector).first().selectOption(value);
  }
  focus(selector) {
    return this.locator(selector).first().focus();
  }
  fill(selector, text) {
    return this.locator(selector).first().fill(text);
  }
  isVisible(selector) {
    return this.locator(selector).first().isVisible();
  }

  /** `fn(elements, arg)` over every element matching `selector` (none: an empty list). */
  $$eval(selector, fn, arg) {
    return this.#json(`(${fn})([...document.querySelectorAll(${literal(selector)})], ${literal(arg)})`);
  }

  setViewportSize({ width, height }) {
    return this.backend.setViewport(width, height);
  }

  screenshot({ path }) {
    return this.backend.screenshot(path);
  }

  /** Clicks `selector`, which makes the page save a file; resolves to { name, text }. */
  download(selector) {
    return this.locator(selector).first().download();
  }

  close() {
    return this.backend.close();
  }

  /** @internal Runs `fn(element, arg)` once one element matches (and is visible, if asked). */
  async withElement(spec, fn, arg, { visible = false, timeout = TIMEOUT } = {}) {
    const body = `(async () => {
      const [el] = (${find})(${literal(spec)});
      if (!el || (${visible} && !(${isVisible})(el))) return { missing: true };
      return { value: await (${fn})(el, ${literal(arg)}) };
    })()`;
    const result = await until(async () => {
      const r = await this.#json(body);
      return r.missing ? false : r;
    }, { timeout, what: `${spec.describe}${visible ? " to be visible" : ""}` });
    return result.value;
  }

  /** @internal Does `action(handle)` with the engine's handle of a visible, enabled element. */
  async withHandle(spec, action, { timeout = TIMEOUT } = {}) {
    const expression = `(() => {
      const [el] = (${find})(${literal(spec)});
      return el && (${isVisible})(el) && !el.disabled ? el : null;
    })()`;
    const deadline = Date.now() + timeout;
    for (;;) {
      const handle = await until(() => this.backend.handle(expression), {
        timeout: Math.max(0, deadline - Date.now()),
        what: `${spec.describe} to be visible and enabled`,
      });
      try {
        return await action(handle);
      } catch (error) {
        if (!TRANSIENT.test(error.message) || Date.now() > deadline) throw error;
      } finally {
        await this.backend.release(handle).catch(() => {});
      }
    }
  }
}

export class Locator {
  constructor(page, spec) {
    this.page = page;
    // Without first()/nth(), acting on more than one match is an error, as in Playwright.
    this.spec = spec.index === undefined ? { ...spec, strict: true } : spec;
  }

  #at(index, word) {
    const { strict, ...spec } = this.spec;
    return new Locator(this.page, { ...spec, index, describe: `${spec.describe}.${word}` });
  }
  first() {
    return this.#at(0, "first()");
  }
  last() {
    return this.#at(-1, "last()");
  }
  nth(index) {
    return this.#at(index, `nth(${index})`);
  }

  async count() {
    const { strict, ...spec } = this.spec;
    return this.page.evaluate(`(${find})(${literal(spec)}).length`);
  }
  async isVisible() {
    return this.page.evaluate(`(() => { const [el] = (${find})(${literal(this.spec)}); return (${isVisible})(el); })()`);
  }
  async waitFor({ state = "visible", timeout = TIMEOUT } = {}) {
    const check = {
      attached: "el !== undefined",
      detached: "el === undefined",
      visible: `(${isVisible})(el)`,
      hidden: `!(${isVisible})(el)`,
    }[state];
    if (!check) throw new Error(`waitFor: no state ${state}`);
    const { strict, ...spec } = this.spec;
    const expression = `(() => { const [el] = (${find})(${literal(spec)}); return ${check}; })()`;
    await until(() => this.page.evaluate(expression), { timeout, what: `${this.spec.describe} to be ${state}` });
  }

  click(options) {
    return this.page.withHandle(this.spec, (handle) => this.page.backend.click(handle), options);
  }
  screenshot({ path }) {
    return this.page.withHandle(this.spec, (handle) => this.page.backend.screenshot(path, handle));
  }
  download() {
    return this.page.withHandle(this.spec, (handle) => this.page.backend.download(handle));
  }
  focus() {
    return this.page.withElement(this.spec, (el) => el.focus(), undefined, { visible: true });
  }
  selectOption(value) {
    return this.page.withElement(this.spec, selectOption, value, { visible: true });
  }
  fill(text) {
    return this.page.withElement(this.spec, fill, text, { visible: true });
  }
  textContent() {
    return this.page.withElement(this.spec, (el) => el.textContent);
  }
  innerText() {
    return this.page.withElement(this.spec, (el) => el.innerText);
  }
  getAttribute(name) {
    return this.page.withElement(this.spec, (el, n) => el.getAttribute(n), name);
  }
  boundingBox() {
    return this.page.withElement(this.spec, (el) => {
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    });
  }
  /** `fn(element, arg)` in the page. */
  evaluate(fn, arg) {
    return this.page.withElement(this.spec, `(el, arg) => (${fn})(el, arg)`, arg);
  }
}
