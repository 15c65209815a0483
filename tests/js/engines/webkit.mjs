// WebKit: WebKitGTK's MiniBrowser driven by WebKitWebDriver (WebDriver classic over HTTP, the
// only protocol it speaks), on an X server of its own (Xvfb, as MiniBrowser has no headless
// mode), with a fresh profile (XDG directories in a temporary folder).
//
// WebDriver classic has no console, error or network events, and no downloads. So the browser
// sends all its HTTP through a recording proxy (recording_proxy.mjs), which lists every request
// and puts a probe into each page that keeps its errors; downloads are captured in the page.
import { readdirSync, existsSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { spawnGroup, stopGroup, freePort, until, tempFolder, removeFolder } from "./processes.mjs";
import { startXvfb } from "./xvfb.mjs";
import { startRecordingProxy } from "./recording_proxy.mjs";
import { WebDriverSession, ELEMENT, keyValue } from "./webdriver.mjs";
import { captureDownload } from "./in_page.mjs";

export const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER_PATH ?? "/usr/bin/WebKitWebDriver";

/** MiniBrowser, which ships with WebKitGTK in an architecture's library folder. */
export function miniBrowserPath() {
  if (process.env.WEBKIT_BROWSER_PATH) return process.env.WEBKIT_BROWSER_PATH;
  for (const lib of ["/usr/lib", "/usr/libexec"]) {
    if (!existsSync(lib)) continue;
    for (const dir of [lib, ...readdirSync(lib).map((d) => join(lib, d))]) {
      for (const api of ["webkit2gtk-4.1", "webkit2gtk-4.0", "webkitgtk-6.0"]) {
        const path = join(dir, api, "MiniBrowser");
        if (existsSync(path)) return path;
      }
    }
  }
  throw new Error("WebKit: no MiniBrowser found (Debian: libwebkit2gtk-4.1-0; ./scripts/setup.sh --browser)");
}

export async function launch() {
  const profile = tempFolder("webkit");
  const parts = {};
  const cleanup = async () => {
    await parts.session?.delete().catch(() => {});
    await stopGroup(parts.driver);
    await stopGroup(parts.xvfb?.process);
    await parts.proxy?.close();
    removeFolder(profile);
  };
  try {
    parts.xvfb = await startXvfb();
    parts.proxy = await startRecordingProxy();
    const port = await freePort();
    const xdg = (name) => {
      const dir = join(profile, name);
      mkdirSync(dir, { recursive: true });
      return dir;
    };
    // MiniBrowser's toolbar (buttons and an address field) makes its window at least ~450
    // px wide; the tests need narrower viewports (a 390 px phone), so GTK's user style sheet
    // shrinks the toolbar's widgets. It styles GTK widgets only, never the page.
    writeFileSync(join(xdg("config/gtk-3.0"), "gtk.css"), "* { min-width: 0; min-height: 0; margin: 0; padding: 0; border-width: 0; font-size: 1px; }\n");
    parts.driver = spawnGroup(WEBKIT_DRIVER, [`--port=${port}`], {
      env: {
        ...process.env,
        DISPLAY: parts.xvfb.display,
        XDG_DATA_HOME: xdg("data"),
        XDG_CACHE_HOME: xdg("cache"),
        XDG_CONFIG_HOME: xdg("config"),
        // No accessibility bus on a bare X server.
        NO_AT_BRIDGE: "1",
        // With Skia on the GPU (Mesa's software GL, no GPU here), WebDriver's screenshots
        // at times kept showing an earlier frame of a page with form controls; Skia on the
        // CPU did not.
        WEBKIT_SKIA_ENABLE_CPU_RENDERING: "1",
      },
    });
    parts.driver.once("error", () => {});
    const base = `http://127.0.0.1:${port}`;
    await until(() => fetch(`${base}/status`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false), {
      timeout: 15_000,
      what: `WebKitWebDriver on port ${port} (${parts.driver.output})`,
    });
    parts.session = await WebDriverSession.create(base, {
      "webkitgtk:browserOptions": { binary: miniBrowserPath(), args: ["--automation"] },
      proxy: { proxyType: "manual", httpProxy: `127.0.0.1:${parts.proxy.port}` },
      pageLoadStrategy: "normal",
      timeouts: { script: 60_000, pageLoad: 60_000, implicit: 0 },
    });
  } catch (error) {
    await cleanup();
    throw error;
  }
  const { session, proxy } = parts;
  const version = session.capabilities.browserVersion;
  const pending = [];

  const evaluate = async (expression) => {
    const result = await session.command("POST", "/execute/async", {
      script: `const done = arguments[arguments.length - 1];
        Promise.resolve().then(() => (${expression})).then(
          (value) => done({ value }),
          (error) => done({ error: error instanceof Error ? String(error) : "thrown: " + String(error) }));`,
      args: [],
    });
    if (result && result.error) throw new Error(`evaluate: ${result.error}`);
    return result ? result.value : undefined;
  };
  // The probe's list lives in the page: read it before the page goes away.
  const collectErrors = async () => {
    const fromPage = await session
      .command("POST", "/execute/sync", {
        script: "const p = window.__optinProbe; return p ? p.errors.splice(0) : [];",
        args: [],
      })
      .catch(() => []);
    pending.push(...fromPage, ...proxy.failures.splice(0));
  };
  const elementId = (handle) => handle[ELEMENT];
  const keys = (values) =>
    session.command("POST", "/actions", {
      actions: [{ type: "key", id: "keyboard", actions: values.flatMap((value) => [{ type: "keyDown", value }, { type: "keyUp", value }]) }],
    });
  const innerSize = () =>
    session.command("POST", "/execute/sync", { script: "return [innerWidth, innerHeight];", args: [] });

  const backend = {
    engine: "webkit",
    version,
    label: `WebKitGTK ${version}`,
    via: `MiniBrowser through ${WEBKIT_DRIVER} (WebDriver classic), on Xvfb`,
    output: () => parts.driver.output,
    requests: proxy.requests,
    async goto(url) {
      await collectErrors();
      await session.command("POST", "/url", { url });
    },
    async openTab(url) {
      // WebDriver classic drives one window at a time: each call switches to the tab, runs,
      // and switches back to the first.
      const main = await session.command("GET", "/window");
      const { handle } = await session.command("POST", "/window/new", { type: "tab" });
      const inTab = async (fn) => {
        await session.command("POST", "/window", { handle });
        try {
          return await fn();
        } finally {
          await session.command("POST", "/window", { handle: main });
        }
      };
      await inTab(() => session.command("POST", "/url", { url }));
      return {
        evaluate: (expression) => inTab(() => evaluate(expression)),
        close: () => inTab(() => session.command("DELETE", "/window")).catch(() => {}),
      };
    },
    async reload() {
      await collectErrors();
      await session.command("POST", "/refresh", {});
    },
    evaluate,
    async handle(expression) {
      const value = await session.command("POST", "/execute/sync", { script: `return (${expression});`, args: [] });
      return value && value[ELEMENT] ? value : null;
    },
    click: (handle) => session.command("POST", `/element/${elementId(handle)}/click`, {}),
    release: async () => {},
    press: (key) => keys([keyValue(key)]),
    type: (text) => keys([...text]),
    async setViewport(width, height) {
      // WebDriver sets the window's outer size; MiniBrowser's window has a toolbar around
      // the page, so set it, measure the page's viewport and correct by the difference.
      // The window manager applies a new size a little later than the command answers (a
      // toolbar laid out late reads as 20 px off), so read the page's size once it holds still.
      const settledSize = async () => {
        let last = await innerSize();
        for (let i = 0; i < 20; i++) {
          await new Promise((ok) => setTimeout(ok, 50));
          const now = await innerSize();
          if (now[0] === last[0] && now[1] === last[1]) return now;
          last = now;
        }
        return last;
      };
      let [w, h] = [width, height];
      for (let i = 0; i < 5; i++) {
        await session.command("POST", "/window/rect", { width: w, height: h });
        const [innerWidth, innerHeight] = await settledSize();
        if (innerWidth === width && innerHeight === height) return;
        w += width - innerWidth;
        h += height - innerHeight;
      }
      const [innerWidth, innerHeight] = await settledSize();
      throw new Error(`WebKit: viewport ${innerWidth}x${innerHeight}, not ${width}x${height}`);
    },
    async screenshot(path, handle) {
      // What the page changed last is painted by the next frames, as Playwright waits for.
      await evaluate("new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok(null))))");
      const base64 = await session.command("GET", handle ? `/element/${elementId(handle)}/screenshot` : "/screenshot");
      writeFileSync(path, Buffer.from(base64, "base64"));
    },
    async download(handle) {
      await evaluate(`(${captureDownload})()`);
      await backend.click(handle);
      return evaluate("window.__optinDownload");
    },
    async errors() {
      await collectErrors();
      return pending.splice(0);
    },
    close: cleanup,
  };
  try {
    await backend.setViewport(1280, 720);
  } catch (error) {
    // A browser that failed to start its page must not outlive the test (it keeps the test
    // file's process alive until its time limit).
    await cleanup();
    throw error;
  }
  return backend;
}
