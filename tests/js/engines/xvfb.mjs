// An X server of its own for a browser that needs one (WebKit's MiniBrowser has no headless
// mode): Xvfb on a free display, in its own process group, stopped with the browser.
import { spawnGroup } from "./processes.mjs";

/** Starts Xvfb on a free display; resolves to { display, process }. */
export async function startXvfb() {
  const xvfb = spawnGroup("Xvfb", ["-displayfd", "3", "-screen", "0", "1920x1200x24", "-nolisten", "tcp", "-noreset"], {
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
  const display = await new Promise((ok, fail) => {
    let text = "";
    const timer = setTimeout(() => fail(new Error(`Xvfb did not start: ${xvfb.output}`)), 10_000);
    xvfb.stdio[3].on("data", (chunk) => {
      text += chunk;
      if (text.includes("\n")) {
        clearTimeout(timer);
        ok(text.trim());
      }
    });
    xvfb.once("error", (error) => {
      clearTimeout(timer);
      fail(new Error(`Xvfb: ${error.message} (Debian: xvfb; ./scripts/setup.sh --browser)`));
    });
    xvfb.once("exit", () => {
      clearTimeout(timer);
      fail(new Error(`Xvfb exited: ${xvfb.output}`));
    });
  });
  return { display: `:${display}`, process: xvfb };
}
