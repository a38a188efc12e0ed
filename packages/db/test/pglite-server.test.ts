// The PGlite server (src/pglite-server.ts) when a connection goes away mid-work or PGlite fails a
// message: nothing it started is left behind, and the other connections are not kept waiting.
// (concurrency.test.ts covers connections that send at the same time.)
import { Socket } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type PGliteServer, servePGlite } from "../src/pglite-server";
import { withClient } from "./helpers";

let db: PGlite;
let server: PGliteServer;
let url: string;
/** Set by a test: PGlite throws on the next Parse message, as on an internal failure. */
let failNextParse = false;

beforeAll(async () => {
  db = await PGlite.create();
  const execute = db.execProtocolRawStream.bind(db);
  db.execProtocolRawStream = (message, options) => {
    if (failNextParse && message[0] === 0x50) {
      failNextParse = false;
      return Promise.reject(new Error("injected PGlite failure"));
    }
    return execute(message, options);
  };
  server = await servePGlite(db, { host: "127.0.0.1", port: 0, maxConnections: 10 });
  url = `postgresql://postgres@127.0.0.1:${server.port}/postgres`;
  await withClient(url, (client) => client.query(`CREATE TABLE "notes" ("id" INTEGER PRIMARY KEY, "body" TEXT)`));
});
afterAll(async () => {
  await server?.stop();
  await db?.close();
});

const notes = () => withClient(url, async (client) => (await client.query(`SELECT * FROM "notes"`)).rows);

/** A client whose socket the test holds, to cut it or write to it behind the client's back. */
async function connect(): Promise<{ client: pg.Client; socket: Socket }> {
  const socket = new Socket();
  const client = new pg.Client({ connectionString: url, stream: () => socket });
  client.on("error", () => {}); // the tests end these connections the hard way
  await client.connect();
  return { client, socket };
}

it("a connection that dies inside a transaction: its transaction is rolled back, the others go on", async () => {
  const { client, socket } = await connect();
  await client.query("BEGIN");
  await client.query(`INSERT INTO "notes" VALUES (1, 'never committed')`);
  socket.destroy(); // as if its process had crashed
  expect(await notes()).toEqual([]);
});

it("a connection that dies half-way through an extended query: the others go on", async () => {
  const { socket } = await connect();
  // A Parse with no Sync after it, then the end: PGlite is left inside the connection's extended query.
  socket.end(Buffer.from([0x50, 0, 0, 0, 16, 0, ...Buffer.from("SELECT 1"), 0, 0, 0]));
  expect(await notes()).toEqual([]);
});

it("a message PGlite fails ends that connection only; the next ones are served", async () => {
  const { client } = await connect();
  failNextParse = true;
  await expect(client.query(`INSERT INTO "notes" VALUES ($1, 'lost')`, [2])).rejects.toThrow();
  await withClient(url, (other) => other.query(`INSERT INTO "notes" VALUES ($1, 'kept')`, [3]));
  expect(await notes()).toEqual([{ id: 3, body: "kept" }]);
});
