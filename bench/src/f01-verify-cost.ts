// Figure 1: the in-process cost of verifying a key on a cache hit, as a multiple of one bare SHA-256
// of the key measured in the same rounds. The verifier is the API's: auth-core's KeyVerifier with the
// API's own rate limiter (in memory, as without REDIS_URL) and usage buffer, every check exercised
// (an IP allowlist, a required scope, a rate limit, usage counting).
import { createHash, hash } from "node:crypto";
import { generateKey, type KeyRecord, KeyVerifier } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import { KeyRateLimiter, UsageBuffer } from "@keyward/enforcement";
import type { FastifyBaseLogger } from "fastify";
import { check, type Figure } from "./support/figure";
import { formatSpread, spread } from "./support/stats";

const silent = {
  level: "silent",
  fatal() {},
  error() {},
  warn() {},
  info() {},
  debug() {},
  trace() {},
  silent() {},
  child: () => silent,
} as unknown as FastifyBaseLogger;

const OPTIONS = { requiredScopes: ["bench:read"], ip: "10.1.2.3" } as const;

function record(i: number, keyHash: string): KeyRecord {
  return {
    id: `00000000-0000-7000-8000-${String(i).padStart(12, "0")}`,
    companyId: "00000000-0000-7000-8000-000000000000",
    companySuspended: false,
    name: `bench key ${i}`,
    hash: keyHash,
    environment: "live",
    scopes: ["bench:read", "keys:read"],
    expiresAt: new Date(Date.now() + 86_400_000),
    revokedAt: null,
    graceEndsAt: null,
    ipAllowlist: ["10.0.0.0/8", "2001:db8::/32"],
    rateLimit: { limit: 1_000_000_000, windowSeconds: 60 },
    metadata: null,
  };
}

export const figure01: Figure = {
  id: 1,
  title: "verification on a cache hit (checksum, hash, cache, status, IP, scopes, rate limit, usage count)",
  target: "≤ 4x one bare SHA-256",
  anchor: "SHA-256 is the floor",
  async run(ctx) {
    const keyCount = ctx.quick ? 200 : 1000;
    const opsPerRound = ctx.quick ? 2_000 : 20_000;
    const rounds = ctx.quick ? 3 : 21;

    const keys = Array.from({ length: keyCount }, () => generateKey({ prefix: "kw", environment: "live" }));
    const records = new Map(keys.map((k, i) => [k.hash, record(i, k.hash)]));
    const secrets = keys.map((k) => k.key);
    const store = { findByHash: async (h: string) => records.get(h) ?? null };
    // The usage buffer is never started, so it never writes: counting is what is measured here.
    const usage = new UsageBuffer({ db: {} as Db, log: silent });
    const full = new KeyVerifier({ store, rateLimiter: new KeyRateLimiter({ redis: null, log: silent }), usage });
    // auth-core alone (no rate limiter, no usage recorder): tells the API's share of the cost from the core's.
    const core = new KeyVerifier({ store });

    let invalid = 0;
    let sink = 0;
    const bareSha = (n: number, offset: number) => {
      for (let i = 0; i < n; i++) sink += hash("sha256", secrets[(offset + i) % keyCount] as string, "hex").length;
    };
    // The streaming API most code uses (and auth-core used before figure 1 moved it to hash()).
    const streamingSha = (n: number, offset: number) => {
      for (let i = 0; i < n; i++) {
        sink += createHash("sha256")
          .update(secrets[(offset + i) % keyCount] as string)
          .digest("hex").length;
      }
    };
    const verifyAll = async (verifier: KeyVerifier, n: number, offset: number) => {
      for (let i = 0; i < n; i++) {
        const result = await verifier.verify(secrets[(offset + i) % keyCount], OPTIONS);
        if (!result.valid) invalid++;
      }
    };
    // A round of SHA-256 alone is ~10x shorter than a round of verifications, and one descheduling
    // (a 10 ms time slice) would double it: the hashes run 8x as many times, so both take similar time.
    const shaOps = opsPerRound * 8;
    const timed = async (fn: () => unknown, ops: number): Promise<number> => {
      const started = process.hrtime.bigint();
      await fn();
      return Number(process.hrtime.bigint() - started) / ops;
    };

    // First use of every key (the misses), then enough calls for the JIT to settle.
    await verifyAll(full, keyCount, 0);
    await verifyAll(core, keyCount, 0);
    const warm = ctx.quick ? 2_000 : 50_000;
    bareSha(warm, 0);
    await verifyAll(full, warm, 0);
    await verifyAll(core, warm, 0);

    const shaNs: number[] = [];
    const streamingNs: number[] = [];
    const fullNs: number[] = [];
    const coreNs: number[] = [];
    const ratios: number[] = [];
    const coreRatios: number[] = [];
    const streamingRatios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const offset = r * 7919;
      // Alternate the order every round so neither side always runs first after a pause.
      const order =
        r % 2 === 0 ? (["sha", "full", "core", "stream"] as const) : (["stream", "core", "full", "sha"] as const);
      const ns: Record<string, number> = {};
      for (const which of order) {
        if (which === "sha") ns[which] = await timed(() => bareSha(shaOps, offset), shaOps);
        else if (which === "stream") ns[which] = await timed(() => streamingSha(shaOps, offset), shaOps);
        else ns[which] = await timed(() => verifyAll(which === "full" ? full : core, opsPerRound, offset), opsPerRound);
      }
      const [sha, stream, fullOne, coreOne] = [ns.sha, ns.stream, ns.full, ns.core] as number[];
      shaNs.push(sha as number);
      streamingNs.push(stream as number);
      fullNs.push(fullOne as number);
      coreNs.push(coreOne as number);
      ratios.push((fullOne as number) / (sha as number));
      coreRatios.push((coreOne as number) / (sha as number));
      streamingRatios.push((fullOne as number) / (stream as number));
    }

    const ratio = spread(ratios);
    const verifies = keyCount + warm + rounds * opsPerRound;
    return {
      measured: `${formatSpread(ratio, 2, "x")}; SHA-256 ${spread(shaNs).median.toFixed(0)} ns, verify ${spread(fullNs).median.toFixed(0)} ns`,
      met: ratio.median <= 4,
      checks: [
        check("every verification VALID", invalid === 0, `${invalid} refused`),
        check(
          "one store query per key, every other call a cache hit",
          full.stats.storeQueries === keyCount &&
            full.stats.hits === verifies - keyCount &&
            full.stats.misses === keyCount,
          JSON.stringify(full.stats),
        ),
        check("usage counted once per verification", usage.recorded === verifies, `${usage.recorded} of ${verifies}`),
        check("checksum", sink > 0, "SHA-256 results consumed"),
      ],
      notes: [
        `auth-core alone (no rate limiter, no usage buffer): ${formatSpread(spread(coreRatios), 2, "x")}, ${spread(coreNs).median.toFixed(0)} ns`,
        `against createHash().update().digest() (${spread(streamingNs).median.toFixed(0)} ns) instead of hash(): ${formatSpread(spread(streamingRatios), 2, "x")}`,
      ],
      data: {
        ratio,
        coreOnlyRatio: spread(coreRatios),
        shaNs: spread(shaNs),
        verifyNs: spread(fullNs),
        coreVerifyNs: spread(coreNs),
        streamingShaNs: spread(streamingNs),
        ratioToStreamingSha: spread(streamingRatios),
        keys: keyCount,
        opsPerRound,
        anchor: 'crypto.hash("sha256", key, "hex")',
      },
    };
  },
};
