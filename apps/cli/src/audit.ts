// `keyward audit verify`: recomputes each company's audit hash chain (docs/operations.md) straight from the
// database and names the first event whose content or link does not match.

import { isUuid, verifyAuditChain } from "@keyward/core";
import { createDb } from "@keyward/db";
import type { Command } from "commander";
import { openDatabase } from "./database";
import { CliError, EXIT } from "./errors";
import { printJson } from "./output";

interface ChainReport {
  companyId: string;
  company: string;
  events: number;
  ok: boolean;
  brokenAt?: { seq: number; id: string | null };
}

export function registerAuditCommand(program: Command): void {
  const audit = program.command("audit").description("Audit log tools");
  audit
    .command("verify")
    .description("Check the audit log's hash chain of every company (or one); exit 1 when a link is broken")
    .option("--company <id-or-name>", "only this company")
    .option("--json", "print the result as JSON")
    .action(async (opts: { company?: string; json?: boolean }) => {
      const database = await openDatabase();
      const db = createDb(database.url, { maxConnections: 2 });
      try {
        const companies = await db.company.findMany({
          where: opts.company ? (isUuid(opts.company) ? { id: opts.company } : { name: opts.company }) : {},
          select: { id: true, name: true },
          orderBy: { createdAt: "asc" },
        });
        if (opts.company && companies.length === 0) {
          throw new CliError(EXIT.usage, `no company "${opts.company}" (--company takes an id or a name)`);
        }
        const reports: ChainReport[] = [];
        for (const company of companies) {
          const events = await db.auditEvent.count({ where: { companyId: company.id } });
          const brokenSeq = await verifyAuditChain(db, company.id);
          const report: ChainReport = { companyId: company.id, company: company.name, events, ok: brokenSeq === null };
          if (brokenSeq !== null) {
            const row = await db.auditEvent.findFirst({
              where: { companyId: company.id, seq: brokenSeq },
              select: { id: true },
            });
            report.brokenAt = { seq: brokenSeq, id: row?.id ?? null };
          }
          reports.push(report);
        }
        if (opts.json) printJson({ ok: reports.every((r) => r.ok), companies: reports });
        else {
          if (reports.length === 0) process.stdout.write("No companies yet: nothing to verify.\n");
          for (const r of reports) {
            process.stdout.write(
              r.ok
                ? `OK ${r.company}: ${r.events} events, the hash chain is intact.\n`
                : `BROKEN ${r.company}: first broken link at seq ${r.brokenAt?.seq} (event ${r.brokenAt?.id ?? "missing"}); ${r.events} events. Events from there on were altered, removed or reordered.\n`,
            );
          }
        }
        if (!reports.every((r) => r.ok)) process.exitCode = EXIT.refused;
      } finally {
        await db.$disconnect();
        await database.release();
      }
    });
}
