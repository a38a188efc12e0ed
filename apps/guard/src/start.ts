// `keyward guard`: resolve the settings (config.ts), connect to the database when one is configured
// (DATABASE_URL, or the embedded one `pnpm start` serves, followed when a restart moves its port: the
// guard never starts a database of its own), take the secret and TTL from the dashboard when nothing
// else gave them, start the same enforcement pipeline as the API, listen, and print the two headers
// a caller can use. With --all-companies the pipeline knows every company's keys and the dashboard is
// not consulted: its secret and TTL are one company's, and this guard belongs to none.

import {
  aesSecretBox,
  formatDuration,
  issueGuardToken,
  isUuid,
  readGuardSecret,
  resolveGuardEncryptionKey,
  soleCompanyId,
} from "@keyward/core";
import { createDb, type Db, findRunningEmbeddedDatabase, followEmbeddedDatabase, resolveDataDir } from "@keyward/db";
import {
  type EnforcementPipeline,
  FailedAuthThrottle,
  PeriodicTask,
  startEnforcementPipeline,
} from "@keyward/enforcement";
import {
  createKeywardServer,
  databaseAcmeStore,
  plainHttpExposure,
  startTls,
  type Tls,
  type TlsSettings,
  TlsSettingsError,
  tlsSettings,
} from "@keyward/tls";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import pino from "pino";
import { DEFAULT_TOKEN_TTL_SECONDS, type GuardFlags, resolveGuardConfig } from "./config";
import { type GuardEnv, loadGuardEnv } from "./env";
import { GuardStartError } from "./errors";
import { buildGuard } from "./server";

/** How often a guard using the dashboard's secret looks for a new one (a regenerated secret stops old tokens). */
const DASHBOARD_POLL_MS = 5000;

/** DATABASE_URL, or the embedded database's address, followed across restarts of `pnpm start` (new port). */
async function configuredDatabase(env: GuardEnv): Promise<string | (() => string) | null> {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  const dataDir = resolveDataDir(env.KEYWARD_DATA_DIR);
  const running = await findRunningEmbeddedDatabase(dataDir);
  return running ? followEmbeddedDatabase(dataDir, running.url) : null;
}

/** The company the guard serves: the named one (id or name), or the only one. */
async function resolveCompany(db: Db, named: string | undefined): Promise<string> {
  if (named !== undefined) {
    const companies = await db.company.findMany({
      where: isUuid(named) ? { id: named } : { name: named },
      select: { id: true },
      take: 2,
    });
    if (companies.length > 1) throw new GuardStartError("usage", `several companies are named "${named}": pass its id`);
    const company = companies[0];
    if (!company)
      throw new GuardStartError("usage", `no company "${named}" in the database (--company takes an id or a name)`);
    return company.id;
  }
  const only = await soleCompanyId(db);
  if (only === null) {
    const count = await db.company.count();
    throw new GuardStartError(
      "usage",
      count === 0
        ? "the database has no company yet: run `pnpm keyward setup --company NAME --email EMAIL` first"
        : "the database has several companies: name the guard's with --company (id or name) or KEYWARD_GUARD_COMPANY",
    );
  }
  return only;
}

export interface RunningGuard {
  app: FastifyInstance;
  url: string;
  stop(): Promise<void>;
}

/** KEYWARD_TLS, checked with the address the guard listens on: a wrong or unsafe setting is a usage error. */
function checkTls(env: GuardEnv, host: string, port: number): { tls: TlsSettings; warning: string | null } {
  try {
    const tls = tlsSettings(env);
    return {
      tls,
      warning: plainHttpExposure({ settings: tls, host, port, service: "The guard", nodeEnv: env.NODE_ENV }),
    };
  } catch (error) {
    throw new GuardStartError("usage", (error as Error).message);
  }
}

