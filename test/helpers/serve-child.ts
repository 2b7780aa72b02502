// Runs Rapport's server in its own process for tests that kill it (SIGKILL) mid-burst.
// Input: RAPPORT_TEST_SERVER (JSON of ServeOptions). Output: one line `{"url": …}` once listening.
import { startServer, serverUrl, type ServeOptions } from '../../integrations/rapport/server/serve.ts';

const options = JSON.parse(process.env.RAPPORT_TEST_SERVER!) as ServeOptions;
const running = await startServer(options);
process.stdout.write(`${JSON.stringify({ url: serverUrl(running.server) })}\n`);
