// Figure 3: the same route authenticated the way most Node apps do it: SHA-256 the key and look it up
// with Prisma (findUnique by hash) on every request. Same process, same run, same rounds as figure 2.
import type { Figure } from "./support/figure";
import { measureHttp } from "./support/http-rounds";
import { formatSpread } from "./support/stats";

export const figure03: Figure = {
  id: 3,
  title: "the same route with a database lookup of the key on every request (Prisma findUnique by hash)",
  target: "report the ratio",
  anchor: "what most Node apps do",
  async run(ctx) {
    const m = await measureHttp(ctx);
    return {
      measured:
        `${formatSpread(m.prismaVsOpen)} of no auth; Keyward hook ${m.keyedVsPrisma.median.toFixed(2)}x its throughput; ` +
        `added p99 ${formatSpread(m.addedP99PrismaMs, 3, " ms")}`,
      met: "reported",
      checks: m.checks,
      notes: [
        `server CPU per request: ${m.cpuPerRequest.prisma.median.toFixed(0)} µs (open ${m.cpuPerRequest.open.median.toFixed(0)} µs), ` +
          `plus the database's own CPU (${ctx.database.kind})`,
      ],
      data: {
        prismaVsOpen: m.prismaVsOpen,
        keyedVsPrisma: m.keyedVsPrisma,
        addedP99PrismaMs: m.addedP99PrismaMs,
        cpuPerRequest: m.cpuPerRequest.prisma,
      },
    };
  },
};