export async function startGuard(flags: GuardFlags, env: GuardEnv = loadGuardEnv()): Promise<RunningGuard> {
  const config = resolveGuardConfig(flags, env);
  const { tls, warning } = checkTls(env, config.host, config.port);
  const out = (line = "") => process.stdout.write(`${line}\n`);
  // A company's dashboard secret would let that company's guard tokens through for every company's upstream.
  if (config.allCompanies && config.authEnabled && config.authSecret === undefined) {
    throw new GuardStartError(
      "usage",
      "--all-companies needs a guard secret of its own (the dashboard's belongs to one company): pass --auth-secret (e.g. `--auth-secret $(openssl rand -hex 32)`), set KEYWARD_GUARD_AUTH_SECRET, or add authSecret to .keyward.yaml",
    );
  }

  // With authentication off nothing is checked, so no database is needed either.
  const database = config.authEnabled ? await configuredDatabase(env) : null;
  const db = database ? createDb(database, { maxConnections: 4 }) : null;
  let secret = config.authSecret;
  let ttlSeconds = config.tokenTtlSeconds;
  let companyId: string | null = null;
  let encryptionKey: Buffer | null = null;
  const fromDashboard = secret === undefined;
  try {
    if (config.allCompanies && config.authEnabled && !db) {
      throw new GuardStartError(
        "refused",
        "--all-companies accepts the managed keys of every company, which are in the database: set DATABASE_URL, or run `pnpm start`",
      );
    }
    if (db && !config.allCompanies) {
      companyId = await resolveCompany(db, config.company);
      if (secret === undefined || ttlSeconds === undefined) {
        encryptionKey = resolveGuardEncryptionKey({
          encryptionKey: env.KEYWARD_ENCRYPTION_KEY,
          nodeEnv: env.NODE_ENV,
          dataDir: resolveDataDir(env.KEYWARD_DATA_DIR),
        });
        const stored = await readGuardSecret(db, companyId, encryptionKey);
        if (stored.unreadable && secret === undefined) {
          throw new GuardStartError(
            "refused",
            "the dashboard's guard secret was sealed with another KEYWARD_ENCRYPTION_KEY: set the API's key, or generate a new secret in Settings → Guard",
          );
        }
        secret ??= stored.secret ?? undefined;
        ttlSeconds ??= stored.tokenTtlSeconds;
      }
    }
  } catch (error) {
    await db?.$disconnect();
    throw error;
  }
  if (secret === undefined && config.authEnabled) {
    await db?.$disconnect();
    throw new GuardStartError(
      "usage",
      "no guard secret: pass --auth-secret (e.g. `--auth-secret $(openssl rand -hex 32)`), set KEYWARD_GUARD_AUTH_SECRET, add authSecret to .keyward.yaml" +
        (db ? ", or set one in the dashboard (Settings → Guard)" : "") +
        ". To let every request through, say so: --auth-enabled=false",
    );
  }
  ttlSeconds ??= DEFAULT_TOKEN_TTL_SECONDS;
  const secretHolder = { value: secret ?? "" };

  let listeningPort: number | undefined;
  let certificates: Tls | null;
  try {
    certificates = await startTls({
      settings: tls,
      log: { info: (message) => out(message), error: (message) => process.stderr.write(`${message}\n`) },
      host: config.host,
      httpsPort: () => listeningPort,
      store:
        tls.mode === "auto" && db
          ? databaseAcmeStore(
              db,
              aesSecretBox(
                encryptionKey ??
                  resolveGuardEncryptionKey({
                    encryptionKey: env.KEYWARD_ENCRYPTION_KEY,
                    nodeEnv: env.NODE_ENV,
                    dataDir: resolveDataDir(env.KEYWARD_DATA_DIR),
                  }),
              ),
            )
          : null,
    });
  } catch (error) {
    await db?.$disconnect();
    throw new GuardStartError(error instanceof TlsSettingsError ? "usage" : "refused", (error as Error).message);
  }

  const redis = db && env.REDIS_URL ? new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 }) : null;
  let pipeline: EnforcementPipeline | null = null;
  let app: FastifyInstance;
  try {
    // Without a database there are no managed keys, but wrong secrets are still throttled per IP.
    const throttleOnly = new FailedAuthThrottle({
      redis: null,
      limit: env.AUTH_FAILURE_LIMIT,
      windowSeconds: env.AUTH_FAILURE_WINDOW_SECONDS,
    });
    const log = pino({ level: env.LOG_LEVEL }, process.stderr);
    if (db && companyId) pipeline = await startEnforcementPipeline({ db, env, redis, log, companyId });
    else if (db && config.allCompanies) {
      pipeline = await startEnforcementPipeline({ db, env, redis, log, companyKeysOnly: true });
    }
    app = await buildGuard({
      upstream: config.upstream,
      authEnabled: config.authEnabled,
      secret: { current: () => secretHolder.value },
      company: companyId,
      routes: config.routes,
      pipeline,
      throttle: pipeline?.throttle ?? throttleOnly,
      env,
      logStream: process.stderr,
      server: {
        create: (handler) => createKeywardServer(certificates?.source ?? null, handler),
        https: !!certificates,
      },
    });
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await certificates?.stop();
    await pipeline?.stop();
    redis?.disconnect();
    await db?.$disconnect();
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new GuardStartError("refused", `port ${config.port} is in use: pass --port with a free one`);
    }
    throw error;
  }

  // A secret regenerated in the dashboard takes effect without a restart (tokens of the old one stop).
  let poll: PeriodicTask | undefined;
  if (fromDashboard && db && companyId && encryptionKey) {
    const [pollDb, pollCompany, pollKey] = [db, companyId, encryptionKey];
    poll = new PeriodicTask(
      async () => {
        const stored = await readGuardSecret(pollDb, pollCompany, pollKey);
        if (stored.secret !== null) secretHolder.value = stored.secret;
      },
      // A failed read keeps the secret in use; the next poll tries again (a database outage is not news here).
      { onError: () => {} },
    );
    poll.start(DASHBOARD_POLL_MS);
  }

  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  listeningPort = port;
  const url = `${certificates ? "https" : "http"}://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  out(`Keyward guard on ${url} -> ${config.upstream.href}`);
  if (warning) out(warning);
  if (config.configFile) out(`Settings from ${config.configFile} (flags and KEYWARD_GUARD_* override it)`);
  if (!config.authEnabled) {
    out("WARNING: authentication is DISABLED (--auth-enabled=false): every request reaches the upstream.");
  } else {
    const issued = await issueGuardToken(secretHolder.value, ttlSeconds, { companyId: companyId ?? undefined });
    out("Callers send one of these headers:");
    out(`keyward-auth-key: ${secretHolder.value}`);
    out(`keyward-auth-token: ${issued.token}`);
    out(
      `(the token expires after ${formatDuration(ttlSeconds)}, at ${issued.expiresAt.toISOString()}; each start issues a fresh one)`,
    );
    out(
      pipeline
        ? `Managed API keys${config.allCompanies ? " of every company" : ""} (Authorization: Bearer or X-API-Key) are accepted on ${config.routes.length} route rule(s):`
        : "Managed API keys are not accepted: no database is configured (DATABASE_URL, or `pnpm start`).",
    );
    if (pipeline) for (const rule of config.routes) out(`  ${rule.text}`);
  }

  let stopping: Promise<void> | null = null;
  return {
    app,
    url,
    stop() {
      stopping ??= (async () => {
        await poll?.stop();
        setInterval(() => app.server.closeIdleConnections(), 100).unref();
        await app.close();
        await pipeline?.stop();
        await certificates?.stop();
        redis?.disconnect();
        await db?.$disconnect();
      })();
      return stopping;
    },
  };
}
