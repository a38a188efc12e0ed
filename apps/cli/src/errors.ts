import { KeywardError } from "@keyward/auth-core";
import { text } from "@keyward/core";
import { InvalidArgumentError } from "commander";
import { z } from "zod";

/** Exit codes scripts can trust. */
export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;

export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A refusal from core, for commands that act on the database directly: what was written is wrong
 * (invalid, unknown, or a name several companies share) → usage; anything else is thrown as it came.
 * `flags` names the option behind each input field, so the message says which one to fix.
 */
export function cliErrorFromCore(error: unknown, flags: Record<string, string> = {}): unknown {
  if (error instanceof z.ZodError) {
    const lines = error.issues.map((issue) => {
      const field = String(issue.path[0] ?? "");
      return `${flags[field] ?? (field ? `--${field}` : "input")}: ${issue.message}`;
    });
    return new CliError(EXIT.usage, lines.join("\n"));
  }
  if (
    error instanceof KeywardError &&
    (error.code === "NOT_FOUND" || error.code === "CONFLICT" || error.code === "VALIDATION_FAILED")
  ) {
    return new CliError(EXIT.usage, error.message);
  }
  return error;
}

/**
 * A commander argument parser for an id or a name given on the command line: at most `max`
 * characters (longer cannot match anything stored), storable text; else a usage error.
 */
export function boundedArgument(max: number): (value: string) => string {
  const schema = text(max);
  return (value) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]?.message ?? "invalid");
    return parsed.data;
  };
}
