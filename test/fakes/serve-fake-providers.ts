/**
 * Starts the fake providers in their own process and prints one JSON line, `{"url": "http://…"}`, to
 * stdout. Usage: `npx tsx test/fakes/serve-fake-providers.ts [--port 0] [--host 127.0.0.1]`.
 * Stops on SIGINT or SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startFakeProviders } from './fake-provider-server.js';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write(`--port must be a port number, not ${values.port}\n`);
  process.exit(2);
}

const fake = await startFakeProviders({ port, host: values.host });
process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`);

let isStopping = false;
async function stop(): Promise<void> {
  if (isStopping) return;
  isStopping = true;
  await fake.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
