import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it when missing). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const hasChromium = existsSync(chromiumPath);

/** Where the browser tests leave their screenshots (git-ignored). */
export const screenshotDir = path.resolve(import.meta.dirname, "../../test-results/dashboard");

export interface HeadlessBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium with a new, empty profile, and nothing that phones home. */
export async function launchChromium(): Promise<HeadlessBrowser> {
  await mkdir(screenshotDir, { recursive: true });
  const profile = await mkdtemp(path.join(os.tmpdir(), "conduit-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1360, height: 900 },
    args: [
      "--headless",
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
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
