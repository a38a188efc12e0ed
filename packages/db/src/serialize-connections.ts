// pglite-socket 0.2 runs one protocol message at a time from any connection, and keeps a
// connection's messages together only inside an explicit BEGIN…COMMIT. An extended-protocol query
// (Parse, Bind, Execute, Sync) is several messages, so under concurrency another connection's
// Parse can land in between: measured here, 3–7 of 300 concurrent Prisma queries from an API
// process failed with "portal does not exist" or got another query's empty result. This replaces
// the queue's scheduling so a connection keeps PGlite from its first message until PGlite answers
// ReadyForQuery/Idle, i.e. until its query or transaction is complete.
import type { PGLiteSocketServer } from "@electric-sql/pglite-socket";

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(error: unknown): void;
  onData(data: Uint8Array): void;
}

interface ProtocolDb {
  runExclusive<T>(fn: () => Promise<T>): Promise<T>;
  execProtocolRawStream(message: Uint8Array, opts: { onRawData: (data: Uint8Array) => void }): Promise<unknown>;
}

/** The private shape of pglite-socket 0.2's QueryQueueManager that this patch relies on. */
interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: ProtocolDb;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

// ReadyForQuery: 'Z', int32 length 5, status 'I' (idle: no transaction open).
const READY_IDLE = [0x5a, 0, 0, 0, 5, 0x49];
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);
const NOBODY = null;
const RESETTING = -1;

export function serializeConnections(server: PGLiteSocketServer): void {
  const q = (server as unknown as { queryQueue?: QueryQueue }).queryQueue;
  if (!q || !Array.isArray(q.queue) || typeof q.clearQueueForHandler !== "function") {
    throw new Error("@electric-sql/pglite-socket changed its internals: re-check serialize-connections.ts");
  }
  let owner: number | null = NOBODY;

  q.processQueue = async () => {
    if (q.processing) return;
    q.processing = true;
    try {
      while (q.queue.length > 0) {
        const index = owner === NOBODY ? 0 : q.queue.findIndex((m) => m.handlerId === owner);
        if (index === -1) break; // the owner's next message has not arrived yet
        const [item] = q.queue.splice(index, 1) as [QueuedMessage];
        owner = item.handlerId;
        const tail: number[] = [];
        let bytes = 0;
        try {
          await q.db.runExclusive(() =>
            q.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                for (let i = Math.max(0, data.length - READY_IDLE.length); i < data.length; i++)
                  tail.push(data[i] as number);
                if (tail.length > READY_IDLE.length) tail.splice(0, tail.length - READY_IDLE.length);
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          owner = NOBODY;
          item.reject(error);
          continue;
        }
        if (tail.length === READY_IDLE.length && tail.every((b, i) => b === READY_IDLE[i])) owner = NOBODY;
        q.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      q.processing = false;
    }
  };

  const clearQueueForHandler = q.clearQueueForHandler.bind(q);
  q.clearQueueForHandler = (handlerId: number) => {
    clearQueueForHandler(handlerId);
    if (owner !== handlerId) return;
    // The owner left mid-query: a Sync ends whatever it had started before anyone else runs.
    owner = RESETTING;
    void q.db
      .runExclusive(() => q.db.execProtocolRawStream(SYNC, { onRawData: () => {} }))
      .catch(() => {})
      .finally(() => {
        owner = NOBODY;
        void q.processQueue();
      });
  };
}
