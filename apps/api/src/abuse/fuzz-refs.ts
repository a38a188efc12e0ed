// What a fuzz plan names symbolically and a request resolves: ids from the world's pools and
// credentials by name, so drawing a plan needs no state and sending it uses the state of the moment.
import fc from "fast-check";
import type { Credential } from "./tenants";

/** Ids of the world a plan can name: ours (the caller's company, when it is A) or the other company's. */
export const ID_POOLS = [
  "ownKey",
  "otherKey",
  "ownRule",
  "otherRule",
  "ownAlert",
  "otherAlert",
  "ownEvent",
  "otherEvent",
  "ownUser",
  "otherUser",
  "ownCompany",
  "otherCompany",
  // Companies only the operator key acts on (PATCH may suspend them): never the fuzzer's own two.
  "spareCompany",
  "ownHash",
  "otherHash",
] as const;
export type IdPool = (typeof ID_POOLS)[number];

/** An id of a pool, chosen when the request is sent (pools grow as the fuzzer creates things). */
export class Ref {
  constructor(
    readonly pool: IdPool,
    readonly pick: number,
  ) {}
}

/** A credential's plaintext by name, chosen when sent, possibly altered into a near miss. */
export class SecretRef {
  constructor(
    readonly name: string,
    readonly alteration: Alteration | null = null,
  ) {}
}

/** Near misses of a real key: what a typo, a truncation or a forger produces. */
export type Alteration =
  | { kind: "typo"; at: number }
  | { kind: "reseal"; at: number }
  | { kind: "other-environment" }
  | { kind: "other-prefix"; prefix: string }
  | { kind: "truncate"; at: number }
  | { kind: "append"; text: string }
  | { kind: "case" }
  | { kind: "pad"; text: string };

export interface FuzzWorld {
  pools: Record<IdPool, string[]>;
  credentials: Record<string, Credential>;
  /** KEYWARD_JWT_SECRET of the app: HS256 tokens signed with it are real credentials. */
  jwtSecret: string;
  webhookUrl: string;
  owner: { email: string; password: string };
  /** An IP the allowlisted credential accepts. */
  allowlistedIp: string;
}

/** A reference to one id of one of `pools`, drawn uniformly by position. */
export const ref = (...pools: IdPool[]) =>
  fc
    .tuple(fc.constantFrom(...pools), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }))
    .map(([p, x]) => new Ref(p, x));

export function pickFrom(world: FuzzWorld, r: Ref): string {
  const pool = world.pools[r.pool];
  if (pool.length === 0) return "00000000-0000-7000-8000-000000000000";
  return pool[Math.floor(r.pick * pool.length)] as string;
}
