// The services every enforcement point shares (docs/architecture.md): the key verifier with its cache, the
// rate limiter, the usage buffer (which also folds refusals into audit events and feeds the alert
// detector), the failed-credential throttle and the key-change feed that drops revoked keys. The API
// and the guard both start theirs here, so a managed key is judged and counted the same way wherever
// it is presented: rate limits share Redis counters (per process without Redis), alert counts share
// the database's.
import type { KeyRecord, KeyStore } from "@keyward/auth-core";
import { findKeyRecordByHash, findKeyRecordsByHash } from "@keyward/core";
import type { Db } from "@keyward/db";
import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";
import { AlertDetection } from "./alerts/detection";
import { FailedAuthThrottle } from "./failed-auth-throttle";
import { KeyChangeFeed } from "./key-changes";
import { ObservableKeyVerifier } from "./key-states";
import { KeyRateLimiter } from "./rate-limiter";
import type { EnforcementEnv } from "./settings";
import { UsageBuffer } from "./usage-buffer";

export interface EnforcementPipeline {
  verifier: ObservableKeyVerifier;
  rateLimiter: KeyRateLimiter;
  usage: UsageBuffer;
  throttle: FailedAuthThrottle;
  keyChanges: KeyChangeFeed;
  /** Alert rules and the detector the usage buffer feeds. */
  alerts: AlertDetection;
  /** Stops following key changes, then writes the last counted usage and alert counts. */
  stop(): Promise<void>;
}

export async function startEnforcementPipeline(opts: {
  db: Db;
  env: EnforcementEnv;
  redis: Redis | null;
  log: FastifyBaseLogger;
  /** Only keys of this company exist for this pipeline (the guard serves one company); others are unknown. */
  companyId?: string;
  /** Keys of no company (operator keys) are unknown too: what the guard fronts is a company's service. */
  companyKeysOnly?: boolean;
}): Promise<EnforcementPipeline> {
  const { db, env, redis, log, companyId, companyKeysOnly = false } = opts;
  const usage = new UsageBuffer({ db, log });
  usage.start(env.USAGE_FLUSH_INTERVAL_MS);
  const rateLimiter = new KeyRateLimiter({ redis, log });
  const ours = (key: KeyRecord) =>
    companyId === undefined ? !companyKeysOnly || Boolean(key.companyId) : key.companyId === companyId;
  const store: KeyStore = {
    findByHash: async (hash) => {
      const key = await findKeyRecordByHash(db, hash);
      return key !== null && ours(key) ? key : null;
    },
    findManyByHash: async (hashes) => (await findKeyRecordsByHash(db, hashes)).filter(ours),
  };
  const verifier = new ObservableKeyVerifier({ store, rateLimiter, usage });
  const throttle = new FailedAuthThrottle({
    redis,
    limit: env.AUTH_FAILURE_LIMIT,
    windowSeconds: env.AUTH_FAILURE_WINDOW_SECONDS,
  });
  const keyChanges = new KeyChangeFeed({ db, verifier, redis, log });
  await keyChanges.start();
  const alerts = new AlertDetection({ db, redis, log });
  await alerts.start(env);
  usage.alerts = alerts.detector;
  return {
    verifier,
    rateLimiter,
    usage,
    throttle,
    keyChanges,
    alerts,
    async stop() {
      await keyChanges.stop();
      await usage.stop();
      await alerts.stop();
    },
  };
}
