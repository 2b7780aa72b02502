// One server for the form benchmark, in its own process: `rapport` (startServer) or `baseline`
// (bare node:http doing the same transaction as the sign-up handler, one commit each). Prints {"url"} when listening,
// and {"maxRssKb"} (its peak resident memory) when stopped with SIGTERM.
import http from 'node:http';
import { composeMail } from '../integrations/rapport/core/mail/compose.ts';
import { enqueueMail } from '../integrations/rapport/core/mail/outbox.ts';
import { issueToken } from '../integrations/rapport/core/security/tokens.ts';
import { upsertContact } from '../integrations/rapport/core/store/contacts.ts';
import { migrateToLatest } from '../integrations/rapport/core/store/migrate.ts';
import { openStore } from '../integrations/rapport/core/store/open-store.ts';
import { startServer, serverUrl } from '../integrations/rapport/server/serve.ts';

const { mode, distDir, store: storeOptions, secret, withoutFeatures, trustProxy } = JSON.parse(process.env.BENCH_SERVER);

// BENCH_TRACE=1: request, event-loop and SQLite-connection timings on stderr at the end (see server-trace.mjs).
const trace = process.env.BENCH_TRACE ? await import('./server-trace.mjs') : undefined;

/** Set by the rapport server below: stops it as a deployment would (what it holds in memory, the visit counts, is written). */
let stopServer;
process.once('SIGTERM', async () => {
  trace?.printTrace();
  // At most 5 s: a connection the load generator left open must not keep the benchmark waiting.
  await Promise.race([stopServer?.(), new Promise((resolve) => setTimeout(resolve, 5_000))]).catch(() => undefined);
  console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
  process.exit(0);
});

if (mode === 'rapport') {
  const running = await startServer({
    distDir,
    port: 0,
    host: '127.0.0.1',
    store: storeOptions,
    secret,
    secretFile: '/dev/null',
    withoutFeatures,
    trustProxy,
    rateLimits: { perIp: { points: 1e9, duration: 60 }, mailPerAddress: { points: 1e9, duration: 60 } },
  });
  stopServer = () => running.close();
  trace?.traceServer(running.server);
  trace?.traceStore(running.store);
  console.log(JSON.stringify({ url: serverUrl(running.server) }));
} else {
  // One commit (one fsync) per request, as a plain handler does: no group commit.
  const store = openStore({ ...storeOptions, groupCommit: false });
  await migrateToLatest(store);
  trace?.traceStore(store);
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      await store.db.transaction().execute(async (trx) => {
        const contact = await upsertContact(trx, { email: form.get('email'), name: '' });
        const now = new Date().toISOString();
        await trx
          .insertInto('list_subscriptions')
          .values({ contact_id: contact.id, list: 'news', status: 'pending', created_at: now, confirmed_at: null, updated_at: now })
          .onConflict((oc) => oc.columns(['contact_id', 'list']).doUpdateSet({ status: 'pending', updated_at: now }))
          .execute();
        const token = await issueToken(trx, { purpose: 'subscribe-confirm', contactId: contact.id, payload: { lists: ['news'] }, ttlMs: 3_600_000 });
        await enqueueMail(
          trx,
          composeMail({
            to: contact.email,
            subject: 'Confirm',
            paragraphs: ['Confirm'],
            action: { label: 'Confirm', url: `https://example.com/c?token=${token}` },
            footer: ['x'],
          }),
        );
      });
      res.writeHead(303, { Location: '/subscribe/check-your-inbox' });
      res.end();
    });
  });
  trace?.traceServer(server);
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })));
}
