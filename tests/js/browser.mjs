// Headless Chromium (the system's /usr/bin/chromium) through playwright-core, with a fresh
// profile and no background networking.
import { chromium } from "playwright-core";
import { tempFolder, removeFolder } from "./engines/processes.mjs";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** A browser on `profile` (default: a fresh one); `close({ keep: true })` leaves the profile's files. */
export async function launch({ profile = tempFolder("chromium") } = {}) {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    profile,
    async close({ keep = false } = {}) {
      try {
        await context.close();
      } finally {
        if (!keep) removeFolder(profile);
      }
    },
  };
}
