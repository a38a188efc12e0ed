// isDatabaseUnavailable tells "the database cannot be used now" (a 503) from "this query was wrong"
// (a bug, or the caller's fault), on errors produced for real where a test can produce them.
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db, poolOf } from "../src/client";
import type { TestDatabase } from "../src/testing";
import { isDatabaseUnavailable } from "../src/unavailable";
import { createEmptyDatabase } from "./helpers";

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the query to fail");
    },
    (error: unknown) => error,
  );

let database: TestDatabase;
let db: Db;
beforeAll(async () => {
  database = await createEmptyDatabase();
  db = createDb(database.url);
});
afterAll(async () => {
  await db.$disconnect();
  await database.drop();
});

describe("isDatabaseUnavailable", () => {
  it("true: nothing listens (Prisma's P1001, and pg's ECONNREFUSED on the raw pool)", async () => {
    const dead = createDb("postgresql://postgres@127.0.0.1:9/none");
    expect(isDatabaseUnavailable(await caught(dead.$queryRaw`SELECT 1`))).toBe(true);
    expect(isDatabaseUnavailable(await caught(poolOf(dead).query("SELECT 1")))).toBe(true);
    await dead.$disconnect();
  });

  it("true: a server that accepts connections and never answers, once the connect timeout passes", async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    const hanging = createDb(`postgresql://postgres@127.0.0.1:${port}/none`, { connectTimeoutMs: 200 });
    expect(isDatabaseUnavailable(await caught(hanging.$queryRaw`SELECT 1`))).toBe(true);
    expect(isDatabaseUnavailable(await caught(poolOf(hanging).query("SELECT 1")))).toBe(true);
    await hanging.$disconnect();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it("true: the server shutting down or out of connections (SQLSTATE 57P01, 57P03, 53300, 08006)", () => {
    for (const code of ["57P01", "57P03", "53300", "08006"]) {
      // The shape of pg's DatabaseError.
      const error = Object.assign(new Error("terminating connection"), { code, severity: "FATAL" });
      expect(isDatabaseUnavailable(error), code).toBe(true);
      expect(isDatabaseUnavailable(new Error("wrapped", { cause: error })), `${code} as a cause`).toBe(true);
    }
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
  });

  it("false: a wrong query on a healthy database, and errors that are not the database's", async () => {
    expect(isDatabaseUnavailable(await caught(db.$queryRaw`SELECT 1/0`))).toBe(false);
    expect(isDatabaseUnavailable(await caught(db.$queryRaw`SELECT * FROM no_such_table`))).toBe(false);
    expect(isDatabaseUnavailable(await caught(poolOf(db).query("SELECT 'x'::int")))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined"))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error("bad"), { code: "FST_ERR_VALIDATION" }))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    expect(isDatabaseUnavailable("ECONNREFUSED")).toBe(false);
  });
});
