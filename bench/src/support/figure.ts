// What every figure module exports, and what the runner hands it.
import type { Db } from "@keyward/db";

/** A correctness counter: these are checked in every mode, and a failed one fails the run. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Outcome {
  /** The headline number as printed in the table, e.g. `3.1x (2.8–3.6, 12 rounds)`. */
  measured: string;
  /** Whether the target is met; "n/a" when this run cannot judge it, "reported" for a figure without a target. */
  met: boolean | "n/a" | "reported";
  checks: Check[];
  notes?: string[];
  /** Raw numbers for latest.json. */
  data: Record<string, unknown>;
}

export interface Figure {
  id: number;
  title: string;
  target: string;
  anchor: string;
  run(ctx: BenchContext): Promise<Outcome>;
}

export interface BenchDatabase {
  url: string;
  kind: "embedded" | "postgresql";
  /** The runner's own client, for seeding and reading counts back. */
  db: Db;
}

export interface BenchContext {
  /** `--quick`: small sizes, correctness counters only, timings printed but not judged. */
  quick: boolean;
  database: BenchDatabase;
  redisUrl: string | undefined;
  /** Shared by every process of the run: the API seals its JWT signing keys with it. */
  encryptionKey: string;
  /** Runs `fn` once per run and shares its result (figures 2 and 3, 4 and 9 come from one measurement). */
  once<T>(name: string, fn: () => Promise<T>): Promise<T>;
  log(message: string): void;
}

export function check(name: string, ok: boolean, detail: string): Check {
  return { name, ok, detail };
}
