/**
 * Headless Debian Chromium through playwright-core, shared by the browser
 * tests and the reviewer benchmark.
 *
 * @module
 */
import { type BrowserContext, chromium } from "playwright-core";
import { CHROMIUM_ENV, findChromium } from "../../lib/cli/mod.ts";

/** Chromium's path: `$KEEPER_CHROMIUM`, else `chromium` on PATH (Debian package `chromium`). */
export const CHROMIUM: string | null = findChromium();

/**
 * Whether the browser is installed. Browser tests do not skip without it: they
 * fail with {@linkcode launchChromium}'s one-line reason (a missing browser is a
 * failure, never a silent skip).
 */
export function hasChromium(): boolean {
  return CHROMIUM !== null;
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
  if (CHROMIUM === null) {
    throw new Error(
      `Cannot launch the browser: chromium not found on PATH; install it with ` +
        `\`sudo apt-get install -y chromium\` or set ${CHROMIUM_ENV}=<path>`,
    );
  }
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
