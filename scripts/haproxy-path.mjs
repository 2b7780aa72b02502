// Where the cluster test and script find HAProxy: HAPROXY_PATH, then where Debian's package puts it.
// Nothing downloads it: `pretest` installs Debian's package (see scripts/ensure-system-packages.mjs).
import { existsSync } from 'node:fs';

export const HAPROXY_CANDIDATES = ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy', '/usr/bin/haproxy'];

/** The HAProxy binary to use, or undefined when none is installed. */
export function findHaproxy() {
  if (process.env.HAPROXY_PATH) return existsSync(process.env.HAPROXY_PATH) ? process.env.HAPROXY_PATH : undefined;
  return HAPROXY_CANDIDATES.find((candidate) => existsSync(candidate));
}
