// `keyward <command>` (bin/keyward.js runs this; docs/api.md and the README list the commands).
import { GuardStartError } from "@keyward/guard";
import { CommanderError } from "commander";
import { CliError, EXIT } from "./errors";
import { buildProgram } from "./program";

// `keyward keys list | head`: a reader that closes the pipe early ends the command quietly, as with any Unix tool.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(EXIT.ok);
  throw error;
});

const program = buildProgram();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else if (error instanceof GuardStartError) {
    process.stderr.write(`keyward: ${error.message}\n`);
    process.exitCode = error.kind === "usage" ? EXIT.usage : EXIT.refused;
  } else if (error instanceof CliError) {
    process.stderr.write(`keyward: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`keyward: ${(error as Error).message}\n`);
    process.exitCode = EXIT.refused;
  }
}
