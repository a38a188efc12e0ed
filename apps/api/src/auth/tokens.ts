// Issues the API's JWTs and verifies every JWT it accepts (docs/api.md#credentials), routed by the unverified
// `iss` and `alg` and then fully verified by the matching key:
//   iss "keyward"  ES256, the API's own (SigningKeys, by kid; see claims.ts for the claims)
//   alg HS256      signed with KEYWARD_JWT_SECRET, when set
//   otherwise      an external identity provider's, when KEYWARD_JWKS_URL is set; issuer and
//                  audience checked (jose caches that key set and refetches it on an unknown kid)
// HS256 and external tokens become user principals: the company is the id in the claim
// KEYWARD_JWT_COMPANY_CLAIM (default `company`), which must exist; scopes come from
// `scope`/`scp` or `role` (claims.ts). Nothing here touches the database on the hot path except
// a miss in the small company cache (external tokens) or an unknown kid (rate-limited).
import { randomUUID } from "node:crypto";
import { type Environment, isValidScope, type KeyRecord } from "@keyward/auth-core";
import type { Role } from "@keyward/core";
import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
  SignJWT,
} from "jose";
import { z } from "zod";
import type { Env } from "../env";
import {
  KEYWARD_AUDIENCE,
  KEYWARD_ISSUER,
  keyClaimsSchema,
  roleFromClaims,
  scopeClaim,
  scopesFromClaims,
  scopesOfRole,
  userClaimsSchema,
} from "./claims";
import type { CompanyNames } from "./company-names";
import { SIGNING_ALGORITHM, type SigningKeys } from "./signing-keys";

export type TokenIssuer = "keyward" | "hs256" | "external";

export type VerifiedToken =
  | {
      type: "user";
      userId: string;
      companyId: string;
      role: Role | null;
      scopes: string[];
      issuer: TokenIssuer;
      /** The server-side session of a Keyward user token; null for HS256 and external tokens. */
      sessionId: string | null;
      expiresAt: Date;
    }
  | {
      type: "token";
      keyId: string;
      companyId: string;
      scopes: string[];
      environment: Environment;
      session: boolean;
      expiresAt: Date;
    };

export interface IssuedToken {
  token: string;
  tokenId: string;
  expiresAt: Date;
}

/** The token could not be checked (database or identity provider unreachable): a 503, not a 401. */
export class TokenCheckUnavailable extends Error {}

const EXTERNAL_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];
// jose errors that mean "this token is not acceptable"; anything else is the key set being unreachable.
const REFUSALS = new Set([
  "ERR_JWT_EXPIRED",
  "ERR_JWT_CLAIM_VALIDATION_FAILED",
  "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
  "ERR_JWKS_NO_MATCHING_KEY",
  "ERR_JWKS_MULTIPLE_MATCHING_KEYS",
  "ERR_JWS_INVALID",
  "ERR_JWT_INVALID",
  "ERR_JOSE_ALG_NOT_ALLOWED",
  "ERR_JOSE_NOT_SUPPORTED",
  "ERR_JWK_INVALID",
]);
const CLOCK_TOLERANCE_SECONDS = 5;

export class TokenService {
  readonly #env: Env;
  readonly #signingKeys: SigningKeys;
  readonly #sharedSecret: Uint8Array | null;
  readonly #external: JWTVerifyGetKey | null;
  readonly #companies: CompanyNames;

  constructor(opts: { env: Env; signingKeys: SigningKeys; companies: CompanyNames }) {
    this.#companies = opts.companies;
    this.#env = opts.env;
    this.#signingKeys = opts.signingKeys;
    this.#sharedSecret = opts.env.KEYWARD_JWT_SECRET ? new TextEncoder().encode(opts.env.KEYWARD_JWT_SECRET) : null;
    this.#external = opts.env.KEYWARD_JWKS_URL
      ? createRemoteJWKSet(new URL(opts.env.KEYWARD_JWKS_URL), { timeoutDuration: 3000, cooldownDuration: 5000 })
      : null;
  }

  get signingKeys(): SigningKeys {
    return this.#signingKeys;
  }

  /** A user token for the session `sessionId` (opened by the caller, core openSession). */
  issueUserToken(
    user: { id: string; companyId: string; role: Role },
    sessionId: string,
    ttlSeconds: number,
  ): Promise<IssuedToken> {
    return this.#sign({ kind: "user", company: user.companyId, role: user.role, sid: sessionId }, user.id, ttlSeconds);
  }

