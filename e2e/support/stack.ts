// Child processes of the e2e stack: each in its own process group, so stopping one stops pnpm and
// the server it runs, and nothing else.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const E2E_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
export const REPO_ROOT = join(E2E_DIR, "..");
export const ARTIFACTS_DIR = join(E2E_DIR, "artifacts");
export const LOGS_DIR = join(ARTIFACTS_DIR, "logs");

export function logFile(name: string): string {
  return join(LOGS_DIR, `${name}.log`);
}

/** A port nobody listens on right now (never 3000/4000 of a running `pnpm start`). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export interface Service {
  name: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `command` in its own process group with its output in artifacts/logs/<name>.log. */
export function startService(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Service {
  mkdirSync(LOGS_DIR, { recursive: true });
  const log = createWriteStream(logFile(name));
  const child = spawn(command, args, { cwd: REPO_ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    name,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
        log.end();
        return;
      }
      signalGroup(child.pid, "SIGTERM");
      const timer = setTimeout(() => child.pid !== undefined && signalGroup(child.pid, "SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
      log.end();
    },
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Runs a command to completion; throws with the end of its output if it fails. */
export async function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const service = startService(name, command, args, env);
  const code = await new Promise<number | null>((resolve) => service.child.once("exit", (c) => resolve(c)));
  await service.stop();
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${code}):\n${tail(logFile(name))}`);
}

/** Polls `url` until it answers 2xx; fails early if `service` dies first. */
export async function waitForHttp(url: string, service: Service, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) {
      throw new Error(
        `${service.name} exited with code ${service.child.exitCode} before ${url} answered:\n${tail(logFile(service.name))}`,
      );
    }
    try {
      const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(5_000) });
      if (response.status < 400) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${service.name} did not answer ${url} within ${timeoutMs / 1000}s:\n${tail(logFile(service.name))}`);
}

export function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no output)";
  }
}
