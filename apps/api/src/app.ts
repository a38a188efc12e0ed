import { KeyVerifier } from "@keyward/auth-core";
import { type Db, findKeyRecordByHash } from "@keyward/db";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { Redis } from "ioredis";
import type { ApiContext } from "./context";
import { createAuthenticateHook } from "./enforcement/authenticate";
import { FailedAuthThrottle } from "./enforcement/failed-auth-throttle";
import { KeyChangeFeed } from "./enforcement/key-changes";
import { KeyRateLimiter } from "./enforcement/rate-limiter";
import { UsageBuffer } from "./enforcement/usage-buffer";
import type { Env } from "./env";
import { registerErrorHandlers } from "./errors";
import { loggerOptions, registerAccessLog } from "./logging";
import { healthRoutes } from "./routes/health";
import { createKeyRoute } from "./routes/keys/create";
import { getKeyRoute } from "./routes/keys/get";
import { listKeysRoute } from "./routes/keys/list";
import { revokeKeyRoute } from "./routes/keys/revoke";
import { rotateKeyRoute } from "./routes/keys/rotate";
import { updateKeyRoute } from "./routes/keys/update";
import { meRoutes } from "./routes/me";

export const BODY_LIMIT_BYTES = 64 * 1024;

export interface BuildAppOptions {
  db: Db;
  env: Env;
  redis?: Redis | null;
  /** Where logs go (tests capture them to prove no secret is ever written). */
  logStream?: NodeJS.WritableStream;
}

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(opts.env, opts.logStream),
    // Our own access log (logging.ts) replaces Fastify's, so it can name the key by fingerprint.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: opts.env.TRUST_PROXY,
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: 200 },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandlers(app);
  registerAccessLog(app);

  const redis = opts.redis ?? null;
  const usage = new UsageBuffer({ db: opts.db, log: app.log });
  usage.start(opts.env.USAGE_FLUSH_INTERVAL_MS);
  const verifier = new KeyVerifier({
    store: { findByHash: (hash) => findKeyRecordByHash(opts.db, hash) },
    rateLimiter: new KeyRateLimiter({ redis, log: app.log }),
    usage,
  });
  const throttle = new FailedAuthThrottle({
    redis,
    limit: opts.env.AUTH_FAILURE_LIMIT,
    windowSeconds: opts.env.AUTH_FAILURE_WINDOW_SECONDS,
  });
  const keyChanges = new KeyChangeFeed({ db: opts.db, verifier, redis, log: app.log });
  await keyChanges.start();
  // Fastify runs onClose hooks after the server stopped taking requests: the last flush sees every count.
  app.addHook("onClose", async () => {
    await keyChanges.stop();
    await usage.stop();
  });
  const context: ApiContext = { db: opts.db, env: opts.env, verifier, redis, keyChanges, usage };
  app.decorate("keyward", context);
  // Authentication runs before the body is read, so refused requests cost no parsing.
  app.addHook("onRequest", createAuthenticateHook(verifier, throttle));

  await app.register(healthRoutes, context);
  await app.register(meRoutes, context);
  await app.register(listKeysRoute, context);
  await app.register(createKeyRoute, context);
  await app.register(getKeyRoute, context);
  await app.register(updateKeyRoute, context);
  await app.register(rotateKeyRoute, context);
  await app.register(revokeKeyRoute, context);
  return app;
}
