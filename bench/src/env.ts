// The only place the bench reads process.env.
import { z } from "zod";

const schema = z.object({
  /** PostgreSQL server on which the run creates (and drops) a fresh database; unset: embedded. */
  DATABASE_URL: z.url().optional(),
  /** Redis shared by the API replicas (figures 6 and 7 need it to mean what they say). */
  REDIS_URL: z.url().optional(),
  /** A folder: every server process of the run writes a `node --cpu-prof` profile there. */
  BENCH_CPU_PROF: z.string().min(1).optional(),
  /** Describes the machine in the results when `os` cannot (e.g. "shared CI runner"). */
  BENCH_MACHINE: z.string().optional(),
});

export type BenchEnv = z.output<typeof schema>;

export function loadBenchEnv(source: NodeJS.ProcessEnv = process.env): BenchEnv {
  const parsed = schema.safeParse({
    DATABASE_URL: source.DATABASE_URL || undefined,
    REDIS_URL: source.REDIS_URL || undefined,
    BENCH_CPU_PROF: source.BENCH_CPU_PROF || undefined,
    BENCH_MACHINE: source.BENCH_MACHINE || undefined,
  });
  if (!parsed.success) throw new Error(`Invalid environment for the bench:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
