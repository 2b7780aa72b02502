// One Rapport server of a cluster, in its own process (scripts/cluster.mjs starts several).
// Input: RAPPORT_CLUSTER_SERVER, the JSON of startServer's options; DKIM_* as `npm start` reads them.
// Logs go to standard output and error (the cluster writes them to the server's folder); SIGTERM
// closes the server (requests under way are answered, the store closed) and exits.
import { dkimFromEnv } from '../integrations/rapport/core/mail/dkim.ts';
import { startServer, serverUrl } from '../integrations/rapport/server/serve.ts';

const options = JSON.parse(process.env.RAPPORT_CLUSTER_SERVER ?? '{}');
const running = await startServer({ ...options, ...(options.mail ? { mail: { ...options.mail, dkim: dkimFromEnv(process.env) } } : {}) });
console.log(`Rapport is serving on ${serverUrl(running.server)} (pid ${process.pid}); CRM store: ${running.store.dialect} (${running.store.location})`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void running.close().then(() => process.exit(0)));
