// `keyward operator-keys create|list|revoke`: keys for the operator's own services, which belong to
// no company (verify any company's keys, manage companies; never a company's data). Created only
// with host access or by an operator in the dashboard.
import {
  createOperatorKey,
  createOperatorKeyInputSchema,
  listOperatorKeys,
  OPERATOR_SCOPES,
  type PublicOperatorKey,
  revokeOperatorKey,
} from "@keyward/core";
import type { Command } from "commander";
import { withHostDatabase } from "./database";
import { boundedArgument, cliErrorFromCore } from "./errors";
import { printJson, printTable, shortDate } from "./output";

const FLAGS = { name: "--name", scopes: "--scopes" };

const row = (k: PublicOperatorKey) => [k.id, k.name, k.start, k.scopes.join(" "), k.status, shortDate(k.createdAt)];
const HEAD = ["id", "name", "start", "scopes", "status", "created"];

export function registerOperatorKeysCommand(program: Command): void {
  const operatorKeys = program
    .command("operator-keys")
    .description("Create, list and revoke operator keys (on the database: host access, like setup)");

  operatorKeys
    .command("create")
    .description("An operator key; its secret is printed once as KEYWARD_OPERATOR_KEY=…")
    .requiredOption("--name <name>", "what the key is for")
    .requiredOption("--scopes <scopes>", `comma- or space-separated, of ${OPERATOR_SCOPES.join(", ")}`)
    .option("--json", "print one JSON object (it holds the secret)")
    .action(async (opts: { name: string; scopes: string; json?: boolean }) => {
      const parsed = createOperatorKeyInputSchema.safeParse({
        name: opts.name,
        scopes: opts.scopes.split(/[\s,]+/).filter(Boolean),
      });
      if (!parsed.success) throw cliErrorFromCore(parsed.error, FLAGS);
      const created = await withHostDatabase((db) => createOperatorKey(db, parsed.data, null));
      if (opts.json) return printJson({ ...created.key, key: created.secret });
      printTable(HEAD, [row(created.key)]);
      process.stdout.write(
        `\nKEYWARD_OPERATOR_KEY=${created.secret}\n\nThis is the key's secret. Copy it now: it is not stored and will not be shown again.\n`,
      );
    });

  operatorKeys
    .command("list")
    .description("Every operator key (never a secret)")
    .option("--json", "print the keys as JSON")
    .action(async (opts: { json?: boolean }) => {
      const all = await withHostDatabase(listOperatorKeys);
      if (opts.json) return printJson({ data: all });
      if (all.length === 0) return void process.stdout.write("No operator keys.\n");
      printTable(HEAD, all.map(row));
    });

  operatorKeys
    .command("revoke")
    .description("Revoke an operator key: it stops working on every replica within a second")
    .argument("<id-or-start>", "the key's id, or its start as listed (e.g. kwop_live_AbCd)", boundedArgument(120))
    .action(async (idOrStart: string) => {
      const revoked = await withHostDatabase((db) => revokeOperatorKey(db, idOrStart));
      process.stdout.write(`Revoked ${revoked.name} (${revoked.id}).\n`);
    });
}
