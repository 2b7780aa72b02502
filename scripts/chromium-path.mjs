// Where the browser tests find Chromium: CHROMIUM_PATH, then the usual Debian/Ubuntu paths.
// No test tool downloads a browser (see scripts/ensure-system-packages.mjs).
import { existsSync } from 'node:fs';

export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium/chromium',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/** The Chromium binary to use, or undefined when none is installed. */
export function findChromium() {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : undefined;
  return CHROMIUM_CANDIDATES.find((candidate) => existsSync(candidate));
}
