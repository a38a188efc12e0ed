// Servers a fault test owns and may stop: a PostgreSQL cluster of its own (pg_createcluster) and a
// redis-server of its own, each on a free port. The machine's shared PostgreSQL and Redis are never
// touched. They need the PostgreSQL and Redis binaries that CI's second round uses.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { promisify } from "node:util";
import { freePort } from "@keyward/child-servers";
import { Redis } from "ioredis";
import { vi } from "vitest";

const run = promisify(execFile);

/** Fault tests run in CI's second round, where PostgreSQL and Redis are installed and running. */
export const FAULTS_ENABLED = Boolean(process.env.TEST_DATABASE_URL && process.env.REDIS_URL);
export const FAULTS_SKIPPED =
  "skipped: set TEST_DATABASE_URL and REDIS_URL (the second round of .ci/run) to run the fault tests";
if (!FAULTS_ENABLED) console.info(`Fault tests ${FAULTS_SKIPPED}`);

export interface PostgresCluster {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops and deletes the cluster. */
  drop(): Promise<void>;
}

/** A new PostgreSQL cluster (trust auth, loopback), started. */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const version = readdirSync("/etc/postgresql").sort().at(-1);
  if (version === undefined) throw new Error("no PostgreSQL installed (/etc/postgresql is empty)");
  const port = await freePort();
  const name = `kwfault-${process.pid}-${port}`;
  const ctl = (action: string, ...extra: string[]) =>
    run("pg_ctlcluster", ["--skip-systemctl-redirect", version, name, action, ...extra]).then(() => {});
  // No fsync: the data is thrown away with the cluster, and it starts faster.
  await run("pg_createcluster", [
    version,
    name,
    "-p",
    String(port),
    "-o",
    "fsync=off",
    "--",
    "--auth=trust",
    "--no-sync",
  ]);
  const cluster: PostgresCluster = {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    start: () => ctl("start"),
    // `fast`: open connections are ended at once, as in a failover or a restart.
    stop: () => ctl("stop", "-m", "fast"),
    drop: () => run("pg_dropcluster", ["--stop", version, name]).then(() => {}),
  };
  try {
    await cluster.start();
  } catch (error) {
    await cluster.drop().catch(() => {});
    throw error;
  }
  return cluster;
}

export interface RedisServer {
  url: string;
  /** A client of this server, for the test's own checks. */
  client: Redis;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A redis-server on a free port, without persistence (a restart comes back empty). */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on("error", () => {});
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    client,
    async start() {
      child = spawn(
        "redis-server",
        ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        {
          stdio: "ignore",
        },
      );
      await vi.waitFor(
        async () => {
          if (client.status !== "ready") await client.connect().catch(() => {});
          if ((await client.ping()) !== "PONG") throw new Error("redis not up yet");
        },
        { timeout: 15_000, interval: 100 },
      );
    },
    async stop() {
      const running = child;
      child = null;
      if (running === null || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once("exit", resolve));
      running.kill("SIGTERM");
      await exited;
    },
  };
  await server.start();
  return server;
}
