// The SDK's public shapes. A verdict is the one `POST /v1/keys/verify` answers, plus UNAVAILABLE:
// the SDK's own answer for a key it could not judge because Keyward was unreachable.

export type Environment = "live" | "test";

export type VerifyCode =
  | "VALID"
  | "NOT_FOUND"
  | "EXPIRED"
  | "REVOKED"
  | "COMPANY_SUSPENDED"
  | "INSUFFICIENT_SCOPE"
  | "IP_NOT_ALLOWED"
  | "RATE_LIMITED"
  | "UNAVAILABLE";

export interface RateLimitState {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

export interface Verdict {
  valid: boolean;
  code: VerifyCode;
  keyId?: string;
  /** The key's company (always set when the key is known). */
  companyId?: string;
  /** Set when the root key is an operator key, which verifies keys of every company. */
  company?: { id: string; name: string };
  scopes?: string[];
  environment?: Environment;
  metadata?: Record<string, unknown> | null;
  /** When the key stops working (its expiry or the end of its rotation grace), ISO 8601. */
  expiresAt?: string | null;
  /** Only for a key with a rate limit: such keys are always judged by Keyward, where the shared count lives. */
  ratelimit?: RateLimitState;
}

export interface VerifyInput {
  /** The key your client presented. */
  key: string;
  /** Scopes the request needs; all must be held. */
  requiredScopes?: readonly string[];
  /** Your client's IP, checked against the key's allowlist. */
  ip?: string;
  /** Rate-limit points this request consumes (default 1). */
  cost?: number;
}

/** The identity a middleware puts on a request once its key is verified. */
export interface KeywardIdentity {
  keyId: string;
  companyId: string;
  scopes: string[];
  environment: Environment;
  metadata: Record<string, unknown> | null;
}
