import { KeyVerifier } from "@keyward/auth-core";
import { type Db, findKeyRecordByHash } from "@keyward/db";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { Redis } from "ioredis";
import type { ApiContext } from "./context";
import { createAuthenticateHook } from "./enforcement/authenticate";
import { KeyChangeFeed } from "./enforcement/key-changes";
import { MemoryRateLimiter } from "./enforcement/rate-limiter";
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

  const verifier = new KeyVerifier({
    store: { findByHash: (hash) => findKeyRecordByHash(opts.db, hash) },
    rateLimiter: new MemoryRateLimiter(),
  });
  const redis = opts.redis ?? null;
  const keyChanges = new KeyChangeFeed({ db: opts.db, verifier, redis, log: app.log });
  await keyChanges.start();
  app.addHook("onClose", () => keyChanges.stop());
  const context: ApiContext = { db: opts.db, env: opts.env, verifier, redis, keyChanges };
  // Authentication runs before the body is read, so refused requests cost no parsing.
  app.addHook("onRequest", createAuthenticateHook(verifier));

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
