/**
 * The embedded database on its own thread. PGlite runs PostgreSQL compiled to WebAssembly, synchronously:
 * in the server's thread every statement blocks the event loop, so under load the database and the
 * HTTP/SSE work take turns on one core. Here PGlite lives in a `worker_threads` worker and this thread keeps
 * only a client: PGlite's own base class (query, exec, transactions, type parsing) on top of one primitive,
 * "run these wire-protocol bytes", forwarded to the worker. Locks are kept on this side, where every caller
 * is.
 *
 * The worker is a few lines of inline JavaScript that imports PGlite by its resolved URL, so it runs the same
 * from the TypeScript sources (Node 20 does not pass tsx's `--import` hooks on to workers) and from `dist/`.
 */
import { Worker } from 'node:worker_threads';
import {
  Mutex,
  PGlite,
  protocol,
  type ExecProtocolOptions,
  type ExecProtocolResult,
  type PGliteOptions,
} from '@electric-sql/pglite';

type BackendMessage = ExecProtocolResult['messages'][number];

const workerScript = `
  const { parentPort, workerData } = require('node:worker_threads');
  let database;
  parentPort.on('message', async ({ id, kind, message, syncToFs }) => {
    try {
      if (kind === 'open') {
        const { PGlite } = await import(workerData.pgliteUrl);
        database = await PGlite.create(workerData.dataDir, workerData.options);
        parentPort.postMessage({ id });
      } else if (kind === 'raw') {
        // A copy: the result may be a view of the WebAssembly memory, which must not be transferred.
        const data = (await database.execProtocolRaw(message, { syncToFs })).slice();
        parentPort.postMessage({ id, data }, [data.buffer]);
      } else if (kind === 'sync') {
        await database.syncToFs();
        parentPort.postMessage({ id });
      } else if (kind === 'close') {
        await database?.close();
        parentPort.postMessage({ id });
      }
    } catch (error) {
      // PGlite's file system errors are plain objects, not Errors.
      const text = error instanceof Error ? error.message : JSON.stringify(error);
      parentPort.postMessage({ id, error: text });
    }
  });`;

/** The members of PGlite's base class this module relies on (the class itself is not exported). */
interface PGliteBase {
  serializers: PGlite['serializers'];
  parsers: PGlite['parsers'];
  query: PGlite['query'];
  exec: PGlite['exec'];
  transaction: PGlite['transaction'];
  _initArrayTypes(): Promise<void>;
}
const PGliteBaseClass = Object.getPrototypeOf(PGlite) as new () => PGliteBase;

type Reply = { id: number; data?: Uint8Array; error?: string };

export class PgliteThread extends PGliteBaseClass {
  readonly debug = 0;
  #closed = false;
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(reply: Reply): void; reject(error: Error): void }>();
  #nextId = 1;
  #exitError: Error | undefined;
  readonly #queryLock = new Mutex();
  readonly #transactionLock = new Mutex();
  readonly #parser = new protocol.Parser();

  private constructor(dataDir: string | undefined, options: PGliteOptions) {
    super();
    this.#worker = new Worker(workerScript, {
      eval: true,
      workerData: { pgliteUrl: import.meta.resolve('@electric-sql/pglite'), dataDir, options },
    });
    this.#worker.on('message', (reply: Reply) => {
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (reply.error === undefined) pending?.resolve(reply);
      else pending?.reject(new Error(reply.error));
    });
    this.#worker.on('error', (error) => this.#failAll(error));
    this.#worker.on('exit', () => this.#failAll(new Error('The embedded database thread stopped.')));
  }

  /** Starts the thread and opens the database (`dataDir` undefined: in memory). */
  static async open(dataDir: string | undefined, options: PGliteOptions): Promise<PgliteThread> {
    const client = new PgliteThread(dataDir, options);
    try {
      await client.#call('open');
      await client._initArrayTypes();
      return client;
    } catch (error) {
      await client.close().catch(() => {});
      throw error;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#call('close');
    } finally {
      await this.#worker.terminate();
    }
  }

  async execProtocolRaw(
    message: Uint8Array,
    { syncToFs = true }: ExecProtocolOptions = {},
  ): Promise<Uint8Array> {
    return (await this.#call('raw', message, syncToFs)).data!;
  }

  async execProtocol(
    message: Uint8Array,
    { syncToFs = true, throwOnError = true, onNotice }: ExecProtocolOptions = {},
  ): Promise<ExecProtocolResult> {
    const data = await this.execProtocolRaw(message, { syncToFs });
    const messages: BackendMessage[] = [];
    let failure: BackendMessage | undefined;
    this.#parser.parse(data, (parsed) => {
      if (parsed instanceof protocol.messages.DatabaseError) failure ??= parsed;
      else if (parsed instanceof protocol.messages.NoticeMessage) onNotice?.(parsed);
      messages.push(parsed);
    });
    if (throwOnError && failure) throw failure;
    return { messages, data };
  }

  async execProtocolStream(
    message: Uint8Array,
    options: ExecProtocolOptions = {},
  ): Promise<BackendMessage[]> {
    return (await this.execProtocol(message, options)).messages;
  }

  async execProtocolRawStream(
    message: Uint8Array,
    { syncToFs, onRawData }: { syncToFs?: boolean; onRawData: (data: Uint8Array) => void },
  ): Promise<void> {
    onRawData(await this.execProtocolRaw(message, { syncToFs }));
  }

  async syncToFs(): Promise<void> {
    await this.#call('sync');
  }

  _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T> {
    return this.#queryLock.runExclusive(fn);
  }

  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.#transactionLock.runExclusive(fn);
  }

  async _checkReady(): Promise<void> {
    if (this.#closed) throw new Error('The embedded database is closed.');
  }

  // Blobs (COPY to and from files) and LISTEN are not used by BestAI.
  async _handleBlob(): Promise<void> {}
  async _getWrittenBlob(): Promise<undefined> {
    return undefined;
  }
  async _cleanupBlob(): Promise<void> {}
  async listen(): Promise<never> {
    throw new Error('LISTEN is not available on the embedded database.');
  }

  #call(kind: 'open' | 'raw' | 'sync' | 'close', message?: Uint8Array, syncToFs?: boolean): Promise<Reply> {
    if (this.#exitError) return Promise.reject(this.#exitError);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, kind, message, syncToFs });
    });
  }

  #failAll(error: Error): void {
    this.#exitError ??= error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
