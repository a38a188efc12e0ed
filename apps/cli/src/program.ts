// Every `keyward` command, built without running one (main.ts parses argv; tests walk the tree).
import { migrate } from "@keyward/db/migrate";
import { Command } from "commander";
import { registerAuditCommand } from "./audit";
import { registerCompaniesCommand } from "./companies";
import { openDatabase } from "./database";
import { registerGuardCommand } from "./guard";
import { registerKeysCommand } from "./keys";
import { registerLoginCommands } from "./login";
import { registerOperatorKeysCommand } from "./operator-keys";
import { registerOperatorsCommand } from "./operators";
import { runSetup } from "./setup";
import { registerUsersCommand } from "./users";

export function buildProgram(): Command {
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
  return program;
}
