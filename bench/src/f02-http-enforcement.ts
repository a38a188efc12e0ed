// Figure 2: HTTP throughput of a trivial Fastify route behind the enforcement hook, relative to the
// same route without it, and the p99 latency the hook adds. 10,000 distinct keys round-robin, rate
// limits and usage counting on. Measured with figure 3 in one run: support/http-rounds.ts.
import type { Figure } from "./support/figure";
import { measureHttp } from "./support/http-rounds";
import { formatSpread } from "./support/stats";

export const figure02: Figure = {
  id: 2,
  title:
    "HTTP throughput of a trivial route with the enforcement hook vs without (10,000 keys round-robin, rate limit + usage on)",
  target: "≥ 0.95; added p99 ≤ 0.5 ms",
  anchor: "Kong: 0.87 and +0.7 ms p99 for key-auth on top of rate limiting",
  async run(ctx) {
    const m = await measureHttp(ctx);
    const ratio = m.keyedVsOpen;
    const added = m.addedP99KeyedMs;
    return {
      measured: `${formatSpread(ratio)}; added p99 ${formatSpread(added, 3, " ms")}`,
      met: ratio.median >= 0.95 && added.median <= 0.5,
      checks: m.checks,
      notes: [
        `server CPU per request: open ${m.cpuPerRequest.open.median.toFixed(0)} µs, keyed ${m.cpuPerRequest.keyed.median.toFixed(0)} µs ` +
          `(ratio ${(m.cpuPerRequest.open.median / m.cpuPerRequest.keyed.median).toFixed(2)})`,
        `server's share of one core under load: open ${m.serverCpuShare.open.median.toFixed(2)}, keyed ${m.serverCpuShare.keyed.median.toFixed(2)}` +
          (m.serverCpuShare.open.median < 0.8
            ? " (below 0.8: the load generator or the machine, not only the server, set the pace)"
            : ""),
        `store reads: ${m.storeReads} for ${m.keys} keys; requests that waited for one after a key's first use: ${m.waitedForStore}`,
      ],
      data: { ...m, checks: undefined },
    };
  },
};
