// Issue 11, "keep them closed": a bounded, seeded fuzzer over every operation of /openapi.json.
// Request i is drawn from KEYWARD_FUZZ_SEED and i alone, so any failure replays by itself
// (KEYWARD_FUZZ_ONLY=i). Every answer must hold the docs/api.md#errors contract (response-oracle.ts); a
// failing run lists each distinct (route, problem, cause) once, with the exact request.
import type { Readable } from "node:stream";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../test/alert-receivers";
import { testIp } from "../test/credentials";
import { type Harness, startHarness } from "../test/harness";
import { type RequestPlan, type ResolvedRequest, requestPlans, resolvePlan } from "./fuzz-requests";
import { buildFuzzWorld, FUZZ_JWT_SECRET, FUZZ_METRICS_TOKEN, type Fuzzed, learnFrom } from "./fuzz-world";
import { fetchOperations, type Operation } from "./operations";
import { type Answer, type Finding, judge } from "./response-oracle";

// CI runs the suite on both databases: a seed of its own for each doubles what a CI run tries.
const SEED = Number(process.env.KEYWARD_FUZZ_SEED ?? (process.env.TEST_DATABASE_URL ? 20261128 : 20261127));
const REQUESTS = Number(process.env.KEYWARD_FUZZ_REQUESTS ?? 10_000);
const ONLY = process.env.KEYWARD_FUZZ_ONLY === undefined ? null : Number(process.env.KEYWARD_FUZZ_ONLY);
/** A request the app has not answered by then hangs: a finding of its own, not a slow machine. */
const HANG_MS = 60_000;

let h: Harness;
let receiver: WebhookReceiver;
let fuzzed: Fuzzed;
let operations: Operation[];
// This run's client IPs differ from an earlier run's, whose refusals Redis may still be counting.
const runTag = (Date.now() & 0xffff).toString(16);

beforeAll(async () => {
  receiver = await startWebhookReceiver("fuzz-webhook-secret-0123456789");
  const { host } = new URL(receiver.url);
  h = await startHarness({
    KEYWARD_METRICS_TOKEN: FUZZ_METRICS_TOKEN,
    KEYWARD_JWT_SECRET: FUZZ_JWT_SECRET,
    // Webhooks the fuzzer creates go to the local receiver, once SSRF checks refuse loopback.
    KEYWARD_WEBHOOK_ALLOW_HOSTS: host,
    ALERT_WEBHOOK_TIMEOUT_MS: "1000",
    // Email channels are accepted (so whole rules validate); sending to this closed port fails at once.
    SMTP_URL: "smtp://127.0.0.1:1",
    // A window longer than any run: which requests the failed-credential throttle refuses then
    // depends on the seed alone, not on how fast the machine gets through the requests.
    AUTH_FAILURE_WINDOW_SECONDS: "3600",
  });
  fuzzed = await buildFuzzWorld(h, receiver.url, testIp());
  operations = await fetchOperations(h.app);
}, 300_000);
afterAll(async () => {
  await h?.close();
  await receiver?.close();
});

