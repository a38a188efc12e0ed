export { createDb, type Db, poolOf } from "./client";
export { findRunningEmbeddedDatabase, followEmbeddedDatabase, resolveDatabase } from "./embedded";
export type * from "./generated/prisma/client";
export { Prisma, Role } from "./generated/prisma/client";
export { resolveDataDir, workspaceRoot } from "./paths";
export { isDatabaseUnavailable } from "./unavailable";
