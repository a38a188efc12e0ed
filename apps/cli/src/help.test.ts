// `--help` on every command the CLI has (walked from the program itself, so a new command is covered
// the day it is added): exit 0 with usage, and no command runs.
import type { Command } from "commander";
import { CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "./program";

/** Every command path below the root: ["keys"], ["keys", "list"], … */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return [path, ...commandPaths(sub, path)];
  });
}

async function help(path: string[]): Promise<{ exitCode: number; output: string }> {
  const program = buildProgram();
  let output = "";
  const capture = (command: Command) => {
    command.configureOutput({ writeOut: (text) => (output += text), writeErr: (text) => (output += text) });
    command.commands.forEach(capture);
  };
  capture(program);
  try {
    await program.parseAsync([...path, "--help"], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return { exitCode: error.exitCode, output };
    throw error;
  }
  throw new Error(`${path.join(" ")} --help ran the command instead of printing its usage`);
}

describe("--help on every command", () => {
  const paths = commandPaths(buildProgram());

  it("finds the whole tree", () => {
    // A floor, not the exact count: the walk must reach nested commands of every group.
    expect(paths).toContainEqual(["keys", "rotate"]);
    expect(paths).toContainEqual(["companies", "delete"]);
    expect(paths).toContainEqual(["operator-keys", "revoke"]);
    expect(paths).toContainEqual(["audit", "verify"]);
  });

  it.each(paths.map((path) => [path.join(" "), path] as const))("keyward %s --help", async (_name, path) => {
    const { exitCode, output } = await help(path);
    expect(exitCode).toBe(0);
    expect(output).toMatch(new RegExp(`^Usage: keyward ${path.join(" ")}`));
  });
});
