import fastifyCookie from "@fastify/cookie";
import type { PasswordHashing } from "@keyward/auth-core";
import { PasswordLogins, passwordLoginLimits } from "@keyward/core";
import type { Db } from "@keyward/db";
import {
  answerFrameworkError,
  answerMalformedHttp,
  type MadeServer,
  madeServerOptions,
  registerErrorHandlers,
  startEnforcementPipeline,
} from "@keyward/enforcement";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { Redis } from "ioredis";
import { Alerting } from "./alerts/alerting";
import { createAuthenticateHook } from "./auth/authenticate";
import { Memberships } from "./auth/memberships";
import { Sessions } from "./auth/sessions";
import { startTokenServices } from "./auth/start";
import type { ApiContext } from "./context";
import type { Env } from "./env";
import { loggerOptions, registerAccessLog } from "./logging";
import { registerMetrics } from "./plugins/metrics";
import { registerOpenApi } from "./plugins/openapi";
import { createAlertRuleRoute } from "./routes/alerts/create-rule";
import { deleteAlertRuleRoute } from "./routes/alerts/delete-rule";
import { getAlertRuleRoute } from "./routes/alerts/get-rule";
import { listAlertsRoute } from "./routes/alerts/list-alerts";
import { listAlertRulesRoute } from "./routes/alerts/list-rules";
import { markAlertsSeenRoute } from "./routes/alerts/mark-seen";
import { testAlertRuleRoute } from "./routes/alerts/test-rule";
import { updateAlertRuleRoute } from "./routes/alerts/update-rule";
import { exportAuditEventsRoute } from "./routes/audit/export";
import { listAuditEventsRoute } from "./routes/audit/list";
import { checkRoute } from "./routes/auth/check";
import { jwksRoute } from "./routes/auth/jwks";
import { loginRoute } from "./routes/auth/login";
import { logoutRoute } from "./routes/auth/logout";
import { signUpRoute } from "./routes/auth/signup";
import { tokenRoute } from "./routes/auth/token";
import { createCompanyRoute } from "./routes/companies/create";
import { getCompanyRoute } from "./routes/companies/get";
import { listCompaniesRoute } from "./routes/companies/list";
import { updateCompanyRoute } from "./routes/companies/update";
import { AuditFeed } from "./routes/events/audit-feed";
import { eventsStreamRoute } from "./routes/events/stream";
import { healthRoutes } from "./routes/health";
import { keyChangesRoute } from "./routes/keys/changes";
import { createKeyRoute } from "./routes/keys/create";
import { getKeyRoute } from "./routes/keys/get";
import { importKeysRoute } from "./routes/keys/import";
import { listKeysRoute } from "./routes/keys/list";
import { reportUsageRoute } from "./routes/keys/report-usage";
import { revokeKeyRoute } from "./routes/keys/revoke";
import { rotateKeyRoute } from "./routes/keys/rotate";
import { updateKeyRoute } from "./routes/keys/update";
import { verifyKeyRoute } from "./routes/keys/verify";
import { meRoutes } from "./routes/me";
import { usageRoute } from "./routes/usage/query";

export const BODY_LIMIT_BYTES = 64 * 1024;

