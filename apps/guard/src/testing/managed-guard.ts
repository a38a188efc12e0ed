// A guard in this process with managed keys: a fresh test database with one company, the shared
// enforcement pipeline (Redis when REDIS_URL is set), and the given route rules, in front of `upstream`.

import { createKey, setupFirstCompany } from "@keyward/core";
import { createDb, type Db } from "@keyward/db";
import { createTestDatabase, type TestDatabase } from "@keyward/db/testing";
import { type EnforcementPipeline, startEnforcementPipeline } from "@keyward/enforcement";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import pino from "pino";
import { loadGuardEnv } from "../env";
import { parseRouteRule } from "../route-rules";
import { buildGuard } from "../server";

export const GUARD_TEST_SECRET = "guard-secret-for-tests-0123456789";

export interface ManagedGuard {
  url: string;
  app: FastifyInstance;
  db: Db;
  database: TestDatabase;
  companyId: string;
  pipeline: EnforcementPipeline;
  key(
    scopes: string[],
    extra?: { rateLimit?: { limit: number; windowSeconds: number } },
  ): Promise<{ id: string; secret: string }>;
  close(): Promise<void>;
}

export async function startManagedGuard(opts: {
  upstream: string;
  routes: string[];
  /** An existing database (and its company) to serve, instead of a fresh one. */
  shared?: { db: Db; companyId: string };
  /** Default: REDIS_URL. */
  redisUrl?: string;
  env?: Record<string, string>;
}): Promise<ManagedGuard> {
  const database = opts.shared ? null : await createTestDatabase();
  const db = opts.shared?.db ?? createDb((database as TestDatabase).url);
  const companyId =
    opts.shared?.companyId ??
    (await setupFirstCompany(db, { company: "Acme", email: "o@acme.test", password: "correct horse battery" }))
      .companyId;
  const env = loadGuardEnv({
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    REDIS_URL: "redisUrl" in opts ? opts.redisUrl : process.env.REDIS_URL,
    ...opts.env,
  });
  const redis = env.REDIS_URL ? new Redis(env.REDIS_URL) : null;
  // Connected before the first request: until then the rate limiter falls back to local windows.
  await redis?.ping();
  const pipeline = await startEnforcementPipeline({ db, env, redis, log: pino({ level: "warn" }), companyId });
  const app = await buildGuard({
    upstream: new URL(opts.upstream),
    authEnabled: true,
    secret: { current: () => GUARD_TEST_SECRET },
    routes: opts.routes.map(parseRouteRule),
    pipeline,
    throttle: pipeline.throttle,
    env,
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  return {
    url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`,
    app,
    db,
    database: database as TestDatabase,
    companyId,
    pipeline,
    async key(scopes, extra = {}) {
      const { key, secret } = await createKey(
        db,
        companyId,
        { name: `guard ${scopes.join(" ")}`, scopes, environment: "live", ...extra },
        { type: "system" },
      );
      return { id: key.id, secret };
    },
    async close() {
      await app.close();
      await pipeline.stop();
      redis?.disconnect();
      if (!opts.shared) {
        await db.$disconnect();
        await database?.drop();
      }
    },
  };
}
