/**
 * Headless Debian Chromium through playwright-core, shared by the browser
 * tests and the reviewer benchmark.
 *
 * @module
 */
import { chromium } from "playwright-core";
import type { BrowserContext } from "playwright-core";

/** Chromium's path (Debian package `chromium`). */
export const CHROMIUM = "/usr/bin/chromium";

/** Whether the browser is installed (tests are skipped, not failed, without it). */
export function hasChromium(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

/** Options for {@linkcode launchChromium}. */
export interface LaunchOptions {
  /** Window size (default 1280 × 760). */
  viewport?: { width: number; height: number };
  /** Device pixel ratio (default 1). */
  deviceScaleFactor?: number;
}

/**
 * Launch a persistent headless context in a fresh temp profile.
 *
 * @param options Window size and pixel ratio.
 * @returns The context and a close function that also removes the profile.
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<
  { context: BrowserContext; close: () => Promise<void> }
> {
  const profile = await Deno.makeTempDir({ prefix: "keeper-chromium-" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: options.viewport ?? { width: 1280, height: 760 },
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await Deno.remove(profile, { recursive: true }).catch(() => undefined);
    },
  };
}
