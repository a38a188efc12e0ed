// Child process: the API exactly as apps/api/src/main.ts builds it (buildApp with the real
// enforcement hook, rate limiter, usage buffer and key-change feed), plus three routes that differ
// only in how they authenticate, and an IPC channel that reports the process's own counters.
//
//   GET /bench/open    no credential check (the enforcement hook returns at once: no `config.auth`)
//   GET /bench/keyed   the enforcement hook (docs/architecture.md), scope `bench:read`
//   GET /bench/prisma  what most Node apps do instead: SHA-256 the bearer key and `findUnique` it, every request
import { createHash } from "node:crypto";
import { buildApp } from "@keyward/api/app";
import { loadEnv } from "@keyward/api/env";
import { createDb, poolOf } from "@keyward/db";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Redis } from "ioredis";

const env = loadEnv();
if (!env.DATABASE_URL) throw new Error("bench-api needs DATABASE_URL");
const plain = createDb(env.DATABASE_URL);

let keyQueries = 0;
let keyQueryMs: number[] = [];
// Counts and times the enforcement path's store reads (findKeyRecordByHash / findKeyRecordsByHash, sent
// to the client's pg pool as SQL) from the database client's side rather than from the verifier's own
// counters. Prisma's own queries on the same pool are not key reads and are not counted.
const pool = poolOf(plain);
const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
(pool as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = async (...args: unknown[]) => {
  const text = typeof args[0] === "string" ? args[0] : "";
  // core/keys/records.ts: company keys joined with their company, then operator keys, by hash.
  if (!/FROM api_keys k JOIN companies c ON c\.id = k\.company_id WHERE k\.hash/.test(text)) return query(...args);
  keyQueries++;
  const started = performance.now();
  try {
    return await query(...args);
  } finally {
    if (/WHERE k\.hash = \$1/.test(text)) keyQueryMs.push(performance.now() - started);
  }
};
const db = plain;

const redis = env.REDIS_URL ? new Redis(env.REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 }) : null;
const app = await buildApp({ db, env, redis });

const OK = { ok: true };
const UNAUTHORIZED = { errors: [{ code: "UNAUTHORIZED", message: "Invalid or missing API key" }] };

async function lookupEveryRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "");
  const row = match?.[1]
    ? await plain.apiKey.findUnique({ where: { hash: createHash("sha256").update(match[1]).digest("hex") } })
    : null;
  if (row === null || row.revokedAt !== null) await reply.code(401).send(UNAUTHORIZED);
}

app.get("/bench/open", async () => OK);
app.get("/bench/keyed", { config: { auth: { scopes: ["bench:read"] } } }, async () => OK);
app.get("/bench/prisma", { onRequest: lookupEveryRequest }, async () => OK);

type Command = "stats" | "flush" | "gc" | "resetQueryTimes";

process.on("message", (message: { id: string; cmd: Command }) => {
  const answer = (result?: unknown) => process.send?.({ id: message.id, result });
  switch (message.cmd) {
    case "stats": {
      const cpu = process.cpuUsage();
      const memory = process.memoryUsage();
      answer({
        verifier: { ...app.keyward.verifier.stats },
        usageRecorded: app.keyward.usage.recorded,
        keyQueries,
        keyQueryMs,
        cpuMicros: cpu.user + cpu.system,
        rss: memory.rss,
        heapUsed: memory.heapUsed,
        external: memory.external,
      });
      return;
    }
    case "flush":
      void app.keyward.usage.flush().then(() => answer());
      return;
    case "gc":
      globalThis.gc?.();
      answer();
      return;
    case "resetQueryTimes":
      keyQueryMs = [];
      answer();
      return;
  }
});

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  setInterval(() => app.server.closeIdleConnections(), 100).unref();
  await app.close();
  await plain.$disconnect();
  redis?.disconnect();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown());
// The runner died: do not outlive it.
process.on("disconnect", () => void shutdown());

await app.listen({ port: env.API_PORT, host: env.API_HOST });
