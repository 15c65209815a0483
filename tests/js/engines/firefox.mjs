// Firefox (the system's firefox-esr) through WebDriver BiDi with puppeteer-core, headless, with
// a fresh profile. Puppeteer's Firefox profile already turns off updates, telemetry and the
// other background requests; the prefs below turn off the rest that would reach the network.
import puppeteer from "puppeteer-core";
import { execFileSync } from "node:child_process";
import { captureDownload } from "./in_page.mjs";
import { tempFolder, removeFolder } from "./processes.mjs";

export const FIREFOX = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";

const PREFS = {
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "browser.safebrowsing.malware.enabled": false,
  "browser.safebrowsing.phishing.enabled": false,
  "extensions.getAddons.cache.enabled": false,
  "media.gmp-manager.updateEnabled": false,
  "network.dns.disablePrefetch": true,
  "network.prefetch-next": false,
};

export async function launch() {
  const profile = tempFolder("firefox");
  let browser;
  try {
    browser = await puppeteer.launch({
      browser: "firefox",
      executablePath: FIREFOX,
      headless: true,
      userDataDir: profile,
      extraPrefsFirefox: PREFS,
      protocolTimeout: 60_000,
    });
  } catch (error) {
    removeFolder(profile);
    throw new Error(`Firefox did not start (${FIREFOX}; ./scripts/setup.sh --browser): ${error.message}`);
  }
  const close = async () => {
    await browser.close().catch(() => browser.process()?.kill("SIGKILL"));
    removeFolder(profile);
  };
  const requests = [];
  const errors = [];
  let page;
  let version;
  let build;
  try {
    // A new tab, not the one Firefox starts with: that one never gets focus in headless mode
    // (document.hasFocus() stays false, :focus never matches, focus() moves activeElement only),
    // while a tab opened through BiDi is activated and has focus, as a user's window does.
    page = await browser.newPage();
    page.on("request", (request) => {
      // Firefox reports data: URLs (a page's `<link rel="icon" href="data:,">`) as requests;
      // they reach no network, and Chromium and WebKit don't list them.
      if (request.url().startsWith("data:")) return;
      // Puppeteer reads request bodies from Firefox only through network.getData; the tests
      // need to know whether there was one, and its size says so.
      requests.push({ url: request.url(), method: request.method(), body: request.hasPostData() ? "(a request body)" : null });
    });
    page.on("pageerror", (error) => errors.push(String(error)));
    // Chromium's console reports every load that failed; Firefox's console doesn't, so the
    // driver adds them from the responses.
    page.on("response", (response) => {
      if (response.status() >= 400) {
        errors.push(`Failed to load resource: the server responded with a status of ${response.status()} (${response.url()})`);
      }
    });
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    await page.setViewport({ width: 1280, height: 720 });
    // The running browser's version (BiDi), and the installed build's name for it ("153.8.0esr").
    version = (await browser.version()).replace(/^firefox\//i, "");
    build = execFileSync(FIREFOX, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).match(/Firefox\s+(\S+)/)?.[1];
  } catch (error) {
    await close();
    throw error;
  }

  const backend = {
    engine: "firefox",
    version,
    label: `Firefox ${build ?? version}`,
    via: `${FIREFOX}, puppeteer-core over WebDriver BiDi`,
    requests,
    goto: (url) => page.goto(url, { waitUntil: "load" }),
    async openTab(url) {
      const tab = await browser.newPage();
      tab.on("pageerror", (error) => errors.push(`(second tab) ${error}`));
      await tab.goto(url, { waitUntil: "load" });
      // Back to the first tab, which the tests drive with keys and clicks.
      await page.bringToFront();
      return { evaluate: (expression) => tab.evaluate(expression), close: () => tab.close() };
    },
    reload: () => page.reload({ waitUntil: "load" }),
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
    setViewport: (width, height) => page.setViewport({ width, height }),
    screenshot: (path, element) => (element ?? page).screenshot({ path }),
    // BiDi's download events are newer than what Puppeteer drives here: capture in the page.
    async download(element) {
      await page.evaluate(`(${captureDownload})()`);
      await element.click();
      return page.evaluate("window.__optinDownload");
    },
    errors: async () => errors.splice(0),
    close,
  };
  return backend;
}
