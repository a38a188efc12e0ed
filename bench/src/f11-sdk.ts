// Figure 11: a service's own route protected by @keyward/sdk, relative to the same route open, and
// to the same route calling POST /v1/keys/verify on every request (what a service does without the
// SDK). One service process (support/sdk-service.ts, plain node:http) serves all three; the API runs
// in its own process. Keys are used round-robin; after the warm-up every SDK check is a cache hit,
// which a correctness counter proves (no verify call left the service during the measured rounds).
// Rounds alternate the route order, and each ratio is taken per round.
import { check, type Figure } from "./support/figure";
import { forEachConcurrently, HttpClient, hammer } from "./support/load";
import { startApiReplica, startSdkService } from "./support/processes";
import { createAdminKey, createCompany, seedKeys } from "./support/seed";
import { formatSpread, spread } from "./support/stats";

type Route = "open" | "sdk" | "verifyEach";
const PATHS: Record<Route, string> = { open: "/open", sdk: "/sdk", verifyEach: "/verify-each" };

export const figure11: Figure = {
  id: 11,
  title:
    "HTTP throughput of a service route behind @keyward/sdk (cache hits) vs the same route open, and vs calling verify per request",
  target: "SDK ≥ 0.9 of open",
  anchor: "Unkey's SDK calls its API on every verification",
  async run(ctx) {
    const { db } = ctx.database;
    const keyCount = ctx.quick ? 200 : 1000;
    const rounds = ctx.quick ? 1 : 6;
    const roundSeconds = ctx.quick ? 1 : 2;
    const connections = 50;
    const companyId = await createCompany(db, "Bench SDK");
    const root = await createAdminKey(db, companyId, ["keys:verify"]);
    // No rate limit: a limited key is judged by Keyward on every request, by design.
    const keys = (await seedKeys(db, companyId, keyCount, { scopes: ["bench:read"] })).map((k) => k.secret);

    const api = await startApiReplica({
      DATABASE_URL: ctx.database.url,
      KEYWARD_ENCRYPTION_KEY: ctx.encryptionKey,
      ...(ctx.redisUrl ? { REDIS_URL: ctx.redisUrl } : {}),
    });
    const service = await startSdkService({ KEYWARD_URL: api.url, KEYWARD_ROOT_KEY: root.secret });
    const checks = [];
    try {
      // Every key through the SDK once its stream is live, twice: the first caches its verdict.
      const client = new HttpClient(service.url, 16);
      // The SDK opens its stream on its first check.
      await client.request(PATHS.sdk, { authorization: `Bearer ${keys[0]}` });
      for (let i = 0; i < 100 && !(await service.stats()).live; i++) await new Promise((r) => setTimeout(r, 100));
      checks.push(check("the SDK's change stream went live", (await service.stats()).live, ""));
      let warmRefused = 0;
      for (let pass = 0; pass < 2; pass++) {
        await forEachConcurrently(keys, 16, async (key) => {
          const res = await client.request(PATHS.sdk, { authorization: `Bearer ${key}` });
          if (res.status !== 200) warmRefused++;
        });
      }
      await client.close();
      checks.push(check("every key answered 200 through the SDK", warmRefused === 0, `${warmRefused} refused`));

      const perSecond = {} as Record<Route, number>;
      for (const route of ["open", "sdk", "verifyEach"] as const) {
        const warm = await hammer({
          url: service.url,
          path: PATHS[route],
          keys,
          connections,
          amount: ctx.quick ? 500 : 5000,
        });
        perSecond[route] = warm.rps;
      }

      const before = await service.stats();
      const ratios = { sdkVsOpen: [] as number[], verifyEachVsOpen: [] as number[], sdkVsVerifyEach: [] as number[] };
      const rps: Record<Route, number>[] = [];
      let refused = 0;
      for (let r = 0; r < rounds; r++) {
        const order: Route[] = r % 2 === 0 ? ["open", "sdk", "verifyEach"] : ["verifyEach", "sdk", "open"];
        const round = {} as Record<Route, number>;
        for (const route of order) {
          const load = await hammer({
            url: service.url,
            path: PATHS[route],
            keys,
            connections,
            amount: Math.max(200, Math.round(perSecond[route] * roundSeconds)),
          });
          refused += load.responses - load.ok + load.errors + load.timeouts;
          round[route] = load.rps;
        }
        rps.push(round);
        ratios.sdkVsOpen.push(round.sdk / round.open);
        ratios.verifyEachVsOpen.push(round.verifyEach / round.open);
        ratios.sdkVsVerifyEach.push(round.sdk / round.verifyEach);
        ctx.log(`  round ${r + 1}/${rounds}: ${order.map((o) => `${o} ${round[o].toFixed(0)} req/s`).join(", ")}`);
      }
      const after = await service.stats();
      // The verify-each route's own calls do not go through the SDK, so any SDK call here is a cache miss.
      const misses = after.networkVerifies - before.networkVerifies;
      checks.push(
        check("no SDK check left the service during the measured rounds", misses === 0, `${misses} verify calls`),
      );
      checks.push(check("every measured request answered 200", refused === 0, `${refused} not 200`));

      const sdkVsOpen = spread(ratios.sdkVsOpen);
      return {
        measured: formatSpread(sdkVsOpen),
        met: sdkVsOpen.median >= 0.9,
        checks,
        notes: [
          `verify per request: ${formatSpread(spread(ratios.verifyEachVsOpen))} of open; the SDK ${formatSpread(spread(ratios.sdkVsVerifyEach))}x its throughput`,
        ],
        data: { keyCount, rounds, roundSeconds, connections, rps, ratios },
      };
    } finally {
      await service.stop();
      await api.stop();
    }
  },
};
