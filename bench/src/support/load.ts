// Load generation on loopback: autocannon for fixed-duration load, an undici pool for "send each of
// these requests exactly once" (first use of each key, floods, the million-request shutdown run).
import autocannon from "autocannon";
import { Pool } from "undici";

export interface LoadResult {
  /** Responses received. */
  responses: number;
  ok: number;
  non2xx: number;
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
  seconds: number;
  rps: number;
  /** Exact latencies (ms) of 2xx responses when asked for; autocannon's own histogram rounds to 1 ms. */
  latencies?: Float64Array;
  /** autocannon's p99 (whole ms), for saturation rounds where latencies are not recorded. */
  p99: number;
}

export interface LoadOptions {
  url: string;
  path: string;
  /** Bearer keys, used round-robin across all connections. */
  keys: readonly string[];
  connections: number;
  /** A timed run abandons the requests in flight when time is up… */
  seconds?: number;
  /** …a counted one gets an answer to every request it sent: use it where counts must be exact. */
  amount?: number;
  recordLatencies?: boolean;
  method?: "GET" | "POST";
  body?: string;
}

/**
 * Where each key list's round-robin stands: a run continues where the previous run on the same keys
 * stopped, so rounds shorter than the list still use every key in turn (restarting at the first key
 * every round left the tail of 10,000 keys idle long enough to expire from the cache).
 */
const roundRobin = new WeakMap<readonly string[], number>();

export async function hammer(opts: LoadOptions): Promise<LoadResult> {
  const keys = opts.keys;
  let next = roundRobin.get(keys) ?? 0;
  const latencies: number[] = [];
  const startedAt = performance.now();
  let lastResponseAt = startedAt;
  let finished!: (outcome: { error: Error | null; result: autocannon.Result }) => void;
  const done = new Promise<{ error: Error | null; result: autocannon.Result }>((resolve) => {
    finished = resolve;
  });
  const instance = autocannon(
    {
      url: opts.url,
      connections: opts.connections,
      ...(opts.amount !== undefined ? { amount: opts.amount } : { duration: opts.seconds ?? 5 }),
      pipelining: 1,
      timeout: 10,
      requests: [
        {
          method: opts.method ?? "GET",
          path: opts.path,
          ...(opts.body ? { body: opts.body } : {}),
          setupRequest: (request) => {
            const key = keys[next++ % keys.length];
            return {
              ...request,
              headers: {
                ...request.headers,
                authorization: `Bearer ${key}`,
                ...(opts.body ? { "content-type": "application/json" } : {}),
              },
            };
          },
        },
      ],
    },
    (error, result) => finished({ error, result }),
  );
  // autocannon notices the end of a counted run on its one-second tick, so its own duration (and
  // req/s) is rounded up to whole seconds: time the run to its last response instead.
  const record = opts.recordLatencies === true;
  instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    lastResponseAt = performance.now();
    if (record && statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  const { error, result } = await done;
  roundRobin.set(keys, next % keys.length);
  if (error) throw error;
  const statusCounts = Object.fromEntries(
    Object.entries(
      (result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {},
    ).map(([code, { count }]) => [code, count]),
  );
  const responses = Object.values(statusCounts).reduce((a, b) => a + b, 0);
  const seconds = (lastResponseAt - startedAt) / 1000;
  return {
    responses,
    ok: result["2xx"],
    non2xx: result.non2xx,
    statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds,
    rps: responses / seconds,
    p99: result.latency.p99,
    ...(opts.recordLatencies ? { latencies: Float64Array.from(latencies) } : {}),
  };
}

/** Runs `fn` over `items` with at most `concurrency` at a time, in order of start. */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export interface TimedResponse {
  status: number;
  ms: number;
}

/** A keep-alive connection pool to one server; `get` returns the status and the time to the last byte. */
export class HttpClient {
  readonly #pool: Pool;

  constructor(url: string, connections: number) {
    this.#pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  }

  async request(
    path: string,
    headers: Record<string, string>,
    opts: { method?: "GET" | "POST"; body?: string } = {},
  ): Promise<TimedResponse> {
    const started = performance.now();
    const response = await this.#pool.request({
      path,
      method: opts.method ?? "GET",
      headers,
      ...(opts.body !== undefined ? { body: opts.body } : {}),
    });
    await response.body.dump();
    return { status: response.statusCode, ms: performance.now() - started };
  }

  async text(path: string, headers: Record<string, string>): Promise<TimedResponse & { text: string }> {
    const started = performance.now();
    const response = await this.#pool.request({ path, method: "GET", headers });
    const text = await response.body.text();
    return { status: response.statusCode, ms: performance.now() - started, text };
  }

  close(): Promise<void> {
    return this.#pool.destroy();
  }
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
