// Chromium (the system's /usr/bin/chromium) through playwright-core: the same launch as the
// benchmarks use (../browser.mjs), a fresh profile, and Playwright's own events for console
// messages, page errors, requests and downloads.
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { launch as launchChromium, CHROMIUM } from "../browser.mjs";

/** The installed Chromium's version, from the binary ("Chromium 156.0.8078.114 ..."). */
function installedVersion() {
  const out = execFileSync(CHROMIUM, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const match = out.match(/(\d+\.\d+\.\d+\.\d+)/);
  if (!match) throw new Error(`Chromium: no version in ${JSON.stringify(out)}`);
  return match[1];
}

export async function launch() {
  const browser = await launchChromium();
  const requests = [];
  const errors = [];
  let page;
  let version;
  try {
    page = await browser.context.newPage();
    page.on("request", (request) => requests.push({ url: request.url(), method: request.method(), body: request.postData() }));
    page.on("websocket", (socket) => requests.push({ url: socket.url(), method: "WEBSOCKET", body: null }));
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    await page.setViewportSize({ width: 1280, height: 720 });
    version = installedVersion();
  } catch (error) {
    await browser.close();
    throw error;
  }
  return {
    engine: "chromium",
    version,
    label: `Chromium ${version}`,
    via: `${CHROMIUM}, playwright-core over CDP`,
    requests,
    goto: (url) => page.goto(url),
    async openTab(url) {
      const tab = await browser.context.newPage();
      tab.on("pageerror", (error) => errors.push(`(second tab) ${error}`));
      await tab.goto(url);
      return { evaluate: (expression) => tab.evaluate(expression), close: () => tab.close() };
    },
    reload: () => page.reload(),
    evaluate: (expression) => page.evaluate(expression),
    async handle(expression) {
      const handle = await page.evaluateHandle(expression);
      const element = handle.asElement();
      if (!element) await handle.dispose();
      return element;
    },
    click: (element) => element.click(),
    release: (element) => element.dispose(),
    press: (key) => page.keyboard.press(key),
    type: (text) => page.keyboard.type(text),
    setViewport: (width, height) => page.setViewportSize({ width, height }),
    screenshot: (path, element) => (element ?? page).screenshot({ path }),
    async download(element) {
      const [download] = await Promise.all([page.waitForEvent("download"), element.click()]);
      return { name: download.suggestedFilename(), text: readFileSync(await download.path(), "utf8") };
    },
    errors: async () => errors.splice(0),
    close: () => browser.close(),
  };
}
