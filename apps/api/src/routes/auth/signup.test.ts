import { LOGIN_FAILURES_PER_ACCOUNT_AND_IP as PER_PAIR } from "@keyward/core";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testIp } from "../../test/credentials";
import { bearer, type Harness, startHarness } from "../../test/harness";

let open: Harness;
let closed: Harness;
beforeAll(async () => {
  [open, closed] = await Promise.all([startHarness({ KEYWARD_SIGNUP: "open" }), startHarness()]);
});
afterAll(() => Promise.all([open?.close(), closed?.close()]));

const signUp = (h: Harness, payload: unknown, ip = testIp()) =>
  h.app.inject({ method: "POST", url: "/v1/auth/signup", payload: payload as object, remoteAddress: ip });

describe("POST /v1/auth/signup", () => {
  it("201: a new company owned by a new user, and a JWT for that company that the API accepts", async () => {
    const res = await signUp(open, {
      companyName: " Globex ",
      email: "Hank@Globex.test",
      password: "a long password 1",
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      user: { id: expect.any(String), email: "hank@globex.test", role: "owner" },
      company: { id: expect.any(String), name: "Globex" },
    });
    expect(body.company.id).not.toBe(open.companyId);
    expect(decodeJwt(body.token)).toMatchObject({ sub: body.user.id, company: body.company.id, role: "owner" });
    const keys = await open.app.inject({ method: "GET", url: "/v1/keys", headers: bearer(body.token) });
    expect(keys.statusCode).toBe(200);
    expect(keys.json().data).toEqual([]);
    const created = await open.db.auditEvent.findFirstOrThrow({
      where: { companyId: body.company.id, action: "company.created" },
    });
    expect(created.actorType).toBe("system");
  });

  it("201: an existing account with its own password gets one more company; 409 with another password", async () => {
    const wrong = await signUp(open, { companyName: "Hijack", email: "owner@acme.test", password: "not the password" });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json().errors[0]).toMatchObject({ code: "CONFLICT" });
    expect(await open.db.company.count({ where: { name: "Hijack" } })).toBe(0);

    const right = await signUp(open, {
      companyName: "Acme Two",
      email: "owner@acme.test",
      password: "correct horse battery",
    });
    expect(right.statusCode).toBe(201);
    const owner = await open.db.user.findUniqueOrThrow({
      where: { email: "owner@acme.test" },
      include: { memberships: true },
    });
    expect(owner.memberships.map((m) => m.companyId).sort()).toEqual([open.companyId, right.json().company.id].sort());
  });

  it("400 VALIDATION_FAILED: a short password, a bad email, no company name", async () => {
    const res = await signUp(open, { companyName: "", email: "nope", password: "short" });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it(`429 RATE_LIMITED with Retry-After: sign-ups are counted like logins (${PER_PAIR} per account and IP)`, async () => {
    const ip = testIp();
    for (let i = 0; i < PER_PAIR; i++) {
      const res = await signUp(
        open,
        { companyName: `Guess ${i}`, email: "owner@acme.test", password: `guess number ${i}` },
        ip,
      );
      expect(res.statusCode).toBe(409);
    }
    const res = await signUp(
      open,
      { companyName: "Last", email: "owner@acme.test", password: "correct horse battery" },
      ip,
    );
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    // The same counters as logins: the account's password from that IP is throttled there too.
    const login = await open.app.inject({
      method: "POST",
      url: "/v1/auth/login",
      payload: { email: "owner@acme.test", password: "correct horse battery" },
      remoteAddress: ip,
    });
    expect(login.statusCode).toBe(429);
  });

  it("404 NOT_FOUND when sign-up is closed (the default), and nothing is created", async () => {
    const before = await closed.db.company.count();
    const res = await signUp(closed, {
      companyName: "Globex",
      email: "hank@globex.test",
      password: "a long password 1",
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().errors[0]).toMatchObject({ code: "NOT_FOUND" });
    expect(await closed.db.company.count()).toBe(before);
  });
});
