// Whether an error means the database cannot be used right now (down, unreachable, restarting, out
// of connections, dropped, refusing our credentials) rather than that one query was wrong: callers
// answer those with 503 and retry later, since nothing about the request itself was at fault.
import { Prisma } from "./generated/prisma/client";

/** Prisma's codes for "could not talk to the database" (P1xxx) and its pool timeout. */
const PRISMA_CODES = new Set(["P1000", "P1001", "P1002", "P1003", "P1008", "P1010", "P1011", "P1017", "P2024"]);
/** @prisma/adapter-pg's error kinds for the same, as found in `meta.driverAdapterError.cause`. */
const ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "DatabaseDoesNotExist",
  "DatabaseAccessDenied",
  "AuthenticationFailed",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "TlsConnectionError",
]);
/** Socket errors of the `pg` driver (used directly on the enforcement path). */
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);
/**
 * SQLSTATEs: 08 connection exception, 28 invalid authorization, 53 insufficient resources (too many
 * connections), 57P operator intervention (shutdown, crash recovery), 3D000 no such database.
 */
const SQLSTATE = /^(?:08[0-9A-Z]{3}|28[0-9A-Z]{3}|53[0-9A-Z]{3}|57P[0-9A-Z]{2}|3D000)$/;
/** `pg` and `pg-pool` errors that carry no code. */
const DRIVER_MESSAGES =
  /(?:Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable)/;

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 4 || error === null || typeof error !== "object") return false;
  if (error instanceof Prisma.PrismaClientInitializationError) return true;
  const { code, message, meta, cause } = error as {
    code?: unknown;
    message?: unknown;
    meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown; originalCode?: unknown } } };
    cause?: unknown;
  };
  if (typeof code === "string" && (PRISMA_CODES.has(code) || SOCKET_CODES.has(code) || SQLSTATE.test(code))) {
    return true;
  }
  const adapter = meta?.driverAdapterError?.cause;
  if (adapter !== undefined) {
    if (typeof adapter.kind === "string" && ADAPTER_KINDS.has(adapter.kind)) return true;
    for (const sqlState of [adapter.code, adapter.originalCode]) {
      if (typeof sqlState === "string" && SQLSTATE.test(sqlState)) return true;
    }
  }
  if (typeof message === "string" && DRIVER_MESSAGES.test(message)) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}