/** Sends one request; an event stream is read up to its first event, then the client leaves. */
async function send(request: ResolvedRequest): Promise<Answer> {
  const res = await h.app.inject({ ...request, payloadAsStream: true });
  const stream = res.stream() as Readable;
  const chunks: Buffer[] = [];
  if (String(res.headers["content-type"] ?? "").startsWith("text/event-stream")) {
    // The first event, or the end (a HEAD request has no body).
    const first = await new Promise<Buffer | null>((resolve) => {
      stream.once("data", resolve);
      stream.once("end", () => resolve(null));
      stream.resume();
    });
    if (first) chunks.push(first);
    (res.raw.res as unknown as { destroy(): void }).destroy();
  } else {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  }
  return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") };
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | "hung"> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"hung">((resolve) => {
    timer = setTimeout(() => resolve("hung"), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** The company whose credential a plan used as is (no alteration), to credit what it created or deleted. */
function companyOfPlan(plan: RequestPlan): "own" | "other" | null {
  const credential = plan.credential;
  if (plan.method !== null || credential.kind !== "secret" || typeof credential.secret === "string") return null;
  return credential.secret.alteration ? null : fuzzed.companyOf(credential.secret.name);
}

/** Request i's own seed: SEED and i mixed (murmur3's finaliser), so seeds 1 and 2 share no request. */
function requestSeed(index: number): number {
  let h = Math.imul(SEED ^ 0x9e3779b9, 0x85ebca6b) ^ index;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

function planAt(arbitrary: fc.Arbitrary<RequestPlan>, index: number): RequestPlan {
  return fc.sample(arbitrary, { seed: requestSeed(index), numRuns: 1 })[0] as RequestPlan;
}

const shorten = (value: unknown): unknown =>
  JSON.parse(
    JSON.stringify(value, (_k, v) =>
      typeof v === "string" && v.length > 2000 ? `${v.slice(0, 200)}…(${v.length} chars; replay prints it whole)` : v,
    ),
  );

interface Failure extends Finding {
  route: string;
  status: number;
  index: number;
  request: ResolvedRequest;
  notes: string[];
  body: string;
  count: number;
}

function report(failures: Map<string, Failure>): string {
  const lines = [`${failures.size} distinct failures (seed ${SEED}):`];
  for (const f of failures.values()) {
    lines.push(
      "",
      `- ${f.route} → ${f.status}: ${f.problem}: ${f.cause} (${f.count}×)`,
      `  first: request #${f.index}${f.notes.length ? ` [${f.notes.join("; ")}]` : ""}; replay alone: KEYWARD_FUZZ_SEED=${SEED} KEYWARD_FUZZ_ONLY=${f.index} pnpm vitest run src/abuse/fuzz.test.ts`,
      `  app.inject(${JSON.stringify(shorten(f.request))})`,
      `  answered: ${f.body.slice(0, 300)}`,
    );
  }
  return lines.join("\n");
}

describe("abuse fuzzer over /openapi.json", () => {
  it(`${ONLY === null ? REQUESTS : 1} seeded requests: no 5xx, no internal text, every 4xx the contract's envelope; every operation reached`, async () => {
    const arbitrary = requestPlans(operations, Object.keys(fuzzed.world.credentials));
    const byName = new Map(operations.map((op) => [op.name, op]));
    const failures = new Map<string, Failure>();
    const statuses = new Map<number, number>();
    // Per operation: answers past authentication (anything but 401, 403, 429), and 2xx answers.
    const reached = new Map(operations.map((op) => [op.name, 0]));
    const answeredOk = new Map(operations.map((op) => [op.name, 0]));
    const msByOperation = new Map<string, number>();
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const indexes = ONLY === null ? Array.from({ length: REQUESTS }, (_, i) => i) : [ONLY];

    for (const index of indexes) {
      const plan = planAt(arbitrary, index);
      const op = byName.get(plan.op) as Operation;
      const { request, pathIds } = resolvePlan(plan, op, fuzzed.world, runTag);
      const logStart = h.logs().length;
      const sentAt = performance.now();
      const answer = await withDeadline(send(request), HANG_MS);
      msByOperation.set(op.name, (msByOperation.get(op.name) ?? 0) + performance.now() - sentAt);
      const route = `${request.method} ${op.path}`;
      const record = (finding: Finding, status: number, body: string) => {
        const key = `${route} | ${status} | ${finding.problem} | ${finding.cause}`;
        const known = failures.get(key);
        if (known) known.count++;
        else failures.set(key, { ...finding, route, status, index, request, notes: plan.notes, body, count: 1 });
      };
      if (answer === "hung") {
        record({ problem: "no answer", cause: `none within ${HANG_MS / 1000} s` }, 0, "");
        continue;
      }
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      if (plan.method === null && plan.pathMutation === null) {
        if (![401, 403, 429].includes(answer.status)) reached.set(op.name, (reached.get(op.name) ?? 0) + 1);
        if (answer.status < 300) answeredOk.set(op.name, (answeredOk.get(op.name) ?? 0) + 1);
      }
      const requestText = `${request.url}\n${JSON.stringify(request.headers)}\n${request.payload ?? ""}`;
      // The log is read only for a 5xx: slicing a growing log per request would cost more than the request.
      const logs = () => h.logs().slice(logStart);
      for (const finding of judge(request.method, answer, requestText, logs)) {
        record(finding, answer.status, answer.body);
      }
      const company = companyOfPlan(plan);
      if (company) learnFrom(fuzzed.world, company, op, pathIds, answer.body, answer.status);
      if (ONLY !== null) console.info(JSON.stringify({ request, answer }, null, 2));
    }

    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const distribution = [...statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`);
    const slowest = [...msByOperation.entries()].sort(([, a], [, b]) => b - a).slice(0, 5);
    const neverOk = [...answeredOk.entries()].filter(([, n]) => n === 0).map(([name]) => name);
    console.info(
      `fuzz: ${indexes.length} requests over ${operations.length} operations in ${seconds.toFixed(1)} s (CPU ${cpuSeconds.toFixed(1)} s; seed ${SEED}); statuses ${distribution.join(", ")}; most time in ${slowest.map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`).join(", ")}; never 2xx: ${neverOk.join(", ") || "none"}`,
    );
    const problems: string[] = [];
    // Secrets the fuzzer holds reach the log only if the app wrote one there (a header, a query, an error).
    const logLines = h.logs().split("\n");
    for (const [name, credential] of Object.entries(fuzzed.world.credentials)) {
      const line = logLines.find((l) => l.includes(credential.secret));
      if (line)
        problems.push(
          `secret in the log: credential ${name}, e.g. ${line.replaceAll(credential.secret, "<secret>").slice(0, 400)}`,
        );
    }
    if (ONLY === null) {
      // The run proves something only if requests got past authentication into every handler.
      for (const [name, n] of reached) if (n === 0) problems.push(`${name}: no request got past authentication`);
      const refusedEarly = (statuses.get(401) ?? 0) + (statuses.get(429) ?? 0);
      if (refusedEarly * 2 >= indexes.length)
        problems.push(`${refusedEarly} of ${indexes.length} requests refused before validation (401, 429)`);
    }
    const verdict = [...(failures.size > 0 ? [report(failures)] : []), ...problems];
    expect(verdict.length === 0 ? "no failures" : verdict.join("\n\n")).toBe("no failures");
  }, 900_000);
});
