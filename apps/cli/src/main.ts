// `keyward <command>` (bin/keyward.js runs this; docs/api.md and the README list the commands).
import { migrate } from "@keyward/db/migrate";
import { GuardStartError } from "@keyward/guard";
import { Command, CommanderError } from "commander";
import { registerAuditCommand } from "./audit";
import { registerCompaniesCommand } from "./companies";
import { openDatabase } from "./database";
import { CliError, EXIT } from "./errors";
import { registerGuardCommand } from "./guard";
import { registerKeysCommand } from "./keys";
import { registerLoginCommands } from "./login";
import { registerOperatorKeysCommand } from "./operator-keys";
import { registerOperatorsCommand } from "./operators";
import { runSetup } from "./setup";
import { registerUsersCommand } from "./users";

// `keyward keys list | head`: a reader that closes the pipe early ends the command quietly, as with any Unix tool.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(EXIT.ok);
  throw error;
});

const program = new Command("keyward")
  .description("Keyward: issue, rotate, revoke and enforce API keys")
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

program
  .command("setup")
  .description("First run: create the company, its owner, an admin key and a read-only key (written to .env.local)")
  .requiredOption("--company <name>", "company name")
  .requiredOption("--email <email>", "the owner's email, used to log in to the dashboard")
  .option(
    "--password <password>",
    "the owner's password (at least 12 characters); generated and printed once if omitted",
  )
  .option("--prefix <prefix>", "key prefix, 2-10 characters a-z0-9", "kw")
  .action(runSetup);

program
  .command("migrate")
  .description("Apply database migrations (DATABASE_URL, or the embedded database)")
  .action(async () => {
    const database = await openDatabase();
    try {
      const applied = await migrate(database.url);
      process.stdout.write(applied.length ? `Applied: ${applied.join(", ")}\n` : "Database is up to date.\n");
    } finally {
      await database.release();
    }
  });

registerGuardCommand(program);
registerLoginCommands(program);
registerKeysCommand(program);
registerAuditCommand(program);
registerCompaniesCommand(program);
registerOperatorsCommand(program);
registerOperatorKeysCommand(program);
registerUsersCommand(program);

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
