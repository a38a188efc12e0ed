// `keyward companies create|list|suspend|resume|delete`: the operator's companies, straight from the
// database (host access is the authority, like `setup`; docs/operations.md#companies).
import { resolve } from "node:path";
import {
  type Actor,
  createCompany,
  createCompanyInputSchema,
  createStarterKeys,
  deleteCompany,
  findCompanyByIdOrName,
  getCompany,
  listCompanies,
  type StarterKeys,
  setCompanySuspended,
  starterKeysEnv,
  upsertEnvFile,
} from "@keyward/core";
import type { Command } from "commander";
import { confirmByTyping } from "./confirm";
import { withHostDatabase } from "./database";
import { boundedArgument, CliError, cliErrorFromCore, EXIT } from "./errors";
import { printJson, printTable, shortDate } from "./output";

const HOST: Actor = { type: "system" };
const CREATE_FLAGS = {
  name: "--name",
  ownerEmail: "--owner-email",
  ownerPassword: "--owner-password",
  keyPrefix: "--prefix",
};

interface CreateOptions {
  name: string;
  ownerEmail: string;
  ownerPassword?: string;
  prefix?: string;
  envFile?: string;
  json?: boolean;
}

/** Writes the two keys to `path`; a failure is reported, not thrown, so the keys are still shown once. */
function writeEnvFile(path: string, keys: StarterKeys): string | null {
  try {
    upsertEnvFile(path, starterKeysEnv(keys));
    return null;
  } catch (error) {
    process.exitCode = EXIT.refused;
    return `could not write ${path}: ${(error as Error).message}`;
  }
}

