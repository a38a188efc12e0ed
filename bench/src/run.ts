// `pnpm bench [--quick] [--only 1,2]`: measures the figures of issue 4 in one run, prints a markdown
// table (target, measured, pass/miss) and writes results/latest.json. Method: ../README.md.
//
// --quick   small sizes for CI: the correctness counters (nothing lost, nothing miscounted, no database
//           query for a bad checksum…) are checked and fail the run; timings are printed, never judged.
// --only    a comma-separated list of figure numbers.
//
// Exit code 1 when a correctness counter fails or a figure cannot run; a missed timing target is a
// finding to report, not a failure.
import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { loadBenchEnv } from "./env";
import { figure01 } from "./f01-verify-cost";
import { figure02 } from "./f02-http-enforcement";
import { figure03 } from "./f03-http-db-lookup";
import { figure04 } from "./f04-cache-miss";
import { figure05 } from "./f05-flood";
import { figure06 } from "./f06-revocation";
import { figure07 } from "./f07-rate-limit";
import { figure08 } from "./f08-shutdown-usage";
import { figure09 } from "./f09-memory";
import { figure10 } from "./f10-dashboard-keys";
import { figure11 } from "./f11-sdk";
import { type OpenDatabase, openBenchDatabase } from "./support/database";
import type { BenchContext, BenchDatabase, Figure } from "./support/figure";
import { profileServersInto } from "./support/processes";
import { describeMachine, type FigureReport, machineLine, markdownTable, verdictOf } from "./support/report";

const FIGURES: Figure[] = [
  figure01,
  figure02,
  figure03,
  figure04,
  figure05,
  figure06,
  figure07,
  figure08,
  figure09,
  figure10,
  figure11,
];

function parseArgs(argv: string[]): { quick: boolean; only: Set<number> | null } {
  let quick = false;
  let only: Set<number> | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") continue;
    if (arg === "--quick") quick = true;
    else if (arg === "--only" || arg.startsWith("--only=")) {
      const list = arg === "--only" ? argv[++i] : arg.slice("--only=".length);
      const ids = (list ?? "").split(",").map((s) => Number(s.trim()));
      if (ids.length === 0 || ids.some((id) => !FIGURES.some((f) => f.id === id))) {
        throw new Error(`--only takes figure numbers among ${FIGURES.map((f) => f.id).join(",")}, got ${list}`);
      }
      only = new Set(ids);
    } else {
      throw new Error(`Unknown argument ${arg}. Usage: pnpm bench [--quick] [--only 1,2]`);
    }
  }
  return { quick, only };
}

const { quick, only } = parseArgs(process.argv.slice(2));
const env = loadBenchEnv();
profileServersInto(env.BENCH_CPU_PROF);
const figures = FIGURES.filter((f) => only === null || only.has(f.id));
const started = performance.now();
const log = (message: string) =>
  console.error(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s] ${message}`);

let database: OpenDatabase | undefined;
const shared = new Map<string, Promise<unknown>>();
const ctx: BenchContext = {
  quick,
  get database(): BenchDatabase {
    if (!database) throw new Error("the database is opened before the figures run");
    return database;
  },
  redisUrl: env.REDIS_URL,
  encryptionKey: randomBytes(32).toString("hex"),
  once<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (!shared.has(name)) shared.set(name, fn());
    return shared.get(name) as Promise<T>;
  },
  log,
};

const machine = describeMachine(
  env.DATABASE_URL ? "PostgreSQL (DATABASE_URL, a fresh database)" : "embedded PGlite (in-memory, own process)",
  env.REDIS_URL ? "on (REDIS_URL)" : "off",
  env.BENCH_MACHINE,
);
log(`${quick ? "quick smoke" : "full run"} of figures ${figures.map((f) => f.id).join(",")}; ${machineLine(machine)}`);

// Interrupted (Ctrl-C, a CI timeout): drop the run's database before leaving, as a finished run does.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: dropping the bench database and stopping`);
    void (database?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

const reports: FigureReport[] = [];
try {
  if (figures.some((f) => f.id !== 1)) {
    log("opening the bench database");
    database = await openBenchDatabase(env.DATABASE_URL);
  }
  for (const figure of figures) {
    log(`figure ${figure.id}: ${figure.title}`);
    const figureStart = performance.now();
    try {
      const outcome = await figure.run(ctx);
      const report: FigureReport = {
        id: figure.id,
        title: figure.title,
        target: figure.target,
        anchor: figure.anchor,
        measured: outcome.measured,
        verdict: verdictOf(outcome, quick),
        checks: outcome.checks,
        notes: outcome.notes ?? [],
        seconds: Math.round((performance.now() - figureStart) / 100) / 10,
        data: outcome.data,
      };
      reports.push(report);
      log(`figure ${figure.id}: ${report.measured} → ${report.verdict} (${report.seconds} s)`);
      for (const c of report.checks) log(`  ${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}`);
      for (const n of report.notes) log(`  note: ${n}`);
    } catch (error) {
      log(`figure ${figure.id} failed: ${(error as Error).stack ?? error}`);
      reports.push({
        id: figure.id,
        title: figure.title,
        target: figure.target,
        anchor: figure.anchor,
        measured: "(did not run)",
        verdict: "ERROR",
        checks: [],
        notes: [],
        seconds: Math.round((performance.now() - figureStart) / 100) / 10,
        data: {},
        error: String((error as Error).message ?? error),
      });
    }
  }
} finally {
  await database?.close().catch((error: unknown) => log(`closing the database: ${error}`));
}

machine.loadAverageAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);
const table = markdownTable(reports);
const totalSeconds = Math.round((performance.now() - started) / 1000);
console.log(
  `\n${table}\n\n${machineLine(machine)}; ${totalSeconds} s${quick ? "; --quick: timings not judged" : ""}\n`,
);

// Only a complete full run replaces latest.json; a partial or quick one goes to a git-ignored file.
const complete = !quick && only === null;
const resultsDir = fileURLToPath(new URL("../results/", import.meta.url));
mkdirSync(resultsDir, { recursive: true });
const file = complete ? "latest.json" : `${quick ? "quick" : "partial"}.json.tmp`;
const json = {
  generatedAt: new Date().toISOString(),
  mode: quick ? "quick" : "full",
  figures: reports,
  machine,
  totalSeconds,
  table,
};
writeFileSync(`${resultsDir}${file}.partial.tmp`, `${JSON.stringify(json, null, 2)}\n`);
renameSync(`${resultsDir}${file}.partial.tmp`, `${resultsDir}${file}`);
log(`wrote results/${file}`);

const failed = reports.filter((r) => r.verdict === "FAIL" || r.verdict === "ERROR");
if (failed.length > 0) {
  log(`correctness failed for figure(s) ${failed.map((r) => r.id).join(", ")}`);
  process.exitCode = 1;
}
