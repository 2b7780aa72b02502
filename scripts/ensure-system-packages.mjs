// `pretest`: the browser tests need Chromium and the cluster test needs HAProxy. Find each; as root
// with apt-get, install Debian's package (saying so in one line); otherwise stop before the first
// test with what to install. `node scripts/ensure-system-packages.mjs chromium` checks one only.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChromium } from './chromium-path.mjs';
import { findHaproxy } from './haproxy-path.mjs';

/** What the tests need from the system, by Debian package name. */
const PACKAGES = {
  chromium: { find: findChromium, variable: 'CHROMIUM_PATH', what: 'a Chromium or Chrome binary', needs: 'The browser tests need Chromium' },
  haproxy: { find: findHaproxy, variable: 'HAPROXY_PATH', what: 'an haproxy binary', needs: 'The cluster test needs HAProxy' },
};

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in PACKAGES));
if (unknown.length) {
  console.error(`Unknown package ${unknown.join(', ')}: this script installs ${Object.keys(PACKAGES).join(' and ')}.`);
  process.exit(1);
}
const missing = (asked.length ? asked : Object.keys(PACKAGES)).filter((name) => !PACKAGES[name].find());

for (const name of missing) {
  const { variable, what } = PACKAGES[name];
  if (process.env[variable]) {
    console.error(`${variable} is set to ${process.env[variable]}, which does not exist: point it at ${what}, or unset it.`);
    process.exit(1);
  }
}
if (missing.length) {
  const root = process.getuid?.() === 0;
  if (!root || !existsSync('/usr/bin/apt-get')) {
    for (const name of missing) {
      const { needs, variable } = PACKAGES[name];
      console.error(`${needs}: install it (Debian/Ubuntu: sudo apt-get install ${name}) or set ${variable} to its binary, then run npm test again.`);
    }
    process.exit(1);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] }).status === 0;
  let updated = false;
  for (const name of missing) {
    const { find, needs, variable } = PACKAGES[name];
    console.log(`${needs}, which is missing: installing Debian's ${name} package (apt-get install ${name})…`);
    updated ||= run(['update', '-qq']);
    if (!(updated && run(['install', '-y', '-qq', '--no-install-recommends', name])) || !find()) {
      console.error(
        `Installing ${name} with apt-get failed (see above): install it by hand (apt-get install ${name}) or set ${variable}, then run npm test again.`,
      );
      process.exit(1);
    }
  }
}
