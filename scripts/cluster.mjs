// A Rapport cluster on one machine: several servers on one PostgreSQL behind HAProxy, as a deploy
// on several machines would run them.
//
//   DATABASE_URL=postgres://… node scripts/cluster.mjs start   # builds once if dist/ is missing
//   node scripts/cluster.mjs stop
//
// Each server is a process of its own (scripts/cluster-server.mjs) on its own port, with its own
// folder under var/cluster/ for whatever it writes locally (mail files without SMTP_URL, drafts,
// builds, its log), the same RAPPORT_SECRET and DATABASE_URL, and TRUST_PROXY on: visitors'
// addresses come from HAProxy's X-Forwarded-For. HAProxy runs deploy/haproxy.cfg itself, the
// addresses given in the environment variables that file reads, and answers on HAPROXY_PORT
// (default 8080); CLUSTER_SERVERS=1 or 2 starts fewer servers (the others are put in maintenance).
// The content is shared through Git as a deploy shares it: RAPPORT_CONTENT_REPO names the bare
// repository, else `start` makes var/cluster/content.git from this project's committed state (once;
// what editors publish goes there, not into this folder); each server works on its own clone
// (var/cluster/rapportN/site), pushes the CMS's writes and builds every new live commit.
// CLUSTER_CONTENT=0 leaves the content out (each server serves dist/ with no CMS).
// The integration tests and the benchmark import `startCluster` instead.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { findHaproxy } from './haproxy-path.mjs';

const root = path.resolve(import.meta.dirname, '..');
export const HAPROXY_CONFIG = path.join(root, 'deploy', 'haproxy.cfg');
/** The backend's name in deploy/haproxy.cfg, and its servers' names there (`rapport1`…). */
const BACKEND = 'rapport';

/**
 * Starts `servers` Rapport servers and HAProxy in front of them, and waits until HAProxy's health
 * checks have found every one of them up.
 * @param {object} options
 * @param {string} options.databaseUrl The one PostgreSQL they share.
 * @param {string} [options.schema] A PostgreSQL schema instead of `public` (tests).
 * @param {string} [options.distDir] The build to serve (default: dist/, built once when missing).
 * @param {string} [options.dir] Where each server's folder, HAProxy's socket and the logs go (default: var/cluster).
 * @param {number} [options.servers] How many servers (at most the `server` lines of deploy/haproxy.cfg; default 3).
 * @param {number} [options.port] HAProxy's port (default: a free one).
 * @param {string} [options.secret] RAPPORT_SECRET for all; else one generated into `dir`.
 * @param {object} [options.serve] More of startServer's options for every server (mail, rateLimits, siteUrl…).
 * @param {object} [options.content] Content shared through Git (startServer's `sharedContent`): every server clones it and builds each new live commit.
 * @param {string} options.content.repo The shared repository (a bare repository's path or a Git URL).
 * @param {(name: string) => string} [options.content.dir] Each server's clone, by server name (default: `site` in its folder). A clone must sit where the project's imports resolve (its `node_modules` above it).
 * @param {number} [options.content.fetchEveryMs] The safety-net fetch (default 60 s).
 * @param {boolean} [options.detached] Keep running after this process exits (`start` from the command line).
 */
