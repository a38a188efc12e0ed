// What every answer of the API must be, whatever was asked (docs/api.md#errors): never a 5xx, never a
// stack trace or internal error text, every 4xx the error envelope with the status of its code.
import { ERROR_STATUS, type ErrorCode } from "@keyward/auth-core";
import { errorEnvelopeSchema } from "../plugins/openapi";

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

export interface Finding {
  /** `500`, `stack trace`, `envelope`, `header`: what is wrong. */
  problem: string;
  /** Why, as specific as the evidence allows (the logged error for a 5xx), without the request's own values. */
  cause: string;
}

/** Text that only an internal error puts in a response: stack frames, file paths, driver and SQL messages. */
const LEAKS: { name: string; pattern: RegExp }[] = [
  { name: "stack frame", pattern: /\bat (?:async )?(?:[\w$.<>[\] ]+ \()?(?:file:\/\/|node:|\/)[^\s)]*:\d+(?::\d+)?/ },
  { name: "error class", pattern: /\b(?:[A-Z][A-Za-z]*)?Error: / },
  { name: "node_modules path", pattern: /node_modules/ },
  { name: "source file", pattern: /[\w-]+\.(?:ts|js|mjs|cjs):\d+/ },
  { name: "server path", pattern: /(?:^|[\s"'(])\/(?:work|home|root|usr|opt|app|srv|var|tmp)\/[\w.-]+/ },
  { name: "Prisma", pattern: /prisma/i },
  {
    name: "SQL",
    pattern:
      /SQLSTATE|violates [\w ]*constraint|duplicate key value|syntax error at or near|invalid input syntax|relation "\w+"|pglite/i,
  },
  { name: "driver code", pattern: /\bP[1-3]\d{3}\b|ECONNREFUSED|ETIMEDOUT/ },
];

/**
 * The findings for one answer; `requestText` (URL, headers, body) excuses text the caller sent
 * itself; `logs` gives what the app logged meanwhile, where a 5xx's cause is.
 */
export function judge(method: string, answer: Answer, requestText: string, logs: () => string): Finding[] {
  const findings: Finding[] = [];
  if (answer.status >= 500) findings.push({ problem: String(answer.status), cause: causeInLogs(logs()) });
  if (answer.status >= 400) {
    for (const { name, pattern } of LEAKS) {
      const match = pattern.exec(answer.body);
      if (match && !requestText.includes(match[0]))
        findings.push({ problem: "internal text in the body", cause: name });
    }
    if (method !== "HEAD" && answer.status < 500) findings.push(...envelopeFindings(answer));
  }
  return findings;
}

function envelopeFindings(answer: Answer): Finding[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    return [{ problem: "not the contract's error envelope", cause: `${answer.status} body is not JSON` }];
  }
  const envelope = errorEnvelopeSchema.safeParse(parsed);
  if (!envelope.success) {
    const keys = parsed && typeof parsed === "object" ? Object.keys(parsed).sort().join(",") : typeof parsed;
    return [{ problem: "not the contract's error envelope", cause: `${answer.status} body with keys ${keys}` }];
  }
  const findings: Finding[] = [];
  for (const error of envelope.data.errors) {
    const expected = ERROR_STATUS[error.code as ErrorCode];
    if (expected !== answer.status) {
      findings.push({ problem: "status differs from its code", cause: `${answer.status} with ${error.code}` });
    }
  }
  const www = answer.headers["www-authenticate"];
  if (answer.status === 401 && !(typeof www === "string" && www.startsWith('Bearer realm="keyward"'))) {
    findings.push({ problem: "contract header missing", cause: "401 without WWW-Authenticate" });
  }
  if (answer.status === 429 && answer.headers["retry-after"] === undefined) {
    findings.push({ problem: "contract header missing", cause: "429 without Retry-After" });
  }
  return findings;
}

interface LogEntry {
  level?: number;
  reqId?: string;
  msg?: string;
  err?: { type?: string; code?: string; message?: string };
}

/** The error the app logged while answering, in a form that groups equal causes (ids, numbers and quotes elided). */
export function causeInLogs(logs: string): string {
  const errors = logs
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => {
      try {
        return JSON.parse(line) as LogEntry;
      } catch {
        return null;
      }
    })
    .filter((entry): entry is LogEntry => entry !== null && (entry.level ?? 0) >= 50);
  // The request's own error carries its reqId; background jobs (alerts, usage) log without one.
  for (const entry of [...errors.filter((e) => e.reqId !== undefined), ...errors]) {
    const err = entry.err ?? {};
    const lines = (err.message ?? entry.msg ?? "")
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    // Prisma puts the invocation first and the reason last.
    const message = [lines[0], lines.length > 1 ? lines.at(-1) : undefined].filter(Boolean).join(" … ");
    return [err.type, err.code, normalise(message)].filter(Boolean).join(" ").slice(0, 240);
  }
  return "no error logged";
}

function normalise(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<uuid>")
    .replace(/\d+/g, "<n>")
    .replace(/"[^"]*"|'[^']*'|`[^`]*`/g, (q) => (q.length > 100 ? `${q.slice(0, 90)}…${q[0]}` : q));
}
