// Child processes of a bench run. Servers run in their own processes, as in production, so the load
// generator (this process) never shares an event loop with what it measures.
import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleNodeProgram } from "@keyward/api/build";
import { freePort, type Spawned, spawnLogged, waitForHttp } from "@keyward/child-servers";

const require = createRequire(import.meta.url);

const API_DIR = dirname(require.resolve("@keyward/api/package.json"));
/** The real API entry point, with its SIGTERM flush, bundled as `pnpm start` runs it. */
const API_MAIN = join(API_DIR, "dist/main.js");
const BENCH_API = fileURLToPath(new URL("../../dist/bench-api.js", import.meta.url));
const SDK_SERVICE = fileURLToPath(new URL("../../dist/sdk-service.js", import.meta.url));

let bundled: Promise<void> | undefined;
/**
 * Servers run as production runs them: bundled by the API's own build (apps/api/scripts/build.ts)
 * and started with plain node, not through tsx (whose loader thread alone is ~25 MB of figure 9).
 * Built once per bench run, from the sources as they are now.
 */
function bundleServers(): Promise<void> {
  bundled ??= Promise.all([
    bundleNodeProgram(join(API_DIR, "src/main.ts"), API_MAIN),
    bundleNodeProgram(fileURLToPath(new URL("./bench-api.ts", import.meta.url)), BENCH_API),
    bundleNodeProgram(fileURLToPath(new URL("./sdk-service.ts", import.meta.url)), SDK_SERVICE),
  ]).then(() => undefined);
  return bundled;
}

let profileDir: string | undefined;

/** `BENCH_CPU_PROF=dir`: every server process writes a `node --cpu-prof` profile there when it exits. */
export function profileServersInto(dir: string | undefined): void {
  profileDir = dir;
}

function profileArgs(): string[] {
  return profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
}

/**
 * What child processes inherit: only what a process needs to run. Everything else is set explicitly,
 * so a developer's shell (a KEYWARD_METRICS_TOKEN, a LOG_LEVEL) cannot change what is measured.
 */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ["PATH", "HOME", "TMPDIR", "LANG", "TZ"]) if (process.env[name]) env[name] = process.env[name];
  return { ...env, ...extra };
}

export function spawnTsx(module: URL | string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  const file = typeof module === "string" ? module : fileURLToPath(module);
  return spawn(process.execPath, ["--import", "tsx", ...profileArgs(), file, ...args], opts);
}

/** Resident set size of a process in bytes (Linux /proc), or null where there is no /proc. */
export function residentBytes(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** How much of a child's output a bench run keeps for an error message (a run prints a lot). */
export const KEEP_OUTPUT_CHARS = 20_000;
/** A server that is not healthy after this long will not become healthy. */
const START_TIMEOUT_MS = 90_000;

/** stop() sends SIGTERM and resolves with the exit code (main.ts flushes usage before it exits). */
export interface ApiReplica extends Spawned {
  url: string;
}

/** The real API (`apps/api/src/main.ts`, bundled) on a free loopback port. */
export async function startApiReplica(env: Record<string, string>): Promise<ApiReplica> {
  await bundleServers();
  const port = await freePort();
  const api = spawnLogged(process.execPath, ["--enable-source-maps", ...profileArgs(), API_MAIN], {
    name: "API replica",
    env: childEnv({ NODE_ENV: "production", LOG_LEVEL: "warn", ...env, API_PORT: String(port), API_HOST: "127.0.0.1" }),
    keepLastChars: KEEP_OUTPUT_CHARS,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/v1/health`, api, START_TIMEOUT_MS);
  return { ...api, url };
}

/** What the bench API process (bench-api.ts) answers over IPC. */
export interface BenchApiStats {
  verifier: { hits: number; misses: number; negativeHits: number; storeQueries: number };
  /** Requests the usage buffer counted since start. */
  usageRecorded: number;
  /** Operations on api_keys the Prisma client ran (the enforcement path's store reads and nothing else). */
  keyQueries: number;
  /** Durations (ms) of the findUnique-by-hash reads the verifier made since the last reset. */
  keyQueryMs: number[];
  cpuMicros: number;
  rss: number;
  heapUsed: number;
  /** Memory of C++ objects bound to JS (Buffers, and WebAssembly memories such as Prisma's query compiler). */
  external: number;
}

export interface BenchApi {
  url: string;
  pid: number;
  stats(): Promise<BenchApiStats>;
  /** Writes the counted usage now (as the flush timer would) and waits for it. */
  flush(): Promise<void>;
  /** Forces a full GC (the process runs with --expose-gc), so RSS is not read over garbage. */
  gc(): Promise<void>;
  resetQueryTimes(): Promise<void>;
  stop(): Promise<number | null>;
}

/**
 * The API as `buildApp` builds it for production, plus three bench routes (bench-api.ts), in a child
 * process that answers stats over IPC.
 */
export async function startBenchApi(env: Record<string, string>): Promise<BenchApi> {
  await bundleServers();
  const port = await freePort();
  const api = spawnLogged(process.execPath, ["--enable-source-maps", "--expose-gc", ...profileArgs(), BENCH_API], {
    name: "bench API",
    env: childEnv({ NODE_ENV: "production", LOG_LEVEL: "warn", ...env, API_PORT: String(port), API_HOST: "127.0.0.1" }),
    keepLastChars: KEEP_OUTPUT_CHARS,
    ipc: true,
  });
  const { child } = api;

  const pending = new Map<string, (value: unknown) => void>();
  child.on("message", (message: { id?: string; result?: unknown }) => {
    if (message.id === undefined) return;
    pending.get(message.id)?.(message.result);
    pending.delete(message.id);
  });
  const ask = <T>(cmd: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (!child.connected) return reject(new Error(`bench API is gone:\n${api.output()}`));
      const id = randomUUID();
      pending.set(id, resolve as (value: unknown) => void);
      child.send({ id, cmd });
    });

  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/v1/health`, api, START_TIMEOUT_MS);
  return {
    url,
    pid: child.pid as number,
    stats: () => ask<BenchApiStats>("stats"),
    flush: () => ask<void>("flush"),
    gc: () => ask<void>("gc"),
    resetQueryTimes: () => ask<void>("resetQueryTimes"),
    stop: api.stop,
  };
}

export interface SdkService extends Spawned {
  url: string;
  /** Verify calls the SDK sent over the network so far, and whether its change stream is live. */
  stats(): Promise<{ networkVerifies: number; live: boolean }>;
}

/** Figure 11's service (sdk-service.ts): the same route open, behind the SDK, and calling verify each time. */
export async function startSdkService(env: { KEYWARD_URL: string; KEYWARD_ROOT_KEY: string }): Promise<SdkService> {
  await bundleServers();
  const port = await freePort();
  const service = spawnLogged(process.execPath, ["--enable-source-maps", ...profileArgs(), SDK_SERVICE], {
    name: "SDK service",
    env: childEnv({ NODE_ENV: "production", ...env, PORT: String(port) }),
    keepLastChars: KEEP_OUTPUT_CHARS,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/stats`, service, START_TIMEOUT_MS);
  return {
    ...service,
    url,
    stats: async () => (await fetch(`${url}/stats`)).json() as Promise<{ networkVerifies: number; live: boolean }>,
  };
}
