// The embedded database: PGlite (PostgreSQL compiled to WASM) persisted in a folder and served over
// the PostgreSQL wire protocol, so the API, the web app and the CLI all talk `pg` to it exactly as
// they would to a real server. PGlite allows one process per data folder, hence one server process
// that records its address in `<dataDir>/server.json` for everybody else to find.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { servePGlite } from "./pglite-server";

export interface EmbeddedServerInfo {
  url: string;
  host: string;
  port: number;
  pid: number;
}

export interface EmbeddedDatabase extends EmbeddedServerInfo {
  stop(): Promise<void>;
}

const SERVER_FILE = "server.json";

function serverFile(dataDir: string): string {
  return join(dataDir, SERVER_FILE);
}

/** Starts PGlite on `dataDir` (or in memory with `dataDir: null`) and serves it on loopback. */
export async function startEmbeddedDatabase(opts: {
  dataDir: string | null;
  port?: number;
  maxConnections?: number;
}): Promise<EmbeddedDatabase> {
  if (opts.dataDir) {
    const running = await findRunningEmbeddedDatabase(opts.dataDir);
    if (running) {
      throw new Error(
        `The embedded database in ${opts.dataDir} is already served by process ${running.pid} at ${running.url}`,
      );
    }
    mkdirSync(join(opts.dataDir, "pgdata"), { recursive: true });
  }
  // Loaded on demand: apps that only connect to a running server (the dashboard) never bundle PGlite.
  const { PGlite } = await import("@electric-sql/pglite");
  const db = await PGlite.create(opts.dataDir ? join(opts.dataDir, "pgdata") : undefined);
  // Port 0 picks a free port: never 5432, where a real PostgreSQL may already listen.
  const server = await servePGlite(db, {
    host: "127.0.0.1",
    port: opts.port ?? 0,
    maxConnections: opts.maxConnections ?? 200,
  });
  const { host, port } = server;
  const info: EmbeddedServerInfo = {
    url: `postgresql://postgres@${host}:${port}/postgres`,
    host,
    port,
    pid: process.pid,
  };
  if (opts.dataDir) writeFileSync(serverFile(opts.dataDir), `${JSON.stringify(info, null, 2)}\n`);

  let stopped = false;
  return {
    ...info,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
      if (opts.dataDir) rmSync(serverFile(opts.dataDir), { force: true });
    },
  };
}

/** The address of the embedded database served from `dataDir` by a live process, if any. */
export async function findRunningEmbeddedDatabase(dataDir: string): Promise<EmbeddedServerInfo | null> {
  let info: EmbeddedServerInfo;
  try {
    info = JSON.parse(readFileSync(serverFile(dataDir), "utf8")) as EmbeddedServerInfo;
  } catch {
    return null;
  }
  if (!isProcessAlive(info.pid)) return null;
  return (await canConnect(info.host, info.port)) ? info : null;
}

/**
 * The address in `dataDir`'s server.json whenever it is asked, else the last one known: for a client
 * that outlives a restart of `pnpm start`, which serves the same folder on a new port.
 */
export function followEmbeddedDatabase(dataDir: string, url: string): () => string {
  let known = url;
  return () => {
    try {
      const info = JSON.parse(readFileSync(serverFile(dataDir), "utf8")) as Partial<EmbeddedServerInfo>;
      if (typeof info.url === "string") known = info.url;
    } catch {
      // No server.json (stopped) or half written: the last address fails fast and is asked again.
    }
    return known;
  };
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * The database to use: `DATABASE_URL` if set, else the running embedded server of `dataDir`, else
 * (when `startIfNeeded`) an embedded server started in this process, stopped by `release()`.
 * This is how the CLI works whether or not `pnpm start` is running.
 */
export async function resolveDatabase(opts: {
  databaseUrl: string | undefined;
  dataDir: string;
  startIfNeeded: boolean;
}): Promise<{ url: string; embedded: boolean; release(): Promise<void> }> {
  if (opts.databaseUrl) return { url: opts.databaseUrl, embedded: false, release: async () => {} };
  const running = await findRunningEmbeddedDatabase(opts.dataDir);
  if (running) return { url: running.url, embedded: true, release: async () => {} };
  if (!opts.startIfNeeded) {
    throw new Error(`No DATABASE_URL and no embedded database running in ${opts.dataDir}: run \`pnpm start\` first`);
  }
  const started = await startEmbeddedDatabase({ dataDir: opts.dataDir });
  return { url: started.url, embedded: true, release: () => started.stop() };
}
