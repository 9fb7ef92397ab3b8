/** What the HTTP layer is given: configuration and the services it calls. Built once in main.ts or a test. */
import type { OpenReplies } from '../chat/open-replies.js';
import type { Config } from '../config.js';
import type { DatabaseHandle } from '../db/connect.js';
import type { Keyring } from '../vault/index.js';

export interface AppContext {
  readonly config: Readonly<Config>;
  readonly database: DatabaseHandle;
  /** Opens and seals workspaces' provider keys. */
  readonly keyring: Keyring;
  /** Used for every provider call; tests and benchmarks may pass their own. */
  readonly fetch?: typeof fetch;
}

declare module 'fastify' {
  interface FastifyInstance {
    context: AppContext;
    /** The replies streaming in this process (saved periodically, stopped on shutdown). */
    openReplies: OpenReplies;
  }
}
