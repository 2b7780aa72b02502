import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { SECRET } from './browser.ts';
import { smtpSink } from './smtp-sink.ts';

const repo = path.resolve(import.meta.dirname, '../..');

/**
 * The server as an editor uses it: a working copy of this project (its own Git repository, the
 * reference build live) for the CMS to commit to and rebuild from, a SQLite store inside it, and,
 * with `mail`, a real SMTP sink the mail worker sends to. `close()` stops and removes all of it.
 */
export async function publishingServer(distDir: string, name: string, options: { mail?: boolean } = {}) {
  await mkdir(path.join(repo, '.rapport', 'fixtures'), { recursive: true });
  const project = await mkdtemp(path.join(repo, '.rapport', 'fixtures', `${name}-`));
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', repo, project]);
  execFileSync('git', ['checkout', '--quiet', '-B', 'main'], { cwd: project });
  await symlink(path.join(repo, 'node_modules'), path.join(project, 'node_modules'), 'dir');
  const sink = options.mail ? await smtpSink() : undefined;
  const running: RunningServer = await startServer({
    distDir,
    port: 0,
    host: '127.0.0.1',
    store: { sqliteFile: path.join(project, 'var', 'rapport.sqlite') },
    secret: SECRET,
    projectRoot: project,
    publishDebounceMs: 200,
    ...(sink ? { mail: { smtpUrl: `smtp://127.0.0.1:${sink.port}`, intervalMs: 100 } } : {}),
  });
  return {
    project,
    running,
    base: serverUrl(running.server),
    sink,
    async close() {
      await running.close();
      await sink?.close();
      await rm(project, { recursive: true, force: true });
    },
  };
}
