// One error envelope for every response (docs/api.md#errors): whatever is thrown, the client gets
// `{"errors":[{code,message,details?}]}` and never a stack trace.

import type { Duplex } from "node:stream";
import { type ErrorCode, errorBody, KeywardError } from "@keyward/auth-core";
import { isDatabaseUnavailable } from "@keyward/db";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";

export const WWW_AUTHENTICATE = 'Bearer realm="keyward"';

export function sendError(reply: FastifyReply, error: KeywardError): FastifyReply {
  const required = error.code === "FORBIDDEN" ? error.details?.required : undefined;
  if (Array.isArray(required) && required.length > 0) reply.header("WWW-Authenticate", insufficientScope(required));
  return reply.status(error.status).send(errorBody(error.code, error.message, error.details));
}

/** RFC 6750's answer to a credential that lacks scopes: the route's, or a key's it wanted to manage. */
export function insufficientScope(required: readonly unknown[]): string {
  return `${WWW_AUTHENTICATE}, error="insufficient_scope", scope="${required.join(" ")}"`;
}

/** Fastify's own error codes that mean "the client sent something wrong". */
const CLIENT_ERRORS: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  FST_ERR_CTP_INVALID_JSON_BODY: "VALIDATION_FAILED",
  FST_ERR_CTP_EMPTY_JSON_BODY: "VALIDATION_FAILED",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "VALIDATION_FAILED",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "VALIDATION_FAILED",
  FST_ERR_CTP_INVALID_TYPE: "VALIDATION_FAILED",
};

export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof KeywardError) return sendError(reply, error);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((v) => ({
        path: [v.instancePath.replace(/^\//, "").split("/").filter(Boolean)].flat(),
        message: v.message,
        code:
          v.params?.issue && typeof v.params.issue === "object"
            ? (v.params.issue as { code?: string }).code
            : undefined,
        location: error.validationContext,
      }));
      return sendError(
        reply,
        new KeywardError("VALIDATION_FAILED", `Invalid request ${error.validationContext ?? "input"}`, { issues }),
      );
    }
    const mapped = error.code ? CLIENT_ERRORS[error.code] : undefined;
    if (mapped) return sendError(reply, new KeywardError(mapped, error.message));
    if (typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, new KeywardError("VALIDATION_FAILED", error.message));
    }
    // Whatever route hit it, an unreachable database is the service being unavailable, not a bug.
    if (isDatabaseUnavailable(error)) {
      // The cause only: Prisma's message also quotes the calling source.
      request.log.error({ err: error.message.trim().split("\n").at(-1) }, "database unavailable");
      return sendError(reply, new KeywardError("SERVICE_UNAVAILABLE", "Database unavailable, try again shortly"));
    }
    request.log.error({ err: error }, "unhandled error");
    return reply.status(500).send({ errors: [{ code: "INTERNAL", message: "Internal server error" }] });
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, new KeywardError("NOT_FOUND", "Route not found")));
}

/** What Fastify refuses before routing, said without echoing the URL back. */
const FRAMEWORK_ERRORS: Record<string, string> = {
  FST_ERR_BAD_URL: "Malformed URL",
  FST_ERR_MAX_PARAM_LENGTH: "Path parameter too long",
};

/**
 * Fastify's `frameworkErrors`: a path that does not percent-decode, or a parameter over
 * maxParamLength, gets the contract's error body instead of Fastify's own.
 */
export function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void sendError(reply, new KeywardError("VALIDATION_FAILED", FRAMEWORK_ERRORS[error.code] ?? "Malformed request"));
}

/**
 * Requests Node's HTTP parser rejects before Fastify sees them (control characters in a header,
 * headers over 16 kB): still the contract's error body, written straight to the socket.
 */
export function answerMalformedHttp(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) return void socket.destroy();
  const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
  const body = JSON.stringify(
    errorBody("VALIDATION_FAILED", tooLarge ? "Request headers too large" : "Malformed HTTP request"),
  );
  const status = tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request";
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
