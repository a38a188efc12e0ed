// `keyward operators grant|revoke|list`: who runs the installation (opens any company, manages
// companies and operator keys). Host access is the authority, like `setup`: nothing over the network can.
import { listOperators, setOperator } from "@keyward/core";
import type { Command } from "commander";
import { withHostDatabase } from "./database";
import { printJson, printTable } from "./output";

export function registerOperatorsCommand(program: Command): void {
  const operators = program
    .command("operators")
    .description("Grant, revoke and list operators (on the database: host access, like setup)");

  operators
    .command("grant")
    .description("Make an existing user an operator")
    .requiredOption("--email <email>", "the user's email")
    .action(async (opts: { email: string }) => {
      const changed = await withHostDatabase((db) => setOperator(db, opts.email, true));
      process.stdout.write(
        changed ? `${opts.email} is now an operator.\n` : `${opts.email} already was an operator: nothing changed.\n`,
      );
    });

  operators
    .command("revoke")
    .description("Stop a user being an operator (their company memberships stay)")
    .requiredOption("--email <email>", "the user's email")
    .action(async (opts: { email: string }) => {
      const changed = await withHostDatabase((db) => setOperator(db, opts.email, false));
      process.stdout.write(
        changed ? `${opts.email} is no longer an operator.\n` : `${opts.email} was not an operator: nothing changed.\n`,
      );
    });

  operators
    .command("list")
    .description("Every operator")
    .option("--json", "print the operators as JSON")
    .action(async (opts: { json?: boolean }) => {
      const all = await withHostDatabase(listOperators);
      if (opts.json) return printJson({ data: all });
      if (all.length === 0) return void process.stdout.write("No operators: `keyward operators grant --email …`.\n");
      printTable(
        ["id", "email"],
        all.map((o) => [o.id, o.email]),
      );
    });
}
