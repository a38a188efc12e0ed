// Figure 6: how long after a revoke call returns (on replica A) replica B refuses the key. Two real
// API processes (apps/api/src/main.ts) on one database; with REDIS_URL the change reaches B over
// pub/sub, without it B finds it in the key_changes log it polls. B's cache holds the key before each
// revocation (used twice), so only an invalidation can make B refuse it; after the first 401 one more
// request checks that B does not flip back.
//
// Both replicas run with the failed-credential throttle raised: each revocation ends in a 401 from
// 127.0.0.1, and at the default (30 a minute) B would answer 429 from the 31st revocation on.
import { check, type Figure } from "./support/figure";
import { HttpClient } from "./support/load";
import { startApiReplica } from "./support/processes";
import { createAdminKey, createCompany, seedKeys } from "./support/seed";
import { percentiles } from "./support/stats";

const GIVE_UP_MS = 5_000;

export const figure06: Figure = {
  id: 6,
  title: "revocation seen by a second API replica (Redis on), from the revoke call returning",
  target: "p99 ≤ 1 s (aim 100 ms)",
  anchor: "Unkey documents up to 60 s",
  async run(ctx) {
    const { db } = ctx.database;
    const count = ctx.quick ? 5 : 50;
    const companyId = await createCompany(db, "Bench revocation");
    const admin = await createAdminKey(db, companyId);
    const keys = await seedKeys(db, companyId, count, { scopes: ["bench:read"] });

    const env: Record<string, string> = {
      DATABASE_URL: ctx.database.url,
      KEYWARD_ENCRYPTION_KEY: ctx.encryptionKey,
      AUTH_FAILURE_LIMIT: "1000000",
      ...(ctx.redisUrl ? { REDIS_URL: ctx.redisUrl } : {}),
    };
    const [a, b] = await Promise.all([startApiReplica(env), startApiReplica(env)]);
    const clientA = new HttpClient(a.url, 1);
    const clientB = new HttpClient(b.url, 1);
    const headers = (key: string) => ({ authorization: `Bearer ${key}` });
    try {
      const seenMs: number[] = [];
      const problems: string[] = [];
      for (const key of keys) {
        for (let i = 0; i < 2; i++) {
          const warm = await clientB.request("/v1/me", headers(key.secret));
          if (warm.status !== 200) problems.push(`warm-up of ${key.id} on B: ${warm.status}`);
        }
        const revoked = await clientA.request(
          `/v1/keys/${key.id}/revoke`,
          {
            ...headers(admin.secret),
            "content-type": "application/json",
          },
          { method: "POST", body: "{}" },
        );
        const returnedAt = performance.now();
        if (revoked.status !== 200) {
          problems.push(`revoke ${key.id} on A: ${revoked.status}`);
          continue;
        }
        let status = 200;
        while (status === 200 && performance.now() - returnedAt < GIVE_UP_MS) {
          status = (await clientB.request("/v1/me", headers(key.secret))).status;
        }
        const elapsed = performance.now() - returnedAt;
        if (status !== 401) {
          problems.push(`${key.id}: B still answered ${status} after ${GIVE_UP_MS} ms`);
          continue;
        }
        seenMs.push(elapsed);
        const again = await clientB.request("/v1/me", headers(key.secret));
        if (again.status !== 401) problems.push(`${key.id}: B answered ${again.status} after its first 401`);
      }
      const p = percentiles(seenMs);
      return {
        measured: `p50 ${p.p50.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms, max ${p.max.toFixed(1)} ms (${p.n} revocations)`,
        met: p.n === count && p.p99 <= 1000,
        checks: [
          check(
            "every revocation refused by B, and for good",
            problems.length === 0,
            problems.slice(0, 5).join("; ") || "none",
          ),
        ],
        notes: [
          ctx.redisUrl
            ? "Redis on: B learns of the change over pub/sub"
            : "no REDIS_URL: B learns of the change from the key_changes log it polls (set REDIS_URL for the figure as specified)",
          `p99 of ${p.n} samples is their ${Math.ceil(0.99 * p.n)}th smallest; B polled back to back (one request in flight)`,
        ],
        data: { revocations: count, seenMs: p, redis: Boolean(ctx.redisUrl) },
      };
    } finally {
      await clientA.close();
      await clientB.close();
      await Promise.all([a.stop(), b.stop()]);
    }
  },
};