export async function startCluster(options) {
  const haproxy = findHaproxy();
  if (!haproxy) {
    throw new Error(
      'HAProxy is not installed: run `node scripts/ensure-system-packages.mjs haproxy` as root (it installs Debian’s package) or set HAPROXY_PATH.',
    );
  }
  if (!options.databaseUrl) throw new Error('A cluster shares one PostgreSQL: set DATABASE_URL=postgres://… (SQLite is a one-machine store).');
  const dir = path.resolve(options.dir ?? path.join(root, 'var', 'cluster'));
  const distDir = options.distDir ?? buildOnce(path.join(root, 'dist'));
  const slots = serverSlots();
  const count = options.servers ?? 3;
  if (count < 1 || count > slots.length) throw new Error(`${HAPROXY_CONFIG} has ${slots.length} server lines: start between 1 and ${slots.length} servers.`);
  mkdirSync(dir, { recursive: true });
  const secret = options.secret ?? process.env.RAPPORT_SECRET ?? keptSecret(path.join(dir, 'rapport-secret'));
  const ports = await Promise.all(slots.map(() => freePort()));
  const listenPort = options.port || (await freePort());
  const url = `http://127.0.0.1:${listenPort}`;
  const socket = path.join(dir, 'haproxy.sock');

  const servers = slots.slice(0, count).map((name, i) => {
    const home = path.join(dir, name);
    return {
      name,
      port: ports[i],
      url: `http://127.0.0.1:${ports[i]}`,
      dir: home,
      log: path.join(home, 'server.log'),
      /** @type {import('node:child_process').ChildProcess | undefined} */
      child: undefined,
      serve: {
        distDir,
        port: ports[i],
        host: '127.0.0.1',
        store: { databaseUrl: options.databaseUrl, ...(options.schema ? { schema: options.schema } : {}) },
        secret,
        secretFile: path.join(home, 'rapport-secret'),
        trustProxy: true,
        projectRoot: options.content ? contentDir(options.content, name, home) : home,
        ...(options.content
          ? { sharedContent: { url: options.content.repo, dir: contentDir(options.content, name, home), fetchEveryMs: options.content.fetchEveryMs } }
          : {}),
        // Links in mail lead to HAProxy, whichever server sent them (unless `serve.siteUrl` says otherwise).
        siteUrl: url,
        ...options.serve,
        mail: { mailDir: path.join(home, 'mail'), ...options.serve?.mail },
      },
    };
  });

  const startServerProcess = async (server) => {
    mkdirSync(server.dir, { recursive: true });
    const out = openSync(server.log, 'a');
    const child = spawn(process.execPath, [path.join(import.meta.dirname, 'cluster-server.mjs')], {
      cwd: server.dir,
      env: { ...process.env, RAPPORT_CLUSTER_SERVER: JSON.stringify(server.serve) },
      stdio: ['ignore', out, out],
      detached: options.detached ?? false,
    });
    closeSync(out);
    server.child = child;
    if (options.detached) child.unref();
    await waitUntil(
      async () => (await healthOf(server.url)) === 200,
      () => (child.exitCode !== null || child.signalCode !== null ? `${server.name} exited before answering:\n${tail(server.log)}` : undefined),
      `${server.name} to answer /health on ${server.url}`,
    );
  };

  const state = path.join(dir, 'cluster.json');
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let balancer;
  let lastStates = new Map();
  const stop = async () => {
    await Promise.all([...servers.map((s) => s.child), balancer].map((child) => child && ended(child, 'SIGTERM')));
    rmSync(state, { force: true });
  };
  try {
    // All at once, as after a reboot: each migrates the store (one at a time under PostgreSQL's advisory lock).
    await Promise.all(servers.map(startServerProcess));
    const haproxyLog = path.join(dir, 'haproxy.log');
    const out = openSync(haproxyLog, 'a');
    balancer = spawn(haproxy, ['-f', HAPROXY_CONFIG, '-db'], {
      env: {
        ...process.env,
        HAPROXY_KEEP_USER: '1',
        HAPROXY_STATS_SOCKET: socket,
        RAPPORT_LISTEN: `127.0.0.1:${listenPort}`,
        // Slots beyond `count` point at free ports nobody listens on, and are put in maintenance below.
        ...Object.fromEntries(slots.map((_, i) => [`RAPPORT_SERVER_${i + 1}`, `127.0.0.1:${ports[i]}`])),
      },
      stdio: ['ignore', out, out],
      detached: options.detached ?? false,
    });
    closeSync(out);
    if (options.detached) balancer.unref();
    const exited = () => (balancer.exitCode !== null || balancer.signalCode !== null ? `HAProxy exited:\n${tail(haproxyLog)}` : undefined);
    await waitUntil(async () => existsSync(socket) && (await backendStates(socket).catch(() => undefined)) !== undefined, exited, 'HAProxy to start');
    for (const name of slots.slice(count)) await stats(socket, `set server ${BACKEND}/${name} state maint`);
    // Passed their health check (not merely assumed up at start).
    await waitUntil(async () => servers.every((s) => (lastStates.get(s.name) ?? '') === 'UP L7OK'), exited, `every server UP in HAProxy`, {
      before: async () => void (lastStates = await backendStates(socket)),
    });
  } catch (error) {
    await stop();
    throw error;
  }
  // What `stop` from another process needs: the pids (a restart below records the new one).
  const record = () =>
    writeFileSync(
      state,
      `${JSON.stringify({ url, haproxy: balancer.pid, servers: servers.map((s) => ({ name: s.name, url: s.url, pid: s.child.pid })) }, null, 2)}\n`,
    );
  record();

  return {
    /** HAProxy's address: what visitors use. */
    url,
    dir,
    secret,
    haproxy: { pid: balancer.pid, socket, port: listenPort },
    /** @returns {{ name: string, port: number, url: string, pid: number | undefined, dir: string, log: string }[]} */
    get servers() {
      return servers.map(({ name, port, url: at, child, dir: home, log }) => ({ name, port, url: at, pid: child?.pid, dir: home, log }));
    },
    /** Each server's state as HAProxy sees it: "UP", "DOWN", "UP 1/2" (going down), "MAINT"… */
    backends: () => backendStates(socket).then((states) => new Map([...states].map(([name, s]) => [name, s.split(' ').slice(0, -1).join(' ')]))),
    /** Waits until HAProxy reports `server` in `status` (e.g. "DOWN" after a kill, "UP" after a restart). */
    async waitForBackend(name, status, timeoutMs = 10_000) {
      let seen = '';
      await waitUntil(
        async () => (seen = (await backendStates(socket)).get(name)?.split(' ').slice(0, -1).join(' ') ?? '') === status,
        () => undefined,
        `HAProxy to report ${name} ${status}`,
        { timeoutMs },
      ).catch((error) => {
        throw new Error(`${error.message} It says ${seen || 'nothing'}.`);
      });
    },
    /** Kills one server (SIGKILL by default: no goodbye) and waits until it is gone. */
    async kill(name, signal = 'SIGKILL') {
      const server = servers.find((s) => s.name === name);
      if (server?.child) await ended(server.child, signal);
    },
    /** Starts a stopped server again on its port and waits for its /health (not for HAProxy). */
    async restart(name) {
      const server = servers.find((s) => s.name === name);
      if (!server) throw new Error(`No server ${name} in this cluster.`);
      await startServerProcess(server);
      record();
    },
    stop,
  };
}