  /** A token standing for `key`: never outliving the key's own expiry or rotation grace. */
  issueKeyToken(key: KeyRecord, opts: { ttlSeconds: number; session: boolean }): Promise<IssuedToken> {
    const deadlines = [key.expiresAt, key.graceEndsAt].filter((d): d is Date => d !== null).map((d) => d.getTime());
    return this.#sign(
      {
        kind: opts.session ? "session" : "key",
        company: key.companyId,
        scope: scopeClaim(key.scopes),
        env: key.environment,
      },
      key.id,
      opts.ttlSeconds,
      deadlines.length > 0 ? Math.min(...deadlines) : undefined,
    );
  }

  async #sign(claims: JWTPayload, subject: string, ttlSeconds: number, notAfterMs?: number): Promise<IssuedToken> {
    const { kid, privateKey } = this.#signingKeys.signer;
    const now = Math.floor(Date.now() / 1000);
    const exp = Math.min(now + ttlSeconds, notAfterMs === undefined ? Infinity : Math.floor(notAfterMs / 1000));
    const tokenId = randomUUID();
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: "JWT" })
      .setIssuer(KEYWARD_ISSUER)
      .setAudience(KEYWARD_AUDIENCE)
      .setSubject(subject)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(tokenId)
      .sign(privateKey);
    return { token, tokenId, expiresAt: new Date(exp * 1000) };
  }

  /** The token's meaning, or null when it is not acceptable. Throws TokenCheckUnavailable. */
  async verify(jwt: string): Promise<VerifiedToken | null> {
    let alg: string | undefined;
    let iss: string | undefined;
    try {
      alg = decodeProtectedHeader(jwt).alg;
      iss = decodeJwt(jwt).iss;
    } catch {
      return null;
    }
    if (iss === KEYWARD_ISSUER) return this.#verifyOwn(jwt);
    if (alg === "HS256") return this.#sharedSecret ? this.#verifyShared(jwt, this.#sharedSecret) : null;
    if (this.#external) return this.#verifyExternal(jwt, this.#external);
    return null;
  }

  async #verifyOwn(jwt: string): Promise<VerifiedToken | null> {
    const kid = decodeProtectedHeader(jwt).kid;
    if (typeof kid !== "string") return null;
    let key: Awaited<ReturnType<SigningKeys["publicKey"]>>;
    try {
      key = await this.#signingKeys.publicKey(kid);
    } catch (error) {
      throw new TokenCheckUnavailable(`signing keys unavailable: ${(error as Error).message}`);
    }
    if (key === null) return null;
    const payload = await jwtVerify(jwt, key, {
      issuer: KEYWARD_ISSUER,
      audience: KEYWARD_AUDIENCE,
      algorithms: [SIGNING_ALGORITHM],
    }).then(
      (r) => r.payload,
      () => null,
    );
    if (payload === null) return null;

    const user = userClaimsSchema.safeParse(payload);
    if (user.success) {
      const { sub, company, role, sid, exp } = user.data;
      return {
        type: "user",
        userId: sub,
        companyId: company,
        role,
        scopes: scopesOfRole(role),
        issuer: "keyward",
        sessionId: sid,
        expiresAt: new Date(exp * 1000),
      };
    }
    const keyClaims = keyClaimsSchema.safeParse(payload);
    if (!keyClaims.success) return null;
    const { sub, company, scope, env, kind, exp } = keyClaims.data;
    return {
      type: "token",
      keyId: sub,
      companyId: company,
      scopes: scope.split(" ").filter(isValidScope),
      environment: env,
      session: kind === "session",
      expiresAt: new Date(exp * 1000),
    };
  }

  async #verifyShared(jwt: string, secret: Uint8Array): Promise<VerifiedToken | null> {
    const payload = await jwtVerify(jwt, secret, {
      algorithms: ["HS256"],
      requiredClaims: ["exp", "sub"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    }).then(
      (r) => r.payload,
      () => null,
    );
    return payload === null ? null : this.#foreignPrincipal(payload, "hs256");
  }

  async #verifyExternal(jwt: string, keys: JWTVerifyGetKey): Promise<VerifiedToken | null> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(jwt, keys, {
        issuer: this.#env.KEYWARD_JWT_ISSUER,
        audience: this.#env.KEYWARD_JWT_AUDIENCE,
        algorithms: EXTERNAL_ALGORITHMS,
        requiredClaims: ["exp", "sub"],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      if (REFUSALS.has((error as { code?: string }).code ?? "")) return null;
      throw new TokenCheckUnavailable(`identity provider key set unavailable: ${(error as Error).message}`);
    }
    return this.#foreignPrincipal(payload, "external");
  }

  async #foreignPrincipal(payload: JWTPayload, issuer: TokenIssuer): Promise<VerifiedToken | null> {
    const companyId = z.uuid().safeParse(payload[this.#env.KEYWARD_JWT_COMPANY_CLAIM]);
    if (!companyId.success || typeof payload.sub !== "string" || typeof payload.exp !== "number") return null;
    if (!(await this.#companyExists(companyId.data))) return null;
    return {
      type: "user",
      userId: payload.sub,
      companyId: companyId.data,
      role: roleFromClaims(payload),
      scopes: scopesFromClaims(payload),
      issuer,
      sessionId: null,
      expiresAt: new Date(payload.exp * 1000),
    };
  }

  async #companyExists(id: string): Promise<boolean> {
    try {
      return (await this.#companies.name(id)) !== null;
    } catch (error) {
      throw new TokenCheckUnavailable(`company lookup failed: ${(error as Error).message}`);
    }
  }
}
