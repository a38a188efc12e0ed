// Where the e2e stack keeps its files, and how it starts its child processes: each in its own
// process group (stopping one stops pnpm and the server it runs, and nothing else), its output in
// artifacts/logs/<name>.log, which journeys read to check that no secret was logged.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runToEnd, type Spawned, spawnLogged } from "@keyward/child-servers";

export const E2E_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
export const REPO_ROOT = join(E2E_DIR, "..");
export const ARTIFACTS_DIR = join(E2E_DIR, "artifacts");
export const LOGS_DIR = join(ARTIFACTS_DIR, "logs");

export function logFile(name: string): string {
  return join(LOGS_DIR, `${name}.log`);
}

const options = (name: string, env: NodeJS.ProcessEnv) => ({
  name,
  cwd: REPO_ROOT,
  env,
  logFile: logFile(name),
  // The log file has it all; memory keeps enough for an error message.
  keepLastChars: 20_000,
  processGroup: true,
  forceKillAfterMs: 10_000,
});

/** Starts a long-running service (`pnpm … start`). */
export function startService(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Spawned {
  return spawnLogged(command, args, options(name, env));
}

/** Runs a command (a build) to completion; throws with the end of its output if it fails. */
export function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return runToEnd(command, args, options(name, env));
}