/** Stops the cluster `start` left running, from the pids it recorded. */
export async function stopRecorded(dir = path.join(root, 'var', 'cluster')) {
  const file = path.join(dir, 'cluster.json');
  if (!existsSync(file)) return false;
  const recorded = JSON.parse(readFileSync(file, 'utf8'));
  const pids = [...recorded.servers.map((s) => s.pid), recorded.haproxy];
  for (const pid of pids) signal(pid, 'SIGTERM');
  await waitUntil(
    async () => pids.every((pid) => !signal(pid, 0)),
    () => undefined,
    'the cluster to stop',
    { timeoutMs: 15_000 },
  ).catch(() => {
    for (const pid of pids) signal(pid, 'SIGKILL');
  });
  rmSync(file, { force: true });
  return true;
}

/** The servers deploy/haproxy.cfg lists in the backend, in order. */
function serverSlots() {
  const text = readFileSync(HAPROXY_CONFIG, 'utf8');
  return [...text.matchAll(/^\s*server\s+(\S+)\s+"\$\{RAPPORT_SERVER_(\d+)\}"/gm)].map((m, i) => {
    if (Number(m[2]) !== i + 1) throw new Error(`${HAPROXY_CONFIG}: server ${m[1]} should read RAPPORT_SERVER_${i + 1}.`);
    return m[1];
  });
}

/** `dist/` as `npm start` would serve it, built once when there is none yet. */
function buildOnce(dist) {
  if (existsSync(path.join(dist, 'server', 'entry.mjs'))) return dist;
  console.log('No build yet: building once for every server…');
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules', 'astro', 'bin', 'astro.mjs'), 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('The build failed (see above).');
  return dist;
}

/** Where a server's clone of the shared content goes. */
const contentDir = (content, name, home) => path.resolve(content.dir?.(name) ?? path.join(home, 'site'));

/**
 * The bare repository a cluster started from the command line shares: RAPPORT_CONTENT_REPO, else
 * var/cluster/content.git, made once from this project's committed state (the build in dist/
 * was made from it, so no server rebuilds at start unless it has moved on since).
 */
