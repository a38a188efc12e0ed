// The guard (the README's Guard section): a reverse proxy built on @fastify/http-proxy (undici underneath) that lets a
// request through only with one of
//   keyward-auth-key: <secret>            compared in constant time;
//   keyward-auth-token: <JWT>             HS256 signed with the secret (core's guard/token.ts);
//   Authorization: Bearer <key> / X-API-Key: <key>
//                                         a managed key (with a database), judged by the same
//                                         pipeline as the API, needing the scopes of the route rule.
// Every refusal is the docs/api.md#errors body and never reaches the upstream; the credential headers are
// stripped before forwarding, and so are Keyward's own session cookies (session-cookies.ts); the caller's
// verified identity replaces any Keyward-Company-Id / Keyward-Key-* headers the client sent (identity.ts);
// bodies stream both ways (the proxy hands Node streams through, it never buffers a body); WebSocket
// upgrades pass the same check.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import httpProxy, { type FastifyHttpProxyOptions } from "@fastify/http-proxy";
import { KeywardError, type VerifyResult } from "@keyward/auth-core";
import { verifyGuardToken } from "@keyward/core";
import type { EnforcementPipeline, FailedAuthThrottle } from "@keyward/enforcement";
import {
  answerMalformedHttp,
  answerVerdict,
  type MadeServer,
  madeServerOptions,
  registerErrorHandlers,
  sendError,
  tooManyFailures,
  unauthorized,
  unavailable,
} from "@keyward/enforcement";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from "fastify";
import type { GuardEnv } from "./env";
import { forwardIdentity, rememberCaller } from "./identity";
import { type CanonicalTarget, canonicalTarget } from "./request-path";
import { matchRoute, type RouteRule } from "./route-rules";
import { withoutKeywardCookies } from "./session-cookies";

/** Headers that carry a credential for the guard; none of them reaches the upstream. */
export const CREDENTIAL_HEADERS = ["keyward-auth-key", "keyward-auth-token", "authorization", "x-api-key"] as const;

/** A scope no key can hold (`unrouted` is not an action): what a request matched by no rule requires. */
const UNROUTED_SCOPE = "guard:unrouted";

export interface GuardSecret {
  /** The current secret (the dashboard's may be replaced while the guard runs). */
  current(): string;
}

export interface BuildGuardOptions {
  upstream: URL;
  authEnabled: boolean;
  secret: GuardSecret;
  /**
   * The company the guard serves, whose callers with the guard secret or its tokens are told to the upstream
   * as that company; null with --all-companies or without a database (the secret then names no company).
   */
  company: string | null;
  routes: readonly RouteRule[];
  /** The managed-key pipeline; null without a database (managed keys are then refused). */
  pipeline: EnforcementPipeline | null;
  /** Counts refused credentials per IP; the pipeline's when there is one. */
  throttle: FailedAuthThrottle;
  env: GuardEnv;
  logStream?: NodeJS.WritableStream;
  /** The HTTP server (start.ts passes @keyward/tls's, HTTPS when KEYWARD_TLS is on); default plain HTTP. */
  server?: MadeServer;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The managed key a request carries: `Authorization: Bearer` or `X-API-Key`. */
function readManagedKey(request: FastifyRequest): { credential: string | null; sent: boolean } {
  const authorization = header(request, "authorization");
  if (authorization !== undefined) {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    return { credential: match?.[1] ?? null, sent: true };
  }
  const apiKey = header(request, "x-api-key");
  if (apiKey !== undefined) return { credential: apiKey.trim() || null, sent: true };
  return { credential: null, sent: false };
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Constant-time: both sides are hashed to the same length first, so neither length nor content leaks. */
export function secretMatches(presented: string, secret: string): boolean {
  return timingSafeEqual(digest(presented), digest(secret));
}

/** Sets the Cookie header the upstream gets: the caller's, without Keyward's session cookies. */
function forwardCookies<T extends Record<string, unknown>>(headers: T, cookie: string | undefined): T {
  const kept = cookie === undefined ? undefined : withoutKeywardCookies(cookie);
  if (kept === undefined) delete headers.cookie;
  else (headers as Record<string, unknown>).cookie = kept;
  return headers;
}

/** Each request's canonical target (request-path.ts), made once before routing, for HTTP and upgrades alike. */
const targets = new WeakMap<IncomingMessage, CanonicalTarget>();

/** The path the route rules judge: the forwarded one, decoded. */
function judgedPath(request: FastifyRequest): string {
  const target = targets.get(request.raw);
  return target?.ok ? target.path : "/";
}

export async function buildGuard(opts: BuildGuardOptions): Promise<FastifyInstance> {
  const { pipeline, throttle, routes, secret } = opts;
  const app = Fastify({
    // Every later step (rules, proxy, WebSocket) sees the canonical target; a refused one is answered below.
    rewriteUrl: (req) => {
      const target = canonicalTarget(req.url ?? "/");
      targets.set(req, target);
      return target.ok ? target.url : "/";
    },
    logger: {
      // Warnings and errors only at the default level: stdout is for the start banner.
      level: opts.env.LOG_LEVEL === "info" ? "warn" : opts.env.LOG_LEVEL,
      ...(opts.logStream ? { stream: opts.logStream } : {}),
      // Headers are never logged: they carry the guard's credentials.
      serializers: { req: (req) => ({ method: req.method, url: req.url?.split("?", 1)[0] }) },
    },
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: opts.env.TRUST_PROXY,
    // A large upload may take longer than Node's default 5 minutes; the proxy streams it.
    requestTimeout: 0,
    routerOptions: { maxParamLength: 2048 },
    clientErrorHandler: answerMalformedHttp,
    ...(opts.server ? madeServerOptions(opts.server) : {}),
  });

  async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!opts.authEnabled) return;
    const staticKey = header(request, "keyward-auth-key");
    const staticToken = header(request, "keyward-auth-token");
    const managed = readManagedKey(request);
    const sent = staticKey !== undefined || staticToken !== undefined || managed.sent;
    if (!sent) return void unauthorized(reply, false);
    const wait = throttle.blockedFor(request.ip);
    if (wait > 0) return void tooManyFailures(reply, wait);

    const refuse = () => {
      void throttle.recordFailure(request.ip);
      unauthorized(reply, true);
    };
    if (staticKey !== undefined) {
      if (!secretMatches(staticKey, secret.current())) return refuse();
      if (opts.company) rememberCaller(request.raw, { companyId: opts.company });
      return;
    }
    if (staticToken !== undefined) {
      const claims = await verifyGuardToken(staticToken, secret.current());
      // A token issued for another company's guard that happens to share the secret is not ours.
      if (claims === null || (claims.company && opts.company && claims.company !== opts.company)) return refuse();
      const company = claims.company ?? opts.company;
      if (company) rememberCaller(request.raw, { companyId: company });
      return;
    }
    if (pipeline === null || managed.credential === null) return refuse();

    const path = judgedPath(request);
    const rule = matchRoute(routes, request.method, path);
    const required = rule?.scopes ?? [UNROUTED_SCOPE];
    let result: VerifyResult;
    try {
      result = await pipeline.verifier.verify(managed.credential, { requiredScopes: required, ip: request.ip });
    } catch (error) {
      return void unavailable(request, reply, error);
    }
    const owner = result.key?.companyId;
    // An operator key belongs to no company, so there is no company to tell the upstream: unknown here.
    if (result.key && !owner) return refuse();
    if (rule === null && result.code === "INSUFFICIENT_SCOPE") {
      request.keyLog = { keyId: result.key?.id, fingerprint: result.fingerprint ?? "", code: result.code };
      return void sendError(
        reply,
        new KeywardError("FORBIDDEN", "No guard route rule allows this request for API keys", {
          required: [],
          available: result.key?.scopes ?? [],
          method: request.method,
          path,
        }),
      );
    }
    if (!answerVerdict(throttle, request, reply, result, required, result.key?.scopes ?? [])) return;
    if (result.valid && owner) rememberCaller(request.raw, { companyId: owner, key: result.key });
  }

