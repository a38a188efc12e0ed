// One CLI run as a subprocess, for the tests that run the CLI as an operator would.
import { spawn } from "node:child_process";

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command args` to its end and answers its exit code and output. No terminal on stdin, so a
 * command that would ask must refuse instead. `env` is added to this process's, in test mode with
 * warnings only (a variable given as undefined is left out).
 */
export function runCli(
  command: string,
  args: string[],
  { cwd, env }: { cwd?: string; env: Record<string, string | undefined> },
): Promise<CliRun> {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}
