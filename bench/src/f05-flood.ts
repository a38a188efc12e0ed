// Figure 5: a flood of random keys, and the database queries it causes. Phase 1 sends keys whose
// checksum is wrong (typos, garbage, guesses): no query at all. Phase 2 sends well-formed keys that do
// not exist, each twice, the repeat close behind: at most one query per distinct key (negative cache,
// and concurrent misses of one hash share one query). Queries are counted by the API's database
// client (every api_keys operation), not by the verifier's own counters.
//
// The per-IP failed-credential throttle is raised for this figure: at its default (30 refusals a
// minute) it would answer 429 to the whole flood from one IP before the verifier saw it, which is a
// defence of its own but would make this figure measure nothing. And the API runs without Redis here
// even when REDIS_URL is set: Redis plays no part in the negative cache, while the throttle's failure
// counters in Redis are per IP, so a flood from 127.0.0.1 would throttle every other user of that
// Redis on this machine.
import { randomInt } from "node:crypto";
import { generateKey } from "@keyward/auth-core";
import { check, type Figure } from "./support/figure";
import { forEachConcurrently, HttpClient } from "./support/load";
import { startBenchApi } from "./support/processes";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A key of the right shape whose checksum does not match: one body character changed. */
function badChecksumKey(): string {
  const key = generateKey({ prefix: "kw", environment: "live" }).key;
  const at = 8 + randomInt(43);
  const current = key.charAt(at);
  let replacement = current;
  while (replacement === current) replacement = BASE62.charAt(randomInt(62));
  return key.slice(0, at) + replacement + key.slice(at + 1);
}

/** Each distinct key twice, the second time within `gap` requests of the first. */
function withCloseRepeats(distinct: string[], gap: number): string[] {
  const out: string[] = [];
  const pending: { key: string; due: number }[] = [];
  for (const key of distinct) {
    out.push(key);
    pending.push({ key, due: out.length + 1 + randomInt(gap) });
    while (pending.length > 0 && (pending[0] as { due: number }).due <= out.length) {
      out.push((pending.shift() as { key: string }).key);
    }
  }
  for (const p of pending) out.push(p.key);
  return out;
}

export const figure05: Figure = {
  id: 5,
  title: "a flood of 100,000 random keys: database queries caused",
  target: "0 for bad checksums; ≤ 1 per distinct well-formed unknown key",
  anchor: "",
  async run(ctx) {
    const total = ctx.quick ? 10_000 : 100_000;
    const badCount = total / 2;
    const distinctUnknown = total / 4;
    const concurrency = 32;

    const bad = Array.from({ length: badCount }, badChecksumKey);
    const unknown = withCloseRepeats(
      Array.from({ length: distinctUnknown }, () => generateKey({ prefix: "kw", environment: "live" }).key),
      500,
    );

    const api = await startBenchApi({
      DATABASE_URL: ctx.database.url,
      KEYWARD_ENCRYPTION_KEY: ctx.encryptionKey,
      AUTH_FAILURE_LIMIT: "1000000000",
    });
    const client = new HttpClient(api.url, concurrency);
    try {
      const flood = async (keys: string[]) => {
        const before = await api.stats();
        const statuses = new Map<number, number>();
        const started = performance.now();
        await forEachConcurrently(keys, concurrency, async (key) => {
          const { status } = await client.request("/bench/keyed", { authorization: `Bearer ${key}` });
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        });
        const seconds = (performance.now() - started) / 1000;
        const after = await api.stats();
        return {
          queries: after.keyQueries - before.keyQueries,
          storeQueries: after.verifier.storeQueries - before.verifier.storeQueries,
          negativeHits: after.verifier.negativeHits - before.verifier.negativeHits,
          statuses: Object.fromEntries(statuses),
          rps: keys.length / seconds,
        };
      };

      ctx.log(`phase 1: ${bad.length} keys with a bad checksum`);
      const phase1 = await flood(bad);
      ctx.log(`phase 2: ${unknown.length} well-formed unknown keys (${distinctUnknown} distinct)`);
      const phase2 = await flood(unknown);

      const all401 = (s: Record<string, number>, n: number) => s[401] === n;
      const checks = [
        check("bad checksums: zero database queries", phase1.queries === 0, `${phase1.queries} api_keys queries`),
        check(
          "well-formed unknown keys: at most one query per distinct key",
          phase2.queries <= distinctUnknown,
          `${phase2.queries} api_keys queries for ${distinctUnknown} distinct keys (${phase2.negativeHits} negative-cache hits)`,
        ),
        check(
          "every flooded request refused with 401",
          all401(phase1.statuses, bad.length) && all401(phase2.statuses, unknown.length),
          `phase 1 ${JSON.stringify(phase1.statuses)}, phase 2 ${JSON.stringify(phase2.statuses)}`,
        ),
      ];
      return {
        measured:
          `bad checksums: ${phase1.queries} queries for ${bad.length} keys; ` +
          `well-formed unknown: ${phase2.queries} queries for ${distinctUnknown} distinct keys sent ${unknown.length} times`,
        met: phase1.queries === 0 && phase2.queries <= distinctUnknown,
        checks,
        notes: [
          "API without Redis for this figure (see the file's header)",
          `refusal throughput: bad checksum ${phase1.rps.toFixed(0)} req/s, unknown ${phase2.rps.toFixed(0)} req/s (${concurrency} connections)`,
        ],
        data: { total, badCount, distinctUnknown, phase1, phase2 },
      };
    } finally {
      await client.close();
      await api.stop();
    }
  },
};
