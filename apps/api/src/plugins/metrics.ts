// Prometheus metrics at `GET /metrics`, behind `Authorization: Bearer <KEYWARD_METRICS_TOKEN>`.
// Without the token the endpoint does not exist (404) and no hook is installed, so it costs nothing.
// Labels are bounded: the route pattern (never the raw URL), one fixed label for unmatched paths,
// verification outcomes from a closed set. Nothing here names a key, a secret or a client.
import { createHash, timingSafeEqual } from "node:crypto";
import { KeywardError } from "@keyward/auth-core";
import { sendError, WWW_AUTHENTICATE } from "@keyward/enforcement";
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  onResponseHookHandler,
} from "fastify";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { z } from "zod";
import { readCredential } from "../auth/authenticate";
import type { ApiContext } from "../context";

/** The `route` label of requests that matched no route: raw URLs would make cardinality unbounded. */
export const UNMATCHED_ROUTE = "(unmatched)";

const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * The outcome of the credential check of a request to an authenticated route: the VerifyCode of a
 * known key (authenticate.ts names it in `request.keyLog`), VALID for any other accepted credential
 * (a JWT, a session), or the refusal read from the status. Always one of a closed set.
 */
function outcomeOf(request: FastifyRequest, status: number, queryToken: boolean): string | undefined {
  const code = request.keyLog?.code;
  if (code !== undefined) return code;
  if (request.principal !== undefined) return "VALID";
  switch (status) {
    case 401: // no known key behind it: a malformed or unknown key, or a bad token
      return readCredential(request, { queryToken }).sent ? "INVALID" : "MISSING";
    case 403:
      return "INSUFFICIENT_SCOPE";
    case 429: // too many failures from this IP: the credential was not checked
      return "IP_THROTTLED";
    case 503:
      return "STORE_UNAVAILABLE";
    default:
      return undefined;
  }
}

/** SHA-256 first, so the comparison takes the same time whatever the length of the guess. */
function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/**
 * Installs the request hooks and returns the plugin that serves `GET /metrics`. Call it before any
 * route is registered (a route registered earlier is not timed); register the returned plugin after
 * the OpenAPI plugin, so the document lists /metrics. Without a token both are no-ops.
 */
