// Test helpers for credentials: dashboard users of any role, and a client IP of one's own.
import { randomBytes, randomUUID } from "node:crypto";
import { hashPassword, type PasswordHashing } from "@keyward/auth-core";
import { type Role, setupFirstCompany } from "@keyward/core";
import type { Db } from "@keyward/db";
import type { FastifyInstance } from "fastify";

/** Cheap scrypt parameters for test users, passed explicitly (the app hashes with OWASP's unless told). */
export const TEST_PASSWORD_HASHING: PasswordHashing = { N: 1024, r: 8, p: 1 };

/** The owner of the first company in the tests that start from an empty database. */
export const FIRST_OWNER = { email: "o@acme.test", password: "correct horse battery" };

/** The first company, "Acme", owned by FIRST_OWNER, with its two starter keys (as `keyward setup`). */
export function setupAcme(db: Db) {
  return setupFirstCompany(db, { company: "Acme", ...FIRST_OWNER }, { hashing: TEST_PASSWORD_HASHING });
}

/**
 * A random private IP per test file: the failed-credential throttle counts per IP (in Redis when
 * REDIS_URL is set, shared by every test file), so refusals here must not block other files.
 */
export function testIp(): string {
  const [a, b, c] = randomBytes(3);
  return `10.${a}.${b}.${((c ?? 0) % 250) + 1}`;
}

export async function addMember(
  db: Db,
  companyId: string,
  role: Role,
  /** The new user's email and password; generated when not given. */
  given?: { email: string; password: string },
): Promise<{ userId: string; email: string; password: string }> {
  const email = given?.email ?? `${role}-${randomUUID().slice(0, 8)}@example.test`;
  const password = given?.password ?? `pw-${randomUUID()}`;
  const user = await db.user.create({
    data: { email, passwordHash: await hashPassword(password, TEST_PASSWORD_HASHING) },
  });
  await db.membership.create({ data: { companyId, userId: user.id, role } });
  return { userId: user.id, email, password };
}

export async function loginUser(app: FastifyInstance, email: string, password: string, ip: string): Promise<string> {
  const res = await app.inject({
    method: "POST",
    url: "/v1/auth/login",
    payload: { email, password },
    remoteAddress: ip,
  });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return res.json().token as string;
}

export const UNAUTHORIZED_BODY = { errors: [{ code: "UNAUTHORIZED", message: "Invalid or missing API key" }] };
/** POST /v1/auth/login's 401 for a refused email and password: the same code, words about a password. */
export const WRONG_PASSWORD_BODY = { errors: [{ code: "UNAUTHORIZED", message: "Incorrect email or password" }] };
export const INVALID_TOKEN = 'Bearer realm="keyward", error="invalid_token"';
