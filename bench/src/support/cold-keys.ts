// Figures 4 and 9 come from one measurement: a fresh API process, then the first use of each of
// 100,000 keys stored in the database (every request a cache miss, so one indexed query each), then a
// second use of the most recently loaded keys (cache hits). The process's resident memory is read
// before and after, with a full GC first, so figure 9 is the API holding 100,000 keys in its cache.
import { type BenchContext, type Check, check } from "./figure";
import { forEachConcurrently, HttpClient } from "./load";
import { startBenchApi } from "./processes";
import { createCompany, seedKeys } from "./seed";
import { type Percentiles, percentiles } from "./stats";

export interface ColdKeysMeasurement {
  keys: number;
  concurrency: number;
  /** Duration of each store read (findUnique by hash) as the API's database client saw it, ms. */
  storeReadMs: Percentiles;
  /** Client-side latency of the first use (miss) and of a later use (hit) of a key, ms. */
  missMs: Percentiles;
  hitMs: Percentiles;
  missSeconds: number;
  rssBefore: number;
  rssAfter: number;
  heapAfter: number;
  externalAfter: number;
  checks: Check[];
}

export function measureColdKeys(ctx: BenchContext): Promise<ColdKeysMeasurement> {
  return ctx.once("cold-keys", () => run(ctx));
}

async function run(ctx: BenchContext): Promise<ColdKeysMeasurement> {
  const { db } = ctx.database;
  const keyCount = ctx.quick ? 2_000 : 100_000;
  const hitSample = ctx.quick ? 1_000 : 10_000;
  const concurrency = 8;

  const companyId = await createCompany(db, "Bench cold keys");
  ctx.log(`seeding ${keyCount} keys`);
  const keys = await seedKeys(
    db,
    companyId,
    keyCount,
    { scopes: ["bench:read"], rateLimit: { limit: 1_000_000, windowSeconds: 60 } },
    (done) => {
      if (done % 20_000 === 0) ctx.log(`  ${done} keys stored`);
    },
  );

  const api = await startBenchApi({
    DATABASE_URL: ctx.database.url,
    KEYWARD_ENCRYPTION_KEY: ctx.encryptionKey,
    ...(ctx.redisUrl ? { REDIS_URL: ctx.redisUrl } : {}),
  });
  const client = new HttpClient(api.url, concurrency);
  try {
    await api.gc();
    const before = await api.stats();
    await api.resetQueryTimes();

    ctx.log(`first use of ${keyCount} keys, ${concurrency} at a time`);
    const missMs = new Float64Array(keyCount);
    const loadedAt = new Float64Array(keyCount);
    let missRefused = 0;
    const missStart = performance.now();
    await forEachConcurrently(keys, concurrency, async (key, i) => {
      const res = await client.request("/bench/keyed", { authorization: `Bearer ${key.secret}` });
      missMs[i] = res.ms;
      loadedAt[i] = performance.now();
      if (res.status !== 200) missRefused++;
      if ((i + 1) % 25_000 === 0) ctx.log(`  ${i + 1} keys used`);
    });
    const missSeconds = (performance.now() - missStart) / 1000;
    const afterMisses = await api.stats();

    // Keys loaded in the last 20 s, at most `hitSample` of them: well inside the cache's 60 s lifetime
    // (an entry nobody used for 60 s expires by design, however slow the machine made the first pass).
    const cutoff = performance.now() - 20_000;
    const recent = keys.filter((_, i) => (loadedAt[i] as number) > cutoff).slice(-hitSample);
    const hitMs = new Float64Array(recent.length);
    let hitRefused = 0;
    await forEachConcurrently(recent, concurrency, async (key, i) => {
      const res = await client.request("/bench/keyed", { authorization: `Bearer ${key.secret}` });
      hitMs[i] = res.ms;
      if (res.status !== 200) hitRefused++;
    });
    const afterHits = await api.stats();

    await api.gc();
    const memory = await api.stats();

    const storeQueries = afterMisses.verifier.storeQueries - before.verifier.storeQueries;
    const checks = [
      check("every first use answered 200", missRefused === 0, `${missRefused} refused`),
      check("every later use answered 200", hitRefused === 0, `${hitRefused} refused`),
      check(
        "exactly one store query per key on first use",
        storeQueries === keyCount && afterMisses.keyQueryMs.length === keyCount,
        `${storeQueries} store queries, ${afterMisses.keyQueryMs.length} reads by hash, ${keyCount} keys`,
      ),
      check(
        "no later use waits for the store (a cache hit)",
        afterHits.verifier.misses === afterMisses.verifier.misses && recent.length > 0,
        `${afterHits.verifier.misses - afterMisses.verifier.misses} misses for ${recent.length} cached keys`,
      ),
    ];
    return {
      keys: keyCount,
      concurrency,
      storeReadMs: percentiles(afterMisses.keyQueryMs),
      missMs: percentiles(missMs),
      hitMs: percentiles(hitMs),
      missSeconds,
      rssBefore: before.rss,
      rssAfter: memory.rss,
      heapAfter: memory.heapUsed,
      externalAfter: memory.external,
      checks,
    };
  } finally {
    await client.close();
    await api.stop();
  }
}
