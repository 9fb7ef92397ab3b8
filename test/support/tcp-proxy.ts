/**
 * A small TCP proxy in front of a server (PostgreSQL, in the fault tests and the soak), to make the
 * network fail the way it does in production without touching the shared server:
 * - `freeze()`: connections stay open but nothing passes either way (a partition), and new ones hang;
 * - `cut()`: every connection is dropped and new ones are refused (the database went away);
 * - `restore()`: traffic flows again.
 */
import net from 'node:net';

export interface TcpProxy {
  readonly port: number;
  freeze(): void;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let state: 'open' | 'frozen' | 'cut' = 'open';
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  const frozenWaiters: Array<() => void> = [];

  const connect = (client: net.Socket): void => {
    if (state === 'cut') return void client.destroy();
    const upstream = net.connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    const drop = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
    if (state === 'frozen') pause(pair);
  };
  const pause = (pair: { client: net.Socket; upstream: net.Socket }): void => {
    pair.client.unpipe(pair.upstream);
    pair.upstream.unpipe(pair.client);
    pair.client.pause();
    pair.upstream.pause();
  };
  const resume = (pair: { client: net.Socket; upstream: net.Socket }): void => {
    pair.client.pipe(pair.upstream);
    pair.upstream.pipe(pair.client);
  };

  const server = net.createServer((client) => {
    client.on('error', () => client.destroy());
    // A new connection during a freeze waits, as a SYN into a partition would.
    if (state === 'frozen') frozenWaiters.push(() => connect(client));
    else connect(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    freeze() {
      state = 'frozen';
      for (const pair of pairs) pause(pair);
    },
    cut() {
      state = 'cut';
      for (const pair of [...pairs]) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      pairs.clear();
      for (const waiter of frozenWaiters.splice(0)) waiter();
    },
    restore() {
      const wasFrozen = state === 'frozen';
      state = 'open';
      if (wasFrozen) for (const pair of pairs) resume(pair);
      for (const waiter of frozenWaiters.splice(0)) waiter();
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