export interface BuildAppOptions {
  db: Db;
  env: Env;
  redis?: Redis | null;
  /** Where logs go (tests capture them to prove no secret is ever written). */
  logStream?: NodeJS.WritableStream;
  /** What password hashes should be made with (default OWASP's); only tests pass cheaper parameters. */
  passwordHashing?: PasswordHashing;
  /** The HTTP server (main.ts passes @keyward/tls's, HTTPS when KEYWARD_TLS is on); default Fastify's plain HTTP. */
  server?: MadeServer;
}

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(opts.env, opts.logStream),
    // Our own access log (logging.ts) replaces Fastify's, so it can name the key by fingerprint.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: opts.env.TRUST_PROXY,
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: 200 },
    clientErrorHandler: answerMalformedHttp,
    frameworkErrors: answerFrameworkError,
    ...(opts.server ? madeServerOptions(opts.server) : {}),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandlers(app);
  registerAccessLog(app);

  const redis = opts.redis ?? null;
  const pipeline = await startEnforcementPipeline({ db: opts.db, env: opts.env, redis, log: app.log });
  const { verifier, usage, throttle, keyChanges } = pipeline;
  const { tokens, keyStates, companies } = await startTokenServices({
    db: opts.db,
    env: opts.env,
    log: app.log,
    verifier,
  });
  const events = new AuditFeed({ db: opts.db, log: app.log, pollIntervalMs: opts.env.EVENTS_POLL_INTERVAL_MS });
  // Alerts (src/alerts): the pipeline detects (its usage buffer feeds the detector); the API also delivers.
  const alerts = new Alerting({ db: opts.db, env: opts.env, log: app.log, detection: pipeline.alerts });
  await alerts.start();
  // Fastify runs onClose hooks after the server stopped taking requests: the last flush sees every count.
  app.addHook("onClose", async () => {
    tokens.signingKeys.stop();
    await pipeline.stop();
    await alerts.stop();
  });
  const memberships = new Memberships({ db: opts.db, ttlMs: opts.env.MEMBERSHIP_CACHE_MS });
  const sessions = new Sessions({ db: opts.db, ttlMs: opts.env.MEMBERSHIP_CACHE_MS });
  // Revoked sessions travel on the key-change feed (core sessions.ts): drop them here as they arrive.
  keyChanges.onChange((id) => sessions.forget(id));
  const context: ApiContext = {
    db: opts.db,
    env: opts.env,
    verifier,
    redis,
    keyChanges,
    usage,
    throttle,
    tokens,
    keyStates,
    companies,
    memberships,
    sessions,
    events,
    alerts,
    logins: new PasswordLogins({
      db: opts.db,
      redis,
      // Per IP: the throttle refused keys count in too (AUTH_FAILURE_LIMIT).
      perIp: throttle,
      limits: passwordLoginLimits(opts.env.LOGIN_THROTTLE_WINDOW_SECONDS),
      // Opens authenticator seeds with the key everything else sealed at rest uses.
      secretBox: alerts.box,
      ...(opts.passwordHashing ? { hashing: opts.passwordHashing } : {}),
    }),
    ...(opts.passwordHashing ? { passwordHashing: opts.passwordHashing } : {}),
  };
  app.decorate("keyward", context);
  // Authentication runs before the body is read, so refused requests cost no parsing.
  app.addHook(
    "onRequest",
    createAuthenticateHook({
      verifier,
      throttle,
      tokens,
      keyStates,
      memberships,
      sessions,
      companies,
      trustedOrigins: opts.env.KEYWARD_TRUSTED_ORIGINS,
    }),
  );
  // Cookies are parsed by the authenticate hook only when no header carries a credential.
  await app.register(fastifyCookie, { hook: false });

  // Before any route: metrics times each route and the OpenAPI document lists each route as it is registered.
  const metricsRoute = registerMetrics(app, context);
  await registerOpenApi(app);
  await app.register(metricsRoute);
  await app.register(healthRoutes, context);
  await app.register(meRoutes, context);
  await app.register(listKeysRoute, context);
  await app.register(createKeyRoute, context);
  await app.register(getKeyRoute, context);
  await app.register(updateKeyRoute, context);
  await app.register(rotateKeyRoute, context);
  await app.register(revokeKeyRoute, context);
  await app.register(importKeysRoute, context);
  await app.register(verifyKeyRoute, context);
  await app.register(keyChangesRoute, context);
  await app.register(reportUsageRoute, context);
  await app.register(usageRoute, context);
  await app.register(listAuditEventsRoute, context);
  await app.register(exportAuditEventsRoute, context);
  await app.register(loginRoute, context);
  await app.register(signUpRoute, context);
  await app.register(logoutRoute, context);
  await app.register(checkRoute, context);
  await app.register(tokenRoute, context);
  await app.register(jwksRoute, context);
  await app.register(eventsStreamRoute, context);
  await app.register(listAlertRulesRoute, context);
  await app.register(createAlertRuleRoute, context);
  await app.register(getAlertRuleRoute, context);
  await app.register(updateAlertRuleRoute, context);
  await app.register(deleteAlertRuleRoute, context);
  await app.register(testAlertRuleRoute, context);
  await app.register(listAlertsRoute, context);
  await app.register(markAlertsSeenRoute, context);
  await app.register(listCompaniesRoute, context);
  await app.register(createCompanyRoute, context);
  await app.register(getCompanyRoute, context);
  await app.register(updateCompanyRoute, context);
  return app;
}
