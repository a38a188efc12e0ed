// The login throttle shared by the API and the dashboard, on a real database, and on Redis when
// REDIS_URL is set (counts then live there; every test uses its own emails and IPs).
import { randomUUID } from "node:crypto";
import { hashPassword } from "@keyward/auth-core";
import { createDb, type Db } from "@keyward/db";
import { createTestDatabase, type TestDatabase } from "@keyward/db/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type LoginOutcome,
  PasswordLogins,
  LOGIN_FAILURES_PER_IP as PER_IP,
  LOGIN_FAILURES_PER_ACCOUNT_AND_IP as PER_PAIR,
} from "../src";

// Cheap parameters, passed explicitly (production code always uses PASSWORD_HASHING).
const FAST = { N: 1024, r: 8, p: 1 };
const PASSWORD = "the owner's password";

let database: TestDatabase;
let db: Db;
let redis: Redis | null;
let logins: PasswordLogins;
let companyId: string;
beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL) : null;
  logins = new PasswordLogins({ db, redis, hashing: FAST });
  companyId = (await db.company.create({ data: { name: "Acme" } })).id;
});
afterAll(async () => {
  redis?.disconnect();
  await db?.$disconnect();
  await database?.drop();
});

async function owner(): Promise<string> {
  const email = `owner-${randomUUID()}@acme.test`;
  const user = await db.user.create({ data: { email, passwordHash: await hashPassword(PASSWORD, FAST) } });
  await db.membership.create({ data: { companyId, userId: user.id, role: "owner" } });
  return email;
}

// Counts in Redis outlive a run by a window: this run's IPs share a 48-bit prefix of its own.
const RUN = randomUUID().replaceAll("-", "").slice(0, 12).match(/.{4}/g)?.join(":");
let ipCount = 0;
const freshIp = () => {
  ipCount += 1;
  return `fd00:${RUN}::${ipCount.toString(16)}`;
};

const tally = (outcomes: LoginOutcome[]) => ({
  checked: outcomes.filter((o) => o.ok || o.reason === "refused").length,
  throttled: outcomes.filter((o) => !o.ok && o.reason === "throttled").length,
});

describe("PasswordLogins", () => {
  it(`100 concurrent wrong passwords from one IP: ${PER_PAIR} are checked, the rest are throttled with a wait`, async () => {
    const email = await owner();
    const ip = freshIp();
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, (_, i) => logins.attempt({ email, password: `guess ${i}`, ip })),
    );
    expect(tally(outcomes)).toEqual({ checked: PER_PAIR, throttled: 100 - PER_PAIR });
    const waits = outcomes.flatMap((o) => (!o.ok && o.reason === "throttled" ? [o.retryAfterMs] : []));
    expect(Math.min(...waits)).toBeGreaterThan(0);
    // The right password from that IP is refused too…
    expect(await logins.attempt({ email, password: PASSWORD, ip })).toMatchObject({ ok: false, reason: "throttled" });
    // …but the owner still signs in from another IP, with the email in any case.
    expect(await logins.attempt({ email: email.toUpperCase(), password: PASSWORD, ip: freshIp() })).toMatchObject({
      ok: true,
      user: { email, role: "owner" },
    });
  });

  it("a correct password is given back: it never uses up the account's attempts", async () => {
    const email = await owner();
    const ip = freshIp();
    for (let i = 0; i < PER_PAIR + 5; i++) {
      expect((await logins.attempt({ email, password: PASSWORD, ip })).ok).toBe(true);
    }
    for (let i = 0; i < PER_PAIR; i++) {
      expect(await logins.attempt({ email, password: "wrong", ip })).toEqual({ ok: false, reason: "refused" });
    }
  });

  it("the per-account limit: 10 IPs × 10 failures, then the account is throttled from every IP", async () => {
    const email = await owner();
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const ip = freshIp();
        const mine: LoginOutcome[] = [];
        // Beyond its pair's limit: the extra attempts must not count against the account.
        for (let i = 0; i < PER_PAIR + 5; i++) mine.push(await logins.attempt({ email, password: `g${i}`, ip }));
        return mine;
      }),
    );
    expect(tally(outcomes.flat())).toEqual({ checked: 100, throttled: 50 });
    expect(await logins.attempt({ email, password: PASSWORD, ip: freshIp() })).toMatchObject({
      ok: false,
      reason: "throttled",
    });
  });

  it(`per IP: ${PER_IP} failures spread over many emails, then that IP is throttled for any email`, async () => {
    const ip = freshIp();
    const outcomes = await Promise.all(
      Array.from({ length: PER_IP + 10 }, (_, i) =>
        logins.attempt({ email: `nobody-${i}-${randomUUID()}@acme.test`, password: "x", ip }),
      ),
    );
    expect(tally(outcomes)).toEqual({ checked: PER_IP, throttled: 10 });
    expect(await logins.attempt({ email: await owner(), password: PASSWORD, ip })).toMatchObject({
      reason: "throttled",
    });
  });
});
