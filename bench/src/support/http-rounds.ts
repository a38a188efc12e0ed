// Figures 2 and 3 come from one measurement: one API process (bench-api.ts), three routes that differ
// only in how they authenticate, measured in alternating rounds so that the machine's noise falls on
// all three alike. Each round: the same autocannon load against each route in turn (the order flips
// every round), the server's CPU time read before and after, and the usage buffer flushed between
// routes so one route's batch write never lands in another's round.
import { type BenchContext, type Check, check } from "./figure";
import { forEachConcurrently, HttpClient, hammer, type LoadResult } from "./load";
import { startBenchApi } from "./processes";
import { allowedCount, createCompany, seedKeys } from "./seed";
import { percentiles, type Spread, spread } from "./stats";

export type RouteName = "open" | "keyed" | "prisma";
const ROUTES: Record<RouteName, string> = { open: "/bench/open", keyed: "/bench/keyed", prisma: "/bench/prisma" };

export interface RouteRound {
  rps: number;
  /** Server CPU per request, µs. */
  cpuMicrosPerRequest: number;
  /** Share of one core the server used: near 1 means the server, not the load generator, was the limit. */
  serverCpuShare: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export interface HttpMeasurement {
  keys: number;
  connections: number;
  roundSeconds: number;
  saturation: Record<RouteName, RouteRound>[];
  /** Unloaded latency (one connection), ms. */
  latency: Record<RouteName, { p50: number; p99: number; n: number }>[];
  keyedVsOpen: Spread;
  prismaVsOpen: Spread;
  keyedVsPrisma: Spread;
  addedP99KeyedMs: Spread;
  addedP99PrismaMs: Spread;
  cpuPerRequest: Record<RouteName, Spread>;
  serverCpuShare: Record<RouteName, Spread>;
  /** Requests after each key's first use that waited for a store read (an entry expired unused). */
  waitedForStore: number;
  storeReads: number;
  checks: Check[];
}

export function measureHttp(ctx: BenchContext): Promise<HttpMeasurement> {
  return ctx.once("http-rounds", () => run(ctx));
}

async function run(ctx: BenchContext): Promise<HttpMeasurement> {
  const { db } = ctx.database;
  const keyCount = ctx.quick ? 500 : 10_000;
  // Short rounds: a route's keys sit idle while the other two routes run, and a gap longer than the
  // cache's refresh window (~25 s) would expire them all between two of its rounds.
  const rounds = ctx.quick ? 1 : 6;
  const roundSeconds = ctx.quick ? 1 : 2;
  const latencyRounds = ctx.quick ? 1 : 3;
  const latencySeconds = ctx.quick ? 1 : 3;
  const connections = 50;

  const companyId = await createCompany(db, "Bench HTTP");
  ctx.log(`seeding ${keyCount} keys`);
  const keys = await seedKeys(db, companyId, keyCount, {
    scopes: ["bench:read"],
    // High enough never to refuse: the limiter is consulted (and counts) on every request.
    rateLimit: { limit: 1_000_000, windowSeconds: 60 },
  });
  const secrets = keys.map((k) => k.secret);

  const api = await startBenchApi({
    DATABASE_URL: ctx.database.url,
    KEYWARD_ENCRYPTION_KEY: ctx.encryptionKey,
    ...(ctx.redisUrl ? { REDIS_URL: ctx.redisUrl } : {}),
  });
  let keyedOk = 0;
  const checks: Check[] = [];
  try {
    // Every key used once (its first use loads it into the cache), then each route warmed up.
    const client = new HttpClient(api.url, 16);
    let warmRefused = 0;
    await forEachConcurrently(secrets, 16, async (secret) => {
      const res = await client.request(ROUTES.keyed, { authorization: `Bearer ${secret}` });
      if (res.status === 200) keyedOk++;
      else warmRefused++;
    });
    await client.close();
    checks.push(check("first use of every key answered 200", warmRefused === 0, `${warmRefused} refused`));
    // Warm-up rounds also size the measured ones: each round sends a fixed number of requests (about
    // `roundSeconds` worth), so every request sent gets its answer and the usage counts can be exact.
    const perSecond = {} as Record<RouteName, number>;
    for (const route of ["open", "keyed", "prisma"] as const) {
      const warm = await hammer({
        url: api.url,
        path: ROUTES[route],
        keys: secrets,
        connections,
        amount: ctx.quick ? 500 : 10_000,
      });
      if (route === "keyed") keyedOk += warm.ok;
      perSecond[route] = warm.rps;
    }
    const latencyWarm = await hammer({ url: api.url, path: ROUTES.keyed, keys: secrets, connections: 1, amount: 1000 });
    keyedOk += latencyWarm.ok;
    const sequentialPerSecond = latencyWarm.rps;
    await api.flush();

    const saturation: Record<RouteName, RouteRound>[] = [];
    const problems: string[] = [];
    for (let r = 0; r < rounds; r++) {
      const order: RouteName[] = r % 2 === 0 ? ["open", "keyed", "prisma"] : ["prisma", "keyed", "open"];
      const round = {} as Record<RouteName, RouteRound>;
      for (const route of order) {
        const before = await api.stats();
        const load = await hammer({
          url: api.url,
          path: ROUTES[route],
          keys: secrets,
          connections,
          amount: Math.max(200, Math.round(perSecond[route] * roundSeconds)),
        });
        const after = await api.stats();
        await api.flush();
        if (route === "keyed") keyedOk += load.ok;
        noteProblems(problems, route, load);
        const cpu = after.cpuMicros - before.cpuMicros;
        round[route] = {
          rps: load.rps,
          cpuMicrosPerRequest: cpu / Math.max(1, load.responses),
          serverCpuShare: cpu / (load.seconds * 1e6),
          p99: load.p99,
          non2xx: load.non2xx,
          errors: load.errors + load.timeouts,
        };
      }
      saturation.push(round);
      ctx.log(
        `  round ${r + 1}/${rounds}: ${order.map((o) => `${o} ${round[o].rps.toFixed(0)} req/s (${round[o].cpuMicrosPerRequest.toFixed(0)} µs CPU/req)`).join(", ")}`,
      );
    }

    const latency: Record<RouteName, { p50: number; p99: number; n: number }>[] = [];
    for (let r = 0; r < latencyRounds; r++) {
      const order: RouteName[] = r % 2 === 0 ? ["open", "keyed", "prisma"] : ["prisma", "keyed", "open"];
      const round = {} as Record<RouteName, { p50: number; p99: number; n: number }>;
      for (const route of order) {
        const load = await hammer({
          url: api.url,
          path: ROUTES[route],
          keys: secrets,
          connections: 1,
          amount: Math.max(200, Math.round(sequentialPerSecond * latencySeconds)),
          recordLatencies: true,
        });
        await api.flush();
        if (route === "keyed") keyedOk += load.ok;
        noteProblems(problems, route, load);
        const p = percentiles(load.latencies ?? []);
        round[route] = { p50: p.p50, p99: p.p99, n: p.n };
      }
      latency.push(round);
      ctx.log(
        `  latency round ${r + 1}/${latencyRounds}: ${order.map((o) => `${o} p50 ${round[o].p50.toFixed(3)} p99 ${round[o].p99.toFixed(3)} ms`).join(", ")}`,
      );
    }

    await api.flush();
    const stats = await api.stats();
    const written = await allowedCount(
      db,
      keys.map((k) => k.id),
    );
    // Each key is read when first used, then re-read in the background while in use (refresh-ahead);
    // a key idle for a whole TTL between its route's rounds expires and is read again on its next use.
    checks.push(
      check("every response 2xx, no socket error", problems.length === 0, problems.join("; ") || "none"),
      check(
        "usage counted = keyed requests served",
        stats.usageRecorded === keyedOk,
        `${stats.usageRecorded} counted, ${keyedOk} served`,
      ),
      check("usage written = usage counted", written === stats.usageRecorded, `${written} in usage_buckets`),
      check(
        "every store read is one api_keys query, and every key was read",
        stats.verifier.storeQueries >= keyCount && stats.keyQueries === stats.verifier.storeQueries,
        `${stats.verifier.storeQueries} store reads, ${stats.keyQueries} api_keys queries, ${keyCount} keys`,
      ),
    );
    const waitedForStore = stats.verifier.misses - keyCount;

    const per = (f: (round: Record<RouteName, RouteRound>) => number) => spread(saturation.map(f));
    return {
      keys: keyCount,
      connections,
      roundSeconds,
      saturation,
      latency,
      keyedVsOpen: per((x) => x.keyed.rps / x.open.rps),
      prismaVsOpen: per((x) => x.prisma.rps / x.open.rps),
      keyedVsPrisma: per((x) => x.keyed.rps / x.prisma.rps),
      addedP99KeyedMs: spread(latency.map((x) => x.keyed.p99 - x.open.p99)),
      addedP99PrismaMs: spread(latency.map((x) => x.prisma.p99 - x.open.p99)),
      cpuPerRequest: {
        open: per((x) => x.open.cpuMicrosPerRequest),
        keyed: per((x) => x.keyed.cpuMicrosPerRequest),
        prisma: per((x) => x.prisma.cpuMicrosPerRequest),
      },
      serverCpuShare: {
        open: per((x) => x.open.serverCpuShare),
        keyed: per((x) => x.keyed.serverCpuShare),
        prisma: per((x) => x.prisma.serverCpuShare),
      },
      waitedForStore,
      storeReads: stats.verifier.storeQueries,
      checks,
    };
  } finally {
    await api.stop();
  }
}

function noteProblems(problems: string[], route: RouteName, load: LoadResult): void {
  if (load.non2xx > 0 || load.errors > 0 || load.timeouts > 0) {
    problems.push(
      `${route}: ${load.non2xx} non-2xx ${JSON.stringify(load.statusCounts)}, ${load.errors} errors, ${load.timeouts} timeouts`,
    );
  }
}
