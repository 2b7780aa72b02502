// `npm start`: build the reference site when its sources changed since the last build, then serve it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dkimFromEnv } from '../integrations/rapport/core/mail/dkim.ts';
import { startServer, serverUrl } from '../integrations/rapport/server/serve.ts';
import { sharedContentFromEnv } from '../integrations/rapport/server/shared-content.ts';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, 'server', 'entry.mjs');
const SOURCES = ['src', 'content', 'public', 'integrations', 'astro.config.mjs', 'package-lock.json'];

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(target, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((max, e) => Math.max(max, statSync(path.join(e.parentPath, e.name)).mtimeMs), 0);
}

const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const changedAt = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
if (changedAt > builtAt) {
  console.log(builtAt ? 'Sources changed since the last build: building…' : 'No build yet: building…');
  const astro = path.join(root, 'node_modules', 'astro', 'bin', 'astro.mjs');
  const result = spawnSync(process.execPath, [astro, 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const running = await startServer({
  distDir: dist,
  port: Number(process.env.PORT ?? 4321),
  host: process.env.HOST ?? 'localhost',
  store: { databaseUrl: process.env.DATABASE_URL, sqliteFile: path.join(root, 'var', 'rapport.sqlite') },
  mail: { smtpUrl: process.env.SMTP_URL, mailDir: path.join(root, 'var', 'mail'), dkim: dkimFromEnv(process.env) },
  siteUrl: process.env.SITE_URL,
  secret: process.env.RAPPORT_SECRET,
  secretFile: path.join(root, 'var', 'rapport-secret'),
  trustProxy: process.env.TRUST_PROXY === '1' || process.env.TRUST_PROXY === 'true',
  projectRoot: root,
  // RAPPORT_CONTENT_REPO: content shared with other servers through one Git repository (RAPPORT_CONTENT_DIR: this server's clone).
  sharedContent: sharedContentFromEnv(process.env),
});
console.log(
  `CRM store: ${running.store.dialect} (${running.store.location}); mail: ${process.env.SMTP_URL ? 'SMTP' : 'files in var/mail/'}${process.env.DKIM_DOMAIN ? `, DKIM-signed for ${process.env.DKIM_DOMAIN}` : ''}`,
);
const url = serverUrl(running.server).replace('127.0.0.1', 'localhost');
console.log(`Rapport is serving the reference site on ${url}`);
// Where this server can be reached, for the links `npx rapport` prints (SITE_URL wins when set).
mkdirSync(path.join(root, 'var'), { recursive: true });
writeFileSync(path.join(root, 'var', 'server.json'), `${JSON.stringify({ url, pid: process.pid })}\n`);
const staff = await running.store.db.selectFrom('accounts').select('id').where('role', 'in', ['editor', 'admin']).limit(1).execute();
if (staff.length === 0) {
  console.log(
    `No staff account yet. Create yours (it prints a one-time sign-in link to ${process.env.SITE_URL ?? url}): npx rapport users add you@example.com --role admin`,
  );
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => running.close().then(() => process.exit(0)));
