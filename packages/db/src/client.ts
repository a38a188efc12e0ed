import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client";

export type Db = PrismaClient;

// On the client itself (not in a WeakMap), so `$extends` copies, which forward property reads to
// the client they extend, find it too.
const POOL = Symbol.for("keyward.db.pool");

/**
 * One Prisma client over `pg` for PostgreSQL and the embedded database alike: the driver adapter
 * replaces Prisma's Rust query engine, so nothing is downloaded and both backends share one code path.
 * `databaseUrl` may be a function, asked again for every new connection (see `clientFollowing`).
 * The pool is created here and handed to the adapter (which ends it on `$disconnect`), so the few
 * queries on the enforcement path can use it directly: see `poolOf`.
 */
export function createDb(
  databaseUrl: string | (() => string),
  opts: { maxConnections?: number; connectTimeoutMs?: number } = {},
): Db {
  const settings = {
    max: opts.maxConnections ?? 10,
    // A database that accepts connections but never answers fails queries (503s) instead of hanging them.
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
  };
  const pool =
    typeof databaseUrl === "string"
      ? new pg.Pool({ ...settings, connectionString: databaseUrl })
      : new pg.Pool({ ...settings, Client: clientFollowing(databaseUrl) });
  // An idle connection the server closed (restart, failover) is dropped by the pool; the next query reconnects.
  pool.on("error", () => {});
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  Object.defineProperty(db, POOL, { value: pool });
  return db;
}

/**
 * A `pg` client class whose address is asked of `locate` for each new connection: a pool built with it
 * follows a database that moved (the embedded one restarted on another port) as soon as the
 * connections to the old address have failed and been dropped.
 */
function clientFollowing(locate: () => string): new () => pg.Client {
  return class FollowingClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super({ ...config, connectionString: locate() });
    }
  };
}

/**
 * The `pg` pool under a client made by `createDb` (or an `$extends` copy of one). For the key
 * lookups of the enforcement path only: a `findUnique` through Prisma's query compiler costs about
 * twice the CPU of the same query sent as is, and its working memory kept ~35 MB more resident
 * (measured for bench figures 4 and 9). Unnamed statements only: the embedded database serves every
 * connection from one session, where a named statement would collide.
 */
export function poolOf(db: Db): pg.Pool {
  const pool = (db as unknown as { [POOL]?: pg.Pool })[POOL];
  if (pool === undefined) throw new Error("poolOf: this client was not made by createDb");
  return pool;
}
