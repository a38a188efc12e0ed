// Runs `keyward guard` as a real subprocess (node --import tsx apps/cli/src/main.ts guard ...), as an
// operator would, and waits for its start banner.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

export interface GuardProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** The values printed after `keyward-auth-key:` and `keyward-auth-token:`. */
  headers: { key: string | null; token: string | null };
  /** Peak resident memory of the guard process so far (VmHWM), in bytes. */
  peakRss: () => number;
  rss: () => number;
  stop: () => Promise<void>;
}

export interface GuardRun {
  code: number | null;
  output: string;
}

function spawnGuard(args: string[], env: Record<string, string | undefined>, cwd?: string): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", MAIN, "guard", ...args], {
    cwd,
    env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function statusField(pid: number, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match?.[1] ?? 0) * 1024;
}

/** Starts the guard and resolves once it printed where it listens; rejects if it exits first. */
export async function startGuardProcess(
  args: string[],
  env: Record<string, string | undefined> = {},
  cwd?: string,
): Promise<GuardProcess> {
  const child = spawnGuard(args, env, cwd);
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const deadline = Date.now() + 60_000;
  let url: string | null = null;
  while (url === null) {
    if (child.exitCode !== null) throw new Error(`guard exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`guard did not start:\n${output}`);
    url = /Keyward guard on (\S+)/.exec(output)?.[1] ?? null;
    // The banner is printed in one go after listening; wait for its last line too.
    if (url !== null && !/Managed API keys|WARNING/.test(output)) url = null;
    if (url === null) await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid as number;
  return {
    child,
    url,
    output: () => output,
    headers: {
      key: /^keyward-auth-key: (.+)$/m.exec(output)?.[1] ?? null,
      token: /^keyward-auth-token: (.+)$/m.exec(output)?.[1] ?? null,
    },
    peakRss: () => statusField(pid, "VmHWM"),
    rss: () => statusField(pid, "VmRSS"),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Runs the guard expecting it to refuse to start; resolves with its exit code and output. */
export async function runGuardToExit(
  args: string[],
  env: Record<string, string | undefined> = {},
  cwd?: string,
): Promise<GuardRun> {
  const child = spawnGuard(args, env, cwd);
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const code = await new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
  clearTimeout(timer);
  return { code, output };
}
