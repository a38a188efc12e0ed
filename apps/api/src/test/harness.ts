// Integration harness: a real, fresh database (embedded PGlite, or a new database on the PostgreSQL
// named by TEST_DATABASE_URL), the real app, and the keys first-run setup creates. No mocks.
import { Writable } from "node:stream";
import { type PasswordHashing, SCOPE_PRESETS } from "@keyward/auth-core";
import { createKey, setupFirstCompany } from "@keyward/core";
import { createDb, type Db } from "@keyward/db";
import { createTestDatabase, type TestDatabase } from "@keyward/db/testing";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import { buildApp } from "../app";
import { loadEnv } from "../env";
import { TEST_PASSWORD_HASHING } from "./credentials";

export interface Harness {
  app: FastifyInstance;
  db: Db;
  database: TestDatabase;
  companyId: string;
  adminKey: string;
  readOnlyKey: string;
  /** Everything the app logged, to prove secrets never reach a log. */
  logs: () => string;
  /** A second company with one admin key, for cross-tenant tests. */
  otherCompany: () => Promise<{ companyId: string; adminKey: string }>;
  keyWithScopes: (scopes: string[], environment?: "live" | "test") => Promise<{ id: string; secret: string }>;
  close: () => Promise<void>;
}

export async function startHarness(
  envOverrides: Record<string, string> = {},
  // Cheap password hashing unless a test asks for production's (PASSWORD_HASHING) explicitly.
  opts: { passwordHashing?: PasswordHashing } = {},
): Promise<Harness> {
  const passwordHashing = opts.passwordHashing ?? TEST_PASSWORD_HASHING;
  const database = await createTestDatabase();
  const db = createDb(database.url);
  const setup = await setupFirstCompany(
    db,
    { company: "Acme", email: "owner@acme.test", password: "correct horse battery" },
    { hashing: passwordHashing },
  );
  let logText = "";
  const logStream = new Writable({
    write(chunk, _enc, done) {
      logText += chunk.toString();
      done();
    },
  });
  const env = loadEnv({ LOG_LEVEL: "info", NODE_ENV: "test", REDIS_URL: process.env.REDIS_URL, ...envOverrides });
  const redis = env.REDIS_URL ? new Redis(env.REDIS_URL) : null;
  const app = await buildApp({ db, env, logStream, redis, passwordHashing });
  await app.ready();

  return {
    app,
    db,
    database,
    companyId: setup.companyId,
    adminKey: setup.adminKey.secret,
    readOnlyKey: setup.readOnlyKey.secret,
    logs: () => logText,
    async otherCompany() {
      const company = await db.company.create({ data: { name: `Other ${Date.now()}` } });
      const { secret } = await createKey(
        db,
        company.id,
        { name: "other admin", scopes: [...SCOPE_PRESETS.admin], environment: "live" },
        { type: "system" },
      );
      return { companyId: company.id, adminKey: secret };
    },
    async keyWithScopes(scopes, environment = "live") {
      const { key, secret } = await createKey(
        db,
        setup.companyId,
        { name: `scoped ${scopes.join(" ")}`, scopes, environment },
        { type: "system" },
      );
      return { id: key.id, secret };
    },
    async close() {
      await app.close();
      redis?.disconnect();
      await db.$disconnect();
      await database.drop();
    },
  };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

export type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** One request as a caller: its credential (or none), from its address; a body only where the method takes one. */
export const injectAs = (
  app: FastifyInstance,
  credential: string | null,
  from: string,
  method: Method,
  url: string,
  payload?: object,
) =>
  app.inject({
    method,
    url,
    headers: credential ? bearer(credential) : {},
    remoteAddress: from,
    ...(method === "GET" || method === "DELETE" ? {} : { payload: payload ?? {} }),
  });
