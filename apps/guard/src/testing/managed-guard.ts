// A guard in this process with managed keys: a fresh test database with one company, the shared
// enforcement pipeline (Redis when REDIS_URL is set), and the given route rules, in front of `upstream`.
// With `allCompanies` it serves the keys of every company, as `keyward guard --all-companies` does.

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
  /** A live key of the guard's company, or of `extra.companyId`. */
  key(
    scopes: string[],
    extra?: {
      rateLimit?: { limit: number; windowSeconds: number };
      environment?: "live" | "test";
      companyId?: string;
    },
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
  /** Every company's keys, none named by the guard secret. */
  allCompanies?: boolean;
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
  const log = pino({ level: "warn" });
  const pipeline = opts.allCompanies
    ? await startEnforcementPipeline({ db, env, redis, log, companyKeysOnly: true })
    : await startEnforcementPipeline({ db, env, redis, log, companyId });
  const app = await buildGuard({
    upstream: new URL(opts.upstream),
    authEnabled: true,
    secret: { current: () => GUARD_TEST_SECRET },
    company: opts.allCompanies ? null : companyId,
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
    async key(scopes, { companyId: owner = companyId, ...extra } = {}) {
      const { key, secret } = await createKey(
        db,
        owner,
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