function sharedRepository(dir) {
  if (process.env.RAPPORT_CONTENT_REPO) return process.env.RAPPORT_CONTENT_REPO;
  const bare = path.join(dir, 'content.git');
  if (!existsSync(bare)) {
    mkdirSync(dir, { recursive: true });
    const made = spawnSync('git', ['clone', '--quiet', '--bare', root, bare], { stdio: 'inherit' });
    if (made.status !== 0) throw new Error(`Could not make the shared content repository ${bare} from ${root} (see above).`);
    console.log(`Shared content repository: ${path.relative(root, bare)} (from this project's last commit).`);
  }
  return bare;
}

function keptSecret(file) {
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** Each server of the backend with "STATUS CHECK" (e.g. "UP L7OK", "DOWN L4CON"), from HAProxy's `show stat`. */
async function backendStates(socket) {
  const csv = await stats(socket, 'show stat');
  const [header, ...rows] = csv.trim().split('\n');
  const columns = header.replace(/^# /, '').split(',');
  const at = (name) => columns.indexOf(name);
  const states = new Map();
  for (const row of rows.map((r) => r.split(','))) {
    if (row[at('pxname')] !== BACKEND || row[at('svname')] === 'BACKEND') continue;
    states.set(row[at('svname')], `${row[at('status')]} ${row[at('check_status')].replace(/^\* ?/, '') || '-'}`);
  }
  return states;
}

/** One command on HAProxy's stats socket, its whole answer. */
function stats(socket, command) {
  return new Promise((resolve, reject) => {
    const client = net.connect(socket);
    let answer = '';
    client.setEncoding('utf8');
    client.on('data', (chunk) => (answer += chunk));
    client.on('error', reject);
    client.on('end', () => resolve(answer));
    client.end(`${command}\n`);
  });
}

function healthOf(url) {
  return new Promise((resolve) => {
    const req = http.get(`${url}/health`, { timeout: 3_000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

async function waitUntil(ready, failed, what, { timeoutMs = 60_000, before = async () => {} } = {}) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    await before();
    if (await ready()) return;
    const failure = failed();
    if (failure) throw new Error(failure);
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends `signal` to a child and waits for it to exit (SIGKILL after 10 s). */
async function ended(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exit = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exit;
  clearTimeout(timer);
}

/** process.kill that answers whether the process was there. */
function signal(pid, sig) {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const tail = (file) => (existsSync(file) ? readFileSync(file, 'utf8').slice(-4_000) : '(no log)');

if (import.meta.main) {
  const command = process.argv[2];
  if (command === 'start') {
    if (existsSync(path.join(root, 'var', 'cluster', 'cluster.json'))) {
      console.error('A cluster is already running (var/cluster/cluster.json): `node scripts/cluster.mjs stop` first.');
      process.exit(1);
    }
    try {
      const cluster = await startCluster({
        databaseUrl: process.env.DATABASE_URL,
        port: Number(process.env.HAPROXY_PORT ?? 8080),
        servers: Number(process.env.CLUSTER_SERVERS ?? 3),
        detached: true,
        ...(process.env.CLUSTER_CONTENT === '0' ? {} : { content: { repo: sharedRepository(path.join(root, 'var', 'cluster')) } }),
        // Links in mail name SITE_URL when set (the site's real address), else HAProxy's.
        serve: { ...(process.env.SITE_URL ? { siteUrl: process.env.SITE_URL } : {}), mail: { smtpUrl: process.env.SMTP_URL } },
      });
      for (const s of cluster.servers) console.log(`${s.name}: ${s.url} (pid ${s.pid}, log ${path.relative(root, s.log)})`);
      console.log(`HAProxy (pid ${cluster.haproxy.pid}) answers on ${cluster.url}; every server is UP. Stop with: node scripts/cluster.mjs stop`);
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    }
  } else if (command === 'stop') {
    console.log((await stopRecorded()) ? 'The cluster is stopped.' : 'No cluster is running (no var/cluster/cluster.json).');
  } else {
    console.error('Usage: node scripts/cluster.mjs start|stop (DATABASE_URL names the PostgreSQL the servers share).');
    process.exit(1);
  }
}