async function createCommand(opts: CreateOptions): Promise<void> {
  const parsed = createCompanyInputSchema.safeParse({
    name: opts.name,
    ownerEmail: opts.ownerEmail,
    ownerPassword: opts.ownerPassword,
    keyPrefix: opts.prefix ?? "kw",
  });
  if (!parsed.success) throw cliErrorFromCore(parsed.error, CREATE_FLAGS);
  const input = parsed.data;
  const envPath = opts.envFile === undefined ? null : resolve(opts.envFile);

  const { created, keys, company } = await withHostDatabase(async (db) => {
    const created = await createCompany(db, input, HOST);
    const keys = await createStarterKeys(db, created.companyId, HOST, "companies create");
    return { created, keys, company: await getCompany(db, created.companyId) };
  }, CREATE_FLAGS);
  const writeProblem = envPath ? writeEnvFile(envPath, keys) : null;
  if (writeProblem) process.stderr.write(`keyward: ${writeProblem}\n`);

  if (opts.json) {
    return printJson({
      company,
      owner: {
        id: created.ownerId,
        email: input.ownerEmail,
        created: created.ownerCreated,
        generatedPassword: created.generatedPassword,
      },
      adminKey: { ...keys.adminKey.key, key: keys.adminKey.secret },
      readOnlyKey: { ...keys.readOnlyKey.key, key: keys.readOnlyKey.secret },
      envFile: envPath && !writeProblem ? envPath : null,
    });
  }
  const lines = [
    `Created company "${company.name}" (${company.id}), key prefix ${company.keyPrefix}.`,
    created.ownerCreated
      ? `Owner: ${input.ownerEmail}, a new user.`
      : `Owner: ${input.ownerEmail}, an existing user, now also owner of this company (their password is unchanged).`,
    ...(created.generatedPassword ? [`Dashboard password (generated, shown once): ${created.generatedPassword}`] : []),
    ...(!created.ownerCreated && input.ownerPassword !== undefined
      ? ["--owner-password was not used: an existing user keeps their own password."]
      : []),
    "",
    `KEYWARD_ADMIN_KEY=${keys.adminKey.secret}`,
    `    ${keys.adminKey.key.name}: scopes *, live`,
    `KEYWARD_READONLY_KEY=${keys.readOnlyKey.secret}`,
    `    ${keys.readOnlyKey.key.name}: scopes *:read, test`,
    "",
    envPath && !writeProblem
      ? `Both keys were written to ${envPath} (mode 0600). They are not stored anywhere else and will not be shown again.`
      : "Copy both keys now: they are not stored anywhere and will not be shown again (--env-file PATH writes them to a file).",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

async function setSuspended(idOrName: string, suspended: boolean): Promise<void> {
  const { company, change } = await withHostDatabase(async (db) => {
    const company = await findCompanyByIdOrName(db, idOrName);
    return { company, change: await setCompanySuspended(db, company.id, suspended, HOST) };
  });
  const name = `${company.name} (${company.id})`;
  if (!change.changed) {
    process.stdout.write(`${name} was already ${suspended ? "suspended" : "active"}: nothing changed.\n`);
  } else if (suspended) {
    process.stdout.write(`Suspended ${name}: its keys and users are refused until \`keyward companies resume\`.\n`);
  } else process.stdout.write(`Resumed ${name}: its keys and users work again.\n`);
}

export function registerCompaniesCommand(program: Command): void {
  const companies = program
    .command("companies")
    .description("Create, list, suspend, resume and delete companies (on the database: host access, like setup)");

  companies
    .command("create")
    .description("A company, its owner, an admin key and a read-only key (printed once)")
    .requiredOption("--name <name>", "company name (names need not be unique)")
    .requiredOption("--owner-email <email>", "the owner: a new user, or an existing one given an owner membership")
    .option(
      "--owner-password <password>",
      "a new owner's password (at least 12 characters); generated and printed once if omitted",
    )
    .option("--prefix <prefix>", "key prefix, 2-10 characters a-z0-9", "kw")
    .option("--env-file <path>", "also write KEYWARD_ADMIN_KEY and KEYWARD_READONLY_KEY to this file (mode 0600)")
    .option("--json", "print one JSON object (it holds the keys' secrets)")
    .action(createCommand);

  companies
    .command("list")
    .description("Every company with its status, active keys, members and last key use")
    .option("--json", "print the companies as JSON")
    .action(async (opts: { json?: boolean }) => {
      const all = await withHostDatabase(listCompanies);
      if (opts.json) return printJson({ data: all });
      if (all.length === 0) return void process.stdout.write("No companies.\n");
      printTable(
        ["id", "name", "status", "active keys", "members", "last activity"],
        all.map((c) => [c.id, c.name, c.status, c.activeKeys, c.members, shortDate(c.lastActivityAt)]),
      );
    });

  companies
    .command("suspend")
    .description("Refuse a company's keys (401) and users until it is resumed")
    .argument("<id-or-name>", "the company's id, or its name if no other company has it", boundedArgument(120))
    .action((idOrName: string) => setSuspended(idOrName, true));

  companies
    .command("resume")
    .description("Let a suspended company's keys and users in again")
    .argument("<id-or-name>", "the company's id, or its name if no other company has it", boundedArgument(120))
    .action((idOrName: string) => setSuspended(idOrName, false));

  companies
    .command("delete")
    .description("Delete a company and all it holds (keys stop at once); asks for its name again unless --yes")
    .argument("<id-or-name>", "the company's id, or its name if no other company has it", boundedArgument(120))
    .option("--yes", "do not ask: the company is deleted")
    .action(async (idOrName: string, opts: { yes?: boolean }) => {
      const { company, change } = await withHostDatabase(async (db) => {
        const company = await findCompanyByIdOrName(db, idOrName);
        const question = `Delete company "${company.name}" (${company.id}) with its keys, members, audit log and usage`;
        if (!opts.yes && !(await confirmByTyping(question, company.name))) {
          throw new CliError(EXIT.refused, "the name did not match: nothing was deleted");
        }
        return { company, change: await deleteCompany(db, company.id) };
      });
      process.stdout.write(
        `Deleted ${company.name} (${company.id}); its ${change.keyIds.length} keys stop on every replica within a second. Its users keep their other memberships.\n`,
      );
    });
}