export function registerMetrics(app: FastifyInstance, { env, verifier, usage }: ApiContext): FastifyPluginAsync {
  const token = env.KEYWARD_METRICS_TOKEN;
  if (token === undefined) return async () => {};
  const expected = digest(token);

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: "keyward_http_requests_total",
    help: "HTTP requests by method, route pattern and status code.",
    labelNames: ["method", "route", "status_code"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "keyward_http_request_duration_seconds",
    help: "Time from receiving a request to the end of its response, by method, route pattern and status code.",
    labelNames: ["method", "route", "status_code"] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const verifications = new Counter({
    name: "keyward_auth_verifications_total",
    help: "Credential checks on authenticated routes by outcome: an API key's VerifyCode (VALID, NOT_FOUND, EXPIRED, REVOKED, INSUFFICIENT_SCOPE, IP_NOT_ALLOWED, RATE_LIMITED), VALID for an accepted token, or MISSING, INVALID (malformed or unknown key, bad token), IP_THROTTLED, STORE_UNAVAILABLE.",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const flushDuration = new Histogram({
    name: "keyward_usage_flush_duration_seconds",
    help: "Time to write one batch of counted usage to the database.",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  usage.onFlush = (ms) => flushDuration.observe(ms / 1000);

  // Key cache statistics live in the verifier; read them when Prometheus scrapes, not per request.
  new Counter({
    name: "keyward_key_cache_lookups_total",
    help: "Key cache lookups by result: hit (known key), negative_hit (cached unknown key), miss (went to the store).",
    labelNames: ["result"] as const,
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ result: "hit" }, verifier.stats.hits);
      this.inc({ result: "negative_hit" }, verifier.stats.negativeHits);
      this.inc({ result: "miss" }, verifier.stats.misses);
    },
  });
  new Counter({
    name: "keyward_key_store_queries_total",
    help: "Database lookups of a key hash (cache misses, concurrent misses share one).",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(verifier.stats.storeQueries);
    },
  });
  new Gauge({
    name: "keyward_key_cache_hit_ratio",
    help: "Share of key lookups answered from the cache (hits and negative hits) since start; 0 before the first.",
    registers: [registry],
    collect() {
      const { hits, negativeHits, misses } = verifier.stats;
      const lookups = hits + negativeHits + misses;
      this.set(lookups === 0 ? 0 : (hits + negativeHits) / lookups);
    },
  });
  new Gauge({
    name: "keyward_usage_pending_requests",
    help: "Requests counted in memory and not yet written to the database.",
    registers: [registry],
    collect() {
      this.set(usage.pending());
    },
  });

  type Series = { requests: Counter.Internal; duration: Histogram.Internal<"method" | "route" | "status_code"> };
  /** Label children per method and status of one route, made on first use: nothing is allocated per request after that. */
  function seriesFor(route: string) {
    const byMethod = new Map<string, Map<number, Series>>();
    return (method: string, status: number): Series => {
      let byStatus = byMethod.get(method);
      if (byStatus === undefined) {
        byStatus = new Map();
        byMethod.set(method, byStatus);
      }
      let series = byStatus.get(status);
      if (series === undefined) {
        const labels = { method, route, status_code: String(status) };
        series = { requests: requests.labels(labels), duration: duration.labels(labels) };
        byStatus.set(status, series);
      }
      return series;
    };
  }
  const outcomes = new Map<string, Counter.Internal>();
  function countVerification(outcome: string): void {
    let child = outcomes.get(outcome);
    if (child === undefined) {
      child = verifications.labels({ outcome });
      outcomes.set(outcome, child);
    }
    child.inc();
  }

  // Each route gets its own onResponse hook, so the route pattern is known without reading
  // `request.routeOptions` (a getter that builds a new object on every call).
  app.addHook("onRoute", (route) => {
    const series = seriesFor(route.url);
    const auth = route.config?.auth;
    const queryToken = auth?.queryToken === true;
    const observe: onResponseHookHandler = (request, reply, done) => {
      const status = reply.statusCode;
      const { requests: count, duration: time } = series(request.method, status);
      count.inc();
      time.observe(reply.elapsedTime / 1000);
      if (auth !== undefined) {
        const outcome = outcomeOf(request, status, queryToken);
        if (outcome !== undefined) countVerification(outcome);
      }
      done();
    };
    // A new array, never a push: Fastify copies a GET route's options for its HEAD twin before this hook runs.
    const existing = route.onResponse;
    route.onResponse =
      existing === undefined ? [observe] : [...(Array.isArray(existing) ? existing : [existing]), observe];
  });
  const unmatched = seriesFor(UNMATCHED_ROUTE);
  app.addHook("onResponse", (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (request.is404) {
      const { requests: count, duration: time } = unmatched(request.method, reply.statusCode);
      count.inc();
      time.observe(reply.elapsedTime / 1000);
    }
    done();
  });

  return async (scope) => {
    scope.get(
      "/metrics",
      {
        schema: {
          tags: ["system"],
          summary: "Prometheus metrics",
          description:
            "Prometheus text format. Exists only when `KEYWARD_METRICS_TOKEN` is set (otherwise 404); send it as `Authorization: Bearer <token>`.",
          security: [{ metricsToken: [] }],
          response: {
            200: {
              description: "Metrics in the Prometheus text exposition format 0.0.4",
              content: { "text/plain": { schema: z.string() } },
            },
          },
        },
      },
      async (request, reply) => {
        if (!presentsToken(request.headers.authorization, expected)) {
          reply.header("WWW-Authenticate", WWW_AUTHENTICATE);
          return sendError(reply, new KeywardError("UNAUTHORIZED", "Invalid or missing metrics token"));
        }
        reply.header("Content-Type", registry.contentType);
        return registry.metrics();
      },
    );
  };
}

function presentsToken(authorization: string | undefined, expected: Buffer): boolean {
  const presented = authorization === undefined ? undefined : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization)?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), expected);
}
