// Headless Chromium (the system's /usr/bin/chromium) through playwright-core, with a fresh
// profile and no background networking.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** A browser on `profile` (default: a fresh one); `close({ keep: true })` leaves the profile's files. */
export async function launch({ profile = mkdtempSync(join(tmpdir(), "optin-chromium-")) } = {}) {
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
      await context.close();
      if (!keep) rmSync(profile, { recursive: true, force: true });
    },
  };
}
