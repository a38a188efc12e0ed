import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";

export interface SpawnOptions {
  /** Names the child in error messages. */
  name: string;
  cwd?: string;
  /** The child's whole environment (nothing is added). */
  env?: NodeJS.ProcessEnv;
  /** Also writes everything the child prints to this file (its folder is created). */
  logFile?: string;
  /** Keep only the last this many characters of output in memory (a long run prints a lot); all by default. */
  keepLastChars?: number;
  /**
   * Starts the child in its own process group and signals the whole group on stop(), so stopping
   * `pnpm start` stops the server pnpm runs too, and nothing else.
   */
  processGroup?: boolean;
  /** After SIGTERM, SIGKILL when the child has not exited within this many milliseconds; never by default. */
  forceKillAfterMs?: number;
  /** Opens an IPC channel as `fork` does (child.send, and process.send in a node child). */
  ipc?: boolean;
}

export interface Spawned {
  name: string;
  child: ChildProcess;
  /** What the child printed on stdout and stderr, interleaved as it came (see keepLastChars). */
  output(): string;
  /** Resolves with the exit code (null when a signal ended it) once the child has exited. */
  exited: Promise<number | null>;
  /** Sends SIGTERM (see processGroup and forceKillAfterMs) and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `command` with its stdout and stderr kept (and written to `logFile` when given). */
export function spawnLogged(command: string, args: string[], options: SpawnOptions): Spawned {
  const { name, logFile, keepLastChars = Number.POSITIVE_INFINITY, processGroup = false } = options;
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: processGroup,
    stdio: options.ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
  });
  if (logFile) mkdirSync(dirname(logFile), { recursive: true });
  const log = logFile ? createWriteStream(logFile) : null;
  let output = "";
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > keepLastChars) output = output.slice(-keepLastChars);
    log?.write(chunk);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.once("close", () => log?.end());
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const signal = (name: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      if (processGroup) process.kill(-child.pid, name);
      else child.kill(name);
    } catch {
      // Already gone.
    }
  };
  return {
    name,
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return child.exitCode;
      signal("SIGTERM");
      const timer =
        options.forceKillAfterMs === undefined
          ? undefined
          : setTimeout(() => signal("SIGKILL"), options.forceKillAfterMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs a command to completion; throws with the end of its output if it does not exit 0. */
export async function runToEnd(command: string, args: string[], options: SpawnOptions): Promise<void> {
  const spawned = spawnLogged(command, args, options);
  const code = await spawned.exited;
  if (code !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (exit ${code}):\n${lastLines(spawned.output())}`);
  }
}

/** The end of a child's output, for an error message. */
export function lastLines(output: string, lines = 40): string {
  return output.trimEnd().split("\n").slice(-lines).join("\n") || "(no output)";
}
