// PGlite served over the PostgreSQL wire protocol to many connections, one query at a time.
//
// Why not pglite-socket's own PGLiteSocketServer: its queue (0.2.17, the newest when written;
// upstream issue electric-sql/pglite#1046, fix proposed in #977) runs one protocol *message* at a
// time from any connection, and keeps a connection's messages together only inside BEGIN…COMMIT.
// An extended-protocol query (Parse, Bind, Execute, Sync) is several messages, so another
// connection's Parse lands in between in PGlite's single session: "portal does not exist", or
// another query's rows (test/concurrency.test.ts fails that way with it). And one message PGlite
// fails leaves that queue stuck for good. A pnpm patch would have to edit its minified dist twice
// (ESM and CommonJS); a queue of our own behind its public handler is smaller to read and to keep.
//
// So the server here is pglite-socket's public connection handler (message framing, SSL and cancel
// requests) with a queue of ours: a connection holds PGlite from its first message until PGlite
// answers ReadyForQuery with status Idle, i.e. until its query or transaction is complete.
import { createServer, type Socket } from "node:net";
import type { PGlite } from "@electric-sql/pglite";
import type { PGLiteSocketHandler, PGLiteSocketHandlerOptions } from "@electric-sql/pglite-socket";

export interface PGliteServer {
  host: string;
  port: number;
  stop(): Promise<void>;
}

/** Serves `db` on `host:port` (0: a free port) to at most `maxConnections` connections at once. */
export async function servePGlite(
  db: PGlite,
  opts: { host: string; port: number; maxConnections: number },
): Promise<PGliteServer> {
  // Loaded on demand, like PGlite itself (see embedded.ts).
  const { PGLiteSocketHandler } = await import("@electric-sql/pglite-socket");
  await db.waitReady;
  const queue = new ConnectionQueue(db);
  const handlers = new Set<PGLiteSocketHandler>();
  let serving = true;

  const accept = async (socket: Socket) => {
    if (!serving) return void socket.end();
    if (handlers.size >= opts.maxConnections) return void socket.end("Too many connections\n");
    // The handler calls only the queue's public methods, which ConnectionQueue implements (see below);
    // the cast is because pglite-socket types the option as its own class.
    const handler = new PGLiteSocketHandler({ queryQueue: queue as unknown as SocketQueue, closeOnDetach: true });
    handlers.add(handler);
    const forget = () => handlers.delete(handler);
    handler.addEventListener("close", forget);
    handler.addEventListener("error", forget);
    await handler.attach(socket).catch(() => {
      forget();
      socket.destroy();
    });
  };
  const server = createServer((socket) => void accept(socket));
  server.maxConnections = opts.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address !== "object") throw new Error("the PGlite server has no TCP address");

  return {
    host: opts.host,
    port: address.port,
    async stop() {
      serving = false;
      for (const handler of handlers) void handler.detach(true);
      handlers.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type SocketQueue = PGLiteSocketHandlerOptions["queryQueue"];
/** The public methods of pglite-socket's queue: everything its handlers call. */
type SocketQueueMethods = { [K in keyof SocketQueue]: SocketQueue[K] };

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData(data: Uint8Array): void;
  resolve(bytes: number): void;
  reject(error: unknown): void;
}

// ReadyForQuery: 'Z', int32 length 5, status 'I' (idle: no query or transaction open).
const READY_IDLE = [0x5a, 0, 0, 0, 5, 0x49];
// Sync ends an extended query; a simple-protocol ROLLBACK ends an open transaction.
const SYNC = Uint8Array.of(0x53, 0, 0, 0, 4);
const ROLLBACK = Uint8Array.of(0x51, 0, 0, 0, 13, ...new TextEncoder().encode("ROLLBACK"), 0);

/** Runs the connections' messages one at a time, a connection's query or transaction as one piece. */
class ConnectionQueue implements SocketQueueMethods {
  readonly #db: PGlite;
  #queue: QueuedMessage[] = [];
  #running = false;
  /** The connection PGlite is in the middle of a query or transaction for, if any. */
  #owner: number | null = null;

  constructor(db: PGlite) {
    this.#db = db;
  }

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ handlerId, message, onData, resolve, reject });
      void this.#run();
    });
  }

  getQueueLength(): number {
    return this.#queue.length;
  }

  /** A connection left: its messages not yet run never will be. */
  clearQueueForHandler(handlerId: number): void {
    this.#queue = this.#queue.filter((queued) => {
      if (queued.handlerId !== handlerId) return true;
      queued.reject(new Error("Handler disconnected"));
      return false;
    });
  }

  /** A connection left while PGlite was still its: end what it started, as it would have, before anyone else runs. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    for (const message of [SYNC, ROLLBACK]) {
      if (this.#owner !== handlerId) return;
      await this.enqueue(handlerId, message, () => {}).catch(() => {});
    }
  }

  async #run(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      for (let next = this.#next(); next !== undefined; next = this.#next()) {
        this.#owner = next.handlerId;
        try {
          const { bytes, idle } = await this.#execute(next);
          if (idle) this.#owner = null;
          next.resolve(bytes);
        } catch (error) {
          // PGlite failed the message itself (an SQL error is an answer, not a throw): it holds nothing.
          this.#owner = null;
          next.reject(error);
        }
      }
    } finally {
      this.#running = false;
    }
  }

  /** The owner's next message, or anyone's first when PGlite is idle; none while the owner's is on its way. */
  #next(): QueuedMessage | undefined {
    const index = this.#owner === null ? 0 : this.#queue.findIndex((queued) => queued.handlerId === this.#owner);
    return index === -1 ? undefined : this.#queue.splice(index, 1)[0];
  }

  /** Runs one message; `idle` when PGlite's answer ends with ReadyForQuery Idle. */
  async #execute(queued: QueuedMessage): Promise<{ bytes: number; idle: boolean }> {
    let bytes = 0;
    let tail: number[] = [];
    await this.#db.runExclusive(() =>
      this.#db.execProtocolRawStream(queued.message, {
        onRawData: (data) => {
          bytes += data.length;
          tail = [...tail, ...data.subarray(-READY_IDLE.length)].slice(-READY_IDLE.length);
          queued.onData(data);
        },
      }),
    );
    return { bytes, idle: tail.length === READY_IDLE.length && tail.every((byte, i) => byte === READY_IDLE[i]) };
  }
}
