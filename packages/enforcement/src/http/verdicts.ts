// How every enforcement point answers a refused credential (the API's authenticate hook and the guard):
// the same status, error body and headers for the same verdict, whatever the route.
import { KeywardError, type VerifyResult } from "@keyward/auth-core";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FailedAuthThrottle } from "../failed-auth-throttle";
import { sendError, WWW_AUTHENTICATE } from "./errors";

/** The contract's 401; `message` replaces the default where the credential was not a key (a password). */
export function unauthorized(reply: FastifyReply, sent: boolean, message?: string): FastifyReply {
  reply.header("WWW-Authenticate", sent ? `${WWW_AUTHENTICATE}, error="invalid_token"` : WWW_AUTHENTICATE);
  return sendError(reply, new KeywardError("UNAUTHORIZED", message));
}

export function forbidden(
  reply: FastifyReply,
  required: readonly string[],
  available: readonly string[],
): FastifyReply {
  return sendError(
    reply,
    new KeywardError("FORBIDDEN", undefined, { required: [...required], available: [...available] }),
  );
}

export function unavailable(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  request.log.error({ err: error }, "credential store unreachable");
  return sendError(reply, new KeywardError("SERVICE_UNAVAILABLE", "Key store unavailable, try again shortly"));
}

function rateLimitHeaders(reply: FastifyReply, result: VerifyResult): void {
  const rl = result.ratelimit;
  if (!rl || rl.limit === 0) return;
  reply.header("RateLimit-Limit", rl.limit);
  reply.header("RateLimit-Remaining", rl.remaining);
  reply.header("RateLimit-Reset", rl.resetSeconds);
}

export function tooManyFailures(
  reply: FastifyReply,
  retryAfterSeconds: number,
  message = "Too many failed attempts from this IP address",
): FastifyReply {
  reply.header("Retry-After", retryAfterSeconds);
  return sendError(reply, new KeywardError("RATE_LIMITED", message, { retryAfterSeconds }));
}

/** A key's verdict (or its token's) as the response, the same for every route; true when the request may go on. */
export function answerVerdict(
  throttle: FailedAuthThrottle,
  request: FastifyRequest,
  reply: FastifyReply,
  result: VerifyResult,
  required: readonly string[],
  available: readonly string[],
): boolean {
  if (result.fingerprint)
    request.keyLog = { keyId: result.key?.id, fingerprint: result.fingerprint, code: result.code };
  rateLimitHeaders(reply, result);
  switch (result.code) {
    case "VALID":
      return true;
    case "MALFORMED":
    case "NOT_FOUND":
    case "EXPIRED":
    case "REVOKED":
    case "COMPANY_SUSPENDED":
      void throttle.recordFailure(request.ip);
      unauthorized(reply, true);
      return false;
    case "INSUFFICIENT_SCOPE":
      forbidden(reply, required, available);
      return false;
    case "IP_NOT_ALLOWED":
      sendError(reply, new KeywardError("IP_NOT_ALLOWED", `IP address ${request.ip} is not allowed for this key`));
      return false;
    case "RATE_LIMITED": {
      const retryAfterSeconds = result.ratelimit?.resetSeconds ?? 1;
      reply.header("Retry-After", retryAfterSeconds);
      sendError(reply, new KeywardError("RATE_LIMITED", undefined, { retryAfterSeconds }));
      return false;
    }
  }
}

declare module "fastify" {
  interface FastifyRequest {
    /** What the access log may say about the key: id and fingerprint, never the secret. */
    keyLog?: { keyId: string | undefined; fingerprint: string; code: string };
  }
}
