// Brute force on POST /v1/auth/login: attempts are counted before the password is checked, per IP,
// per account and IP, and per account (PasswordLogins in @keyward/db, shared with the dashboard).
import { PASSWORD_HASHING } from "@keyward/auth-core";
import { LOGIN_FAILURES_PER_ACCOUNT_AND_IP as PER_PAIR } from "@keyward/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, testIp } from "../../test/credentials";
import { type Harness, startHarness } from "../../test/harness";

const PER_IP = 30; // AUTH_FAILURE_LIMIT's default

let h: Harness;
let slow: Harness;
beforeAll(async () => {
  [h, slow] = await Promise.all([
    startHarness(),
    // Production's scrypt cost (N=2^17): each check takes long enough to see the event loop stay free.
    startHarness({}, { passwordHashing: PASSWORD_HASHING }),
  ]);
});
afterAll(() => Promise.all([h?.close(), slow?.close()]));

const login = (email: string, password: string, ip: string, app = h.app) =>
  app.inject({ method: "POST", url: "/v1/auth/login", payload: { email, password }, remoteAddress: ip });

const statuses = (responses: { statusCode: number }[]) => {
  const counts: Record<number, number> = {};
  for (const r of responses) counts[r.statusCode] = (counts[r.statusCode] ?? 0) + 1;
  return counts;
};

describe("POST /v1/auth/login throttling", () => {
  it(`429 RATE_LIMITED with Retry-After: of 100 concurrent wrong passwords from one IP only ${PER_PAIR} are checked`, async () => {
    const member = await addMember(h.db, h.companyId, "admin");
    const ip = testIp();
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => login(member.email, `wrong guess ${i}`, ip)),
    );
    // Every answer that is not a 429 is a password that was checked.
    expect(statuses(responses)).toEqual({ 401: PER_PAIR, 429: 100 - PER_PAIR });
    for (const res of responses.filter((r) => r.statusCode === 429)) {
      expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
      expect(res.json().errors[0]).toMatchObject({
        code: "RATE_LIMITED",
        details: { retryAfterSeconds: Number(res.headers["retry-after"]) },
      });
    }
    expect((await login(member.email, member.password, ip)).statusCode).toBe(429);
  });

  it(`429: of 100 concurrent wrong passwords for 100 accounts from one IP only ${PER_IP} are checked`, async () => {
    const ip = testIp();
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => login(`nobody-${i}@acme.test`, "wrong", ip)),
    );
    expect(statuses(responses)).toEqual({ 401: PER_IP, 429: 100 - PER_IP });
  });

  it("200: the owner still logs in from another IP while one IP is blocked for their account", async () => {
    const member = await addMember(h.db, h.companyId, "owner");
    const attacker = testIp();
    await Promise.all(Array.from({ length: PER_PAIR + 5 }, (_, i) => login(member.email, `guess ${i}`, attacker)));
    expect((await login(member.email, member.password, attacker)).statusCode).toBe(429);
    const res = await login(member.email, member.password, testIp());
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ email: member.email, role: "owner" });
  });

  it("429 from every IP once the account's global limit is reached (10 IPs × 10 failures)", async () => {
    const member = await addMember(h.db, h.companyId, "admin");
    const responses = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const ip = testIp();
        return Promise.all(Array.from({ length: PER_PAIR }, (_, i) => login(member.email, `g${i}`, ip)));
      }),
    );
    expect(statuses(responses.flat())).toEqual({ 401: 10 * PER_PAIR });
    const fresh = await login(member.email, member.password, testIp());
    expect(fresh.statusCode).toBe(429);
    expect(Number(fresh.headers["retry-after"])).toBeGreaterThan(0);
  });

  it("a health request is answered while logins hash at production cost (scrypt runs off the event loop)", async () => {
    const ip = testIp();
    let loginsDone = 0;
    const logins = Array.from({ length: 4 }, () =>
      login("owner@acme.test", "correct horse battery", ip, slow.app).then((res) => {
        loginsDone += 1;
        return res.statusCode;
      }),
    );
    const health = await slow.app.inject({ method: "GET", url: "/v1/health" });
    expect(health.statusCode).toBe(200);
    expect(loginsDone).toBe(0);
    expect(await Promise.all(logins)).toEqual([200, 200, 200, 200]);
  });
});
