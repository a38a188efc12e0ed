/**
 * The one closed set of API error codes, docs/api.md#errors. Every error response of every
 * endpoint is `errorBody(code, ...)` with status `ERROR_STATUS[code]`.
 */

export const ErrorCode = {
  /** Bad body, query or params; `details.issues` from zod. */
  VALIDATION_FAILED: "VALIDATION_FAILED",
  /** Missing, malformed, unknown, expired or revoked credential; same body for every cause. */
  UNAUTHORIZED: "UNAUTHORIZED",
  /** A password login whose password was right, for an account with two-factor sign-in on: send `code` too. */
  TWO_FACTOR_REQUIRED: "TWO_FACTOR_REQUIRED",
  /** Valid credential lacking a scope; `details: { required, available }`. */
  FORBIDDEN: "FORBIDDEN",
  /** Caller's IP is outside the key's allowlist. */
  IP_NOT_ALLOWED: "IP_NOT_ALLOWED",
  /** Unknown id, or an id belonging to another company. */
  NOT_FOUND: "NOT_FOUND",
  /** Addition beyond the contract's table: a unique constraint was hit, e.g. the company already exists. */
  CONFLICT: "CONFLICT",
  /** Addition beyond the contract's table: the request body exceeds the size limit. */
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  /** Over the key's rate limit, or too many failed attempts from one IP; `details.retryAfterSeconds`. */
  RATE_LIMITED: "RATE_LIMITED",
  /** Database unreachable and the credential not in cache. */
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  /** Addition beyond the contract's table: the guard could not reach its upstream (down, refused, reset). */
  BAD_GATEWAY: "BAD_GATEWAY",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  TWO_FACTOR_REQUIRED: 401,
  FORBIDDEN: 403,
  IP_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  BAD_GATEWAY: 502,
};

export const DEFAULT_MESSAGE: Record<ErrorCode, string> = {
  VALIDATION_FAILED: "Validation failed",
  UNAUTHORIZED: "Invalid or missing API key",
  TWO_FACTOR_REQUIRED: "Enter the code from your authenticator app, or a recovery code",
  FORBIDDEN: "Insufficient permissions",
  IP_NOT_ALLOWED: "IP address not allowed",
  NOT_FOUND: "Not found",
  CONFLICT: "Resource already exists",
  PAYLOAD_TOO_LARGE: "Payload too large",
  RATE_LIMITED: "Rate limit exceeded",
  SERVICE_UNAVAILABLE: "Service unavailable",
  BAD_GATEWAY: "Upstream unreachable",
};

export type ErrorDetails = Record<string, unknown>;

export interface ErrorBody {
  errors: [{ code: ErrorCode; message: string; details?: ErrorDetails }];
}

export class KeywardError extends Error {
  override readonly name = "KeywardError";
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: ErrorDetails;

  constructor(code: ErrorCode, message?: string, details?: ErrorDetails) {
    super(message ?? DEFAULT_MESSAGE[code]);
    this.code = code;
    this.status = ERROR_STATUS[code];
    if (details !== undefined) this.details = details;
  }
}

export function errorBody(code: ErrorCode, message?: string, details?: ErrorDetails): ErrorBody {
  const error = { code, message: message ?? DEFAULT_MESSAGE[code] };
  return { errors: [details === undefined ? error : { ...error, details }] };
}
