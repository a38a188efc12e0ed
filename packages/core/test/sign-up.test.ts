// Self-service sign-up on a real database: a new company with a new or existing owner, never an
// existing account without its password, counted like logins.
import { randomUUID } from "node:crypto";
import { hashPassword } from "@keyward/auth-core";
import { createDb, type Db } from "@keyward/db";
import { createTestDatabase, type TestDatabase } from "@keyward/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateUser, companiesOf, PasswordLogins, passwordLoginLimits, signUp } from "../src";

const FAST = { N: 1024, r: 8, p: 1 };
const PASSWORD = "a long enough password";

let database: TestDatabase;
let db: Db;
beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

const freshEmail = () => `someone-${randomUUID()}@example.test`;

describe("signUp", () => {
  it("a new email: a company owned by a new user with that password, audited as the system", async () => {
    const email = freshEmail();
    const result = await signUp(
      db,
      { companyName: "Globex", email: email.toUpperCase(), password: PASSWORD },
      {
        hashing: FAST,
      },
    );
    expect(result).toMatchObject({ ok: true, user: { email, role: "owner" } });
    if (!result.ok) return;
    expect(await db.company.findUniqueOrThrow({ where: { id: result.user.companyId } })).toMatchObject({
      name: "Globex",
      keyPrefix: "kw",
      suspendedAt: null,
    });
    const check = await authenticateUser(db, email, PASSWORD, { hashing: FAST });
    expect(check).toMatchObject({ ok: true, user: { id: result.user.id, companyId: result.user.companyId } });
    const event = await db.auditEvent.findFirstOrThrow({ where: { companyId: result.user.companyId } });
    expect(event).toMatchObject({ action: "company.created", actorType: "system" });
  });

  it("an existing account with its own password: one more company, its password unchanged", async () => {
    const email = freshEmail();
    const first = await signUp(db, { companyName: "First", email, password: PASSWORD }, { hashing: FAST });
    const second = await signUp(db, { companyName: "Second", email, password: PASSWORD }, { hashing: FAST });
    expect(second).toMatchObject({ ok: true, user: { email, role: "owner" } });
    if (!first.ok || !second.ok) return;
    expect(second.user.id).toBe(first.user.id);
    expect((await companiesOf(db, first.user.id)).map((c) => c.name)).toEqual(["First", "Second"]);
  });

  it("an existing account with another password is refused, and nothing is created", async () => {
    const email = freshEmail();
    const user = await db.user.create({ data: { email, passwordHash: await hashPassword(PASSWORD, FAST) } });
    const companies = await db.company.count();
    expect(
      await signUp(db, { companyName: "Hijack", email, password: "not their password" }, { hashing: FAST }),
    ).toEqual({ ok: false, reason: "refused" });
    expect(await db.company.count()).toBe(companies);
    expect(await db.membership.count({ where: { userId: user.id } })).toBe(0);
  });

  it("two sign-ups of one new email at once: one company, the other refused", async () => {
    const email = freshEmail();
    const results = await Promise.all(
      ["A", "B"].map((name) =>
        signUp(db, { companyName: name, email, password: `${PASSWORD} ${name}` }, { hashing: FAST }),
      ),
    );
    const succeeded = results.filter((r) => r.ok);
    // The later one meets the account the first made (another password) or its unique email: refused either way.
    expect(succeeded).toHaveLength(1);
    expect(await db.user.count({ where: { email } })).toBe(1);
  });
});

describe("PasswordLogins.signUp", () => {
  it("counts every sign-up, successful or not, against the address like a failed login", async () => {
    const logins = new PasswordLogins({
      db,
      hashing: FAST,
      limits: { ...passwordLoginLimits(), perIp: { points: 3, windowSeconds: 60 } },
    });
    const ip = `fd00::${randomUUID().slice(0, 4)}`;
    const outcomes = [];
    for (let i = 0; i < 4; i++) {
      outcomes.push(await logins.signUp({ companyName: `Co ${i}`, email: freshEmail(), password: PASSWORD, ip }));
    }
    expect(outcomes.map((o) => (o.ok ? "ok" : o.reason))).toEqual(["ok", "ok", "ok", "throttled"]);
    // And a login from that address is then throttled too: the two share the counters.
    expect(await logins.attempt({ email: freshEmail(), password: PASSWORD, ip })).toMatchObject({
      reason: "throttled",
    });
  });
});
