// Guard tokens (`keyward-auth-token`): compact HS256 JWTs over the guard secret's UTF-8 bytes, with
// issuer `keyward-guard` and an expiry. Signed and verified with jose, here only: the dashboard and
// `keyward guard` issue them, the guard checks them.
import { randomBytes } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";

/** Issuer of guard tokens; the guard accepts no other. */
export const GUARD_TOKEN_ISSUER = "keyward-guard";

const keyOf = (secret: string) => new TextEncoder().encode(secret);

/** A `keyward-auth-token` value, expiring after `ttlSeconds`. */
export async function issueGuardToken(
  secret: string,
  ttlSeconds: number,
  now = Date.now(),
): Promise<{ token: string; expiresAt: Date }> {
  const iat = Math.floor(now / 1000);
  const exp = iat + ttlSeconds;
  const token = await new SignJWT()
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(GUARD_TOKEN_ISSUER)
    .setSubject("guard")
    .setJti(randomBytes(12).toString("base64url"))
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(keyOf(secret));
  return { token, expiresAt: new Date(exp * 1000) };
}

/** Whether `token` is an unexpired HS256 JWT of issuer `keyward-guard` signed with `secret` (by Keyward or anyone holding it). */
export async function guardTokenValid(token: string, secret: string): Promise<boolean> {
  try {
    await jwtVerify(token, keyOf(secret), {
      algorithms: ["HS256"],
      issuer: GUARD_TOKEN_ISSUER,
      requiredClaims: ["exp"],
    });
    return true;
  } catch {
    return false;
  }
}
