// Irreversible commands ask a person to type the thing's name again; a script says --yes instead.
import { createInterface } from "node:readline/promises";
import { CliError, EXIT } from "./errors";

/**
 * Asks on the terminal for `expected` to be typed again; true only for an exact match. Without a
 * terminal nobody can answer, so it refuses (naming `--yes`) rather than guess.
 */
export async function confirmByTyping(question: string, expected: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new CliError(
      EXIT.usage,
      `${question}: no terminal to confirm on; nothing was changed (add --yes to confirm)`,
    );
  }
  // The prompt goes to stderr so that stdout holds only the command's result.
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${question}\nType "${expected}" to confirm: `);
    return answer.trim() === expected;
  } finally {
    prompt.close();
  }
}
