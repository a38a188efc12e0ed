// The enforcement path of SPEC §4.4 as the API runs it, top to bottom: read the credential, let
// auth-core's KeyVerifier check it (checksum, hash, cache, status, IP, scopes, rate limit), and
// turn its verdict into the SPEC's 401/403/429 with the exact headers. A cache hit touches no database.
import { type KeyRecord, type KeyVerifier, KeywardError, type VerifyResult } from "@keyward/auth-core";
import type { FastifyReply, FastifyRequest } from "fastify";
import { sendError, WWW_AUTHENTICATE } from "../errors";
import type { FailedAuthThrottle } from "./failed-auth-throttle";

export interface KeyPrincipal {
  type: "key";
  key: KeyRecord;
  fingerprint: string;
}

declare module "fastify" {
  interface FastifyRequest {
    principal?: KeyPrincipal;
  }
  interface FastifyContextConfig {
    /** Scopes the caller needs; `[]` means any valid credential. Routes without `auth` are public. */
    auth?: { scopes: string[] };
  }
}

/** The credential a request carries, or null; `sent` tells a missing credential from an unusable one. */
export function readCredential(request: FastifyRequest): { credential: string | null; sent: boolean } {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    return { credential: match?.[1] ?? null, sent: true };
  }
  const apiKey = request.headers["x-api-key"];
  if (apiKey !== undefined) return { credential: typeof apiKey === "string" ? apiKey.trim() : null, sent: true };
  return { credential: null, sent: false };
}

function unauthorized(reply: FastifyReply, sent: boolean): FastifyReply {
  reply.header("WWW-Authenticate", sent ? `${WWW_AUTHENTICATE}, error="invalid_token"` : WWW_AUTHENTICATE);
  return sendError(reply, new KeywardError("UNAUTHORIZED"));
}

function rateLimitHeaders(reply: FastifyReply, result: VerifyResult): void {
  const rl = result.ratelimit;
  if (!rl || rl.limit === 0) return;
  reply.header("RateLimit-Limit", rl.limit);
  reply.header("RateLimit-Remaining", rl.remaining);
  reply.header("RateLimit-Reset", rl.resetSeconds);
}

function tooManyFailures(reply: FastifyReply, retryAfterSeconds: number): FastifyReply {
  reply.header("Retry-After", retryAfterSeconds);
  return sendError(
    reply,
    new KeywardError("RATE_LIMITED", "Too many failed attempts from this IP address", { retryAfterSeconds }),
  );
}

export function createAuthenticateHook(verifier: KeyVerifier, throttle: FailedAuthThrottle) {
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const required = request.routeOptions.config.auth?.scopes;
    if (required === undefined) return;

    const { credential, sent } = readCredential(request);
    if (sent) {
      const wait = throttle.blockedFor(request.ip);
      if (wait > 0) return void tooManyFailures(reply, wait);
    }
    if (!credential) {
      if (sent) void throttle.recordFailure(request.ip);
      return void unauthorized(reply, sent);
    }

    let result: VerifyResult;
    try {
      result = await verifier.verify(credential, { requiredScopes: required, ip: request.ip });
    } catch (error) {
      request.log.error({ err: error }, "key store unreachable");
      return void sendError(reply, new KeywardError("SERVICE_UNAVAILABLE", "Key store unavailable, try again shortly"));
    }
    if (result.fingerprint)
      request.keyLog = { keyId: result.key?.id, fingerprint: result.fingerprint, code: result.code };
    rateLimitHeaders(reply, result);

    switch (result.code) {
      case "VALID":
        request.principal = { type: "key", key: result.key, fingerprint: result.fingerprint };
        return;
      case "MALFORMED":
      case "NOT_FOUND":
      case "EXPIRED":
      case "REVOKED":
        void throttle.recordFailure(request.ip);
        return void unauthorized(reply, true);
      case "INSUFFICIENT_SCOPE":
        reply.header(
          "WWW-Authenticate",
          `${WWW_AUTHENTICATE}, error="insufficient_scope", scope="${required.join(" ")}"`,
        );
        return void sendError(
          reply,
          new KeywardError("FORBIDDEN", undefined, { required: [...required], available: result.key?.scopes ?? [] }),
        );
      case "IP_NOT_ALLOWED":
        return void sendError(
          reply,
          new KeywardError("IP_NOT_ALLOWED", `IP address ${request.ip} is not allowed for this key`),
        );
      case "RATE_LIMITED": {
        const retryAfterSeconds = result.ratelimit?.resetSeconds ?? 1;
        reply.header("Retry-After", retryAfterSeconds);
        return void sendError(reply, new KeywardError("RATE_LIMITED", undefined, { retryAfterSeconds }));
      }
    }
  };
}

declare module "fastify" {
  interface FastifyRequest {
    /** What the access log may say about the key: id and fingerprint, never the secret. */
    keyLog?: { keyId: string | undefined; fingerprint: string; code: string };
  }
}
