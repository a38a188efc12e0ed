// Guard tokens (`keyward-auth-token`): compact HS256 JWTs over the guard secret's UTF-8 bytes, with
// issuer `keyward-guard`, an expiry and, when issued for one company's guard, a `company` claim. Signed
// and verified with jose, here only: the dashboard and `keyward guard` issue them, the guard checks them.
import { randomBytes } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { isUuid } from "../ids";

/** Issuer of guard tokens; the guard accepts no other. */
export const GUARD_TOKEN_ISSUER = "keyward-guard";

const keyOf = (secret: string) => new TextEncoder().encode(secret);

/**
 * A `keyward-auth-token` value, expiring after `ttlSeconds`. With `companyId` the token names the company
 * it was issued for, so a guard of another company sharing the secret refuses it.
 */
export async function issueGuardToken(
  secret: string,
  ttlSeconds: number,
  { now = Date.now(), companyId }: { now?: number; companyId?: string } = {},
): Promise<{ token: string; expiresAt: Date }> {
  const iat = Math.floor(now / 1000);
  const exp = iat + ttlSeconds;
  const token = await new SignJWT(companyId === undefined ? {} : { company: companyId })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(GUARD_TOKEN_ISSUER)
    .setSubject("guard")
    .setJti(randomBytes(12).toString("base64url"))
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(keyOf(secret));
  return { token, expiresAt: new Date(exp * 1000) };
}

/**
 * The company of an unexpired HS256 JWT of issuer `keyward-guard` signed with `secret` (by Keyward or anyone
 * holding it): `{ company: null }` for a token that names none, null for a token that does not pass.
 * A `company` claim that is not a company id fails the token: the guard forwards it to its upstream.
 */
export async function verifyGuardToken(token: string, secret: string): Promise<{ company: string | null } | null> {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), {
      algorithms: ["HS256"],
      issuer: GUARD_TOKEN_ISSUER,
      requiredClaims: ["exp"],
    });
    if (payload.company === undefined) return { company: null };
    return typeof payload.company === "string" && isUuid(payload.company) ? { company: payload.company } : null;
  } catch {
    return null;
  }
}