  // Failures of the upstream itself (down, reset, timing out): 502 with the contract's error body.
  function onUpstreamError(reply: FastifyReply, error: Error): void {
    reply.log.warn({ err: { message: error.message, code: (error as NodeJS.ErrnoException).code } }, "upstream error");
    sendError(
      reply,
      new KeywardError("BAD_GATEWAY", `The upstream ${opts.upstream.origin} did not answer: is it running?`),
    );
  }

  // A path upstreams could read in two ways is refused before anything else, credential or not.
  app.addHook("onRequest", async (request, reply) => {
    const target = targets.get(request.raw);
    if (target && !target.ok) {
      sendError(
        reply,
        new KeywardError("VALIDATION_FAILED", target.reason, { issues: [{ path: ["url"], message: target.reason }] }),
      );
    }
  });
  app.addHook("onRequest", authenticate);
  registerErrorHandlers(app);

  // A WebSocket upgrade forwards no client header but its cookies, minus Keyward's, and the caller's
  // identity (this option is in @fastify/http-proxy's README but not in its types).
  const wsClientOptions = {
    rewriteRequestHeaders: (headers: Record<string, unknown>, request: FastifyRequest) =>
      forwardIdentity(forwardCookies({ ...headers }, request.headers.cookie), request.raw),
  } as NonNullable<FastifyHttpProxyOptions["wsClientOptions"]>;
  const prefix = opts.upstream.pathname.replace(/\/$/, "");
  await app.register(httpProxy, {
    upstream: opts.upstream.origin,
    prefix: "/",
    rewritePrefix: prefix === "" ? "/" : `${prefix}/`,
    websocket: true,
    replyOptions: {
      rewriteRequestHeaders: (request, headers) => {
        for (const name of CREDENTIAL_HEADERS) delete headers[name];
        forwardCookies(headers, request.headers.cookie);
        forwardIdentity(headers, request.raw);
        // What any reverse proxy tells its upstream: who called, on which host and scheme.
        const forwarded = headers["x-forwarded-for"];
        headers["x-forwarded-for"] = forwarded ? `${forwarded}, ${request.ip}` : request.ip;
        headers["x-forwarded-host"] = request.headers.host ?? "";
        headers["x-forwarded-proto"] = request.protocol;
        return headers;
      },
      onError: (reply, { error }) => onUpstreamError(reply as FastifyReply, error),
    },
    wsClientOptions,
    // Long-lived responses (SSE) may be silent for longer than undici's default body timeout.
    undici: { bodyTimeout: 0 },
  });
  return app;
}
