import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";

export type Db = PrismaClient;

/**
 * One Prisma client over `pg` for PostgreSQL and the embedded database alike: the driver adapter
 * replaces Prisma's Rust query engine, so nothing is downloaded and both backends share one code path.
 */
export function createDb(databaseUrl: string, opts: { maxConnections?: number } = {}): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: opts.maxConnections ?? 10 });
  return new PrismaClient({ adapter });
}
